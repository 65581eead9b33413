"""`tisguard public refresh`: the scheduled job that takes entries off the public list of non-standard products
when their takedown date is reached (reading the public pages never changes state; a dismissal withdraws its
entry at once)."""

from __future__ import annotations

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, settings_for

app = typer.Typer(help="the public list of non-standard products", no_args_is_help=True)


@app.command("refresh")
def refresh(data: DataOpt = None, json_out: JsonOpt = False) -> None:
    """Expire entries past their takedown date and withdraw entries no longer confirmed; each gets a feed event."""
    from tisguard.services.publication import refresh as run

    n = run(engine_for(settings_for(data)))
    typer.echo(f"{n} public entr{'y' if n == 1 else 'ies'} changed", err=json_out)
    if json_out:
        emit_json({"changed": n})
