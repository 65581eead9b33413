"""The category model over feature keys, stored as plain arrays + JSON: a linear classifier, or one hidden
ReLU layer under it (a small multilayer perceptron), which can weigh a product word differently when the
listing's head noun is a part or a consumable ('น้ำยาขจัดตะกรัน เตารีด' is not an iron) — a linear model can only add.

Files: `<name>.npz` (weights, bias, and `hidden_weights`, `hidden_bias` when there is a hidden layer; loaded
with allow_pickle=False) and `<name>.json` (classes, vocabulary, temperature, typical prices, version).
Scoring one listing is a dict lookup per feature and one row-sum (plus one small matrix product with a hidden
layer): no scikit-learn at scoring time, so a single listing costs microseconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

NONE_CLASS = "none"


def packaged_model_path() -> Path:
    return Path(str(resources.files("tisguard") / "data" / "models" / "category.json"))


@dataclass
class CategoryModel:
    classes: list[str]
    vocab: dict[str, int]
    weights: np.ndarray  # (n_features, n_classes) float32
    bias: np.ndarray  # (n_classes,)
    temperature: float
    version: str
    meta: dict
    # (features, hidden) and (hidden,): the first layer when there is one; `weights` is then (hidden, classes)
    hidden_weights: np.ndarray | None = None
    hidden_bias: np.ndarray | None = None

    @property
    def none_index(self) -> int:
        idx = self.__dict__.get("_none_index")
        if idx is None or self.classes[idx] != NONE_CLASS:
            idx = self.__dict__["_none_index"] = self.classes.index(NONE_CLASS)
        return idx

    def predict_proba_keys(self, keys: list[str]) -> np.ndarray:
        # Row 0 of the first layer is padding (all zeros) so that filter(None, ...) drops unknown keys in C.
        idx = list(filter(None, map(self.vocab.get, keys)))
        if self.hidden_weights is None:
            logits = self.weights[idx].sum(axis=0) + self.bias if idx else self.bias.copy()
        else:
            h = self.hidden_weights[idx].sum(axis=0) + self.hidden_bias if idx else self.hidden_bias.copy()
            logits = np.maximum(h, 0.0) @ self.weights + self.bias
        z = logits / self.temperature
        z = np.exp(z - z.max())
        return z / z.sum()

    def predict_proba_many(self, keys_list: list[list[str]]) -> np.ndarray:
        """Rows of probabilities for many listings: one sparse (listings × features) product."""
        from scipy.sparse import csr_matrix

        indices, indptr = [], [0]
        for keys in keys_list:
            indices.extend(filter(None, map(self.vocab.get, keys)))
            indptr.append(len(indices))
        x = csr_matrix(
            (np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
            shape=(len(keys_list), len(self.vocab)),
        )
        if self.hidden_weights is None:
            z = (x @ self.weights + self.bias) / self.temperature
        else:
            h = np.maximum(x @ self.hidden_weights + self.hidden_bias, 0.0)
            z = (h @ self.weights + self.bias) / self.temperature
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def typical_price(self, tis: str) -> float | None:
        return self.typical_prices.get(tis)

    @property
    def typical_prices(self) -> dict[str, float]:
        """Median price by standard in the training data: the low-price signal and the relative-price keys."""
        return self.meta.get("typical_price") or {}

    def save(self, json_path: Path) -> None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        vocab_list = [None] * len(self.vocab)
        for k, i in self.vocab.items():
            vocab_list[i] = k
        arrays = {"weights": self.weights.astype(np.float16), "bias": self.bias.astype(np.float32)}
        if self.hidden_weights is not None:
            arrays |= {
                "hidden_weights": self.hidden_weights.astype(np.float16),
                "hidden_bias": self.hidden_bias.astype(np.float32),
            }
        np.savez_compressed(json_path.with_suffix(".npz"), **arrays)
        json_path.write_text(
            json.dumps(
                {
                    "format": "tisguard-category-model/1",
                    "version": self.version,
                    "classes": self.classes,
                    "temperature": self.temperature,
                    "meta": self.meta,
                    "vocab": vocab_list,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, json_path: Path | None = None) -> CategoryModel:
        json_path = json_path or packaged_model_path()
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        if doc.get("format") != "tisguard-category-model/1":
            raise ValueError(f"{json_path}: not a tisguard category model")
        from tisguard.detect.features import FEATURES_VERSION

        if f"-f{FEATURES_VERSION}-" not in doc["version"]:
            raise ValueError(
                f"{json_path}: model {doc['version']} was trained for another feature scheme "
                f"(this code uses f{FEATURES_VERSION}); run `tisguard train`"
            )
        arrays = np.load(json_path.with_suffix(".npz"), allow_pickle=False)
        hidden = "hidden_weights" in arrays.files
        return cls(
            doc["classes"],
            {k: i for i, k in enumerate(doc["vocab"])},
            arrays["weights"].astype(np.float32),
            arrays["bias"].astype(np.float32),
            float(doc["temperature"]),
            doc["version"],
            doc["meta"],
            arrays["hidden_weights"].astype(np.float32) if hidden else None,
            arrays["hidden_bias"].astype(np.float32) if hidden else None,
        )
