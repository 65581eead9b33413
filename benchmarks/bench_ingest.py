"""Ingest N listings (default 1,000,000) from JSON Lines into SQLite; prints listings/s and peak memory.

Usage: python benchmarks/bench_ingest.py [N]. The file is generated once under benchmarks/out/.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from common import make_listings, peak_rss_mb

from tisguard.ingest.pipeline import ingest_file
from tisguard.store.db import get_engine, migrate


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    t = time.perf_counter()
    path = make_listings(out / f"listings-{n}.jsonl", n)
    print(
        f"input: {path.name}, {path.stat().st_size / 2**20:,.0f} MiB (made/checked in {time.perf_counter() - t:.0f} s)"
    )
    before = peak_rss_mb()
    with tempfile.TemporaryDirectory() as d:
        db = get_engine(f"sqlite:///{d}/bench.db")
        migrate(db)
        t = time.perf_counter()
        s = ingest_file(db, path, Path(d) / "rejects", batch_size=2000)
        secs = time.perf_counter() - t
    print(f"ingested {s.read:,} listings into SQLite: stored {s.stored:,}, rejected {s.rejected:,}")
    print(f"rate: {s.read / secs:,.0f} listings/s ({secs:.1f} s)")
    print(
        f"peak RSS: {peak_rss_mb():,.0f} MiB (before ingest {before:,.0f} MiB; the file is {path.stat().st_size / 2**20:,.0f} MiB)"
    )


if __name__ == "__main__":
    main()
