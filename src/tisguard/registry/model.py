"""An in-memory registry snapshot with lookups by licence number, licensee and brand.

A licence number is looked up by its full key first, then by its base (running number, sub-number and
standard number, see `tisno.licence_base_key`): sellers write the part of a multi-part standard in many
ways or not at all, and the registry's own `tis_number` says which standard the licence is for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from tisguard.tisno import licence_base_key, licence_key, licence_parts

_LEGAL_FORMS = re.compile(
    r"บริษัท|บจก\.?|จำกัด|\(มหาชน\)|มหาชน|ห้างหุ้นส่วนสามัญ|ห้างหุ้นส่วน|หจก\.?|ร้าน|"
    r"\bco\b\.?|\bcompany\b|\bltd\b\.?|\blimited\b|\bplc\b|\binc\b\.?|\bcorp(oration)?\b\.?|\bpublic\b|\(thailand\)|\bthailand\b|,",
    re.I,
)


def clean_company_name(name: str) -> str:
    """Strip legal forms (บริษัท … จำกัด, Co., Ltd.) and punctuation for fuzzy comparison."""
    s = _LEGAL_FORMS.sub(" ", name.lower())
    return re.sub(r"[\s.\-_()]+", " ", s).strip()


@dataclass(frozen=True)
class Licence:
    licence_no: str
    licence_type: str | None
    tis_number: str
    tis_year: int | None
    licensee: str
    licensee_juristic_id: str | None
    brands: tuple[str, ...]
    status: str
    issued_on: str | None

    def as_dict(self) -> dict:
        return {
            "licence_no": self.licence_no,
            "licence_type": self.licence_type,
            "tis_number": self.tis_number,
            "tis_year": self.tis_year,
            "licensee": self.licensee,
            "licensee_juristic_id": self.licensee_juristic_id,
            "brands": list(self.brands),
            "status": self.status,
            "issued_on": self.issued_on,
        }


@dataclass
class Registry:
    licences: list[Licence] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key = {licence_key(l.licence_no): l for l in self.licences}
        self._by_number_memo: dict[str, Licence | None] = {}  # the registry never changes once built
        self._by_base: dict[str, list[tuple[Licence, str | None]]] = {}
        self._by_brand: dict[str, list[Licence]] = {}
        self._by_licensee: dict[str, list[Licence]] = {}
        for l in self.licences:
            parts = licence_parts(l.licence_no)
            if parts is not None:
                base = licence_base_key(l.licence_no)
                self._by_base.setdefault(base, []).append((l, l.licence_type or parts["type"]))
            for b in l.brands:
                self._by_brand.setdefault(b.lower(), []).append(l)
            self._by_licensee.setdefault(clean_company_name(l.licensee), []).append(l)

    def __len__(self) -> int:
        return len(self.licences)

    def by_number(self, text: str) -> Licence | None:
        """The licence a number written in a listing refers to, or None.

        Same key → that licence. Otherwise the same running number, sub-number and standard number
        whatever the part suffix says ('/685', '/685(1)', '/685 เล่ม 1'), with the type letter when the
        text has one: a licence whose standard is the one written is preferred; if the text leaves
        several possible (two parts of one standard under one running number, which TISI does not
        normally issue), the active one, then the lowest number, so the answer is deterministic.
        Answers are remembered (a scan looks the same number up from two or three detectors)."""
        memo = self._by_number_memo
        if text in memo:
            return memo[text]
        if len(memo) >= 65536:
            memo.clear()
        found = memo[text] = self._look_up_number(text)
        return found

    def _look_up_number(self, text: str) -> Licence | None:
        hit = self._by_key.get(licence_key(text))
        if hit is not None:
            return hit
        parts = licence_parts(text)
        if parts is None:
            return None
        found = self._by_base.get(licence_base_key(text), [])
        if parts["type"]:
            found = [(l, t) for l, t in found if t in (parts["type"], None)]
        if not found:
            return None
        same_standard = [l for l, _ in found if l.tis_number == parts["tis"]]
        pool = same_standard or [l for l, _ in found]
        return min(pool, key=lambda l: (l.status != "active", l.licence_no))

    @cached_property
    def running_subs_by_standard(self) -> dict[str, dict[str, str]]:
        """standard number (without its part) → {licence_no: 'running-sub'} for every well-formed licence: what
        the tolerant look-ups of `registry.near` compare a misread number with. Built on first use only."""
        index: dict[str, dict[str, str]] = {}
        for lic in self.licences:
            p = licence_parts(lic.licence_no)
            if p is not None:
                index.setdefault(lic.tis_number.split(" ")[0], {})[lic.licence_no] = f"{p['running']}-{p['sub']}"
        return index

    def active_for_brand(self, brand: str, standards: set[str]) -> list[Licence]:
        """Active licences whose registered brands include `brand` (case-insensitive), for any of `standards`."""
        found = self._by_brand.get(brand.strip().lower(), ())
        return [l for l in found if l.status == "active" and l.tis_number in standards]

    def by_brand(self, brand: str) -> list[Licence]:
        return list(self._by_brand.get(brand.strip().lower(), []))

    def by_licensee(self, name: str, min_score: float = 85.0) -> list[Licence]:
        from rapidfuzz import fuzz, process

        target = clean_company_name(name)
        hits = process.extract(target, list(self._by_licensee), scorer=fuzz.ratio, score_cutoff=min_score, limit=10)
        return [l for key, _score, _ in hits for l in self._by_licensee[key]]
