"""The benchmark's results file, ``bench/results.json`` (committed): one file, one owner.

A :class:`Report` holds the rows of the table `make bench` prints (:class:`Row`; a training row also has each
side's measured speed and the FLOPs of one of its training steps, :class:`Side`), the machine it ran on
(:class:`tools.ledger.Machine`, the same block the results ledger keeps), this machine's float32 matrix-multiply peak measured in the same run (:class:`Peak`) and the
run's seconds. `python -m bench` writes it; the README tool renders it with :meth:`Report.markdown_table`. Nothing
else reads or writes the JSON: use :meth:`Report.read` and :meth:`Report.write`.

The file carries a ``format`` number. A file of another format (build/bench.json of earlier versions had none)
or one that is not a results file at all raises ``ValueError`` naming the file and the fix, never a silent pass.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tools.ledger import Machine, run_label, shown
from tools.repo_url import ROOT

#: Where `make bench` writes its results (committed, so the README's "How fast" table can be checked anywhere).
BENCH_FILE = ROOT / "bench" / "results.json"
#: Version of the file layout. Format 1 was build/bench.json: loose numbers and preformatted rows, no format key.
FORMAT = 2
#: What to do about a file this code cannot read.
FIX = "run `make bench` to write it again"


def machine_text(machine: Machine) -> str:
    """The bench's line for the machine block (the ledger's :class:`~tools.ledger.Machine`), e.g. ``Intel(R)
    Xeon(R) CPU @ 2.20GHz (2 cores, 2 torch threads, cpu), Python 3.12.3, torch 2.4.0``."""
    cores = f"{machine.cores} core{'s' if machine.cores != 1 else ''}"
    threads = f"{machine.torch_threads} torch thread{'s' if machine.torch_threads != 1 else ''}"
    return f"{machine.cpu} ({cores}, {threads}, {machine.device}), Python {machine.python}, torch {machine.torch}"


@dataclass
class Peak:
    """This machine's float32 matrix-multiply peak: the best GFLOP/s of an n×n by n×n product (2·n³ FLOPs)."""

    gflops: float
    size: int
    repeats: int


@dataclass
class Side:
    """One side of a training row: samples per second measured, its batch size, and the FLOPs of one training
    step (forward and backward on one batch, as `torch.utils.flop_counter.FlopCounterMode` counts them)."""

    samples_per_second: float
    batch_size: int
    step_flops: int

    @property
    def gflops(self) -> float:
        """Achieved GFLOP/s: FLOPs per step × steps per second."""
        return self.step_flops * (self.samples_per_second / self.batch_size) / 1e9


@dataclass
class Row:
    """One line of the table. ``course`` and ``baseline`` are the two measurements as printed; ``ratio`` is the
    usual way's time over the course's (higher is better for the course), ``goal`` the ratio aimed at, ``met``
    whether the row meets its goal (``None``: no goal). Training rows also have both :class:`Side` s."""

    name: str
    course: str
    baseline: str
    ratio: float | None = None
    goal: float | None = None
    met: bool | None = None
    course_side: Side | None = None
    baseline_side: Side | None = None

    @property
    def training(self) -> bool:
        """Whether the row times training steps (and so has achieved GFLOP/s)."""
        return self.course_side is not None and self.baseline_side is not None

    @property
    def ratio_text(self) -> str:
        return "-" if self.ratio is None else f"{self.ratio:.1f}×"

    @property
    def goal_text(self) -> str:
        return "-" if self.goal is None else f"≥ {self.goal:g}×"

    @property
    def met_text(self) -> str:
        return "-" if self.met is None else ("yes" if self.met else "NO")


