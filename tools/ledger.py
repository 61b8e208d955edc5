"""The results ledger, ``notebooks/results.json``: the course's measured results, committed beside the notebooks.

Every full-fidelity ``make run`` (``python -m tools.run_course``) writes it; quick runs write
``build/results-quick.json`` instead, and lecture runs write nothing. Every row is a :class:`Row`: the fields of
:class:`mnist_course.results.Result` that a notebook's ``record`` wrote, plus the notebook's seconds and the run it
came from (the run's start time, UTC). The ledger also keeps each notebook's slowest code cells (:class:`CellTime`)
and, for every run its rows come from, the :class:`Machine` that run executed on (CPU model and logical cores,
torch threads, device, Python and torch versions, date).

A run of some notebooks (``make run NB=05``) is *merged* into the ledger: it replaces the rows and cells of the
notebooks it ran and keeps every other notebook's rows from the run that last produced them, each run with its
own machine, so the table always covers the whole course and says which rows come from which run and machine.

Everything published about the results is rendered here from the ledger and nothing else: the results table
(:meth:`Ledger.markdown_table`, for README.md and the site), the sentence about the machine
(:meth:`Ledger.machine_sentence`), each notebook's time line (:meth:`Ledger.time_line`) and the title of README's
time column (:meth:`Ledger.time_column`). No tool reads a rendered table back. ``tools.run_course`` writes the
ledger; ``tools.readme_results``, ``tools.headers``, ``tools.stored_results``, ``tools.site_build`` and
``bench/course.py`` read it, all through this module.

A file of an older layout (format 1, a bare list of rows; format 2, ``build/results.json`` without machines) or a
run without its machine block is a ``ValueError`` naming the file and the fix, never a silent guess.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import platform
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from mnist_course.results import Result
from tools.markdown import table
from tools.repo_url import ROOT

__all__ = [
    "BUILD",
    "CELLS_PER_NOTEBOOK",
    "FAILED",
    "FORMAT",
    "LEDGER",
    "NOTEBOOKS",
    "NO_RESULT",
    "QUICK_LEDGER",
    "ROOT",
    "CellTime",
    "Ledger",
    "Machine",
    "Row",
    "cpu_model",
    "ledger_path",
    "minutes_phrase",
    "new_run_id",
    "run_label",
    "short_phrase",
    "shown",
]

BUILD = ROOT / "build"
NOTEBOOKS = ROOT / "notebooks"
#: The committed ledger of full runs.
LEDGER = NOTEBOOKS / "results.json"
#: The ledger of quick (smoke) runs: not a measurement, never committed.
QUICK_LEDGER = BUILD / "results-quick.json"

#: Version of the file layout. Format 1 was a bare list of rows; format 2 (``build/results.json``) had rows and
#: cells but no machine; format 3 adds ``runs``: each run id with its ``machine`` block.
FORMAT = 3
#: How many of each notebook's slowest code cells the ledger keeps.
CELLS_PER_NOTEBOOK = 5
#: The metric of the row a notebook gets when it records nothing, or fails.
NO_RESULT, FAILED = "-", "(notebook failed)"


def ledger_path(quick: bool = False, build: Path = BUILD, notebooks: Path = NOTEBOOKS) -> Path:
    """``notebooks/results.json`` (committed) for full runs, ``build/results-quick.json`` for quick runs."""
    return build / "results-quick.json" if quick else notebooks / "results.json"


def shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it (as messages name files), else as it is."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _fix(path: Path) -> str:
    """How to get a readable ledger at ``path``."""
    if path.name == "results-quick.json":
        return "`make quick` writes a new one"
    return "a full `make run` (every notebook) writes a new one; then `make readme headers`"


def new_run_id() -> str:
    """A run's id: its start time in UTC to the second, e.g. ``2026-12-01T23:50:07Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_label(run: str) -> str:
    """A run id for people: ``2026-12-01 23:50 UTC``."""
    try:
        when = datetime.strptime(run, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return run
    return when.strftime("%Y-%m-%d %H:%M UTC")


# ---------------------------------------------------------------------------------------------- the machine


def cpu_model() -> str:
    """The CPU's model name: ``model name`` in /proc/cpuinfo (Linux), else ``platform.processor()``, else
    ``unknown CPU``."""
    cpuinfo = Path("/proc/cpuinfo")
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            return " ".join(value.split())
    return platform.processor().strip() or "unknown CPU"


def _article(phrase: str) -> str:
    """``a`` or ``an`` before ``phrase`` (``an 8-core``, ``an 11-core``, ``a 4-core``, ``an Intel``)."""
    return "an" if re.match(r"8|1[18](?!\d)|[AEIOUaeiou]", phrase) else "a"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Machine:
    """What a run executed on, recorded by the runner when the run starts. Every sentence the course publishes
    about its hardware is built from these fields (:meth:`describe`, :meth:`short`)."""

    cpu: str  #: the CPU's model name (/proc/cpuinfo), e.g. ``Intel(R) Xeon(R) CPU @ 2.20GHz``
    cores: int  #: logical cores, ``os.cpu_count()``
    torch_threads: int  #: ``torch.get_num_threads()``
    device: str  #: what ``mnist_course.settings.device()`` picks: ``cpu``, ``cuda`` or ``mps``
    python: str  #: ``platform.python_version()``
    torch: str  #: ``torch.__version__``
    date: str  #: when the run started, UTC, ``2026-12-01T23:50:07Z``

    @classmethod
    def this(cls, date: str | None = None) -> Machine:
        """This machine, now (imports torch and the course package's device choice)."""
        import torch

        from mnist_course.settings import device

        return cls(
            cpu=cpu_model(),
            cores=os.cpu_count() or 1,
            torch_threads=torch.get_num_threads(),
            device=device().type,
            python=platform.python_version(),
            torch=torch.__version__,
            date=date or new_run_id(),
        )

    @classmethod
    def from_dict(cls, data: object, where: str, fix: str = "") -> Machine:
        """A machine from its JSON form; a missing or mistyped field is a ``ValueError`` saying ``where`` and
        ending with ``fix``."""
        names = [f.name for f in dataclasses.fields(cls)]
        if not isinstance(data, dict):
            raise ValueError(f"{where} should be an object with {', '.join(names)}: {fix}")
        values = {}
        for f in dataclasses.fields(cls):
            kind = int if f.type == "int" else str
            value = data.get(f.name)
            if not isinstance(value, kind) or isinstance(value, bool):
                wanted = "an integer" if kind is int else "a string"
                raise ValueError(f"{where} lacks {f.name!r} ({wanted}; found {value!r}): {fix}")
            values[f.name] = value
        return cls(**values)

    @property
    def setup(self) -> tuple:
        """Everything but the date: two runs with the same setup ran on the same kind of machine."""
        return dataclasses.astuple(dataclasses.replace(self, date=""))

    def _gpu(self) -> str:
        return "no GPU" if self.device == "cpu" else f"GPU: {self.device}"

    def short(self) -> str:
        """For time lines and column titles: ``a N-core CPU``, ``a N-core CPU with a cuda GPU`` where one is used."""
        text = f"{self.cores}-core CPU" + ("" if self.device == "cpu" else f" with a {self.device} GPU")
        return f"{_article(text)} {text}"

    def describe(self) -> str:
        """The full sentence part: ``a N-core Intel(R) Xeon(R) CPU @ 2.20GHz (no GPU), torch 2.4.1 on N threads,
        Python 3.11`` (``CPU`` added to a model name without it; torch without its build tag such as ``+cpu``;
        Python's major.minor)."""
        named = self.cpu if re.search(r"cpu|processor", self.cpu, re.I) else f"{self.cpu} CPU"
        cpu = f"{self.cores}-core {named}"
        torch = self.torch.split("+")[0]
        python = ".".join(self.python.split(".")[:2])
        threads = _plural(self.torch_threads, "thread")
        return f"{_article(cpu)} {cpu} ({self._gpu()}), torch {torch} on {threads}, Python {python}"


# ---------------------------------------------------------------------------------------------- rows and cells


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
        """A row from what ``record`` writes (one JSON line) plus ``seconds`` and ``run``; fields the dict lacks
        take their defaults."""
        defaults = {"higher_is_better": True, "quick": False, "passed": False, "value": None, "target": None}
        names = {f.name for f in dataclasses.fields(cls)}
        values = {**defaults, **{k: v for k, v in data.items() if k in names}}
        return cls(**values)

    @classmethod
    def placeholder(cls, notebook: str, failed: bool, quick: bool, seconds: float, run: str) -> Row:
        """The row of a notebook that recorded no result (``passed`` says whether it ran to the end)."""
        return cls(notebook, FAILED if failed else NO_RESULT, None, None, True, not failed, quick, seconds, run)

    @property
    def recorded(self) -> bool:
        """Whether ``record`` wrote this row (not a placeholder for a notebook that recorded nothing or failed)."""
        return self.metric not in (NO_RESULT, FAILED)

    @property
    def target_text(self) -> str:
        """``≥ 0.92`` or ``≤ 0.95``, empty without a target."""
        if self.target is None:
            return ""
        return ("≥ " if self.higher_is_better else "≤ ") + f"{self.target:g}"

    @property
    def value_text(self) -> str:
        """The value as ``record`` prints it (four significant digits), empty without one."""
        return "" if self.value is None else f"{self.value:.4g}"


@dataclass
class CellTime:
    """One code cell's seconds: ``cell`` is its 1-based position among all the notebook's cells."""

    notebook: str
    cell: int
    first_line: str
    seconds: float


# ---------------------------------------------------------------------------------------------- phrases


def minutes_phrase(seconds: float) -> str:
    """How long a notebook takes, honestly rounded: ``under half a minute``, ``under a minute``, else
    ``under N minutes`` with N the seconds rounded *up* to the next half minute (``under 4½ minutes`` for 259 s).

    Rounding up never promises less time than the run took, and "under" says so; halves keep the gap under 30 s.
    """
    if seconds <= 30:
        return "under half a minute"
    if seconds <= 60:
        return "under a minute"
    halves = math.ceil(seconds / 30)
    whole, half = divmod(halves, 2)
    return f"under {whole}{'½' if half else ''} minutes"


def short_phrase(seconds: float) -> str:
    """:func:`minutes_phrase` for a table cell: ``under 4½ min``, ``under 1 min``, ``under ½ min``."""
    phrase = minutes_phrase(seconds)
    return phrase.replace("half a minute", "½ min").replace("a minute", "1 min").replace(" minutes", " min")


# ---------------------------------------------------------------------------------------------- the ledger


_ROW_FIELDS = {f.name for f in dataclasses.fields(Row)}


@dataclass
class Ledger:
    """The rows of the results table in course order, each notebook's slowest cells, and each run's machine."""

    rows: list[Row] = field(default_factory=list)
    cells: list[CellTime] = field(default_factory=list)
    machines: dict[str, Machine] = field(default_factory=dict)  #: run id -> the machine it ran on

    # ------------------------------------------------------------------------------------------ file

    @classmethod
    def read(cls, path: Path = LEDGER, missing_ok: bool = False) -> Ledger:
        """The ledger in ``path``. A missing file is a ``FileNotFoundError`` (an empty ledger with
        ``missing_ok``); an older format, a run without its machine block or a malformed row is a ``ValueError``;
        both messages name the file and the fix."""
        name, fix = shown(path), _fix(path)
        if not path.exists():
            if missing_ok:
                return cls()
            raise FileNotFoundError(f"{name} does not exist: {fix}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"{name} is not valid JSON ({e}): {fix}") from None
        if isinstance(data, list):
            raise ValueError(
                f"{name} is a ledger of format 1 (a bare list of rows: no runs, no machine); this code reads format "
                f"{FORMAT}: {fix}"
            )
        if not isinstance(data, dict):
            raise ValueError(f"{name} holds a JSON {type(data).__name__}, not a results ledger: {fix}")
        found = data.get("format")
        if found != FORMAT:
            was = " (build/results.json's layout, without a machine block)" if found == 2 else ""
            raise ValueError(f"{name} has ledger format {found!r}{was}; this code reads format {FORMAT}: {fix}")
        runs = data.get("runs")
        if not isinstance(runs, dict) or (not runs and data.get("rows")):
            raise ValueError(f'{name} has no machine block (no "runs" naming each run\'s machine): {fix}')
        machines = {}
        for run, info in runs.items():
            if not isinstance(info, dict) or "machine" not in info:
                raise ValueError(f"{name}: run {run} has no machine block: {fix}")
            machines[run] = Machine.from_dict(info["machine"], f"{name}: run {run}'s machine block", fix)
        rows = []
        for i, r in enumerate(data.get("rows", [])):
            missing = sorted(_ROW_FIELDS - set(r)) if isinstance(r, dict) else sorted(_ROW_FIELDS)
            if missing:
                raise ValueError(f"{name}: row {i} lacks {', '.join(missing)}: {fix}")
            if r["run"] not in machines:
                raise ValueError(
                    f"{name}: row {i} ({r['notebook']}) comes from run {r['run']}, which has no machine block: {fix}"
                )
            rows.append(Row.from_dict(r))
        try:
            cells = [CellTime(**c) for c in data.get("cells", [])]
        except TypeError as e:
            raise ValueError(f"{name}: a cell time is malformed ({e}): {fix}") from None
        return cls(rows, cells, machines)

    def write(self, path: Path = LEDGER) -> None:
        """Write the ledger as JSON: rows in course order, and the machine of every run they come from."""
        lacking = sorted({r.run for r in self.rows} - set(self.machines))
        if lacking:
            raise ValueError(f"cannot write {shown(path)}: run(s) {', '.join(lacking)} have rows but no machine")
        used = {r.run for r in self.rows}
        runs = {run: {"machine": asdict(m)} for run, m in sorted(self.machines.items()) if run in used}
        data = {
            "format": FORMAT,
            "runs": runs,
            "rows": [asdict(r) for r in self.rows],
            "cells": [asdict(c) for c in self.cells],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    # ------------------------------------------------------------------------------------------ queries

    def notebooks(self) -> list[str]:
        """The notebooks that have rows, in course order."""
        return list(dict.fromkeys(r.notebook for r in self.rows))

    def rows_of(self, notebook: str) -> list[Row]:
        """One notebook's rows, in the order it recorded them."""
        return [r for r in self.rows if r.notebook == notebook]

    def seconds(self) -> dict[str, float]:
        """Each notebook's seconds, in course order."""
        return {r.notebook: r.seconds for r in self.rows}

    def finished_seconds(self) -> dict[str, float]:
        """Each notebook's seconds, without the notebooks whose last run failed (their time is no measurement)."""
        failed = self.failed()
        return {n: s for n, s in self.seconds().items() if n not in failed}

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

    def machine_of(self, notebook: str) -> Machine:
        """The machine of the run ``notebook``'s rows come from."""
        return self.machines[self.runs()[notebook]]

    def setups(self) -> list[tuple[Machine, list[str]]]:
        """The distinct machines the rows ran on (by :attr:`Machine.setup`), each with its runs, oldest first."""
        groups: dict[tuple, tuple[Machine, list[str]]] = {}
        for run in sorted(set(self.runs().values())):
            machine = self.machines[run]
            groups.setdefault(machine.setup, (machine, []))[1].append(run)
        return list(groups.values())

    # ------------------------------------------------------------------------------------------ merging

    def merge(self, newer: Ledger, course: Iterable[str] | None = None) -> Ledger:
        """This ledger with the notebooks that ``newer`` ran replaced by ``newer``'s rows and cells.

        Notebooks ``newer`` did not run keep their rows from the run that last produced them, and those runs keep
        their machines. With ``course`` (the names of the notebooks that exist now), rows of notebooks no longer
        in the course are dropped. Rows come out in course order (notebook names sort in course order).
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
        used = {r.run for r in rows}
        machines = {run: m for run, m in {**self.machines, **newer.machines}.items() if run in used}
        return Ledger(rows, cells, machines)

    def mixed_runs(self) -> bool:
        """Whether the rows come from more than one run."""
        return len(set(self.runs().values())) > 1

    # ------------------------------------------------------------------------------------------ sentences

    def machine_sentence(self) -> str:
        """Where the numbers were measured: ``on a N-core ... CPU (no GPU), torch 2.4.1 on N threads, Python
        3.11``; with runs on different machines, each machine with the runs it made."""
        setups = self.setups()
        if not setups:
            return "on no machine yet"
        if len(setups) == 1:
            return f"on {setups[0][0].describe()}"
        parts = [f"{', '.join(run_label(r) for r in runs)} on {m.describe()}" for m, runs in setups]
        return f"on {len(setups)} different machines, whose seconds do not compare: " + "; ".join(parts)

    def intro(self) -> str:
        """The sentence above the results table: which runs, on which machine(s)."""
        runs = sorted(set(self.runs().values()))
        if len(runs) == 1:
            when = f"From the last full `make run` ({run_label(runs[0])})"
        else:
            when = f"From {len(runs)} full `make run`s (the run column says which run each notebook's rows come from)"
        return f"{when} {self.machine_sentence()}. Seconds include kernel start."

    def time_line(self, notebook: str) -> str:
        """A notebook's line in its title cell: ``*Runs in under 4½ minutes on a N-core CPU (last full run).*``,
        the machine from its own run."""
        seconds = self.seconds()[notebook]
        return f"*Runs in {minutes_phrase(seconds)} on {self.machine_of(notebook).short()} (last full run).*"

    def time_column(self) -> str:
        """The title of README's time column: ``Time on a N-core CPU``, or ``Time (last full run)`` when the
        notebooks ran on different kinds of machine (each notebook's time line then names its own)."""
        shorts = {self.machine_of(n).short() for n in self.finished_seconds()}
        return f"Time on {shorts.pop()}" if len(shorts) == 1 else "Time (last full run)"

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

    def markdown_table(self, numbers: bool = False) -> str:
        """The results table as README.md and the site show it: :meth:`intro`, then a Markdown table with a run
        column when runs differ. ``numbers`` shows notebooks by number (``05``) instead of name, for narrow pages.
        """
        mixed = self.mixed_runs()
        header = ["#" if numbers else "notebook", "metric", "value", "target", "pass", "seconds"]
        header += ["run"] if mixed else []
        rows = []
        for c in self._cells():
            name = c["notebook"][:2] if numbers else c["notebook"]
            rows.append(
                [name, c["metric"], c["value"], c["target"], c["pass"], c["seconds"]] + ([c["run"]] if mixed else [])
            )
        rows.append(["**total**", "", "", "", "", f"**{self.total_seconds():.0f}**"] + ([""] if mixed else []))
        return f"{self.intro()}\n\n{table(header, rows, 'llrrlr' + 'l' * mixed)}"

    def slowest_cells_text(self, n: int = 5) -> str:
        """The ``n`` slowest cells of the course as printed after the results table."""
        slow = self.slowest_cells(n)
        if not slow:
            return "slowest cells: none timed"
        lines = [f"the {len(slow)} slowest cells of the course:"]
        for c in slow:
            lines.append(f"  {c.seconds:7.1f} s  {c.notebook} cell {c.cell}: {c.first_line}")
        return "\n".join(lines)
