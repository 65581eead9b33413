"""JSON Lines input for Spark jobs as byte ranges: the driver cuts the file at line boundaries and Spark hands
each task only (path, start, end, first line number); the task reads its range itself.

Compared with `sc.textFile`, no line travels from the JVM to the Python worker (each was pickled, piped and
decoded), Spark runs no extra job to number the lines (`zipWithIndex`), and the partitions are as large as
asked for. Record numbers are the file's line numbers, as `ingest.readers.read_jsonl` gives them, so rejects
name the same line either way. The file must be readable at the same path by every executor (a local file in
local mode; a shared file system on a cluster, see docs/deploy.md); other inputs use `textFile`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from tisguard.ingest.readers import Raw, iter_jsonl

CHUNK = 16 * 2**20
TARGET_SPLIT_BYTES = 64 * 2**20


def is_local_jsonl(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in (".jsonl", ".ndjson", ".json")


def jsonl_splits(path: Path, min_splits: int, target_bytes: int = TARGET_SPLIT_BYTES) -> list[tuple]:
    """[(path, start, end, first_line_no)]: a multiple of `min_splits` ranges (the task slots; fewer for a tiny
    file) of about `target_bytes` at most, every one starting at the beginning of a line. One pass over the file in C
    (`bytes.count` / `find`), about a second per gigabyte."""
    size = path.stat().st_size
    per_round = max(min_splits, 1)  # a multiple of the task slots: no last round with one task running alone
    n = per_round * max(1, -(-size // (target_bytes * per_round)))
    cuts = [0]
    with path.open("rb") as fh:
        for k in range(1, n):
            fh.seek(size * k // n)
            fh.readline()  # to the start of the next line
            cut = fh.tell()
            if cuts[-1] < cut < size:
                cuts.append(cut)
        bounds = [*cuts, size]
        first_lines, newlines = [], 0
        fh.seek(0)
        for k in range(len(cuts)):
            first_lines.append(newlines + 1)
            left = bounds[k + 1] - bounds[k]
            while left > 0:
                chunk = fh.read(min(CHUNK, left))
                if not chunk:
                    break
                newlines += chunk.count(b"\n")
                left -= len(chunk)
    return [(str(path), bounds[k], bounds[k + 1], first_lines[k]) for k in range(len(cuts))]


class _Range(io.RawIOBase):
    def __init__(self, fh, length: int) -> None:
        self._fh, self._left = fh, length

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(b)[: min(len(b), self._left)]
        n = self._fh.readinto(view)
        self._left -= n or 0
        return n or 0


def read_split(split: tuple) -> Iterator[Raw]:
    """The records of one range as `read_jsonl` yields them: (line number in the file, record or RecordError)."""
    path, start, end, first_line = split
    with open(path, "rb", buffering=0) as raw:
        raw.seek(start)
        fh = io.BufferedReader(_Range(raw, end - start), buffer_size=4 * 2**20)
        for line_no, rec in iter_jsonl(fh):
            n = line_no + first_line - 1
            if hasattr(rec, "record_no"):  # a RecordError numbered within the range
                rec = type(rec)(n, rec.field, rec.reason, rec.listing_id)
            yield n, rec
