"""The per-standard product-term lexicon (data/lexicon.json) and the category model's own product terms
(data/product_terms.json: cue words and extra product names) compiled into one Aho-Corasick automaton,
so a title is scanned once for both."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import ahocorasick

_LATIN = set("abcdefghijklmnopqrstuvwxyz0123456789")


class LexHit(NamedTuple):
    kind: str  # term | exclude | accessory | cue
    tis: str | None  # the standard (term, exclude), None (accessory), or the cue class (cue)
    term: str
    start: int
    end: int


def packaged_lexicon_path() -> Path:
    return Path(str(resources.files("tisguard") / "data" / "lexicon.json"))


def packaged_product_terms_path() -> Path:
    return Path(str(resources.files("tisguard") / "data" / "product_terms.json"))


class Lexicon:
    """`data` is lexicon.json; `product_terms` (optional) adds cue classes and per-standard terms and
    exclusions the model needs. A term listed twice for the same standard and kind counts once."""

    def __init__(self, data: dict, product_terms: dict | None = None):
        self.data = data
        self.product_terms = product_terms or {}
        self.standards: dict[str, dict] = data["standards"]
        self.digest = hashlib.sha256(
            json.dumps([data, self.product_terms], sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()[:12]
        self.cue_classes: tuple[str, ...] = tuple(sorted(self.product_terms.get("cues", {})))
        entries: dict[str, dict[tuple[str, str | None], None]] = {}

        def add(term: str, kind: str, tis: str | None) -> None:
            term = term.strip().lower()
            if term:
                entries.setdefault(term, {})[(kind, tis)] = None

        for tis, spec in self.standards.items():
            for t in spec.get("terms", []):
                add(t, "term", tis)
            for t in spec.get("exclude", []):
                add(t, "exclude", tis)
        for t in data.get("generic_accessory", []):
            add(t, "accessory", None)
        for kind, key in (("term", "terms"), ("exclude", "exclude")):
            for tis, terms in self.product_terms.get(key, {}).items():
                for t in terms:
                    add(t, kind, tis)
        for cls, terms in self.product_terms.get("cues", {}).items():
            for t in terms:
                add(t, "cue", cls)
        self._auto = ahocorasick.Automaton()
        for term, kinds in entries.items():
            self._auto.add_word(term, (term, tuple(kinds)))
        self._auto.make_automaton()

    @classmethod
    def load(cls, path: Path | None = None, product_terms_path: Path | None = None) -> Lexicon:
        """The lexicon file (default: the packaged one) with the packaged product terms."""
        data = json.loads((path or packaged_lexicon_path()).read_text(encoding="utf-8"))
        pt = json.loads((product_terms_path or packaged_product_terms_path()).read_text(encoding="utf-8"))
        return cls(data, pt)

    def reported(self, tis: str) -> str:
        """The standard to report for `tis` (lexicon `report_as`: an energy or older standard whose products
        are named by another standard's terms reports that one); `tis` itself otherwise."""
        return self.standards.get(tis, {}).get("report_as") or tis

    def related(self, tis: str) -> set[str]:
        return {tis, *self.standards.get(tis, {}).get("related", [])}

    def scan(self, text: str) -> list[LexHit]:
        """All hits in normalised text; Latin terms must stand as whole words ('toy' not in 'toyota')."""
        hits = []
        for end, (term, kinds) in self._auto.iter(text):
            start = end - len(term) + 1
            if term[0] in _LATIN and start > 0 and text[start - 1] in _LATIN:
                continue
            if term[-1] in _LATIN and end + 1 < len(text) and text[end + 1] in _LATIN:
                continue
            hits.extend(LexHit(k, tis, term, start, end + 1) for k, tis in kinds)
        return hits

    def kinds_in(self, text: str) -> set[tuple[str, str | None]]:
        """The (kind, standard or cue class) pairs found in the text, with the same whole-word rule as `scan`
        but no hit objects: the cheap form for fields whose hit positions nobody needs."""
        found: set[tuple[str, str | None]] = set()
        n = len(text)
        for end, (term, kinds) in self._auto.iter(text):
            start = end - len(term) + 1
            if term[0] in _LATIN and start > 0 and text[start - 1] in _LATIN:
                continue
            if term[-1] in _LATIN and end + 1 < n and text[end + 1] in _LATIN:
                continue
            found.update(kinds)
        return found

    def scan_with_spacing_variants(self, text: str) -> list[LexHit]:
        """Hits in the text; when no product term is found, also the term hits that appear once stray
        spaces are removed ('ตู้เย็น' written 'ตู้ เย็น'); those carry no span (start = end = -1)."""
        hits = self.scan(text)
        if any(h.kind == "term" for h in hits):
            return hits
        squeezed = text.replace(" ", "")
        if len(squeezed) != len(text):
            have = set()
            for (kind, tis), term in self._terms_in(squeezed):
                if (kind, tis) not in have:
                    have.add((kind, tis))
                    hits.append(LexHit(kind, tis, term, -1, -1))
        return hits

    def _terms_in(self, text: str):
        """(('term', standard), term) for each product-term match in the text (whole-word rule as `scan`)."""
        n = len(text)
        for end, (term, kinds) in self._auto.iter(text):
            if not any(k == "term" for k, _ in kinds):
                continue
            start = end - len(term) + 1
            if term[0] in _LATIN and start > 0 and text[start - 1] in _LATIN:
                continue
            if term[-1] in _LATIN and end + 1 < n and text[end + 1] in _LATIN:
                continue
            for kt in kinds:
                if kt[0] == "term":
                    yield kt, term
