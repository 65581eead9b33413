"""Text-path speed of `scan` on one core over 100,000 listings, against a plain scikit-learn pipeline.

Prints listings/s for the tisguard engine (whole process: read, validate, assess, write JSON),
the per-detector share of time, the same for the baseline a user would write instead
(NFC + Thai digits, two regexes, HashingVectorizer char 2–4, linear classifier), and the ratio.
Usage: python benchmarks/bench_scan.py [N]
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys
import time
import unicodedata
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from common import make_listings  # noqa: E402

OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).resolve().parents[1]


def bench_engine(path: Path) -> tuple[float, dict, int]:
    from tisguard.detect.evidence import dumps
    from tisguard.pipeline.build import make_engine
    from tisguard.pipeline.reference import load_reference
    from tisguard.pipeline.runners import assess_stream, valid_listings

    engine = make_engine(load_reference(None, ROOT / "datasets/dev/registry.csv", None))
    engine.timings = {}
    gc.freeze()  # as `tisguard scan` does: the loaded model and lexicon are never garbage
    t0 = time.perf_counter()
    n = 0
    with open(os.devnull, "w") as sink:
        for _listing, assessment in assess_stream(engine, valid_listings(path)):
            sink.write(dumps(assessment.as_dict()))
            n += 1
    return time.perf_counter() - t0, engine.timings, n


def bench_baseline(path: Path, train_path: Path) -> tuple[float, int]:
    """The plain pipeline, trained on the same training file, run over the same listings."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import SGDClassifier

    thai = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
    std_re = re.compile(r"มอก\.?\s*(\d{1,5})(?:\s*[-/]\s*(25\d\d))?")
    lic_re = re.compile(r"(นค|ท|น|ส)\s*(\d{1,7})-(\d{1,5})/(\d{1,5})")
    vec = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=2**20, alternate_sign=False)

    def prep(rec):
        return unicodedata.normalize("NFC", rec["title"] + " " + (rec.get("description") or "")).translate(thai)

    train = [json.loads(l) for l in train_path.open(encoding="utf-8")]
    clf = SGDClassifier(loss="log_loss", max_iter=5).fit(
        vec.transform([prep(r) for r in train]), [r["label"]["tis"] or "none" for r in train]
    )
    t0 = time.perf_counter()
    n, batch = 0, []
    with path.open(encoding="utf-8") as fh, open(os.devnull, "w") as sink:
        for line in fh:
            batch.append(json.loads(line))
            if len(batch) == 5000:
                n += _baseline_batch(batch, prep, std_re, lic_re, vec, clf, sink)
                batch = []
        n += _baseline_batch(batch, prep, std_re, lic_re, vec, clf, sink)
    return time.perf_counter() - t0, n


def _baseline_batch(batch, prep, std_re, lic_re, vec, clf, sink) -> int:
    if not batch:
        return 0
    texts = [prep(r) for r in batch]
    preds = clf.predict(vec.transform(texts))
    for r, t, p in zip(batch, texts, preds):
        sink.write(
            json.dumps(
                {"listing_id": r["listing_id"], "tis": p, "std": bool(std_re.search(t)), "lic": bool(lic_re.search(t))}
            )
        )
    return len(batch)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    OUT.mkdir(exist_ok=True)
    path = make_listings(OUT / f"listings-{n}.jsonl", n)
    secs, timings, count = bench_engine(path)
    base_secs, base_n = bench_baseline(path, ROOT / "datasets/dev/train.jsonl")
    rate, base_rate = count / secs, base_n / base_secs
    print(f"listings: {count} (synthetic, with descriptions), one process, one core")
    print(f"tisguard scan text path:   {rate:,.0f} listings/s  ({secs:.1f} s)")
    total = sum(timings.values())
    for name, t in sorted(timings.items(), key=lambda kv: -kv[1]):
        print(f"    {name:<18} {100 * t / secs:5.1f}% of wall time  ({1e6 * t / count:6.1f} µs/listing)")
    print(f"    {'(read+validate+json)':<18} {100 * (secs - total) / secs:5.1f}% of wall time")
    print(f"baseline sklearn pipeline: {base_rate:,.0f} listings/s  ({base_secs:.1f} s)")
    print(f"ratio tisguard / baseline: {rate / base_rate:.2f}x")


if __name__ == "__main__":
    main()
