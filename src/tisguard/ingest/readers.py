"""Stream raw records from JSON Lines, CSV and Parquet, one at a time, never a whole file.

Each reader yields `(record_no, raw_dict)` or `(record_no, RecordError)`; record numbers are
1-based data records (the line number for JSON Lines). Nothing here validates listing fields.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from tisguard.ingest.limits import MAX_CSV_FIELD_CHARS
from tisguard.spec.listing import RecordError

MAX_LINE_BYTES = 64 * 1024 * 1024
Raw = tuple[int, "dict[str, Any] | RecordError"]
NESTED_PREFIXES = ("seller",)
JSON_COLUMNS = ("attributes", "images", "seller", "label")
INT_COLUMNS = ("sold_count",)
FLOAT_COLUMNS = ("price",)
BOOL_COLUMNS = ("seller.dbd_registered",)


def detect_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        return fmt
    name = path.name.lower()
    for ext, f in (
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".json", "jsonl"),
        (".csv", "csv"),
        (".parquet", "parquet"),
        (".pq", "parquet"),
    ):
        if name.endswith(ext):
            return f
    raise ValueError(f"{path}: unknown file type; use .jsonl, .csv or .parquet (or --format)")


def read_records(path: Path, fmt: str | None = None) -> Iterator[Raw]:
    return {"jsonl": read_jsonl, "csv": read_csv, "parquet": read_parquet}[detect_format(path, fmt)](path)


def read_jsonl(path: Path) -> Iterator[Raw]:
    with path.open("rb") as fh:
        yield from iter_jsonl(fh)


def iter_jsonl(fh: io.BufferedIOBase) -> Iterator[Raw]:
    line_no = 0
    while True:
        line = fh.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        line_no += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (chunk := fh.readline(MAX_LINE_BYTES)) and not chunk.endswith(b"\n"):
                pass
            yield line_no, RecordError(line_no, "(record)", f"record longer than {MAX_LINE_BYTES // 2**20} MiB")
            continue
        try:  # the common case in one call: orjson checks the UTF-8 itself
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            pass  # blank, or bad: the steps below say why, as they always have
        else:
            yield line_no, obj
            continue
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as e:
            yield (
                line_no,
                RecordError(line_no, "(record)", f"invalid UTF-8 at byte {e.start}: {line[e.start : e.start + 4]!r}"),
            )
            continue
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError as e:
            hint = " (truncated last line?)" if not line.endswith(b"\n") else ""
            yield line_no, RecordError(line_no, "(record)", f"invalid JSON at column {e.colno}: {e.msg}{hint}")
            continue
        yield line_no, obj


class CellError(ValueError):
    """A CSV cell that cannot be read at all (the record is rejected naming the column)."""


def _convert(col: str, value: str) -> Any:
    """CSV cells are text: turn the typed columns into values; leave bad ones for validation to name."""
    if col in JSON_COLUMNS and value[:1] in "[{":
        try:
            return orjson.loads(value)  # bounded nesting (1,024), unlike a recursive parser
        except orjson.JSONDecodeError as e:
            if "depth" in str(e) or "recursion" in str(e):
                raise CellError(f"JSON nested too deeply ({e})") from None
            return value
    try:
        if col in INT_COLUMNS:
            return int(value)
        if col in FLOAT_COLUMNS:
            return float(value)
    except ValueError:
        return value
    if col in BOOL_COLUMNS:
        return {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(value.lower(), value)
    return value


def flat_to_nested(flat: dict[str, Any]) -> dict[str, Any]:
    """`seller.id` / `seller_id` columns become the nested `seller` object; empty cells are absent."""
    out: dict[str, Any] = {}
    for col, value in flat.items():
        if value is None or value == "":
            continue
        for prefix in NESTED_PREFIXES:
            for sep in (".", "_"):
                if col.startswith(prefix + sep):
                    sub = out.setdefault(prefix, {})
                    if isinstance(sub, dict):
                        sub[col[len(prefix) + 1 :]] = value
                    break
            else:
                continue
            break
        else:
            out[col] = value
    return out


def read_csv(path: Path) -> Iterator[Raw]:
    """CSV with a header row. A cell longer than MAX_CSV_FIELD_CHARS, a JSON cell nested too deeply or a
    row the csv module cannot parse is a rejected record; the file goes on."""
    if csv.field_size_limit() < MAX_LINE_BYTES:  # parse long cells, then reject them by our own limit
        csv.field_size_limit(MAX_LINE_BYTES)
    with path.open("r", encoding="utf-8", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip().lstrip("\ufeff") for h in next(reader)]
        except StopIteration:
            return
        except csv.Error as e:
            yield 0, RecordError(0, "(header)", f"unreadable CSV header: {e}")
            return
        norm_header = [h.replace("seller_", "seller.", 1) if h.startswith("seller_") else h for h in header]
        rec_no = 0
        while True:
            rec_no += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield rec_no, RecordError(rec_no, "(record)", f"unreadable CSV row near line {reader.line_num}: {e}")
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                yield rec_no, RecordError(rec_no, "(record)", f"row has {len(row)} columns, header has {len(header)}")
                continue
            long = next((h for h, v in zip(header, row) if len(v) > MAX_CSV_FIELD_CHARS), None)
            if long:
                n = len(row[header.index(long)])
                yield (
                    rec_no,
                    RecordError(rec_no, long, f"{n:,} characters; a field may have at most {MAX_CSV_FIELD_CHARS:,}"),
                )
                continue
            bad = next((h for h, v in zip(header, row) if any(0xDC80 <= ord(c) <= 0xDCFF for c in v)), None)
            if bad:
                yield rec_no, RecordError(rec_no, bad, "invalid UTF-8 bytes in this field")
                continue
            values, cell_error = {}, None
            for h, nh, v in zip(header, norm_header, row):
                try:
                    values[nh] = _convert(nh, v.strip())
                except CellError as e:
                    cell_error = RecordError(rec_no, h, str(e))
                    break
            yield rec_no, cell_error or flat_to_nested(values)


def read_parquet(path: Path, batch_size: int = 4096) -> Iterator[Raw]:
    import pyarrow.parquet as pq

    rec_no = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size):
        for row in batch.to_pylist():
            rec_no += 1
            row = {k.replace("seller_", "seller.", 1) if k.startswith("seller_") else k: v for k, v in row.items()}
            if isinstance(row.get("attributes"), list):  # pyarrow map type -> list of pairs
                row["attributes"] = dict(row["attributes"])
            yield rec_no, flat_to_nested({k: _convert(k, v) if isinstance(v, str) else v for k, v in row.items()})
