"""The results ledger, ``build/results.json`` (``build/results-quick.json`` for quick runs): one file, one owner.

Every row is a :class:`Row`: the fields of :class:`mnist_course.results.Result` that a notebook's ``record`` wrote,
plus the notebook's seconds and the run it came from (the run's start time, UTC). The ledger also keeps each
notebook's slowest code cells (:class:`CellTime`).

A run of some notebooks (``make run NB=05``) is *merged* into the ledger: it replaces the rows and cells of the
notebooks it ran and keeps every other notebook's rows from the run that last produced them, so the table always
covers the whole course and says which rows come from which run.

The runner (``tools.run_course``), the README tool (``tools.readme_results``), the headers tool
(``tools.headers``) and ``bench/course.py`` read and write results only through this module.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from mnist_course.results import Result

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
NOTEBOOKS = ROOT / "notebooks"

#: Version of the file layout; version 1 (before the ledger) was a bare list of rows without a run.
FORMAT = 2
#: How many of each notebook's slowest code cells the ledger keeps.
CELLS_PER_NOTEBOOK = 5
#: The metric of the row a notebook gets when it records nothing, or fails.
NO_RESULT, FAILED = "-", "(notebook failed)"


def ledger_path(quick: bool = False, build: Path = BUILD) -> Path:
    """``build/results.json`` for full runs, ``build/results-quick.json`` for quick (smoke) runs."""
    return build / ("results-quick.json" if quick else "results.json")


def new_run_id() -> str:
    """A run's id: its start time in UTC to the second, e.g. ``2026-12-01T23:50:07Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_label(run: str) -> str:
    """A run id for people: ``2026-12-01 23:50 UTC`` (``earlier run`` for rows written before runs had ids)."""
    if not run:
        return "earlier run"
    try:
        when = datetime.strptime(run, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return run
    return when.strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class Row(Result):
    """One line of the results table: a recorded :class:`~mnist_course.results.Result`, its notebook's seconds
    (the whole notebook, kernel start included) and the run it came from.

    A notebook that records nothing gets one row with metric ``"-"``; one that fails gets ``"(notebook failed)"``;
    both have ``value`` and ``target`` ``None``.
    """

    seconds: float = 0.0
    run: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Row:
        """A row from its JSON form; fields the file lacks take their defaults (older ledgers had no ``run``)."""
        defaults = {"higher_is_better": True, "quick": False, "passed": False, "value": None, "target": None}
        names = {f.name for f in dataclasses.fields(cls)}
        values = {**defaults, **{k: v for k, v in data.items() if k in names}}
        return cls(**values)

    @classmethod
    def placeholder(cls, notebook: str, failed: bool, quick: bool, seconds: float, run: str) -> Row:
        """The row of a notebook that recorded no result (``passed`` says whether it ran to the end)."""
        return cls(notebook, FAILED if failed else NO_RESULT, None, None, True, not failed, quick, seconds, run)

    @property
    def target_text(self) -> str:
        """``≥ 0.92`` or ``≤ 0.95``, empty without a target."""
        if self.target is None:
            return ""
        return ("≥ " if self.higher_is_better else "≤ ") + f"{self.target:g}"

    @property
    def value_text(self) -> str:
        return "" if self.value is None else f"{self.value:.4g}"


@dataclass
class CellTime:
    """One code cell's seconds: ``cell`` is its 1-based position among all the notebook's cells."""

    notebook: str
    cell: int
    first_line: str
    seconds: float


@dataclass
class Ledger:
    """The rows of the results table in course order, and each notebook's slowest cells."""

    rows: list[Row] = field(default_factory=list)
    cells: list[CellTime] = field(default_factory=list)

    # ------------------------------------------------------------------------------------------ file

    @classmethod
    def read(cls, path: Path) -> Ledger:
        """The ledger in ``path``; empty when the file does not exist. Reads the old bare-list layout too."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, list):  # format 1: a list of rows, no run ids, no cell times
            return cls([Row.from_dict(r) for r in data])
        if data.get("format") != FORMAT:
            raise ValueError(f"{path} has ledger format {data.get('format')!r}; this code reads format {FORMAT}")
        return cls([Row.from_dict(r) for r in data["rows"]], [CellTime(**c) for c in data.get("cells", [])])

    def write(self, path: Path) -> None:
        """Write the ledger as JSON (rows in course order)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "rows": [asdict(r) for r in self.rows], "cells": [asdict(c) for c in self.cells]}
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    # ------------------------------------------------------------------------------------------ queries

    def notebooks(self) -> list[str]:
        """The notebooks that have rows, in course order."""
        return list(dict.fromkeys(r.notebook for r in self.rows))

    def seconds(self) -> dict[str, float]:
        """Each notebook's seconds, in course order."""
        return {r.notebook: r.seconds for r in self.rows}

    def runs(self) -> dict[str, str]:
        """The run each notebook's rows come from."""
        return {r.notebook: r.run for r in self.rows}

    def failed(self) -> set[str]:
        """The notebooks whose last run did not reach the end."""
        return {r.notebook for r in self.rows if r.metric == FAILED}

    def total_seconds(self) -> float:
        return sum(self.seconds().values())

    def slowest_cells(self, n: int = 5) -> list[CellTime]:
        """The ``n`` slowest code cells of the course, slowest first."""
        return sorted(self.cells, key=lambda c: -c.seconds)[:n]

    # ------------------------------------------------------------------------------------------ merging

    def merge(self, newer: Ledger, course: Iterable[str] | None = None) -> Ledger:
        """This ledger with the notebooks that ``newer`` ran replaced by ``newer``'s rows and cells.

        Notebooks ``newer`` did not run keep their rows from the run that last produced them. With ``course``
        (the names of the notebooks that exist now), rows of notebooks no longer in the course are dropped.
        Rows come out in course order (notebook names sort in course order).
        """
        replaced = set(newer.notebooks())
        keep = None if course is None else set(course)
        rows = [r for r in self.rows if r.notebook not in replaced] + list(newer.rows)
        cells = [c for c in self.cells if c.notebook not in replaced] + list(newer.cells)
        if keep is not None:
            rows = [r for r in rows if r.notebook in keep]
            cells = [c for c in cells if c.notebook in keep]
        order = {name: i for i, name in enumerate(sorted({r.notebook for r in rows}))}
        rows.sort(key=lambda r: order[r.notebook])  # stable: a notebook's rows keep their recorded order
        cells.sort(key=lambda c: (order.get(c.notebook, len(order)), -c.seconds))
        return Ledger(rows, cells)

    # ------------------------------------------------------------------------------------------ tables

    def _cells(self, current_run: str | None = None) -> list[dict[str, str]]:
        """Text cells per row: seconds and run shown once per notebook."""
        out, seen = [], set()
        for r in self.rows:
            first = r.notebook not in seen
            seen.add(r.notebook)
            run = ("this run" if r.run == current_run else run_label(r.run)) if first else ""
            out.append(
                {
                    "notebook": r.notebook,
                    "seconds": f"{r.seconds:.1f}" if first else "",
                    "metric": r.metric,
                    "value": r.value_text,
                    "target": r.target_text,
                    "pass": "yes" if r.passed else "NO",
                    "run": run,
                }
            )
        return out

    def mixed_runs(self) -> bool:
        """Whether the rows come from more than one run."""
        return len(set(self.runs().values())) > 1

    def terminal_table(self, quick: bool = False, current_run: str | None = None) -> str:
        """The table the runner prints; a run column appears when rows come from more than one run."""
        mixed = self.mixed_runs()
        head = f"{'notebook':34s} {'seconds':>8s}  {'metric':36s} {'value':>9s} {'target':>9s}  pass"
        lines = [head + ("  run" if mixed else "")]
        for c in self._cells(current_run):
            line = (
                f"{c['notebook']:34s} {c['seconds']:>8s}  {c['metric']:36s} {c['value']:>9s} {c['target']:>9s}  "
                f"{c['pass']:4s}"
            )
            lines.append((line + ("  " + c["run"] if mixed else "")).rstrip())
        lines.append(f"{'total':34s} {self.total_seconds():8.1f}  {'(quick mode)' if quick else ''}".rstrip())
        return "\n".join(lines)

    def markdown_table(self) -> str:
        """The README's results block: an intro line and a Markdown table, with a run column when runs differ."""
        mixed = self.mixed_runs()
        runs = sorted(set(self.runs().values()))
        if mixed:
            intro = (
                f"From full `make run`s on a 2-core CPU (no GPU); seconds include kernel start. The rows come from "
                f"{len(runs)} runs: the run column says which run each notebook's rows come from."
            )
        else:
            when = f" ({run_label(runs[0])})" if runs and runs[0] else ""
            intro = f"From the last full `make run`{when} on a 2-core CPU (no GPU); seconds include kernel start."
        head = "| notebook | metric | value | target | pass | seconds |" + (" run |" if mixed else "")
        rule = "|---|---|---:|---:|---|---:|" + ("---|" if mixed else "")
        lines = [intro, "", head, rule]
        for c in self._cells():
            line = f"| {c['notebook']} | {c['metric']} | {c['value']} | {c['target']} | {c['pass']} | {c['seconds']} |"
            lines.append(line + (f" {c['run']} |" if mixed else ""))
        lines.append("| **total** | | | | | **" + f"{self.total_seconds():.0f}" + "** |" + (" |" if mixed else ""))
        return "\n".join(lines)

    def slowest_cells_text(self, n: int = 5) -> str:
        """The ``n`` slowest cells of the course as printed after the results table."""
        slow = self.slowest_cells(n)
        if not slow:
            return "slowest cells: none timed"
        lines = [f"the {len(slow)} slowest cells of the course:"]
        for c in slow:
            lines.append(f"  {c.seconds:7.1f} s  {c.notebook} cell {c.cell}: {c.first_line}")
        return "\n".join(lines)


