"""Train the category model from labelled listings (scikit-learn at training time only).

Sources are merged with a weight each (the generator's split, hand-written sets, real labelled
listings, officers' decisions). Steps: feature keys → vocabulary (document frequency ≥ 2, capped) →
the learner (`Learner`: by default a small multilayer perceptron, one hidden ReLU layer; or multinomial
logistic regression) with per-source sample weights → temperature (fitted on held-out
predictions: the cross-validation folds when `cv` is given, else a held-back slice) → plain arrays +
JSON via `CategoryModel.save`, with metadata saying when the model was trained and on what.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

import numpy as np

from tisguard.detect.features import FEATURES_VERSION, LEXICON_REPEAT, PRICE_PREFIX, record_keys
from tisguard.detect.lexicon import Lexicon
from tisguard.detect.model import NONE_CLASS, CategoryModel

MAX_VOCAB = 60_000


@dataclass(frozen=True)
class Learner:
    """What `fit` trains. 'mlp': one hidden ReLU layer of `hidden` units (L2 `alpha`, `epochs` passes of Adam,
    seeded): it can learn that a product word counts for little when the title's head noun is a part or a
    consumable, which a linear model cannot (on the 5-fold cross-validation of 2026-11-30 it flagged 0.6% of
    the first blind hard-negative set against 1.4–1.6% for logistic regression, at slightly lower recall).
    'linear': multinomial logistic regression with inverse regularisation `c`."""

    kind: str = "mlp"
    hidden: int = 128
    alpha: float = 1e-4
    epochs: int = 40
    c: float = 8.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("mlp", "linear"):
            raise TrainingDataError(f"learner: kind must be 'mlp' or 'linear', not {self.kind!r}")
        if self.kind == "mlp" and not (1 <= self.hidden <= 4096 and 1 <= self.epochs <= 1000):
            raise TrainingDataError("learner: hidden must be 1–4096 units and epochs 1–1000")

    @property
    def tag(self) -> str:
        return "lr" if self.kind == "linear" else f"mlp{self.hidden}"

    def describe(self) -> dict:
        if self.kind == "linear":
            return {"kind": "linear", "c": self.c}
        return {"kind": "mlp", "hidden": self.hidden, "alpha": self.alpha, "epochs": self.epochs, "seed": self.seed}


DEFAULT_WEIGHTS = {"synthetic": 1.0, "handwritten": 2.0, "train-extra": 2.0, "real-dev": 2.0, "officer-decisions": 3.0}


class TrainingDataError(ValueError):
    """A training file that cannot be read: names the file, the line and what is wrong."""


def label_class(rec: dict) -> str | None:
    """The class a labelled record trains: its standard, 'none' when not regulated, None when unusable
    (real-dev's `regulated: null`, a confirmation without a standard)."""
    lab = rec.get("label")
    if not isinstance(lab, dict):
        return None
    if "regulated" in lab:  # the real-dev labelling: regulated true / false / null
        if lab["regulated"] is None:
            return None
        return (lab.get("tis") or None) if lab["regulated"] else NONE_CLASS
    verdict = lab.get("verdict")
    if verdict is None:
        return None
    if verdict == "not_regulated":
        return NONE_CLASS
    return lab.get("tis") or None


def read_labelled(path: Path) -> list[dict]:
    """JSON Lines records with a label; a broken line is an error naming the file and line."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise TrainingDataError(f"{path}:{no}: not JSON ({e.msg})") from None
            if not isinstance(rec, dict) or not isinstance(rec.get("title"), str):
                raise TrainingDataError(f"{path}:{no}: field title: a record needs a title (text)")
            out.append(rec)
    return out


@dataclass
class Source:
    """One body of labelled listings: a name (what it is), where it came from, its records and weight."""

    name: str
    records: list[dict]
    weight: float = 1.0
    origin: str = ""  # a file path or 'store'
    sha256_12: str = ""

    @classmethod
    def from_file(cls, name: str, path: Path, weight: float | None = None) -> Source:
        data = path.read_bytes()
        return cls(
            name,
            read_labelled(path),
            DEFAULT_WEIGHTS.get(name, 1.0) if weight is None else weight,
            str(path),
            hashlib.sha256(data).hexdigest()[:12],
        )

    @classmethod
    def from_records(cls, name: str, records: list[dict], origin: str, weight: float | None = None) -> Source:
        blob = "\n".join(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in records)
        return cls(
            name,
            records,
            DEFAULT_WEIGHTS.get(name, 1.0) if weight is None else weight,
            origin,
            hashlib.sha256(blob.encode()).hexdigest()[:12],
        )


@dataclass
class Examples:
    """Every usable record of every source, as feature keys with class, weight and where it came from."""

    keys: list[list[str]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    source: list[int] = field(default_factory=list)  # index into the sources list
    records: list[dict] = field(default_factory=list)
    counts: list[dict] = field(default_factory=list)  # per source: used / skipped / regulated / not
    typical: dict[str, float] = field(default_factory=dict)  # the typical-price table the keys were built with


def build_examples(sources: list[Source], lexicon: Lexicon, typical: dict[str, float] | None = None) -> Examples:
    """Feature keys of every usable record; `typical` is the typical-price table the keys are relative to."""
    ex = Examples(typical=dict(typical or {}))
    for si, src in enumerate(sources):
        used = skipped = none = 0
        for rec in src.records:
            cls = label_class(rec)
            if cls is None:
                skipped += 1
                continue
            cls = lexicon.reported(cls)  # one class per product family: 2186 (energy) trains as 2214
            keys, _ = record_keys(rec, lexicon, typical)
            ex.keys.append(keys)
            ex.labels.append(cls)
            ex.weights.append(src.weight)
            ex.source.append(si)
            ex.records.append(rec)
            used += 1
            none += cls == NONE_CLASS
        ex.counts.append({"used": used, "skipped": skipped, "not_regulated": none, "regulated": used - none})
    return ex


def build_vocab(keys: list[list[str]], rows) -> dict[str, int]:
    df = Counter(k for i in rows for k in set(keys[i]))
    vocab_keys = ["\x00PAD"] + [k for k, n in df.most_common(MAX_VOCAB) if n >= 2]  # index 0 = padding, weight 0
    return {k: i for i, k in enumerate(vocab_keys)}


def key_scale(vocab: dict[str, int]) -> np.ndarray:
    """Per-feature value in the design matrix: LEXICON_REPEAT for structured keys, 1 for n-grams and price."""
    scale = np.ones(len(vocab), dtype=np.float32)
    for k, i in vocab.items():
        if k.startswith("\x00") and i and not k.startswith(PRICE_PREFIX):
            scale[i] = LEXICON_REPEAT
    return scale


def matrix(keys: list[list[str]], vocab: dict[str, int], rows=None, scale: np.ndarray | None = None):
    """Listings × features counts (times `scale` per feature when given: the training design matrix)."""
    from scipy.sparse import csr_matrix

    rows = range(len(keys)) if rows is None else rows
    indices, indptr = [], [0]
    for r in rows:
        indices.extend(filter(None, map(vocab.get, keys[r])))
        indptr.append(len(indices))
    idx = np.asarray(indices, dtype=np.int64)
    data = scale[idx] if scale is not None else np.ones(len(idx), dtype=np.float32)
    m = csr_matrix((data, idx, np.asarray(indptr)), shape=(len(indptr) - 1, len(vocab)))
    m.sum_duplicates()  # repeated keys count, exactly as the scorer's row-sum counts them
    return m


@dataclass
class Fitted:
    """A fitted classifier over its own vocabulary and class list (a subset of the global classes)."""

    vocab: dict[str, int]
    classes: list[str]
    weights: np.ndarray  # (features, classes), or (hidden, classes) under a hidden layer
    bias: np.ndarray
    hidden_weights: np.ndarray | None = None  # (features, hidden)
    hidden_bias: np.ndarray | None = None

    def logits(self, keys: list[list[str]], rows, all_classes: list[str]) -> np.ndarray:
        """Logits over `all_classes` for the given rows; classes this fit never saw get -inf."""
        x = matrix(keys, self.vocab, rows)
        if self.hidden_weights is not None:
            x = np.maximum(np.asarray(x @ self.hidden_weights + self.hidden_bias), 0.0)
        z = np.asarray(x @ self.weights + self.bias)
        out = np.full((z.shape[0], len(all_classes)), -np.inf, dtype=np.float64)
        out[:, [all_classes.index(c) for c in self.classes]] = z
        return out

    def model(self, temperature: float, version: str, meta: dict) -> CategoryModel:
        return CategoryModel(
            self.classes,
            self.vocab,
            self.weights,
            self.bias,
            temperature,
            version,
            meta,
            self.hidden_weights,
            self.hidden_bias,
        )


def fit(ex: Examples, rows: list[int], learner: Learner) -> Fitted:
    vocab = build_vocab(ex.keys, rows)
    scale = key_scale(vocab)
    x = matrix(ex.keys, vocab, rows, scale)
    y = [ex.labels[i] for i in rows]
    if learner.kind == "mlp":
        return _fit_mlp(x, y, [ex.weights[i] for i in rows], vocab, scale, learner)
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=learner.c, max_iter=3000)
    clf.fit(x, y, sample_weight=np.asarray([ex.weights[i] for i in rows]))
    weights = clf.coef_.T.astype(np.float32) * scale[:, None]  # scoring sums each key once (see features)
    bias = clf.intercept_.astype(np.float32)
    if len(clf.classes_) == 2:  # binary: scikit-learn keeps one column; the model wants one per class
        weights = np.hstack([-weights / 2, weights / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2], dtype=np.float32)
    weights[0] = 0.0
    return Fitted(vocab, [str(k) for k in clf.classes_], weights, bias)


def _fit_mlp(x, y: list[str], sample_weights: list[float], vocab, scale: np.ndarray, learner: Learner) -> Fitted:
    """One hidden ReLU layer (scikit-learn's MLPClassifier, Adam). Source weights become repeats (a weight-2
    listing is seen twice per epoch), rounded to whole numbers; the first layer carries the key scale, so
    scoring sums each key once, as for the linear model."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    repeats = np.repeat(np.arange(len(y)), np.maximum(np.rint(sample_weights), 1).astype(int))
    clf = MLPClassifier(
        hidden_layer_sizes=(learner.hidden,),
        alpha=learner.alpha,
        max_iter=learner.epochs,
        batch_size=256,
        random_state=learner.seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of epochs, by design
        clf.fit(x[repeats], np.asarray(y)[repeats])
    hidden_w = clf.coefs_[0].astype(np.float32) * scale[:, None]
    hidden_w[0] = 0.0
    out_w = clf.coefs_[1].astype(np.float32)
    out_b = clf.intercepts_[1].astype(np.float32)
    if len(clf.classes_) == 2:  # one logistic output unit: the model wants one column per class
        out_w = np.hstack([-out_w / 2, out_w / 2])
        out_b = np.array([-out_b[0] / 2, out_b[0] / 2], dtype=np.float32)
    return Fitted(vocab, [str(k) for k in clf.classes_], out_w, out_b, hidden_w, clf.intercepts_[0].astype(np.float32))


def fit_temperature(logits: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The temperature minimising the (weighted) negative log-likelihood of held-out predictions."""
    w = np.ones(len(y)) if weights is None else weights
    best_t, best_nll = 1.0, float("inf")
    for t in np.linspace(0.3, 4.0, 75):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = float(-(logp[np.arange(len(y)), y] * w).sum() / w.sum())
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def typical_prices(sources: list[Source], lexicon: Lexicon) -> dict[str, float]:
    """Median price of each regulated class (≥ 5 priced listings), over every source, and the same figure under
    each lexicon standard that reports as that class (a title term may name either). Computed before the
    feature keys, which include the price relative to it, and saved with the model for scoring."""
    prices: dict[str, list[float]] = {}
    for src in sources:
        for rec in src.records:
            cls = label_class(rec)
            price = rec.get("price")
            if cls is None or cls == NONE_CLASS or not isinstance(price, (int, float)) or not price > 0:
                continue
            prices.setdefault(lexicon.reported(cls), []).append(float(price))
    typical = {cls: round(median(ps), 2) for cls, ps in sorted(prices.items()) if len(ps) >= 5}
    for tis in lexicon.standards:
        rep = lexicon.reported(tis)
        if rep != tis and rep in typical:
            typical.setdefault(tis, typical[rep])
    return typical


def train_sources(
    sources: list[Source],
    out_path: Path,
    lexicon: Lexicon | None = None,
    learner: Learner = Learner(),
    seed: int = 13,
    cv: int = 0,
    evaluate_source: str | None = "real-dev",
    cv_keep: Path | None = None,
) -> dict:
    """Train on the merged sources and save. With `cv` ≥ 2, first run k-fold cross-validation (see
    `tisguard.training.crossval`): the temperature comes from the folds' held-out predictions and the
    figures on `evaluate_source` are measured only on listings each fold did not train on."""
    lexicon = lexicon or Lexicon.load()
    typical = typical_prices(sources, lexicon)
    ex = build_examples(sources, lexicon, typical)
    if not ex.labels:
        raise TrainingDataError("no usable labelled records in the training sources")
    classes = sorted(set(ex.labels))
    if NONE_CLASS not in classes:
        raise TrainingDataError("the training sources have no not-regulated examples (label 'not_regulated')")
    y = np.array([classes.index(l) for l in ex.labels])
    cv_report = None
    if cv >= 2:
        from tisguard.training.crossval import cross_validate

        cv_report = cross_validate(ex, sources, classes, lexicon, learner, cv, evaluate_source, cv_keep)
        temperature = cv_report.pop("temperature")
        calibration = f"{cv}-fold cross-validation, held-out predictions of every fold"
    else:
        order = list(range(len(ex.labels)))
        random.Random(seed).shuffle(order)
        n_cal = max(200, len(order) // 10)
        cal, rest = order[:n_cal], order[n_cal:]
        first = fit(ex, rest, learner)
        cal = [i for i in cal if ex.labels[i] in first.classes]  # a class absent from the fit cannot be calibrated
        temperature = fit_temperature(first.logits(ex.keys, cal, classes), y[cal])
        calibration = f"held-back slice of {len(cal)} training examples"
    final = fit(ex, list(range(len(ex.labels))), learner)
    digest = hashlib.sha256("".join(s.sha256_12 for s in sources).encode()).hexdigest()[:12]
    version = f"cat-{learner.tag}-f{FEATURES_VERSION}-{digest}-{lexicon.digest}"
    trained_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    meta = {
        "trained_at": trained_at,
        "trained_on": [
            {"name": s.name, "origin": s.origin, "sha256_12": s.sha256_12, "weight": s.weight, **n}
            for s, n in zip(sources, ex.counts)
        ],
        "n": len(ex.labels),
        "train_sha256_12": digest,
        "lexicon": lexicon.digest,
        "features_version": FEATURES_VERSION,
        "learner": learner.describe(),
        "temperature": temperature,
        "calibration": calibration,
        "typical_price": typical,
    }
    if cv_report is not None:
        meta["cross_validation"] = cv_report
    model = final.model(temperature, version, meta)
    model.save(out_path)
    return {
        "version": version,
        "trained_at": trained_at,
        "n": len(ex.labels),
        "sources": meta["trained_on"],
        "classes": len(final.classes),
        "features": len(final.vocab),
        "temperature": temperature,
        "calibration": calibration,
        "cross_validation": cv_report,
        "out": str(out_path),
    }


def train(train_path: Path, out_path: Path, lexicon: Lexicon | None = None, learner: Learner = Learner()) -> dict:
    """One file, held-back-slice calibration: the simple entry kept for scripts and tests."""
    return train_sources([Source.from_file("synthetic", train_path)], out_path, lexicon, learner)
