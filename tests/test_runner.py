"""tools/run_course.py: executes a py:percent twin into its .ipynb and collects recorded results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOK = """# %% [markdown]
# # 01 · Tiny

# %%
from mnist_course.results import record

print("hello")

# %%
r = record("answer", 42, 40)
"""


def _run(tmp_path: Path, source: str, quick: bool = False) -> subprocess.CompletedProcess:
    folder = tmp_path / "nbs"
    folder.mkdir(exist_ok=True)
    (folder / "01_tiny.py").write_text(source)
    env = dict(os.environ, MNIST_COURSE_QUICK="1" if quick else "0")
    cmd = [
        sys.executable,
        str(ROOT / "tools" / "run_course.py"),
        "--notebooks",
        str(folder),
        "--build",
        str(tmp_path / "build"),
    ]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def test_runner_executes_and_records(tmp_path):
    proc = _run(tmp_path, NOTEBOOK)
    assert proc.returncode == 0, proc.stderr
    nb = nbformat.read(tmp_path / "nbs" / "01_tiny.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2]
    assert code[0].outputs[0].text == "hello\n"
    rows = json.loads((tmp_path / "build" / "results.json").read_text())
    assert rows[0]["notebook"] == "01_tiny" and rows[0]["value"] == 42 and rows[0]["passed"] is True
    assert rows[0]["seconds"] > 0
    assert "answer" in proc.stdout and "total" in proc.stdout


def test_runner_fails_on_a_missed_target_and_keeps_the_notebook_out(tmp_path):
    proc = _run(tmp_path, NOTEBOOK.replace('record("answer", 42, 40)', 'record("answer", 1, 40)'))
    assert proc.returncode == 1
    assert "TargetMissed" in proc.stderr
    assert not (tmp_path / "nbs" / "01_tiny.ipynb").exists()
    assert (tmp_path / "build" / "failed" / "01_tiny.ipynb").exists()


def test_quick_run_writes_to_build_not_notebooks(tmp_path):
    proc = _run(tmp_path, NOTEBOOK, quick=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "build" / "quick" / "01_tiny.ipynb").exists()
    assert not (tmp_path / "nbs" / "01_tiny.ipynb").exists()
    assert json.loads((tmp_path / "build" / "results-quick.json").read_text())[0]["quick"] is True


def test_quick_run_does_not_enforce_targets_but_fails_on_errors(tmp_path):
    missed = NOTEBOOK.replace('record("answer", 42, 40)', 'record("answer", 4, 40)')
    proc = _run(tmp_path, missed, quick=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "build" / "results-quick.json").read_text())[0]["passed"] is False
    proc = _run(tmp_path, NOTEBOOK + "\n# %%\nraise RuntimeError('broken cell')\n", quick=True)
    assert proc.returncode == 1 and "broken cell" in proc.stderr + proc.stdout


def test_readme_results_replaces_only_the_marked_block(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import readme_results
    finally:
        sys.path.remove(str(ROOT / "tools"))
    rows = [
        {"notebook": "05_x", "metric": "acc", "value": 0.9261, "target": 0.92, "passed": True, "seconds": 40.04},
        {"notebook": "05_x", "metric": "mse", "value": 0.5, "target": 0.95, "higher_is_better": False,
         "passed": False, "seconds": 40.04},
        {"notebook": "06_y", "metric": "speed", "value": None, "target": None, "passed": True, "seconds": 9.6},
    ]
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "results.json").write_text(json.dumps(rows))
    bench = {"threads": 2, "torch": "2.x", "bench_seconds": 300.4, "rows": [
        {"name": "data path", "course": "0.1 s", "baseline": "9 s", "ratio": "90.0×", "goal": "≥ 50×", "met": True}]}
    (tmp_path / "build" / "bench.json").write_text(json.dumps(bench))
    (tmp_path / "README.md").write_text(
        "# T\n<!-- results:start -->\nold\n<!-- results:end -->\nafter\n<!-- bench:start -->\nb\n<!-- bench:end -->\n"
    )
    monkeypatch.setattr(readme_results, "ROOT", tmp_path)
    assert readme_results.main() == 0
    text = (tmp_path / "README.md").read_text()
    assert "old" not in text and text.startswith("# T\n<!-- results:start -->\n") and "-->\nafter\n<!-- bench:start -->" in text
    assert "| 05_x | acc | 0.9261 | ≥ 0.92 | yes | 40.0 |" in text
    assert "| 05_x | mse | 0.5 | ≤ 0.95 | NO |  |" in text  # seconds once per notebook
    assert "| **total** | | | | | **50** |" in text
    assert "| data path | 0.1 s | 9 s | 90.0× | ≥ 50× | yes |" in text and "2 CPU threads, torch 2.x, 300 s" in text
