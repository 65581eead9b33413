"""`tisguard images`: the background image job queue (photos of pushed and rescanned listings)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json
from tisguard.cli.engine_opts import ConfigOpt, engine_from_options

app = typer.Typer(help="Listing photos read in the background (image jobs in the store)")


@app.command("work")
def work(
    once: Annotated[bool, typer.Option("--once", help="run the queued jobs, then stop")] = False,
    data: DataOpt = None,
    config: ConfigOpt = None,
    image_root: Annotated[
        Optional[Path], typer.Option("--image-root", help="folder that local image paths of stored listings are under")
    ] = None,
    batch: Annotated[int, typer.Option(min=1, max=64, help="jobs claimed at a time")] = 4,
    json_out: JsonOpt = False,
) -> None:
    """Read the photos of queued listings and keep their new assessments (until stopped, or --once)."""
    from tisguard.pipeline import image_jobs

    root = image_root.resolve() if image_root else None
    engine, db, _ = engine_from_options(None, config, data, True, root, True)

    def report(job, verdict, error) -> None:
        what = f"verdict {verdict}" if error is None else f"error {error}"
        typer.echo(f"image job {job.id} (listing {job.listing_pk}, try {job.attempts}): {what}", err=True)

    try:
        counts = image_jobs.work(db, engine, once=once, batch=batch, on_job=report)
    except KeyboardInterrupt:  # a job cut short keeps its lease; another run takes it when the lease ends
        counts = {"interrupted": True}
    counts["queue"] = image_jobs.queue_counts(db)
    typer.echo(
        f"image jobs: {counts.get('done', 0)} done, {counts.get('failed', 0)} failed, "
        f"{counts.get('retried', 0)} to retry; queue {counts['queue']}",
        err=json_out,
    )
    if json_out:
        emit_json(counts)


@app.command("status")
def status(data: DataOpt = None, json_out: JsonOpt = False) -> None:
    """How many image jobs are pending, running, done and failed."""
    from tisguard.cli.common import engine_for, settings_for
    from tisguard.pipeline.image_jobs import queue_counts

    counts = queue_counts(engine_for(settings_for(data), write=False))
    if json_out:
        emit_json(counts)
    else:
        typer.echo(", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no image jobs")
