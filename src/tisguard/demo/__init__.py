"""Synthetic demo and training data (every record is marked synthetic)."""
