"""The whole assessment on Spark, written back: assessments go to the store (PostgreSQL with COPY,
idempotent by listing and engine version) and/or to Parquet files that `assessment_rows.load_parquet`
loads later.

Input: JSON Lines or Parquet (a file or folder). As in `spark_scan`, the driver's reference snapshot and
config travel as one broadcast, the investigation answers for the whole input are computed on Spark
first, and each partition makes its engine with `pipeline.build.make_engine` — so the assessments are
those of `spark_scan` and of the embedded `scan`. With a store and `incremental`, the driver plans with
`pipeline.incremental.plan_rescan` and partitions assess only the planned listings of the input (the others
are counted as `unchanged`); listings not in the store are counted and not written (ingest them first).
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import replace
from pathlib import Path

from tisguard.detect.config import EngineConfig
from tisguard.detect.context import Reference
from tisguard.pipeline.build import ImageSource

BATCH = 512  # listings assessed together
WRITE_BATCH = 2048  # assessment rows written to the store per transaction (fewer statements per row)
COUNTS = ("assessed", "written", "unchanged", "not_in_store", "rejected")


def _records(lines, splits: bool):
    """(record number, raw record) of a partition: byte ranges read here, or lines shipped by Spark."""
    from tisguard.ingest.readers import iter_jsonl
    from tisguard.pipeline.spark_input import read_split

    if splits:
        for split in lines:
            yield from read_split(split)
        return
    for line in lines:
        yield from iter_jsonl(io.BytesIO(line.encode("utf-8") + b"\n"))


def _partition_writer(shared, db_url: str | None, selected, parquet_dir: str | None, splits: bool = False):
    def run(index, lines):
        import gc

        from tisguard.pipeline.assessment_rows import ParquetSink, assessment_row, save_rows
        from tisguard.pipeline.build import make_engine
        from tisguard.spec.listing import listing_from_record
        from tisguard.store.db import get_engine
        from tisguard.store.listing_keys import listing_pks
        from tisguard.store.listings import content_hash

        ref, config, images = shared.value
        engine = make_engine(ref, config, images)
        # the engine and the reference are never garbage: out of every collection the partition triggers
        gc.freeze()
        db = get_engine(db_url) if db_url else None
        chosen = selected.value if selected is not None else None
        counts = dict.fromkeys(COUNTS, 0)
        sink = ParquetSink(Path(parquet_dir) / f"part-{index:05d}.parquet") if parquet_dir else None

        pending: list[dict] = []

        def flush(batch, last=False):
            pks = listing_pks(db, [l.key for l in batch]) if db is not None else {}
            todo = []
            for l in batch:
                pk = pks.get(l.key)
                if db is not None and pk is None:
                    counts["not_in_store"] += 1
                elif chosen is not None and pk not in chosen:
                    counts["unchanged"] += 1
                else:
                    todo.append((pk, l))
            # assessing, building the stored rows and writing them make short-lived objects without cycles:
            # the collector would only cost time here
            gc.disable()
            try:
                assessed = engine.assess_many([l for _, l in todo])
                rows = [assessment_row(pk, l, content_hash(l), a, db is not None) for (pk, l), a in zip(todo, assessed)]
                counts["assessed"] += len(rows)
                if db is not None:
                    pending.extend(rows)
                    if len(pending) >= WRITE_BATCH or last:
                        counts["written"] += save_rows(db, pending)
                        pending.clear()
                if sink is not None:
                    sink.add(rows)
            finally:
                gc.enable()

        try:
            batch = []
            for rec_no, raw in _records(lines, splits):
                listing, errors = listing_from_record(rec_no, raw)
                if errors:
                    counts["rejected"] += 1
                else:
                    batch.append(listing)
                if len(batch) >= BATCH:
                    flush(batch)
                    batch = []
            flush(batch, last=True)  # the rest, and the rows still pending
            if sink is not None:
                sink.close()
        finally:
            gc.unfreeze()
            if db is not None:
                db.dispose()
        yield counts

    return run


def _is_parquet(path: Path) -> bool:
    return path.suffix == ".parquet" or (path.is_dir() and any(path.glob("*.parquet")))


def spark_scan_to_store(
    input_path: Path,
    snapshot: tuple[Reference, EngineConfig, ImageSource | None],
    db_url: str | None = None,
    parquet_out: Path | None = None,
    master: str = "local[2]",
    partitions: int | None = None,
    incremental: bool = True,
    investigation: bool = True,
) -> dict:
    """Assess `input_path` on Spark and write the assessments to the store at `db_url` and/or to Parquet
    files in `parquet_out`. Returns counts (assessed, written, unchanged, not_in_store, rejected) and,
    with a store and `incremental`, the plan. Without `investigation` the relisting / network phase is left out
    (its detectors find nothing): the text and photo assessment only."""
    if db_url is None and parquet_out is None:
        raise ValueError("give a store (db_url) or a Parquet folder (parquet_out) to write the assessments to")
    from tisguard.pipeline.build import make_engine
    from tisguard.pipeline.spark import spark_session
    from tisguard.pipeline.spark_input import is_local_jsonl, jsonl_splits
    from tisguard.store.db import get_engine

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if parquet_out is not None:
        parquet_out.mkdir(parents=True, exist_ok=True)
        for old in parquet_out.glob("part-*.parquet"):  # a re-run replaces the previous run's files
            old.unlink()
    db = get_engine(db_url) if db_url else None
    plan = None
    if db is not None and incremental:
        from tisguard.pipeline.incremental import plan_rescan

        plan = plan_rescan(db, make_engine(*snapshot))
    spark = spark_session(master, "tisguard-scan-store")
    try:
        sc = spark.sparkContext
        sc.setLogLevel("ERROR")
        parallel = partitions or sc.defaultParallelism
        if _is_parquet(input_path):
            lines = spark.read.parquet(str(input_path)).toJSON().repartition(parallel)
        else:
            lines = sc.textFile(str(input_path), minPartitions=parallel)
        lines = lines.filter(lambda l: l.strip())
        from tisguard.pipeline.spark_investigation import with_spark_investigation

        if investigation:
            snapshot = with_spark_investigation(sc, lines, snapshot)
        else:
            snapshot = (replace(snapshot[0], investigation=None), *snapshot[1:])
        shared = sc.broadcast(snapshot)
        selected = sc.broadcast(frozenset(plan.pks)) if plan is not None and not plan.everything else None
        pq = str(parquet_out) if parquet_out else None
        if is_local_jsonl(input_path):  # byte ranges: no line goes through the JVM (pipeline.spark_input)
            splits = jsonl_splits(input_path, parallel)
            source = sc.parallelize(splits, len(splits))
            writer = _partition_writer(shared, db_url, selected, pq, splits=True)
        else:
            source, writer = lines, _partition_writer(shared, db_url, selected, pq)
        per_partition = source.mapPartitionsWithIndex(writer).collect()
        totals = {k: sum(c[k] for c in per_partition) for k in COUNTS}
    finally:
        spark.stop()
    if plan is not None:
        from tisguard.pipeline.incremental import record_state

        # the reference state is recorded only when every planned listing was in the input and assessed
        if totals["assessed"] >= plan.selected:
            record_state(db, make_engine(*snapshot))
        totals["plan"] = plan.as_dict()
    if db is not None:
        from tisguard.pipeline.assessment_rows import refresh_aggregates

        refresh_aggregates(db)
    return {**totals, "partitions": len(per_partition), "parquet": str(parquet_out) if parquet_out else None}


def main(argv: list[str] | None = None) -> None:
    """`python -m tisguard.pipeline.spark_store FILE [--ingest] [--store] [--parquet DIR] ...`: the
    `spark-scan` options (registry, config, data, master, partitions, images) plus where to write."""
    import argparse
    import json

    ap = argparse.ArgumentParser(prog="python -m tisguard.pipeline.spark_store", description=main.__doc__)
    ap.add_argument("file", type=Path, help="listings: JSON Lines or Parquet (file or folder)")
    ap.add_argument("--registry", type=Path)
    ap.add_argument("--config", type=Path)
    ap.add_argument("--data", type=Path, help="data folder (or $TISGUARD_DATA; $TISGUARD_DATABASE_URL for PostgreSQL)")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int)
    ap.add_argument("--ingest", action="store_true", help="ingest the file into the store first (on Spark, COPY)")
    ap.add_argument("--store", action="store_true", help="write the assessments to the store")
    ap.add_argument("--parquet", type=Path, help="write the assessments as Parquet files to this folder")
    ap.add_argument("--full", action="store_true", help="assess every listing (not only what changed)")
    ap.add_argument("--no-investigation", action="store_true", help="leave out the relisting / network phase")
    ap.add_argument("--images", action="store_true", help="read listing photos on the executors")
    a = ap.parse_args(argv)
    from tisguard.cli.engine_opts import engine_from_options

    engine, db, settings = engine_from_options(a.registry, a.config, a.data, a.store or a.ingest)
    source = ImageSource.for_settings(settings, a.file.resolve().parent) if a.images else None
    url = settings.database_url if (a.store or a.ingest) else None
    out = {}
    if a.ingest:
        from tisguard.pipeline.spark_ingest import spark_ingest

        out["ingest"] = spark_ingest(a.file, url, settings.rejects_dir, a.master, a.partitions)
    if a.store or a.parquet:
        out["scan"] = spark_scan_to_store(
            a.file,
            (engine.ref, engine.config, source),
            url if a.store else None,
            a.parquet,
            a.master,
            a.partitions,
            incremental=not a.full,
            investigation=not a.no_investigation,
        )
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
