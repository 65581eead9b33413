"""Scale benchmark (issue 15): N synthetic listings through ingest → scan → store on Spark + PostgreSQL.

Usage:
  python benchmarks/bench_scale.py --pg-url postgresql+psycopg://USER@HOST:PORT/postgres [--n 1000000 | --ten-million]
         [--master local[2]] [--cores 2] [--baseline 50000] [--reps 30] [--keep]

The PostgreSQL URL names a server where the benchmark may create (and drop, unless --keep) a database
`tg_scale_<N>`. Stages, each timed and reported as listings/s per core:
  1. ingest: the JSON Lines file into the store on Spark (COPY, one upsert per batch; pipeline.spark_ingest)
  2. scan + store: the whole assessment on Spark, written back with COPY (pipeline.spark_store), first run
  3. incremental: one licence of the registry suspended; only the affected listings are assessed again
Then: bytes per listing stored, peak memory (this process and the whole process tree: JVM, Python workers;
the PostgreSQL server is not counted), and the officer queue / listing page / dashboard latencies at that size.
A one-core embedded scan of `--baseline` listings gives the speed-up of the Spark scan. The figures are
printed and written to benchmarks/out/scale-<N>.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

from common import make_listings
from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "datasets" / "dev" / "registry.csv"
TABLES = ("listings", "listing_snapshots", "listing_images", "sellers", "assessments", "listing_refs")


class TreeMemory:
    """Peak resident memory of this process and all its descendants, sampled every half second."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _tree_rss_mb(self) -> float:
        parent: dict[int, int] = {}
        rss: dict[int, int] = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                parent[int(d)] = int(fields[1])
                rss[int(d)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, ValueError, IndexError):
                continue
        me, total, seen = os.getpid(), 0, set()
        frontier = [me]
        while frontier:
            p = frontier.pop()
            if p in seen:
                continue
            seen.add(p)
            total += rss.get(p, 0)
            frontier.extend(c for c, pp in parent.items() if pp == p)
        return total / 2**20

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.peak_mb = max(self.peak_mb, self._tree_rss_mb())

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, round(q * (len(v) - 1)))]


def timed(fn, reps: int) -> dict:
    fn()  # warm: plans and caches, as on a running server
    ms = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(pct(ms, 0.95), 1), "reps": reps}


