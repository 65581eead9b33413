"""What a detector sees: one listing, its normalised fields (computed once, lazily), the reference
data snapshot, the evidence found by the detectors that ran before it, and the typed facts they
provide (the product type). No I/O happens here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tisguard.detect.text import NormText, normalize

if TYPE_CHECKING:
    from tisguard.catalogue.model import Catalogue
    from tisguard.detect.evidence import Evidence
    from tisguard.detect.investigation.index import InvestigationIndex
    from tisguard.detect.lexicon import Lexicon
    from tisguard.detect.model import CategoryModel
    from tisguard.registry.model import Registry
    from tisguard.spec.listing import Listing


@dataclass
class Reference:
    """The snapshot the pipeline is a pure function of: catalogue, registry, lexicon, model, history."""

    catalogue: Catalogue
    registry: Registry
    lexicon: Lexicon
    model: CategoryModel
    seller_violations: dict[tuple[str, str], int] = field(default_factory=dict)
    images: object | None = None  # an image analyzer when image evidence is on (the only part that reads files)
    investigation: InvestigationIndex | None = None  # relisting, licence sharing, networks, recalls (issue 13)


@dataclass(frozen=True)
class ProductType:
    """What the listing sells, as the `product` fact: the most likely standard and how sure we are."""

    tis: str
    p_regulated: float
    p_standard: float
    top: tuple[tuple[str, float], ...] = ()
    stated: tuple[str, ...] = ()  # standards the listing's own numbers pointed to

    @property
    def regulated(self) -> bool:
        return self.p_regulated >= 0.5


NOT_ASSESSED = ProductType(tis="", p_regulated=0.0, p_standard=0.0)


@dataclass
class ListingContext:
    listing: Listing
    ref: Reference
    evidence: list[Evidence] = field(default_factory=list)
    product: ProductType | None = None  # the `product` fact, set by the detector that provides it
    # the text fields that may carry a TIS mark, number or claim (computed once by the first mark detector)
    mark_fields: list[tuple[str, NormText]] | None = None
    _norm: dict[str, NormText] = field(default_factory=dict)

    def norm(self, fieldname: str) -> NormText:
        """Normalised text of 'title', 'description' or 'platform_category'."""
        n = self._norm.get(fieldname)
        if n is None:
            n = self._norm[fieldname] = normalize(
                getattr(self.listing, fieldname) or "", fold_repeats=fieldname != "description"
            )
        return n

    def norm_if_done(self, fieldname: str) -> NormText | None:
        """The normalised field if a detector has already asked for it, else None (normalises nothing)."""
        return self._norm.get(fieldname)

    def found(self, signal: str) -> list[Evidence]:
        return [e for e in self.evidence if e.signal == signal]
