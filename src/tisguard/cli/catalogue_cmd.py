from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, fail, report_import, settings_for

app = typer.Typer(help="The mandatory-standards catalogue (administrators)")


@app.command("import")
def import_(
    file: Annotated[Optional[Path], typer.Argument(help="catalogue CSV (default: the packaged copy)")] = None,
    data: DataOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Import tisi_mandatory_standards.csv (and its _effective_dates companion)."""
    from tisguard.catalogue.store import packaged_catalogue_path, read_catalogue_csv, upsert_standards

    path = file or packaged_catalogue_path()
    if not path.exists():
        fail(f"{path}: no such file")
    rows, errors = read_catalogue_csv(path)
    report_import("standards", upsert_standards(engine_for(settings_for(data)), rows), errors, json_out)


@app.command("list")
def list_(data: DataOpt = None, json_out: JsonOpt = False) -> None:
    """List the standards in the store."""
    from tisguard.catalogue.store import ensure_catalogue

    cat = ensure_catalogue(engine_for(settings_for(data)))
    rows = [
        {"tis_number": s.tis_number, "year_be": s.year_be, "status": s.status, "name_th": s.name_th}
        for s in cat.editions
    ]
    if json_out:
        emit_json({"standards": rows})
        return
    for r in sorted(rows, key=lambda r: (int(r["tis_number"].split()[0]), r["tis_number"], r["year_be"])):
        typer.echo(f"มอก. {r['tis_number']}-{r['year_be']}\t{r['status']}\t{r['name_th']}")


@app.command("add")
def add(
    tis_number: str,
    year_be: int,
    name_th: Annotated[str, typer.Option(help="official Thai title")],
    source: Annotated[str, typer.Option(help="where this fact comes from (URL)")],
    name_en: Annotated[Optional[str], typer.Option()] = None,
    data: DataOpt = None,
) -> None:
    """Add (or edit) one edition of a standard; the source is required."""
    from tisguard.catalogue.store import standard_row, upsert_standards

    row, errors = standard_row(tis_number, year_be, name_th, name_en, source)
    if errors:
        fail("; ".join(f"{f}: {r}" for f, r in errors))
    result = upsert_standards(engine_for(settings_for(data)), [row])
    typer.echo(f"มอก. {row['tis_number']}-{year_be}: {'added' if result['added'] else 'updated'}")


@app.command("retire")
def retire(
    tis_number: str,
    year_be: int,
    data: DataOpt = None,
    restore: Annotated[bool, typer.Option(help="undo a retirement")] = False,
) -> None:
    """Retire one edition (it stays in the store, no longer applied)."""
    from tisguard.catalogue.store import set_status

    if not set_status(engine_for(settings_for(data)), tis_number, year_be, "active" if restore else "retired"):
        fail(f"no standard มอก. {tis_number}-{year_be} in the store")
    typer.echo(f"มอก. {tis_number}-{year_be}: {'restored' if restore else 'retired'}")
