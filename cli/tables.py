"""Tables as the terminal shows them: DuckDB's boxes with every row asked for and no column cut."""

from __future__ import annotations

import contextlib
import io
from typing import Any

WIDE = 1_000_000
"""Width and column width given to DuckDB's renderer: ids are never shortened, also when output is piped."""


def box(relation: Any, max_rows: int) -> str:
    """``relation``'s first ``max_rows`` rows as DuckDB's box, every one shown, columns never cut."""
    shown = relation.limit(max_rows)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):  # DuckDB's renderer prints; its public call is show()
        shown.show(max_rows=max_rows, max_width=WIDE, max_col_width=WIDE)
    return buffer.getvalue().rstrip("\n")
