"""Find a stored listing by the address someone pastes (a buyer's check, a complaint).

People paste what their browser shows: tracking parameters after `?`, a `#fragment`, a trailing slash.
The address is tried as given, then without them. The lookup uses the `substr(url, 1, 255)` index
(migration 0008) and compares the whole address in Python: SQLite stops using an expression index when
the same query also compares the column itself.
"""

from __future__ import annotations

from sqlalchemy import func, literal_column, select

from tisguard.store.tables import listings

PREFIX = 255


def variants(url: str) -> list[str]:
    u = url.strip()
    out = [u]
    base = u.split("#", 1)[0].split("?", 1)[0]
    for v in (base, base.rstrip("/"), base.rstrip("/") + "/"):
        if v and v not in out:
            out.append(v)
    return out


def find_by_url(conn, url: str | None):
    """The stored listing (id, platform, listing_id, url) whose address is `url` or a variant, or None."""
    if not url:
        return None
    key = func.substr(listings.c.url, literal_column("1"), literal_column(str(PREFIX)))
    for v in variants(url):
        rows = conn.execute(
            select(listings.c.id, listings.c.platform, listings.c.listing_id, listings.c.url)
            .where(key == v[:PREFIX])
            .order_by(listings.c.id)
            .limit(50)
        ).all()
        hit = next((r for r in rows if r.url == v), None)
        if hit is not None:
            return hit
    return None
