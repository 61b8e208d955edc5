"""Copy the results of the last full `make run` (build/results.json) and `make bench` (build/bench.json) into README.md.

python tools/readme_results.py

Each table goes between its markers (`<!-- results:start/end -->`, `<!-- bench:start/end -->`); a block whose
JSON file does not exist is left as it is.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from run_course import table_cells  # noqa: E402


def table(rows: list[dict]) -> str:
    """Markdown table: notebook, metric, value, target, pass, seconds (seconds once per notebook)."""
    lines = ["| notebook | metric | value | target | pass | seconds |", "|---|---|---:|---:|---|---:|"]
    cells, total = table_cells(rows)
    for c in cells:
        lines.append(f"| {c['notebook']} | {c['metric']} | {c['value']} | {c['target']} | {c['pass']} | {c['seconds']} |")
    lines.append(f"| **total** | | | | | **{total:.0f}** |")
    return "\n".join(lines)


def bench_table(bench: dict) -> str:
    """Markdown table of `make bench`'s rows, with the threads and torch version it ran with."""
    lines = ["| benchmark | course | usual way | ratio | goal | met |", "|---|---:|---:|---:|---:|---|"]
    for r in bench["rows"]:
        met = "-" if r["met"] is None else ("yes" if r["met"] else "NO")
        lines.append(f"| {r['name']} | {r['course']} | {r['baseline']} | {r['ratio']} | {r['goal']} | {met} |")
    lines.append(f"\n`make bench` on {bench['threads']} CPU threads, torch {bench['torch']}, {bench['bench_seconds']:.0f} s in all.")
    return "\n".join(lines)


def fill(text: str, marker: str, body: str) -> str:
    """Replace what lies between `<!-- marker:start -->` and `<!-- marker:end -->` with body."""
    pattern = rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)"
    if not re.search(pattern, text, flags=re.S):
        raise SystemExit(f"README.md has no <!-- {marker}:start --> ... <!-- {marker}:end --> block")
    return re.sub(pattern, lambda m: m[1] + body + m[2], text, flags=re.S)


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text()
    results, bench = ROOT / "build" / "results.json", ROOT / "build" / "bench.json"
    if results.exists():
        rows = json.loads(results.read_text())
        intro = "From the last full `make run` on a 2-core CPU (no GPU); seconds include kernel start.\n\n"
        text = fill(text, "results", intro + table(rows) + "\n")
    if bench.exists():
        text = fill(text, "bench", bench_table(json.loads(bench.read_text())) + "\n")
    readme.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
