"""Listing ingestion: stream records from files, validate, store, reject with reasons."""
