"""Incremental rescans: assess again only the listings whose verdict can have changed since the last one.

A listing is re-assessed when
- it has no latest assessment, or its content hash differs from the one its latest assessment read;
- a licence it shows (by base key) or a brand it names was added, changed or removed in the registry
  (found through `listing_refs`, which every saved assessment keeps up to date);
- its seller's count of confirmed violations changed (the seller-history signal).
Everything is re-assessed when the engine changed: detectors or their versions, the model, the lexicon,
the config, or the standards catalogue (their digest is one `reference_state` row), and on the first
incremental rescan of a store (nothing recorded yet to compare against).

Not covered (documented in docs/deploy.md): investigation links (relisting, networks) that change because
*other* listings changed are followed up by `pipeline.investigation` as batches are stored, not here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine as DbEngine
from sqlalchemy import and_, delete, func, or_, select, tuple_

from tisguard.detect.engine import Engine
from tisguard.pipeline.store import assess_stored
from tisguard.store.listings import listing_query, stored_listing
from tisguard.store.refs import brand_ref, licence_ref
from tisguard.store.scale_tables import listing_refs, reference_state
from tisguard.store.tables import assessments, listings, sellers

CHUNK = 1000


def _sha(obj) -> str:
    return hashlib.sha256(json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def engine_digest(engine: Engine) -> str:
    """What re-assesses everything when it changes: detectors and versions, model, lexicon, config, catalogue."""
    editions = sorted(
        (s.tis_number, s.year_be, s.status, s.effective_date, s.name_th) for s in engine.ref.catalogue.editions
    )
    return _sha([engine.version, engine.config.model_dump(mode="json"), editions])


def registry_state(engine: Engine) -> dict[str, tuple[str, list]]:
    """licence key → (digest of its registry rows, the refs it can touch: its base key and brands)."""
    from tisguard.tisno import licence_key

    by_key: dict[str, list] = {}
    for lic in engine.ref.registry.licences:
        by_key.setdefault(licence_key(lic.licence_no), []).append(lic)
    out = {}
    for key, lics in by_key.items():
        docs = sorted((l.as_dict() for l in lics), key=lambda d: json.dumps(d, sort_keys=True, default=str))
        refs = {("L", licence_ref(l.licence_no)) for l in lics}
        refs |= {("B", b) for l in lics for b in map(brand_ref, l.brands) if b}
        out[key[:400]] = (_sha(docs), sorted(refs))
    return out


def seller_state(engine: Engine) -> dict[str, str]:
    return {f"{p}\t{s}"[:400]: str(n) for (p, s), n in engine.ref.seller_violations.items()}


@dataclass
class RescanPlan:
    """Which listings to assess again, and why (counts per reason; a listing can have several)."""

    total: int
    everything: str | None = None  # why all listings are re-assessed, when they are
    content_changed: int = 0
    registry_affected: int = 0
    seller_affected: int = 0
    changed_licences: int = 0
    changed_sellers: int = 0
    pks: list[int] = field(default_factory=list)  # empty when `everything`

    @property
    def selected(self) -> int:
        return self.total if self.everything else len(self.pks)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "reassessed": self.selected,
            "skipped": self.total - self.selected,
            "everything": self.everything,
            "content_changed": self.content_changed,
            "registry_affected": self.registry_affected,
            "seller_affected": self.seller_affected,
            "changed_licences": self.changed_licences,
            "changed_sellers": self.changed_sellers,
        }


def _stored_state(conn) -> dict[str, dict[str, tuple[str, str | None]]]:
    out: dict[str, dict] = {"engine": {}, "licence": {}, "seller": {}}
    for r in conn.execute(select(reference_state)):
        out.setdefault(r.kind, {})[r.key] = (r.digest, r.refs)
    return out


def plan_rescan(db: DbEngine, engine: Engine) -> RescanPlan:
    """Compare the store and the engine's reference with what the last incremental rescan recorded."""
    with db.connect() as conn:
        total = conn.execute(select(func.count()).select_from(listings)).scalar_one()
        state = _stored_state(conn)
        plan = RescanPlan(total)
        if "engine" not in state["engine"]:
            plan.everything = "first incremental rescan of this store"
            return plan
        if state["engine"]["engine"][0] != engine_digest(engine):
            plan.everything = "the engine changed (detectors, model, lexicon, config or catalogue)"
            return plan
        latest = assessments.alias("latest")
        content = {
            r[0]
            for r in conn.execute(
                select(listings.c.id)
                .outerjoin(latest, and_(latest.c.listing_pk == listings.c.id, latest.c.is_latest.is_(True)))
                .where(or_(latest.c.id.is_(None), latest.c.content_hash != listings.c.content_hash))
            )
        }
        refs: set[tuple[str, str]] = set()
        now = registry_state(engine)
        before = state["licence"]
        changed = [k for k in set(now) | set(before) if (now.get(k) or (None,))[0] != (before.get(k) or (None,))[0]]
        for k in changed:
            refs.update(tuple(x) for x in (now[k][1] if k in now else []))
            refs.update(tuple(x) for x in (json.loads(before[k][1] or "[]") if k in before else []))
        by_registry: set[int] = set()
        refs_list = sorted(refs)
        for i in range(0, len(refs_list), CHUNK):
            q = select(listing_refs.c.listing_pk).where(
                tuple_(listing_refs.c.kind, listing_refs.c.ref).in_(refs_list[i : i + CHUNK])
            )
            by_registry.update(r[0] for r in conn.execute(q))
        s_now, s_before = seller_state(engine), {k: v[0] for k, v in state["seller"].items()}
        changed_sellers = [k for k in set(s_now) | set(s_before) if s_now.get(k) != s_before.get(k)]
        by_seller: set[int] = set()
        keys = [tuple(k.split("\t", 1)) for k in changed_sellers]
        for i in range(0, len(keys), CHUNK):
            q = (
                select(listings.c.id)
                .join(sellers, sellers.c.id == listings.c.seller_pk)
                .where(tuple_(sellers.c.platform, sellers.c.seller_id).in_(keys[i : i + CHUNK]))
            )
            by_seller.update(r[0] for r in conn.execute(q))
    plan.content_changed, plan.registry_affected, plan.seller_affected = len(content), len(by_registry), len(by_seller)
    plan.changed_licences, plan.changed_sellers = len(changed), len(changed_sellers)
    plan.pks = sorted(content | by_registry | by_seller)
    return plan


