"""Evidence items and assessments: what every detector returns and what the scorer produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Evidence:
    """One finding, carrying its own explanation (the Presidio recognizer-result idea)."""

    signal: str  # e.g. standard_number, licence_number, licence_not_found
    detector: str  # detector name
    version: str  # detector version
    source: str  # title | description | attributes | image | registry | seller | price | model
    reason_th: str
    reason_en: str
    text: str | None = None  # matched text as written in the original
    span: tuple[int, int] | None = None  # offsets in the original field
    value: dict[str, Any] = field(default_factory=dict)
    score: float | None = None  # probability / similarity where the detector has one

    def as_dict(self) -> dict[str, Any]:
        return {
            "signal": self.signal,
            "detector": self.detector,
            "version": self.version,
            "source": self.source,
            "reason_th": self.reason_th,
            "reason_en": self.reason_en,
            "text": self.text,
            "span": list(self.span) if self.span is not None else None,
            "value": self.value,
            "score": self.score,
        }


@dataclass
class Assessment:
    platform: str
    listing_id: str
    verdict: str
    tis: str | None
    risk: float
    reasons: list[dict[str, str]]
    evidence: list[Evidence]
    waterfall: list[dict[str, Any]]
    standard: dict[str, Any] | None
    engine_version: str
    fixes: list[dict[str, str]] = field(default_factory=list)
    product_confidence: float | None = None  # p(chosen standard), or p(none) when not regulated

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "listing_id": self.listing_id,
            "verdict": self.verdict,
            "tis": self.tis,
            "risk": round(self.risk, 4),
            "reasons": self.reasons,
            "evidence": [e.as_dict() for e in self.evidence],
            "waterfall": self.waterfall,
            "standard": self.standard,
            "engine_version": self.engine_version,
            "fixes": self.fixes,
            "product_confidence": self.product_confidence,
        }


def dumps(obj: Any) -> str:
    """One JSON line (UTF-8 text, Thai kept as is); fast enough for the scan output path."""
    import orjson

    return orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS, default=str).decode("utf-8")
