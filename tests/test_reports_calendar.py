"""The business-day calendar (issue 16 item 4): holidays are data with sources, seeded by migration 0007, and
every deadline (notices, complaint outcomes) skips them. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest


def test_seed_rows_all_have_a_source_and_are_in_the_store(db):
    from tisguard.services.calendar import list_holidays, read_csv, seed_path

    seed = read_csv(seed_path())
    assert seed, "the seed CSV is empty"
    assert all(h.source.strip() and "http" in h.source for h in seed)
    stored = {r["day"]: r for r in list_holidays(db)}
    for h in seed:
        assert h.day in stored and stored[h.day]["source"] == h.source and stored[h.day]["updated_by"] == "seed"


def test_a_deadline_skips_a_seeded_holiday(db):
    from tisguard.services import calendar
    from tisguard.services.thai import add_business_days

    # Friday 10 April 2026, 10:00 Bangkok: 13-15 April are Songkran (seeded), so two business days end on
    # Friday 17 April; counting weekends only would give Tuesday 14 April
    fri = datetime(2026, 4, 10, 3, 0, tzinfo=UTC)
    with db.connect() as conn:
        assert date(2026, 4, 13) in calendar.holidays_from(conn, date(2026, 4, 10), 2)
    assert add_business_days(fri, 2).date() == date(2026, 4, 14)
    due = calendar.deadline_db(db, fri, 2)
    assert due == datetime(2026, 4, 17, 3, 0, tzinfo=UTC)


def test_bad_holiday_rows_name_the_line_and_field(tmp_path):
    from tisguard.services.calendar import read_csv
    from tisguard.services.errors import FieldError

    p = tmp_path / "h.csv"
    p.write_text("day,name_th,name_en,kind,source\n2027-01-01,วันขึ้นปีใหม่,,public,x\n2027-13-01,ก,,public,x\n")
    with pytest.raises(FieldError, match="line 3: day must be a date") as e:
        read_csv(p)
    assert e.value.field == "day"
    p.write_text("day,name_th,name_en,kind,source\n2027-01-01,วันขึ้นปีใหม่,,holiday,x\n")
    with pytest.raises(FieldError, match="line 2: kind") as e:
        read_csv(p)
    p.write_text("day,name_th,name_en,kind,source\n2027-01-01,วันขึ้นปีใหม่,,public,\n")
    with pytest.raises(FieldError, match="source") as e:
        read_csv(p)
    assert e.value.field == "source"


def test_an_admin_added_holiday_moves_a_sent_notice_deadline(web):
    """End to end: the admin adds the next business day as a holiday; a notice sent now skips it."""
    from datetime import timedelta

    from tisguard.services import calendar
    from tisguard.services import notices as notice_svc
    from tisguard.services.thai import BANGKOK, add_business_days, is_business_day
    from webfixtures import csrf_of, first_flagged, sign_in

    client, _, _, db = web
    now = datetime.now(UTC)
    d = now.astimezone(BANGKOK).date() + timedelta(days=1)
    while not is_business_day(d, {r["day"] for r in calendar.list_holidays(db)}):
        d += timedelta(days=1)
    sign_in(client, "admin", "admin-pass-123")
    csrf = csrf_of(client)
    r = client.post(
        "/admin/holidays",
        data={"csrf": csrf, "day": d.isoformat(), "name_th": "วันหยุดทดสอบ", "kind": "special", "source": "test"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert d in {h["day"] for h in calendar.list_holidays(db)}
    page = client.get("/admin/holidays", params={"year": d.year})
    assert "วันหยุดทดสอบ" in page.text
    item = first_flagged(client)
    client.post(
        f"/api/v1/review/{item['id']}/decision",
        json={"decision": "confirm", "legal_basis": "sec20bis"},
        headers={"X-CSRF-Token": csrf},
    )
    pk = notice_svc.create_notice(db, item["platform"], [item["id"]], "admin")
    sent = notice_svc.send_notice(db, pk, "admin")
    due = sent["deadline"].replace(tzinfo=sent["deadline"].tzinfo or UTC)
    assert due > add_business_days(sent["sent_at"].replace(tzinfo=UTC), 2)  # the holiday pushed it a day
    assert calendar.deadline_db(db, sent["sent_at"].replace(tzinfo=UTC), 2) == due
    page = client.get(f"/notices/{pk}")
    assert 'id="notice-deadline"' in page.text
    # removing the holiday is audited too
    r = client.post(f"/admin/holidays/{d.isoformat()}/delete", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    from sqlalchemy import select

    from tisguard.store.tables import audit_log

    with db.connect() as conn:
        actions = conn.execute(select(audit_log.c.action).where(audit_log.c.subject == f"holiday/{d}")).scalars().all()
    assert actions == ["holiday.put", "holiday.remove"]


def test_migration_0007_matches_the_tables(db):
    """The schema Alembic builds has the tables and columns the code declares (issue 16 tables)."""
    from sqlalchemy import inspect

    from tisguard.store.tables import complaint_outcomes, holidays, report_runs

    insp = inspect(db)
    for t in (holidays, complaint_outcomes, report_runs):
        cols = {c["name"] for c in insp.get_columns(t.name)}
        assert cols == {c.name for c in t.columns}, t.name


def test_a_store_seeded_before_the_later_2026_rows_gets_them_and_keeps_an_admin_edit(db):
    """Migration 0013: a store seeded with only the first 2026 rows gains May-December; a day an admin edited
    keeps the admin's text; downgrading removes only the seeded rows it added."""
    from alembic import command
    from sqlalchemy import delete, insert, select

    from tisguard.services.calendar import read_csv, seed_path
    from tisguard.store.db import alembic_config
    from tisguard.store.tables import holidays

    cfg = alembic_config(db.url.render_as_string(hide_password=False))
    with db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
    with db.begin() as conn:  # as a store seeded before the rows from May 2026 existed, with one admin entry
        conn.execute(delete(holidays).where(holidays.c.day >= date(2026, 5, 1)))
        conn.execute(
            insert(holidays).values(
                day=date(2026, 12, 10),
                name_th="วันรัฐธรรมนูญ (แก้โดยผู้ดูแล)",
                name_en=None,
                kind="public",
                source="admin: Cabinet announcement",
                updated_by="admin",
                updated_at=datetime.now(UTC),
            )
        )
    with db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with db.connect() as conn:
        got = {r.day: r for r in conn.execute(select(holidays))}
    later = [h for h in read_csv(seed_path()) if h.day >= date(2026, 5, 1)]
    assert date(2026, 12, 7) in {h.day for h in later}  # the substitution for Saturday 5 December
    for h in later:
        assert h.day in got
    assert got[date(2026, 12, 10)].updated_by == "admin" and "แก้" in got[date(2026, 12, 10)].name_th
    assert got[date(2026, 12, 7)].updated_by == "seed"
    with db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
    with db.connect() as conn:
        days = set(conn.execute(select(holidays.c.day)).scalars())
    assert date(2026, 12, 7) not in days and date(2026, 12, 10) in days and date(2026, 4, 13) in days
    with db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
