"""Feature keys of the category model: what the listing sells, read from its title, category, description
head, attributes, brand and price.

Keys (one function feeds training and scoring, so the two can never drift apart):
- character 2–3-grams of the title and (computed once per category path) of '| category ', with standard and
  licence numbers masked: a number written in the listing is evidence about compliance, not about what the
  product is;
- lexicon and product-term hits of the title, placed by role. Thai titles name the head product first
  ('ผ้าคลุม พัดลม' is a cover), English and Chinese usually last ('fan cover'); words after a "for" marker
  ('สำหรับ', 'ใช้กับ', 'compatible with', '适用于') name what the item goes with, not what is sold. So a
  product term counts as `L:` in the head part, as `FL:` after a "for" marker, and a part/accessory
  word before or after it adds `PB:`/`PA:` keys;
- cue classes (part, non-electric, material, pet, decor, sport, kid, publication, phone, …) and their
  conjunctions with the standards named (`XC:cue:tis`), with each other (`CC:a:b`) and across a "for"
  marker (`XF:cue:tis`, `HF:head cue:target cue`), so a linear model can learn that a ceramic bowl is not
  655 while a ceramic tile is 2508, and that a battery for a phone is not the phone;
- `GLUE` when the title's first product term is written onto an unknown preceding Thai word ('ถุงผ้าใส่ถังแก๊ส'):
  Thai names the head noun first, so that word is usually what is sold (see glued_keys);
- hits in the category, the description head and the attributes under their own prefixes; the brand;
  a price bucket, and the price relative to the typical price of the standard the title's first product term
  names (`PR:R`, or `PR:F` when that term only follows a "for" marker): a 250-baht "air-con" listing is a
  bracket or a part, whatever its words, while a cheap knock-off fan is still a fan (see price_keys).
Everything is dictionary lookups and one Aho-Corasick pass per field: no tokenizer on the hot path.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache

from tisguard.detect.lexicon import LexHit, Lexicon
from tisguard.detect.text import normalize

FEATURES_VERSION = 11  # bump when the keys below change: a model only fits the scheme it was trained with
NGRAM_RANGE = (2, 3)
DESC_HEAD_CHARS = 400
ATTR_CHARS = 400
# A structured key (starting with NUL) counts as this many n-grams, so curated terms outweigh incidental
# n-grams: training gives it this value in the design matrix and the saved weights carry the factor, so
# scoring (a plain row-sum) sees each key once.
LEXICON_REPEAT = 4
PRICE_PREFIX = "\x00PR:"  # the price bucket counts once, like an n-gram
PART_KINDS = ("exclude", "accessory")
_HEAD_CUES = ("part", "pub")  # cue classes that, named before a product, make the listing something else
_NO_CONJ = {"for"}  # cue classes that only place other hits (no conjunction keys of their own)
# A standard or licence number: digits become '#' (same length, so hit offsets still map to the title).
# Bounded repeats and no nested quantifiers: linear time.
_MARK_NUMBER = re.compile(
    r"(?:มอก|ม\.อ\.ก|tis)\.?\s?\d{1,5}[\d ./()-]{0,16}|(?:นค|[ทนส])\s?\d{1,7}\s?-\s?\d{1,5}\s?/\s?\d{1,5}"
)
_DIGIT = re.compile(r"\d")


def mask_marks(text: str) -> str:
    """Standard numbers ('มอก. 2432-2555', 'tis 166') and licence numbers ('ท1234-5/2432') with digits as '#'."""
    if "มอก" not in text and "tis" not in text and "ม.อ.ก" not in text and "/" not in text:
        return text
    return _MARK_NUMBER.sub(lambda m: _DIGIT.sub("#", m.group(0)), text)


def title_text(title_norm: str) -> str:
    """The title as the model reads it: masked numbers, a space each side (lexicon hit offsets are in this)."""
    return f" {mask_marks(title_norm)} "


@lru_cache(maxsize=65536)
def category_keys(category: str, lexicon: Lexicon) -> tuple[str, ...]:
    """Keys of a raw platform category: the n-grams of '| category ' and its lexicon hits under `K`.

    Marketplaces have a few thousand category paths and every listing repeats one, so the keys are
    computed once per path (and per lexicon: a reloaded lexicon is another key)."""
    norm = normalize(category).text if category else ""
    if not norm:
        return ()
    return (*ngram_keys(f"| {norm} "), *field_keys("K", lexicon.kinds_in(norm)))


_SLICES: dict[int, list[slice]] = {}


def ngram_keys(text: str) -> list[str]:
    """All character n-grams (NGRAM_RANGE) of the text; slices are cached per length so the loop runs in C."""
    n = len(text)
    slices = _SLICES.get(n)
    if slices is None:
        lo, hi = NGRAM_RANGE
        slices = [slice(i, i + k) for k in range(lo, hi + 1) for i in range(n - k + 1)]
        if n <= 2048:
            _SLICES[n] = slices
    return list(map(text.__getitem__, slices))


def _head_class(h: LexHit) -> str | None:
    """'part' or 'pub' for a hit that names a non-product head noun (a cover, a filter, a book), else None."""
    if h.kind in PART_KINDS:
        return "part"
    if h.kind == "cue" and h.tis in _HEAD_CUES:
        return h.tis
    return None


def _outermost(hits: list[LexHit]) -> list[LexHit]:
    """The hits that stand for what the seller wrote: a cue, exclusion or accessory hit inside a longer hit
    is dropped ('ใบพัด' in a 'ไร้ใบพัด' feature), and so is a product term that overlaps an exclusion of the
    same standard ('หม้อหุงข้าว' in 'หม้อในหม้อหุงข้าว': the exclusion explains it), while an exclusion that is
    word for word another standard's product name is dropped (it only says the product is not *that* one)."""
    if len(hits) < 2 or all(h.kind == "term" for h in hits):
        return hits
    spans = {(h.start, h.end) for h in hits if h.start >= 0}
    term_spans = {(h.start, h.end) for h in hits if h.kind == "term"}
    excl = [(h.start, h.end, h.tis) for h in hits if h.kind == "exclude" and h.start >= 0]
    out = []
    for h in hits:
        if h.start < 0:
            out.append(h)
        elif h.kind == "exclude" and (h.start, h.end) in term_spans:
            continue  # 'หม้อหุงข้าว' excluded from stockpots is still a rice cooker: the product name wins
        elif h.kind == "term":
            if not any(t == h.tis and a < h.end and h.start < b for a, b, t in excl):
                out.append(h)
        elif not any(a <= h.start and h.end <= b and (b - a) > (h.end - h.start) for a, b in spans):
            out.append(h)
    return out


