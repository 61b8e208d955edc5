"""How much each target and check moves with the seed: re-run notebooks with other seeds (`make spread`).

    python -m tools.spread 07 08 09 10 11 --offsets 1 2   # run each twin once per offset; write notebooks/spreads.json
    python -m tools.spread --render                       # write CONTRIBUTING's table from notebooks/spreads.json
    python -m tools.spread --render --check               # exit 1 when that table differs from spreads.json
    MNIST_COURSE_QUICK=1 python -m tools.spread 09 --offsets 1   # a smoke test: writes build/spreads-quick.json

Each notebook's py:percent twin is executed headless (``tools.execute.execute``, as ``tools.run_course`` does)
once per seed offset, with ``MNIST_COURSE_SEED_OFFSET`` set: :func:`mnist_course.settings.seed_everything` and
``TensorBatches`` then add the offset to every seed, so the initial weights, dropout and augmentation draws and
the batch order change, while the validation split and notebook 08's judge stay as they are. The runs are not
strict: a missed target or a failed ``check`` is collected, never the end of the run. The executed notebooks go
to build/spread/offset-N/, never into notebooks/.

Offset 0 is the committed full run: its values come from the ledger notebooks/results.json (tools/ledger.py)
and its failed checks from the stored notebooks' outputs, not from a re-run. In quick mode nothing committed
matches, so offset 0 is executed too, and the file written is build/spreads-quick.json (never
notebooks/spreads.json, unless ``--out`` names it).

The file (format :data:`FORMAT`) holds, per notebook: the run it comes from; per metric its target, direction,
value per offset, the worst value and the worst seed's margin over the target (positive: every seed passed with
that much to spare); the ``check`` claims that failed per offset; the offsets at which the notebook stopped with
an error. Each run names its machine (:class:`tools.ledger.Machine`) and date. A run of some notebooks replaces
their entries and keeps the others'.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import nbformat

from mnist_course.settings import is_quick
from tools.execute import execute, twins
from tools.ledger import BUILD, LEDGER, NOTEBOOKS, Ledger, Machine, new_run_id, run_label, shown
from tools.markdown import block, fill, table
from tools.repo_url import ROOT

#: Version of the file layout.
FORMAT = 1
#: The committed measurement.
SPREADS = NOTEBOOKS / "spreads.json"
#: A quick-mode smoke test of the tool: never committed.
QUICK_SPREADS = BUILD / "spreads-quick.json"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
#: The notebooks `make spread` measures by default (those with trained targets).
DEFAULT_NOTEBOOKS = ("07", "08", "09", "10", "11")
#: CONTRIBUTING's generated block.
BLOCK = "spreads"
#: What the block says before the first `make spread`.
EMPTY = "Not measured yet: `make spread` runs the notebooks with other seeds and writes this table.\n"

#: A failed ``check`` as ``mnist_course.results`` prints it outside quick mode, and in quick mode.
_CLAIM = re.compile(r"^WARNING: this claim no longer holds: (.+)$")
_QUICK_CLAIM = re.compile(r"^check: (.+): no \(quick mode trains too little: not enforced\)$")


# ---------------------------------------------------------------------------------------------- collecting


def failed_checks(nb: nbformat.NotebookNode) -> list[str]:
    """The claims of every ``check`` that failed in an executed notebook, in order, read from its printed output."""
    claims = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") != "stream" or output.get("name") != "stdout":
                continue
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            for line in text.splitlines():
                found = _CLAIM.match(line.strip()) or _QUICK_CLAIM.match(line.strip())
                if found:
                    claims.append(found[1])
    return claims


def read_results(path: Path) -> list[dict[str, Any]]:
    """The results ``record`` appended to ``path`` (one JSON object a line); none when the file is missing."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_offset(
    py: Path, offset: int, build: Path, timeout: int, tmp: Path
) -> tuple[list[dict[str, Any]], list[str], str | None]:
    """Execute one twin with ``MNIST_COURSE_SEED_OFFSET=offset``, not strict. Returns its recorded results, the
    failed checks' claims and its error (``None`` when it ran to the end). The executed notebook goes to
    ``build/spread/offset-N/``, a failed one to ``build/spread/offset-N/failed/``."""
    os.environ["MNIST_COURSE_SEED_OFFSET"] = str(offset)
    folder = build / "spread" / f"offset-{offset}"
    out = folder / f"{py.stem}.ipynb"
    results = tmp / f"{py.stem}-{offset}.jsonl"
    results.unlink(missing_ok=True)
    _, error, _ = execute(py, out, results, timeout, folder)
    executed = out if error is None else folder / "failed" / out.name
    claims = failed_checks(nbformat.read(executed, as_version=4)) if executed.exists() else []
    return read_results(results), claims, error