@dataclass
class Report:
    """What one `make bench` run measured."""

    machine: Machine
    peak: Peak
    seconds: float
    rows: list[Row] = field(default_factory=list)
    tiny: bool = False

    # ------------------------------------------------------------------------------------------ file

    @classmethod
    def read(cls, path: Path = BENCH_FILE) -> Report:
        """The report in ``path``. Raises FileNotFoundError when there is none, ValueError when the file has
        another format or is not a results file; both messages name the file and the fix."""
        name = shown(path)
        if not path.exists():
            raise FileNotFoundError(f"{name} does not exist: {FIX}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"{name} is not valid JSON ({e}): {FIX}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{name} holds a JSON {type(data).__name__}, not a benchmark report: {FIX}")
        found = data.get("format")
        if found != FORMAT:
            was = "no format number (build/bench.json's old layout)" if found is None else f"format {found!r}"
            raise ValueError(f"{name} has {was}; this code reads format {FORMAT}: {FIX}")
        try:
            return _build(cls, {k: v for k, v in data.items() if k != "format"}, "report")
        except _Malformed as e:
            raise ValueError(f"{name} is not a benchmark report of format {FORMAT}: {e}: {FIX}") from None

    def write(self, path: Path = BENCH_FILE) -> None:
        """Write the report as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, **asdict(self)}
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    # ------------------------------------------------------------------------------------------ views

    def share(self, side: Side) -> float:
        """A side's achieved GFLOP/s as a fraction of this machine's peak."""
        return side.gflops / self.peak.gflops

    def _flop_cells(self, row: Row) -> tuple[str, str]:
        if row.course_side is None or row.baseline_side is None:
            return "-", "-"
        sides = (row.course_side, row.baseline_side)
        return (
            " / ".join(_gflops_text(s.gflops) for s in sides),
            " / ".join(f"{self.share(s):.0%}" for s in sides),
        )

    def machine_line(self) -> str:
        """Where and when the numbers come from, built from the machine block."""
        setting = " (tiny setting: a smoke test, not a measurement)" if self.tiny else ""
        return f"`make bench` on {machine_text(self.machine)}, {run_label(self.machine.date)}, {self.seconds:.0f} s in all{setting}."

    def peak_line(self) -> str:
        """How the achieved GFLOP/s and the share of peak are computed, with the peak's number."""
        p = self.peak
        return (
            "Achieved GFLOP/s: the FLOPs of one training step (forward and backward, counted by "
            "`torch.utils.flop_counter`) times the steps per second measured, course / usual way (pool first / "
            "pool last in the layer-order row). Share of peak: against this machine's float32 matrix-multiply "
            f"peak, measured in the same run: {p.gflops:.0f} GFLOP/s ({p.size}×{p.size}, best of {p.repeats})."
        )

    def markdown_table(self) -> str:
        """The README's "How fast" table, then how the FLOP columns are computed and the machine line."""
        lines = [
            "| benchmark | course | usual way | ratio | goal | met | achieved GFLOP/s | share of peak |",
            "|---|---:|---:|---:|---:|---|---:|---:|",
        ]
        for r in self.rows:
            gflops, share = self._flop_cells(r)
            lines.append(
                f"| {r.name} | {r.course} | {r.baseline} | {r.ratio_text} | {r.goal_text} | {r.met_text} "
                f"| {gflops} | {share} |"
            )
        return "\n".join(lines) + f"\n\n{self.peak_line()}\n\n{self.machine_line()}"

    def terminal_table(self) -> str:
        """The table `python -m bench` prints at the end of a run."""
        header = (
            f"{'benchmark':44s} {'course':>12s} {'usual way':>12s} {'ratio':>8s} {'goal':>8s}  met  "
            f"{'GFLOP/s':>13s} {'of peak':>11s}"
        )
        lines = [header]
        for r in self.rows:
            gflops, share = self._flop_cells(r)
            lines.append(
                f"{r.name:44s} {r.course:>12s} {r.baseline:>12s} {r.ratio_text:>8s} {r.goal_text:>8s}  "
                f"{r.met_text:3s}  {gflops:>13s} {share:>11s}"
            )
        lines.append(f"\nmatrix-multiply peak {self.peak.gflops:.1f} GFLOP/s ({self.peak.size}×{self.peak.size})")
        lines.append(self.machine_line())
        return "\n".join(lines)


def _gflops_text(gflops: float) -> str:
    return f"{gflops:.0f}" if gflops >= 10 else f"{gflops:.1f}"


# ---------------------------------------------------------------------------------------------- strict reading


class _Malformed(Exception):
    """A part of the file does not have the shape of the dataclass it should fill (the message says where)."""


def _build(cls: type, data: Any, where: str) -> Any:
    """An instance of the dataclass ``cls`` from its JSON form, checking every field's presence and type."""
    if not isinstance(data, dict):
        raise _Malformed(f"{where} should be an object, not {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise _Malformed(f"{where} has unknown field(s) {', '.join(unknown)}")
    hints = typing.get_type_hints(cls, vars(sys.modules[__name__]))
    values = {}
    for name, f in fields.items():
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise _Malformed(f"{where} lacks the field {name!r}")
            continue
        values[name] = _value(hints[name], data[name], f"{where}.{name}")
    return cls(**values)


def _value(hint: Any, value: Any, where: str) -> Any:
    """``value`` checked against the type ``hint`` (str, int, float, bool, None, dataclasses, lists, unions)."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    for option in options:
        if option is type(None) and value is None:
            return None
        if option is bool and isinstance(value, bool):
            return value
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if option is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if option is str and isinstance(value, str):
            return value
        if dataclasses.is_dataclass(option) and isinstance(value, dict):
            return _build(option, value, where)
        if typing.get_origin(option) is list and isinstance(value, list):
            (item,) = typing.get_args(option)
            return [_value(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    wanted = " or ".join("null" if o is type(None) else getattr(o, "__name__", str(o)) for o in options)
    raise _Malformed(f"{where} should be {wanted}, not {json.dumps(value)[:60]}")
