"""Executing a notebook's py:percent twin headless: the library under ``tools.run_course`` and ``tools.spread``.

:func:`twins` lists the twins in course order; :func:`execute` runs one with nbclient into an .ipynb (a failed one
goes to ``build/failed/``), times its cells from the kernel's timestamps (:func:`cell_times`) and drops what only
describes this machine's execution (:func:`clean`). The switches a run needs (strict, quick, seed offset) are the
caller's: this module sets only ``MNIST_COURSE_NOTEBOOK`` and ``MNIST_COURSE_RESULTS`` for the kernel.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tools.ledger import BUILD, NOTEBOOKS, CellTime

__all__ = ["MACHINE_METADATA", "cell_times", "clean", "execute", "twins"]

#: Cell metadata keys that describe one machine's execution, never stored (nbclient's record_timing writes these).
MACHINE_METADATA = ("execution", "ExecuteTime")


def twins(prefixes: list[str], folder: Path = NOTEBOOKS) -> list[Path]:
    """The py:percent sources in course order, optionally only those whose names start with a prefix."""
    paths = sorted(folder.glob("[0-9][0-9]_*.py"))
    if prefixes:
        paths = [p for p in paths if any(p.name.startswith(x) for x in prefixes)]
    return paths


def _first_line(source: str) -> str:
    """A code cell's first meaningful line (not blank, not an nbval marker), shortened to 60 characters."""
    for line in source.splitlines():
        line = line.strip()
        if line and not line.startswith("# NBVAL"):
            return line if len(line) <= 60 else line[:57] + "..."
    return ""


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def cell_times(nb: nbformat.NotebookNode, notebook: str) -> list[CellTime]:
    """Each executed code cell's seconds, from the timestamps nbclient's ``record_timing`` put in its metadata
    (from the kernel starting the cell to its reply), slowest first."""
    times = []
    for i, cell in enumerate(nb.cells, 1):
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type == "code" and start and end:
            seconds = (_stamp(end) - _stamp(start)).total_seconds()
            times.append(CellTime(notebook, i, _first_line(cell.source), round(seconds, 2)))
    return sorted(times, key=lambda c: -c.seconds)


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what only describes this machine's execution: per-cell timestamps and the Python patch version."""
    for cell in nb.cells:
        for key in MACHINE_METADATA:
            cell.get("metadata", {}).pop(key, None)
    nb.metadata.get("language_info", {}).pop("version", None)
    return nb


def execute(
    py: Path, out: Path, results_file: Path, timeout: int, build: Path = BUILD
) -> tuple[float, str | None, list[CellTime]]:
    """Run one notebook; write it to ``out`` on success. Returns (seconds, error or None, cell times)."""
    nb = jupytext.read(py)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    os.environ["MNIST_COURSE_NOTEBOOK"] = py.stem
    os.environ["MNIST_COURSE_RESULTS"] = str(results_file)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(py.parent)}},
        record_timing=True,
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
    seconds = time.perf_counter() - start
    cells = cell_times(nb, py.stem)
    clean(nb)
    if error is None:
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
    else:
        failed = build / "failed" / out.name
        failed.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, failed)
        error += f"  (executed notebook saved to {failed})"
    return seconds, error, cells
