"""Synthetic listings and a synthetic licence registry, written the way Thai sellers write.

Every record carries `"synthetic": true`. Titles mix Thai, English and Chinese, promo noise, emoji,
misspellings and Thai digits; negatives include hard ones (a helmet bag is not a helmet). The
generator takes product names from the lexicon but mangles them, so a model cannot simply learn
the lexicon back; standards facts (numbers, years) come only from the catalogue.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tisguard.catalogue.model import Catalogue
from tisguard.demo import phrases as P
from tisguard.detect.lexicon import Lexicon

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
PLATFORMS = ["shopee", "lazada", "tiktok", "line", "nocnoc", "temu"]
BASE_PRICE = {
    "2432": 250,
    "166": 60,
    "824": 80,
    "909": 450,
    "2425": 650,
    "11 เล่ม 3": 1200,
    "2879": 450,
    "2217": 180,
    "369": 690,
    "685 เล่ม 1": 250,
    "366": 490,
    "1985": 390,
    "934": 890,
    "2062": 990,
    "60335 เล่ม 2(15)": 390,
    "1509": 790,
    "1641": 890,
    "1693": 2900,
    "1773": 2500,
    "1529": 12900,
    "2214": 6900,
    "60335 เล่ม 2(7)": 5900,
    "1389": 8900,
    "60335 เล่ม 2(32)": 990,
    "2780": 59,
    "2779": 89,
    "956": 45,
    "1955": 390,
    "62368 เล่ม 1": 290,
    "27": 1200,
    "879": 25,
    "53": 15,
    "309": 45,
    "2718": 2400,
    "15": 150,
    "24": 180,
    "20": 120,
    "50": 350,
    "2540": 650000,
    "2915": 45000,
}


def thai_digits(s: str) -> str:
    return s.translate(THAI)


def misspell(rng: random.Random, s: str) -> str:
    """Seller-style typos: tone-mark swaps, dropped marks, doubled letters, stray spaces."""
    r = rng.random()
    if r < 0.25:
        return s.replace("็", "๊", 1) if "็" in s else s.replace("๊", "็", 1)
    if r < 0.45 and len(s) > 4:
        marks = [i for i, c in enumerate(s) if c in "่้๊๋็์"]
        if marks:
            i = rng.choice(marks)
            return s[:i] + s[i + 1 :]
    if r < 0.65 and len(s) > 3:
        i = rng.randrange(1, len(s))
        return s[:i] + " " + s[i:]
    if r < 0.8:
        return s + s[-1] * rng.randint(2, 4)
    return s.upper() if s.isascii() else s


@dataclass
class RegistryEntry:
    licence_no: str
    licence_type: str
    tis: str
    year: int
    licensee: str
    juristic_id: str
    brands: list[str]
    status: str

    def row(self) -> dict:
        return {
            "licence_no": self.licence_no,
            "licence_type": self.licence_type,
            "tis_number": self.tis,
            "tis_year": self.year,
            "licensee": self.licensee,
            "licensee_juristic_id": self.juristic_id,
            "brands": ";".join(self.brands),
            "status": self.status,
            "issued_on": f"20{10 + hash(self.licence_no) % 15:02d}-0{1 + hash(self.licence_no) % 9}-15",
        }


class SyntheticWorld:
    """A seeded world: registry, sellers, and a generator of labelled listings over it."""

    def __init__(self, catalogue: Catalogue, lexicon: Lexicon, seed: int = 7):
        self.rng = random.Random(seed)
        self.seed = seed
        self.cat, self.lex = catalogue, lexicon
        self.products = [t for t in catalogue.tis_numbers() if lexicon.standards.get(t, {}).get("terms")]
        self.registry = self._make_registry()
        self.by_tis: dict[str, list[RegistryEntry]] = {}
        for e in self.registry:
            self.by_tis.setdefault(e.tis, []).append(e)

    def _company(self) -> str:
        base = self.rng.choice(P.COMPANY_TH)
        return self.rng.choice(
            [
                f"บริษัท {base} จำกัด",
                f"บริษัท {base} จำกัด (มหาชน)",
                f"ห้างหุ้นส่วนจำกัด {base}",
                f"{base} Co., Ltd.",
                f"บจก. {base}",
            ]
        )

    def _make_registry(self) -> list[RegistryEntry]:
        rng, out, used = self.rng, [], set()
        for tis in self.products:
            year = self.cat.current(tis).year_be
            for _ in range(rng.randint(3, 6)):
                ltype = rng.choice(["ท", "ท", "น", "น", "นค"])
                while True:
                    no = f"{ltype}{rng.randint(1, 9999)}-{rng.randint(1, 99)}/{tis.replace(' ', '')}"
                    if no not in used:
                        used.add(no)
                        break
                status = rng.choices(["active", "suspended", "revoked", "cancelled"], [80, 8, 7, 5])[0]
                brands = rng.sample(P.BRANDS, rng.randint(1, 2))
                jid = "0" + "".join(str(rng.randint(0, 9)) for _ in range(12))
                out.append(RegistryEntry(no, ltype, tis, year, self._company(), jid, brands, status))
        return out

    # --- text pieces ---------------------------------------------------------------------------
    def _term(self, tis: str) -> str:
        terms = self.lex.standards[tis]["terms"]
        thai = [t for t in terms if any("\u0e00" <= c <= "\u0e7f" for c in t)]
        cjk = [t for t in terms if any("\u4e00" <= c <= "\u9fff" for c in t)]
        latin = [t for t in terms if t not in thai and t not in cjk]
        pools = [p for p in (thai, latin, cjk) if p]
        weights = [{id(thai): 75, id(latin): 18, id(cjk): 7}[id(p)] for p in pools]
        t = self.rng.choice(self.rng.choices(pools, weights)[0])
        if self.rng.random() < 0.18:
            t = misspell(self.rng, t)
        return t

    def _std_text(self, tis: str) -> str:
        year = str(self.cat.current(tis).year_be)
        form = self.rng.choice(
            [
                "มอก.{t}-{y}",
                "มอก. {t}-{y}",
                "มอก {t}/{y}",
                "TIS {t}-{y}",
                "ม.อ.ก. {t}-{y}",
                "มอก.{t}",
                "มาตรฐาน มอก. {t}-{y}",
                "(มอก.{t}-{y})",
                "ได้รับ มอก.{t}-{y}",
            ]
        ).format(t=tis, y=year)
        return thai_digits(form) if self.rng.random() < 0.15 else form

    def _lic_text(self, no: str) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            no = no[0] + " " + no[1:] if no[0] in "ทนส" and not no.startswith("นค") else no
        if rng.random() < 0.1:
            no = (
                "("
                + no[: no.index(next(c for c in no if c.isdigit()))]
                + ")"
                + no[no.index(next(c for c in no if c.isdigit())) :]
            )
        form = rng.choice(
            [
                "ใบอนุญาตเลขที่ {n}",
                "ใบอนุญาต {n}",
                "License No. {n}",
                "เลขที่ใบอนุญาต: {n}",
                "ใบอนุญาตเลขที่\n{n}",
                "ใบอนุญาต มอก. เลขที่ {n}",
                "licence {n}",
            ]
        ).format(n=no)
        return thai_digits(form) if rng.random() < 0.12 else form

    def _promo(self, k: int) -> list[str]:
        return self.rng.sample(P.PROMO, k)

    def _specs(self, tis: str | None) -> list[str]:
        pool = P.SPECS.get(tis or "", []) + P.GENERIC_SPECS
        return self.rng.sample(pool, self.rng.randint(0, 2))

    def _seller(self, risky: bool) -> dict:
        rng = self.rng
        cn = rng.random() < (0.5 if risky else 0.2)
        if cn:
            return {
                "id": f"syn-cn-{rng.randint(1, 400)}",
                "name": rng.choice(P.SELLER_NAMES_CN),
                "country": "CN",
                "dbd_registered": False,
            }
        s = {"id": f"syn-th-{rng.randint(1, 600)}", "name": rng.choice(P.SELLER_NAMES_TH), "country": "TH"}
        if rng.random() < 0.7:
            s["dbd_registered"] = rng.random() < (0.4 if risky else 0.75)
        return s

    def _description(self, core: list[str], evidence: list[str]) -> str:
        rng = self.rng
        parts = rng.sample(P.DESC_FILLER, rng.randint(2, 6)) + core + evidence
        rng.shuffle(parts)
        sep = rng.choice(["\n", " ", "\n\n", " ✅ ", "\n- "])
        return sep.join(parts)

    # --- listings ------------------------------------------------------------------------------
    def listing(self, i: int, kind: str | None = None) -> dict:
        rng = self.rng
        kind = kind or rng.choices(["not_regulated", "compliant", "unverified", "non_compliant"], [36, 22, 14, 28])[0]
        if kind == "not_regulated":
            return self._negative(i)
        tis = rng.choice(self.products)
        return self._regulated(i, tis, kind)

    def _finish(
        self,
        i: int,
        title_parts: list[str],
        desc: str,
        brand: str,
        seller: dict,
        price: float,
        attrs: dict,
        label: dict,
        category: str | None,
    ) -> dict:
        rng = self.rng
        title = " ".join(p for p in title_parts if p).strip()
        rec = {
            "platform": rng.choice(PLATFORMS),
            "listing_id": f"syn{self.seed}-{i}",
            "title": title[:300],
            "description": desc,
            "url": f"https://example.invalid/p/syn{self.seed}-{i}",
            "price": round(price, 2),
            "currency": "THB",
            "seller": seller,
            "sold_count": int(rng.paretovariate(1.2) * 3) if rng.random() < 0.85 else 0,
            "captured_at": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00+07:00",
            "synthetic": True,
            "label": label,
        }
        if brand:
            rec["brand"] = brand
        if attrs:
            rec["attributes"] = attrs
        if category:
            rec["platform_category"] = category
        return rec

    def _price(self, tis: str | None, cheap: bool) -> float:
        base = BASE_PRICE.get(tis or "", 400)
        f = self.rng.lognormvariate(0, 0.35) * (
            self.rng.uniform(0.3, 0.8) if cheap and self.rng.random() < 0.6 else 1.0
        )
        return max(5.0, base * f)

    def _regulated(self, i: int, tis: str, kind: str) -> dict:
        rng = self.rng
        lics = [e for e in self.by_tis.get(tis, []) if e.status == "active"]
        evidence_title, evidence_desc, attrs = [], [], {}
        brand = rng.choice(P.BRANDS + P.NO_BRAND)
        reason = kind
        std = self._std_text(tis)

        def place_licence(no: str) -> None:
            where = rng.random()
            text = self._lic_text(no)
            if where < 0.55:
                evidence_desc.append(text)
            elif where < 0.8:
                attrs["เลขที่ใบอนุญาต" if rng.random() < 0.7 else "License No."] = no
            else:
                evidence_title.append(text.replace("\n", " "))
            if rng.random() < 0.7:
                (evidence_title if rng.random() < 0.5 else evidence_desc).append(std)

        if kind == "compliant":
            lic = rng.choice(lics) if lics else None
            if lic is None:
                kind, reason = "non_compliant", "no_mark"
            else:
                place_licence(lic.licence_no)
                brand = rng.choice(lic.brands)
                if rng.random() < 0.2:
                    evidence_desc.append(f"ผู้รับใบอนุญาต {lic.licensee}")
                reason = "valid_licence"
        elif kind == "unverified":
            r = rng.random()
            if r < 0.75:
                (evidence_title if rng.random() < 0.6 else evidence_desc).append(std)
                if rng.random() < 0.3:
                    attrs["มาตรฐาน"] = f"มอก. {tis}"
            if r >= 0.6:
                evidence_desc.append(
                    rng.choice(
                        [
                            "มี มอก. ค่ะ",
                            "สินค้าได้มาตรฐาน มอก.",
                            "ผ่านมาตรฐาน มอก. ปลอดภัย",
                            "มีมอก.รับรอง",
                            "ผ่านการรับรองมาตรฐาน",
                            "TIS certified",
                            "มีเครื่องหมาย มอก.",
                        ]
                    )
                )
            reason = "claim_without_licence"
        if kind == "non_compliant":
            r = rng.random()
            if r < 0.55:
                reason = "no_mark"
                if rng.random() < 0.15:
                    evidence_desc.append(
                        rng.choice(["ไม่มี มอก. นะคะ", "สินค้านำเข้า ไม่มีมอก.", "no TIS, import from China"])
                    )
                    reason = "admits_no_mark"
            elif r < 0.7:
                reason = "licence_not_in_registry"
                place_licence(
                    f"{rng.choice(['ท', 'น'])}{rng.randint(10000, 99999)}-{rng.randint(1, 99)}/{tis.replace(' ', '')}"
                )
            elif r < 0.82:
                bad = [e for e in self.by_tis.get(tis, []) if e.status != "active"]
                if bad:
                    lic = rng.choice(bad)
                    brand = rng.choice(lic.brands)
                    place_licence(lic.licence_no)
                    reason = f"licence_{lic.status}"
                else:
                    reason = "no_mark"
            elif r < 0.92:
                others = [e for e in self.registry if e.status == "active" and e.tis not in self.lex.related(tis)]
                lic = rng.choice(others)
                brand = rng.choice(lic.brands)
                place_licence(lic.licence_no)
                reason = "licence_for_other_standard"
            else:
                if lics:
                    lic = rng.choice(lics)
                    place_licence(lic.licence_no)
                    brand = rng.choice([b for b in P.BRANDS if b not in lic.brands])
                    reason = "licence_brand_mismatch"
                else:
                    reason = "no_mark"
        term = self._term(tis)
        parts = self._promo(rng.randint(0, 3)) + [brand if rng.random() < 0.4 else ""] + [term] + self._specs(tis)
        if rng.random() < 0.15:  # a second name in another language, as cross-border titles do
            parts.append(self._term(tis))
        rng.shuffle(parts)
        parts = [term] + [p for p in parts if p != term] if rng.random() < 0.5 else parts
        parts += evidence_title + self._promo(rng.randint(0, 2))
        core = [f"{term} {' '.join(self._specs(tis))}"]
        desc = self._description(core, evidence_desc)
        seller = self._seller(risky=kind == "non_compliant")
        category = rng.choice([None, None, "บ้านและสวน", "เครื่องใช้ไฟฟ้า", "อื่นๆ", "ยานยนต์", "แม่และเด็ก", "เครื่องครัว"])
        label = {"verdict": kind, "tis": tis, "reason": reason}
        return self._finish(
            i,
            parts,
            desc,
            brand if brand not in ("", None) else "",
            seller,
            self._price(tis, kind == "non_compliant"),
            attrs,
            label,
            category,
        )

    def _negative(self, i: int) -> dict:
        rng = self.rng
        r = rng.random()
        tis_like = None
        if r < 0.45:
            tis_like = rng.choice([t for t in self.products if self._safe_excludes(t)])
            name = rng.choice(self._safe_excludes(tis_like))
            price = BASE_PRICE.get(tis_like, 300) * rng.uniform(0.05, 0.4)
        elif r < 0.6:
            tis_like = rng.choice(self.products)
            acc = rng.choice(
                [
                    "กระเป๋าใส่",
                    "เคสใส่",
                    "ที่แขวน",
                    "ที่วาง",
                    "สติ๊กเกอร์ติด",
                    "ซองใส่",
                    "ฝาครอบ",
                    "ผ้าคลุม",
                    "ชั้นวาง",
                    "ที่อุด",
                    "ขาแขวน",
                    "ที่จัดเก็บ",
                    "กระเป๋าจัดระเบียบ",
                    "holder for",
                    "case for",
                ]
            )
            name = f"{acc}{self._term(tis_like)}" if rng.random() < 0.6 else f"{acc} {self._term(tis_like)}"
            price = rng.uniform(29, 259)
        else:
            name, base = rng.choice(P.UNREGULATED)
            price = base * rng.lognormvariate(0, 0.3)
        parts = self._promo(rng.randint(0, 3)) + [name] + self._specs(None)
        rng.shuffle(parts)
        evidence = []
        if rng.random() < 0.08:
            evidence.append(
                rng.choice(["ผ่านมาตรฐาน อย.", "ได้มาตรฐาน", "มาตรฐานส่งออก", "รุ่น 2432", "model 685-1", "ISO 9001"])
            )
        desc = self._description([name], evidence)
        brand = rng.choice(P.BRANDS + P.NO_BRAND)
        return self._finish(
            i,
            parts,
            desc,
            brand,
            self._seller(False),
            price,
            {},
            {
                "verdict": "not_regulated",
                "tis": None,
                "reason": "accessory_or_other" if tis_like else "unregulated_goods",
            },
            None,
        )

    def _safe_excludes(self, tis: str) -> list[str]:
        """Exclusions that do not name another regulated product (a car windscreen is not float glass,
        but it is still regulated, so it is no negative)."""
        others = [t for k, v in self.lex.standards.items() if k != tis for t in v["terms"]]
        return [e for e in self.lex.standards[tis]["exclude"] if not any(o in e for o in others)]

    def listings(self, n: int, start: int = 0) -> Iterator[dict]:
        for i in range(start, start + n):
            yield self.listing(i)


def write_jsonl(path: Path, records) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_registry_csv(path: Path, world: SyntheticWorld) -> None:
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(
            fh,
            fieldnames=[
                "licence_no",
                "licence_type",
                "tis_number",
                "tis_year",
                "licensee",
                "licensee_juristic_id",
                "brands",
                "status",
                "issued_on",
            ],
        )
        w.writeheader()
        for e in world.registry:
            w.writerow(e.row())
