"""The per-standard product-term lexicon (data/lexicon.json) compiled into one Aho-Corasick automaton."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import ahocorasick

_LATIN = set("abcdefghijklmnopqrstuvwxyz0123456789")


class LexHit(NamedTuple):
    kind: str  # term | exclude | accessory
    tis: str | None
    term: str
    start: int
    end: int


def packaged_lexicon_path() -> Path:
    return Path(str(resources.files("tisguard") / "data" / "lexicon.json"))


class Lexicon:
    def __init__(self, data: dict):
        self.data = data
        self.standards: dict[str, dict] = data["standards"]
        self.digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
        self._auto = ahocorasick.Automaton()
        entries: dict[str, list[tuple[str, str | None]]] = {}
        for tis, spec in self.standards.items():
            for t in spec.get("terms", []):
                entries.setdefault(t.lower(), []).append(("term", tis))
            for t in spec.get("exclude", []):
                entries.setdefault(t.lower(), []).append(("exclude", tis))
        for t in data.get("generic_accessory", []):
            entries.setdefault(t.lower(), []).append(("accessory", None))
        for term, kinds in entries.items():
            self._auto.add_word(term, (term, tuple(kinds)))
        self._auto.make_automaton()

    @classmethod
    def load(cls, path: Path | None = None) -> Lexicon:
        return cls(json.loads((path or packaged_lexicon_path()).read_text(encoding="utf-8")))

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

    def scan_with_spacing_variants(self, text: str) -> list[LexHit]:
        """Hits in the text; when no product term is found, also the term hits that appear once stray
        spaces are removed ('ตู้เย็น' written 'ตู้ เย็น'); those carry no span (start = end = -1)."""
        hits = self.scan(text)
        if any(h.kind == "term" for h in hits):
            return hits
        squeezed = text.replace(" ", "")
        if len(squeezed) != len(text):
            have = {(h.kind, h.tis) for h in hits}
            for h in self.scan(squeezed):
                if h.kind == "term" and (h.kind, h.tis) not in have:
                    have.add((h.kind, h.tis))
                    hits.append(LexHit(h.kind, h.tis, h.term, -1, -1))
        return hits
