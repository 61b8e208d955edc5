"""Execute the course: each notebook's py:percent twin, in order, headless, into its .ipynb with outputs.

    python tools/run_course.py                 # all notebooks, full fidelity, outputs into notebooks/*.ipynb
    python tools/run_course.py 05 06           # only the notebooks whose names start with these
    MNIST_COURSE_QUICK=1 python tools/run_course.py   # smoke run; outputs go to build/quick/, not notebooks/

Writes build/results.json (notebook, metric, value, target, passed, seconds) and prints the results table.
Exits 1 when a notebook fails or misses a target. Called by `make run` and `make quick`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from mnist_course.settings import is_quick

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"


def twins(prefixes: list[str], folder: Path = NOTEBOOKS) -> list[Path]:
    """The py:percent sources in course order, optionally only those whose names start with a prefix."""
    paths = sorted(folder.glob("[0-9][0-9]_*.py"))
    if prefixes:
        paths = [p for p in paths if any(p.name.startswith(x) for x in prefixes)]
    return paths


def execute(py: Path, out: Path, results_file: Path, timeout: int, build: Path = BUILD) -> tuple[float, str | None]:
    """Run one notebook; write it to ``out`` on success. Returns (seconds, error or None)."""
    nb = jupytext.read(py)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    os.environ["MNIST_COURSE_NOTEBOOK"] = py.stem
    os.environ["MNIST_COURSE_RESULTS"] = str(results_file)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(py.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
    seconds = time.perf_counter() - start
    if error is None:
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
    else:
        failed = build / "failed" / out.name
        failed.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, failed)
        error += f"  (executed notebook saved to {failed})"
    return seconds, error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="run only notebooks whose file names start with these")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="folder of the py:percent twins")
    parser.add_argument("--build", type=Path, default=BUILD, help="folder for results and quick-mode outputs")
    args = parser.parse_args()
    build: Path = args.build

    quick = is_quick()
    os.environ.setdefault("MNIST_COURSE_PROGRESS", "0")
    os.environ["MNIST_COURSE_STRICT"] = "1"  # a missed target fails the run (quick mode: only errors do)
    out_dir = build / "quick" if quick else args.notebooks
    paths = twins(args.prefixes, args.notebooks)
    if not paths:
        print(f"No notebooks matched {args.prefixes} in {args.notebooks}/", file=sys.stderr)
        return 1

    rows, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for py in paths:
            results_file = Path(tmp) / f"{py.stem}.jsonl"
            print(f"running {py.name} ...", flush=True)
            seconds, error = execute(py, out_dir / (py.stem + ".ipynb"), results_file, args.timeout, build)
            results = []
            if results_file.exists():
                results = [json.loads(line) for line in results_file.read_text().splitlines() if line.strip()]
            if error:
                failures.append(f"{py.stem}: {error}")
            if not results:
                results = [{"notebook": py.stem, "metric": "-", "value": None, "target": None, "passed": error is None}]
            for r in results:
                r["seconds"] = round(seconds, 1)
                rows.append(r)
            print(f"  {seconds:6.1f} s  {'FAILED: ' + error if error else 'ok'}", flush=True)

    build.mkdir(parents=True, exist_ok=True)
    name = "results-quick.json" if quick else "results.json"
    (build / name).write_text(json.dumps(rows, indent=1) + "\n")
    print_table(rows, quick)
    for f in failures:
        print("FAILED", f, file=sys.stderr)
    # Quick mode trains too little to reach the targets: only errors fail it (the table still shows NO).
    return 1 if failures or (not quick and not all(r["passed"] for r in rows)) else 0


def table_cells(rows: list[dict]) -> tuple[list[dict], float]:
    """The results as text cells (seconds shown once per notebook) and the total seconds; shared with the README."""
    cells, seen = [], set()
    for r in rows:
        target = "" if r["target"] is None else ("≥ " if r.get("higher_is_better", True) else "≤ ") + f"{r['target']:g}"
        cells.append(
            {
                "notebook": r["notebook"],
                "seconds": "" if r["notebook"] in seen else f"{r['seconds']:.1f}",
                "metric": r["metric"],
                "value": "" if r["value"] is None else f"{r['value']:.4g}",
                "target": target,
                "pass": "yes" if r["passed"] else "NO",
            }
        )
        seen.add(r["notebook"])
    return cells, sum({r["notebook"]: r["seconds"] for r in rows}.values())


def print_table(rows: list[dict], quick: bool) -> None:
    print()
    print(f"{'notebook':34s} {'seconds':>8s}  {'metric':28s} {'value':>9s} {'target':>9s}  pass")
    cells, total = table_cells(rows)
    for c in cells:
        print(
            f"{c['notebook']:34s} {c['seconds']:>8s}  {c['metric']:28s} {c['value']:>9s} {c['target']:>9s}  {c['pass']}"
        )
    print(f"{'total':34s} {total:8.1f}  {'(quick mode)' if quick else ''}")

if __name__ == "__main__":
    sys.exit(main())
