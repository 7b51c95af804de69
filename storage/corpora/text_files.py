"""Reading corpus text files without losing rows to bad bytes.

Text is decoded as UTF-8 with surrogate escapes: a row holding invalid bytes is still read, and validation
reports exactly which field is broken instead of the whole file failing to load.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path


def read_text(path: Path) -> str:
    """The file's text; invalid UTF-8 bytes become surrogate escapes (see :func:`invalid_utf8`)."""
    return Path(path).read_bytes().decode("utf-8-sig", errors="surrogateescape")


def read_csv_records(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, record)`` for each data row of a CSV file with a header row."""
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    if reader.fieldnames is None:
        return
    start = reader.line_num + 1
    for record in reader:
        yield start, {k.strip(): (v if v is not None else "") for k, v in record.items() if k is not None}
        start = reader.line_num + 1


def invalid_utf8(value: str) -> bytes | None:
    """The undecodable bytes in ``value`` (read by :func:`read_text`), or ``None`` when it is valid UTF-8."""
    bad = bytes(ord(c) - 0xDC00 for c in value if 0xDC80 <= ord(c) <= 0xDCFF)
    return bad or None
