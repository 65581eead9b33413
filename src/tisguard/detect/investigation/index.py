"""The investigation index: the one field of the reference snapshot (`Reference.investigation`) that
the relisting, licence-sharing, network and recall detectors read.

It holds the corpus answers (`EmbeddedCorpus`, incremental, or `StaticFacts`, precomputed on Spark),
the recall index, and optionally a photo hasher that the pipeline sets when listing photos are read
(the detectors never open a file themselves; the hasher is the image analyzer's loader plus pHash).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tisguard.detect.investigation.contacts import extract_contacts
from tisguard.detect.investigation.corpus import EmbeddedCorpus, RelistMatch, StaticFacts
from tisguard.detect.investigation.fingerprint import (
    DEFAULT_PARAMS,
    Fingerprint,
    InvestigationParams,
    fingerprint_text,
    text_signature,
)
from tisguard.detect.investigation.recalls import Recall, RecallIndex, product_phrase, singular, words
from tisguard.detect.text import normalize

ImageHasher = Callable[[list], tuple[int, ...]]


def licence_numbers(listing) -> tuple[str, ...]:
    """Licence numbers written in the listing's text and attributes (the licence_number detector's reading)."""
    from tisguard.detect.context import ListingContext
    from tisguard.detect.detectors.marks import LicenceNumberDetector

    found = LicenceNumberDetector().detect(ListingContext(listing, None))
    return tuple(dict.fromkeys(e.value["licence_no"] for e in found))


def make_fingerprint(
    listing, images: tuple[int, ...] = (), params: InvestigationParams = DEFAULT_PARAMS
) -> Fingerprint:
    """The fingerprint of a validated listing; `images` are its photos' perceptual hashes (if read)."""
    s = listing.seller
    title = normalize(listing.title).text
    description = normalize(listing.description, fold_repeats=False).text
    return Fingerprint(
        key=(listing.platform, listing.listing_id),
        seller=(listing.platform, s.id),
        title=listing.title,
        signature=text_signature(fingerprint_text(title, description), params),
        brand=listing.brand,
        seller_name=s.name,
        juristic_id=s.juristic_id,
        images=tuple(sorted(set(images))),
        contacts=extract_contacts(title, description, listing.attributes, s.shop_url, s.juristic_id),
        licences=licence_numbers(listing),
    )


def index_recalls(recalls: Iterable[Recall], ref) -> list[Recall]:
    """Recalls with their product type (the category model over the recall's own text) and words."""
    from dataclasses import replace

    from tisguard.detect.context import ListingContext
    from tisguard.detect.detectors.category import CategoryDetector
    from tisguard.spec.listing import Listing, Seller

    out = []
    det = CategoryDetector()
    for r in recalls:
        tis = None
        if ref is not None and getattr(ref, "model", None) is not None:
            listing = Listing.model_construct(
                platform="recall",
                listing_id=r.recall_id,
                title=product_phrase(r.product) if r.source == "us_cpsc" else singular(r.product),
                description=singular(r.description),
                brand=None,
                platform_category=r.category,
                attributes={},
                price=None,
                seller=Seller.model_construct(id="recall"),
            )
            ctx = ListingContext(listing, ref)
            det.detect(ctx)
            if ctx.product is not None and ctx.product.regulated:
                tis = ctx.product.tis
        out.append(replace(r, tis=tis, words=words(f"{r.product} {r.description}")))
    return out


@dataclass
class InvestigationIndex:
    corpus: EmbeddedCorpus | StaticFacts = field(default_factory=StaticFacts)
    recalls: RecallIndex = field(default_factory=lambda: RecallIndex([]))
    params: InvestigationParams = DEFAULT_PARAMS
    image_hasher: ImageHasher | None = None
    synced: dict = field(default_factory=dict)  # the pipeline's bookmark of what it loaded from the store

    @property
    def embedded(self) -> EmbeddedCorpus | None:
        return self.corpus if isinstance(self.corpus, EmbeddedCorpus) else None

    def fingerprint(self, listing) -> Fingerprint:
        """The listing's fingerprint: the corpus's when it holds this listing (its photos were hashed when it
        joined), else computed now from its text only: a listing checked without being stored (the
        pre-listing check) never makes the engine fetch photos."""
        emb = self.embedded
        if emb is not None:
            fp = emb.fps.get(listing.key)
            if fp is not None and fp.title == listing.title:
                return fp
        return make_fingerprint(listing, (), self.params)

    def relisted_from(self, listing) -> tuple[RelistMatch, ...]:
        emb = self.embedded
        if emb is None:
            return self.corpus.relisted_from(listing.key)
        if not emb.bad:
            return ()
        return emb.relisted_from(listing.key, self.fingerprint(listing))

    def for_broadcast(self) -> InvestigationIndex:
        """A copy with the corpus replaced by its precomputed answers (no LSH, no fingerprints, no hasher)."""
        facts = self.corpus.export() if isinstance(self.corpus, EmbeddedCorpus) else self.corpus
        return InvestigationIndex(facts, self.recalls, self.params, None, dict(self.synced))
