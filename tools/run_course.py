"""Execute the course: each notebook's py:percent twin, in order, headless, into its .ipynb with outputs.

    python -m tools.run_course                 # all notebooks, full fidelity, outputs into notebooks/*.ipynb
    python -m tools.run_course 05 06           # only the notebooks whose names start with these
    MNIST_COURSE_QUICK=1 python -m tools.run_course   # smoke run; outputs go to build/quick/, not notebooks/

Writes the results into the ledger (see tools/ledger.py): notebooks/results.json, committed beside the
notebooks, for full runs; build/results-quick.json for quick runs; nothing for lecture runs. Before the first
notebook it records the machine (CPU model and cores, torch threads, device, Python and torch versions, date) as
this run's machine block. A run of every notebook replaces the ledger; a run of some (`make run NB=05`) is merged
into it: the notebooks that ran replace their rows, every other notebook keeps its rows, run and machine. The
existing ledger is read before anything executes, so an old or broken one stops the run at once. Prints the
results table and the five slowest cells of the course. Exits 1 when a notebook fails or (full runs only) misses a
target. Called by `make run` and `make quick`; afterwards `make readme headers` renders what the ledger holds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from mnist_course.settings import is_quick
from tools.execute import execute, twins
from tools.ledger import (
    BUILD,
    CELLS_PER_NOTEBOOK,
    NOTEBOOKS,
    Ledger,
    Machine,
    Row,
    ledger_path,
    new_run_id,
    shown,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="run only notebooks whose file names start with these")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="folder of the py:percent twins")
    parser.add_argument("--build", type=Path, default=BUILD, help="folder for results and quick-mode outputs")
    parser.add_argument(
        "--lecture",
        action="store_true",
        help="fill the lecture cache (make lecture): not strict, outputs to build/lecture/, the ledger untouched",
    )
    args = parser.parse_args(argv)
    build: Path = args.build

    quick = is_quick()
    os.environ.setdefault("MNIST_COURSE_PROGRESS", "0")
    if args.lecture:
        # An instructor's preparation: the long trainings run once and land in the lecture cache. Stored
        # notebooks and the results ledger are never written from such a run.
        os.environ["MNIST_COURSE_STRICT"] = "0"
        os.environ["MNIST_COURSE_LECTURE_CACHE"] = "1"
        return lecture_run(args)
    os.environ["MNIST_COURSE_STRICT"] = "1"  # a missed target fails the run (quick mode: only errors do)
    out_dir = build / "quick" if quick else args.notebooks
    paths = twins(args.prefixes, args.notebooks)
    if not paths:
        print(f"No notebooks matched {args.prefixes} in {args.notebooks}/", file=sys.stderr)
        return 1

    path = ledger_path(quick, build, args.notebooks)
    course = [p.stem for p in twins([], args.notebooks)]
    whole_course = [p.stem for p in paths] == course
    try:  # a run of every notebook replaces the ledger; a partial run needs a readable one to merge into
        earlier = Ledger() if whole_course else Ledger.read(path, missing_ok=True)
    except ValueError as e:
        print(f"run_course: {e}", file=sys.stderr)
        print("run_course: nothing was executed", file=sys.stderr)
        return 1
    run = new_run_id()
    machine = Machine.this(date=run)
    print(f"run {run} on {machine.describe()}", flush=True)
    ran = {p.stem for p in paths}
    if any(earlier.machine_of(n).setup != machine.setup for n in earlier.notebooks() if n not in ran):
        print(
            f"note: {shown(path)} keeps rows from runs on another machine; the README will name each machine, and "
            "their seconds do not compare (a full `make run` measures every notebook on this one)",
            flush=True,
        )
    this_run, failures = Ledger(machines={run: machine}), []
    with tempfile.TemporaryDirectory() as tmp:
        for py in paths:
            results_file = Path(tmp) / f"{py.stem}.jsonl"
            print(f"running {py.name} ...", flush=True)
            seconds, error, cells = execute(py, out_dir / (py.stem + ".ipynb"), results_file, args.timeout, build)
            seconds = round(seconds, 1)
            recorded = []
            if results_file.exists():
                lines = results_file.read_text().splitlines()
                recorded = [Row.from_dict({**json.loads(x), "seconds": seconds, "run": run}) for x in lines if x]
            if error:
                failures.append(f"{py.stem}: {error}")
                recorded.append(Row.placeholder(py.stem, True, quick, seconds, run))
            elif not recorded:
                recorded.append(Row.placeholder(py.stem, False, quick, seconds, run))
            this_run.rows += recorded
            this_run.cells += cells[:CELLS_PER_NOTEBOOK]
            print(f"  {seconds:6.1f} s  {'FAILED: ' + error if error else 'ok'}", flush=True)

    ledger = earlier.merge(this_run, course=course)
    ledger.write(path)
    print()
    print(ledger.terminal_table(quick, current_run=run))
    print()
    print(ledger.slowest_cells_text(5))
    kept = [n for n in ledger.notebooks() if n not in this_run.notebooks()]
    print(f"\nresults in {shown(path)}" + ("" if quick else "; next: `make readme headers`, then `make check`"))
    if kept:
        print(f"{path.name}: {len(this_run.notebooks())} notebook(s) from this run, {len(kept)} kept from earlier runs")
    for f in failures:
        print("FAILED", f, file=sys.stderr)
    # Quick mode trains too little to reach the targets: only errors fail it (the table still shows NO).
    return 1 if failures or (not quick and not all(r.passed for r in this_run.rows)) else 0


def lecture_run(args: argparse.Namespace) -> int:
    """Execute the course with the lecture cache on, so every ``train_or_load`` cell stores its training."""
    paths = twins(args.prefixes, args.notebooks)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for py in paths:
            print(f"preparing {py.name} for a lecture ...", flush=True)
            out = args.build / "lecture" / (py.stem + ".ipynb")
            seconds, error, _ = execute(py, out, Path(tmp) / f"{py.stem}.jsonl", args.timeout, args.build)
            print(f"  {seconds:6.1f} s  {'FAILED: ' + error if error else 'ok'}", flush=True)
            if error:
                failures.append(py.stem)
    print(
        "\nThe lecture cache is filled. Open the course with it on: make lab-lecture "
        "(or set MNIST_COURSE_LECTURE_CACHE=1 in the notebook's environment)."
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
