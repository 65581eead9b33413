"""Incremental rescans (issue 15): after a registry change only the listings it can affect are assessed again,
counted; skipping the others was safe (a full assessment gives what the store holds); a content change
re-assesses that listing; an engine change re-assesses everything. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace

from sqlalchemy import func, select

from conftest import DEV, write_jsonl


def _engine(db, registry, config=None):
    from tisguard.detect.config import EngineConfig
    from tisguard.pipeline.build import make_engine
    from tisguard.pipeline.reference import load_reference

    # without the investigation index: its follow-ups re-assess linked listings on their own (not counted here)
    return make_engine(replace(load_reference(db, registry, None), investigation=None), config or EngineConfig())


def _n_assessments(db) -> int:
    from tisguard.store.tables import assessments

    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(assessments)).scalar_one()


def _latest(db) -> dict:
    from tisguard.store.listings import listing_query, stored_listing
    from tisguard.store.tables import assessments, listings

    with db.connect() as conn:
        rows = conn.execute(listing_query().order_by(listings.c.id)).all()
        verdicts = dict(
            conn.execute(
                select(assessments.c.listing_pk, assessments.c.risk).where(assessments.c.is_latest.is_(True))
            ).all()
        )
    return {r.id: (stored_listing(r), verdicts.get(r.id)) for r in rows}


def _suspend_a_shown_licence(db, out):
    """The dev registry with one active licence suspended that some stored listing shows (by its number)."""
    from tisguard.store.refs import licence_ref
    from tisguard.store.scale_tables import listing_refs

    with db.connect() as conn:
        shown = Counter(r[0] for r in conn.execute(select(listing_refs.c.ref).where(listing_refs.c.kind == "L")).all())
    rows = list(csv.DictReader((DEV / "registry.csv").open(encoding="utf-8")))
    pick = next(r for r in rows if r["status"] == "active" and shown[licence_ref(r["licence_no"])])
    pick["status"] = "suspended"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


def test_incremental_rescan_reassesses_only_what_a_change_can_affect(db, tmp_path):
    from tisguard.detect.config import EngineConfig
    from tisguard.ingest.pipeline import ingest_file
    from tisguard.pipeline.incremental import rescan_incremental

    lines = (DEV / "test.jsonl").read_text(encoding="utf-8").splitlines()[:300]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest_file(db, src, tmp_path / "rejects")
    registry = DEV / "registry.csv"

    first = rescan_incremental(db, _engine(db, registry))
    assert first["everything"] and first["reassessed"] == 300
    again = rescan_incremental(db, _engine(db, registry))
    assert (again["reassessed"], again["skipped"], again["everything"]) == (0, 300, None)

    # the registry changes: one licence that listings show is suspended
    changed = _suspend_a_shown_licence(db, tmp_path / "registry.csv")
    before_rows, before = _n_assessments(db), _latest(db)
    engine = _engine(db, changed)
    res = rescan_incremental(db, engine)
    assert res["changed_licences"] == 1 and res["content_changed"] == 0
    assert 0 < res["reassessed"] == res["registry_affected"] < 300
    assert _n_assessments(db) - before_rows == res["reassessed"]  # exactly the counted listings were assessed
    after = _latest(db)
    # skipping was safe: the new engine gives every listing the risk the store now holds for it
    assert all(round(engine.assess(l).risk, 6) == round(risk, 6) for l, risk in after.values())
    moved = [pk for pk in after if after[pk][1] != before[pk][1]]
    assert moved  # the suspension changed some verdicts, and those listings were among the re-assessed

    # one listing's content changes: that one is assessed again, nothing else
    edited = lines[:]
    rec = edited[5].replace('"title": "', '"title": "ใหม่ ', 1)
    assert rec != edited[5]
    write_jsonl(tmp_path / "edit.jsonl", [__import__("json").loads(rec)])
    ingest_file(db, tmp_path / "edit.jsonl", tmp_path / "rejects")
    res = rescan_incremental(db, engine)
    assert (res["content_changed"], res["reassessed"], res["registry_affected"]) == (1, 1, 0)

    # a different engine configuration: everything again
    res = rescan_incremental(db, _engine(db, changed, EngineConfig(regulated_threshold=0.6)))
    assert res["reassessed"] == 300 and "engine" in res["everything"]
