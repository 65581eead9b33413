"""Benchmark helpers: synthetic listing files of any size, peak memory."""
from __future__ import annotations

import resource
from pathlib import Path

from tisguard.catalogue.store import catalogue_from_csv
from tisguard.demo.synthetic import SyntheticWorld, write_jsonl
from tisguard.detect.lexicon import Lexicon


def make_listings(path: Path, n: int, seed: int = 99) -> Path:
    """n synthetic listings (with descriptions) in a JSONL file; reused when it already has n lines."""
    if path.exists():
        with path.open("rb") as fh:
            if sum(1 for _ in fh) == n:
                return path
    world = SyntheticWorld(catalogue_from_csv(), Lexicon.load(), seed=seed)
    write_jsonl(path, ({k: v for k, v in r.items() if k != "label"} for r in world.listings(n)))
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
