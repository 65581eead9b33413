"""Fingerprints of a listing and the one rule that says whether two listings are near-duplicates.

Text: a MinHash (datasketch) of the character 5-grams of the normalised title and the head of the
description. Thai has no spaces between words, so character shingles work where word shingles would
not. Its bands (rows of the signature) are the LSH keys: two listings are candidates when one band is
equal, in the embedded index (datasketch `MinHashLSH` with the same bands) and on Spark (a join on
the same band keys), so both find the same candidates by construction.

Photos: 64-bit perceptual hashes (imagehash's pHash, computed by the pipeline, which reads images).
Two photos are the same when their hashes differ in at most `image_distance` bits; splitting the hash
into `image_distance + 1` bands guarantees such a pair shares a band (pigeonhole), so band lookups
find every such pair.

The pair rule (`near_duplicate`) is applied to raw similarities, so it can be re-applied when the
set of generic photos (stock photos seen on many sellers) changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from tisguard.detect.text import normalize

SCHEME = "fp1"  # bump when anything below changes the fingerprint: stored ones of another scheme are recomputed
SHINGLE = 5
DESCRIPTION_HEAD = 2000  # characters of the description that count (relisted copies keep the head)
Key = tuple[str, str]  # (platform, listing_id)
SellerKey = tuple[str, str]  # (platform, seller_id)


@dataclass(frozen=True)
class InvestigationParams:
    """What makes two listings near-duplicates and a key generic; one set for embedded and Spark."""

    num_perm: int = 64
    bands: int = 16  # LSH bands of num_perm // bands rows: candidates from ~0.45 estimated Jaccard up
    text_threshold: float = 0.7  # estimated Jaccard of the text for a text-only near-duplicate
    title_threshold: float = 0.35  # …which also needs titles this alike (3-gram Jaccard)
    image_text_threshold: float = 0.2  # the same photo counts when the texts are at least this alike
    image_distance: int = 4  # Hamming bits (of 64) within which two photos are the same
    max_sellers_per_key: int = 20  # a photo or contact on more sellers is generic: it links nothing

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    @property
    def image_bands(self) -> int:
        return self.image_distance + 1


DEFAULT_PARAMS = InvestigationParams()


@dataclass(frozen=True)
class Fingerprint:
    """What the investigation needs of one listing. `signature` is the MinHash as little-endian uint32 bytes."""

    key: Key
    seller: SellerKey
    title: str
    signature: bytes
    brand: str | None = None
    seller_name: str | None = None
    juristic_id: str | None = None
    images: tuple[int, ...] = ()
    contacts: tuple[tuple[str, str], ...] = ()
    licences: tuple[str, ...] = ()  # licence numbers as written in the text


def shingle_hashes(text: str) -> np.ndarray:
    """32-bit hashes of the character 5-grams of `text` (vectorised polynomial hash, then a mixer)."""
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cps) == 0:
        return np.zeros(0, dtype=np.uint64)
    k = min(SHINGLE, len(cps))
    n = len(cps) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        h = h * np.uint64(1_000_003) + cps[j : j + n]
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    return np.unique(h & np.uint64(0xFFFFFFFF))


def fingerprint_text(norm_title: str, norm_description: str) -> str:
    """The text the MinHash is taken over: the normalised title and the head of the normalised description."""
    return " ".join((norm_title + " " + norm_description[:DESCRIPTION_HEAD]).split())


@lru_cache(maxsize=4)
def _template(num_perm: int):
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=1, scheme="affine32")


def text_signature(text: str, params: InvestigationParams = DEFAULT_PARAMS) -> bytes:
    """The MinHash of `fingerprint_text(...)`, as little-endian uint32 bytes."""
    from datasketch import MinHash

    tmpl = _template(params.num_perm)
    m = MinHash(num_perm=params.num_perm, seed=1, hashfunc=int, permutations=tmpl.permutations, scheme="affine32")
    m.update_batch(shingle_hashes(text).tolist())
    return m.hashvalues.astype("<u4").tobytes()


def band_keys(signature: bytes, params: InvestigationParams = DEFAULT_PARAMS) -> list[bytes]:
    """The LSH keys of a signature: band index + the band's bytes (equal key = equal band)."""
    w = params.rows * 4
    return [bytes([i]) + signature[i * w : (i + 1) * w] for i in range(params.bands)]


