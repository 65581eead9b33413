"""Scanning the store: ingest + assess + keep assessments."""
