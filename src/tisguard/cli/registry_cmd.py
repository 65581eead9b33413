from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, fail, report_import, settings_for

app = typer.Typer(help="The TISI licence registry")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="registry CSV in the spec's format")],
    data: DataOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Import a licence registry CSV; bad rows are reported by row and field, good rows go in."""
    from tisguard.registry.store import import_registry, read_registry_csv

    if not file.exists():
        fail(f"{file}: no such file")
    try:
        rows, errors = read_registry_csv(file)
    except UnicodeDecodeError as e:
        fail(f"{file}: not UTF-8 ({e})")
    report_import("licences", import_registry(engine_for(settings_for(data)), rows), errors, json_out)


@app.command("lookup")
def lookup(
    query: str, by: Annotated[str, typer.Option(help="number | licensee | brand")] = "number", data: DataOpt = None
) -> None:
    """Look a licence up by number (tolerant), licensee (fuzzy) or brand."""
    from tisguard.registry.store import load_registry

    reg = load_registry(engine_for(settings_for(data), write=False))
    if by == "number":
        hit = reg.by_number(query)
        hits = [hit] if hit else []
    elif by == "licensee":
        hits = reg.by_licensee(query)
    elif by == "brand":
        hits = reg.by_brand(query)
    else:
        fail("--by must be number, licensee or brand")
    if not hits:
        fail("not found", code=1)
    for l in hits:
        emit_json(l.as_dict())
