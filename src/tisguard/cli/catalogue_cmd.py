from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, fail, report_import, settings_for

app = typer.Typer(help="The mandatory-standards catalogue (administrators)")


@app.command("import")
def import_(
    file: Annotated[
        Optional[Path],
        typer.Argument(help="catalogue CSV, or TISI's licence statistics CSV (default: both packaged copies)"),
    ] = None,
    source: Annotated[
        Optional[str],
        typer.Option(help="attribution of a licence-statistics file not named tisi_licence_stats_YYYY_MM.csv"),
    ] = None,
    data: DataOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Import tisi_mandatory_standards.csv (and its _effective_dates companion), or TISI's licence
    statistics: their mandatory standards join the catalogue (editions already there keep their source)
    and their licence counts are shown next to each standard."""
    from tisguard.catalogue.store import import_catalogue_file, import_packaged

    settings = settings_for(data)
    if file is None:
        result, errors = import_packaged(engine_for(settings))
    elif not file.exists():
        fail(f"{file}: no such file")
    else:
        result, errors = import_catalogue_file(engine_for(settings), file, source, settings.data_dir)
    report_import("standards", result, errors, json_out)


@app.command("list")
def list_(data: DataOpt = None, json_out: JsonOpt = False) -> None:
    """List the standards in the store."""
    from tisguard.catalogue.licence_stats import licence_stats
    from tisguard.catalogue.store import ensure_catalogue

    settings = settings_for(data)
    cat = ensure_catalogue(engine_for(settings))
    stats = licence_stats(settings.data_dir)
    rows = []
    for s in cat.editions:
        st = stats.edition(s.tis_number, s.year_be)
        rows.append(
            {
                "tis_number": s.tis_number,
                "year_be": s.year_be,
                "status": s.status,
                "name_th": s.name_th,
                "source": s.source,
                "total_licences": st.total_licences if st else None,
            }
        )
    if json_out:
        emit_json({"standards": rows, "licence_counts_source": stats.attribution})
        return
    for r in sorted(rows, key=lambda r: (int(r["tis_number"].split()[0]), r["tis_number"], r["year_be"])):
        lic = "-" if r["total_licences"] is None else r["total_licences"]
        typer.echo(f"มอก. {r['tis_number']}-{r['year_be']}\t{r['status']}\t{lic}\t{r['name_th']}")
    typer.echo(f"licences: {stats.attribution}")


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