# ---------------------------------------------------------------------------------------------- the measurement


def _worst(values: list[float | None], higher_is_better: bool) -> float | None:
    present = [v for v in values if v is not None and not math.isnan(v)]
    if not present or len(present) < len(values):
        return None  # a seed that produced no value is worse than any number
    return min(present) if higher_is_better else max(present)


def notebook_entry(runs: dict[int, tuple[list[dict[str, Any]], list[str], str | None]], run: str) -> dict[str, Any]:
    """One notebook's entry in spreads.json from its runs: offset -> (results, failed claims, error)."""
    offsets = sorted(runs)
    found: dict[str, dict[str, Any]] = {}  # metric -> its newest target and direction, and its value per offset
    for offset in offsets:  # metrics in the order the notebook records them
        for r in runs[offset][0]:
            m = found.setdefault(r["metric"], {"values": {}})
            m["target"], m["higher_is_better"] = float(r["target"]), bool(r["higher_is_better"])
            m["values"][offset] = float(r["value"])
    metrics = {}
    for name, m in found.items():
        values = [m["values"].get(o) for o in offsets]
        worst = _worst(values, m["higher_is_better"])
        margin = None
        if worst is not None:
            margin = worst - m["target"] if m["higher_is_better"] else m["target"] - worst
        metrics[name] = {
            "target": m["target"],
            "higher_is_better": m["higher_is_better"],
            "values": {str(o): v for o, v in zip(offsets, values)},
            "worst": worst,
            "margin": margin,
        }
    return {
        "run": run,
        "offsets": offsets,
        "metrics": metrics,
        "failed_checks": {str(o): runs[o][1] for o in offsets},
        "errors": {str(o): runs[o][2] for o in offsets if runs[o][2]},
    }


def ledger_file(notebooks: Path) -> Path:
    """The ledger beside the twins: notebooks/results.json."""
    return notebooks / LEDGER.name


def committed_offset0(name: str, ledger: Ledger, notebooks: Path) -> tuple[list[dict[str, Any]], list[str], str | None]:
    """Offset 0 of one notebook from the committed full run: the ledger's rows and the stored notebook's failed
    checks (a strict run stops at one, so a stored notebook normally has none)."""
    results = [asdict(r) for r in ledger.rows_of(name) if r.recorded]
    stored = notebooks / f"{name}.ipynb"
    claims = failed_checks(nbformat.read(stored, as_version=4)) if stored.exists() else []
    error = None
    if name in ledger.failed():
        error = "the committed run failed"
    elif name not in ledger.notebooks():
        error = f"no rows in {shown(ledger_file(notebooks))}: `make run NB={name[:2]}` first"
    return results, claims, error


def empty(quick: bool = False) -> dict[str, Any]:
    """A spreads file with nothing measured."""
    return {"format": FORMAT, "quick": quick, "runs": {}, "notebooks": {}}


def read_spreads(path: Path, missing_ok: bool = True) -> dict[str, Any]:
    """The spreads file at ``path`` (an empty one when it is missing and ``missing_ok``); a file of another format
    is a ``ValueError`` naming it and the fix."""
    if not path.exists():
        if missing_ok:
            return empty()
        raise FileNotFoundError(f"{shown(path)} does not exist: `make spread` writes it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{shown(path)} is not valid JSON ({e}): `make spread` writes a new one") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"{shown(path)} has format {found!r}; this code reads format {FORMAT}: run `make spread`")
    for key in ("runs", "notebooks"):
        if not isinstance(data.get(key), dict):
            raise ValueError(f"{shown(path)} lacks {key!r}: run `make spread` to write a new one")
    for name, entry in data["notebooks"].items():
        if entry.get("run") not in data["runs"]:
            raise ValueError(f"{shown(path)}: {name} comes from a run without its machine: run `make spread`")
    return data


