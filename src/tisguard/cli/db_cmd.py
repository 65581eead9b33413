"""`tisguard db upgrade`: bring the store's schema to this version's newest migration (and nothing else)."""

from __future__ import annotations

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, settings_for

app = typer.Typer(help="the store's schema", no_args_is_help=True)


@app.command("upgrade")
def upgrade(data: DataOpt = None, json_out: JsonOpt = False) -> None:
    """Create the store if needed and apply every pending migration (a no-op when it is current)."""
    from tisguard.store.db import current_revision, open_store

    settings = settings_for(data)
    db = open_store(settings, write=True)
    rev = current_revision(db)
    typer.echo(f"schema at revision {rev} ({settings.database_url.split('://', 1)[0]})", err=json_out)
    if json_out:
        emit_json({"revision": rev})


@app.command("refresh-summary")
def refresh_summary(data: DataOpt = None, json_out: JsonOpt = False) -> None:
    """Recompute the dashboard's precomputed all-time figures (run after bulk scans, or from a scheduler)."""
    from tisguard.services.summary import refresh
    from tisguard.store.db import open_store

    r = refresh(open_store(settings_for(data), write=True))
    typer.echo(f"dashboard summary: {r['rows']} rows in {r['seconds']} s", err=json_out)
    if json_out:
        emit_json({**r, "computed_at": r["computed_at"].isoformat()})


@app.command("purge")
def purge(data: DataOpt = None, json_out: JsonOpt = False) -> None:
    """Delete what is kept only for a while: idempotency keys past TISGUARD_IDEMPOTENCY_HOURS (default 24) and
    officer sessions that ended more than 90 days ago (run it daily from a scheduler)."""
    from tisguard.services import idempotency, sessions
    from tisguard.store.db import open_store

    db = open_store(settings_for(data), write=True)
    out = {"idempotency_keys": idempotency.purge(db), "sessions": sessions.purge(db)}
    typer.echo(f"purged {out['idempotency_keys']} idempotency key(s), {out['sessions']} session(s)", err=json_out)
    if json_out:
        emit_json(out)
