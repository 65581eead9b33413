"""Limits on the shape of one input record, checked before validation so that no record can crash a run.

Listing records are shallow (attributes and images are two levels deep), but unknown extra fields are
kept as raw JSON, so a hostile or broken record could nest thousands of levels. Deep values break
things far from here: the JSON serialiser of the store stops at 254 levels, recursive code at ~1,000.
A record nested deeper than MAX_NESTING is rejected, naming its top-level field.
"""

from __future__ import annotations

MAX_NESTING = 64  # levels of objects/arrays below a top-level field; real listings use 2
MAX_CSV_FIELD_CHARS = 128 * 1024  # one CSV cell; the longest spec field (description) is 100,000 characters


def too_deep(record: dict, limit: int = MAX_NESTING) -> str | None:
    """The first top-level field whose value nests more than `limit` levels, else None (no recursion)."""
    for key, value in record.items():
        if not isinstance(value, (dict, list)):  # a tuple: faster than a union type
            continue  # most fields are text or numbers
        stack = [(value, 1)]
        while stack:
            v, depth = stack.pop()
            if depth > limit:
                return str(key)
            for c in v.values() if isinstance(v, dict) else v:
                if isinstance(c, (dict, list)):
                    stack.append((c, depth + 1))
    return None


def shallow(value, levels: int = 4):
    """A copy cut `levels` deep ("…" below), safe to serialise as an excerpt of any record."""
    if levels <= 0:
        return "…" if isinstance(value, dict | list | tuple) else value
    if isinstance(value, dict):
        return {str(k): shallow(v, levels - 1) for k, v in list(value.items())[:50]}
    if isinstance(value, list | tuple):
        return [shallow(v, levels - 1) for v in value[:50]]
    return value
