"""The store: one schema (tables.py), managed by Alembic, on SQLite or PostgreSQL."""
