"""The four verdicts of listing-v1 and the set an officer must look at."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    NOT_REGULATED = "not_regulated"
    COMPLIANT = "compliant"
    UNVERIFIED = "unverified"
    NON_COMPLIANT = "non_compliant"


FLAGGED: frozenset[Verdict] = frozenset({Verdict.UNVERIFIED, Verdict.NON_COMPLIANT})
FLAGGED_VALUES: tuple[str, ...] = tuple(sorted(v.value for v in FLAGGED))
