"""Marked blocks and tables in Markdown files: the one reader and writer every generator in ``tools/`` uses.

A generated part of a hand-written file sits between two HTML comments that Markdown does not show::

    <!-- name:start -->
    ...written by a tool...
    <!-- name:end -->

:func:`block` reads what lies between them, :func:`fill` replaces it. Both raise :class:`MissingBlock`, a
``ValueError`` that names the file and the markers to add, instead of exiting the process: a library never ends a
command-line tool that imports it. :func:`table` writes a Markdown table (every generated table in the
repository goes through it); there is deliberately no reader for generated tables: their data lives in JSON files
(the ledger, ``notebooks/results.json``) and is never parsed back out of Markdown. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["MissingBlock", "block", "cell", "fill", "has_block", "table"]


class MissingBlock(ValueError):
    """A file has no ``<!-- name:start -->`` ... ``<!-- name:end -->`` block."""


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {re.escape(name)}:start -->\n)(.*?)(<!-- {re.escape(name)}:end -->)", re.S)


def has_block(text: str, name: str) -> bool:
    """Whether ``text`` holds the block ``name``."""
    return _pattern(name).search(text) is not None


def block(text: str, name: str, file: str = "README.md") -> str:
    """What lies between ``<!-- name:start -->`` and ``<!-- name:end -->`` (``file`` names the text in the error)."""
    found = _pattern(name).search(text)
    if found is None:
        raise MissingBlock(
            f"{file} has no <!-- {name}:start --> ... <!-- {name}:end --> block: add the two markers, each on its "
            "own line, where the generated text belongs"
        )
    return found[2]


def fill(text: str, name: str, body: str, file: str = "README.md") -> str:
    """``text`` with the block ``name`` replaced by ``body`` (which should end with a newline)."""
    block(text, name, file)  # raises when the markers are missing
    return _pattern(name).sub(lambda m: m[1] + body + m[3], text, count=1)


def cell(text: str) -> str:
    """``text`` as one Markdown table cell: a ``|`` inside it is escaped, line breaks become spaces."""
    return " ".join(str(text).split("\n")).replace("|", "\\|")


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """A Markdown table (no trailing newline): ``header``, the rule, one line per row.

    ``align`` has one letter per column, ``l`` (the default for missing letters), ``r`` or ``c``. Every cell
    goes through :func:`cell`; a row with another number of cells than the header is a ``ValueError``. This is a
    writer only: nothing in ``tools/`` reads a generated table back.
    """
    rules = {"l": "---", "r": "---:", "c": ":---:"}
    letters = align.ljust(len(header), "l")
    if len(letters) != len(header) or set(letters) - set(rules):
        raise ValueError(f"align {align!r} needs at most one of l, r, c per column ({len(header)} columns)")
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "|".join(rules[a] for a in letters) + "|"]
    for i, row in enumerate(rows):
        if len(row) != len(header):
            raise ValueError(f"table row {i} has {len(row)} cells, the header {len(header)}: {list(row)!r}")
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    return "\n".join(lines)
