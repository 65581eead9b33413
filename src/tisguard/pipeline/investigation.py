"""Keep the investigation index (relisting, licence sharing, networks, recalls) in step with the listings.

- `load_index`: the index of a reference snapshot: the store's fingerprints and recalls when there is a
  store (else the recall samples shipped with tisguard), and the listings an officer confirmed or a
  platform removed.
- `prepare_batch`: before a stored batch is assessed: catch up with the store (other processes write
  too), fingerprint the batch's new or changed listings, keep the fingerprints, add them to the index.
  So four listings sharing a licence are seen together whether they arrive in one batch or months apart.
- `follow_up`: after: listings stored earlier whose investigation evidence the batch changed (a licence
  that is now shared, a group that gained a member) are assessed again, and kept only if it changed.
- `prepare_file`: the file scan's first pass: the whole file joins the index before anything is
  assessed, as on Spark (`pipeline.spark_investigation`), so both give the same results.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import Engine as DbEngine

from tisguard.detect.context import Reference
from tisguard.detect.engine import Engine
from tisguard.detect.investigation.corpus import EmbeddedCorpus
from tisguard.detect.investigation.fingerprint import DEFAULT_PARAMS
from tisguard.detect.investigation.index import InvestigationIndex, index_recalls, make_fingerprint
from tisguard.detect.investigation.recalls import Recall, RecallIndex
from tisguard.spec.listing import Listing

log = logging.getLogger(__name__)
Key = tuple[str, str]
FOLLOW_UP_SIGNALS = ("relisting", "duplicate_group", "licence_shared")
# Listings re-assessed inline after one batch of a file or rescan: a near-duplicate group grows with every copy,
# so the cap keeps a batch O(batch), not O(group). (A push queues all of them: pipeline.follow_up_queue.)
MAX_FOLLOW_UP = 200


@lru_cache(maxsize=1)
def shipped_recalls() -> tuple[Recall, ...]:
    from tisguard.recalls.readers import read_recall_file, shipped_samples

    out: list[Recall] = []
    for path in shipped_samples():
        out += [r for r, _raw in read_recall_file(path)[0]]
    return tuple(out)


_SHIPPED_INDEX: dict[tuple, RecallIndex] = {}


def recall_index(db: DbEngine | None, ref: Reference) -> RecallIndex:
    """The store's imported recalls; the shipped samples when none were imported (or without a store)."""
    recalls: list[Recall] = []
    if db is not None:
        from tisguard.store.investigation import load_recalls

        recalls = load_recalls(db)
    if recalls:
        return RecallIndex(index_recalls(recalls, ref))
    key = (ref.model.version, ref.lexicon.digest)  # the product types depend on the model only
    if key not in _SHIPPED_INDEX:
        _SHIPPED_INDEX[key] = RecallIndex(index_recalls(shipped_recalls(), ref))
    return _SHIPPED_INDEX[key]


def load_index(db: DbEngine | None, ref: Reference) -> InvestigationIndex:
    idx = InvestigationIndex(EmbeddedCorpus(ref.registry, DEFAULT_PARAMS), recall_index(db, ref), DEFAULT_PARAMS)
    if db is not None:
        idx.synced["store"] = store_name(db)
        sync(db, idx)
    return idx


def store_name(db: DbEngine) -> str:
    return db.url.render_as_string(hide_password=True)


def bound_to(idx: InvestigationIndex | None, db: DbEngine) -> bool:
    """Whether the index was loaded from this store (only then does a stored batch join it)."""
    return idx is not None and idx.embedded is not None and idx.synced.get("store") == store_name(db)


def sync(db: DbEngine, idx: InvestigationIndex) -> None:
    """Load fingerprints written since the last sync (by any process) and the current confirmed set."""
    from tisguard.store.investigation import bad_listings, bad_version, load_fingerprints

    corpus = idx.embedded
    if corpus is None:
        return
    with corpus._lock:
        last = idx.synced.get("fingerprint_id", 0)
        batch = []
        for row_id, fp in load_fingerprints(db, last):
            batch.append(fp)
            last = row_id
            if len(batch) >= 5000:
                corpus.add_many(batch)
                batch = []
        corpus.add_many(batch)
        idx.synced["fingerprint_id"] = last
        version = bad_version(db)
        if idx.synced.get("bad_version") != version:
            corpus.set_bad(bad_listings(db))
            idx.synced["bad_version"] = version


def fingerprints(idx: InvestigationIndex, batch: Iterable[Listing]):
    hasher = idx.image_hasher
    return [make_fingerprint(l, hasher(l.images) if hasher and l.images else (), idx.params) for l in batch]


