"""Copy the results of the last full `make run` (the ledger, build/results.json) and of `make bench`
(build/bench.json) into README.md.

    python -m tools.readme_results            # rewrite the blocks
    python -m tools.readme_results --check    # exit 1 when a block differs from its JSON file

Each table goes between its markers (`<!-- results:start/end -->`, `<!-- bench:start/end -->`). build/ is not
in git, so in a clean clone (CI) the JSON files do not exist: then a block is left as it is, and --check says
that it could not compare the block and passes. The README's numbers are checked on the machine that produced
them, where `make check` runs after `make run` and `make bench`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tools.ledger import ROOT, Ledger, ledger_path


def bench_table(bench: dict) -> str:
    """Markdown table of `make bench`'s rows, with the threads and torch version it ran with."""
    lines = ["| benchmark | course | usual way | ratio | goal | met |", "|---|---:|---:|---:|---:|---|"]
    for r in bench["rows"]:
        met = "-" if r["met"] is None else ("yes" if r["met"] else "NO")
        lines.append(f"| {r['name']} | {r['course']} | {r['baseline']} | {r['ratio']} | {r['goal']} | {met} |")
    lines.append(
        f"\n`make bench` on {bench['threads']} CPU threads, torch {bench['torch']}, {bench['bench_seconds']:.0f} s in all."
    )
    return "\n".join(lines)


def block_pattern(marker: str) -> str:
    return rf"(<!-- {marker}:start -->\n)(.*?)(<!-- {marker}:end -->)"


def block(text: str, marker: str, file: str = "README.md") -> str:
    """What lies between `<!-- marker:start -->` and `<!-- marker:end -->` (``file`` names the text in the error)."""
    found = re.search(block_pattern(marker), text, flags=re.S)
    if not found:
        raise SystemExit(f"{file} has no <!-- {marker}:start --> ... <!-- {marker}:end --> block")
    return found[2]


def fill(text: str, marker: str, body: str, file: str = "README.md") -> str:
    """Replace what lies between `<!-- marker:start -->` and `<!-- marker:end -->` with body."""
    block(text, marker, file)  # raises when the markers are missing
    return re.sub(block_pattern(marker), lambda m: m[1] + body + m[3], text, flags=re.S)


def render(text: str, root: Path = ROOT) -> tuple[str, list[str]]:
    """README text with both blocks filled from build/, and notes on the blocks that had no JSON to fill from."""
    notes = []
    results, bench = ledger_path(build=root / "build"), root / "build" / "bench.json"
    if results.exists():
        text = fill(text, "results", Ledger.read(results).markdown_table() + "\n")
    else:
        notes.append(f"results block not compared: {results.relative_to(root)} absent (run `make run` first)")
    if bench.exists():
        text = fill(text, "bench", bench_table(json.loads(bench.read_text())) + "\n")
    else:
        notes.append(f"bench block not compared: {bench.relative_to(root)} absent (run `make bench` first)")
    return text, notes


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when README.md differs from build/*.json")
    args = parser.parse_args(argv)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    new, notes = render(text, root)
    for note in notes:
        print(f"readme_results: {note}")
    if args.check:
        stale = [m for m in ("results", "bench") if block(text, m) != block(new, m)]
        for marker in stale:
            print(f"readme_results: README.md's {marker} block is stale: run `python -m tools.readme_results`")
        if not stale:
            print("readme_results: README.md matches build/" if len(notes) < 2 else "readme_results: nothing to check")
        return 1 if stale else 0
    if new != text:
        readme.write_text(new, encoding="utf-8")
        print("readme_results: README.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
