"""Scale benchmark (issue 15): N synthetic listings through ingest → scan → store on Spark + PostgreSQL.

Usage:
  python benchmarks/bench_scale.py --pg-url postgresql+psycopg://USER@HOST:PORT/postgres [--n 1000000 | --ten-million]
         [--master local[2]] [--cores 2] [--baseline 50000] [--reps 30] [--keep] [--ingest-only] [--reingest]
         [--rescan] [--scan-only] [--no-parquet] [--resume]

The PostgreSQL URL names a server where the benchmark may create (and drop, unless --keep) a database
`tg_scale_<N>`. Stages, each timed and reported as listings/s per core:
  1. ingest: the JSON Lines file into the store on Spark (COPY; pipeline.spark_ingest); with --reingest the same
     file again (every listing known: the upsert path of a daily rescan); --ingest-only stops here
  2. scan + store: the whole assessment on Spark, written back with COPY (pipeline.spark_store), first run;
     with --rescan a second full run (every row replaced, as a daily full rescan); --scan-only stops here
  3. incremental: one licence of the registry suspended; only the affected listings are assessed again
Then: bytes per listing stored, peak memory (this process and the whole process tree: JVM, Python workers;
the PostgreSQL server is not counted), and the officer queue / listing page / dashboard latencies at that size.
A one-core embedded run over `--baseline` listings gives the speed-up of the Spark scan: the plain `scan`
(assessments discarded) and the Spark job's own partition code run in one process (the same work: parsing,
assessment, Parquet rows). Every stage also reports the CPU seconds of this process tree and of the local
PostgreSQL server, and the load average: on a shared machine, CPU per listing is what other people's work
does not distort. The figures are printed and written to benchmarks/out/scale-<N>.json.

`--no-parquet` leaves out the scan → Parquet stage (the Spark scaling figure; at 10M it adds ~45 minutes here).
`--resume` continues on the database an interrupted run left (`tg_scale_<N>`, its listings ingested): no new
database, no ingest; the figures are added to the earlier run's scale-<N>.json.
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


class TreeCPU:
    """CPU seconds used by the process trees under `roots` while the block runs (each process's own user +
    system time, sampled every quarter second; a process that ends between samples loses at most that much).
    With the PostgreSQL server's postmaster among the roots, its backends count too: on a shared machine,
    CPU time is the figure that other people's load does not distort (wall time is)."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = [r for r in roots if r]
        self.seen: dict[int, float] = {}
        self.base: dict[int, float] = {}
        self.kind: dict[int, str] = {}
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        parent, cpu, comm = {}, {}, {}
        tck = os.sysconf("SC_CLK_TCK")
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
                f = stat[stat.rindex(")") + 2 :].split()
                parent[int(d)] = int(f[1])
                cpu[int(d)] = (int(f[11]) + int(f[12])) / tck
                comm[int(d)] = stat[stat.index("(") + 1 : stat.rindex(")")]  # spark-submit's shell becomes java
                if comm[int(d)] == "postgres" and int(d) not in self.kind:  # a backend, or autovacuum, WAL, ...
                    title = Path(f"/proc/{d}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
                    comm[int(d)] = "postgres background" if "postgres: " in title else "postgres"
                    if title.startswith("postgres: ") and title.count(" ") >= 3 and "(" in title:
                        comm[int(d)] = "postgres"  # "postgres: user db host(port) ...": a client's backend
            except (OSError, ValueError, IndexError):
                continue
        frontier, tree = list(self.roots), set()
        while frontier:
            p = frontier.pop()
            if p in tree:
                continue
            tree.add(p)
            frontier.extend(c for c, pp in parent.items() if pp == p)
        for p in tree:
            if p in cpu:
                self.seen[p] = max(self.seen.get(p, 0.0), cpu[p])
                if not self.kind.get(p, "").startswith("postgres"):
                    self.kind[p] = comm[p]

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self._sample()

    def __enter__(self):
        self._sample()
        self.base = dict(self.seen)
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self._sample()

    @property
    def seconds(self) -> float:
        return sum(v - self.base.get(p, 0.0) for p, v in self.seen.items())

    def per_listing_us(self, n: int) -> dict[str, float]:
        """CPU µs per listing by kind of process: the PostgreSQL server, Spark's JVM, Python (driver, workers)."""
        out: dict[str, float] = {}
        for p, v in self.seen.items():
            comm = self.kind.get(p, "?")
            k = comm if comm.startswith(("postgres", "java")) else "python"
            k = k if comm.startswith(("postgres", "java", "python", "pyspark")) else "other"
            out[k] = out.get(k, 0.0) + v - self.base.get(p, 0.0)
        return {k: round(v / n * 1e6, 1) for k, v in sorted(out.items())}


def postmaster_pid(db) -> int | None:
    """The local PostgreSQL server's postmaster (the parent of our backend), when it runs on this machine."""
    try:
        with db.connect() as conn:
            backend = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        stat = Path(f"/proc/{backend}/stat").read_text()
        return int(stat[stat.rindex(")") + 2 :].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def load() -> float:
    return round(os.getloadavg()[0], 1)


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


def baseline_rates(path: Path, n: int, snapshot) -> dict:
    """One core, embedded, over the first n listings: (a) the plain file scan (`scan`, assessments discarded),
    (b) the Spark job's own partition code run in this process (same parsing, assessment and Parquet output,
    no Spark): listings/s and CPU µs per listing of each."""
    from tisguard.pipeline.build import make_engine
    from tisguard.pipeline.runners import scan_file
    from tisguard.pipeline.spark_input import jsonl_splits
    from tisguard.pipeline.spark_store import _partition_writer

    tmp = Path(tempfile.mkdtemp())
    sample = tmp / "sample.jsonl"
    with path.open("rb") as src, sample.open("wb") as dst:
        for i, line in enumerate(src):
            if i >= n:
                break
            dst.write(line)
    engine = make_engine(*snapshot)
    t, c = time.perf_counter(), time.process_time()
    done = scan_file(engine, sample, lambda a: None, lambda k: None, None)
    scan = {
        "listings_per_s": round(done / (time.perf_counter() - t)),
        "cpu_us": round((time.process_time() - c) / done * 1e6),
    }

    class Shared:  # what a broadcast gives a partition
        value = snapshot

    run = _partition_writer(Shared, None, None, str(tmp), splits=True)
    t, c = time.perf_counter(), time.process_time()
    done = next(run(0, iter(jsonl_splits(sample, 1, 2**62))))["assessed"]
    same = {
        "listings_per_s": round(done / (time.perf_counter() - t)),
        "cpu_us": round((time.process_time() - c) / done * 1e6),
    }
    for f in tmp.glob("*"):
        f.unlink()
    return {"scan_no_output": scan, "spark_partition_code_in_process": same, "load": load()}


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
    """The officer pages' data at this size, warm. The queue pages on as its page does (keyset cursor); page 40
    by offset is measured too. The dashboard reads the precomputed summary (refreshed after the scan)."""
    from tisguard.services import dashboard, summary
    from tisguard.services.review import QueueFilter, listing_detail, queue
    from tisguard.store.tables import listings

    with db.connect() as conn:
        top = conn.execute(select(func.max(listings.c.id))).scalar_one()
    after = None
    for _ in range(39):  # the cursor of page 40 of one platform, as an officer clicking "next" gets it
        after = queue(db, QueueFilter(platform="shopee", after=after))["next_after"]
    rnd = random.Random(7)
    first = queue(db, QueueFilter())
    out = {
        "queue_total_shown": f"more than {first['total']}" if first["total_capped"] else first["total"],
        "queue_first_page": timed(lambda: queue(db, QueueFilter()), reps),
        "queue_page_40_one_platform_cursor": timed(
            lambda: queue(db, QueueFilter(platform="shopee", page=40, after=after)), reps
        ),
        "queue_page_40_one_platform_offset": timed(lambda: queue(db, QueueFilter(platform="shopee", page=40)), reps),
        "queue_one_standard": timed(lambda: queue(db, QueueFilter(tis="2432")), reps),
        "queue_one_country": timed(lambda: queue(db, QueueFilter(country="CN")), reps),
        "listing_page": timed(lambda: listing_detail(db, rnd.randint(1, top)), reps),
        "dashboard_stats": timed(lambda: dashboard.stats(db), reps),
        "load": load(),
    }
    t = time.perf_counter()
    r = summary.refresh(db)
    out["summary_refresh_s"] = round(time.perf_counter() - t, 2)
    out["summary_rows"] = r["rows"]
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
    ap.add_argument("--ingest-only", action="store_true", help="stop after the ingest stage (and its storage figures)")
    ap.add_argument("--reingest", action="store_true", help="ingest the same file a second time (all listings known)")
    ap.add_argument(
        "--rescan",
        action="store_true",
        help="a second, full scan → store (replaces the rows of the same engine version)",
    )
    ap.add_argument(
        "--scan-only", action="store_true", help="stop after the scan stages (no incremental run, no page latencies)"
    )
    ap.add_argument("--no-parquet", action="store_true", help="leave out the scan → Parquet stage")
    ap.add_argument(
        "--resume", action="store_true", help="continue on the database of an interrupted run (no new ingest)"
    )
    args = ap.parse_args()
    if not args.pg_url:
        sys.exit("give --pg-url (or TISGUARD_BENCH_PG_URL): a PostgreSQL server the benchmark may create a database on")
    n = 10_000_000 if args.ten_million else args.n
    from tisguard.pipeline.spark_ingest import spark_ingest
    from tisguard.store.db import get_engine, migrate

    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    result: dict = {"n": n, "master": args.master, "cores": args.cores, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    earlier = out / f"scale-{n}.json"
    if args.resume and earlier.exists():
        result = {**json.loads(earlier.read_text(encoding="utf-8")), "resumed": result["started"]}

    def report(stage: str, **kv) -> None:
        result[stage] = kv
        print(f"[{time.strftime('%H:%M:%S')}] {stage}: {json.dumps(kv, ensure_ascii=False)}", flush=True)
        (out / f"scale-{n}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))

    t = time.perf_counter()
    path = make_listings(out / f"listings-{n}.jsonl", n)
    report("input", file=path.name, mib=round(path.stat().st_size / 2**20), seconds=round(time.perf_counter() - t))
    name = f"tg_scale_{n}"
    url = args.pg_url.rsplit("/", 1)[0] + "/" + name if args.resume else fresh_database(args.pg_url, name)
    db = get_engine(url)
    migrate(db)
    roots = [os.getpid(), postmaster_pid(db)]  # this process tree (Spark's JVM, Python workers) + the server
    with TreeMemory() as mem, tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)

        def timed_ingest(stage: str, rejects: Path) -> None:
            t = time.perf_counter()
            with TreeCPU(roots) as cpu:
                s = spark_ingest(path, url, rejects, master=args.master)
            secs = time.perf_counter() - t
            report(
                stage,
                seconds=round(secs, 1),
                listings_per_s=round(s["read"] / secs),
                per_core=round(s["read"] / secs / args.cores),
                cpu_s=round(cpu.seconds, 1),
                cpu_us_per_listing=round(cpu.seconds / s["read"] * 1e6),
                cpu_us_per_listing_by_process=cpu.per_listing_us(s["read"]),
                listings_per_cpu_s=round(s["read"] / cpu.seconds),
                load=load(),
                **s,
            )

        if not args.resume:
            timed_ingest("ingest", tmp / "rejects")
        if args.reingest:  # a rescan's ingest: every listing already stored (the upsert path)
            timed_ingest("reingest_same_file", tmp / "rejects2")
        if args.ingest_only:
            report("storage", **storage(db, n))
        else:
            run_scans(args, db, url, path, n, roots, tmp, report)
    report(
        "memory",
        peak_tree_rss_mib=round(mem.peak_mb),
        peak_driver_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )
    db.dispose()
    if not args.keep:
        drop_database(args.pg_url, name)
    print(f"figures: {out / f'scale-{n}.json'}")


def scan_to_parquet(args, path, n, roots, tmp: Path, report, snapshot, base: dict) -> None:
    """The assessment on Spark written to Parquet: the Spark scaling figure (the same work on one core)."""
    rate1 = base["scan_no_output"]["listings_per_s"]
    rate1_same = base["spark_partition_code_in_process"]["listings_per_s"]
    cpu1_same = base["spark_partition_code_in_process"]["cpu_us"]
    from tisguard.pipeline.spark_store import spark_scan_to_store

    load0, t = load(), time.perf_counter()
    with TreeCPU(roots) as cpu:
        r = spark_scan_to_store(path, snapshot, None, tmp / "pq", master=args.master, investigation=False)
    secs = time.perf_counter() - t
    rate = r["assessed"] / secs
    cpu_us = cpu.seconds / r["assessed"] * 1e6
    report(
        "scan_to_parquet",
        seconds=round(secs, 1),
        listings_per_s=round(rate),
        per_core=round(rate / args.cores),
        speedup_vs_one_core_scan=round(rate / rate1, 2),
        speedup_vs_one_core_same_work=round(rate / rate1_same, 2),
        cpu_us_per_listing=round(cpu_us),
        cpu_us_per_listing_by_process=cpu.per_listing_us(r["assessed"]),
        # what the same CPU cost per listing gives on `cores` cores nobody else uses
        speedup_on_free_cores=round(args.cores * cpu1_same / cpu_us, 2),
        partitions=r["partitions"],
        parquet_bytes_per_listing=round(sum(f.stat().st_size for f in (tmp / "pq").glob("*")) / n),
        load_start=load0,
        load=load(),
    )


def run_scans(args, db, url, path, n, roots, tmp: Path, report) -> None:
    """Stages 2-3: the assessment on Spark (to Parquet, then to the store), the incremental rescan, storage and
    the officer pages' latencies."""
    from tisguard.detect.config import EngineConfig
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.spark_store import spark_scan_to_store
    from tisguard.registry.store import registry_from_csv

    # the text (and photo) assessment; the relisting / network phase is measured on its own below
    snapshot = (replace(load_reference(db, REGISTRY, None), investigation=None), EngineConfig(), None)
    base = baseline_rates(path, min(args.baseline, n), snapshot)
    report("baseline_one_core_embedded", listings=min(args.baseline, n), **base)
    rate1 = base["scan_no_output"]["listings_per_s"]
    if not args.no_parquet:
        scan_to_parquet(args, path, n, roots, tmp, report, snapshot, base)

    def timed_store(stage: str, incremental: bool) -> None:
        load0, t = load(), time.perf_counter()
        with TreeCPU(roots) as cpu:
            r = spark_scan_to_store(
                path, snapshot, url, master=args.master, incremental=incremental, investigation=False
            )
        secs = time.perf_counter() - t
        rate = r["assessed"] / secs
        report(
            stage,
            seconds=round(secs, 1),
            listings_per_s=round(rate),
            per_core=round(rate / args.cores),
            speedup_vs_one_core_scan=round(rate / rate1, 2),
            cpu_us_per_listing=round(cpu.seconds / r["assessed"] * 1e6),
            cpu_us_per_listing_by_process=cpu.per_listing_us(r["assessed"]),
            load_start=load0,
            load=load(),
            **{k: v for k, v in r.items() if k != "plan"},
        )

    timed_store("scan_store", True)  # the first write: no assessments stored yet
    if args.rescan:  # a full daily rescan: every listing assessed again, its row of this engine version replaced
        timed_store("scan_store_again_full", False)
    if args.scan_only:
        report("storage", **storage(db, n))
        return

    changed = tmp / "registry-changed.csv"
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


if __name__ == "__main__":
    main()
