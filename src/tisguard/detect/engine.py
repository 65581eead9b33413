"""The engine: run the configured detectors in order, then the scorer; a pure function of
(listing, reference snapshot, config). The same object scores one listing in the upload path and
millions in a batch.

Detectors are looked up by name in a registry (`register_detector` adds one). At start-up the engine
checks the configuration against the detectors' declared contracts: unknown detectors, parameters and
weights are refused by name, and so is an order in which a detector would run before what it needs.
"""

from __future__ import annotations

from time import perf_counter

from pydantic import ValidationError

from tisguard.detect.config import SCORER_WEIGHTS, ConfigError, EngineConfig
from tisguard.detect.context import ListingContext, Reference
from tisguard.detect.detectors.base import Detector, Signal
from tisguard.detect.detectors.brand_licence import BrandLicenceDetector
from tisguard.detect.detectors.category import CategoryDetector
from tisguard.detect.detectors.context_signals import (
    CrossBorderDetector,
    LowPriceDetector,
    SellerHistoryDetector,
    UnregisteredSellerDetector,
)
from tisguard.detect.detectors.licence_check import LicenceVerifier
from tisguard.detect.detectors.licence_shared import LicenceSharedDetector
from tisguard.detect.detectors.marks import LicenceNumberDetector, StandardNumberDetector, VagueClaimDetector
from tisguard.detect.detectors.recall_match import RecallMatchDetector
from tisguard.detect.detectors.relisting import RelistingDetector
from tisguard.detect.detectors.seller_network import SellerNetworkDetector
from tisguard.detect.evidence import Assessment
from tisguard.detect.scorer import ScoringPlan, decide
from tisguard.spec.listing import Listing

ENGINE_VERSION = "1.1"

_BUILTIN: tuple[type[Detector], ...] = (
    StandardNumberDetector,
    LicenceNumberDetector,
    VagueClaimDetector,
    CategoryDetector,
    LicenceVerifier,
    BrandLicenceDetector,
    CrossBorderDetector,
    LowPriceDetector,
    UnregisteredSellerDetector,
    SellerHistoryDetector,
    RelistingDetector,
    LicenceSharedDetector,
    RecallMatchDetector,
    SellerNetworkDetector,
)
DETECTORS: dict[str, type[Detector]] = {d.name: d for d in _BUILTIN}


def register_detector(cls: type[Detector]) -> type[Detector]:
    """Add a detector class to the registry, after checking its contract is well formed. Registering
    the same class again is a no-op; another class under a taken name is refused."""
    for attr in ("name", "version"):
        if not isinstance(getattr(cls, attr, None), str):
            raise ConfigError(f"detector {cls.__name__}: `{attr}` must be a string")
    if not cls.emits and not cls.provides:
        raise ConfigError(f"detector {cls.name}: declares no signals (`emits`) and no facts (`provides`)")
    for sig, spec in cls.emits.items():
        if not isinstance(spec, Signal):
            raise ConfigError(f"detector {cls.name}: signal {sig!r} must be declared as a Signal(group, weight)")
    if sig_clash := set(cls.emits) & set(SCORER_WEIGHTS):
        raise ConfigError(f"detector {cls.name}: signal names {sorted(sig_clash)} are the scorer's own steps")
    known = DETECTORS.get(cls.name)
    if known is not None and known is not cls:
        raise ConfigError(f"a different detector is already registered as {cls.name!r} ({known.__module__})")
    DETECTORS[cls.name] = cls
    return cls


def unregister_detector(name: str) -> None:
    """Remove an added detector (tests); the built-in ones stay."""
    if name in DETECTORS and DETECTORS[name] not in _BUILTIN:
        del DETECTORS[name]


def _check_order(classes: list[type[Detector]]) -> None:
    """Refuse an order in which a detector runs before something it needs or reads."""
    for i, cls in enumerate(classes):
        before = set().union(*(c.outputs() for c in classes[:i])) if i else set()
        for need in cls.requires:
            if need not in before:
                providers = sorted(c.name for c in DETECTORS.values() if need in c.outputs())
                where = [c.name for c in classes[i + 1 :] if need in c.outputs()]
                hint = f"move {cls.name} after {', '.join(where)}" if where else f"enable one of {providers}"
                raise ConfigError(
                    f"detector {cls.name} requires {need!r}, which no detector before it provides: {hint}"
                )
        for reads in cls.after:
            late = [c.name for c in classes[i + 1 :] if reads in c.outputs()]
            if late:
                raise ConfigError(
                    f"detector {cls.name} reads {reads!r}, so it must run after {', '.join(late)}; "
                    f"in this order it would silently miss what they find"
                )


