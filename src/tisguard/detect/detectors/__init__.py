"""Detectors: small classes with a `name` and `version`, each returning `Evidence` items."""
