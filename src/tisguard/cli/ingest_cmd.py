from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, fail, progress_bar, settings_for


def ingest(
    file: Annotated[Path, typer.Argument(help="listings file: .jsonl, .csv or .parquet")],
    data: DataOpt = None,
    json_out: JsonOpt = False,
    fmt: Annotated[Optional[str], typer.Option("--format", help="jsonl | csv | parquet")] = None,
    batch_size: Annotated[int, typer.Option(help="records per transaction")] = 1000,
) -> None:
    """Ingest listings (listing-v1) into the store; bad records go to the rejects table and file."""
    from tisguard.ingest.pipeline import ingest_file

    if not file.exists():
        fail(f"{file}: no such file")
    settings = settings_for(data)
    engine = engine_for(settings)
    try:
        with progress_bar(f"ingest {file.name}") as progress:
            summary = ingest_file(engine, file, settings.rejects_dir, fmt, batch_size=batch_size, progress=progress)
    except ValueError as e:
        fail(str(e))
    s = summary.as_dict()
    typer.echo(
        f"read {s['read']}, stored {s['stored']}, updated {s['updated']}, unchanged {s['unchanged']}, "
        f"duplicates {s['duplicates']}, rejected {s['rejected']} in {s['seconds']} s",
        err=json_out,
    )
    for e in s["errors_sample"][:10]:
        typer.echo(f"  rejected record {e['record_no']} field {e['field']}: {e['reason']}", err=True)
    if s["rejected"]:
        typer.echo(f"  all rejects: {s['rejects_file']}", err=True)
    if json_out:
        emit_json(s)