def record_state(db: DbEngine, engine: Engine) -> None:
    """After a rescan: what it ran against, for the next one to compare with."""
    rows = [{"kind": "engine", "key": "engine", "digest": engine_digest(engine), "refs": None}]
    rows += [
        {"kind": "licence", "key": k, "digest": d, "refs": json.dumps(r, ensure_ascii=False)}
        for k, (d, r) in registry_state(engine).items()
    ]
    rows += [{"kind": "seller", "key": k, "digest": v, "refs": None} for k, v in seller_state(engine).items()]
    with db.begin() as conn:
        conn.execute(delete(reference_state))
        for i in range(0, len(rows), 5000):
            conn.execute(reference_state.insert(), rows[i : i + 5000])


def planned_batches(db: DbEngine, plan: RescanPlan, batch_size: int = CHUNK) -> Iterator[list]:
    """The planned listings as rows of `listing_query()`, in primary-key order, `batch_size` at a time."""
    if plan.everything:
        last = 0
        while True:
            with db.connect() as conn:
                rows = conn.execute(
                    listing_query().where(listings.c.id > last).order_by(listings.c.id).limit(batch_size)
                ).all()
            if not rows:
                return
            yield rows
            last = rows[-1].id
    for i in range(0, len(plan.pks), batch_size):
        with db.connect() as conn:
            rows = conn.execute(
                listing_query().where(listings.c.id.in_(plan.pks[i : i + batch_size])).order_by(listings.c.id)
            ).all()
        if rows:
            yield rows


def rescan_incremental(
    db: DbEngine,
    engine: Engine,
    sink: Callable | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = CHUNK,
) -> dict:
    """Assess again what `plan_rescan` selects (as `runners.rescan_store` assesses everything) and record the
    reference state it ran against. Returns the plan's counts: total, reassessed, skipped and why."""
    from tisguard.pipeline import image_jobs

    plan = plan_rescan(db, engine)
    n = 0
    for rows in planned_batches(db, plan, batch_size):
        batch = [stored_listing(r) for r in rows]
        assessed = assess_stored(db, engine, batch, {l.key: r.id for r, l in zip(rows, batch)})
        if sink:
            for a in assessed:
                sink(a)
        image_jobs.enqueue_unread(db, engine, [(r.id, l, a) for r, l, a in zip(rows, batch, assessed)], "rescan")
        n += len(rows)
        if progress:
            progress(n)
    record_state(db, engine)
    return plan.as_dict()
