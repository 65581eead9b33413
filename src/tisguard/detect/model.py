"""The category model: a linear classifier over hashed-free feature keys, stored as plain arrays + JSON.

Files: `<name>.npz` (weights, bias; loaded with allow_pickle=False) and `<name>.json` (classes,
vocabulary, temperature, typical prices, version). Scoring one listing is a dict lookup per
feature and one row-sum: no scikit-learn at scoring time, so a single listing costs microseconds.
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
    weights: np.ndarray          # (n_features, n_classes) float32
    bias: np.ndarray             # (n_classes,)
    temperature: float
    version: str
    meta: dict

    @property
    def none_index(self) -> int:
        return self.classes.index(NONE_CLASS)

    def predict_proba_keys(self, keys: list[str]) -> np.ndarray:
        vocab = self.vocab
        idx = [i for i in map(vocab.get, keys) if i is not None]
        logits = self.weights[idx].sum(axis=0) + self.bias if idx else self.bias.copy()
        z = logits / self.temperature
        z = np.exp(z - z.max())
        return z / z.sum()

    def typical_price(self, tis: str) -> float | None:
        return self.meta.get("typical_price", {}).get(tis)

    def save(self, json_path: Path) -> None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        vocab_list = [None] * len(self.vocab)
        for k, i in self.vocab.items():
            vocab_list[i] = k
        np.savez_compressed(json_path.with_suffix(".npz"), weights=self.weights.astype(np.float16), bias=self.bias.astype(np.float32))
        json_path.write_text(json.dumps({"format": "tisguard-category-model/1", "version": self.version, "classes": self.classes,
                                         "temperature": self.temperature, "meta": self.meta, "vocab": vocab_list},
                                        ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, json_path: Path | None = None) -> "CategoryModel":
        json_path = json_path or packaged_model_path()
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        if doc.get("format") != "tisguard-category-model/1":
            raise ValueError(f"{json_path}: not a tisguard category model")
        arrays = np.load(json_path.with_suffix(".npz"), allow_pickle=False)
        return cls(doc["classes"], {k: i for i, k in enumerate(doc["vocab"])}, arrays["weights"].astype(np.float32),
                   arrays["bias"].astype(np.float32), float(doc["temperature"]), doc["version"], doc["meta"])