def fresh_database(server_url: str, name: str) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def drop_database(server_url: str, name: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def baseline_rate(path: Path, n: int, snapshot) -> float:
    """One core, embedded: the plain file scan (`scan`) of the first n listings, listings/s."""
    from tisguard.pipeline.build import make_engine
    from tisguard.pipeline.runners import scan_file

    sample = Path(tempfile.mkdtemp()) / "sample.jsonl"
    with path.open("rb") as src, sample.open("wb") as dst:
        for i, line in enumerate(src):
            if i >= n:
                break
            dst.write(line)
    engine = make_engine(*snapshot)
    t = time.perf_counter()
    done = scan_file(engine, sample, lambda a: None, lambda k: None, None)
    secs = time.perf_counter() - t
    sample.unlink()
    return done / secs


def suspend_busiest_licence(db, out_csv: Path) -> tuple[str, int]:
    """A registry like the dev one with the licence most listings show suspended; (licence_no, listings)."""
    from tisguard.store.refs import licence_ref
    from tisguard.store.scale_tables import listing_refs

    with db.connect() as conn:
        counts = dict(
            conn.execute(
                select(listing_refs.c.ref, func.count()).where(listing_refs.c.kind == "L").group_by(listing_refs.c.ref)
            ).all()
        )
    rows = list(csv.DictReader(REGISTRY.open(encoding="utf-8")))
    active = [r for r in rows if r["status"] == "active" and counts.get(licence_ref(r["licence_no"]))]
    pick = max(active, key=lambda r: counts[licence_ref(r["licence_no"])])
    pick["status"] = "suspended"
    with out_csv.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return pick["licence_no"], counts[licence_ref(pick["licence_no"])]


def latencies(db, reps: int) -> dict:
    from tisguard.services import dashboard
    from tisguard.services.review import QueueFilter, listing_detail, queue
    from tisguard.store.tables import listings

    with db.connect() as conn:
        top = conn.execute(select(func.max(listings.c.id))).scalar_one()
    rnd = random.Random(7)
    out = {
        "queue_first_page": timed(lambda: queue(db, QueueFilter()), reps),
        "queue_page_40_one_platform": timed(lambda: queue(db, QueueFilter(platform="shopee", page=40)), reps),
        "listing_page": timed(lambda: listing_detail(db, rnd.randint(1, top)), reps),
        "dashboard_stats": timed(lambda: dashboard.stats(db), max(3, reps // 6)),
    }
    if db.dialect.name == "postgresql":

        def from_view():
            with db.connect() as conn:
                for col in ("platform", "country", "tis_number"):
                    conn.execute(
                        text(f"SELECT {col}, sum(scanned), sum(flagged) FROM mv_dashboard_counts GROUP BY {col}")
                    ).all()

        out["dashboard_counts_from_materialised_view"] = timed(from_view, reps)
        t = time.perf_counter()
        from tisguard.pipeline.assessment_rows import refresh_aggregates

        refresh_aggregates(db)
        out["materialised_view_refresh_s"] = round(time.perf_counter() - t, 2)
    return out


def storage(db, n: int) -> dict:
    with db.connect() as conn:
        sizes = {t: conn.execute(text(f"SELECT pg_total_relation_size('{t}')")).scalar_one() for t in TABLES}
        dbsize = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        rows = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
    return {
        "bytes_per_listing": round(sum(sizes.values()) / n),
        "bytes_per_listing_by_table": {t: round(s / n) for t, s in sizes.items()},
        "database_bytes": dbsize,
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--ten-million", action="store_true", help="N = 10,000,000")
    ap.add_argument("--pg-url", default=os.environ.get("TISGUARD_BENCH_PG_URL"))
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--cores", type=int, default=2, help="cores the stages run on (for listings/s per core)")
    ap.add_argument("--baseline", type=int, default=50_000, help="listings of the one-core embedded scan")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = ap.parse_args()
    if not args.pg_url:
        sys.exit("give --pg-url (or TISGUARD_BENCH_PG_URL): a PostgreSQL server the benchmark may create a database on")
    n = 10_000_000 if args.ten_million else args.n
    from tisguard.detect.config import EngineConfig
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.spark_ingest import spark_ingest
    from tisguard.pipeline.spark_store import spark_scan_to_store
    from tisguard.registry.store import registry_from_csv
    from tisguard.store.db import get_engine, migrate

    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    result: dict = {"n": n, "master": args.master, "cores": args.cores, "started": time.strftime("%Y-%m-%d %H:%M:%S")}

    def report(stage: str, **kv) -> None:
        result[stage] = kv
        print(f"[{time.strftime('%H:%M:%S')}] {stage}: {json.dumps(kv, ensure_ascii=False)}", flush=True)
        (out / f"scale-{n}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))

    t = time.perf_counter()
    path = make_listings(out / f"listings-{n}.jsonl", n)
    report("input", file=path.name, mib=round(path.stat().st_size / 2**20), seconds=round(time.perf_counter() - t))
    name = f"tg_scale_{n}"
    url = fresh_database(args.pg_url, name)
    db = get_engine(url)
    migrate(db)
    with TreeMemory() as mem, tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        s = spark_ingest(path, url, Path(tmp) / "rejects", master=args.master)
        secs = time.perf_counter() - t
        report(
            "ingest",
            seconds=round(secs, 1),
            listings_per_s=round(s["read"] / secs),
            per_core=round(s["read"] / secs / args.cores),
            **s,
        )

        # the text (and photo) assessment; the relisting / network phase is measured on its own below
        snapshot = (replace(load_reference(db, REGISTRY, None), investigation=None), EngineConfig(), None)
        rate1 = baseline_rate(path, min(args.baseline, n), snapshot)
        report("baseline_one_core_embedded_scan", listings=min(args.baseline, n), listings_per_s=round(rate1))

        t = time.perf_counter()
        r = spark_scan_to_store(path, snapshot, None, Path(tmp) / "pq", master=args.master, investigation=False)
        secs = time.perf_counter() - t
        rate = r["assessed"] / secs
        report(
            "scan_to_parquet",
            seconds=round(secs, 1),
            listings_per_s=round(rate),
            per_core=round(rate / args.cores),
            speedup_vs_one_core=round(rate / rate1, 2),
            parquet_bytes_per_listing=round(sum(f.stat().st_size for f in (Path(tmp) / "pq").glob("*")) / n),
        )

        t = time.perf_counter()
        r = spark_scan_to_store(path, snapshot, url, master=args.master, investigation=False)
        secs = time.perf_counter() - t
        rate = r["assessed"] / secs
        report(
            "scan_store",
            seconds=round(secs, 1),
            listings_per_s=round(rate),
            per_core=round(rate / args.cores),
            speedup_vs_one_core=round(rate / rate1, 2),
            **{k: v for k, v in r.items() if k != "plan"},
        )

        changed = Path(tmp) / "registry-changed.csv"
        licence, showing = suspend_busiest_licence(db, changed)
        # the same loaded snapshot with only the registry replaced: the model or catalogue files may change
        # on disk while the benchmark runs, and that would (rightly) re-assess everything
        snapshot = (replace(snapshot[0], registry=registry_from_csv(changed)[0]), EngineConfig(), None)
        t = time.perf_counter()
        r = spark_scan_to_store(path, snapshot, url, master=args.master, investigation=False)
        secs = time.perf_counter() - t
        report(
            "incremental_after_registry_change",
            suspended_licence=licence,
            listings_showing_it=showing,
            seconds=round(secs, 1),
            **r["plan"],
            assessed=r["assessed"],
        )
        report("storage", **storage(db, n))
        report("latency", **latencies(db, args.reps))
    report(
        "memory",
        peak_tree_rss_mib=round(mem.peak_mb),
        peak_driver_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )
    db.dispose()
    if not args.keep:
        drop_database(args.pg_url, name)
    print(f"figures: {out / f'scale-{n}.json'}")


if __name__ == "__main__":
    main()
