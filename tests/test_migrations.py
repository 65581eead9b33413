"""Schema migrations: applied only by writes, and data migrations that fix what older versions stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


def test_a_read_never_migrates_and_names_the_command(tmp_path):
    from tisguard.config import resolve_settings
    from tisguard.store.db import StoreNotReady, get_engine, open_store

    settings = resolve_settings(tmp_path / "data")
    with pytest.raises(StoreNotReady, match="no store"):
        open_store(settings, write=False)
    assert not (tmp_path / "data").exists()  # resolving settings and a refused read create nothing
    (tmp_path / "data").mkdir()
    get_engine(settings.database_url).connect().close()  # an empty SQLite file, never migrated
    with pytest.raises(StoreNotReady, match="tisguard db upgrade"):
        open_store(settings, write=False)
    open_store(settings, write=True)
    open_store(settings, write=False)


def test_licence_keys_of_multi_part_standards_are_recomputed(db):
    from alembic import command
    from sqlalchemy import select, text

    from tisguard.store.db import alembic_config, migrate
    from tisguard.store.tables import licences
    from tisguard.tisno import licence_key

    cfg = alembic_config(db.url.render_as_string(hide_password=False))
    with db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    now = datetime.now(UTC)
    with db.begin() as conn:  # keys as a store imported before the part's brackets were kept
        conn.execute(
            licences.insert(),
            [
                {
                    "licence_no": "ท1588-22/685(1)",
                    "licence_key": "ท1588-22/6851",
                    "tis_number": "685 เล่ม 1",
                    "licensee": "A",
                    "status": "active",
                    "imported_at": now,
                },
                {
                    "licence_no": "ท1-2/2432",
                    "licence_key": "ท1-2/2432",
                    "tis_number": "2432",
                    "licensee": "B",
                    "status": "active",
                    "imported_at": now,
                },
            ],
        )
    migrate(db)
    with db.connect() as conn:
        keys = dict(conn.execute(select(licences.c.licence_no, licences.c.licence_key)).all())
        assert conn.execute(text("select count(*) from licences")).scalar_one() == 2
    assert keys == {"ท1588-22/685(1)": licence_key("ท1588-22/685(1)"), "ท1-2/2432": "ท1-2/2432"}
    assert keys["ท1588-22/685(1)"] != "ท1588-22/6851"
