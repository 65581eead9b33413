"""The TISI licence registry: import, normalise, look up."""
