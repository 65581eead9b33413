"""What officers concluded on a consumer complaint, and by when they should have: each complaint is due
`COMPLAINT_OUTCOME_BUSINESS_DAYS` business days after it arrived (weekends and the holidays of
services/calendar.py skipped). The latest outcome recorded is the complaint's outcome; outcomes are recorded, with their rules and audit,
by services/complaint_tracking.decide."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select

from tisguard.services import calendar
from tisguard.services.thai import BANGKOK, add_business_days
from tisguard.store.tables import complaint_outcomes

OUTCOMES = ("referred", "violation_confirmed", "no_violation", "not_regulated", "duplicate")
# the outcome is owed this many business days after the complaint arrived (a service standard, not a figure of
# law; TISGUARD_COMPLAINT_DAYS sets the one in force). A complaint row that carries its own `due_at` keeps it.
COMPLAINT_OUTCOME_BUSINESS_DAYS = int(os.environ.get("TISGUARD_COMPLAINT_DAYS", 3))


def annotate(db: Engine, items: list[dict]) -> list[dict]:
    """Add `due` (the outcome deadline) and `outcome` (latest, or None) to complaint rows."""
    if not items:
        return items
    pks = [it["id"] for it in items]
    with db.connect() as conn:
        latest = (
            select(complaint_outcomes.c.complaint_pk, func.max(complaint_outcomes.c.id).label("oid"))
            .where(complaint_outcomes.c.complaint_pk.in_(pks))
            .group_by(complaint_outcomes.c.complaint_pk)
            .subquery()
        )
        got = dict(
            conn.execute(
                select(complaint_outcomes.c.complaint_pk, complaint_outcomes.c.outcome).join(
                    latest, latest.c.oid == complaint_outcomes.c.id
                )
            ).all()
        )
        created = {it["id"]: _utc(it["created_at"]) for it in items}
        first = min(created.values()).astimezone(BANGKOK).date()
        span = (max(created.values()) - min(created.values())).days + 1
        hols = calendar.holidays_from(conn, first, COMPLAINT_OUTCOME_BUSINESS_DAYS + span)  # one query a page
        for it in items:
            own = it.get("due_at")
            it["due"] = (
                _utc(own) if own else add_business_days(created[it["id"]], COMPLAINT_OUTCOME_BUSINESS_DAYS, hols)
            )
            it["outcome"] = got.get(it["id"])
    return items


def _utc(d: datetime) -> datetime:
    return d if d.tzinfo else d.replace(tzinfo=UTC)
