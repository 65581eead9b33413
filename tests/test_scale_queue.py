"""The officer queue and the dashboard at scale (issue 15), on SQLite and PostgreSQL.

- The queue walks the partial index of the latest flagged assessments (no sort, no count of everything): its
  listings, order and previous decisions are those a plain reading of the rules gives; keyset pages and
  offset pages give the same listings; the count stops at QUEUE_COUNT_CAP and says so.
- The dashboard reads the precomputed summary on a large store: the same figures as counting live, with when
  they were computed, and whether assessments were written since.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text

FLAGGED = ("non_compliant", "unverified")


def _fill(db, n=120, seed=5):
    """n listings with latest (and some older) assessments and a mix of decisions; returns what was written."""
    from tisguard.store.tables import assessments, decisions, listings, sellers

    rnd = random.Random(seed)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with db.begin() as conn:
        for i in range(8):
            conn.execute(
                insert(sellers).values(
                    id=i + 1,
                    platform=("shopee", "lazada")[i % 2],
                    seller_id=f"s{i}",
                    name=f"S{i}",
                    country=(None, "TH", "CN")[i % 3],
                )
            )
        for i in range(1, n + 1):
            conn.execute(
                insert(listings).values(
                    id=i,
                    platform=("shopee", "lazada")[(i % 8) % 2],
                    listing_id=f"L{i}",
                    seller_pk=(i % 8) + 1,
                    title=f"t{i}",
                    content_hash=f"h{i}",
                    captured_at=None if i % 17 == 0 else now - timedelta(days=i % 9, hours=i % 5),
                    first_seen=now,
                    last_seen=now,
                )
            )
        aid = 0
        for i in range(1, n + 1):
            for v in range(rnd.choice((1, 1, 2))):
                aid += 1
                latest = v == 0  # the first written is the latest here; ids do not matter to the queue
                conn.execute(
                    insert(assessments).values(
                        id=aid,
                        listing_pk=i,
                        content_hash=f"h{i}" if latest else f"old{i}",
                        verdict=rnd.choice(("non_compliant", "unverified", "compliant", "not_regulated")),
                        tis_number=rnd.choice((None, "2432", "11", "1195")),
                        risk=rnd.random(),
                        priority=rnd.choice((0.5, 1.0, rnd.random() * 3)),  # ties on purpose
                        reasons=[{"th": "x", "en": "y"}],
                        evidence=[],
                        waterfall=[],
                        engine_version="v",
                        created_at=now,
                        is_latest=latest,
                    )
                )
                if rnd.random() < 0.35:
                    for _ in range(rnd.choice((1, 2))):
                        conn.execute(
                            insert(decisions).values(
                                listing_pk=i,
                                assessment_pk=rnd.choice((aid, None)) if latest else aid,
                                decision=rnd.choice(("confirm", "dismiss", "dismiss", "more_info")),
                                by_user="o",
                                at=now,
                            )
                        )

    if db.dialect.name == "postgresql":  # the ids above were given: move the sequences past them
        with db.begin() as conn:
            for t in ("sellers", "listings", "assessments"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"))


def _expected(db, **flt):
    """The queue by a plain reading of its rules, in Python."""
    from tisguard.store.tables import assessments, decisions, listings, sellers

    with db.connect() as conn:
        a = {r.listing_pk: r for r in conn.execute(select(assessments).where(assessments.c.is_latest.is_(True)))}
        by_id = {r.id: r for r in conn.execute(select(assessments))}
        ls = {r.id: r for r in conn.execute(select(listings))}
        ss = {r.id: r for r in conn.execute(select(sellers))}
        ds = conn.execute(select(decisions).order_by(decisions.c.id)).all()
    gov = {}
    for d in ds:
        if d.decision in ("confirm", "dismiss"):
            gov[d.listing_pk] = d
    out = []
    for pk, r in a.items():
        if r.verdict not in FLAGGED:
            continue
        g = gov.get(pk)
        if g is not None:
            if g.decision == "confirm":
                continue
            decided_on = by_id.get(g.assessment_pk)
            if decided_on is not None and decided_on.content_hash == r.content_hash:
                continue
        lst, sel = ls[pk], ss[ls[pk].seller_pk]
        if flt.get("platform") and lst.platform != flt["platform"]:
            continue
        if flt.get("country") and sel.country != flt["country"]:
            continue
        if flt.get("tis") and r.tis_number != flt["tis"]:
            continue
        if flt.get("verdict") and r.verdict != flt["verdict"]:
            continue
        out.append((-r.priority, pk, g.decision if g else None))
    return [(pk, prev) for _p, pk, prev in sorted(out)]


def _refresh_all(db):
    from tisguard.store.queue_state import refresh_settled
    from tisguard.store.tables import listings

    with db.begin() as conn:
        refresh_settled(conn, conn.execute(select(listings.c.id)).scalars().all())


@pytest.mark.parametrize("flags", ["set", "stale"])
@pytest.mark.parametrize(
    "flt", [{}, {"platform": "shopee"}, {"country": "CN"}, {"tis": "2432"}, {"verdict": "unverified"}]
)
def test_queue_is_the_rules_in_priority_order_with_keyset_pages(db, flt, flags):
    """With the `settled` flags set (as every writer sets them) or left stale (decisions written around the
    service): the same queue, the flags only prune the index."""
    from tisguard.services.review import QueueFilter, queue

    _fill(db)
    if flags == "set":
        _refresh_all(db)
    want = _expected(db, **flt)
    assert len(want) > 10
    got, after, pages = [], None, 0
    while True:
        q = queue(db, QueueFilter(per_page=7, after=after, **flt))
        assert q["total"] == len(want) and q["total_capped"] is False
        got += [(it["id"], (it["previous_decision"] or {}).get("decision")) for it in q["items"]]
        pages += 1
        if not q["has_more"]:
            break
        after = q["next_after"]
    assert got == want and pages == -(-len(want) // 7)
    # offset pages give the same listings
    by_offset = []
    for page in range(1, pages + 1):
        by_offset += [it["id"] for it in queue(db, QueueFilter(per_page=7, page=page, **flt))["items"]]
    assert by_offset == [pk for pk, _ in want]


def test_queue_count_is_capped_and_says_so(db, monkeypatch):
    from tisguard.services import review

    _fill(db)
    n = len(_expected(db))
    monkeypatch.setattr(review, "QUEUE_COUNT_CAP", 10)
    q = review.queue(db, review.QueueFilter(per_page=25))
    assert (
        q["total"] == 10 and q["total_capped"] is True and len(q["items"]) == min(25, n) and q["has_more"] == (n > 25)
    )
    with pytest.raises(review.FieldError):
        review.QueueFilter(after="not-a-cursor")


def test_queue_walks_the_partial_index(db):
    """The page and the count read the index in its order: no sort of every flagged listing."""
    from tisguard.services import review

    _fill(db)
    seen = []

    from sqlalchemy import event

    def cap(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db, "before_cursor_execute", cap)
    try:
        review.queue(db, review.QueueFilter())
    finally:
        event.remove(db, "before_cursor_execute", cap)
    count_sql, page_sql = [x for x in seen if not x[0].startswith("SET ")][:2]
    with db.connect() as conn:
        for st, params in (count_sql, page_sql):
            if db.dialect.name == "sqlite":
                plan = " | ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + st, params))
                assert "ix_assessments_queue_walk" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan
            else:  # a tiny table: forbid the sequential scan and the sort the planner would pick at this size
                conn.execute(text("SET enable_seqscan = off"))
                conn.execute(text("SET enable_sort = off"))
                plan = " | ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + st, params))
                assert "ix_assessments_queue_walk" in plan and "Sort" not in plan.replace("Sort Key", ""), plan


def test_dashboard_reads_the_summary_with_the_live_figures(db, monkeypatch):
    from tisguard.services import dashboard, summary
    from tisguard.services.exports import dashboard_export
    from tisguard.store.tables import assessments

    _fill(db, n=150, seed=9)
    live = dashboard.stats(db)  # a small store: counted live
    assert live["figures_computed_at"] is None
    live_export = list(dashboard_export(db).rows())
    monkeypatch.setattr(summary, "LIVE_MAX_LISTINGS", 0)  # as on a large store
    first = dashboard.stats(db)  # never computed: computed now
    assert first["figures_computed_at"] is not None and first["figures_behind"] is False
    strip = ("figures_computed_at", "figures_behind")
    assert {k: v for k, v in first.items() if k not in strip} == {k: v for k, v in live.items() if k not in strip}
    assert list(dashboard_export(db).rows()) == live_export
    # a new assessment: the summary is behind (and says so) until refreshed
    with db.begin() as conn:
        conn.execute(assessments.update().where(assessments.c.listing_pk == 1).values(is_latest=False))
        top = conn.execute(select(func.max(assessments.c.id))).scalar_one()
        conn.execute(
            insert(assessments).values(
                id=top + 1,
                listing_pk=1,
                content_hash="h1",
                verdict="non_compliant",
                tis_number="2432",
                risk=0.9,
                priority=9.0,
                reasons=[],
                evidence=[],
                waterfall=[],
                engine_version="v",
                created_at=datetime.now(UTC),
                is_latest=True,
            )
        )
    stale = dashboard.stats(db)
    assert stale["figures_behind"] is True and stale["scanned"] == first["scanned"]
    r = summary.refresh(db)
    assert r["rows"] > 5
    fresh = dashboard.stats(db)
    monkeypatch.setattr(summary, "LIVE_MAX_LISTINGS", 10**9)
    again_live = dashboard.stats(db)
    assert fresh["figures_behind"] is False
    assert {k: v for k, v in fresh.items() if k not in strip} == {k: v for k, v in again_live.items() if k not in strip}


def test_refresh_summary_command(backend_env):
    from typer.testing import CliRunner

    from tisguard.cli.main import app

    r = CliRunner().invoke(app, ["db", "refresh-summary", "--json"])
    assert r.exit_code == 0, r.output
    assert '"rows": 1' in r.stdout  # an empty store: the total row only


def test_settled_flags_follow_the_decisions_and_every_writer(db):
    """`settled` is the rule (governing decision: a confirmation, or a dismissal of this content) after the
    refresh, after a rescan writes new assessments (both bulk paths and the embedded one) and after a decision."""
    from tisguard.store.tables import assessments, decisions

    _fill(db)
    _refresh_all(db)

    def rule_and_flags():
        with db.connect() as conn:
            latest = {
                r.listing_pk: r for r in conn.execute(select(assessments).where(assessments.c.is_latest.is_(True)))
            }
            by_id = {r.id: r for r in conn.execute(select(assessments))}
            gov = {}
            for d in conn.execute(select(decisions).order_by(decisions.c.id)):
                if d.decision in ("confirm", "dismiss"):
                    gov[d.listing_pk] = d
        want, got = {}, {}
        for pk, a in latest.items():
            g = gov.get(pk)
            on = by_id.get(g.assessment_pk) if g is not None else None
            want[pk] = g is not None and (
                g.decision == "confirm" or (on is not None and on.content_hash == a.content_hash)
            )
            got[pk] = bool(a.settled)
        return want, got

    want, got = rule_and_flags()
    assert want == got and any(want.values()) and not all(want.values())

    # a rescan writes new latest assessments: same content for some listings, changed content for others
    from tisguard.pipeline.assessment_rows import save_rows

    with db.connect() as conn:
        rows = conn.execute(select(assessments).where(assessments.c.is_latest.is_(True))).all()
    new = []
    for r in rows:
        new.append(
            {
                "listing_pk": r.listing_pk,
                "content_hash": r.content_hash if r.listing_pk % 3 else f"changed{r.listing_pk}",
                "verdict": r.verdict,
                "tis_number": r.tis_number,
                "risk": r.risk,
                "priority": r.priority,
                "reasons": r.reasons,
                "evidence": [],
                "waterfall": [],
                "engine_version": "v2",
                "brand": None,
            }
        )
    save_rows(db, new)
    want, got = rule_and_flags()
    assert want == got and any(want.values())
    # a decision through the service's path: the flag follows at once
    from tisguard.store.queue_state import refresh_settled

    undecided = next(pk for pk, w in want.items() if not w)
    with db.begin() as conn:
        aid = conn.execute(
            select(assessments.c.id).where(assessments.c.listing_pk == undecided, assessments.c.is_latest.is_(True))
        ).scalar_one()
        conn.execute(
            insert(decisions).values(
                listing_pk=undecided, assessment_pk=aid, decision="dismiss", by_user="o", at=datetime.now(UTC)
            )
        )
        refresh_settled(conn, [undecided])
    want, got = rule_and_flags()
    assert want == got and want[undecided] is True
