"""What of the reference data a listing's assessment read: the licence numbers it shows and its brands.

Kept in `listing_refs` with every saved assessment (store.assessments calls `record_refs` in the same
transaction), so an incremental rescan can find the listings a registry change can affect by index.
Licence numbers are kept by their base key (running number, sub-number, standard number): the registry
matches a written number by its base too, so any licence that shares it can change the verdict.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete

from tisguard.detect.evidence import Assessment
from tisguard.spec.listing import Listing
from tisguard.store.scale_tables import listing_refs
from tisguard.tisno import licence_base_key, licence_key

REF_MAX = 200


def licence_ref(number: str) -> str:
    return (licence_base_key(number) or licence_key(number))[:REF_MAX]


def brand_ref(brand: str | None) -> str | None:
    """The brand as the registry looks it up (lower case); None for no brand or an 'unbranded' marker."""
    from tisguard.detect.detectors.licence_check import is_unbranded

    b = (brand or "").strip().lower()
    return None if not b or is_unbranded(b) else b[:REF_MAX]


def refs_of(listing: Listing, a: Assessment) -> set[tuple[str, str]]:
    return refs_from(listing.brand, [e.value for e in a.evidence])


def refs_from(brand: str | None, values: list[dict | None]) -> set[tuple[str, str]]:
    """('L', licence base key) for every licence number the evidence values name (as written, as registered,
    or as a brand's licences); ('B', brand) for the listing's brand and any brand the evidence names."""
    numbers: list[str] = []
    brands = [brand]
    for v in values:
        v = v or {}
        if isinstance(v.get("licence_no"), str):
            numbers.append(v["licence_no"])
        lic = v.get("licence")
        if isinstance(lic, dict) and isinstance(lic.get("licence_no"), str):
            numbers.append(lic["licence_no"])
        if isinstance(lic, str):
            numbers.append(lic)
        numbers.extend(n for n in v.get("licences") or () if isinstance(n, str))
        if isinstance(v.get("brand"), str):
            brands.append(v["brand"])
    out = {("L", licence_ref(n)) for n in numbers if n.strip()}
    out.update(("B", b) for b in map(brand_ref, brands) if b)
    return out


def record_refs(conn, rows: Iterable[tuple[int, Listing, Assessment]]) -> None:
    """Replace the refs of these listings with those of their new assessments (inside the caller's transaction)."""
    replace_refs(conn, {pk: refs_of(l, a) for pk, l, a in rows})


def replace_refs(conn, refs: dict[int, set[tuple[str, str]]]) -> None:
    if not refs:
        return
    pks = sorted(refs)
    for i in range(0, len(pks), 5000):
        conn.execute(delete(listing_refs).where(listing_refs.c.listing_pk.in_(pks[i : i + 5000])))
    new = [{"listing_pk": pk, "kind": k, "ref": r} for pk in pks for k, r in sorted(refs[pk])]
    if new:
        conn.execute(listing_refs.insert(), new)
