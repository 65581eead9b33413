"""K-fold cross-validation of the category model, measured through the whole engine.

Every example falls in one fold. Real listings of one product family (the same title once model codes,
sizes and colours are removed: one fridge sold in three colours) share a fold, so a fold is never
measured on a near-copy of what it trained on. For each fold: fit on the other folds, predict the
held-out examples (their logits calibrate the final temperature), and assess the held-out listings of
the evaluated source (the real dev set) with a full engine built on the fold's model, its temperature
fitted on the other folds' held-out predictions only. The figures therefore come from listings the
model being measured never saw.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from tisguard.detect.metrics import accepted_standards
from tisguard.detect.model import NONE_CLASS
from tisguard.training.train import Examples, Fitted, Learner, Source, fit, fit_temperature

FLAG = ("unverified", "non_compliant")
_CODE = re.compile(r"\S*\d\S*")  # any token with a digit: model codes, sizes, capacities
_COLOUR = re.compile(r"สี\S*")


def family_key(title: str) -> str:
    """The product family of a title: lower case, without tokens that hold digits and without colours."""
    t = _COLOUR.sub(" ", _CODE.sub(" ", title.lower()))
    return " ".join(t.split())


def fold_of(group: str, k: int) -> int:
    return int(hashlib.md5(group.encode("utf-8")).hexdigest()[:8], 16) % k


def _folds(ex: Examples, sources: list[Source], k: int, grouped: set[int]) -> np.ndarray:
    out = np.empty(len(ex.labels), dtype=np.int64)
    for i, rec in enumerate(ex.records):
        si = ex.source[i]
        group = family_key(rec["title"]) if si in grouped else f"{sources[si].name}#{i}"
        out[i] = fold_of(f"{si}:{group}", k)
    return out


def cross_validate(
    ex: Examples,
    sources: list[Source],
    classes: list[str],
    lexicon,
    learner: Learner,
    k: int,
    evaluate_source: str | None,
) -> dict:
    """Returns the calibrated temperature and the held-out figures (see the module docstring)."""
    real = {i for i, s in enumerate(sources) if s.name in ("real-dev", "officer-decisions")}
    folds = _folds(ex, sources, k, real)
    y = np.array([classes.index(l) for l in ex.labels])
    w = np.asarray(ex.weights)
    oof = np.zeros((len(y), len(classes)))
    fitted: list[Fitted] = []
    for f in range(k):
        train_rows = [i for i in range(len(y)) if folds[i] != f]
        test_rows = [i for i in range(len(y)) if folds[i] == f]
        m = fit(ex, train_rows, learner)
        fitted.append(m)
        if test_rows:
            oof[test_rows] = m.logits(ex.keys, test_rows, classes)
    seen = np.isfinite(oof[np.arange(len(y)), y])  # the true class existed in the fold's training part
    oof_safe = np.where(np.isfinite(oof), oof, -1e9)
    temperature = fit_temperature(oof_safe[seen], y[seen], w[seen])
    pred = oof_safe.argmax(axis=1)
    z = oof_safe / temperature
    z = np.exp(z - z.max(axis=1, keepdims=True))
    p_none = (z / z.sum(axis=1, keepdims=True))[:, classes.index(NONE_CLASS)]
    by_source = {}
    for si, s in enumerate(sources):
        rows = [i for i in range(len(y)) if ex.source[i] == si]
        if rows:
            by_source[s.name] = {"n": len(rows), "class_accuracy": round(float((pred[rows] == y[rows]).mean()), 4)}
            neg = [i for i in rows if classes[y[i]] == NONE_CLASS]
            # the model alone, before the engine's other signals: how often a negative gets p(none) < 0.5 (the
            # category detector's rule), with the calibrated temperature
            if neg:
                called = p_none[neg] < 0.5
                by_source[s.name]["not_regulated_called_regulated"] = round(float(called.mean()), 4)
    report: dict = {
        "k": k,
        "temperature": temperature,
        "grouped_by_family": sorted(sources[i].name for i in real),
        "held_out_class_accuracy": by_source,
    }
    target = next((i for i, s in enumerate(sources) if s.name == evaluate_source), None)
    if target is not None:
        report[evaluate_source] = _engine_figures(ex, fitted, folds, oof_safe, seen, y, w, classes, lexicon, target, k)
    return report


def fold_model(fitted: Fitted, temperature: float, fold: int, ex: Examples):
    """A fold's model as the engine scores with it: with the typical-price table its keys were built with
    (computed on all sources, held-out rows included: a median per standard, which moves a relative-price
    key's bucket for ~5% of rows)."""
    return fitted.model(temperature, f"cv-fold-{fold}", {"typical_price": ex.typical})


def _engine_figures(ex, fitted, folds, oof, seen, y, w, classes, lexicon, target: int, k: int) -> dict:
    from tisguard.catalogue.store import catalogue_from_csv
    from tisguard.detect.context import Reference
    from tisguard.pipeline.build import make_engine
    from tisguard.registry.model import Registry
    from tisguard.spec.listing import listing_from_record

    catalogue = catalogue_from_csv(None)
    outcomes = []
    for f in range(k):
        rows = [i for i in range(len(y)) if folds[i] == f and ex.source[i] == target]
        if not rows:
            continue
        others = [i for i in range(len(y)) if folds[i] != f and seen[i]]
        t_f = fit_temperature(oof[others], y[others], w[others])
        model = fold_model(fitted[f], t_f, f, ex)
        engine = make_engine(Reference(catalogue, Registry([]), lexicon, model))
        listings = []
        for i in rows:
            rec = {key: v for key, v in ex.records[i].items() if key != "label"}
            listing, errors = listing_from_record(i, rec)
            if errors:
                raise ValueError(f"record {i} of the evaluated source: {errors[0].field}: {errors[0].reason}")
            listings.append(listing)
        for i, a in zip(rows, engine.assess_many(listings)):
            outcomes.append((ex.records[i]["label"], a))
    return figures(outcomes)


def figures(outcomes: list[tuple[dict, object]]) -> dict:
    """False-positive rate, regulated recall, standard accuracy (alternates count as right) and how well
    `product_confidence` is calibrated, from (label, assessment) pairs."""
    neg = [a for lab, a in outcomes if _regulated(lab) is False]
    pos = [(lab, a) for lab, a in outcomes if _regulated(lab)]
    fp = sum(a.verdict in FLAG for a in neg)
    called = sum(a.verdict != "not_regulated" for a in neg)
    found = [(lab, a) for lab, a in pos if a.verdict != "not_regulated"]
    std_ok = sum(a.tis in accepted_standards(lab) for lab, a in pos)
    conf, right = [], []
    for lab, a in outcomes:
        reg = _regulated(lab)
        if reg is None:
            continue
        ok = (a.verdict == "not_regulated") if not reg else (a.tis in accepted_standards(lab))
        conf.append(getattr(a, "product_confidence", None) or 0.0)
        right.append(ok)
    return {
        "n_not_regulated": len(neg),
        "n_regulated": len(pos),
        "false_positive_rate": round(fp / len(neg), 4) if neg else None,
        "false_positives": fp,
        "called_regulated_rate": round(called / len(neg), 4) if neg else None,
        "regulated_recall": round(len(found) / len(pos), 4) if pos else None,
        "standard_accuracy": round(std_ok / len(pos), 4) if pos else None,
        "standard_accuracy_when_found": round(sum(a.tis in accepted_standards(l) for l, a in found) / len(found), 4)
        if found
        else None,
        "confidence_ece": _ece(np.asarray(conf), np.asarray(right)) if conf else None,
    }


def _regulated(label: dict) -> bool | None:
    if "regulated" in label:
        return label["regulated"]
    v = label.get("verdict")
    return None if v is None else v != "not_regulated"


def _ece(conf: np.ndarray, right: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the gap between confidence and accuracy, averaged over 10 bins."""
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() * abs(conf[m].mean() - right[m].mean())
    return round(float(total / len(conf)), 4)
