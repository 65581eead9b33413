"""Licences on a label that only the registry can confirm: a number whose slash was lost or read as a digit, one
whose standard after the slash was lost, and one printed in Thai digits that OCR misread. Each is taken only as
the registry's licence for a standard printed on the same label, and only when exactly one licence fits; each
runs only when the label's print gave no licence otherwise (a licence read in its QR code does not count)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tisguard.images.thaidigits import CONFUSABLE_LETTERS, confusion_cost
from tisguard.registry.near import closest_for_standard
from tisguard.tisno import licence_parts

if TYPE_CHECKING:
    from tisguard.images.labelread import Line, Reading

_THAI_DIGIT = re.compile("[๐-๙]")


def from_print(reading: Reading) -> list[dict]:
    """The licences read in the label's print (not only in its QR code)."""
    return [l for l in reading.licences if l.get("how") != "qr"]


def licences_slash_lost(lines: list[Line], standards: list[dict], ref, reading: Reading) -> None:
    """'5435-952223' for ท5435-95/2223, '6581-5@366' for นค6581-56/366, '8136 53650' for นค8136-53/50: the
    slash dropped, read as a digit ('7', '1', '6'…), 'l', '|', or with the digit before it turned into one or
    two other signs ('@', 'บ', 'ใ'), the dash read as a space or ':', right
    before a standard that is printed on the same label. Only the registry may confirm such a reading: it
    must hold exactly one licence for that standard with the running number read and one of the
    sub-numbers the reading allows (as read; without a trailing digit that was the slash; or, where signs
    stand for the slash, with one digit more)."""
    if from_print(reading) or not len(ref.registry):
        return
    for s in standards:
        base = s["tis"].split(" ")[0]
        tail = re.compile(
            r"(?<![\d/])(\d{1,7})(?:\s*+[-–.,:]\s*+|\s++)(\d{1,6})\s*+([^\d\s]{1,2}\s*+)?" + base + r"(?!\d)"
        )
        for line in lines:
            for m in tail.finditer(line.text):
                blob, junk = m.group(2), (m.group(3) or "").strip()
                subs = {blob}
                if not junk and len(blob) > 1:  # the slash read as a digit: '1', '7', and '6' or '9' in glare
                    subs.add(blob[:-1])
                if junk and junk not in ("/", "|", "l", "i"):
                    subs |= {blob + d for d in "0123456789"}
                hits = {
                    lic.licence_no: lic
                    for sub in subs
                    if len(sub) <= 5
                    for lic in [ref.registry.by_number(f"{int(m.group(1))}-{int(sub)}/{s['tis']}")]
                    if lic is not None and lic.tis_number == s["tis"]
                }
                if _took_the_one(hits, line, reading):
                    return


def _took_the_one(hits: dict, line: Line, reading: Reading) -> bool:
    """Take the registry licence when exactly one fits what the line shows (`how: registry`); say whether it did."""
    if len(hits) != 1:
        return False
    known = next(iter(hits.values()))
    item = {"licence_no": known.licence_no, "tis": known.tis_number, "line": line}
    reading.licences.append({**item, "printed_type": None, "how": "registry"})
    return True


_RUNNING_SUB = re.compile(r"(?<![\d/.,])(\d{3,7})\s*+[-–.,:]\s*+(\d{1,5})(?![\d])")


def licences_running_sub(lines: list[Line], standards: list[dict], ref, reading: Reading) -> None:
    """'5534.27/\' ใ 1 เคม 3' for ท5534-27/11เล่ม3: the running and sub-number read, what follows the slash
    lost. Taken only as the registry's licence for a standard printed on the same label with exactly that
    running number (three digits or more) and sub-number, and only when one such licence exists: two
    numbers and the printed standard agree with the registry."""
    if from_print(reading) or not len(ref.registry) or not standards:
        return
    for line in lines:
        for m in _RUNNING_SUB.finditer(line.text):
            hits = {
                lic.licence_no: lic
                for st in standards
                for lic in [ref.registry.by_number(f"{int(m.group(1))}-{int(m.group(2))}/{st['tis']}")]
                if lic is not None and lic.tis_number == st["tis"]
            }
            if _took_the_one(hits, line, reading):
                return


# A licence printed in Thai digits, as normalised OCR gives it: the type letter (an extra 'ค' read in 'นค'),
# the running number, the sub-number after a dash (or what OCR made of the dash), the standard after a slash;
# digits may be look-alike letters and stand apart.
_D = "[\\d" + CONFUSABLE_LETTERS + "]"
_THAI_LICENCE = re.compile(
    r"(นค|ท|น|ส)ค?\s*+(" + _D + r"(?:\s?+" + _D + r"){2,7}+)"
    r"(?:\s*+[-–.,:]\s*+(" + _D + r"(?:\s?+" + _D + r"){0,5}+))?(?:\s*+[/|]\s*+(" + _D + r"{1,6}+))?"
)
THAI_MAX_COST = 2.0  # confusion_cost from the registry licence, at most (1.0 when no dash was read)


def _thai_cost(m: re.Match, licence_no: str, base: str) -> float:
    """How far a Thai-digit reading is from a registry licence: running and sub-number compared apart when
    the dash was read, together otherwise; a type letter other than the one read costs 1; a standard read
    after the slash more than two edits from the licence's rules the licence out."""
    p = licence_parts(licence_no)
    if p is None:
        return 99.0
    cost = 0.0 if p["type"] in (m.group(1), None) else 1.0
    running, sub = (re.sub(r"\s", "", g or "") for g in (m.group(2), m.group(3)))
    if sub:
        cost += confusion_cost(running, str(int(p["running"]))) + confusion_cost(sub, str(int(p["sub"])))
    else:
        cost += confusion_cost(running, f"{int(p['running'])}{int(p['sub'])}")
        cost += 0.0 if cost <= 1.0 else 99.0
    if m.group(4) and confusion_cost(m.group(4), base) > 2.0:
        cost += 99.0
    return cost


def licences_thai_digits(lines: list[Line], standards: list[dict], ref, reading: Reading) -> None:
    """A licence printed in Thai digits that no exact reading found ('นคณ355-13/2550' for นค7795-13/2440:
    ๗ read as ณ and ๓, ๙ as ๕), taken from the registry: among the licences for a standard printed on the
    same label (read and in the catalogue), the one whose running and sub-number the digits read reach
    with the fewest edits, where a digit read as one it is often confused with (`thaidigits.CONFUSED`)
    counts half; only when that is at most `THAI_MAX_COST` (1 when the dash was lost) and every other
    licence for the standard is a whole edit further. Only lines read with Thai digits, only when the label
    gave no licence otherwise; the item says what was read (`read_as`) so the photo can be checked."""
    if from_print(reading) or not len(ref.registry) or not standards:
        return
    for line in lines:
        if not _THAI_DIGIT.search(line.raw):
            continue
        for m in _THAI_LICENCE.finditer(line.text):
            if sum(c.isdigit() for c in m.group(0)) < 4:
                continue
            for s in standards:
                base = s["tis"].split(" ")[0]
                hit = closest_for_standard(
                    ref.registry, s["tis"], lambda no, _rs, _m=m, _b=base: _thai_cost(_m, no, _b), THAI_MAX_COST
                )
                if hit is not None:
                    lic = hit[0]
                    item = {"licence_no": lic.licence_no, "tis": lic.tis_number, "line": line}
                    item.update(printed_type=m.group(1), how="registry_thai_digits", read_as=m.group(0).strip())
                    reading.licences.append(item)
                    return
