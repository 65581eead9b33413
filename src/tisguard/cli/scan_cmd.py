from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, engine_for, fail, progress_bar, settings_for
from tisguard.detect.evidence import dumps

RegistryOpt = Annotated[
    Optional[Path], typer.Option("--registry", help="licence registry CSV (default: the store's registry)")
]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="engine configuration JSON (overrides defaults)")]


def build_engine(
    registry: Path | None,
    config: Path | None,
    data: Path | None,
    use_store: bool,
    image_root: Path | None = None,
    images: bool = False,
):
    from tisguard.detect.config import load_config
    from tisguard.detect.engine import Engine
    from tisguard.detect.reference import reference_from_files, reference_from_store, resolve_model_path

    if registry is not None and not registry.exists():
        fail(f"{registry}: no such registry file")
    settings = settings_for(data) if use_store else None
    if use_store:
        db = engine_for(settings)
        ref = reference_from_store(db, registry, settings.models_dir)
    else:
        # a model trained into the data dir (`tisguard train`) is used here too; else the packaged one
        db, ref = None, reference_from_files(registry, model_path=resolve_model_path(settings_for(data).models_dir))
        if registry is None:  # no registry file: read the default store's registry, if it holds one (read-only)
            from tisguard.registry.store import load_registry

            ref.registry = load_registry(engine_for(settings_for(None)))
    if images:
        from tisguard.images.analyze import ImageAnalyzer

        ref.images = ImageAnalyzer(image_root, settings.data_dir / "image-cache" if settings else None)
    return Engine(ref, load_config(config)), db, settings


def scan(
    file: Annotated[Optional[Path], typer.Argument(help="listings file; omit to rescan the store")] = None,
    registry: RegistryOpt = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="results JSON Lines (default: stdout)")] = None,
    config: ConfigOpt = None,
    data: DataOpt = None,
    json_out: JsonOpt = False,
    images: Annotated[
        bool,
        typer.Option(
            "--images", help="also read listing photos (OCR, QR, TIS mark) when the text leaves the verdict open"
        ),
    ] = False,
) -> None:
    """Assess listings: one JSON object per listing (platform, listing_id, verdict, tis, risk, reasons, evidence)."""
    use_store = data is not None or "TISGUARD_DATA" in os.environ or file is None
    if file is not None and not file.exists():
        fail(f"{file}: no such file")
    engine, db, settings = build_engine(
        registry, config, data, use_store, file.resolve().parent if file else None, images
    )
    gc.freeze()  # the reference data just loaded lives for the whole run: keep it out of every collection
    if not use_store and not len(engine.ref.registry):
        typer.echo("warning: empty licence registry (give --registry); no licence can be verified", err=True)
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    counts: dict[str, int] = {}
    rejected = [0]

    def write(a) -> None:
        counts[a.verdict] = counts.get(a.verdict, 0) + 1
        if out or not json_out:
            sink.write(dumps(a.as_dict()) + "\n")

    try:
        with progress_bar("scan") as progress:
            if use_store:
                from tisguard.scan.store_scan import scan_file_into_store, scan_store

                if file is not None:
                    summary = scan_file_into_store(db, settings, engine, file, write, progress)
                    rejected[0] = summary["rejected"]
                else:
                    scan_store(db, engine, write, progress)
            else:
                from tisguard.detect.batch import assess_stream, valid_listings

                def on_reject(errors):
                    rejected[0] += 1
                    for e in errors:
                        typer.echo(f"rejected record {e.record_no} field {e.field}: {e.reason}", err=True)

                for i, (_listing, assessment) in enumerate(assess_stream(engine, valid_listings(file, on_reject)), 1):
                    write(assessment)
                    progress(i)
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
    master: Annotated[str, typer.Option(help="Spark master URL")] = "local[2]",
    partitions: Annotated[Optional[int], typer.Option(help="input partitions")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Scan on Apache Spark (PySpark): the same engine per partition; one JSON line per listing."""
    from tisguard.scan.spark_scan import spark_scan as run

    if not file.exists():
        fail(f"{file}: no such file")
    if out.exists():
        fail(f"{out}: already exists (Spark writes a new folder)")
    result = run(file, registry, out, master, partitions)
    typer.echo(
        f"assessed {result['assessed']}, rejected {result['rejected']} in {result['partitions']} partitions → {result['out']}",
        err=json_out,
    )
    if json_out:
        emit_json(result)
