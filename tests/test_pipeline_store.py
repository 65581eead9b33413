"""Assess-and-store through the pipeline: one latest assessment per listing, history from latest decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def test_a_listing_twice_in_one_push_counts_once(db, engine):
    from sqlalchemy import func, select

    from tisguard.pipeline.runners import push_listings
    from tisguard.store.tables import assessments

    rec = {"platform": "shopee", "listing_id": "dup", "title": "ปลั๊กพ่วง 4 ช่อง", "seller": {"id": "s"}}
    out = push_listings(db, engine, "shopee", [rec, {**rec, "title": "ปลั๊กพ่วง 6 ช่อง"}, {**rec, "listing_id": "x"}])
    assert [o.accepted for o in out] == [False, True, True]
    assert out[0].errors[0].field == "listing_id" and "record 1" in out[0].errors[0].reason
    with db.connect() as c:
        latest = c.execute(
            select(func.count()).select_from(assessments).where(assessments.c.is_latest.is_(True))
        ).scalar_one()
    assert latest == 2


def test_seller_history_counts_listings_whose_latest_decision_is_a_confirmation(db, engine):
    from sqlalchemy import select

    from tisguard.pipeline.runners import push_listings
    from tisguard.store.history import seller_violation_counts
    from tisguard.store.tables import decisions, listings

    recs = [
        {"platform": "shopee", "listing_id": f"h{i}", "title": "ปลั๊กพ่วง", "seller": {"id": "seller-h"}} for i in range(3)
    ]
    push_listings(db, engine, "shopee", recs)
    with db.begin() as c:
        pks = c.execute(select(listings.c.id).order_by(listings.c.id)).scalars().all()
        t0 = datetime(2026, 11, 1, tzinfo=UTC)
        rows = [(pks[0], "confirm"), (pks[1], "confirm"), (pks[1], "dismiss"), (pks[2], "dismiss"), (pks[2], "confirm")]
        c.execute(
            decisions.insert(),
            [
                {"listing_pk": pk, "decision": d, "by_user": "t", "at": t0 + timedelta(minutes=i)}
                for i, (pk, d) in enumerate(rows)
            ],
        )
    assert seller_violation_counts(db) == {("shopee", "seller-h"): 2}