def _declared_signals(classes: list[type[Detector]]) -> dict[str, Signal]:
    out: dict[str, Signal] = {}
    owner: dict[str, str] = {}
    for cls in classes:
        for sig, spec in cls.emits.items():
            if sig in out and out[sig].group != spec.group:
                raise ConfigError(
                    f"signal {sig!r} is declared as {out[sig].group} by {owner[sig]} and as {spec.group} by {cls.name}"
                )
            out.setdefault(sig, spec)
            owner.setdefault(sig, cls.name)
    return out


def _instantiate(cls: type[Detector], params: dict) -> Detector:
    try:
        return cls(cls.Params.model_validate(params))
    except ValidationError as e:
        msgs = "; ".join(
            f"params.{cls.name}.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()
        )
        raise ConfigError(msgs) from None


class Engine:
    def __init__(self, ref: Reference, config: EngineConfig | None = None):
        self.ref = ref
        self.config = config = config or EngineConfig()
        unknown = [n for n in config.detectors if n not in DETECTORS]
        if unknown:
            raise ConfigError(f"unknown detectors in config: {unknown}; known: {sorted(DETECTORS)}")
        dupes = sorted({n for n in config.detectors if config.detectors.count(n) > 1})
        if dupes:
            raise ConfigError(f"detectors listed twice in config: {dupes}")
        stray = sorted(set(config.params) - set(config.detectors))
        if stray:
            raise ConfigError(f"params given for detectors that are not configured: {stray}")
        classes = [DETECTORS[n] for n in config.detectors]
        _check_order(classes)
        declared = _declared_signals(classes)
        unknown_w = sorted(set(config.weights) - set(declared) - set(SCORER_WEIGHTS))
        if unknown_w:
            raise ConfigError(
                f"unknown weights in config: {unknown_w}; known: {sorted(set(declared) | set(SCORER_WEIGHTS))}"
            )
        self.detectors = [_instantiate(c, config.params.get(c.name, {})) for c in classes]
        self.plan = ScoringPlan.build(declared, config)
        self.timings: dict[str, float] | None = None

    @property
    def version(self) -> str:
        """Every assessment carries this; built once per model and lexicon (a reload swaps them)."""
        key = (self.ref.model.version, self.ref.lexicon.digest)
        cached = self.__dict__.get("_version")
        if cached is None or cached[0] != key:
            dets = ",".join(f"{d.name}@{d.version}" for d in self.detectors)
            cached = self.__dict__["_version"] = (
                key,
                f"engine@{ENGINE_VERSION};{dets};model={key[0]};lexicon={key[1]}",
            )
        return cached[1]

    def context(self, listing: Listing) -> ListingContext:
        ctx = ListingContext(listing, self.ref)
        for d in self.detectors:
            t = perf_counter() if self.timings is not None else 0.0
            ctx.evidence.extend(d.detect(ctx))
            if self.timings is not None:
                self.timings[d.name] = self.timings.get(d.name, 0.0) + perf_counter() - t
        return ctx

    def assess(self, listing: Listing) -> Assessment:
        return self._assessment(self.context(listing))

    def assess_many(self, listings: list[Listing]) -> list[Assessment]:
        """The batch path: detectors with `detect_batch` (the category model) see the whole batch at once;
        results are the same as `assess` on each listing."""
        ctxs = [ListingContext(l, self.ref) for l in listings]
        for d in self.detectors:
            t = perf_counter()
            if hasattr(d, "detect_batch"):
                for ctx, found in zip(ctxs, d.detect_batch(ctxs)):
                    ctx.evidence.extend(found)
            else:
                for ctx in ctxs:
                    ctx.evidence.extend(d.detect(ctx))
            if self.timings is not None:
                self.timings[d.name] = self.timings.get(d.name, 0.0) + perf_counter() - t
        return [self._assessment(ctx) for ctx in ctxs]

    def _assessment(self, ctx: ListingContext) -> Assessment:
        listing = ctx.listing
        d = decide(ctx, self.plan)
        std = self.ref.catalogue.current(d.tis) if d.tis else None
        standard = (
            {
                "tis_number": std.tis_number,
                "year_be": std.year_be,
                "name_th": std.name_th,
                "name_en": std.name_en,
                "source": std.source,
            }
            if std
            else None
        )
        return Assessment(
            listing.platform,
            listing.listing_id,
            d.verdict.value,
            d.tis,
            d.risk,
            d.reasons,
            ctx.evidence,
            d.waterfall,
            standard,
            self.version,
            d.fixes,
            _product_confidence(ctx, d.verdict.value),
        )


def _product_confidence(ctx: ListingContext, verdict: str) -> float | None:
    """How sure the model is of what the product is: p(chosen standard), or p(none) when not regulated."""
    p = ctx.product
    if p is None:
        return None
    return round(1.0 - p.p_regulated if verdict == "not_regulated" else p.p_standard, 4)
