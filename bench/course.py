"""Benchmark 4: the whole course's seconds per notebook from the ledger of the last `make run` (build/results.json)
against the 15-minute budget."""

from __future__ import annotations

from pathlib import Path

from bench.common import row
from tools.ledger import NOTEBOOKS, Ledger, ledger_path

BUDGET_SECONDS = 15 * 60
RESULTS = ledger_path()


def run(tiny: bool = False, results: Path | None = None) -> dict:
    path = results or RESULTS
    if not path.exists():
        print("course: no build/results.json yet (run `make run` first)")
        return {"numbers": {"course_seconds": None}, "rows": [row("whole course (make run)", "-", "-", None, None)]}
    ledger = Ledger.read(path)
    per_notebook = ledger.seconds()
    total = ledger.total_seconds()
    for name, secs in per_notebook.items():
        print(f"course: {name:34s} {secs:6.1f} s")
    quick = any(r.quick for r in ledger.rows)
    course = len(list(NOTEBOOKS.glob("[0-9][0-9]_*.py")))
    runs = len(set(ledger.runs().values()))
    print(
        f"course: {len(per_notebook)} notebooks from {runs} run(s), {total:.0f} s against a budget of {BUDGET_SECONDS} s"
    )
    budget_row = row(
        f"whole course: {len(per_notebook)} notebooks", f"{total:.0f} s", f"{BUDGET_SECONDS} s", None, None
    )
    budget_row["met"] = total <= BUDGET_SECONDS and len(per_notebook) == course and not quick and not ledger.failed()
    return {
        "numbers": {"course_seconds": total, "course_notebooks": per_notebook, "course_runs": runs},
        "rows": [budget_row],
    }
