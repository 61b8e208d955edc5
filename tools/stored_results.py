"""The stored notebooks against the committed ledger: what each notebook printed is what the ledger records.

    python -m tools.stored_results    # exit 1 naming every notebook, metric and number that differ (`make check`)

Every stored ``notebooks/NN_*.ipynb`` printed one verdict line per headline result, written by
:func:`mnist_course.results.record`::

    test accuracy = 0.9264  ->  test accuracy >= 0.92: PASS

The check reads those lines from the notebooks' stored outputs (nothing is executed) and compares them, in order,
with the notebook's rows in notebooks/results.json: the same metrics, the value equal at four significant digits
(``%.4g``, as printed), the same direction and target, the same PASS or FAIL. It also fails on a stored notebook
the ledger has no rows for, a ledger notebook without its stored notebook, a notebook whose last run failed (its
stored outputs are then older than the ledger), and a printed line that looks like a verdict but does not parse.
Every message names the notebook and the fix: ``make run NB=NN`` writes the notebook and its rows together, then
``make readme headers`` renders them.

README's tables and the notebooks' time lines are checked against the same ledger by ``tools.readme_results
--check`` and ``tools.headers --check``; ``make check`` runs all three, in a clean clone as anywhere else.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.ledger import Ledger, Row, ledger_path, shown
from tools.repo_url import ROOT

#: A verdict line exactly as ``record`` prints it (the metric is repeated after the arrow).
VERDICT = re.compile(
    r"^(?P<metric>.+?) = (?P<value>\S+)  ->  (?P=metric) (?P<sign>>=|<=) (?P<target>\S+): (?P<verdict>PASS|FAIL)"
    r"(?P<quick> \(quick mode: not enforced\))?$"
)
#: A line that looks like a verdict: the arrow and a verdict word. It must then parse as :data:`VERDICT`.
LOOKS_LIKE = re.compile(r"  ->  .*: (PASS|FAIL)\b")


class UnparsedVerdict(ValueError):
    """A stored output line that looks like a verdict of ``record`` but does not parse as one."""


@dataclass(frozen=True)
class Verdict:
    """One verdict line of a stored notebook, as printed: ``value`` and ``target`` are the printed text."""

    notebook: str
    cell: int  #: 1-based position among the notebook's cells
    metric: str
    value: str
    higher_is_better: bool
    target: str
    passed: bool
    quick: bool

    @property
    def target_text(self) -> str:
        """``≥ 0.92`` or ``≤ 0.95``, as the results table writes a target."""
        return ("≥ " if self.higher_is_better else "≤ ") + self.target

    @property
    def line(self) -> str:
        """The line as it was printed (without the quick-mode note)."""
        sign = ">=" if self.higher_is_better else "<="
        verdict = "PASS" if self.passed else "FAIL"
        return f"{self.metric} = {self.value}  ->  {self.metric} {sign} {self.target}: {verdict}"


def parse(line: str, notebook: str = "", cell: int = 0) -> Verdict | None:
    """The verdict on ``line``; None when the line is not a verdict; :class:`UnparsedVerdict` when it looks like
    one but does not parse."""
    found = VERDICT.match(line)
    if found is None:
        if LOOKS_LIKE.search(line):
            raise UnparsedVerdict(
                f"notebooks/{notebook}.ipynb, cell {cell}: {line.strip()!r} looks like a verdict of "
                "mnist_course.results.record but does not read as 'METRIC = VALUE  ->  METRIC >= TARGET: PASS': "
                f"print it with record(...), or reword it; then `make run NB={notebook[:2]}`"
            )
        return None
    return Verdict(
        notebook,
        cell,
        found["metric"],
        found["value"],
        found["sign"] == ">=",
        found["target"],
        found["verdict"] == "PASS",
        found["quick"] is not None,
    )


def verdicts(path: Path) -> list[Verdict]:
    """Every verdict line a stored notebook printed, in order (stream outputs of its code cells)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ValueError(
            f"{shown(path)} is not a readable notebook ({e}): `make run NB={path.stem[:2]}` writes it again"
        ) from None
    found = []
    for i, cell in enumerate(cells, 1):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") != "stream":
                continue
            text = output.get("text", "")
            for line in ("".join(text) if isinstance(text, list) else text).splitlines():
                verdict = parse(line, path.stem, i)
                if verdict is not None:
                    found.append(verdict)
    return found


