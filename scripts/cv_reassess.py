"""Measure the engine's current rules on the held-out predictions of a kept cross-validation.

    tisguard train … --cv 5 --cv-keep /tmp/cvkeep        # once: fold models + held-out records
    python scripts/cv_reassess.py /tmp/cvkeep [--errors N] [--dump out.jsonl]

Each held-out record is assessed by a full engine (today's code, lexicon and catalogue) on the model of the fold
that did not train on it, so a change to the engine's rules (thresholds, product understanding, reasons) can be
compared on the same ~10,000 hand-written and real listings in seconds, without training again. Prints, per
source, what `tisguard train --cv` prints: false positives, regulated recall, standard accuracy. A rule tuned
here must still be checked once on a blind draw: these sets are training data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--errors", type=int, default=0, help="false positives to list per source")
    ap.add_argument("--dump", type=Path, help="write each held-out record's outcome (JSON Lines)")
    args = ap.parse_args()
    from tisguard.detect.lexicon import Lexicon
    from tisguard.detect.model import CategoryModel
    from tisguard.training.crossval import FLAG, _regulated, assess_held_out, figures

    folds = sorted(args.folder.glob("fold-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    if not folds:
        sys.exit(f"{args.folder}: no fold-N.json (train with --cv K --cv-keep {args.folder})")
    models = [CategoryModel.load(p) for p in folds]
    rows = []
    with (args.folder / "held_out.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            rows.append((r["fold"], r["source"], r["record"]))
    outcomes = assess_held_out(models, rows, Lexicon.load())
    by_id = {(src, rec.get("listing_id")): rec for _, src, rec in rows}
    total_fp = total_neg = 0
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    for source, pairs in sorted(outcomes.items()):
        f = figures(pairs)
        total_fp += f["false_positives"]
        total_neg += f["n_not_regulated"]
        print(
            f"{source:40s} flagged {f['false_positives']:4d} of {f['n_not_regulated']:5d} not regulated"
            f" ({f['false_positive_rate']});  recall {f['regulated_recall']}, standard {f['standard_accuracy']}"
            f" of {f['n_regulated']}"
        )
        shown = 0
        for lab, a in pairs:
            wrong = _regulated(lab) is False and a.verdict in FLAG
            if dump:
                row = {
                    "source": source,
                    "listing_id": a.listing_id,
                    "label_tis": lab.get("tis"),
                    "regulated": _regulated(lab),
                    "verdict": a.verdict,
                    "tis": a.tis,
                    "product_confidence": a.product_confidence,
                    "reasons": a.reasons,
                    "product": next(
                        (
                            {"text": e.text, **e.value}
                            for e in a.evidence
                            if e.signal in ("regulated_product", "not_regulated_product")
                        ),
                        None,
                    ),
                    "title": by_id[source, a.listing_id].get("title"),
                    "price": by_id[source, a.listing_id].get("price"),
                }
                dump.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            if wrong and shown < args.errors:
                shown += 1
                print(f"    {a.tis:>14s}  {a.reasons[:3]}  {a.listing_id}")
    print(f"{'all scored sources':40s} flagged {total_fp} of {total_neg} not regulated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
