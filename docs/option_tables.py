"""Write the option tables of docs/models.md and docs/extractors.md from the code: ``make docs``.

Each table sits between a ``<!-- options: emoflow COMMAND --format markdown -->`` line and ``<!-- end options -->``
and is that command's output: every option's type, range and default, read by pydantic from the ``Config``
dataclasses. ``--check`` changes nothing and exits 1 naming each file whose tables differ from the code (the tests
run it, so the docs cannot drift).
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

from click.testing import CliRunner

from emoflow.cli.main import cli

DOCS = Path(__file__).resolve().parent
FILES = ("models.md", "extractors.md")
BLOCK = re.compile(r"(<!-- options: emoflow (?P<command>[^>]+?) -->\n)(?P<table>.*?)(<!-- end options -->)", re.S)


def generated(command: str) -> str:
    """The output of ``emoflow COMMAND`` (a markdown listing)."""
    result = CliRunner().invoke(cli, shlex.split(command), catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"emoflow {command} failed: {result.output}")
    return result.output


def updated(text: str) -> str:
    """``text`` with every options block replaced by its command's current output."""
    return BLOCK.sub(lambda m: m.group(1) + "\n" + generated(m.group("command")) + m.group(4), text)


def main(argv: list[str]) -> int:
    """Rewrite the tables (or, with ``--check``, report the files whose tables are stale)."""
    stale = []
    for name in FILES:
        path = DOCS / name
        text = path.read_text(encoding="utf-8")
        if not BLOCK.search(text):
            raise SystemExit(f"{path}: no '<!-- options: emoflow ... -->' block")
        new = updated(text)
        if new != text:
            stale.append(path)
            if "--check" not in argv:
                path.write_text(new, encoding="utf-8")
    if stale and "--check" in argv:
        print(f"option tables out of date in {', '.join(map(str, stale))}: run `make docs`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
