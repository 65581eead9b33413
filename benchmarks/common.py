"""Benchmark helpers: synthetic listing files of any size, peak memory."""

from __future__ import annotations

import resource
from pathlib import Path

from tisguard.catalogue.store import catalogue_from_csv
from tisguard.demo.synthetic import SyntheticWorld, write_jsonl
from tisguard.detect.lexicon import Lexicon

BASE = 50_000


def make_listings(path: Path, n: int, seed: int = 99) -> Path:
    """n synthetic listings (with descriptions) in a JSONL file; reused when it already has n lines.

    Up to 50,000 distinct listings are generated; beyond that they repeat under new listing ids and
    prices (the generator writes ~20k listings a minute, too slow for a million)."""
    if path.exists():
        with path.open("rb") as fh:
            if sum(1 for _ in fh) == n:
                return path
    world = SyntheticWorld(catalogue_from_csv(), Lexicon.load(), seed=seed)
    base = [{k: v for k, v in r.items() if k != "label"} for r in world.listings(min(n, BASE))]

    def records():
        for i in range(n):
            r = base[i % len(base)]
            if i >= len(base):
                r = {
                    **r,
                    "listing_id": f"{r['listing_id']}-r{i // len(base)}",
                    "price": round(r["price"] * (1 + (i % 7) / 100), 2),
                }
            yield r

    write_jsonl(path, records())
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
