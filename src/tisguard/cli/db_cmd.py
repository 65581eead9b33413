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
