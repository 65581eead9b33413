"""Database engines and the schema's migrations.

Opening the store never changes it: `open_store(settings, write=True)` (write commands, the web app)
creates the data folder and brings the schema to the newest revision; `tisguard db upgrade` does only
that; a read opens an existing store and refuses one whose schema is behind, naming the command to run.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (no-op when it already is)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    # JSON columns are written often (attributes, evidence, waterfalls): orjson, UTF-8 kept as is.
    kwargs = {
        "future": True,
        "json_serializer": lambda o: orjson.dumps(o, option=orjson.OPT_NON_STR_KEYS, default=str).decode("utf-8"),
        "json_deserializer": orjson.loads,
    }
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class StoreNotReady(RuntimeError):
    """The store does not exist yet, or its schema is older than this version of tisguard."""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_current(engine: Engine) -> bool:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    return current_revision(engine) == ScriptDirectory.from_config(cfg).get_current_head()


def open_store(settings, write: bool) -> Engine:
    """The store of `settings`. For writing: the data folder is created and the schema migrated. For
    reading: an existing store at the current schema, else StoreNotReady."""
    url = settings.database_url
    sqlite_file = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if write:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = get_engine(url)
        migrate(engine)
        return engine
    if sqlite_file is not None and not sqlite_file.exists():
        raise StoreNotReady(f"no store at {sqlite_file}: load data first (e.g. `tisguard ingest`) or give --data")
    engine = get_engine(url)
    if not schema_current(engine):
        raise StoreNotReady(f"the store's schema is not current: run `tisguard db upgrade --data {settings.data_dir}`")
    return engine
