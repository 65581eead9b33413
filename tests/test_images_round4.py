"""Label reading, round 4 (issue 11): ink measured on the page's own text side, so a dark-on-light label's
bright glare streaks and reflective edges are no ink while light text on a dark label (or on a dark band of a
light one) still is; a standard whose year ends in what the blanked mark or the label's edge left of its last
digit ('3-256_', '3-256..'). Every picture here is drawn by the test."""

from __future__ import annotations

import numpy as np
import pytest

from label_fixtures import MARK
from label_fixtures import ocr_lines as _lines
from label_fixtures import registry_licence as _licence
from label_fixtures import standards_read as _standards


def _strokes(page: np.ndarray, y0: int, y1: int, value: int) -> None:
    """Letter-like vertical strokes, 4 px wide, across the page between rows y0 and y1 (in place)."""
    for x in range(20, 380, 12):
        page[y0:y1, x : x + 4] = value


def _is_ink(ink: np.ndarray, y0: int, y1: int) -> float:
    """The share of the strokes' cores (drawn by `_strokes`) that came out as ink."""
    return float(np.mean([(ink[y0 + 4 : y1 - 4, x + 1 : x + 3] == 0).mean() for x in range(20, 380, 12)]))


def test_bright_glare_streak_on_a_dark_on_light_label_is_no_ink():
    """Counting both sides of the background alike made ink of a highlight streak (Tesseract then reads it as
    letters or loses the line it crosses); the text's side is dark, so only dark counts in full."""
    from tisguard.images import prep

    g = np.full((200, 400), 170, np.uint8)
    _strokes(g, 40, 60, 40)
    g[120:126, 20:380] = 250  # a highlight streak, 80 grey levels above the paper
    ink = prep.text_ink(g)
    assert _is_ink(ink, 40, 60) == 1.0
    assert (ink[120:126, 20:380] == 0).mean() < 0.05


def test_light_text_on_a_dark_label_is_ink():
    from tisguard.images import prep

    g = np.full((200, 400), 50, np.uint8)
    _strokes(g, 40, 60, 230)
    ink = prep.text_ink(g)
    assert _is_ink(ink, 40, 60) == 1.0
    assert (ink[100:200] == 0).mean() < 0.01


def test_light_text_on_a_dark_band_of_a_light_label_is_still_ink():
    """The page's minority side counts at `prep.OTHER_POLARITY`: strong light-on-dark text (a coloured header
    band) still comes out, the band itself does not."""
    from tisguard.images import prep

    g = np.full((200, 400), 220, np.uint8)
    _strokes(g, 40, 60, 40)
    g[100:160] = 40
    _strokes(g, 120, 140, 230)
    ink = prep.text_ink(g)
    assert _is_ink(ink, 40, 60) == 1.0 and _is_ink(ink, 120, 140) == 1.0
    assert (ink[104:116, 20:380] == 0).mean() < 0.01


def test_soft_page_is_dark_text_on_white_on_either_polarity():
    from tisguard.images import prep

    for paper, text in ((220, 40), (40, 220)):
        g = np.full((200, 400), paper, np.uint8)
        _strokes(g, 40, 60, text)
        soft = prep.text_soft(g)
        assert soft[44:56, 21:23].mean() < 100 and soft[100:200].mean() > 200, (paper, text)


@pytest.mark.parametrize("tail", ["_", "..", "_.", " _"])
def test_standard_year_cut_by_the_blanked_mark_is_completed_only_by_the_licence_on_the_label(reference, tail):
    """'มอก. 3000 เล่ม 3-256_': the year's last digit ran into the mark's blanked disk (a spec table's corner)
    and came out as '_' or dots: the registry edition of the licence read on the same label, and nothing
    without that licence."""
    from tisguard.images.labelread import read

    lic = _licence()
    tis, year = lic["tis_number"], str(lic["tis_year"])
    r = read(_lines(f"มอก. {tis}-{year[:3]}{tail}", lic["licence_no"]), MARK, reference)
    assert (tis, int(year)) in _standards(r), r.standards
    assert not _standards(read(_lines(f"มอก. {tis}-{year[:3]}{tail}"), MARK, reference))
    other = "254" if year[2] != "4" else "256"
    assert not _standards(read(_lines(f"มอก. {tis}-{other}{tail}", lic["licence_no"]), MARK, reference))
