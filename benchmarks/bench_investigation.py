"""Cost of the investigation indexes (issue 13), embedded and on Spark, per 100,000 listings.

N synthetic listings (benchmarks/common.py) get drawn photos (half their own, 10% the photo of the
listing before them, 5% one stock photo) and a LINE id from a small pool (3%), so the photo index, the
generic-photo rule and the networks have work to do; 1% count as confirmed violations (relisting).
Embedded: each index timed on its own, one process. Spark: phase 1 of `spark-scan` on local[2], each
stage run to the end before the next. Figures per 100k are the measured time × 100,000 / N (linear
extrapolation: LSH candidate volume grows faster than N when many listings are alike).
Usage: python benchmarks/bench_investigation.py [N] [--no-spark]
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from common import make_listings, peak_rss_mb  # noqa: E402

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).resolve().parents[1]


def dress(src: Path, dst: Path, folder: Path) -> int:
    """Copy the listings with photos and LINE ids added; returns how many. Half the listings have a photo
    of their own, 10% the photo of the listing before them (a relisted copy), 5% one stock photo, the
    rest none; 3% a LINE id from a pool of 40."""
    sys.path.insert(0, str(ROOT / "tests"))
    from investigation_data import photo

    if not (folder / "stock.png").exists():
        photo(folder / "stock.png", 7, size=160)
    rng = random.Random(5)
    n, previous = 0, None
    with src.open(encoding="utf-8") as fin, dst.open("w", encoding="utf-8") as fout:
        for i, line in enumerate(fin):
            r = json.loads(line)
            x = rng.random()
            own = None
            if x < 0.50:
                own = f"photos/p{i}.png"
                if not (folder / f"p{i}.png").exists():
                    photo(folder / f"p{i}.png", 10_000 + i, size=160)
            elif x < 0.60 and previous:
                own = previous
            elif x < 0.65:
                own = "photos/stock.png"
            if own:
                r["images"] = [{"path": own}]
            previous = own if own != "photos/stock.png" else previous
            if rng.random() < 0.03:
                r["description"] = (r.get("description") or "") + f"\nไลน์ไอดี: @shop{rng.randrange(40)}"
            fout.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    return n


def timed(label: str, results: dict, fn):
    t = time.perf_counter()
    out = fn()
    results[label] = time.perf_counter() - t
    return out


def embedded(path: Path, n: int) -> tuple[dict, float]:
    from tisguard.pipeline.build import ImageSource, make_engine
    from tisguard.pipeline.investigation import fingerprints
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.runners import valid_listings

    listings = list(valid_listings(path))
    ref = load_reference(None, ROOT / "datasets/dev/registry.csv", None)
    idx = make_engine(ref, None, ImageSource(path.parent)).ref.investigation
    hasher, idx.image_hasher = idx.image_hasher, None
    r: dict[str, float] = {}
    rss0 = peak_rss_mb()
    fps = timed("text fingerprint (MinHash 64, contacts, licence numbers)", r, lambda: fingerprints(idx, listings))
    hashes = timed("photo read + pHash (each listing's photos)", r, lambda: [hasher(l.images) for l in listings])
    from dataclasses import replace

    fps = [replace(fp, images=tuple(sorted(set(h)))) for fp, h in zip(fps, hashes)]
    corpus = idx.embedded
    corpus.set_bad({fp.key: "confirm" for fp in fps[::100]})  # 1% confirmed
    timed("corpus add (LSH insert + query, photo bands, pair similarity)", r, lambda: corpus.add_many(fps))
    groups = timed("near-duplicate groups (all)", r, corpus.all_groups)
    relist = timed(
        "relisting look-ups (every listing, 1% confirmed)", r, lambda: [corpus.relisted_from(f.key) for f in fps]
    )
    timed("licence sharing (all licences)", r, corpus.all_licences)
    nets = timed("seller networks (all)", r, corpus.all_networks)
    text = [(l.title + "\n" + (l.description or "")[:1500]).lower() for l in listings]
    timed(
        "recall matching (shipped EU + CPSC samples)",
        r,
        lambda: [idx.recalls.match(t, l.brand, None) for t, l in zip(text, listings)],
    )
    print(
        f"embedded: {len(groups)} groups, {sum(1 for x in relist if x)} relisted, {len(nets)} networks, "
        f"{len(corpus.all_licences())} licences with unrelated sellers",
        file=sys.stderr,
    )
    return r, peak_rss_mb() - rss0


def spark(path: Path) -> dict:
    from pyspark.sql import SparkSession

    from tisguard.pipeline.build import ImageSource
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.spark_investigation import spark_facts

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    ref = load_reference(None, ROOT / "datasets/dev/registry.csv", None)
    r: dict[str, float] = {}
    try:
        lines = session.sparkContext.textFile(str(path), 4)
        t = time.perf_counter()
        spark_facts(session.sparkContext, lines, ref.investigation, ref.registry, ImageSource(path.parent), r)
        r["total phase 1"] = time.perf_counter() - t
    finally:
        session.stop()
    return r


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 5000
    OUT.mkdir(exist_ok=True)
    folder = OUT / f"investigation-{n}"
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    src = make_listings(OUT / f"listings-{n}.jsonl", n)
    path = folder / "listings.jsonl"
    n = dress(src, path, folder / "photos")
    scale = 100_000 / n
    emb, rss = embedded(path, n)
    print(f"\nembedded, {n:,} listings (per 100k = measured × {scale:g}):")
    for k, v in emb.items():
        print(f"  {k:<66} {v:8.2f} s   per 100k {v * scale:9.1f} s")
    print(f"  {'total':<66} {sum(emb.values()):8.2f} s   per 100k {sum(emb.values()) * scale:9.1f} s")
    print(f"  peak RSS grew by {rss:.0f} MiB")
    if "--no-spark" not in sys.argv:
        sp = spark(path)
        print(f"\nSpark local[2], {n:,} listings, 4 input partitions:")
        for k, v in sp.items():
            print(f"  {k:<66} {v:8.2f} s   per 100k {v * scale:9.1f} s")


if __name__ == "__main__":
    main()
