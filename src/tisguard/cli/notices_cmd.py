"""`tisguard notices mark-overdue`: the scheduled job that marks sent notices past their deadline (run it
from cron or a systemd timer, e.g. hourly; reading the notices page never changes state)."""

from __future__ import annotations

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, settings_for

app = typer.Typer(help="takedown notices", no_args_is_help=True)


@app.command("mark-overdue")
def mark_overdue(data: DataOpt = None, json_out: JsonOpt = False) -> None:
    """Mark every sent notice whose deadline (business days) has passed as overdue; audited as 'system'."""
    from tisguard.services.notices import mark_overdue as run

    n = run(engine_for(settings_for(data)))
    typer.echo(f"{n} notice(s) marked overdue", err=json_out)
    if json_out:
        emit_json({"marked_overdue": n})
