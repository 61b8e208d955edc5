"""How long each notebook takes, written where students look: one line in each notebook's title cell and the
time column of README's course table, both from the committed ledger, notebooks/results.json.

    python -m tools.headers            # write the lines (notebooks/NN_*.py, their .ipynb, README.md)
    python -m tools.headers --check    # exit 1 when a line or the column differs from what the ledger renders

The line reads ``*Runs in under 4½ minutes on a N-core CPU (last full run).*``: the notebook's seconds in its last
full ``make run`` (kernel start included), rounded *up* to the next half minute, and the machine that run recorded
(see :meth:`tools.ledger.Ledger.time_line`); the column's title names the machine too
(:meth:`tools.ledger.Ledger.time_column`). Nothing here types a machine in. Notebooks whose last run failed keep
their line. A missing or unreadable ledger is an error naming the file and the fix, in both modes.

The tool only ever adds or rewrites that one line (and the one column); it is idempotent. It recognises every time
line it has ever written (:data:`LINE`: ``*Runs in`` ... ``(last full run`` ...), so rewording the line replaces it
instead of adding a second one.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import jupytext
import nbformat

from tools.ledger import Ledger, ledger_path, short_phrase, shown
from tools.repo_url import ROOT

#: Any time line this tool ever wrote: the stable prefix ``*Runs in`` and ``(last full run`` before the end.
LINE = re.compile(r"^\*Runs in .*\(last full run\b[^)]*\)\.?\*$")
#: The course table's header row in README.md.
COURSE_TABLE = "| # | Notebook |"
#: The time column's title, however the ledger words the machine.
COLUMN = re.compile(r"^Time\b")


def with_time_line(lines: list[str], line: str, prefix: str) -> list[str]:
    """A title cell's markdown lines (each starting with ``prefix``) with the time line set.

    An existing time line is replaced in place; otherwise the line goes in its own paragraph after the Colab
    badge (or, without a badge, after the title).
    """
    bare = [x[len(prefix) :] if x.startswith(prefix) else "" for x in lines]
    for i, text in enumerate(bare):
        if LINE.match(text.strip()):
            return lines[:i] + [prefix + line] + lines[i + 1 :]
    anchor = next((i for i, t in enumerate(bare) if "colab-badge" in t), None)
    if anchor is None:
        anchor = next((i for i, t in enumerate(bare) if t.startswith("# ")), 0)
    blank = prefix.rstrip()
    return lines[: anchor + 1] + [blank, prefix + line] + lines[anchor + 1 :]


def update_twin(text: str, line: str) -> str:
    """A py:percent twin's text with its title cell's time line set (the rest of the file untouched)."""
    lines = text.split("\n")
    start = next(i for i, x in enumerate(lines) if x.startswith("# %% [markdown]"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("# %%")), len(lines))
    return "\n".join(lines[: start + 1] + with_time_line(lines[start + 1 : end], line, "# ") + lines[end:])


def update_readme(text: str, title: str, phrases: dict[str, str]) -> str:
    """README text with the course table's time column titled ``title`` and filled for the notebooks in
    ``phrases`` (the hand-written columns untouched; the column is added when the table has none)."""
    lines = text.split("\n")
    head = next((i for i, x in enumerate(lines) if x.startswith(COURSE_TABLE)), None)
    if head is None:
        raise ValueError(f"README.md has no course table (a line starting {COURSE_TABLE!r}): put it back")
    cells = lines[head].strip().strip("|").split("|")
    column = next((k for k, c in enumerate(cells) if COLUMN.match(c.strip())), None)
    if column is None:
        column = len(cells)
        cells.append("")
        lines[head + 1] += "---|"
    cells[column] = f" {title} "
    lines[head] = "|" + "|".join(cells) + "|"
    i = head + 2
    while i < len(lines) and lines[i].startswith("|"):
        row = lines[i].strip().strip("|").split("|")
        found = re.search(r"\(notebooks/(\d\d_[\w-]+)\.ipynb\)", lines[i])
        while len(row) <= column:
            row.append(" ")
        if found and found[1] in phrases:
            row[column] = f" {phrases[found[1]]} "
        lines[i] = "|" + "|".join(row) + "|"
        i += 1
    return "\n".join(lines)


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    """Write (or ``--check``) every notebook's time line and README's time column from the ledger."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a time line or README's column is stale")
    args = parser.parse_args(argv)
    path = ledger_path(notebooks=root / "notebooks")
    try:
        ledger = Ledger.read(path)
        readme = root / "README.md"
        text = readme.read_text(encoding="utf-8")
        seconds = ledger.finished_seconds()
        new = update_readme(text, ledger.time_column(), {n: short_phrase(s) for n, s in seconds.items()})
    except (ValueError, FileNotFoundError) as e:
        print(f"headers: {e}", file=sys.stderr)
        return 1
    print(f"headers: seconds and machine from {shown(path)}")
    stale, missing = [], []
    for py in sorted((root / "notebooks").glob("[0-9][0-9]_*.py")):
        if py.stem not in seconds:
            missing.append(py.stem)
            continue
        line = ledger.time_line(py.stem)
        twin = py.read_text(encoding="utf-8")
        updated = update_twin(twin, line)
        if updated != twin:
            stale.append(py.name)
            if not args.check:
                py.write_text(updated, encoding="utf-8")
        ipynb = py.with_suffix(".ipynb")
        if ipynb.exists():
            nb = nbformat.read(ipynb, as_version=4)
            title = nb.cells[0]
            wanted = "\n".join(with_time_line(title.source.split("\n"), line, ""))
            if title.cell_type == "markdown" and title.source != wanted:
                stale.append(ipynb.name)
                if not args.check:
                    title.source = wanted
                    nbformat.write(nb, ipynb)
                    assert jupytext.read(py).cells[0].source.strip() == wanted.strip(), f"{py.name} and its .ipynb"
    if new != text:
        stale.append("README.md")
        if not args.check:
            readme.write_text(new, encoding="utf-8")
    for name in missing:
        print(f"headers: {name}: no seconds from a full run that reached the end; its line is left as it is")
    verb = "stale" if args.check else "updated"
    for name in stale:
        print(f"headers: {name} {verb}" + (": run `make headers` (python -m tools.headers)" if args.check else ""))
    if not stale:
        print("headers: every time line and README's time column match the ledger")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