def for_marker_at(title_hits: list[LexHit]) -> int | None:
    """Where the title's first "for" marker ('สำหรับ', 'ใช้กับ', 'for', '适用于') starts, if one follows the head."""
    return min((h.start for h in title_hits if h.kind == "cue" and h.tis == "for" and h.start > 1), default=None)


def first_product_term(title_hits: list[LexHit]) -> LexHit | None:
    """The leftmost product-term hit with a place in the title (spacing-variant hits have none)."""
    first = None
    for h in title_hits:
        if h.kind == "term" and h.start >= 0 and (first is None or h.start < first.start):
            first = h
    return first


def title_keys(title_hits: list[LexHit], for_at: int | None) -> list[str]:
    """Keys from the title's hits, by role: head product, "for" target (from `for_at`, `for_marker_at`'s answer),
    parts before/after a product term."""
    head = title_hits if for_at is None else [h for h in title_hits if h.start < for_at]
    # the target starts at the marker ('สำหรับสุนัข' is a pet cue that begins where 'สำหรับ' does)
    target = [] if for_at is None else [h for h in title_hits if h.start >= for_at and h.tis != "for"]
    keys: list[str] = []
    head_tis: list[str] = []
    cues: list[str] = []
    for h in head:
        if h.kind == "term":
            keys.append(f"\x00L:{h.tis}")
            head_tis.append(h.tis)
        elif h.kind == "exclude":
            keys.append(f"\x00X:{h.tis}")
        elif h.kind == "accessory":
            keys.append("\x00ACC")
        elif h.tis not in _NO_CONJ:
            cues.append(h.tis)
    if head_tis:
        keys.append("\x00LANY")
    if any(h.kind == "exclude" for h in head):
        keys.append("\x00XANY")
    target_tis = set()
    for h in target:
        if h.kind == "term":
            target_tis.add(h.tis)
            keys.append(f"\x00FL:{h.tis}")
        elif h.kind == "cue":
            keys.append(f"\x00FC:{h.tis}")
            keys.extend(f"\x00XF:{h.tis}:{t}" for t in set(head_tis))  # a toy 'for dogs'
            keys.extend(f"\x00HF:{c}:{h.tis}" for c in set(cues))  # a battery 'for iPhone', a case 'for iPhone'
        else:
            keys.append("\x00FX")
    if target_tis and not head_tis:
        keys.append("\x00FONLY")
    if for_at is not None:
        keys.append("\x00FOR")
    # Which comes first in the head: a part/publication word or a product term (squeezed hits, start -1,
    # have no place).
    placed = sorted((h for h in head if h.start >= 0 and (h.kind == "term" or _head_class(h))), key=lambda h: h.start)
    if placed:
        first = placed[0]
        first_class = _head_class(first)
        if first_class and head_tis:
            keys += ["\x00PB", f"\x00PB-{first_class}"]
            keys.extend(f"\x00PB:{t}" for t in set(head_tis))
        else:
            after = [h for h in placed if _head_class(h) and h.start >= first.end]
            if first.kind == "term" and after:
                # English and Chinese put the head noun last ('fan cover', '风扇防尘罩'); Thai lists features
                # after the product ('เครื่องฟอกอากาศ แผ่นกรอง HEPA'). The script of the part word, and whether it
                # follows the product word directly, tell the two apart.
                script = "L" if after[0].term[0] < "\u0e00" or after[0].term[0] > "\u0e7f" else "T"
                keys += ["\x00PA", f"\x00PA-{script}"]
                if after[0].start - first.end <= 1:
                    keys.append(f"\x00PA-adj-{script}")
                keys.extend(f"\x00PA-{script}:{t}" for t in set(head_tis))
    ucues = sorted(set(cues))
    for c in ucues:
        keys.append(f"\x00C:{c}")
        for t in set(head_tis):
            keys.append(f"\x00XC:{c}:{t}")
    for i, a in enumerate(ucues):
        for b in ucues[i + 1 :]:
            keys.append(f"\x00CC:{a}:{b}")
    return keys


