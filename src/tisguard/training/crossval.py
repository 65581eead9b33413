"""K-fold cross-validation of the category model, measured through the whole engine.

Every example falls in one fold. Real listings of one product family (the same title once model codes,
sizes and colours are removed: one fridge sold in three colours) share a fold, so a fold is never
measured on a near-copy of what it trained on. For each fold: fit on the other folds, predict the
held-out examples (their logits calibrate the final temperature), and assess the held-out listings of
the evaluated source (the real dev set) with a full engine built on the fold's model, its temperature
fitted on the other folds' held-out predictions only. The figures therefore come from listings the
model being measured never saw. Every other source but the generator's split is scored the same way
(`engine_by_source`): the hand-written sets, each written blind by a different writer, are the widest
held-out measure of false positives there is before a new blind draw.

With `keep`, the fold models (with their temperatures) and the held-out records go to a folder, so a change
to the engine's rules can be measured on the same held-out predictions without training again
(`scripts/cv_reassess.py`).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np

from tisguard.detect.features import FEATURES_VERSION
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
    keep: Path | None = None,
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
    temps = [fit_temperature(oof_safe[o], y[o], w[o]) for o in _others(folds, seen, k)]
    models = [fold_model(fitted[f], temps[f], f, ex) for f in range(k)]
    scored = [i for i, s in enumerate(sources) if s.name != GENERATOR_SOURCE]
    outcomes = _engine_outcomes(ex, models, folds, lexicon, set(scored))
    target = next((i for i, s in enumerate(sources) if s.name == evaluate_source), None)
    if target is not None:
        report[evaluate_source] = figures(outcomes[target])
    report["engine_by_source"] = {sources[i].name: figures(outcomes[i]) for i in scored if outcomes[i]}
    if keep is not None:
        _keep_folds(keep, models, ex, sources, folds, set(scored))
    return report


GENERATOR_SOURCE = "synthetic"  # the generator's split: same generator as the test split, says little


def _others(folds: np.ndarray, seen: np.ndarray, k: int) -> list[np.ndarray]:
    """For each fold, the held-out rows of the other folds whose class the fold's model knew: its temperature
    is fitted on them only."""
    return [np.flatnonzero((folds != f) & seen) for f in range(k)]


def _keep_folds(folder: Path, models: list, ex: Examples, sources: list[Source], folds, scored: set[int]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for f, m in enumerate(models):
        m.save(folder / f"fold-{f}.json")
    with (folder / "held_out.jsonl").open("w", encoding="utf-8") as fh:
        for i, rec in enumerate(ex.records):
            if ex.source[i] in scored:
                row = {"fold": int(folds[i]), "source": sources[ex.source[i]].name, "record": rec}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def fold_model(fitted: Fitted, temperature: float, fold: int, ex: Examples):
    """A fold's model as the engine scores with it: with the typical-price table its keys were built with
    (computed on all sources, held-out rows included: a median per standard, which moves a relative-price
    key's bucket for ~5% of rows)."""
    return fitted.model(temperature, f"cv-fold{fold}-f{FEATURES_VERSION}-", {"typical_price": ex.typical})


def _engine_outcomes(ex: Examples, models: list, folds: np.ndarray, lexicon, scored: set[int]) -> dict:
    rows = [(int(folds[i]), ex.source[i], ex.records[i]) for i in range(len(ex.records)) if ex.source[i] in scored]
    return assess_held_out(models, rows, lexicon)


def assess_held_out(models: list, rows: list[tuple[int, object, dict]], lexicon) -> dict:
    """(label, assessment) pairs by source key, for rows of (fold, source key, labelled record): each record
    assessed by a full engine on the model of its fold (the model that did not train on it)."""
    from tisguard.catalogue.store import catalogue_from_csv
    from tisguard.detect.context import Reference
    from tisguard.pipeline.build import make_engine
    from tisguard.registry.model import Registry
    from tisguard.spec.listing import listing_from_record

    catalogue = catalogue_from_csv(None)
    outcomes: dict = {key: [] for _, key, _ in rows}
    for f, model in enumerate(models):
        mine = [(key, rec) for fold, key, rec in rows if fold == f]
        if not mine:
            continue
        engine = make_engine(Reference(catalogue, Registry([]), lexicon, model))
        listings = []
        for n, (key, rec) in enumerate(mine):
            listing, errors = listing_from_record(n, {k: v for k, v in rec.items() if k != "label"})
            if errors:
                raise ValueError(f"{key} record {rec.get('listing_id')}: {errors[0].field}: {errors[0].reason}")
            listings.append(listing)
        for (key, rec), a in zip(mine, engine.assess_many(listings)):
            outcomes[key].append((rec["label"], a))
    return outcomes


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
