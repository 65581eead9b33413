from __future__ import annotations

from typing import ClassVar

from tisguard.detect.context import ListingContext
from tisguard.detect.evidence import Evidence


class Detector:
    """Base of every detector. Subclasses set `name` and `version` and implement `detect`."""

    name: ClassVar[str]
    version: ClassVar[str]

    def __init__(self, **params) -> None:
        self.params = params

    def detect(self, ctx: ListingContext) -> list[Evidence]:  # pragma: no cover - interface
        raise NotImplementedError

    def evidence(self, signal: str, source: str, reason_th: str, reason_en: str, **kw) -> Evidence:
        return Evidence(
            signal=signal,
            detector=self.name,
            version=self.version,
            source=source,
            reason_th=reason_th,
            reason_en=reason_en,
            **kw,
        )
