"""The corpus of fingerprints and what follows from it: near-duplicate groups, relisting of confirmed
violations, licences shown by unrelated sellers, seller networks.

`EmbeddedCorpus` is incremental (the store path adds each batch before it is assessed): when a listing
is added, its candidate pairs are found at once (datasketch MinHashLSH over text bands, a band index
over photo hashes) and kept with their raw similarities; everything else is worked out when asked,
for the component asked about, and remembered until the next addition. The rule is applied to the
raw similarities at that time, with the photos that have become generic (seen on more than
`max_sellers_per_key` sellers) left out: a stock photo on hundreds of shops links none of them.

`StaticFacts` holds the same answers precomputed (Spark computes them at scale, see
`pipeline.spark_investigation`); `EmbeddedCorpus.export()` gives the embedded answers in that form, so
the two can be compared.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from tisguard.detect.investigation.fingerprint import (
    DEFAULT_PARAMS,
    Fingerprint,
    InvestigationParams,
    Key,
    PairSim,
    SellerKey,
    band_keys,
    candidate_similarity,
    hamming,
    image_band_keys,
    near_duplicate,
    stable_id,
)
from tisguard.picklable import PicklesWithoutLock
from tisguard.tisno import licence_key


@dataclass(frozen=True)
class DupGroup:
    gid: str
    members: tuple[Key, ...]


@dataclass(frozen=True)
class RelistMatch:
    key: Key  # the earlier listing: confirmed violation or removed under a notice
    decision: str  # confirm | removed
    text: float
    title: float
    image_distance: int | None


@dataclass(frozen=True)
class LicenceUse:
    """A licence shown by sellers that do not fit its licensee (their listings, brands)."""

    licence_key: str
    licence_no: str
    licensee: str | None
    sellers: tuple[SellerKey, ...]
    brands: tuple[str, ...]
    listings: tuple[Key, ...]


@dataclass(frozen=True)
class Link:
    kind: str  # phone line email shop_url juristic_id address licence image
    value: str
    sellers: tuple[SellerKey, ...]


@dataclass(frozen=True)
class Network:
    nid: str
    sellers: tuple[SellerKey, ...]
    links: tuple[Link, ...]


@dataclass
class StaticFacts:
    """Answers computed in advance for every listing and seller of a corpus."""

    groups: dict[Key, DupGroup] = field(default_factory=dict)
    relisted: dict[Key, tuple[RelistMatch, ...]] = field(default_factory=dict)
    licences: dict[str, LicenceUse] = field(default_factory=dict)
    networks: dict[SellerKey, Network] = field(default_factory=dict)

    def group_of(self, key: Key) -> DupGroup | None:
        return self.groups.get(key)

    def relisted_from(self, key: Key) -> tuple[RelistMatch, ...]:
        return self.relisted.get(key, ())

    def licence(self, lkey: str) -> LicenceUse | None:
        return self.licences.get(lkey)

    def network_of(self, seller: SellerKey) -> Network | None:
        return self.networks.get(seller)

    def all_groups(self) -> list[DupGroup]:
        return sorted({g.gid: g for g in self.groups.values()}.values(), key=lambda g: g.members)

    def all_networks(self) -> list[Network]:
        return sorted({n.nid: n for n in self.networks.values()}.values(), key=lambda n: n.sellers)

    def all_licences(self) -> list[LicenceUse]:
        return sorted(self.licences.values(), key=lambda u: (-len(u.sellers), u.licence_key))


def canonical_licence(text: str, registry) -> tuple[str, str, object | None]:
    """(key, number as shown, registry licence or None): the registry's own number when it holds it."""
    lic = registry.by_number(text) if registry is not None else None
    if lic is not None:
        return licence_key(lic.licence_no), lic.licence_no, lic
    return licence_key(text), text, None


def licence_fits(fp: Fingerprint, lic) -> bool:
    """Whether the listing fits the licensee (brand, name, juristic id): the licensee's own and its
    resellers' listings never count as renting."""
    if lic is None:
        return False
    from types import SimpleNamespace

    from tisguard.detect.context import ListingContext
    from tisguard.detect.detectors.licence_check import brand_fit

    # what brand_fit reads of a listing (pydantic's model_construct costs more than the check itself)
    seller = SimpleNamespace(id=fp.seller[1], name=fp.seller_name, juristic_id=fp.juristic_id)
    listing = SimpleNamespace(platform=fp.key[0], listing_id=fp.key[1], title=fp.title, brand=fp.brand, seller=seller)
    return brand_fit(ListingContext(listing, None), lic)[0] == "fit"


