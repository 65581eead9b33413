"""`tisguard networks` (seller networks) and `tisguard recalls import|evaluate` (recalls from abroad)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, fail, settings_for

recalls_app = typer.Typer(help="Recalls and alerts from abroad (EU Safety Gate, US CPSC)")


def networks(data: DataOpt = None, json_out: JsonOpt = False) -> None:
    """Seller networks: sellers linked by a contact (phone, LINE id, e-mail, shop URL, juristic id, return
    address), a licence they do not fit, or near-duplicate photos; most violations first."""
    from tisguard.services.investigation import networks_report, store_index

    db = engine_for(settings_for(data), write=False)
    report = networks_report(db, store_index(db))
    if json_out:
        emit_json(report)
        return
    if not report["networks"]:
        typer.echo("no seller networks")
    for n in report["networks"]:
        typer.echo(
            f"{n['id']}: {len(n['sellers'])} sellers on {', '.join(n['platforms'])}, "
            f"{n['listings']} listings, {n['violations']} violations"
        )
        for s in n["sellers"]:
            typer.echo(f"  {s['platform']}/{s['seller_id']} {s['name'] or ''}")
        for link in n["links"]:
            who = ", ".join(f"{s['platform']}/{s['seller_id']}" for s in link["sellers"])
            typer.echo(f"  - {link['kind']} {link['value']}: {who}")


@recalls_app.command("import")
def import_recalls(
    file: Annotated[Path, typer.Argument(help="Safety Gate XML export or CSV; CPSC API JSON or CSV")],
    data: DataOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Import recalls; each keeps its source (agency, id, the file, the record as read). Records without an
    id or a product are reported by record and field; the others go in (a known id is updated)."""
    from tisguard.recalls.readers import RecallFileError, read_recall_file
    from tisguard.store.investigation import upsert_recalls

    try:
        good, bad = read_recall_file(file)
    except RecallFileError as e:
        fail(str(e))
    counts = upsert_recalls(engine_for(settings_for(data)), good, str(file))
    for e in bad:
        typer.echo(f"record {e.record} field {e.field}: {e.reason}", err=True)
    result = {**counts, "rejected": len(bad), "sources": sorted({r.source for r, _ in good})}
    typer.echo(f"recalls: {counts['added']} added, {counts['updated']} updated, {len(bad)} rejected", err=json_out)
    if json_out:
        emit_json(result)


@recalls_app.command("evaluate")
def evaluate_recalls(
    file: Annotated[Path, typer.Argument(help='labelled listings, JSON Lines, each with "expected_recall"')],
    data: DataOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Precision and recall of recall matching on a labelled set: `expected_recall` is "source:id" for a
    listing of a recalled product, null for one that is not."""
    from tisguard.cli.engine_opts import engine_from_options
    from tisguard.recalls.evaluate import evaluate

    if not file.exists():
        fail(f"{file}: no such file")
    engine, _, _ = engine_from_options(None, None, data, False)
    try:
        result = evaluate(engine, file)
    except ValueError as e:
        fail(str(e))
    if json_out:
        emit_json(result)
    else:
        typer.echo(json.dumps({k: v for k, v in result.items() if k != "errors"}, ensure_ascii=False))
        for e in result["errors"]:
            typer.echo(f"  {e}", err=True)
