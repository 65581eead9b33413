"""Precision and recall of recall matching on a labelled set (JSON Lines: a listing with
`expected_recall`: "source:id", or null when the listing is not of a recalled product)."""

from __future__ import annotations

import json
from pathlib import Path

from tisguard.spec.listing import validate_listing


def evaluate(engine, path: Path) -> dict:
    n = tp = fp = fn = tn = 0
    errors: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except ValueError as e:
                raise ValueError(f"{path}: record {no}: not JSON ({e})") from None
            if not isinstance(raw, dict) or "expected_recall" not in raw:
                raise ValueError(f"{path}: record {no}: field expected_recall is missing")
            expected = raw.pop("expected_recall")
            listing, errs = validate_listing(raw, no)
            if errs:
                raise ValueError(f"{path}: record {no}: field {errs[0].field}: {errs[0].reason}")
            n += 1
            a = engine.assess(listing)
            match = next((e.value for e in a.evidence if e.signal == "recall_match"), None)
            got = f"{match['source']}:{match['id']}" if match else None
            if got is not None and got == expected:
                tp += 1
            elif got is not None:
                fp += 1
                errors.append(f"{listing.listing_id}: matched {got}, expected {expected}")
            if expected is not None and got != expected:
                fn += 1
                if got is None:
                    errors.append(f"{listing.listing_id}: no match, expected {expected}")
            if expected is None and got is None:
                tn += 1
    return {
        "listings": n,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "true_negatives": tn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "errors": errors,
    }
