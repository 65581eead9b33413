"""`tisguard audit verify`: walk the audit log's hash chain; exit 1 and name the first broken row."""

from __future__ import annotations

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, settings_for

app = typer.Typer(help="The audit log (tamper-evident hash chain)")


@app.command("verify")
def verify(data: DataOpt = None, json_out: JsonOpt = False) -> None:
    """Check every row of the audit log against the hash chain; exit 1 at the first broken row."""
    from tisguard.services.audit import verify as verify_chain

    report = verify_chain(engine_for(settings_for(data)))
    if report.ok:
        typer.echo(
            f"ตรวจแล้ว / audit log intact: {report.rows} rows; head hash {report.head_hash} "
            "(keep this hash elsewhere to compare later)",
            err=json_out,
        )
    else:
        where = f"row id {report.broken_id}" if report.broken_id is not None else f"row number {report.broken_seq}"
        typer.secho(
            f"บันทึกตรวจสอบถูกแก้ไข / audit log BROKEN at {where} (chain position {report.broken_seq}): "
            f"{report.reason}; {report.rows} rows before it are intact",
            err=True,
            fg="red",
        )
    if json_out:
        emit_json(report.as_dict())
    if not report.ok:
        raise typer.Exit(1)
