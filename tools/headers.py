"""How long each notebook takes, written where students look: one line in each notebook's title cell and the
Time column of README's course table, both from the same measured seconds.

    python -m tools.headers            # write the lines (notebooks/NN_*.py, their .ipynb, README.md)
    python -m tools.headers --check    # exit 1 when a line or the column differs from the seconds

The line reads ``*Runs in about 4½ minutes on a 2-core CPU (last full run).*``: the notebook's seconds in the last
full ``make run`` (kernel start included), rounded *up* to the next half minute (see
:func:`tools.ledger.minutes_phrase`), so it never promises less than the run took and overstates by under 30 s.
It is a measurement on one 2-core CPU, stated as such; other machines differ.

The seconds come from the ledger (build/results.json; notebooks whose last run failed are skipped). In a clean
clone there is no build/, and the seconds come from README's results block, which `python -m tools.readme_results`
copied from the same ledger: then --check still proves the lines and the column agree with the published table.
The tool only ever adds or rewrites that one line (and the one column); it is idempotent.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import jupytext
import nbformat

from tools.ledger import ROOT, Ledger, ledger_path, minutes_phrase, seconds_in_markdown
from tools.readme_results import block

LINE = re.compile(r"^\*Runs in .* on a 2-core CPU \(last full run\)\.\*$")
COLUMN = "Time on a 2-core CPU"


def time_line(seconds: float) -> str:
    """The title cell's line for a notebook that ran in ``seconds``."""
    return f"*Runs in {minutes_phrase(seconds)} on a 2-core CPU (last full run).*"


def short_phrase(seconds: float) -> str:
    """The README column's cell: ``about 4½ min``, ``under 1 min``, ``under ½ min``."""
    phrase = minutes_phrase(seconds)
    return phrase.replace("half a minute", "½ min").replace("a minute", "1 min").replace(" minutes", " min")


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


def update_readme(text: str, phrases: dict[str, str]) -> str:
    """README text with the course table's time column filled for the notebooks in ``phrases``."""
    lines = text.split("\n")
    head = next((i for i, x in enumerate(lines) if x.startswith("| # | Notebook |")), None)
    if head is None:
        raise SystemExit("README.md has no course table (a line starting '| # | Notebook |')")
    cells = [c.strip() for c in lines[head].strip().strip("|").split("|")]
    add = COLUMN not in cells
    if add:
        lines[head] += f" {COLUMN} |"
        lines[head + 1] += "-" * len(COLUMN) + "|"
    column = cells.index(COLUMN) if not add else len(cells)
    i = head + 2
    while i < len(lines) and lines[i].startswith("|"):
        row = lines[i].strip().strip("|").split("|")
        found = re.search(r"\(notebooks/(\d\d_[\w-]+)\.ipynb\)", lines[i])
        if add:
            row.append(" ")
        if found and found[1] in phrases:
            row[column] = f" {phrases[found[1]]} "
        lines[i] = "|" + "|".join(row) + "|"
        i += 1
    return "\n".join(lines)


def measured_seconds(root: Path) -> tuple[dict[str, float], str]:
    """Each notebook's seconds in the last full run, and where they come from."""
    path = ledger_path(build=root / "build")
    if path.exists():
        ledger = Ledger.read(path)
        failed = ledger.failed()
        return {n: s for n, s in ledger.seconds().items() if n not in failed}, str(path.relative_to(root))
    readme = (root / "README.md").read_text(encoding="utf-8")
    return seconds_in_markdown(block(readme, "results")), "README.md's results block (no build/results.json)"


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a time line or README's column is stale")
    args = parser.parse_args(argv)
    seconds, source = measured_seconds(root)
    print(f"headers: seconds from {source}")
    stale, missing = [], []
    for py in sorted((root / "notebooks").glob("[0-9][0-9]_*.py")):
        if py.stem not in seconds:
            missing.append(py.stem)
            continue
        line = time_line(seconds[py.stem])
        text = py.read_text(encoding="utf-8")
        new = update_twin(text, line)
        if new != text:
            stale.append(py.name)
            if not args.check:
                py.write_text(new, encoding="utf-8")
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
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    new = update_readme(text, {n: short_phrase(s) for n, s in seconds.items()})
    if new != text:
        stale.append("README.md")
        if not args.check:
            readme.write_text(new, encoding="utf-8")
    for name in missing:
        print(f"headers: {name}: no seconds from a full run that reached the end; its line is left as it is")
    verb = "stale" if args.check else "updated"
    for name in stale:
        print(f"headers: {name} {verb}" + (": run `python -m tools.headers`" if args.check else ""))
    if not stale:
        print("headers: every time line matches")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
