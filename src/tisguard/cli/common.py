"""What every command shares: the --data option, settings, the engine, JSON output, progress."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.config import Settings, resolve_settings

DataOpt = Annotated[
    Optional[Path], typer.Option("--data", help="data directory (default: $TISGUARD_DATA or ./tisguard-data)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the result as one JSON object on the last line")]


def settings_for(data: Path | None) -> Settings:
    return resolve_settings(data)


def engine_for(settings: Settings, write: bool = True):
    """The store for a command: opened for writing (created, migrated) unless `write` is False."""
    from tisguard.store.db import StoreNotReady, open_store

    try:
        return open_store(settings, write)
    except StoreNotReady as e:
        fail(str(e))


def emit_json(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def report_import(what: str, result: dict, errors: list[dict], json_out: bool) -> None:
    """Print each rejected row (row, field, reason) and the counts; with --json the counts as JSON."""
    for e in errors:
        typer.echo(f"row {e['row']} field {e['field']}: {e['reason']}", err=True)
    result = {**result, "rejected": len(errors)}
    typer.echo(f"{what}: {result['added']} added, {result['updated']} updated, {len(errors)} rejected", err=json_out)
    if json_out:
        emit_json(result)


def fail(message: str, code: int = 2) -> None:
    typer.secho(message, err=True, fg="red")
    raise typer.Exit(code)


@contextmanager
def progress_bar(label: str, total: int | None = None, enabled: bool = True):
    """A rich progress bar on an interactive terminal; a no-op callback otherwise."""
    if not (enabled and sys.stderr.isatty()):
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=__import__("rich.console").console.Console(stderr=True),
        transient=True,
    ) as prog:
        task = prog.add_task(label, total=total)
        last = [0]

        def update(n: int) -> None:
            if n - last[0] >= 500 or (total and n >= total):
                prog.update(task, completed=n)
                last[0] = n

        yield update
