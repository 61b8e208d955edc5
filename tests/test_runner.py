"""tools.run_course: executes py:percent twins into .ipynb files and writes their results, with the machine they
ran on, into the ledger beside them (quick runs: into build/)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from tools.ledger import Ledger, Machine

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOK = """# %% [markdown]
# # 01 · Tiny

# %%
from mnist_course.results import record

print("hello")

# %%
# NBVAL_CHECK_OUTPUT
import time

time.sleep(0.3)

# %%
r = record("answer", 42, 40)
"""


def _run(tmp_path: Path, source: str | None = None, quick: bool = False, prefixes=(), **more: str):
    folder = tmp_path / "nbs"
    folder.mkdir(exist_ok=True)
    if source is not None:
        (folder / "01_tiny.py").write_text(source)
    env = dict(os.environ, MNIST_COURSE_QUICK="1" if quick else "0")
    for name, text in more.items():
        if name.startswith("MNIST_COURSE_"):
            env[name] = text
        else:
            (folder / f"{name}.py").write_text(text)
    cmd = [sys.executable, "-m", "tools.run_course", *prefixes, "--notebooks", str(folder)]
    cmd += ["--build", str(tmp_path / "build")]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_runner_executes_and_records(tmp_path):
    proc = _run(tmp_path, NOTEBOOK)
    assert proc.returncode == 0, proc.stderr
    nb = nbformat.read(tmp_path / "nbs" / "01_tiny.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert code[0].outputs[0].text == "hello\n"
    # Nothing about this machine's execution is stored: no per-cell timestamps, no Python patch version.
    assert all("execution" not in c.metadata and "ExecuteTime" not in c.metadata for c in nb.cells)
    assert "version" not in nb.metadata.get("language_info", {})
    ledger = Ledger.read(tmp_path / "nbs" / "results.json")
    (row,) = ledger.rows
    assert row.notebook == "01_tiny" and row.value == 42 and row.passed is True and row.seconds > 0
    assert row.run.endswith("Z") and len(row.run) == 20
    assert "answer" in proc.stdout and "total" in proc.stdout
    # The machine block: recorded before the first notebook, from this machine (the runner's process).
    machine = ledger.machines[row.run]
    assert machine == dataclasses.replace(Machine.this(), date=row.run)
    assert f"run {row.run} on {machine.describe()}" in proc.stdout
    assert not (tmp_path / "build" / "results.json").exists()  # full runs write the ledger beside the notebooks


def test_runner_times_each_cell_and_prints_the_slowest(tmp_path):
    proc = _run(tmp_path, NOTEBOOK)
    assert proc.returncode == 0, proc.stderr
    cells = Ledger.read(tmp_path / "nbs" / "results.json").cells
    assert len(cells) == 3 and all(c.notebook == "01_tiny" for c in cells)
    assert [c.seconds for c in cells] == sorted((c.seconds for c in cells), reverse=True)
    (sleep,) = [c for c in cells if c.cell == 3]  # 3rd cell of the notebook; its NBVAL marker line is skipped
    assert sleep.first_line == "import time" and 0.3 <= sleep.seconds < 5
    out = proc.stdout
    assert "slowest cells of the course" in out and "01_tiny cell 3: import time" in out
    assert out.index("total") < out.index("slowest cells")


def test_runner_fails_on_a_missed_target_and_keeps_the_notebook_out(tmp_path):
    proc = _run(tmp_path, NOTEBOOK.replace('record("answer", 42, 40)', 'record("answer", 1, 40)'))
    assert proc.returncode == 1
    assert "TargetMissed" in proc.stderr
    assert not (tmp_path / "nbs" / "01_tiny.ipynb").exists()
    assert (tmp_path / "build" / "failed" / "01_tiny.ipynb").exists()
    metrics = [r.metric for r in Ledger.read(tmp_path / "nbs" / "results.json").rows]
    assert metrics == ["answer", "(notebook failed)"]  # what it recorded before failing, then the failure


def test_quick_run_writes_to_build_not_notebooks(tmp_path):
    proc = _run(tmp_path, NOTEBOOK, quick=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "build" / "quick" / "01_tiny.ipynb").exists()
    assert not (tmp_path / "nbs" / "01_tiny.ipynb").exists()
    quick = Ledger.read(tmp_path / "build" / "results-quick.json")
    assert quick.rows[0].quick is True and quick.machines[quick.rows[0].run].cores >= 1
    assert not (tmp_path / "nbs" / "results.json").exists()


def test_quick_run_does_not_enforce_targets_but_fails_on_errors(tmp_path):
    missed = NOTEBOOK.replace('record("answer", 42, 40)', 'record("answer", 4, 40)')
    proc = _run(tmp_path, missed, quick=True)
    assert proc.returncode == 0, proc.stderr
    assert Ledger.read(tmp_path / "build" / "results-quick.json").rows[0].passed is False
    proc = _run(tmp_path, NOTEBOOK + "\n# %%\nraise RuntimeError('broken cell')\n", quick=True)
    assert proc.returncode == 1 and "broken cell" in proc.stderr + proc.stdout


OTHER = '# %% [markdown]\n# # 02 · Other\n\n# %%\nfrom mnist_course.results import record\n\nrecord("speed", 7, 5)\n'


def test_a_partial_run_replaces_only_its_notebooks_rows(tmp_path):
    # Before the ledger, `make run NB=02` overwrote build/results.json with 02's rows alone.
    proc = _run(tmp_path, NOTEBOOK, **{"02_other": OTHER})
    assert proc.returncode == 0, proc.stderr
    first = Ledger.read(tmp_path / "nbs" / "results.json")
    assert first.notebooks() == ["01_tiny", "02_other"] and not first.mixed_runs()
    (tmp_path / "nbs" / "02_other.py").write_text(OTHER.replace("7, 5", "9, 5"))
    time.sleep(1.1)  # run ids are to the second
    proc = _run(tmp_path, prefixes=["02"])
    assert proc.returncode == 0, proc.stderr
    merged = Ledger.read(tmp_path / "nbs" / "results.json")
    assert merged.notebooks() == ["01_tiny", "02_other"]
    assert [r.value for r in merged.rows] == [42, 9]
    assert merged.rows[0] == first.rows[0]  # 01's row untouched, run id and all
    assert merged.rows[1].run > first.rows[1].run and set(merged.machines) == {r.run for r in merged.rows}
    assert {c.notebook for c in merged.cells} == {"01_tiny", "02_other"}
    assert "this run" in proc.stdout and "1 notebook(s) from this run, 1 kept from earlier runs" in proc.stdout
    # A notebook whose twin is gone leaves the ledger at the next run.
    (tmp_path / "nbs" / "01_tiny.py").unlink()
    assert _run(tmp_path, prefixes=["02"]).returncode == 0
    assert Ledger.read(tmp_path / "nbs" / "results.json").notebooks() == ["02_other"]


def test_a_partial_run_on_another_machine_keeps_both_machines_and_says_so(tmp_path):
    assert _run(tmp_path, NOTEBOOK, **{"02_other": OTHER}).returncode == 0
    path = tmp_path / "nbs" / "results.json"
    ledger = Ledger.read(path)
    run = ledger.runs()["01_tiny"]
    ledger.machines[run] = dataclasses.replace(ledger.machines[run], cpu="Other CPU", cores=64)  # 01 ran elsewhere
    ledger.write(path)
    time.sleep(1.1)
    proc = _run(tmp_path, prefixes=["02"])
    assert proc.returncode == 0, proc.stderr
    assert "keeps rows from runs on another machine" in proc.stdout
    merged = Ledger.read(path)
    assert merged.machine_of("01_tiny").cores == 64 and merged.machine_of("02_other").cores == os.cpu_count()
    assert "on 2 different machines, whose seconds do not compare" in merged.markdown_table()


def test_a_partial_run_refuses_an_old_ledger_before_executing_anything(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    (folder / "results.json").write_text(json.dumps([{"notebook": "01_tiny", "metric": "m", "seconds": 1}]))
    proc = _run(tmp_path, NOTEBOOK, **{"02_other": OTHER}, prefixes=["02"])
    assert proc.returncode == 1
    assert "results.json is a ledger of format 1" in proc.stderr and "a full `make run`" in proc.stderr
    assert "nothing was executed" in proc.stderr and not (folder / "02_other.ipynb").exists()
    # A run of the whole course does not need the old ledger: it writes a new one.
    assert _run(tmp_path).returncode == 0
    assert Ledger.read(folder / "results.json").notebooks() == ["01_tiny", "02_other"]


LECTURE_NOTEBOOK = """# %%
from torch import nn

from mnist_course.lecture import train_or_load
from mnist_course.results import record

model = nn.Linear(2, 2)
calls = []
train_or_load("tiny", model, lambda: calls.append(1) or {"loss": 0.5}, lr=0.1)
print("trained" if calls else "loaded")

# %%
record("answer", 1, 40)  # missed: a lecture run is not strict, so it only warns
"""


def test_lecture_run_fills_the_cache_and_leaves_notebooks_and_ledger_alone(tmp_path):
    data = tmp_path / "data"
    runs = [_run(tmp_path, LECTURE_NOTEBOOK, prefixes=("--lecture",), MNIST_COURSE_DATA=str(data)) for _ in range(2)]
    assert all(p.returncode == 0 for p in runs), runs[-1].stderr
    assert len(list((data / "lecture-cache").glob("tiny-*.pt"))) == 1
    nb = nbformat.read(tmp_path / "build" / "lecture" / "01_tiny.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "loaded 'tiny'" in text and "loaded\n" in text, "the second run loads the first run's training"
    assert "WARNING: answer = 1 missed its target" in text
    assert not (tmp_path / "nbs" / "01_tiny.ipynb").exists() and not (tmp_path / "nbs" / "results.json").exists()
