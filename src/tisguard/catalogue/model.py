"""The in-memory catalogue the detectors read: a snapshot of the standards table."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Standard:
    tis_number: str
    year_be: int
    name_th: str
    name_en: str | None
    source: str
    status: str = "active"
    effective_date: str | None = None

    @property
    def label(self) -> str:
        return f"มอก. {self.tis_number}-{self.year_be}"


@dataclass
class Catalogue:
    """All editions of all standards; `current(tis)` is the newest edition that is not retired."""

    editions: list[Standard] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_tis: dict[str, list[Standard]] = {}
        self._current: dict[str, Standard | None] = {}
        for s in self.editions:
            self._by_tis.setdefault(s.tis_number, []).append(s)
        for eds in self._by_tis.values():
            eds.sort(key=lambda s: s.year_be)

    def tis_numbers(self) -> list[str]:
        return sorted(t for t, eds in self._by_tis.items() if any(e.status != "retired" for e in eds))

    def has(self, tis: str) -> bool:
        return tis in self._by_tis and any(e.status != "retired" for e in self._by_tis[tis])

    def current(self, tis: str) -> Standard | None:
        if tis not in self._current:
            eds = [e for e in self._by_tis.get(tis, []) if e.status != "retired"]
            self._current[tis] = eds[-1] if eds else None
        return self._current[tis]

    def edition(self, tis: str, year_be: int) -> Standard | None:
        return next((e for e in self._by_tis.get(tis, []) if e.year_be == year_be), None)

    def by_number(self, number: int) -> list[str]:
        """All TIS numbers (any part) whose base number is `number`."""
        return [t for t in self._by_tis if t.split(" ")[0] == str(number)]
