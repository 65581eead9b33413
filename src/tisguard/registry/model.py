"""An in-memory registry snapshot with lookups by licence number, licensee and brand."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tisguard.tisno import licence_key

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
        self._by_brand: dict[str, list[Licence]] = {}
        self._by_licensee: dict[str, list[Licence]] = {}
        for l in self.licences:
            for b in l.brands:
                self._by_brand.setdefault(b.lower(), []).append(l)
            self._by_licensee.setdefault(clean_company_name(l.licensee), []).append(l)

    def __len__(self) -> int:
        return len(self.licences)

    def by_number(self, text: str) -> Licence | None:
        return self._by_key.get(licence_key(text))

    def by_brand(self, brand: str) -> list[Licence]:
        return list(self._by_brand.get(brand.strip().lower(), []))

    def by_licensee(self, name: str, min_score: float = 85.0) -> list[Licence]:
        from rapidfuzz import fuzz, process

        target = clean_company_name(name)
        hits = process.extract(target, list(self._by_licensee), scorer=fuzz.ratio, score_cutoff=min_score, limit=10)
        return [l for key, _score, _ in hits for l in self._by_licensee[key]]
