"""Engine configuration: which detectors run (in order), their parameters, and weight overrides.

A JSON file (`--config`) overrides any part of the defaults; `detectors` is replaced as a whole,
`params` and `weights` are merged. Structure is checked here (unknown keys are refused by name);
detector names, their parameters and weight names are checked by the engine against the detectors'
declared contracts (`detect.engine.Engine`), since only registered detectors know them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_DETECTORS = [
    "standard_number",
    "licence_number",
    "vague_claim",
    "category",
    "image_evidence",
    "licence_registry",
    "brand_licence",
    "cross_border",
    "low_price",
    "seller_dbd",
    "seller_history",
    "relisting",
    "licence_shared",
    "recall_match",
    "seller_network",
]

# The scorer's own steps (every other weight belongs to a signal, declared by its detector).
SCORER_WEIGHTS: dict[str, float] = {
    "base": -1.0,  # prior log-odds
    "category_scale": 1.0,  # scale of the product-type step
    "category_cap": 4.0,  # the product-type step is clipped to [-cap, cap/2]: a type alone never makes risk certain
    "no_tis_evidence": 2.0,  # a regulated product with no TIS evidence at all
}


class ConfigError(ValueError):
    """A configuration the engine refuses; the message names the part that is wrong."""


class EngineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    detectors: list[str] = Field(default_factory=lambda: list(DEFAULT_DETECTORS), min_length=1)
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)
    regulated_threshold: float = Field(0.5, gt=0, lt=1)
    # a seller's own "ไม่มี มอก." counts when p(regulated) reaches this (see detect.scorer.decide)
    admission_threshold: float = Field(0.15, gt=0, lt=1)
    weights: dict[str, float] = Field(default_factory=dict, description="overrides of scorer and signal weights")

    def weight(self, name: str, default: float) -> float:
        return self.weights.get(name, default)

    @model_validator(mode="after")
    def _admission_below_regulated(self) -> EngineConfig:
        if self.admission_threshold > self.regulated_threshold:
            raise ValueError("admission_threshold must not exceed regulated_threshold")
        return self


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_config(path: Path | None = None) -> EngineConfig:
    """The defaults, or the defaults overridden by a JSON file; a bad file raises ConfigError naming the field."""
    if path is None:
        return EngineConfig()
    try:
        over = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: cannot read engine configuration: {e}") from None
    if not isinstance(over, dict):
        raise ConfigError(f"{path}: the engine configuration must be a JSON object")
    return config_from_dict(over, str(path))


def config_from_dict(over: dict, where: str = "config") -> EngineConfig:
    try:
        return EngineConfig.model_validate(_merge(EngineConfig().model_dump(), over))
    except ValidationError as e:
        msgs = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors())
        raise ConfigError(f"{where}: {msgs}") from None
