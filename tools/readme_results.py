"""Copy the results table of the last full `make run` (build/results.json) into README.md.

python tools/readme_results.py
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

def main() -> int:
    rows = json.loads((ROOT / "build" / "results.json").read_text())
    readme = ROOT / "README.md"
    text = readme.read_text()
    body = (
        "From the last full `make run` on a 2-core CPU (no GPU); seconds include kernel start.\n\n" + table(rows) + "\n"
    )
    new = re.sub(r"(<!-- results:start -->\n).*?(<!-- results:end -->)", lambda m: m[1] + body + m[2], text, flags=re.S)
    readme.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
