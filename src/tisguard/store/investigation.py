"""The store side of investigation: listing fingerprints (written with each assessed batch, read back
incrementally by id), the listings an officer confirmed or a platform removed, and imported recalls."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, delete, func, select, tuple_

from tisguard.detect.investigation.fingerprint import SCHEME, Fingerprint
from tisguard.detect.investigation.recalls import Recall
from tisguard.spec.listing import Listing
from tisguard.store.dml import insert_ignore
from tisguard.store.listings import content_hash
from tisguard.store.tables import decisions, listing_fingerprints, listings, notice_items, recalls, sellers

Key = tuple[str, str]
PAGE = 5000


def source_hash(listing: Listing) -> str:
    """What a fingerprint is made of: the listing's content and its photos."""
    photos = json.dumps([[i.url, i.path] for i in listing.images], ensure_ascii=False)
    return hashlib.sha256((content_hash(listing) + photos).encode("utf-8")).hexdigest()


def current_sources(db: Engine, pks: list[int]) -> dict[int, str]:
    """listing pk → source hash of its stored fingerprint (of the current scheme)."""
    if not pks:
        return {}
    with db.connect() as conn:
        rows = conn.execute(
            select(listing_fingerprints.c.listing_pk, listing_fingerprints.c.source_hash).where(
                listing_fingerprints.c.listing_pk.in_(pks), listing_fingerprints.c.scheme == SCHEME
            )
        ).all()
    return {r.listing_pk: r.source_hash for r in rows}


def save_fingerprints(db: Engine, rows: list[tuple[int, str, Fingerprint]]) -> None:
    """rows: (listing pk, source hash, fingerprint). A listing's earlier fingerprint is replaced (new id)."""
    if not rows:
        return
    now = datetime.now(UTC)
    with db.begin() as conn:
        conn.execute(delete(listing_fingerprints).where(listing_fingerprints.c.listing_pk.in_([r[0] for r in rows])))
        conn.execute(
            listing_fingerprints.insert(),
            [
                {
                    "listing_pk": pk,
                    "scheme": SCHEME,
                    "source_hash": src,
                    "signature": fp.signature,
                    "images": [f"{h:016x}" for h in fp.images],
                    "contacts": [list(c) for c in fp.contacts],
                    "licences": list(fp.licences),
                    "created_at": now,
                }
                for pk, src, fp in rows
            ],
        )


def load_fingerprints(db: Engine, after_id: int = 0) -> Iterator[tuple[int, Fingerprint]]:
    """(row id, fingerprint) of the current scheme with id > after_id, in id order, in pages."""
    q = (
        select(
            listing_fingerprints,
            listings.c.platform,
            listings.c.listing_id,
            listings.c.title,
            listings.c.brand,
            sellers.c.seller_id,
            sellers.c.name.label("seller_name"),
            sellers.c.juristic_id,
        )
        .join(listings, listings.c.id == listing_fingerprints.c.listing_pk)
        .join(sellers, sellers.c.id == listings.c.seller_pk)
        .where(listing_fingerprints.c.scheme == SCHEME)
        .order_by(listing_fingerprints.c.id)
    )
    last = after_id
    while True:
        with db.connect() as conn:
            rows = conn.execute(q.where(listing_fingerprints.c.id > last).limit(PAGE)).all()
        if not rows:
            return
        for r in rows:
            yield (
                r.id,
                Fingerprint(
                    key=(r.platform, r.listing_id),
                    seller=(r.platform, r.seller_id),
                    title=r.title,
                    signature=bytes(r.signature),
                    brand=r.brand,
                    seller_name=r.seller_name,
                    juristic_id=r.juristic_id,
                    images=tuple(int(h, 16) for h in (r.images or [])),
                    contacts=tuple(tuple(c) for c in (r.contacts or [])),
                    licences=tuple(r.licences or []),
                ),
            )
        last = rows[-1].id


def _final_decisions():
    latest = (
        select(decisions.c.listing_pk, func.max(decisions.c.id).label("decision_id"))
        .where(decisions.c.decision.in_(("confirm", "dismiss")))
        .group_by(decisions.c.listing_pk)
        .subquery("latest_final")
    )
    return latest