def _ledger_line(row: Row) -> str:
    """The verdict line ``record`` printed for ``row``."""
    sign = ">=" if row.higher_is_better else "<="
    verdict = "PASS" if row.passed else "FAIL"
    return f"{row.metric} = {row.value_text}  ->  {row.metric} {sign} {row.target:g}: {verdict}"


def compare(notebook: str, printed: list[Verdict], rows: list[Row], ledger_name: str) -> list[str]:
    """Where a stored notebook's verdict lines and its ledger rows differ (empty when they agree)."""
    fix = f"`make run NB={notebook[:2]}` writes both again, then `make readme headers`"
    recorded = [r for r in rows if r.recorded]
    problems = []
    for k in range(max(len(printed), len(recorded))):
        seen = printed[k] if k < len(printed) else None
        row = recorded[k] if k < len(recorded) else None
        if row is None:
            problems.append(
                f"{notebook}: the stored notebook printed {seen.line!r} (cell {seen.cell}), which {ledger_name} "
                f"does not record: {fix}"
            )
            continue
        if seen is None:
            problems.append(
                f"{notebook}: {ledger_name} records {_ledger_line(row)!r}, which the stored notebook never printed: "
                f"{fix}"
            )
            continue
        differences = []
        if seen.metric != row.metric:
            differences.append(f"metric {seen.metric!r} against {row.metric!r}")
        if seen.value != row.value_text:
            differences.append(f"value {seen.value} against {row.value_text}")
        if seen.higher_is_better != row.higher_is_better or seen.target != f"{row.target:g}":
            differences.append(f"target {seen.target_text} against {row.target_text}")
        if seen.passed != row.passed:
            differences.append(f"{'PASS' if seen.passed else 'FAIL'} against {'PASS' if row.passed else 'FAIL'}")
        if seen.quick:
            differences.append("printed by a quick run (its outputs belong in build/quick/, not notebooks/)")
        if differences:
            problems.append(
                f"{notebook}: {row.metric}: the stored notebook (cell {seen.cell}) and {ledger_name} differ: "
                f"{'; '.join(differences)} (notebook against ledger): {fix}"
            )
    return problems


def problems(root: Path = ROOT) -> list[str]:
    """Everything in which the stored notebooks and the committed ledger disagree; raises ``ValueError`` or
    ``FileNotFoundError`` (naming the file and the fix) when the ledger or a notebook cannot be read."""
    folder = root / "notebooks"
    path = ledger_path(notebooks=folder)
    ledger = Ledger.read(path)
    name = shown(path)
    stored = {p.stem: p for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}
    found = []
    for notebook, nb_path in stored.items():
        fix = f"`make run NB={notebook[:2]}`, then `make readme headers`"
        rows = ledger.rows_of(notebook)
        if not rows:
            found.append(f"{notebook}: {name} has no rows for it, though notebooks/{notebook}.ipynb is stored: {fix}")
            continue
        if notebook in ledger.failed():
            found.append(
                f"{notebook}: {name} says its last run failed, so the stored notebook is older than the ledger: "
                f"fix the notebook, then {fix}"
            )
            continue
        found += compare(notebook, verdicts(nb_path), rows, name)
    for notebook in ledger.notebooks():
        if notebook not in stored:
            found.append(
                f"{notebook}: {name} has rows for it but there is no notebooks/{notebook}.ipynb: run it "
                "(`make run`) or, if it left the course, a full `make run` drops its rows"
            )
    return found


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    """Check the stored notebooks' verdict lines against the committed ledger; exit 1 on any difference."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    try:
        found = problems(root)
    except (ValueError, FileNotFoundError) as e:
        print(f"stored_results: {e}", file=sys.stderr)
        return 1
    for problem in found:
        print(f"stored_results: {problem}", file=sys.stderr)
    if not found:
        print("stored_results: every stored notebook's verdict lines match notebooks/results.json")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
