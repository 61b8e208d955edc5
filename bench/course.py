"""Benchmark 4: the whole course's seconds per notebook from the last `make run` against the 15-minute budget."""

from __future__ import annotations

import json
from pathlib import Path

from bench.common import row

BUDGET_SECONDS = 15 * 60
RESULTS = Path(__file__).resolve().parent.parent / "build" / "results.json"


def run(tiny: bool = False) -> dict:
    if not RESULTS.exists():
        print("course: no build/results.json yet (run `make run` first)")
        return {"numbers": {"course_seconds": None}, "rows": [row("whole course (make run)", "-", "-", None, None)]}
    rows = json.loads(RESULTS.read_text())
    per_notebook = {r["notebook"]: r["seconds"] for r in rows}
    total = sum(per_notebook.values())
    for name, secs in per_notebook.items():
        print(f"course: {name:34s} {secs:6.1f} s")
    quick = any(r.get("quick") for r in rows)
    print(f"course: {len(per_notebook)} notebooks, {total:.0f} s against a budget of {BUDGET_SECONDS} s")
    budget_row = row(
        f"whole course: {len(per_notebook)} notebooks", f"{total:.0f} s", f"{BUDGET_SECONDS} s", None, None
    )
    budget_row["met"] = total <= BUDGET_SECONDS and len(per_notebook) == 11 and not quick
    return {"numbers": {"course_seconds": total, "course_notebooks": per_notebook}, "rows": [budget_row]}
