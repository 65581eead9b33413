"""Scale-out scan on Apache Spark: the same engine, built once per partition, over a JSON Lines input.

The driver loads the reference snapshot exactly as `scan` does (store, registry file, trained model,
seller history) and validates the config; both travel to the executors as one broadcast variable, and
each partition makes its engine with `pipeline.build.make_engine`. Output: one JSON line per listing
(assessment or reject), as `scan` writes.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from tisguard.detect.config import EngineConfig
from tisguard.detect.context import Reference
from tisguard.pipeline.build import ImageSource


def _partition_scanner(shared):
    def run(lines):
        from tisguard.detect.evidence import dumps
        from tisguard.ingest.readers import iter_jsonl
        from tisguard.pipeline.build import make_engine
        from tisguard.spec.listing import listing_from_record

        ref, config, images = shared.value
        engine = make_engine(ref, config, images)
        batch = []
        for line in lines:
            for rec_no, raw in iter_jsonl(io.BytesIO(line.encode("utf-8") + b"\n")):
                listing, errors = listing_from_record(rec_no, raw)
                if errors:
                    yield dumps({"rejected": True, "errors": [e.as_dict() for e in errors]})
                else:
                    batch.append(listing)
            if len(batch) >= 512:
                yield from (dumps(a.as_dict()) for a in engine.assess_many(batch))
                batch = []
        if batch:
            yield from (dumps(a.as_dict()) for a in engine.assess_many(batch))

    return run


def spark_session(master: str, app_name: str):
    """A Spark session for tisguard's jobs: workers run this interpreter, no UI, the driver on loopback."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )


def spark_scan(
    input_path: Path,
    out_dir: Path,
    snapshot: tuple[Reference, EngineConfig, ImageSource | None],
    master: str = "local[2]",
    partitions: int | None = None,
) -> dict:
    """Run the scan on Spark. `snapshot` is (reference, config, images) as the driver built them."""

    spark = spark_session(master, "tisguard-scan")
    try:
        sc = spark.sparkContext
        sc.setLogLevel("ERROR")
        lines = sc.textFile(str(input_path), minPartitions=partitions or sc.defaultParallelism)
        from tisguard.pipeline.spark_investigation import with_spark_investigation

        # phase 1: what links the input's listings (near-duplicates, shared licences, networks), on Spark
        snapshot = with_spark_investigation(sc, lines.filter(lambda l: l.strip()), snapshot)
        shared = sc.broadcast(snapshot)
        results = lines.filter(lambda l: l.strip()).mapPartitions(_partition_scanner(shared))
        results.cache()
        rejected = results.filter(lambda l: l.startswith('{"rejected":true')).count()
        total = results.count()
        results.saveAsTextFile(str(out_dir))
        return {
            "assessed": total - rejected,
            "rejected": rejected,
            "partitions": results.getNumPartitions(),
            "out": str(out_dir),
        }
    finally:
        spark.stop()