def prepare_batch(db: DbEngine, engine: Engine, batch: list[Listing], pks: dict[Key, int]) -> None:
    """Fingerprint and keep the batch's new or changed listings; when the engine's index was loaded from
    this store, catch up with the store and add them to the index before they are assessed."""
    idx = engine.ref.investigation
    if idx is None or not batch:
        return
    from tisguard.store.investigation import current_sources, save_fingerprints, source_hash

    bound = bound_to(idx, db)
    if bound:
        sync(db, idx)
    latest = {l.key: l for l in batch}  # a listing twice in a batch: its last record is the stored one
    stored = current_sources(db, [pks[k] for k in latest])
    todo = [(l, source_hash(l)) for l in latest.values()]
    todo = [(l, src) for l, src in todo if stored.get(pks[l.key]) != src or (bound and l.key not in idx.embedded)]
    if not todo:
        return
    fps = fingerprints(idx, [l for l, _ in todo])
    save_fingerprints(db, [(pks[l.key], src, fp) for (l, src), fp in zip(todo, fps)])
    if bound:
        idx.embedded.add_many(fps)


def _investigation_evidence(evidence: list) -> list:
    out = []
    for e in evidence:
        d = e if isinstance(e, dict) else e.as_dict()
        if d["signal"] in FOLLOW_UP_SIGNALS:
            out.append((d["signal"], d.get("value")))
    return sorted(out, key=repr)


def related_keys(idx: InvestigationIndex, batch: list[Listing]) -> set[Key]:
    """Listings whose licence-sharing or group answer may have changed with this batch."""
    from tisguard.detect.investigation.corpus import licence_uses

    corpus = idx.embedded
    out: set[Key] = set()
    for l in batch:
        fp = corpus.fps.get(l.key)
        if fp is None:
            continue
        for lkey, *_ in licence_uses(fp, corpus.registry):
            use = corpus.licence(lkey)
            if use is not None:
                out.update(use.listings)
        group = corpus.group_of(l.key)
        if group is not None:
            out.update(group.members)
    return out - {l.key for l in batch}


def follow_up_keys(db: DbEngine, engine: Engine, batch: list[Listing]) -> list[Key]:
    """The stored listings to look at again after `batch`, in key order, at most MAX_FOLLOW_UP (the rest wait
    for a rescan); none when the engine's investigation index is not this store's. One answer for the inline
    follow-up and the queued one, so both re-assess the same listings."""
    idx = engine.ref.investigation
    if not batch or not bound_to(idx, db):
        return []
    keys = sorted(related_keys(idx, batch))
    if len(keys) > MAX_FOLLOW_UP:
        log.warning("%d related listings; following up the first %d", len(keys), MAX_FOLLOW_UP)
        keys = keys[:MAX_FOLLOW_UP]
    return keys


def follow_up(db: DbEngine, engine: Engine, batch: list[Listing]) -> int:
    """Re-assess earlier listings the batch changed the investigation evidence of; returns how many changed.
    Runs inline (file ingest, rescans, Spark); a platform's push queues the same work instead
    (`pipeline.follow_up_queue`), so the request does not wait for it."""
    keys = follow_up_keys(db, engine, batch)
    return reassess(db, engine, keys) if keys else 0


def reassess(db: DbEngine, engine: Engine, keys: list[Key]) -> int:
    """Assess the stored listings `keys` again; keep a new assessment only where its investigation evidence
    changed (an idempotent step: running it twice changes nothing the second time). Returns how many changed."""
    from sqlalchemy import and_, tuple_

    from tisguard.store.assessments import save_assessments
    from tisguard.store.listings import content_hash, listing_query, stored_listing
    from tisguard.store.tables import assessments, listings

    changed = 0
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        with db.connect() as conn:
            rows = conn.execute(
                listing_query()
                .add_columns(assessments.c.evidence.label("a_evidence"))
                .outerjoin(
                    assessments, and_(assessments.c.listing_pk == listings.c.id, assessments.c.is_latest.is_(True))
                )
                .where(tuple_(listings.c.platform, listings.c.listing_id).in_(chunk))
            ).all()
        if not rows:
            continue
        stored = [stored_listing(r) for r in rows]
        assessed = engine.assess_many(stored)
        keep = [
            (r.id, l, content_hash(l), a)
            for r, l, a in zip(rows, stored, assessed)
            if r.a_evidence is not None and _investigation_evidence(r.a_evidence) != _investigation_evidence(a.evidence)
        ]
        save_assessments(db, keep)
        changed += len(keep)
    return changed


def prepare_file(engine: Engine, listings: Iterable[Listing]) -> int:
    """First pass of a file scan: every listing of the file joins the index; returns how many."""
    idx = engine.ref.investigation
    if idx is None or idx.embedded is None:
        return 0
    n, batch = 0, []
    for l in listings:
        batch.append(l)
        if len(batch) >= 1000:
            idx.embedded.add_many(fingerprints(idx, batch))
            n += len(batch)
            batch = []
    idx.embedded.add_many(fingerprints(idx, batch))
    return n + len(batch)
