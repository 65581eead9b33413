"""What a detector is: a small class with a name, a version and a declared contract.

The contract says which signals the detector emits and to which group each belongs (the scorer and the
reasons are built from the groups, never from lists of signal names), which facts it provides to later
detectors (e.g. `product`), and what it needs from earlier ones:
- `requires`: facts or signals that some earlier detector must provide, or the detector cannot work;
- `after`: facts or signals it reads when present: every configured detector that provides one of
  them must run before it (otherwise the result would be silently different).
The engine checks a configuration against these at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from tisguard.detect.context import ListingContext
from tisguard.detect.evidence import Evidence


class Group(StrEnum):
    """What a signal means to the scorer. The verdict rules of listing-v1 are written over groups."""

    PRODUCT = "product"  # what the product is (regulated or not); the category step of the waterfall
    LICENCE_OK = "licence_ok"  # a licence the registry holds as active, for this product and brand → compliant
    LICENCE_BAD = "licence_bad"  # a licence shown that does not hold (not found, suspended, other standard…)
    ADMISSION = "admission"  # the seller says the product has no TIS certification
    CLAIM = "claim"  # a conformity claim with nothing verified (a standard number, a mark in a photo…)
    CONTEXT = "context"  # raises or lowers risk, never decides a verdict (cross-border, low price…)
    FINDING = "finding"  # an intermediate finding other detectors read (a licence number); not scored
    INFO = "info"  # shown with the evidence, not scored (an image that could not be read)


# The order in which groups decide the verdict (first present wins) and appear in the waterfall.
DECIDING_ORDER = (Group.LICENCE_OK, Group.LICENCE_BAD, Group.ADMISSION, Group.CLAIM)


@dataclass(frozen=True)
class Signal:
    """A signal a detector emits: its group, its default weight (log-odds added to the risk) and, for
    signals that carry a count (past violations), how many times the weight may be added at most."""

    group: Group
    weight: float = 0.0
    count_cap: int | None = None


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Detector:
    """Base of every detector. Subclasses set `name`, `version`, `emits` (and where needed `provides`,
    `requires`, `after`, `Params`) and implement `detect`. Parameters are validated by `Params`
    (a pydantic model that forbids unknown names)."""

    name: ClassVar[str]
    version: ClassVar[str]
    emits: ClassVar[dict[str, Signal]] = {}
    provides: ClassVar[tuple[str, ...]] = ()
    requires: ClassVar[tuple[str, ...]] = ()
    after: ClassVar[tuple[str, ...]] = ()
    Params: ClassVar[type[BaseModel]] = NoParams

    def __init__(self, params: BaseModel | None = None) -> None:
        self.params = params if params is not None else self.Params()

    def detect(self, ctx: ListingContext) -> list[Evidence]:  # pragma: no cover - interface
        raise NotImplementedError

    @classmethod
    def outputs(cls) -> set[str]:
        """Everything a later detector can rely on: the facts provided and the signals emitted."""
        return set(cls.provides) | set(cls.emits)

    def evidence(self, signal: str, source: str, reason_th: str, reason_en: str, **kw) -> Evidence:
        if signal not in self.emits:
            raise ValueError(f"detector {self.name} emits {signal!r}, which its contract does not declare")
        return Evidence(
            signal=signal,
            detector=self.name,
            version=self.version,
            source=source,
            reason_th=reason_th,
            reason_en=reason_en,
            **kw,
        )
