"""Tolerant licence look-up: registry licences one digit away from a number that is not in the registry.

A number read from a photo (or typed by a seller) that misses the registry by one digit of its running or
sub-number, for the same standard, is far more likely a misread or a typo of that licence than another
licence. These look-ups never say the number *is* that licence: a caller that takes one must say what was
read and ask for the photo or the text to be checked (the image path marks it `registry_one_digit`; the
text path can give its "not in the registry" finding the same hint).

The per-standard index they compare with is `Registry.running_subs_by_standard`, built on first use.
"""

from __future__ import annotations

from tisguard.registry.model import Licence, Registry
from tisguard.tisno import licence_parts


def near_licences(registry: Registry, number: str) -> list[Licence]:
    """Registry licences for the standard of `number` whose running and sub-number are one edit away (a digit
    misread, added or lost; not the same digits), in number order; [] when the number is not well-formed or the registry is empty.
    A licence with another type letter than one `number` spells out is left out."""
    if not len(registry):
        return []
    parts = licence_parts(number)
    if parts is None:
        return []
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    choices = registry.running_subs_by_standard.get(parts["tis"].split(" ")[0])
    if not choices:
        return []
    target = f"{parts['running']}-{parts['sub']}"
    hits = process.extract(target, choices, scorer=Levenshtein.distance, score_cutoff=1, limit=None)
    out = []
    for _text, dist, licence_no in sorted(hits, key=lambda h: (h[1], h[2])):
        lic = registry.by_number(licence_no) if dist else None  # the number itself is no near miss
        if lic is None or (parts["type"] and (lic.licence_type or _type(lic)) not in (parts["type"], None)):
            continue
        out.append(lic)
    return out


def one_digit_from(registry: Registry, number: str) -> Licence | None:
    """The one registry licence for the same standard whose running and sub-number have the digits of
    `number` with exactly one of them different (a misread or mistyped digit, not a digit more or less);
    None when no licence or more than one does, or when `number` itself is in the registry."""
    if registry.by_number(number) is not None:
        return None
    return one_substitution(near_licences(registry, number), number)


def one_substitution(near: list[Licence], number: str) -> Licence | None:
    """Of `near` (`near_licences` of a number not in the registry), the one licence that differs from `number`
    by exactly one digit in place; None when none or several do. For a caller that already has `near`."""
    return _the_one(
        near, number, lambda have, read: len(have) == len(read) and sum(a != b for a, b in zip(have, read)) == 1
    )


def one_misread(near: list[Licence], number: str) -> Licence | None:
    """Of `near` (`near_licences` of a number not in the registry), the one licence that `number` misses by a
    digit misread in place, one digit read too many ('46083-46' for 4608-46: a glyph split in two) or one digit
    lost; None when none or several do. Looser than `one_substitution`: for a caller that has other evidence
    the reading is that licence (the image reader: its standard printed on the same label, by the mark)."""
    return _the_one(
        near, number, lambda have, read: abs(len(have) - len(read)) <= 1 and have.count("-") == read.count("-")
    )


def _the_one(near: list[Licence], number: str, fits) -> Licence | None:
    """The single licence of `near` whose 'running-sub' `fits(have, read)` the reading of `number`; else None."""
    parts = licence_parts(number)
    if parts is None:
        return None
    read = f"{parts['running']}-{parts['sub']}"
    hits = []
    for lic in near:
        p = licence_parts(lic.licence_no)
        have = f"{p['running']}-{p['sub']}" if p else ""
        if have and fits(have, read):
            hits.append(lic)
    return hits[0] if len(hits) == 1 else None


def _type(lic: Licence) -> str | None:
    p = licence_parts(lic.licence_no)
    return p["type"] if p else None


def closest_for_standard(
    registry: Registry, tis: str, cost, max_cost: float, margin: float = 1.0
) -> tuple[Licence, float] | None:
    """The one registry licence for standard `tis` whose running and sub-number `cost(licence_no,
    'running-sub')` puts closest, when that cost is at most `max_cost` and every other licence for the
    standard costs at least `margin` more; else None. With many licences for a standard (a real registry)
    a loose reading finds no clear winner and nothing is taken."""
    if not len(registry):
        return None
    choices = registry.running_subs_by_standard.get(tis.split(" ")[0])
    if not choices:
        return None
    scored = sorted((cost(no, rs), no) for no, rs in choices.items())
    best, no = scored[0]
    if best > max_cost or (len(scored) > 1 and scored[1][0] < best + margin):
        return None
    lic = registry.by_number(no)
    return (lic, best) if lic is not None and lic.tis_number == tis else None