def bad_listings(db: Engine) -> dict[Key, str]:
    """Listings whose governing decision is a confirmed violation ('confirm'), or that a platform removed
    under a notice ('removed'): the listings a relisted copy is compared with."""
    latest = _final_decisions()
    confirmed = (
        select(listings.c.platform, listings.c.listing_id)
        .select_from(
            latest.join(decisions, decisions.c.id == latest.c.decision_id).join(
                listings, listings.c.id == latest.c.listing_pk
            )
        )
        .where(decisions.c.decision == "confirm")
    )
    removed = (
        select(listings.c.platform, listings.c.listing_id)
        .select_from(notice_items.join(listings, listings.c.id == notice_items.c.listing_pk))
        .where(notice_items.c.action == "removed")
    )
    with db.connect() as conn:
        out = {(r.platform, r.listing_id): "confirm" for r in conn.execute(confirmed)}
        out.update({(r.platform, r.listing_id): "removed" for r in conn.execute(removed)})
    return out


def bad_version(db: Engine) -> tuple:
    """Changes whenever a decision is taken or a platform reports an action (cheap to ask each batch)."""
    with db.connect() as conn:
        d = conn.execute(select(func.max(decisions.c.id))).scalar()
        n = conn.execute(
            select(func.count(), func.max(notice_items.c.action_at)).where(notice_items.c.action == "removed")
        ).one()
    return (d, n[0], str(n[1]))


def listing_summaries(db: Engine, keys: list[Key]) -> dict[Key, dict]:
    """pk, title, seller, images, latest verdict of listings by key (for pages)."""
    from tisguard.store.tables import assessments, listing_images

    out: dict[Key, dict] = {}
    if not keys:
        return out
    with db.connect() as conn:
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows = conn.execute(
                select(
                    listings.c.id,
                    listings.c.platform,
                    listings.c.listing_id,
                    listings.c.title,
                    listings.c.description,
                    listings.c.url,
                    listings.c.price,
                    listings.c.brand,
                    sellers.c.seller_id,
                    sellers.c.name.label("seller_name"),
                    assessments.c.verdict,
                    assessments.c.risk,
                )
                .join(sellers, sellers.c.id == listings.c.seller_pk)
                .outerjoin(
                    assessments, and_(assessments.c.listing_pk == listings.c.id, assessments.c.is_latest.is_(True))
                )
                .where(tuple_(listings.c.platform, listings.c.listing_id).in_(chunk))
            ).all()
            pks = [r.id for r in rows]
            imgs: dict[int, list] = {}
            for im in conn.execute(
                select(listing_images).where(listing_images.c.listing_pk.in_(pks)).order_by(listing_images.c.position)
            ):
                imgs.setdefault(im.listing_pk, []).append({"url": im.url, "path": im.path})
            for r in rows:
                out[(r.platform, r.listing_id)] = {**dict(r._mapping), "images": imgs.get(r.id, [])}
    return out


# ---- recalls ---------------------------------------------------------------------------------------------
def upsert_recalls(db: Engine, found: list[tuple[Recall, dict]], imported_from: str) -> dict:
    """Insert new recalls and update known ones (same source and id); returns counts."""
    now = datetime.now(UTC)
    rows = [
        {
            "source": r.source,
            "recall_id": r.recall_id,
            "product": r.product,
            "brands": list(r.brands),
            "models": list(r.models),
            "description": r.description,
            "hazard": r.hazard,
            "measures": r.measures,
            "url": r.url,
            "category": r.category,
            "published": r.published,
            "imported_from": imported_from,
            "raw": raw,
            "imported_at": now,
        }
        for r, raw in found
    ]
    if not rows:
        return {"added": 0, "updated": 0}
    keys = {(r["source"], r["recall_id"]) for r in rows}
    with db.begin() as conn:
        known = {
            (r.source, r.recall_id)
            for r in conn.execute(
                select(recalls.c.source, recalls.c.recall_id).where(
                    tuple_(recalls.c.source, recalls.c.recall_id).in_(list(keys))
                )
            )
        }
        if known:
            conn.execute(delete(recalls).where(tuple_(recalls.c.source, recalls.c.recall_id).in_(list(known))))
        insert_ignore(conn, recalls, rows, ["source", "recall_id"])
    return {"added": len(keys - known), "updated": len(known)}


def load_recalls(db: Engine) -> list[Recall]:
    with db.connect() as conn:
        rows = conn.execute(select(recalls).order_by(recalls.c.source, recalls.c.recall_id)).all()
    return [
        Recall(
            source=r.source,
            recall_id=r.recall_id,
            product=r.product,
            brands=tuple(r.brands or ()),
            models=tuple(r.models or ()),
            description=r.description or "",
            hazard=r.hazard or "",
            measures=r.measures or "",
            url=r.url,
            category=r.category,
            published=r.published,
        )
        for r in rows
    ]


def count_recalls(db: Engine) -> dict[str, int]:
    with db.connect() as conn:
        return {s: n for s, n in conn.execute(select(recalls.c.source, func.count()).group_by(recalls.c.source))}
