from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, fail, progress_bar
from tisguard.cli.engine_opts import ConfigOpt, RegistryOpt, StoreOpt, engine_from_options
from tisguard.detect.evidence import dumps


def scan(
    file: Annotated[Optional[Path], typer.Argument(help="listings file; omit to rescan the store")] = None,
    registry: RegistryOpt = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="results JSON Lines (default: stdout)")] = None,
    config: ConfigOpt = None,
    data: DataOpt = None,
    store: StoreOpt = False,
    json_out: JsonOpt = False,
    images: Annotated[
        bool,
        typer.Option(
            "--images", help="also read listing photos (OCR, QR, TIS mark) when the text leaves the verdict open"
        ),
    ] = False,
) -> None:
    """Assess listings: one JSON object per listing (platform, listing_id, verdict, tis, risk, reasons, evidence).

    A file is only read unless --data or --store asks for the store; without a file the store is rescanned."""
    from tisguard.pipeline import runners

    use_store = data is not None or store or file is None
    if file is not None and not file.exists():
        fail(f"{file}: no such file")
    root = file.resolve().parent if file else None
    engine, db, settings = engine_from_options(registry, config, data, use_store, root if images else None, images)
    gc.freeze()  # the reference data just loaded lives for the whole run: keep it out of every collection
    if not len(engine.ref.registry):
        typer.echo("warning: empty licence registry (give --registry); no licence can be verified", err=True)
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    counts: dict[str, int] = {}
    rejected = [0]

    def write(a) -> None:
        counts[a.verdict] = counts.get(a.verdict, 0) + 1
        if out or not json_out:
            sink.write(dumps(a.as_dict()) + "\n")

    def on_reject(errors) -> None:
        rejected[0] += 1
        for e in errors:
            typer.echo(f"rejected record {e.record_no} field {e.field}: {e.reason}", err=True)

    try:
        with progress_bar("scan") as progress:
            if file is None:
                runners.rescan_store(db, engine, write, progress)
            elif use_store:
                rejected[0] = runners.scan_file_into_store(db, settings, engine, file, write, progress)["rejected"]
            else:
                runners.scan_file(engine, file, write, progress, on_reject)
    finally:
        if out:
            sink.close()
    summary = {
        "assessed": sum(counts.values()),
        "rejected": rejected[0],
        "verdicts": counts,
        "engine_version": engine.version,
    }
    typer.echo(
        f"assessed {summary['assessed']} listings ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}), "
        f"rejected {rejected[0]}",
        err=True,
    )
    if json_out:
        emit_json(summary)


def spark_scan(
    file: Annotated[Path, typer.Argument(help="listings, JSON Lines")],
    out: Annotated[Path, typer.Option("--out", help="output folder (Spark part files)")],
    registry: RegistryOpt = None,
    config: ConfigOpt = None,
    data: DataOpt = None,
    master: Annotated[str, typer.Option(help="Spark master URL")] = "local[2]",
    partitions: Annotated[Optional[int], typer.Option(help="input partitions")] = None,
    json_out: JsonOpt = False,
    images: Annotated[
        bool, typer.Option("--images", help="also read listing photos, on the executors (Tesseract installed there)")
    ] = False,
) -> None:
    """Scan on Apache Spark (PySpark): the same engine as `scan` (same --registry, --config, --data) per partition."""
    from tisguard.pipeline.build import ImageSource
    from tisguard.pipeline.spark import spark_scan as run

    if not file.exists():
        fail(f"{file}: no such file")
    if out.exists():
        fail(f"{out}: already exists (Spark writes a new folder)")
    engine, _, settings = engine_from_options(registry, config, data, False)
    source = ImageSource.for_settings(settings, file.resolve().parent) if images else None
    result = run(file, out, (engine.ref, engine.config, source), master, partitions)
    typer.echo(
        f"assessed {result['assessed']}, rejected {result['rejected']} in {result['partitions']} partitions → {result['out']}",
        err=json_out,
    )
    if json_out:
        emit_json(result)