def _is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e4e"


def glued_keys(text: str, title_hits: list[LexHit]) -> list[str]:
    """`GLUE` when the title's first product term is written onto a preceding Thai word that no lexicon entry
    explains ('ถุงผ้าใส่ถังแก๊ส', 'ที่งัดยางมอเตอร์ไซค์', 'ผ้าเช็ดทีวี'): Thai puts the head noun first and writes
    compounds without spaces, so an unknown word glued to the front of a product name is usually what is sold.
    The model learns how much that counts (a promo word glued on, 'พร้อมส่งพัดลม', counts for little)."""
    first = None
    for h in title_hits:
        if h.kind == "term" and h.start > 1 and (first is None or h.start < first.start):
            first = h
    if first is None or not _is_thai(text[first.start - 1]):
        return []
    if any(h is not first and h.start < first.start <= h.end for h in title_hits if h.start >= 0):
        return []  # the preceding word is itself a known term, cue or part word
    return ["\x00GLUE"]


# Relative price buckets: log2(price / typical) floored, clipped; an accessory is often 1/16 of its product or less.
_REL_MIN, _REL_MAX = -8, 3


def price_keys(
    price: float | None, title_hits: list[LexHit], typical: Mapping[str, float] | None, for_at: int | None
) -> list[str]:
    """The price bucket, and the price relative to the typical price (median of the training data's listings of
    that standard) of the title's first product term: in the head when there is one, else after a "for" marker.
    Counts once like an n-gram. No key when the price or the standard's typical price is unknown."""
    if not price or price <= 0:
        return []
    keys = [f"{PRICE_PREFIX}{min(int(math.log2(price + 1)), 17)}"]
    if not typical:
        return keys
    first = first_product_term(title_hits)
    ref = typical.get(first.tis) if first is not None else None
    if ref:
        role = "F" if for_at is not None and first.start >= for_at else "R"
        rel = max(_REL_MIN, min(_REL_MAX, math.floor(math.log2(price / ref))))
        keys.append(f"{PRICE_PREFIX}{role}{rel}")
    return keys


