"""Benchmark 4: the whole course's seconds per notebook from the ledger of the last `make run` against the
15-minute budget.

The ledger is read only through `tools.ledger`, and its location comes from one place, `RESULTS` below.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import row
from bench.report import Row, shown
from tools.ledger import NOTEBOOKS, Ledger, ledger_path

BUDGET_SECONDS = 15 * 60
#: The ledger of the last full `make run`: the one place this benchmark names it.
RESULTS = ledger_path()


def run(tiny: bool = False, results: Path | None = None) -> list[Row]:
    """The whole-course row: met when every notebook has a full (not quick), passing run and the sum fits the
    budget. ``results`` overrides the ledger's path (tests)."""
    path = results or RESULTS
    if not path.exists():
        print(f"course: no {shown(path)} yet (run `make run` first)")
        return [row("whole course (make run)", "-", "-", None, None)]
    try:
        ledger = Ledger.read(path)
    except ValueError as e:  # the timings measured so far are still worth writing; the row says it has no number
        print(f"course: cannot read {shown(path)}: {e}")
        return [row("whole course (make run)", "-", "-", None, None)]
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
    budget_row.met = total <= BUDGET_SECONDS and len(per_notebook) == course and not quick and not ledger.failed()
    return [budget_row]