def licence_uses(fp: Fingerprint, registry) -> list[tuple[str, str, str | None, bool]]:
    """(licence key, number, licensee, fits) for each distinct licence the listing shows."""
    out, seen = [], set()
    for text in fp.licences:
        k, no, lic = canonical_licence(text, registry)
        if k in seen:
            continue
        seen.add(k)
        out.append((k, no, lic.licensee if lic is not None else None, licence_fits(fp, lic)))
    return out


def brand_label(brand: str | None) -> str:
    from tisguard.detect.detectors.licence_check import is_unbranded

    return "-" if is_unbranded(brand) else " ".join(brand.split()).lower()


class EmbeddedCorpus(PicklesWithoutLock):
    """In-process, incremental. Thread-safe: the web app adds pushed batches while pages read."""

    _lock_factory = threading.RLock

    def __init__(self, registry=None, params: InvestigationParams = DEFAULT_PARAMS, bad: dict[Key, str] | None = None):
        from datasketch import MinHashLSH

        self.params, self.registry = params, registry
        self.bad: dict[Key, str] = dict(bad or {})
        self.fps: dict[Key, Fingerprint] = {}
        self._lsh = MinHashLSH(num_perm=params.num_perm, params=(params.bands, params.rows))
        self._img_bands: dict[tuple[int, int], set[int]] = {}
        self._hash_listings: dict[int, set[Key]] = {}
        self._edges: dict[Key, dict[Key, PairSim]] = {}
        self._uses: dict[str, dict[Key, tuple[str, str | None, bool]]] = {}  # licence → listing → (no, licensee, fits)
        self._key_listings: dict[tuple[str, str], set[Key]] = {}  # (kind, value) → listings
        self._seller_listings: dict[SellerKey, set[Key]] = {}
        self._listing_lic: dict[Key, list[tuple[str, str, str | None, bool]]] = {}
        self._lock = threading.RLock()
        self._memo: dict[str, dict] = {}

    # ---- building ----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.fps)

    def __contains__(self, key: Key) -> bool:
        return key in self.fps

    def set_bad(self, bad: dict[Key, str]) -> None:
        with self._lock:
            if bad != self.bad:
                self.bad = dict(bad)
                self._memo.clear()

    def add_many(self, fps: Iterable[Fingerprint]) -> None:
        with self._lock:
            changed = [self._add(fp) for fp in fps]
            if any(changed):
                self._memo.clear()

    def _add(self, fp: Fingerprint) -> bool:
        old = self.fps.get(fp.key)
        if old is not None:
            if old == fp:
                return False
            self._remove(old)
        self.fps[fp.key] = fp
        self._seller_listings.setdefault(fp.seller, set()).add(fp.key)
        for kv in fp.contacts:
            self._key_listings.setdefault(kv, set()).add(fp.key)
        self._listing_lic[fp.key] = uses = licence_uses(fp, self.registry)
        for lkey, no, licensee, fits in uses:
            self._uses.setdefault(lkey, {})[fp.key] = (no, licensee, fits)
            if not fits:
                self._key_listings.setdefault(("licence", lkey), set()).add(fp.key)
        for other, sim in self._similar(fp).items():
            self._edges.setdefault(fp.key, {})[other] = sim
            self._edges.setdefault(other, {})[fp.key] = sim
        self._lsh.insert(fp.key, self._minhash(fp), check_duplication=False)
        for h in fp.images:
            self._hash_listings.setdefault(h, set()).add(fp.key)
            for bk in image_band_keys(h, self.params):
                self._img_bands.setdefault(bk, set()).add(h)
        return True

    def _remove(self, fp: Fingerprint) -> None:
        del self.fps[fp.key]
        self._lsh.remove(fp.key)
        self._seller_listings.get(fp.seller, set()).discard(fp.key)
        kvs = list(fp.contacts)
        for lkey, *_ in self._listing_lic.pop(fp.key, []):
            self._uses.get(lkey, {}).pop(fp.key, None)
            kvs.append(("licence", lkey))
        for kv in kvs:
            keys = self._key_listings.get(kv, set())
            keys.discard(fp.key)
            if not keys:
                self._key_listings.pop(kv, None)
        for other in self._edges.pop(fp.key, {}):
            self._edges.get(other, {}).pop(fp.key, None)
        for h in fp.images:
            keys = self._hash_listings.get(h, set())
            keys.discard(fp.key)
            if not keys:
                self._hash_listings.pop(h, None)
                for bk in image_band_keys(h, self.params):
                    self._img_bands.get(bk, set()).discard(h)

    def _minhash(self, fp: Fingerprint):
        import numpy as np
        from datasketch import LeanMinHash

        return LeanMinHash(seed=1, hashvalues=np.frombuffer(fp.signature, dtype="<u4"), scheme="affine32")

    def _near_hashes(self, h: int) -> set[int]:
        """Photo hashes in the corpus within the distance of `h` (itself included when present)."""
        found: set[int] = set()
        for bk in image_band_keys(h, self.params):
            found.update(self._img_bands.get(bk, ()))
        return {x for x in found if hamming(x, h) <= self.params.image_distance}

    def _candidate_sets(self, fp: Fingerprint) -> tuple[set[Key], set[Key]]:
        """Listings sharing a text band with `fp`, and listings with a photo near one of its photos."""
        text = set(self._lsh.query(self._minhash(fp))) if len(self._lsh.keys) else set()
        photo: set[Key] = set()
        for h in fp.images:
            for x in self._near_hashes(h):
                photo.update(self._hash_listings.get(x, ()))
        text.discard(fp.key)
        photo.discard(fp.key)
        return text, photo

    def _similar(self, fp: Fingerprint) -> dict[Key, PairSim]:
        """`candidate_similarity` with every candidate, text similarities first in one vectorised
        comparison: most LSH candidates fall short of the text threshold and are dropped there."""
        import numpy as np

        text, photo = self._candidate_sets(fp)
        cands = sorted(text | photo)
        if not cands:
            return {}
        p = self.params
        mine = np.frombuffer(fp.signature, dtype="<u4")
        alike = (np.stack([np.frombuffer(self.fps[o].signature, dtype="<u4") for o in cands]) == mine).mean(axis=1)
        floor = min(p.text_threshold, p.image_text_threshold)
        out = {}
        for o, t in zip(cands, alike):
            if t >= p.text_threshold or (t >= floor and o in photo):
                sim = candidate_similarity(fp, self.fps[o], p)
                if sim is not None:
                    out[o] = sim
        return out

    # ---- answers -------------------------------------------------------------------------------------
    def _m(self, name: str) -> dict:
        return self._memo.setdefault(name, {})

    def sellers_near(self, h: int, limit: int | None = None) -> set[SellerKey]:
        """Sellers with a photo within the distance of `h`; stops past `limit`."""
        out: set[SellerKey] = set()
        for x in sorted(self._near_hashes(h) | ({h} if h in self._hash_listings else set())):
            for k in self._hash_listings.get(x, ()):
                out.add(self.fps[k].seller)
                if limit is not None and len(out) > limit:
                    return out
        return out

    def is_common(self, h: int) -> bool:
        """A generic photo: on more than `max_sellers_per_key` sellers (itself or a near copy)."""
        memo = self._m("common")
        if h not in memo:
            limit = self.params.max_sellers_per_key
            memo[h] = len(self.sellers_near(h, limit)) > limit
        return memo[h]

    def _holds(self, sim: PairSim) -> bool:
        common = {x for pair in sim.photos for x in pair if self.is_common(x)}
        return near_duplicate(sim, common, self.params)

    def _pairs(self, fp: Fingerprint) -> dict[Key, PairSim]:
        if fp.key in self.fps and self.fps[fp.key] == fp:
            return self._edges.get(fp.key, {})
        return self._similar(fp)

    def relisted_from(self, key: Key, fp: Fingerprint | None = None) -> tuple[RelistMatch, ...]:
        """Confirmed or removed listings this one is a near-duplicate of (best first)."""
        with self._lock:
            fp = fp or self.fps.get(key)
            if fp is None or not self.bad:
                return ()
            out = []
            for other, sim in self._pairs(fp).items():
                if other in self.bad and other != key and self._holds(sim):
                    common = {x for pair in sim.photos for x in pair if self.is_common(x)}
                    out.append(RelistMatch(other, self.bad[other], sim.text, sim.title, sim.image_distance(common)))
            return tuple(sorted(out, key=lambda m: (m.image_distance is None, -m.text, m.key)))

    def group_of(self, key: Key) -> DupGroup | None:
        """The near-duplicate group of a listing (connected component, confirmed ones left out)."""
        with self._lock:
            memo = self._m("groups")
            if key in memo:
                return memo[key]
            if key not in self.fps or key in self.bad:
                return None
            seen, todo = {key}, deque([key])
            while todo:
                k = todo.popleft()
                for other, sim in self._edges.get(k, {}).items():
                    if other not in seen and other not in self.bad and self._holds(sim):
                        seen.add(other)
                        todo.append(other)
            members = tuple(sorted(seen))
            group = DupGroup(stable_id("dg-", members[0]), members) if len(members) > 1 else None
            for m in members:
                memo[m] = group
            return group

    def licence(self, lkey: str) -> LicenceUse | None:
        with self._lock:
            memo = self._m("licences")
            if lkey in memo:
                return memo[lkey]
            unfit = {k: v for k, v in self._uses.get(lkey, {}).items() if not v[2]}
            use = None
            if unfit:
                no, licensee = min((v[0], v[1] or "") for v in unfit.values())
                use = LicenceUse(
                    lkey,
                    no,
                    licensee or None,
                    tuple(sorted({self.fps[k].seller for k in unfit})),
                    tuple(sorted({brand_label(self.fps[k].brand) for k in unfit})),
                    tuple(sorted(unfit)),
                )
            memo[lkey] = use
            return use

    def _key_sellers(self, kv: tuple[str, str]) -> set[SellerKey]:
        limit = self.params.max_sellers_per_key
        out: set[SellerKey] = set()
        for k in self._key_listings.get(kv, ()):
            out.add(self.fps[k].seller)
            if len(out) > limit:
                break
        return out

    def _seller_links(self, seller: SellerKey) -> list[tuple[tuple[str, str], set[SellerKey]]]:
        """The keys of a seller that link it to at least one other seller (generic keys left out)."""
        limit = self.params.max_sellers_per_key
        out, seen = [], set()
        for k in sorted(self._seller_listings.get(seller, ())):
            fp = self.fps[k]
            for kv in self._listing_keys(k):
                if kv in seen:
                    continue
                seen.add(kv)
                sellers = self._key_sellers(kv)
                if 1 < len(sellers) <= limit:
                    out.append((kv, sellers))
            for h in fp.images:
                kv = ("image", f"{h:016x}")
                if kv in seen or self.is_common(h):
                    continue
                seen.add(kv)
                sellers = self.sellers_near(h, limit)
                if 1 < len(sellers) <= limit:
                    out.append((kv, sellers))
        return out

    def _listing_keys(self, key: Key) -> list[tuple[str, str]]:
        unfit = [("licence", lk) for lk, _no, _who, fits in self._listing_lic.get(key, []) if not fits]
        return list(self.fps[key].contacts) + unfit

    def network_of(self, seller: SellerKey) -> Network | None:
        with self._lock:
            memo = self._m("networks")
            if seller in memo:
                return memo[seller]
            if seller not in self._seller_listings:
                return None
            seen, todo = {seller}, deque([seller])
            links: dict[tuple[str, str], set[SellerKey]] = {}
            while todo:
                s = todo.popleft()
                for kv, sellers in self._seller_links(s):
                    links[kv] = sellers
                    for o in sellers:
                        if o not in seen:
                            seen.add(o)
                            todo.append(o)
            members = tuple(sorted(seen))
            net = None
            if len(members) > 1:
                net = Network(stable_id("net-", members[0]), members, _dedupe_links(links))
            for m in members:
                memo[m] = net
            return net

    # ---- enumerations and export -----------------------------------------------------------------------
    def all_groups(self) -> list[DupGroup]:
        with self._lock:
            return sorted({g.gid: g for k in self.fps if (g := self.group_of(k))}.values(), key=lambda g: g.members)

    def all_networks(self) -> list[Network]:
        with self._lock:
            found = {n.nid: n for s in self._seller_listings if (n := self.network_of(s))}
            return sorted(found.values(), key=lambda n: n.sellers)

    def all_licences(self) -> list[LicenceUse]:
        with self._lock:
            uses = [u for k in self._uses if (u := self.licence(k))]
            return sorted(uses, key=lambda u: (-len(u.sellers), u.licence_key))

    def export(self) -> StaticFacts:
        """Every answer, precomputed (compare with Spark's; broadcast instead of the whole corpus)."""
        with self._lock:
            groups = {k: g for k in self.fps if (g := self.group_of(k))}
            relisted = {k: r for k in self.fps if (r := self.relisted_from(k))}
            licences = {k: u for k in self._uses if (u := self.licence(k))}
            networks = {s: n for s in self._seller_listings if (n := self.network_of(s))}
            return StaticFacts(groups, relisted, licences, networks)


def _dedupe_links(links: dict[tuple[str, str], set[SellerKey]]) -> tuple[Link, ...]:
    """Links sorted; near copies of one photo (same sellers) are shown once, under the smallest hash."""
    out: dict[tuple, Link] = {}
    for (kind, value), sellers in sorted(links.items()):
        s = tuple(sorted(sellers))
        ident = ("image", s) if kind == "image" else (kind, value)
        if ident not in out:
            out[ident] = Link(kind, value, s)
    return tuple(sorted(out.values(), key=lambda l: (l.kind, l.value)))


__all__ = [
    "DupGroup",
    "EmbeddedCorpus",
    "LicenceUse",
    "Link",
    "Network",
    "RelistMatch",
    "StaticFacts",
    "band_keys",
    "canonical_licence",
    "licence_uses",
]
