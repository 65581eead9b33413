"""Feature keys of the category model: character n-grams of title + category, and lexicon hits.

The same function feeds training and scoring, so the two can never drift apart.
"""

from __future__ import annotations

from tisguard.detect.lexicon import LexHit, Lexicon
from tisguard.detect.text import normalize

FEATURES_VERSION = 4  # bump when the keys below change: a model only fits the scheme it was trained with
NGRAM_RANGE = (2, 3)
DESC_HEAD_CHARS = 400
LEXICON_REPEAT = 4  # a lexicon hit counts as this many n-grams, so curated terms outweigh incidental n-grams


def model_text(title_norm: str, category_norm: str) -> str:
    return f" {title_norm} | {category_norm} " if category_norm else f" {title_norm} "


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


def lexicon_keys(head_hits: list[LexHit], desc_hits: list[LexHit]) -> list[str]:
    """Per-standard hit keys, plus 'any term' / 'any exclusion' keys that every standard's
    examples train together, so a term seen rarely in training still counts as a product name."""
    keys = []
    for h in head_hits:
        keys.append(f"\x00L:{h.tis}" if h.kind == "term" else f"\x00X:{h.tis}" if h.kind == "exclude" else "\x00ACC")
    kinds = {h.kind for h in head_hits}
    if "term" in kinds:
        keys.append("\x00LANY")
    if "exclude" in kinds:
        keys.append("\x00XANY")
    for h in desc_hits:
        if h.kind == "term":
            keys.append(f"\x00DL:{h.tis}")
    return keys * LEXICON_REPEAT


def description_head(description: str | None) -> str:
    """The start of the description, lower-cased only: lexicon terms need no more, and it is cheap."""
    return description[:DESC_HEAD_CHARS].lower() if description else ""


def feature_keys(
    title_norm: str, category_norm: str, description: str | None, lexicon: Lexicon
) -> tuple[list[str], list[LexHit]]:
    """Feature keys (and the title's lexicon hits) from normalised title and category: the one place both
    training and scoring build them, so the two cannot drift apart."""
    text = model_text(title_norm, category_norm)
    head_hits = lexicon.scan_with_spacing_variants(text)
    desc = description_head(description)
    desc_hits = lexicon.scan(desc) if desc else []
    return ngram_keys(text) + lexicon_keys(head_hits, desc_hits), head_hits


def feature_keys_for(title: str, category: str, description: str, lexicon: Lexicon) -> tuple[list[str], list[LexHit]]:
    """Training-side entry: raw strings in."""
    return feature_keys(normalize(title).text, normalize(category).text, description, lexicon)