def write_spreads(data: dict[str, Any], path: Path) -> None:
    """Write the file: notebooks in course order, only the runs they come from."""
    used = {e["run"] for e in data["notebooks"].values()}
    data = {
        "format": FORMAT,
        "quick": data["quick"],
        "runs": {run: m for run, m in sorted(data["runs"].items()) if run in used},
        "notebooks": dict(sorted(data["notebooks"].items())),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def measure(args: argparse.Namespace) -> int:
    """Run the notebooks at every offset and write the spreads file."""
    quick = is_quick()
    if any(o < 1 for o in args.offsets):
        print("spread: offsets are 1 or more; offset 0 is the committed run (notebooks/results.json)", file=sys.stderr)
        return 1
    out: Path = args.out or (args.build / QUICK_SPREADS.name if quick else args.notebooks / SPREADS.name)
    paths = twins(args.prefixes or list(DEFAULT_NOTEBOOKS), args.notebooks)
    if not paths:
        print(f"spread: no notebooks matched {args.prefixes} in {args.notebooks}/", file=sys.stderr)
        return 1
    try:  # read everything before anything executes, so a broken file stops the run at once
        earlier = read_spreads(out)
        ledger = None if quick else Ledger.read(ledger_file(args.notebooks))
    except (ValueError, FileNotFoundError) as e:
        print(f"spread: {e}", file=sys.stderr)
        print("spread: nothing was executed", file=sys.stderr)
        return 1
    if earlier["quick"] != quick:  # a smoke test and a measurement never share a file
        earlier = empty(quick)
    offsets = sorted(set(args.offsets) | ({0} if quick else set()))
    run = new_run_id()
    machine = Machine.this(date=run)
    print(f"spread run {run} on {machine.describe()}", flush=True)
    print(f"offsets {', '.join(map(str, offsets))}" + ("" if quick else " (0 from the committed run)"), flush=True)
    os.environ["MNIST_COURSE_STRICT"] = "0"  # a missed target or check is what we measure, not a failure
    os.environ["MNIST_COURSE_LECTURE_CACHE"] = "0"  # every training runs with its own seeds
    os.environ.setdefault("MNIST_COURSE_PROGRESS", "0")
    before = os.environ.get("MNIST_COURSE_SEED_OFFSET")
    entries = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for py in paths:
                runs = {} if quick else {0: committed_offset0(py.stem, ledger, args.notebooks)}
                for offset in offsets:
                    print(f"running {py.name} with seed offset {offset} ...", flush=True)
                    runs[offset] = run_offset(py, offset, args.build, args.timeout, Path(tmp))
                    results, claims, error = runs[offset]
                    state = f"FAILED: {error}" if error else "ok"
                    print(f"  {len(results)} result(s), {len(claims)} failed check(s), {state}", flush=True)
                entries[py.stem] = notebook_entry(runs, run)
    finally:
        if before is None:
            os.environ.pop("MNIST_COURSE_SEED_OFFSET", None)
        else:
            os.environ["MNIST_COURSE_SEED_OFFSET"] = before
    data = {
        "format": FORMAT,
        "quick": quick,
        "runs": {**earlier["runs"], run: {"machine": asdict(machine)}},
        "notebooks": {**earlier["notebooks"], **entries},
    }
    write_spreads(data, out)
    print()
    print(terminal_table(data))
    print(f"\nspreads in {shown(out)}" + ("" if quick else "; next: `python -m tools.spread --render`"))
    return 0


# ---------------------------------------------------------------------------------------------- rendering


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def _margin(value: float | None) -> str:
    return "— (a seed failed)" if value is None else f"{value:+.4g}"


def _rows(data: dict[str, Any]) -> tuple[list[int], list[list[str]]]:
    offsets = sorted({o for e in data["notebooks"].values() for o in e["offsets"]})
    rows = []
    for name, entry in data["notebooks"].items():
        for metric, m in entry["metrics"].items():
            target = ("≥ " if m["higher_is_better"] else "≤ ") + f"{m['target']:g}"
            values = [_number(m["values"].get(str(o))) if o in entry["offsets"] else "" for o in offsets]
            rows.append([name, metric, target, *values, _margin(m["margin"])])
    return offsets, rows


def failed_lines(data: dict[str, Any]) -> list[str]:
    """One line per notebook and offset with a failed check or an error."""
    lines = []
    for name, entry in data["notebooks"].items():
        for offset in entry["offsets"]:
            for claim in entry["failed_checks"].get(str(offset), []):
                lines.append(f"{name}, seed offset {offset}: {claim}")
            if entry["errors"].get(str(offset)):
                lines.append(f"{name}, seed offset {offset}: stopped with an error: {entry['errors'][str(offset)]}")
    return lines


def terminal_table(data: dict[str, Any]) -> str:
    """The table the measurement prints."""
    offsets, rows = _rows(data)
    header = ["notebook", "metric", "target", *(f"offset {o}" for o in offsets), "worst margin"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header, *rows]]
    fails = failed_lines(data)
    lines += ["", "failed checks and errors:" if fails else "failed checks and errors: none"]
    return "\n".join(lines + [f"  {x}" for x in fails])


