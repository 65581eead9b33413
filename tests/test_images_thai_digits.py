"""Label reading, second round of issue 11: licences and editions printed in Thai digits that OCR misreads
(a digit read as one it is often confused with, or as a Thai letter), settled by the registry and the
standard printed on the same label; and readings that are a misread of the label's registry licence, which
must not become a "licence not in the registry" finding. Every OCR line here is built from a registry
licence by the test, through the confusion table, so no answer is written in."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import DEV
from label_fixtures import MARK

_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _lines(*texts: str) -> list[dict]:
    return [{"text": t, "box": [200, 100 + 40 * i, 600, 130 + 40 * i], "confidence": 80.0} for i, t in enumerate(texts)]


def _registry_rows() -> list[dict]:
    from tisguard.registry.store import read_registry_csv

    return [r for r in read_registry_csv(DEV / "registry.csv")[0] if r["status"] == "active"]


def _misread(digits: str, times: int) -> str:
    """`digits` (Arabic) as OCR's Thai model may read them: the first `times` digits that have a look-alike
    in `thaidigits.CONFUSED` replaced by it (a letter where one exists), then all in Thai digits."""
    from tisguard.images.thaidigits import CONFUSED

    out, done = [], 0
    for d in digits:
        alike = [r for r, stands_for in CONFUSED.items() if d in stands_for]
        if done < times and alike:
            out.append(next((r for r in alike if not r.isdigit()), alike[0]))
            done += 1
        else:
            out.append(d)
    return "".join(out).translate(_TO_THAI)


def _with_confusions(rows: list[dict], need: int) -> list[dict]:
    """Licences (type ท/น/นค, a standard without a part) whose running and sub-number have at least `need`
    digits with a look-alike, and whose standard and edition are in the catalogue."""
    from tisguard.images.thaidigits import CONFUSED
    from tisguard.tisno import licence_parts

    out = []
    for r in rows:
        p = licence_parts(r["licence_no"])
        if p is None or " " in r["tis_number"] or not r.get("tis_year"):
            continue
        digits = f"{int(p['running'])}{int(p['sub'])}"
        if sum(any(d in s for s in CONFUSED.values()) for d in digits) >= need:
            out.append(r | {"parts": p})
    return out


def test_confusion_cost_counts_look_alikes_half():
    from tisguard.images.thaidigits import confusion_cost

    assert confusion_cost("7795", "7795") == 0
    assert confusion_cost("ณ355", "7795") == 1.5  # ๗ read as ณ and as ๓, ๙ as ๕: three look-alikes
    assert confusion_cost("1234", "2468") == 4  # no look-alike: every digit a whole edit
    assert confusion_cost("61641", "616415") == 1  # a digit lost
    assert confusion_cost("6164159", "616415", free_tail=True) == 0  # what follows the licence is not counted
    assert confusion_cost("6164159", "616415") == 1


def test_thai_digit_licence_taken_from_the_registry_when_one_licence_is_clearly_closest(reference):
    from tisguard.images.labelread import read

    rows = _registry_rows()
    tried = 0
    for r in _with_confusions(rows, 3)[:12]:
        p, tis = r["parts"], r["tis_number"]
        if reference.catalogue.edition(tis, int(r["tis_year"])) is None:
            continue
        standard = f"มอก. {tis}-{r['tis_year']}".translate(_TO_THAI)
        running = _misread(str(int(p["running"])), 2)
        line = f"ใบอนุญาตเลขที่ {p['type']}{running}-{str(int(p['sub'])).translate(_TO_THAI)}/{tis.translate(_TO_THAI)}"
        got = read(_lines(standard, line), MARK, reference)
        by_thai = [l for l in got.licences if l.get("how") == "registry_thai_digits"]
        # the registry may hold another licence for the standard as close to what was read: then none is taken
        assert not [l for l in got.licences if l["licence_no"] != r["licence_no"]], line
        if by_thai:
            tried += 1
            assert by_thai[0]["licence_no"] == r["licence_no"] and by_thai[0]["read_as"]
            # without the standard printed on the label, the registry is not asked
            assert not [l for l in read(_lines(line), MARK, reference).licences if l["licence_no"] == r["licence_no"]]
            # the same misread in Arabic digits is no Thai-digit reading
            arabic = line.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
            assert all(
                l.get("how") != "registry_thai_digits" for l in read(_lines(standard, arabic), MARK, reference).licences
            )
    assert tried >= 3


def test_thai_digit_reading_far_from_every_licence_or_between_two_is_not_taken(reference):
    from tisguard.images.labelread import read
    from tisguard.registry.model import Registry

    rows = _with_confusions(_registry_rows(), 2)
    r = next(x for x in rows if reference.catalogue.edition(x["tis_number"], int(x["tis_year"])) is not None)
    p, tis = r["parts"], r["tis_number"]
    standard = f"มอก. {tis}-{r['tis_year']}".translate(_TO_THAI)
    far = f"ใบอนุญาตเลขที่ {p['type']}{'1234567'.translate(_TO_THAI)}-{'89'.translate(_TO_THAI)}"
    assert not read(_lines(standard, far), MARK, reference).licences
    # two registry licences for the standard equally close to the reading: neither is taken
    lic = reference.registry.by_number(r["licence_no"])
    running, sub = int(p["running"]), str(int(p["sub"]))
    twin_last = next(d for d in "4689" if d != sub[-1])
    read_last = next(d for d in "246789" if d not in (sub[-1], twin_last))  # no key of CONFUSED: whole edits
    twin = dataclasses.replace(lic, licence_no=f"{p['type']}{running}-{int(sub[:-1] + twin_last)}/{tis}")
    line = f"ใบอนุญาตเลขที่ {p['type']}{running}-{sub[:-1]}{read_last}".translate(_TO_THAI)
    ref2 = dataclasses.replace(reference, registry=Registry([lic, twin]))
    assert not read(_lines(standard, line), MARK, ref2).licences
    alone = dataclasses.replace(reference, registry=Registry([lic]))
    assert [l["licence_no"] for l in read(_lines(standard, line), MARK, alone).licences] == [lic.licence_no]


def test_thai_digit_edition_misread_is_the_registry_edition_of_the_licence_on_the_label(reference):
    from tisguard.images.labelread import read

    for r in _registry_rows():
        tis, year = r["tis_number"], r.get("tis_year")
        if " " in tis or not year or reference.catalogue.edition(tis, int(year)) is None:
            continue
        alike = _misread(str(year)[2], 1).translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
        # the third digit read as a look-alike, the last as any other digit: two digits off, so no other rule
        misread = str(year)[:2] + alike + str((int(str(year)[3]) + 5) % 10)
        if not alike.isdigit() or alike == str(year)[2] or reference.catalogue.edition(tis, int(misread)):
            continue
        standard = f"มอก. {tis}-{misread}".translate(_TO_THAI)
        got = read(_lines(standard, f"ใบอนุญาตเลขที่ {r['licence_no']}"), MARK, reference)
        assert (tis, int(year)) in {(s["tis"], s["year_be"]) for s in got.standards}, standard
        # the same year in Arabic digits is a different number, not a Thai-digit misread
        arabic = read(_lines(f"มอก. {tis}-{misread}", f"ใบอนุญาตเลขที่ {r['licence_no']}"), MARK, reference)
        assert (tis, int(year)) not in {(s["tis"], s["year_be"]) for s in arabic.standards}
        # without the licence beside it the misread year is not guessed
        alone = read(_lines(standard), MARK, reference)
        assert (tis, int(year)) not in {(s["tis"], s["year_be"]) for s in alone.standards}
        return
    pytest.skip("no registry licence whose edition year has a look-alike digit")


def test_reading_that_misreads_the_labels_registry_licence_is_dropped_not_reported(reference):
    from tisguard.images.labelread import read
    from tisguard.tisno import licence_parts

    r, p = next(
        (x, q)
        for x in _registry_rows()
        for q in [licence_parts(x["licence_no"])]
        if q and q["type"] in ("ท", "น") and len(str(int(q["running"]))) >= 3 and " " not in x["tis_number"]
    )
    running, sub, tis = str(int(p["running"])), int(p["sub"]), r["tis_number"]
    cut = f"{running[2:] or '9'}-{sub}/{tis}"  # leading digits lost, keyword on the line
    got = read(_lines(f"ใบอนุญาตเลขที่ {r['licence_no']}", f"ใบอนุญาตเลขที่ {cut}"), MARK, reference)
    assert [l["licence_no"] for l in got.licences] == [r["licence_no"]]
    assert any("partial reading" in d["why"] for d in got.dropped)
    # alone, a reading two digits from a registry licence of its standard is a misread, not another licence
    other = "".join(str((int(c) + 3) % 10) for c in running[:2]) + running[2:]
    got = read(_lines(f"ใบอนุญาตเลขที่ {p['type']}{other}-{sub}/{tis}"), MARK, reference)
    if reference.registry.by_number(f"{p['type']}{other}-{sub}/{tis}") is None:
        assert not got.licences and any("misread" in d["why"] for d in got.dropped)


def test_typeless_reading_with_a_registry_licences_sub_number_is_dropped(reference):
    from tisguard.images.labelread import read
    from tisguard.tisno import licence_parts

    r, p = next(
        (x, q)
        for x in _registry_rows()
        for q in [licence_parts(x["licence_no"])]
        if q and q["type"] and len(str(int(q["running"]))) >= 3 and " " not in x["tis_number"]
    )
    running, sub, tis = str(int(p["running"])), int(p["sub"]), r["tis_number"]
    other = str((int(running[:2]) + 37) % 100 or 11)  # a running number misread beyond any edit count
    number = f"{other}-{sub}/{tis}"
    if reference.registry.by_number(number) is not None:
        pytest.skip("the misread is a registry licence itself")
    got = read(_lines(f"ใบอนุญาตเลขที่ {number}"), MARK, reference)
    assert not got.licences and any("misread" in d["why"] for d in got.dropped)
    # with its type letter read, a running number far from every registry licence's is another licence, reported
    far = f"{p['type']}98765-{sub}/{tis}"
    typed = read(_lines(f"ใบอนุญาตเลขที่ {far}"), MARK, reference)
    assert [l["licence_no"] for l in typed.licences] == [far]


def _label(lines: list[str], size: int = 30) -> object:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/tlwg/Loma.ttf", size)
    im = Image.new("RGB", (900, 80 + 60 * len(lines)), (250, 250, 246))
    d = ImageDraw.Draw(im)
    for i, t in enumerate(lines):
        d.text((40, 40 + 60 * i), t, font=font, fill=(20, 20, 20))
    return im


def test_marked_page_read_again_in_grey_only_when_it_gave_no_licence_and_standard():
    import time

    from tisguard.images.labelpage import read_label

    mark = [((840, 50), 20)]  # where a TIS mark was found (a blank corner here: it is blanked before reading)
    lic = next(r for r in _registry_rows() if " " not in r["tis_number"] and r.get("tis_year"))
    clean = _label(["เครื่องใช้ไฟฟ้า", f"มอก. {lic['tis_number']}-{lic['tis_year']}", f"ใบอนุญาต {lic['licence_no']}"])
    page = read_label(clean, mark, [], time.monotonic() + 20)
    assert any(lic["tis_number"] in l.text for l in page.lines)
    assert "sparse_grey" not in page.passes  # a well-read label costs nothing more
    words = _label(["เครื่องใช้ไฟฟ้า", "ผลิตในประเทศไทย"])
    assert "sparse_grey" in read_label(words, mark, [], time.monotonic() + 20).passes
    assert "sparse_grey" not in read_label(words, [], [], time.monotonic() + 20).passes  # no mark: no second look