def image_band_keys(h: int, params: InvestigationParams = DEFAULT_PARAMS) -> list[tuple[int, int]]:
    """(band, bits) of a 64-bit hash cut into image_distance+1 bands: hashes within the distance share one."""
    n = params.image_bands
    cuts = [round(64 * i / n) for i in range(n + 1)]
    return [(i, (h >> cuts[i]) & ((1 << (cuts[i + 1] - cuts[i])) - 1)) for i in range(n)]


def text_similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity: the share of MinHash rows that agree."""
    if not a or len(a) != len(b):
        return 0.0
    va, vb = memoryview(a).cast("I"), memoryview(b).cast("I")  # equal rows are equal whatever the byte order
    return sum(x == y for x, y in zip(va, vb)) / len(va)


@lru_cache(maxsize=8192)
def title_grams(title: str) -> frozenset[str]:
    """Character 3-grams of the normalised title (computed only for the few pairs that get this far)."""
    t = "".join(normalize(title).text.split())
    return frozenset(t[i : i + 3] for i in range(max(len(t) - 2, 1))) if t else frozenset()


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


@lru_cache(maxsize=4096)
def _brand_key(brand: str | None) -> str:
    from tisguard.detect.detectors.licence_check import is_unbranded

    if is_unbranded(brand):
        return ""
    return "".join(ch for ch in normalize(brand).text if ch.isalnum())


def brands_conflict(a: str | None, b: str | None) -> bool:
    """Both listings name a brand and the brands differ (a lookalike of another make, not a copy)."""
    ka, kb = _brand_key(a), _brand_key(b)
    return bool(ka and kb and ka not in kb and kb not in ka)


@dataclass(frozen=True)
class PairSim:
    """Raw similarity of two listings; `photos`: the pairs of photo hashes within the distance."""

    text: float
    title: float
    brand_conflict: bool
    photos: tuple[tuple[int, int], ...] = ()

    def image_distance(self, common: frozenset[int] | set[int] = frozenset()) -> int | None:
        d = [hamming(x, y) for x, y in self.photos if x not in common and y not in common]
        return min(d) if d else None


def pair_similarity(a: Fingerprint, b: Fingerprint, params: InvestigationParams = DEFAULT_PARAMS) -> PairSim:
    photos = tuple(
        sorted((min(x, y), max(x, y)) for x in a.images for y in b.images if hamming(x, y) <= params.image_distance)
    )
    return PairSim(
        round(text_similarity(a.signature, b.signature), 4),
        round(jaccard(title_grams(a.title), title_grams(b.title)), 4),
        brands_conflict(a.brand, b.brand),
        photos,
    )


def candidate_similarity(
    a: Fingerprint, b: Fingerprint, params: InvestigationParams = DEFAULT_PARAMS
) -> PairSim | None:
    """`pair_similarity` when the pair is worth keeping, else None (the cheap checks first)."""
    text = text_similarity(a.signature, b.signature)
    if text < min(params.text_threshold, params.image_text_threshold):
        return None
    if text < params.text_threshold and not any(
        hamming(x, y) <= params.image_distance for x in a.images for y in b.images
    ):
        return None
    sim = pair_similarity(a, b, params)
    return sim if worth_keeping(sim, params) else None


def worth_keeping(sim: PairSim, params: InvestigationParams = DEFAULT_PARAMS) -> bool:
    """A candidate pair that could be a near-duplicate under some set of generic photos."""
    return (bool(sim.photos) and sim.text >= params.image_text_threshold) or near_duplicate(sim, frozenset(), params)


def near_duplicate(
    sim: PairSim, common: frozenset[int] | set[int] = frozenset(), params: InvestigationParams = DEFAULT_PARAMS
) -> bool:
    """The same photo (not a generic one) and somewhat alike text, or very alike text and titles of
    the same make."""
    if sim.image_distance(common) is not None and sim.text >= params.image_text_threshold:
        return True
    return sim.text >= params.text_threshold and sim.title >= params.title_threshold and not sim.brand_conflict


def stable_id(prefix: str, member: tuple[str, str]) -> str:
    """An id that stays while the group's smallest member stays: prefix + 10 hex of its hash."""
    return prefix + hashlib.sha1("\t".join(member).encode("utf-8")).hexdigest()[:10]
