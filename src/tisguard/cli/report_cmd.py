"""`tisguard report monthly` (the monthly PDF report) and `tisguard holidays` (the business-day calendar)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, fail, settings_for

app = typer.Typer(help="reports for management and partner agencies", no_args_is_help=True)
holidays_app = typer.Typer(
    help="the business-day calendar (Thai public holidays, each with its source)", no_args_is_help=True
)


@app.command("monthly")
def monthly(
    month: Annotated[str, typer.Option(help="the month, YYYY-MM (Gregorian), e.g. 2026-11")],
    out: Annotated[
        Optional[Path], typer.Option("--out", help="PDF file to write (default tisguard-report-MONTH.pdf)")
    ] = None,
    lang: Annotated[str, typer.Option(help="th (default) or en")] = "th",
    data: DataOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Write the month's report as a PDF (Thai by default, Buddhist-era dates); recorded and audited as 'cli'."""
    from tisguard.services.errors import FieldError
    from tisguard.services.report import monthly_pdf

    if lang not in ("th", "en"):
        fail("--lang must be th or en")
    db = engine_for(settings_for(data))
    try:
        pdf, f = monthly_pdf(db, month, lang, actor="cli")
    except FieldError as e:
        fail(f"--{e.field}: {e}")
    path = out or Path(f"tisguard-report-{f['month']}-{lang}.pdf")
    path.write_bytes(pdf)
    t = f["totals"]
    typer.echo(
        f"{path}: {f['month']} scanned {t['scanned']}, flagged {t['flagged']}, confirmed {t['confirmed']}, "
        f"notices sent {t['notices_sent']}, removed {t['removed']}, refused {t['refused']}",
        err=json_out,
    )
    if json_out:
        emit_json({"path": str(path), "bytes": len(pdf), **f})


@holidays_app.command("list")
def list_cmd(
    year: Annotated[Optional[int], typer.Option(help="only this year (Gregorian)")] = None, data: DataOpt = None
) -> None:
    from tisguard.services.calendar import list_holidays

    for h in list_holidays(engine_for(settings_for(data), write=False), year):
        typer.echo(f"{h['day']}\t{h['kind']}\t{h['name_th']}\t{h['source']}")


@holidays_app.command("add")
def add_cmd(
    day: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    name_th: Annotated[str, typer.Option(help="Thai name")],
    source: Annotated[str, typer.Option(help="the announcement (Cabinet resolution, Royal Gazette, BOT), with a link")],
    kind: Annotated[str, typer.Option(help="public | special | substitution")] = "public",
    name_en: Annotated[Optional[str], typer.Option(help="English name")] = None,
    data: DataOpt = None,
) -> None:
    """Add (or replace) a holiday; audited as 'cli'."""
    from tisguard.services.calendar import holiday_row, put_holiday
    from tisguard.services.errors import FieldError

    try:
        h = holiday_row(day, name_th, name_en, kind, source, "argument")
    except FieldError as e:
        fail(str(e))
    new = put_holiday(engine_for(settings_for(data)), h, "cli")
    typer.echo(f"{h.day}: {'added' if new else 'replaced'}")


@holidays_app.command("remove")
def remove_cmd(day: Annotated[str, typer.Argument(help="YYYY-MM-DD")], data: DataOpt = None) -> None:
    from datetime import date

    from tisguard.services.calendar import remove_holiday

    try:
        remove_holiday(engine_for(settings_for(data)), date.fromisoformat(day), "cli")
    except (ValueError, LookupError):
        fail(f"no holiday on {day[:20]}")
    typer.echo(f"{day}: removed")


@holidays_app.command("import")
def import_cmd(
    csv_file: Annotated[Path, typer.Argument(help="CSV: day,name_th,name_en,kind,source")], data: DataOpt = None
) -> None:
    """Add or replace every row of a holiday CSV (the first bad row stops it, naming line and field)."""
    from tisguard.services.calendar import put_holiday, read_csv
    from tisguard.services.errors import FieldError

    try:
        rows = read_csv(csv_file)
    except FieldError as e:
        fail(str(e))
    db = engine_for(settings_for(data))
    added = sum(put_holiday(db, h, "cli") for h in rows)
    typer.echo(f"{csv_file}: {added} added, {len(rows) - added} replaced")
