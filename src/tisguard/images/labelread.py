"""Label reading, the meaning half: standard numbers, licence numbers and the licensee in OCR lines,
each checked against the catalogue and the registry before it is trusted.

Real labels print the licence on its own line under or beside the mark (`ท1455-3/2921`), usually
without "ใบอนุญาตเลขที่", and OCR reads the type letter as `n`, `vn`, `M` (ท), `u`, `W` (น)… So near a
mark a licence-shaped string counts without a keyword, but only when its standard (after the slash) is
in the catalogue, and either the registry knows the number or the label itself agrees (a Thai type
letter read as such, or the same standard printed beside it). A misread number must not become a
"licence not in the registry" accusation: an unconfirmed keyword-free reading is dropped, and the mark
then counts as a mark without a readable licence.

The photo's QR codes are read with the print (`read(..., qrs)`): a registry licence a code carries counts as
read (`how` "qr", and the evidence line says it came from the QR code) and settles the printed numbers beside
it as a licence read in the print does (a misread standard year or number, a year cut short). Licences that only
the registry can confirm (slash or suffix lost, Thai digits misread) are in `labelfallback`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tisguard.detect.text import normalize
from tisguard.images.labelfallback import licences_running_sub, licences_slash_lost, licences_thai_digits
from tisguard.images.ocr import clean_ocr_text
from tisguard.images.thaidigits import confusion_cost
from tisguard.registry.near import closest_for_standard, near_licences, one_misread
from tisguard.tisno import canonical_part, licence_key, licence_parts, tis_label

# After normalisation (lower case, Arabic digits). The type letter as printed, or as OCR misreads it.
_TYPE = r"(นค|ท|น|ส|vn|nn|un|ua|n|m|u|w|h)?"
_PART = (
    r"(?:\s*+(?:เล่ม|part)\s*+(\d{1,3}(?:\s*+\(\s*+\d{1,3}\s*+\))?)|\s*+\(\s*+(\d{1,3}(?:\s*+[-–]\s*+\d{1,3})?)\s*+\))?"
)
# the dash between running and sub-number may come out as '.', ',' or a space
LICENCE_SHAPE = re.compile(
    r"(?<![\d/])\(?\s*+"
    + _TYPE
    + r"\s*+\)?\s*+(\d{1,7})(?:\s*+[-–.,]\s*+|\s++)(\d{1,5})\s*+[/|]\s*+(\d{1,8})(?![\d])"
    + _PART
)
_THAI_TYPES = {"นค", "ท", "น", "ส"}
_GUESS = {"vn": "ท", "nn": "ท", "n": "ท", "m": "ท", "h": "ท", "u": "น", "w": "น", "un": "นค", "ua": "นค"}
_KEYWORD = re.compile(r"ใบอนุญาต|อนุญาต|licen[cs]e|lic\.|เลขที่")
# a part ('เล่ม 2(7)') may stand before the year without the dash (OCR drops it there) and 'เล่ม' may come
# out as two or three Latin letters ('wan', 'aw'); the catalogue must then hold that part's edition, so noise cannot pass
# 'เล่ม' also comes out as 'แล่ม', 'เแล่ม', 'เถ่ม' (one Thai consonant misread, a stray vowel before it).
# The year may come out with one extra digit ('25568' for 2558: a digit's loop read as a digit of its own);
# one digit dropped must then give the catalogue's edition, and only one such edition may exist. Right after a
# dash, a year whose 5 was misread ('17-2861') is read too (only there: '10.2493 เล่ม 1-2554' is no year 2493).
_PART_WORD = r"(?:[เแ]{0,2}[ก-ฮ][่้]?ม|part|[a-z]{2,3})"
_STANDARD = re.compile(
    r"(?<![\d/])(\d{1,5})(?:\s*+" + _PART_WORD + r"\s*+(\d{1,3}(?:\s*+\(\s*+\d{1,3}\s*+\))?)\s*+[-–.]?|\s*+[-–.])"
    r"\s*+(25\d\d\d?|(?<=[-–])2\d\d\d)(?!\d)"
)
# 'มอก. 1228 2561': the dash lost. Only right after the 'มอก' prefix (or OCR's reading of it: 'ทอก', 'non.',
# 'mon.', 'won.', 'von.', 'mao.', with a '.' or ','), where a number and a year can only be the standard and its edition.
_STANDARD_NO_DASH = re.compile(
    r"(?:[มท]อก[ก-ฮ]?|ม\.?อ\.?ก|\b[nmwvh][o0a][nkgo0])\s*+[.,]?\s*+(\d{1,5})\s++(2\d\d\d)(?!\d)"
)
# a standard whose year is cut short at the end of the line ('มอก.3000 เล่ม 3-256', '-256_', '-256..': the label's
# edge, a table rule, a mark's blanked disk):
# only the edition the registry records for a licence on the same label may complete it
_STANDARD_CUT = re.compile(
    r"(?<![\d/])(\d{1,5})(?:\s*+"
    + _PART_WORD
    + r"\s*+(\d{1,3}(?:\s*+\(\s*+\d{1,3}\s*+\))?))?\s*+[-–]\s*+(25\d?)\s*+[.,_]{0,2}+\s*+$"
)
_THAI_DIGIT = re.compile("[๐-๙]")
_LICENSEE = re.compile(r"บริษัท|จำกัด|ห้างหุ้นส่วน|co\.?,?\s*+ltd|limited")
# digits OCR reads as letters inside a number (only applied inside licence- or standard-shaped runs)
_DIGITISH = str.maketrans({"o": "0", "l": "1", "i": "1", "|": "1", "s": "5", "b": "8"})
_NUMBER_RUN = re.compile(r"[\doli|sb]{1,7}\s*+[-–.,]\s*+[\doli|sb]{1,5}\s*+[/|]\s*+[\doli|sb]{2,5}")


@dataclass
class Line:
    text: str  # cleaned and normalised
    raw: str
    box: tuple[int, int, int, int] | None = None
    confidence: float | None = None


@dataclass
class Reading:
    """What one label says, each item already checked. Items carry the line they were read on."""

    standards: list[dict] = field(default_factory=list)  # {"tis", "year_be", "line"}
    licences: list[dict] = field(default_factory=list)  # {"licence_no", "tis", "how", "line", ...}
    licensee: dict | None = None  # {"name", "line", "registry_match"}
    dropped: list[dict] = field(default_factory=list)  # licence-shaped readings not trusted, with why


# a running number split by a stray space ('771 1-66/2493'): joined only right before '-sub/standard'
_SPLIT_RUNNING = re.compile(r"(?<![\d/])(\d{1,5}) (\d{1,5})(?=\s*+[-–]\s*+\d{1,5}\s*+[/|]\s*+\d)")


# a standard's year split by a stray space ('824-255 1'): joined only right after the dash before it
_SPLIT_YEAR = re.compile(r"(?<=[-–])(\s*+25\d) (\d)(?!\d)")


def _digits_fixed(text: str) -> str:
    text = _NUMBER_RUN.sub(lambda m: m.group(0).translate(_DIGITISH), text)
    return _SPLIT_YEAR.sub(r"\1\2", _SPLIT_RUNNING.sub(r"\1\2", text))


def lines_of(ocr_lines: list[dict]) -> list[Line]:
    out = []
    for l in ocr_lines:
        t = normalize(clean_ocr_text(l["text"])).text
        out.append(Line(_digits_fixed(t), l["text"], tuple(l["box"]) if l.get("box") else None, l.get("confidence")))
    return out


def _near(line: Line, marks: list[dict], reach: float = 9.0) -> bool:
    """Whether the line lies within `reach` mark radii of a mark (true when positions are unknown)."""
    if not marks or line.box is None:
        return bool(marks)
    x0, y0, x1, y1 = line.box
    for m in marks:
        mx0, my0, mx1, my1 = m["box"]
        r = max(1.0, (mx1 - mx0) / 2)
        cx, cy = (mx0 + mx1) / 2, (my0 + my1) / 2
        dx = max(x0 - cx, 0, cx - x1)
        dy = max(y0 - cy, 0, cy - y1)
        if (dx * dx + dy * dy) ** 0.5 <= reach * r:
            return True
    return False


def _years(text: str) -> list[int]:
    """The year as read, or for a five-digit reading ('25568') each year one dropped digit gives. A year
    whose second digit is not 5 ('2861' for 2561: small bold print closes the 5's loop) is that one digit
    misread: the year with a 5 there, and no other reading of it."""
    if text[1] != "5":
        return [int("25" + text[2:])] if len(text) == 4 else []
    if len(text) == 4:
        return [int(text)]
    return sorted({int(text[:i] + text[i + 1 :]) for i in range(2, 5)})


def _one_digit_years(catalogue, tis: str, year_text: str) -> list[int]:
    """The catalogue's editions of `tis` whose year differs from the year read in one digit ('2586' read
    for 2536): taken by the caller only when there is exactly one."""
    near = {year_text[:i] + d + year_text[i + 1 :] for i in range(2, 4) for d in "0123456789"} - {year_text}
    return sorted(int(y) for y in near if catalogue.edition(tis, int(y)) is not None)


def _one_digit_numbers(catalogue, number: str, part: str | None, year: int) -> list[str]:
    """Standards with the part read one digit from the number read, whose edition is exactly the year read
    ('69335 เล่ม 2(15)-2567' for 60335 เล่ม 2(15)-2567): a part and a year that both match leave no room for
    another standard. Without a part (a plain '168-2549'), only a licence on the label may settle the number
    (`_standards_from_licences`). Taken by the caller only when it is the one candidate."""
    if len(number) < 3 or not part:
        return []
    near = {number[:i] + d + number[i + 1 :] for i in range(len(number)) for d in "0123456789"} - {number}
    return sorted(
        t for n in near if n[0] != "0" for t in [tis_label(n, part)] if catalogue.edition(t, year) is not None
    )


def _standards(lines: list[Line], catalogue, unconfirmed: list | None = None) -> list[dict]:
    """Standard numbers with their year, kept only when that edition is in the catalogue. Readings that
    are standard-shaped but not in the catalogue go to `unconfirmed` as (number, part, years, line)."""
    out, seen = [], set()
    for line in lines:
        found = [(m.group(1), m.group(2), m.group(3)) for m in _STANDARD.finditer(line.text)]
        found += [(m.group(1), None, m.group(2)) for m in _STANDARD_NO_DASH.finditer(line.text)]
        for number, part_text, year_text in found:
            part = re.sub(r"\s+", "", part_text) if part_text else None
            tis = tis_label(number, part)
            found = [(tis, y) for y in _years(year_text) if catalogue.edition(tis, y) is not None]
            how = None
            if not found and len(year_text) == 4 and year_text[1] == "5":
                # one digit misread, in the year (not with a part read too: two misreads) or in the number
                found = [(tis, y) for y in _one_digit_years(catalogue, tis, year_text) if not part]
                if not _THAI_DIGIT.search(line.raw):  # Thai digits are misread too often for a guess at the number
                    found += [(t, int(year_text)) for t in _one_digit_numbers(catalogue, number, part, int(year_text))]
                how = "one_digit"
                if unconfirmed is not None:  # which half was misread: a licence on the label may decide
                    unconfirmed.append((number, part, _years(year_text), line))
            if len(found) != 1:
                if unconfirmed is not None and not found and how is None:
                    unconfirmed.append((number, part, _years(year_text), line))
                continue
            if found[0] in seen:
                continue
            seen.add(found[0])
            out.append({"tis": found[0][0], "year_be": found[0][1], "line": line, **({"how": how} if how else {})})
        m = _STANDARD_CUT.search(line.text) if unconfirmed is not None else None
        if m:
            part = re.sub(r"\s+", "", m.group(2)) if m.group(2) else None
            unconfirmed.append((m.group(1), part, [], line, m.group(3)))
    return out


def _standards_from_licences(reading: Reading, unconfirmed: list, ref) -> None:
    """A standard number misread by one digit ('62363' for 62368) is taken when a licence read and
    confirmed on the same label is for that standard and the edition year read is in the catalogue for
    it: the label's two readings agree, and the catalogue holds exactly that edition. When the year read
    is not an edition of that standard but is one digit from the edition the registry records for the
    confirmed licence ('๒๒๑๕-๒๕๒๑' beside ท3547-93/2214 of 2214-2561), that edition is taken: the licence
    is the registry's, and the printed standard differs from its own by at most a digit in each half. A year
    cut short at the end of its line ('3000 เล่ม 3-256') is completed only as that registry edition."""
    from rapidfuzz.distance import Levenshtein

    catalogue = ref.catalogue
    have = {(s["tis"], s["year_be"]) for s in reading.standards}
    by_registry = ("registry", "registry_thai_digits", "qr")
    lic_standards = {l["tis"] for l in reading.licences if l.get("how") in (*by_registry, "near_mark", "keyword")}
    editions = {}  # standard → the edition year the registry records for a licence on this label
    for l in reading.licences:
        known = ref.registry.by_number(l["licence_no"]) if l.get("how") in by_registry and len(ref.registry) else None
        if known is not None and known.tis_year:
            editions[known.tis_number] = int(known.tis_year)
    for number, part, years, line, *cut in unconfirmed:
        if cut:  # the year cut short: exactly the licence's standard, and the edition the registry records for it
            tis = tis_label(number, part)
            y = editions.get(tis)
            if y and str(y).startswith(cut[0]) and catalogue.edition(tis, y) is not None and (tis, y) not in have:
                have.add((tis, y))
                reading.standards.append({"tis": tis, "year_be": y, "line": line, "how": "licence_on_label"})
            continue
        for tis in lic_standards:
            base, _, lic_part = tis.partition(" เล่ม ")
            if Levenshtein.distance(number, base) > 1 or (part and not _same_part(part, lic_part, line)):
                continue
            found = [y for y in years if catalogue.edition(tis, y) is not None]
            if not found and tis in editions and any(_one_digit_apart(y, editions[tis]) for y in years):
                found = [editions[tis]] if catalogue.edition(tis, editions[tis]) is not None else []
            if not found and tis in editions and _thai_year_of(number, base, years, editions[tis], line):
                found = [editions[tis]] if catalogue.edition(tis, editions[tis]) is not None else []
            for y in found:
                if (tis, y) not in have:
                    have.add((tis, y))
                    reading.standards.append({"tis": tis, "year_be": y, "line": line, "how": "licence_on_label"})
                    # 'มอก.369-2547' beside registry licence นค9262-34/366: the number was misread, not the year
                    reading.standards = [
                        s
                        for s in reading.standards
                        if not (s.get("how") == "one_digit" and s["line"] is line and s["tis"] != tis)
                    ]


def _same_part(read_part: str, part: str | None, line: Line) -> bool:
    """Whether a part read ('2(1)') is the licence's standard's part ('2(7)'): the same, or, printed in Thai
    digits, off by one look-alike digit (๗ read as ๑)."""
    if canonical_part(read_part) == canonical_part(part or None):
        return True
    digits = lambda p: re.sub(r"\D", "", p or "")  # noqa: E731
    return bool(part) and bool(_THAI_DIGIT.search(line.raw)) and confusion_cost(digits(read_part), digits(part)) <= 0.5


def _thai_year_of(number: str, base: str, years: list[int], edition: int, line: Line) -> bool:
    """Whether a standard printed in Thai digits, its number read right (or off only by digits often confused),
    reads as the edition the registry records for the licence confirmed on the same label, its year's last two
    digits misread ('๒๕๐๐' for ๒๕๖๑: ๖ and ๑ lost in glare): at most one confused digit and one other."""
    if not _THAI_DIGIT.search(line.raw) or confusion_cost(number, base) > 0.5:
        return False
    return any(str(y)[:2] == str(edition)[:2] and confusion_cost(str(y), str(edition)) <= 1.5 for y in years)


def _one_digit_apart(a: int, b: int) -> bool:
    x, y = str(a), str(b)
    return len(x) == len(y) and sum(c != d for c, d in zip(x, y)) == 1


def _licence_text(type_: str | None, m: re.Match) -> str:
    suffix = m.group(4)
    if m.group(5):
        suffix += " เล่ม " + re.sub(r"\s+", "", m.group(5))
    elif m.group(6):
        suffix += "(" + re.sub(r"\s+", "", m.group(6)) + ")"
    return f"{type_ or ''}{int(m.group(2))}-{int(m.group(3))}/{suffix}"


def _in_registry(registry, number: str, m: re.Match, type_guessed: bool):
    """The registry's licence for a reading: as read; without a guessed type letter; with one or two
    leading digits dropped from the running number (OCR reads the type letter ท/น as 1 or 4); and with a
    leading 1 or 7 dropped from the standard after the slash ('/760335' for /60335: the slash read twice)."""
    if not len(registry):
        return None
    hit = registry.by_number(number)
    if hit is None and type_guessed:
        hit = registry.by_number(_licence_text(None, m))
    running = m.group(2)
    for cut in (1, 2):
        if hit is not None or len(running) - cut < 1:
            break
        hit = registry.by_number(f"{running[cut:]}-{int(m.group(3))}/{number.split('/', 1)[1]}")
    suffix = number.split("/", 1)[1]
    if hit is None and len(m.group(4)) >= 3 and m.group(4)[0] in "17":
        hit = registry.by_number(f"{number.split('/', 1)[0]}/{suffix[1:]}")
    return hit


def _with_label_standard(registry, m: re.Match, label_standards: set[str]):
    """The registry licence with the read running and sub-numbers for a standard printed on the same label
    (one only): two readings and the registry agree, though the digits after the slash were misread."""
    if not len(registry) or not label_standards:
        return None
    hits = {
        lic.licence_no: lic
        for tis in label_standards
        for lic in [registry.by_number(f"{int(m.group(2))}-{int(m.group(3))}/{tis}")]
        if lic is not None and lic.tis_number == tis
    }
    return next(iter(hits.values())) if len(hits) == 1 else None


_BY_RUNNING: dict[int, tuple[object, dict[tuple[str, str], list]]] = {}


def _suffix_cut_short(registry, type_: str, m: re.Match):
    """'น8554-76/249.' for น8554-76/2493เล่ม2: the standard after the slash cut short or with one digit
    misread, at the end of a line or against the label's edge. Taken only when the type letter was read as
    printed, the line has the keyword or lies by the mark, and the registry holds exactly one licence with
    that type, running and sub-number whose standard starts with the digits read (or is one digit off)."""
    if not len(registry):
        return None
    from rapidfuzz.distance import Levenshtein

    cached = _BY_RUNNING.get(id(registry))
    if cached is None or cached[0] is not registry:
        index: dict[tuple[str, str], list] = {}
        for lic in registry.licences:
            p = licence_parts(lic.licence_no)
            if p is not None:
                index.setdefault((str(int(p["running"])), str(int(p["sub"]))), []).append((p["type"], lic))
        if len(_BY_RUNNING) > 4:
            _BY_RUNNING.clear()
        _BY_RUNNING[id(registry)] = cached = (registry, index)
    read_std = m.group(4)
    hits = [
        lic
        for t, lic in cached[1].get((str(int(m.group(2))), str(int(m.group(3)))), [])
        if t == type_
        and len(read_std) >= 2
        and (
            lic.tis_number.split(" ")[0].startswith(read_std)
            or Levenshtein.distance(lic.tis_number.split(" ")[0], read_std) <= 1
        )
    ]
    return hits[0] if len(hits) == 1 else None


def _one_digit_confirmed(lic, label_standards: set[str], line: Line, marks) -> bool:
    """Whether a reading one digit away from registry licence `lic` (`registry.near.one_misread`: a digit
    misread, one too many or one lost) may stand for it on this label: the licence's standard is the standard
    printed on the same label (read and found in the catalogue on its own) and the line is by the mark. A
    different licence would also need its standard misread the same way."""
    return lic.tis_number in label_standards and _near(line, marks)


def _licences(lines: list[Line], marks: list[dict], standards: list[dict], ref, reading: Reading) -> None:
    keyword_anywhere = any(_KEYWORD.search(l.text) for l in lines)
    label_standards = {s["tis"] for s in standards}
    seen: set[str] = set()
    for i, line in enumerate(lines):
        for m in LICENCE_SHAPE.finditer(line.text):
            printed = m.group(1)
            thai_type = printed if printed in _THAI_TYPES else None
            guessed = thai_type or _GUESS.get(printed or "", None)
            number = _licence_text(guessed, m)
            parts = licence_parts(number)
            if parts is None:  # not a licence number as read ('/760335', '/76223608'): only as the registry's
                known = _in_registry(ref.registry, number, m, guessed != thai_type)
                known = known or _with_label_standard(ref.registry, m, label_standards)
                parts = licence_parts(known.licence_no) if known is not None else None
                if parts is None:
                    continue
            key = licence_key(number)
            if key in seen:
                continue
            seen.add(key)
            before = line.text[max(0, m.start() - 40) : m.start()]
            prev = lines[i - 1].text if i else ""
            keyword = bool(_KEYWORD.search(before) or (not before.strip() and _KEYWORD.search(prev[-30:])))
            item = {"licence_no": number, "tis": parts["tis"], "line": line, "printed_type": printed}
            known = _in_registry(ref.registry, number, m, guessed != thai_type)
            if known is None:  # the suffix misread? the standard printed on the label, with the registry, decides
                known = _with_label_standard(ref.registry, m, label_standards)
            if known is None and thai_type and (keyword or _near(line, marks)):
                known = _suffix_cut_short(ref.registry, thai_type, m)
            if known is None and not ref.catalogue.has(parts["tis"]) and not ref.catalogue.has(str(int(m.group(4)))):
                reading.dropped.append({**item, "why": "standard after the slash is not in the catalogue"})
                continue
            # a guessed type letter ('n' for ท) must not rule a licence out: look the digits up without it
            as_read = number if guessed == thai_type else _licence_text(None, m)
            near = [] if known is not None else near_licences(ref.registry, as_read)
            one_off = one_misread(near, as_read) if near and ref.registry.by_number(as_read) is None else None
            if known is not None:
                item.update(licence_no=known.licence_no, tis=known.tis_number, how="registry")
            elif one_off is not None and _one_digit_confirmed(one_off, label_standards, line, marks):
                item.update(
                    licence_no=one_off.licence_no, tis=one_off.tis_number, how="registry_one_digit", read_as=number
                )
            elif near:
                why = f"one digit away from registry licence {near[0].licence_no}: a misread"
                reading.dropped.append({**item, "why": why})
                continue
            elif _THAI_DIGIT.search(line.raw):
                why = "printed in Thai digits, which OCR misreads: trusted only when the registry confirms it"
                reading.dropped.append({**item, "why": why})
                continue
            elif keyword:
                item["how"] = "keyword"
            elif thai_type and _near(line, marks) and (not label_standards or parts["tis"] in label_standards):
                item["how"] = "near_mark"
            elif keyword_anywhere and thai_type:
                item["how"] = "keyword_on_label"
            else:
                why = "no keyword, no mark nearby and not in the registry"
                if marks:
                    why = "read without a keyword and not confirmed by the registry or the label"
                reading.dropped.append({**item, "why": why})
                continue
            reading.licences.append(item)
    _keep_best_reading(reading)
    _drop_misread_twins(reading, ref)


_BY_REGISTRY = ("registry", "registry_one_digit", "qr")
_MISREAD_EDITS = 2  # a reading this many edits from a registry licence for its standard is taken for a misread


def _drop_misread_twins(reading: Reading, ref) -> None:
    """Readings the registry does not know, taken on the label's word (keyword, by the mark), that are a
    misread of a registry licence rather than another licence: the label's own registry licence for the same
    standard was read too ('47-40/655 เล่ม 3' beside น5447-40/655เล่ม3: leading digits lost), or a registry
    licence for that standard is at most `_MISREAD_EDITS` edits from it, or one more with the same sub-number
    ('น394-57/53' for น6884-57/53), or, read without its type letter, has that sub-number whatever its
    running number ('53-75/2202' for ท6488-75/2202: a partial reading, never a licence of its own). Kept,
    each would say "licence not in the registry" about a label that shows a registered one; dropped, the
    mark counts as a mark without a readable licence, and the reason is kept in `dropped`."""
    from rapidfuzz.distance import Levenshtein

    confirmed = {l["tis"]: l["licence_no"] for l in reading.licences if l.get("how") in _BY_REGISTRY}
    keep = []
    for item in reading.licences:
        why = None
        if item.get("how") not in _BY_REGISTRY:
            parts = licence_parts(item["licence_no"])
            if item["tis"] in confirmed:
                why = f"beside registry licence {confirmed[item['tis']]} for the same standard: a partial reading"
            elif parts is not None and len(ref.registry):
                read = f"{int(parts['running'])}-{int(parts['sub'])}"

                def edits(_no: str, running_sub: str, read: str = read, typeless: bool = not item["printed_type"]):
                    r, sub = running_sub.split("-")
                    if int(sub) != int(read.split("-")[1]):
                        return float(Levenshtein.distance(read, f"{int(r)}-{int(sub)}"))
                    if typeless:
                        return 0.0  # the type letter and the running number misread: '53-75/2202' for ท6488-75/2202
                    return max(0.0, Levenshtein.distance(read, f"{int(r)}-{int(sub)}") - 1.0)

                near = closest_for_standard(ref.registry, item["tis"], edits, _MISREAD_EDITS, margin=0.0)
                if near is not None:
                    why = f"{int(near[1])} digits from registry licence {near[0].licence_no}: a misread"
        if why is None:
            keep.append(item)
        else:
            reading.dropped.append({**item, "why": why})
    reading.licences = keep


_HOW_RANK = {
    "registry": 0,
    "qr": 0.5,  # read on the label too: that reading (its line, its box) is the better evidence
    "keyword": 1,
    "near_mark": 2,
    "keyword_on_label": 3,
    "registry_one_digit": 4,
    "registry_thai_digits": 5,
}


def _keep_best_reading(reading: Reading) -> None:
    """One item per licence: several readings of a label (page, region, line passes) may each give it,
    one exactly and one through a misread digit; the surest way it was read is kept."""
    best: dict[str, dict] = {}
    for item in reading.licences:
        have = best.get(item["licence_no"])
        if have is None or _HOW_RANK.get(item["how"], 9) < _HOW_RANK.get(have["how"], 9):
            best[item["licence_no"]] = item
    reading.licences = [i for i in reading.licences if best[i["licence_no"]] is i]


def _licensee(lines: list[Line], reading: Reading, ref) -> None:
    for line in lines:
        if not _LICENSEE.search(line.text):
            continue
        name = line.raw.strip()
        match = None
        for lic in reading.licences:
            known = ref.registry.by_number(lic["licence_no"]) if len(ref.registry) else None
            if known is not None:
                from rapidfuzz import fuzz

                from tisguard.registry.model import clean_company_name

                score = fuzz.ratio(clean_company_name(clean_ocr_text(name)), clean_company_name(known.licensee))
                if score >= 70:
                    match = {"licence_no": known.licence_no, "licensee": known.licensee, "score": round(score, 1)}
        reading.licensee = {"name": name, "line": line, "registry_match": match}
        return


def qr_licences(qrs: list[dict], registry) -> list[dict]:
    """Licences the photo's QR codes carry (`analyze` dicts: text, box…) that the registry holds, as reading
    items (`how` "qr", the code's text as the line). A code's payload is what the label's maker encoded, not an
    OCR guess, but it is trusted only when the registry confirms it: then it is evidence about the label's
    printed numbers too (its standard's edition settles a misread year; a misread of it beside it is dropped)."""
    if not qrs or not len(registry):
        return []
    from tisguard.detect.detectors.marks import LicenceNumberDetector
    from tisguard.images.qr import QrFinding, qr_text_for_matching

    det, out, seen = LicenceNumberDetector(), [], set()
    for q in qrs:
        qf = QrFinding(q["text"], tuple(q["box"]), q.get("host"), bool(q.get("tisi_host")))
        for e in det.from_text("image", normalize(qr_text_for_matching(qf)), seen):
            known = registry.by_number(e.value["licence_no"])
            if known is not None:
                line = Line(q["text"], q["text"], tuple(q["box"]) if q.get("box") else None)
                item = {"licence_no": known.licence_no, "tis": known.tis_number, "line": line}
                out.append({**item, "printed_type": None, "how": "qr", "qr_text": q["text"]})
    return out


def read(ocr_lines: list[dict], marks: list[dict], ref, qrs: list[dict] | None = None) -> Reading:
    """Everything checkable one photo's OCR lines say, against `ref` (catalogue, registry). `qrs`: the photo's
    decoded QR codes (`analyze` dicts); a registry licence in one counts as read (`how` "qr") and as evidence
    for the printed numbers."""
    lines = lines_of(ocr_lines)
    reading = Reading()
    unconfirmed: list = []
    reading.standards = _standards(lines, ref.catalogue, unconfirmed)
    reading.licences = qr_licences(qrs or [], ref.registry)
    _licences(lines, marks, reading.standards, ref, reading)
    licences_slash_lost(lines, reading.standards, ref, reading)
    licences_running_sub(lines, reading.standards, ref, reading)
    licences_thai_digits(lines, reading.standards, ref, reading)
    _standards_from_licences(reading, unconfirmed, ref)
    if any(s.get("how") != "one_digit" for s in reading.standards):  # a guess only when nothing was read exactly
        reading.standards = [s for s in reading.standards if s.get("how") != "one_digit"]
    _licensee(lines, reading, ref)
    return reading
