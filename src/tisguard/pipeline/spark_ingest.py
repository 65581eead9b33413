"""Ingest on Spark: partitions of a JSON Lines (or Parquet) input validate and write their listings to the
store in parallel, each with the ordinary ingest run (`ingest.pipeline.ingest_records`: rejects per record,
batches halved down to a refused record, counts), and on PostgreSQL through COPY (`ingest.pg_copy`).

Record numbers are the input's line numbers (Spark's `zipWithIndex`), and every partition reports under the
same source, so the rejects table says which line of which file was refused, and a re-run is idempotent as
a one-process ingest is. Each partition is its own ingest run (`ingest_runs`) and writes its rejects file
under `rejects_dir/part-NNNNN/`. A listing that appears in two partitions is written by both (last commit
wins; both snapshots are kept); within a partition the ordinary duplicate rules apply.
"""

from __future__ import annotations

from pathlib import Path

from tisguard.ingest.pipeline import COUNTS

TOTALS = ("read", *COUNTS, "rejected")


def _partition_ingest(db_url: str, source: str, rejects_dir: str, batch_size: int, splits: bool = False):
    def run(index, numbered):
        import io

        from tisguard.ingest.pipeline import ingest_records
        from tisguard.ingest.readers import iter_jsonl
        from tisguard.pipeline.spark_input import read_split
        from tisguard.store.db import get_engine

        def records():
            if splits:  # byte ranges of the file, read here (pipeline.spark_input)
                for split in numbered:
                    yield from read_split(split)
                return
            for line, i in numbered:
                for _, raw in iter_jsonl(io.BytesIO(line.encode("utf-8") + b"\n")):
                    yield i + 1, raw

        s = ingest_records(
            get_engine(db_url), records(), source, Path(rejects_dir) / f"part-{index:05d}", batch_size=batch_size
        )
        yield {k: getattr(s, k) for k in TOTALS}

    return run


def spark_ingest(
    input_path: Path,
    db_url: str,
    rejects_dir: Path,
    master: str = "local[2]",
    partitions: int | None = None,
    batch_size: int = 5000,
) -> dict:
    """Ingest `input_path` (JSON Lines, or Parquet) into the store at `db_url` on Spark; returns the summed counts."""
    from tisguard.pipeline.spark import spark_session
    from tisguard.pipeline.spark_input import is_local_jsonl, jsonl_splits
    from tisguard.store.db import get_engine, migrate

    migrate(get_engine(db_url))  # a write command: the schema is brought up to date first
    spark = spark_session(master, "tisguard-ingest")
    try:
        sc = spark.sparkContext
        sc.setLogLevel("ERROR")
        parallel = partitions or sc.defaultParallelism
        source = str(input_path.resolve())
        if is_local_jsonl(input_path):
            splits = jsonl_splits(input_path, parallel)
            numbered = sc.parallelize(splits, len(splits))
            ingest = _partition_ingest(db_url, source, str(rejects_dir), batch_size, splits=True)
        else:
            if input_path.suffix == ".parquet" or (input_path.is_dir() and any(input_path.glob("*.parquet"))):
                lines = spark.read.parquet(str(input_path)).toJSON().repartition(parallel)
            else:
                lines = sc.textFile(str(input_path), minPartitions=parallel)
            numbered = lines.zipWithIndex().filter(lambda p: p[0].strip())
            ingest = _partition_ingest(db_url, source, str(rejects_dir), batch_size)
        per_partition = numbered.mapPartitionsWithIndex(ingest).collect()
    finally:
        spark.stop()
    return {**{k: sum(p[k] for p in per_partition) for k in TOTALS}, "partitions": len(per_partition)}
