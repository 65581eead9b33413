"""Scale-out scan on Apache Spark: the same engine, built once per partition, over a JSON Lines input.

The detectors are pure functions of (listing, reference snapshot), so a partition only needs the
reference: the registry CSV travels as a broadcast variable; catalogue, lexicon and model ship with
the package on every worker. Output: one JSON line per listing (assessment or reject), as `scan` writes.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def _partition_scanner(registry_text: str | None):
    def run(lines):
        import io

        from tisguard.detect.engine import Engine
        from tisguard.detect.evidence import dumps
        from tisguard.detect.reference import reference_from_files
        from tisguard.ingest.readers import iter_jsonl

        reg_path = None
        if registry_text is not None:
            fd, reg_path = tempfile.mkstemp(suffix=".csv")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(registry_text)
        engine = Engine(reference_from_files(Path(reg_path) if reg_path else None))
        from tisguard.spec.listing import listing_from_record

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
        if reg_path:
            os.unlink(reg_path)

    return run


def spark_scan(
    input_path: Path, registry_csv: Path | None, out_dir: Path, master: str = "local[2]", partitions: int | None = None
) -> dict:
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName("tisguard-scan")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    try:
        sc = spark.sparkContext
        sc.setLogLevel("ERROR")
        registry_text = registry_csv.read_text(encoding="utf-8") if registry_csv else None
        lines = sc.textFile(str(input_path), minPartitions=partitions or sc.defaultParallelism)
        results = lines.filter(lambda l: l.strip()).mapPartitions(_partition_scanner(registry_text))
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
