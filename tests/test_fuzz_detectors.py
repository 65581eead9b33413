"""Hostile text through the normaliser and every detector (Hypothesis): long whitespace runs, repeated
separators, digits, Thai combining marks, partial marks and 100 kB descriptions. The property: work stays
linear in the input. Each example's time is compared with a linear baseline over the same text (a
regex scan and a copy), with a generous factor, so a slow machine does not make it flaky but a
backtracking pattern (seconds on a few hundred characters) fails at once. Each time is the best of three runs
(as timeit reports): a first-call warm-up or a scheduler pause makes one run slow, a backtracking pattern makes
every run slow."""

from __future__ import annotations

import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import listing as L

PIECES = [
    " ",
    "  ",
    "\t",
    "\n",
    " " * 90,
    "-",
    "/",
    ".",
    ":",
    "(",
    ")",
    "–",
    "มอก",
    "มอก.",
    "ม.อ.ก",
    "tis",
    "TIS ",
    "ท",
    "นค",
    "เลขที่",
    "ใบอนุญาต",
    "เล่ม",
    "2432",
    "2555",
    "๒๔๓๒",
    "1234-5/",
    "\u0e48",
    "\u0e49",
    "\u0e4c",
    "\u0e31",
    "\u200b",
    "&#",
    "&amp;",
    "ไม่มี",
    "ได้มาตรฐาน",
    "license no.",
    "9",
    "0",
    "ๆ",
    "🔥",
]
hostile = st.lists(st.sampled_from(PIECES), min_size=1, max_size=400).map("".join)
long_runs = st.tuples(
    st.sampled_from(["tis", "มอก.", "ท", "ใบอนุญาต ท1", "มอก. 2432-2555"]),
    st.sampled_from([" ", "\t", " .", "-", "/", " :"]),
    st.integers(50, 5000),
    st.sampled_from(["x", "", "1", "/2432", "ก"]),
).map(lambda t: t[0] + t[1] * t[2] + t[3])
_BASE = re.compile(r"\d")


def _baseline(text: str) -> float:
    t = time.perf_counter()
    for _ in range(3):
        _BASE.findall(text)
        text.lower().encode("utf-8")
    return time.perf_counter() - t


def _best_of_three(work) -> float:
    times = []
    for _ in range(3):
        t = time.perf_counter()
        work()
        times.append(time.perf_counter() - t)
    return min(times)


def _assess_time(engine, title: str, description: str) -> float:
    from tisguard.spec.listing import Listing

    item = Listing.model_validate(L(title=title[:2000] or "x", description=description))
    return _best_of_three(lambda: engine.assess(item))


def _bound(text: str) -> float:
    return 0.05 + 400 * _baseline(text)


FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(text=st.one_of(hostile, long_runs))
def test_normaliser_is_linear(text):
    from tisguard.detect.text import normalize

    assert _best_of_three(lambda: normalize(text)) < _bound(text)
    assert "  " not in normalize(text).text  # whitespace runs are collapsed before any pattern sees them


@FUZZ
@given(text=st.one_of(hostile, long_runs), title=hostile)
def test_every_detector_stays_linear(engine, text, title):
    assert _assess_time(engine, title, text) < _bound(title + text)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(unit=st.sampled_from(["tis ", "มอก. 2432-2555" + " " * 90, "ท1234-5/" * 3, "๒๔๓๒ ", "\u0e48\u0e49 ", "- / : "]))
def test_a_100_kb_description_is_assessed_in_linear_time(engine, unit):
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    assert _assess_time(engine, "ปลั๊กพ่วง 4 ช่อง", text) < _bound(text)


def test_the_reported_payloads_are_fast(engine):
    """The review's reproductions: 'tis' + 200 spaces + 'x' (101 s before), and a description with a line of
    90 spaces after a standard number (2 s through Engine.assess before)."""
    from tisguard.detect.detectors.marks import LICENCE_RE, STANDARD_RE

    payload = "tis" + " " * 200 + "x"
    for pattern in (STANDARD_RE, LICENCE_RE):
        t = time.perf_counter()
        list(pattern.finditer(payload))
        assert time.perf_counter() - t < _bound(payload)
    desc = "ได้มาตรฐาน มอก. 2432-2555" + " " * 90 + "\n" + "ok"
    assert _assess_time(engine, "ปลั๊กพ่วง", desc) < _bound(desc)
