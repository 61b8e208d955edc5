"""Tables in the docs that must follow the code.

    python -m tools.docs            # rewrite CONTRIBUTING.md's switch table from mnist_course/settings.py
    python -m tools.docs --check    # exit 1 when it is stale, or when mnist_course/__init__.py's module table
                                    # and the package's modules disagree

The switch table's source is the table in ``mnist_course.settings``' docstring; it must name exactly the
variables in ``settings.SWITCHES``. CONTRIBUTING.md carries it as Markdown between
``<!-- switches:start -->`` and ``<!-- switches:end -->``.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

from tools.markdown import fill, table
from tools.repo_url import ROOT


def rst_table(doc: str) -> list[list[str]]:
    """The rows of the first RST simple table (``====  ====`` rules) in a docstring, continuation lines joined."""
    lines = doc.splitlines()
    rules = [i for i, x in enumerate(lines) if re.fullmatch(r"=+( +=+)+", x.strip())]
    if len(rules) < 3:
        raise ValueError("no RST simple table (three rules of '=') in the docstring")
    spans = [m.span() for m in re.finditer(r"=+", lines[rules[0]])]
    rows: list[list[str]] = []
    for line in lines[rules[1] + 1 : rules[2]]:
        if not line.strip():
            continue
        cells = [line[a : (spans[k + 1][0] if k + 1 < len(spans) else None)].strip() for k, (a, _) in enumerate(spans)]
        if cells[0]:
            rows.append(cells)
        else:  # a continuation line: append each non-empty cell to the row above
            rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells)]
    return rows


def markdown(cell: str) -> str:
    """RST inline markup to Markdown: ``x`` -> `x`, :func:`f` -> `f`."""
    return re.sub(r"``([^`]+)``", r"`\1`", re.sub(r":\w+:`~?([^`]+)`", r"`\1`", cell))


def _docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def _switches(path: Path) -> tuple[str, ...]:
    """``SWITCHES`` as written in settings.py (read without importing, so the check runs on any copy)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SWITCHES" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise ValueError(f"{path} defines no SWITCHES")


def switch_table(root: Path = ROOT) -> str:
    """CONTRIBUTING's switch table, from settings.py's docstring; ``ValueError`` when it and SWITCHES disagree."""
    settings = root / "mnist_course" / "settings.py"
    rows = rst_table(_docstring(settings))
    named = [markdown(r[0]).strip("`") for r in rows]
    switches = _switches(settings)
    if sorted(named) != sorted(switches):
        raise ValueError(
            f"settings.py's docstring table names {sorted(set(named) ^ set(switches))} but SWITCHES does not, or the "
            "other way round: make them agree"
        )
    header = ["variable", "values", "default", "who sets it, what it does"]
    return table(header, [[markdown(c) for c in r] for r in rows]) + "\n"


def module_problems(root: Path = ROOT) -> list[str]:
    """Where mnist_course/__init__.py's module table and the package's modules disagree."""
    package = root / "mnist_course"
    listed = {markdown(r[0]).strip("`") for r in rst_table(_docstring(package / "__init__.py"))}
    present = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    return [
        f"mnist_course/{m}.py has no row in mnist_course/__init__.py's module table" for m in sorted(present - listed)
    ] + [f"mnist_course/__init__.py's module table names {m}, which is not a module" for m in sorted(listed - present)]


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    """Write (or ``--check``) CONTRIBUTING's switch table; check the package's module table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a table is stale")
    args = parser.parse_args(argv)
    contributing = root / "CONTRIBUTING.md"
    text = contributing.read_text(encoding="utf-8")
    try:
        new = fill(text, "switches", switch_table(root), "CONTRIBUTING.md")
        problems = module_problems(root)
    except ValueError as e:  # the markers are missing, or the docstring table and SWITCHES disagree
        print(f"docs: {e}", file=sys.stderr)
        return 1
    if new != text:
        if args.check:
            problems.append("CONTRIBUTING.md's switch table differs from settings.py: run `python -m tools.docs`")
        else:
            contributing.write_text(new, encoding="utf-8")
            print("docs: CONTRIBUTING.md's switch table updated")
    for p in problems:
        print(f"docs: {p}")
    if not problems:
        print("docs: the switch and module tables match the code")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
