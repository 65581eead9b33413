"""Recalls and alerts from abroad (EU Safety Gate, US CPSC) and how a listing matches one.

Two ways, both needing the recall's brand named in the listing (as a whole word, never inside another):
- `brand_model`: a model or type number of the recall is written in the listing, as whole tokens
  ('BI-B41' ≡ 'bi b41' ≡ 'BIB41', but never 'BIB410' or 'xBIB41');
- `brand_type`: the listing is the same product type as the recall (the category model run over the
  recall's own text) and their words overlap.
Same-type listings of another brand never match, whatever their text: brands are the anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from tisguard.detect.text import normalized_text

_TOKEN = re.compile(r"[a-z0-9]++")
_WORD = re.compile(r"[a-z]{3,}+|[ก-๙]{2,}+|\d+(?:mah|w|v|a|m|mm|cm)?+")
GENERIC_BRANDS = frozenset(
    {"", "none", "unknown", "no brand", "nobrand", "n/a", "na", "generic", "various", "-", "not specified", "oem"}
)
STOP_WORDS = frozenset({"the", "and", "with", "for", "this", "that", "are", "was", "from", "recall", "involves"})


def model_key(text: str) -> str:
    """A model number compacted: lower case, letters and digits only ('RY_US-1.5' → 'ryus15')."""
    return "".join(_TOKEN.findall(normalized_text(text)))


def usable_model(key: str) -> bool:
    """Long enough and specific enough to identify a product (a digit in it; not a bare year)."""
    if len(key) < 4 or not any(c.isdigit() for c in key):
        return False
    return not (key.isdigit() and (len(key) < 4 or (len(key) == 4 and key[:2] in ("19", "20"))))


def token_runs(text: str, max_join: int = 4) -> set[str]:
    """Every run of 1..max_join consecutive Latin/digit tokens, joined: the model keys a text can show.
    Tokens are whole (split at anything that is not a-z0-9), so a key never starts or ends inside a word."""
    toks = _TOKEN.findall(text)
    out = set()
    for i in range(len(toks)):
        acc = ""
        for j in range(i, min(i + max_join, len(toks))):
            acc += toks[j]
            out.add(acc)
    return out


_RECALLS_PRODUCT = re.compile(r"\b(?:Recalls|Recall|Expands Recall of)\s++(.{3,120}?)\s++Due\s++to\b")
_RECALLED_PRODUCT = re.compile(r"^(.{3,120}?)\s++(?:Recalled|Recall)\b")
_PLURAL = re.compile(r"(?<=[a-z])(?<!s)s\b")


def singular(text: str) -> str:
    """English plurals to singular, roughly ('Power Banks' → 'power bank'): the category model knows the
    singular forms sellers write."""
    return _PLURAL.sub("", text.lower())


def product_phrase(title: str) -> str:
    """The product named in a recall title: 'INIU Recalls Power Banks Due to Fire…' → 'power bank'."""
    m = _RECALLS_PRODUCT.search(title) or _RECALLED_PRODUCT.search(title)
    return singular(m.group(1) if m else title)


_UNIT = re.compile(r"\d++(?:mah|wh|w|kw|v|a|mm|cm|m|l|ml|kg|g|hz|in|ft|pcs|pc|x|th|nd|rd|st|gb|tb|mb)")


def model_like(token: str) -> bool:
    """A token that names a model (letters and digits mixed, not a quantity such as '10000mah')."""
    return (
        len(token) >= 3
        and any(c.isdigit() for c in token)
        and any(c.isalpha() for c in token)
        and not _UNIT.fullmatch(token)
    )


def words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(normalized_text(text)) if w not in STOP_WORDS)


@dataclass(frozen=True)
class Recall:
    source: str  # eu_safety_gate | us_cpsc
    recall_id: str
    product: str
    brands: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    description: str = ""
    hazard: str = ""
    measures: str = ""
    url: str | None = None
    category: str | None = None
    published: str | None = None
    tis: str | None = None  # the product type the category model gives the recall's text (set when indexed)
    words: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def as_value(self) -> dict:
        return {
            "source": self.source,
            "id": self.recall_id,
            "product": self.product,
            "brands": list(self.brands),
            "hazard": self.hazard,
            "measures": self.measures,
            "url": self.url,
            "published": self.published,
        }


@dataclass(frozen=True)
class RecallMatch:
    recall: Recall
    matched_by: str  # brand_model | brand_type
    brand: str
    model: str | None
    similarity: float


@lru_cache(maxsize=8192)
def brand_key(brand: str) -> str:
    # cached: every listing's brand field is looked up, and brands repeat across a scan
    return " ".join(normalized_text(brand).split())


class RecallIndex:
    """Recalls by brand (Aho-Corasick over normalised brand names) with their model keys."""

    def __init__(self, recalls: list[Recall]):
        import ahocorasick

        self.recalls = recalls
        self._auto = ahocorasick.Automaton()
        by_brand: dict[str, list[int]] = {}
        for i, r in enumerate(recalls):
            for b in r.brands:
                k = brand_key(b)
                if len(k) >= 3 and k not in GENERIC_BRANDS:
                    by_brand.setdefault(k, []).append(i)
        for k, idx in by_brand.items():
            self._auto.add_word(k, (k, tuple(idx)))
        self._empty = not by_brand
        if not self._empty:
            self._auto.make_automaton()
        self._models = [{model_key(m) for m in r.models} - {""} for r in recalls]

    def __len__(self) -> int:
        return len(self.recalls)

    def brands_in(self, text: str) -> dict[str, tuple[int, ...]]:
        """Brands named in normalised `text` as whole words (a Latin brand never inside a Latin word)."""
        if self._empty or not text:
            return {}
        from tisguard.detect.detectors.licence_check import names_brand

        found: dict[str, tuple[int, ...]] = {}
        for _end, (k, idx) in self._auto.iter(text):
            if k not in found and names_brand(text, k):
                found[k] = idx
        return found

    def match(self, text: str, brand_field: str | None, product_tis: str | None) -> list[RecallMatch]:
        """Matches for a listing: `text` its normalised title and description head, `product_tis` its
        product type when regulated. Best first: model matches, then type matches by word overlap."""
        haystack = text + ("\n" + brand_key(brand_field) if brand_field else "")
        hits = self.brands_in(haystack)
        if not hits:
            return []
        runs = token_runs(text)
        listing_models = {t for t in _TOKEN.findall(text) if model_like(t)}
        listing_words = words(text)
        out: list[RecallMatch] = []
        for brand, idx in hits.items():
            for i in idx:
                r = self.recalls[i]
                model = next((m for m in sorted(self._models[i]) if usable_model(m) and m in runs), None)
                sim = round(len(listing_words & r.words) / max(min(len(listing_words), len(r.words)), 1), 3)
                if model:
                    out.append(RecallMatch(r, "brand_model", brand, model, 1.0))
                elif product_tis and r.tis == product_tis and sim >= 0.2 and not (self._models[i] and listing_models):
                    # same brand and type; a listing that names a model of its own is another model
                    out.append(RecallMatch(r, "brand_type", brand, None, sim))
        out.sort(key=lambda m: (m.matched_by != "brand_model", -m.similarity, m.recall.source, m.recall.recall_id))
        return out
