"""Dialect-aware statements the store needs on both SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(conn, table: Table, rows: list[dict], conflict_cols: list[str]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; returns rows given (inserted or not)."""
    if not rows:
        return 0
    dialect = conn.dialect.name
    mod = postgresql if dialect == "postgresql" else sqlite
    stmt = mod.insert(table).on_conflict_do_nothing(index_elements=conflict_cols)
    conn.execute(stmt, rows)
    return len(rows)
