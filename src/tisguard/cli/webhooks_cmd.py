"""`tisguard webhooks redeliver`: send again the webhook events the outbox has not delivered."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, settings_for

app = typer.Typer(help="Webhooks to platforms (durable outbox)")


@app.command("redeliver")
def redeliver(
    event_id: Annotated[Optional[list[int]], typer.Option("--id", help="outbox event id (repeatable)")] = None,
    notice: Annotated[Optional[int], typer.Option(help="only the events of this notice")] = None,
    data: DataOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Send again every undelivered event (pending or failed), or the named ones even if delivered;
    exit 1 when any is still undelivered."""
    from tisguard.services.webhooks import redeliver as redeliver_events

    results = redeliver_events(engine_for(settings_for(data)), ids=event_id or None, notice_pk=notice)
    for r in results:
        state = "delivered" if r["delivered"] else f"NOT delivered ({r['error']})"
        typer.echo(f"event {r['id']} {r['event']} notice {r['notice_id']} → {r['platform']}: {state}", err=json_out)
    left = sum(not r["delivered"] for r in results)
    typer.echo(f"{len(results) - left} delivered, {left} not delivered", err=json_out)
    if json_out:
        emit_json({"events": results, "delivered": len(results) - left, "undelivered": left})
    if left:
        raise typer.Exit(1)
