"""CSV for spreadsheets: UTF-8 with a byte-order mark (Excel reads Thai correctly), one row at a time, and
cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) made inert with a
leading apostrophe (OWASP's CSV-injection advice). User-written text reaches these files."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    s = str(value)
    return "'" + s if s.startswith(_FORMULA_START) else s


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The file as text chunks (a header line first, with the BOM), ready to stream."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    yield BOM + buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        w.writerow([safe_cell(v) for v in row])
        yield buf.getvalue()