def _markdown_rows(block: str) -> list[dict[str, str]]:
    """The notebook rows of a results block rendered by :meth:`Ledger.markdown_table`, as {column: text}; the
    columns are read from the header, so the table may have the run column or not."""
    rows, header = [], None
    for line in block.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "notebook":
            header = cells
        elif header and re.fullmatch(r"\d\d_\w+", cells[0]) and len(cells) >= len(header):
            rows.append(dict(zip(header, cells)))
    return rows


def seconds_in_markdown(block: str) -> dict[str, float]:
    """Each notebook's seconds as a results block rendered by :meth:`Ledger.markdown_table` shows them.

    Lets a check in a clean clone (no ``build/``) compare the minutes written elsewhere with the README's table.
    """
    return {c["notebook"]: float(c["seconds"]) for c in _markdown_rows(block) if c.get("seconds")}


def rows_in_markdown(block: str) -> list[Row]:
    """The rows of a results block rendered by :meth:`Ledger.markdown_table`, read back (numbers as printed, each
    row with its notebook's seconds). Lets a clean clone (no ``build/``) show the results the README records."""
    seconds = seconds_in_markdown(block)

    def number(text: str) -> float | None:
        return float(text) if text else None

    rows = []
    for c in _markdown_rows(block):
        target = c["target"]
        rows.append(
            Row(
                notebook=c["notebook"],
                metric=c["metric"],
                value=number(c["value"]),
                target=number(target.lstrip("≥≤ ")),
                higher_is_better=not target.startswith("≤"),
                passed=c["pass"] == "yes",
                quick=False,
                seconds=seconds.get(c["notebook"], 0.0),
                run=c.get("run", ""),
            )
        )
    return rows


def minutes_phrase(seconds: float) -> str:
    """How long a notebook takes, honestly rounded: ``under half a minute``, ``under a minute``, else
    ``about N minutes`` with N the seconds rounded *up* to the next half minute (``about 4½ minutes`` for 259 s).

    Rounding up never promises less time than the run took; halves keep the overstatement under 30 s.
    """
    if seconds <= 30:
        return "under half a minute"
    if seconds <= 60:
        return "under a minute"
    halves = math.ceil(seconds / 30)
    whole, half = divmod(halves, 2)
    return f"about {whole}{'½' if half else ''} minutes"