def field_keys(prefix: str, kinds) -> list[str]:
    """Hits in another field (category K, description D, attributes A), as (kind, standard or cue class)
    pairs: terms, cue classes, parts."""
    out = set()
    for kind, tis in kinds:
        if kind == "term":
            out.add(f"\x00{prefix}L:{tis}")
        elif kind == "cue":
            out.add(f"\x00{prefix}C:{tis}")
        else:
            out.add(f"\x00{prefix}X")
    return list(out)


def description_head(description: str | None) -> str:
    """The start of the description, lower-cased only: lexicon terms need no more, and it is cheap."""
    return description[:DESC_HEAD_CHARS].lower() if description else ""


def feature_keys(
    title_norm: str,
    category: str | None,
    description: str | None,
    lexicon: Lexicon,
    brand: str | None = None,
    attributes: Mapping[str, object] | None = None,
    price: float | None = None,
    typical_price: Mapping[str, float] | None = None,
) -> tuple[list[str], list[LexHit]]:
    """Feature keys and the title's lexicon hits, from the normalised title and the raw rest: the one place
    both training and scoring build them, so the two cannot drift apart. `typical_price` is the model's
    table of typical prices by standard (training computes it first, from the labelled records)."""
    text = title_text(title_norm)
    title_hits = _outermost(lexicon.scan_with_spacing_variants(text))
    keys = ngram_keys(text)
    for_at = for_marker_at(title_hits)  # one scan of the hits for both title and price keys
    keys += title_keys(title_hits, for_at)
    keys += glued_keys(text, title_hits)
    if category:
        keys += category_keys(category, lexicon)
    desc = description_head(description)
    if desc:
        keys += field_keys("D", lexicon.kinds_in(desc))
    if attributes:
        values = " ".join(str(v) for v in attributes.values())[:ATTR_CHARS].lower()
        if values:
            keys += field_keys("A", lexicon.kinds_in(values))
    if brand and brand.strip():
        keys.append("\x00B:" + brand.strip().lower()[:40])
    keys += price_keys(price, title_hits, typical_price, for_at)
    return keys, title_hits


def record_keys(
    rec: Mapping, lexicon: Lexicon, typical_price: Mapping[str, float] | None = None
) -> tuple[list[str], list[LexHit]]:
    """Training-side entry: a raw listing-v1 record (dict) in."""
    attrs = rec.get("attributes")
    return feature_keys(
        normalize(rec.get("title") or "").text,
        rec.get("platform_category") if isinstance(rec.get("platform_category"), str) else None,
        rec.get("description") or "",
        lexicon,
        rec.get("brand") if isinstance(rec.get("brand"), str) else None,
        attrs if isinstance(attrs, Mapping) else None,
        rec.get("price") if isinstance(rec.get("price"), (int, float)) else None,
        typical_price,
    )
