"""README.md's two measured tables, rendered from their committed files (`make readme`).

    python -m tools.readme_results            # rewrite the blocks
    python -m tools.readme_results --check    # exit 1 when a block differs from what its file renders

* ``<!-- results:start/end -->``: the course's results, :meth:`tools.ledger.Ledger.markdown_table` of
  notebooks/results.json (written by full `make run`s), the sentence about the machine included;
* ``<!-- bench:start/end -->``: the "How fast" table, :meth:`bench.report.Report.markdown_table` of
  bench/results.json (written by `make bench`).

Both files are committed, so the check compares in a clean clone (CI) as on the machine that ran them. A missing
or unreadable file is an error naming it and the command that writes it, never "nothing to check".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.report import Report
from tools.ledger import Ledger, ledger_path
from tools.markdown import block, fill
from tools.repo_url import ROOT

#: The README blocks this tool owns.
BLOCKS = ("results", "bench")


def render(text: str, root: Path = ROOT) -> tuple[str, list[str]]:
    """README text with each block filled from its file, and the errors of the files that could not be read
    (their blocks are left as they are)."""
    errors = []
    try:
        ledger = Ledger.read(ledger_path(notebooks=root / "notebooks"))
        text = fill(text, "results", ledger.markdown_table() + "\n")
    except (ValueError, FileNotFoundError) as e:
        errors.append(str(e))
    try:
        report = Report.read(root / "bench" / "results.json")
        text = fill(text, "bench", report.markdown_table() + "\n")
    except (ValueError, FileNotFoundError) as e:
        errors.append(str(e))
    return text, errors


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    """Write (or ``--check``) README's results and "How fast" blocks."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a block differs from its file")
    args = parser.parse_args(argv)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    new, errors = render(text, root)
    for error in errors:
        print(f"readme_results: {error}", file=sys.stderr)
    try:
        stale = [name for name in BLOCKS if block(text, name) != block(new, name)]
    except ValueError as e:  # a block's markers are missing
        print(f"readme_results: {e}", file=sys.stderr)
        return 1
    if args.check:
        for name in stale:
            print(
                f"readme_results: README.md's {name} block is stale: run `make readme` (python -m tools.readme_results)"
            )
        if not stale and not errors:
            print("readme_results: README.md's blocks match notebooks/results.json and bench/results.json")
        return 1 if stale or errors else 0
    if new != text:
        readme.write_text(new, encoding="utf-8")
        print(f"readme_results: README.md updated ({', '.join(stale)})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
