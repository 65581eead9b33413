"""Train the category model from labelled listings (scikit-learn at training time only).

Steps: feature keys → vocabulary (document frequency ≥ 2, capped) → multinomial logistic
regression → temperature fitted on a held-back slice of the *training* file (never the test
split) → plain arrays + JSON via `CategoryModel.save`.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from pathlib import Path
from statistics import median

import numpy as np

from tisguard.detect.features import FEATURES_VERSION, feature_keys_for
from tisguard.detect.lexicon import Lexicon
from tisguard.detect.model import NONE_CLASS, CategoryModel

MAX_VOCAB = 60_000


def _examples(path: Path, lexicon: Lexicon):
    keys, labels, prices = [], [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            lab = rec["label"]
            k, _ = feature_keys_for(
                rec["title"], rec.get("platform_category") or "", rec.get("description") or "", lexicon
            )
            keys.append(k)
            labels.append(lab["tis"] if lab["verdict"] != "not_regulated" else NONE_CLASS)
            prices.append(rec.get("price"))
    return keys, labels, prices


def _matrix(keys: list[list[str]], vocab: dict[str, int]):
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for r, ks in enumerate(keys):
        idx = [vocab[k] for k in ks if k in vocab]
        rows.extend([r] * len(idx))
        cols.extend(idx)
    m = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(keys), len(vocab)))
    m.sum_duplicates()  # repeated keys count, exactly as the scorer's row-sum counts them
    return m


def _fit_temperature(probs_logits: np.ndarray, y: np.ndarray) -> float:
    best_t, best_nll = 1.0, float("inf")
    for t in np.linspace(0.5, 3.0, 26):
        z = probs_logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -logp[np.arange(len(y)), y].mean()
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def train(train_path: Path, out_path: Path, lexicon: Lexicon | None = None, c: float = 8.0, seed: int = 13) -> dict:
    from sklearn.linear_model import LogisticRegression

    lexicon = lexicon or Lexicon.load()
    keys, labels, prices = _examples(train_path, lexicon)
    order = list(range(len(keys)))
    random.Random(seed).shuffle(order)
    n_cal = max(200, len(order) // 10)
    cal, fit = order[:n_cal], order[n_cal:]
    df = Counter(k for i in fit for k in set(keys[i]))
    vocab_keys = ["\x00PAD"] + [k for k, n in df.most_common(MAX_VOCAB) if n >= 2]  # index 0 = padding, weight 0
    vocab = {k: i for i, k in enumerate(vocab_keys)}
    classes = sorted(set(labels))
    y = np.array([classes.index(l) for l in labels])
    X = _matrix(keys, vocab)
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(X[fit], y[fit])
    pos = {c: i for i, c in enumerate(clf.classes_)}
    cal = [i for i in cal if y[i] in pos]  # a class absent from the fitting part cannot be calibrated on
    y_cal = np.array([pos[y[i]] for i in cal])
    cal_logits = np.asarray(X[cal] @ clf.coef_.T + clf.intercept_)
    temperature = _fit_temperature(cal_logits, y_cal)
    cal_acc = float((cal_logits.argmax(1) == y_cal).mean())
    clf.fit(X, y)  # final fit on everything, temperature kept from the held-back slice
    full_classes = [classes[i] for i in clf.classes_]
    typical = {}
    for cls in full_classes:
        ps = [p for p, l in zip(prices, labels) if l == cls and p]
        if len(ps) >= 5 and cls != NONE_CLASS:
            typical[cls] = round(median(ps), 2)
    weights = clf.coef_.T.astype(np.float32)
    weights[0] = 0.0
    digest = hashlib.sha256(train_path.read_bytes()).hexdigest()[:12]
    version = f"cat-lr-f{FEATURES_VERSION}-{digest}-{lexicon.digest}"
    model = CategoryModel(
        full_classes,
        vocab,
        weights,
        clf.intercept_.astype(np.float32),
        temperature,
        version,
        {
            "trained_on": train_path.name,
            "n": len(keys),
            "train_sha256_12": digest,
            "lexicon": lexicon.digest,
            "c": c,
            "calibration_accuracy": round(cal_acc, 4),
            "typical_price": typical,
        },
    )
    model.save(out_path)
    return {
        "version": version,
        "n": len(keys),
        "classes": len(full_classes),
        "features": len(vocab),
        "temperature": temperature,
        "calibration_accuracy": cal_acc,
        "out": str(out_path),
    }