def markdown(data: dict[str, Any]) -> str:
    """CONTRIBUTING's generated block: which runs, the table, then the checks that failed on some offset."""
    if not data["notebooks"]:
        return EMPTY
    machines = []
    for run, info in data["runs"].items():
        machine = Machine.from_dict(info["machine"], f"run {run}'s machine block")
        machines.append(f"{run_label(run)} on {machine.describe()}")
    if data["quick"]:
        zero = "**Quick mode, a smoke test of the tool and not a measurement**: seed offset 0 was run again"
    else:
        zero = "Seed offset 0 is the committed full run (`notebooks/results.json`)"
    intro = (
        f"Measured by `make spread`, {'; '.join(machines)}. {zero}. The worst margin is the worst seed's distance "
        "from the target, positive when every seed passed."
    )
    offsets, rows = _rows(data)
    header = ["notebook", "metric", "target", *(f"seed offset {o}" if o == 0 else str(o) for o in offsets)]
    body = table([*header, "worst margin"], rows, "llr" + "r" * len(offsets) + "r")
    fails = failed_lines(data)
    checks = "\n\n" + "\n".join(f"- {x}" for x in fails) if fails else " none."
    return f"{intro}\n\n{body}\n\nChecks that failed on some seed offset:{checks}\n"


def render(args: argparse.Namespace) -> int:
    """Write (or ``--check``) CONTRIBUTING's spreads block from the spreads file."""
    source: Path = args.out or args.notebooks / SPREADS.name
    contributing: Path = args.contributing
    try:
        body = markdown(read_spreads(source))
        text = contributing.read_text(encoding="utf-8")
        new = fill(text, BLOCK, body, shown(contributing))
    except ValueError as e:
        print(f"spread: {e}", file=sys.stderr)
        return 1
    if args.check:
        if block(text, BLOCK) != block(new, BLOCK):
            print(
                f"spread: {shown(contributing)}'s spreads section differs from {shown(source)}: run "
                "`python -m tools.spread --render`"
            )
            return 1
        print(f"spread: {shown(contributing)}'s spreads section matches {shown(source)}")
        return 0
    if new != text:
        contributing.write_text(new, encoding="utf-8")
        print(f"spread: {shown(contributing)}'s spreads section updated from {shown(source)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Measure the spreads of some notebooks, or (``--render``) write or check CONTRIBUTING's section."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "prefixes", nargs="*", help=f"notebooks whose names start with these (default: {' '.join(DEFAULT_NOTEBOOKS)})"
    )
    parser.add_argument("--offsets", type=int, nargs="+", default=[1, 2], help="seed offsets to run (default: 1 2)")
    parser.add_argument("--render", action="store_true", help="write CONTRIBUTING's section from the spreads file")
    parser.add_argument("--check", action="store_true", help="with --render: exit 1 when the section is stale")
    parser.add_argument(
        "--out",
        type=Path,
        help="the spreads file (default notebooks/spreads.json; quick runs: build/spreads-quick.json)",
    )
    parser.add_argument(
        "--notebooks", type=Path, default=NOTEBOOKS, help="folder of the twins, stored notebooks and ledger"
    )
    parser.add_argument("--build", type=Path, default=BUILD, help="executed notebooks go to BUILD/spread/offset-N/")
    parser.add_argument("--contributing", type=Path, default=CONTRIBUTING, help="the file with the spreads section")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    if args.check and not args.render:
        parser.error("--check goes with --render")
    if args.render:
        if args.prefixes:
            parser.error("--render takes no notebooks: it renders the whole spreads file")
        return render(args)
    return measure(args)


if __name__ == "__main__":
    sys.exit(main())
