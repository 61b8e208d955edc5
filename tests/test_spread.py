"""The seed offset (``MNIST_COURSE_SEED_OFFSET``) and tools.spread, which re-runs notebooks with other seeds and
writes notebooks/spreads.json and CONTRIBUTING's section from it."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

from mnist_course import settings
from mnist_course.data import TensorBatches, split_indices
from tools import spread
from tools.ledger import Ledger, Machine, Row

ROOT = Path(__file__).resolve().parent.parent
RUN = "2026-12-07T10:00:00Z"


# ---------------------------------------------------------------------------------------------- the switch


def _draws() -> tuple[float, float, list[float]]:
    return random.random(), float(np.random.rand()), torch.rand(3).tolist()


def _seeded_by_hand(seed: int) -> tuple[float, float, list[float]]:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return _draws()


@pytest.mark.parametrize("setting", [None, "0", " 0 "])
def test_offset_zero_reproduces_the_course_numbers_exactly(monkeypatch, setting):
    if setting is None:
        monkeypatch.delenv("MNIST_COURSE_SEED_OFFSET", raising=False)
    else:
        monkeypatch.setenv("MNIST_COURSE_SEED_OFFSET", setting)
    assert settings.seed_offset() == 0
    for seed in (0, 3):
        settings.seed_everything(seed)
        assert _draws() == _seeded_by_hand(seed)
    x, y = torch.arange(10), torch.arange(10)
    order = [yb.tolist() for _, yb in TensorBatches(x, y, batch_size=10, seed=5)]
    assert order == [torch.randperm(10, generator=torch.Generator().manual_seed(5)).tolist()]


def test_offset_one_changes_the_draws_and_the_batch_order(monkeypatch):
    monkeypatch.delenv("MNIST_COURSE_SEED_OFFSET", raising=False)
    settings.seed_everything(0)
    course = torch.rand(5)
    x, y = torch.arange(100), torch.arange(100)
    course_order = torch.cat([yb for _, yb in TensorBatches(x, y, batch_size=30, seed=0)])
    fixed_order = torch.cat([yb for _, yb in TensorBatches(x, y, batch_size=30, seed=0, fixed_seed=True)])

    monkeypatch.setenv("MNIST_COURSE_SEED_OFFSET", "1")
    assert settings.seed_offset() == 1
    settings.seed_everything(0)
    shifted = torch.rand(5)
    assert not torch.equal(shifted, course)
    settings.seed_everything(0)
    assert torch.equal(torch.rand(5), torch.rand(5, generator=torch.Generator().manual_seed(1)))
    order = torch.cat([yb for _, yb in TensorBatches(x, y, batch_size=30, seed=0)])
    assert not torch.equal(order, course_order) and sorted(order.tolist()) == list(range(100))
    assert torch.equal(order, torch.randperm(100, generator=torch.Generator().manual_seed(1)))
    # The instruments stay fixed: a batcher asked for its seed as given, and the validation split.
    assert torch.equal(torch.cat([yb for _, yb in TensorBatches(x, y, 30, seed=0, fixed_seed=True)]), fixed_order)
    with_offset = split_indices(1000, 100)
    monkeypatch.delenv("MNIST_COURSE_SEED_OFFSET")
    without = split_indices(1000, 100)
    assert all(torch.equal(a, b) for a, b in zip(with_offset, without))


@pytest.mark.parametrize("bad", ["one", "-1", "1.5", "2e3"])
def test_a_bad_offset_says_what_to_write(monkeypatch, bad):
    monkeypatch.setenv("MNIST_COURSE_SEED_OFFSET", bad)
    with pytest.raises(ValueError, match=r"MNIST_COURSE_SEED_OFFSET=.* is not a whole number 0 or more: write e\.g\."):
        settings.seed_offset()
    with pytest.raises(ValueError, match="MNIST_COURSE_SEED_OFFSET"):
        settings.seed_everything(0)


def test_the_offset_is_a_documented_switch_and_turns_the_lecture_cache_off(monkeypatch):
    assert "MNIST_COURSE_SEED_OFFSET" in settings.SWITCHES and "seed_offset" in settings.__all__
    assert "``MNIST_COURSE_SEED_OFFSET``" in settings.__doc__
    assert "`MNIST_COURSE_SEED_OFFSET`" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    monkeypatch.setenv("MNIST_COURSE_LECTURE_CACHE", "1")
    monkeypatch.setenv("MNIST_COURSE_SEED_OFFSET", "0")
    assert settings.lecture_cache_enabled()
    monkeypatch.setenv("MNIST_COURSE_SEED_OFFSET", "2")  # prepared trainings used other seeds: train live
    assert not settings.lecture_cache_enabled()


def test_the_judge_is_an_instrument_the_offset_leaves_alone(monkeypatch):
    from mnist_course.judge import train_judge

    x = torch.rand(96, 28, 28, generator=torch.Generator().manual_seed(0))
    y = torch.arange(96) % 10
    weights = []
    for offset in ("0", "1"):
        monkeypatch.setenv("MNIST_COURSE_SEED_OFFSET", offset)
        judge, _ = train_judge(x, y, epochs=1, batch_size=16, verbose=False)
        weights.append(torch.cat([p.detach().flatten() for p in judge.parameters()]))
    assert torch.equal(weights[0], weights[1])


# ---------------------------------------------------------------------------------------------- collecting


def _stdout(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def test_failed_checks_are_read_from_a_notebooks_printed_output():
    nb = nbformat.v4.new_notebook()
    quiet = nbformat.v4.new_code_cell("check(True, 'fine')")
    loud = nbformat.v4.new_code_cell("...")
    loud.outputs = [
        _stdout("loss 0.3\nWARNING: this claim no longer holds: the loss fell below 0.25\n"),
        nbformat.v4.new_output("stream", name="stderr", text="WARNING: this claim no longer holds: a warning copy\n"),
        _stdout(["check: dropout helped: no (quick mode trains too little: not enforced)\n"]),
    ]
    miss = nbformat.v4.new_code_cell("record(...)")
    miss.outputs = [_stdout("acc = 0.9  ->  acc >= 0.95: FAIL\nWARNING: acc = 0.9 missed its target (...)\n")]
    text = nbformat.v4.new_markdown_cell("WARNING: this claim no longer holds: prose is not output")
    nb.cells = [quiet, loud, miss, text]
    assert spread.failed_checks(nb) == ["the loss fell below 0.25", "dropout helped"]


def test_an_entry_gives_each_metric_its_worst_seed_and_margin():
    runs = {
        0: ([_result("acc", 0.97, 0.95), _result("mse", 0.010, 0.02, False)], [], None),
        1: ([_result("acc", 0.955, 0.95), _result("mse", 0.015, 0.02, False)], ["a claim"], None),
        2: ([_result("acc", 0.96, 0.95)], [], "AssertionError: shapes"),
    }
    entry = spread.notebook_entry(runs, RUN)
    acc, mse = entry["metrics"]["acc"], entry["metrics"]["mse"]
    assert acc["values"] == {"0": 0.97, "1": 0.955, "2": 0.96}
    assert acc["worst"] == 0.955 and acc["margin"] == pytest.approx(0.005)
    assert mse["values"] == {"0": 0.010, "1": 0.015, "2": None}
    assert mse["worst"] is None and mse["margin"] is None  # offset 2 stopped before recording it
    assert entry["failed_checks"] == {"0": [], "1": ["a claim"], "2": []}
    assert entry["errors"] == {"2": "AssertionError: shapes"} and entry["offsets"] == [0, 1, 2]
    lower = spread.notebook_entry({0: ([_result("mse", 0.010, 0.02, False)], [], None)}, RUN)
    assert lower["metrics"]["mse"]["margin"] == pytest.approx(0.01)


def _result(metric: str, value: float, target: float, higher: bool = True) -> dict:
    passed = value >= target if higher else value <= target
    return {"metric": metric, "value": value, "target": target, "higher_is_better": higher, "passed": passed}


def _ledger(folder: Path, notebook: str, value: float, target: float) -> None:
    row = Row(notebook, "draw", value, target, True, value >= target, False, 3.0, RUN)
    other = Row("99_other", "x", 1.0, 0.5, True, True, False, 1.0, RUN)
    Ledger([row, other], [], {RUN: Machine.this(date=RUN)}).write(folder / "results.json")


def test_offset_zero_comes_from_the_ledger_and_the_stored_notebook(tmp_path):
    _ledger(tmp_path, "00_tiny", 0.4, 0.3)
    ledger = Ledger.read(tmp_path / "results.json")
    results, claims, error = spread.committed_offset0("00_tiny", ledger, tmp_path)
    assert [(r["metric"], r["value"], r["target"]) for r in results] == [("draw", 0.4, 0.3)]
    assert claims == [] and error is None  # no stored notebook: nothing failed
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("check(...)")
    cell.outputs = [_stdout("WARNING: this claim no longer holds: stored claim\n")]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "00_tiny.ipynb")
    assert spread.committed_offset0("00_tiny", ledger, tmp_path)[1] == ["stored claim"]
    results, _, error = spread.committed_offset0("05_absent", ledger, tmp_path)
    assert results == [] and "no rows in" in error and "make run NB=05" in error


# ---------------------------------------------------------------------------------------------- rendering


def _spreads(path: Path) -> dict:
    runs = {
        0: ([_result("test accuracy", 0.99, 0.98)], [], None),
        1: ([_result("test accuracy", 0.985, 0.98)], ["the curve flattens"], None),
        2: ([_result("test accuracy", 0.975, 0.98)], [], None),
    }
    data = {
        "format": spread.FORMAT,
        "quick": False,
        "runs": {RUN: {"machine": dataclasses.asdict(Machine.this(date=RUN))}},
        "notebooks": {"10_cnn": spread.notebook_entry(runs, RUN)},
    }
    spread.write_spreads(data, path)
    return data


def _contributing(path: Path, body: str = "") -> Path:
    path.write_text(f"# Contributing\n\n<!-- spreads:start -->\n{body}<!-- spreads:end -->\n\nafter\n")
    return path


def test_render_writes_the_table_and_check_compares_it(tmp_path, capsys):
    source, contributing = tmp_path / "spreads.json", _contributing(tmp_path / "CONTRIBUTING.md")
    _spreads(source)
    args = ["--render", "--out", str(source), "--contributing", str(contributing)]
    assert spread.main([*args, "--check"]) == 1
    assert "spreads section differs" in capsys.readouterr().out
    assert spread.main(args) == 0
    text = contributing.read_text()
    assert text.startswith("# Contributing\n") and text.endswith("<!-- spreads:end -->\n\nafter\n")
    assert "| notebook | metric | target | seed offset 0 | 1 | 2 | worst margin |" in text
    assert "| 10_cnn | test accuracy | ≥ 0.98 | 0.99 | 0.985 | 0.975 | -0.005 |" in text
    assert "Checks that failed on some seed offset:\n\n- 10_cnn, seed offset 1: the curve flattens\n" in text
    assert "Seed offset 0 is the committed full run" in text and Machine.this().describe() in text
    assert spread.main([*args, "--check"]) == 0
    contributing.write_text(text.replace("0.985", "0.986"))
    assert spread.main([*args, "--check"]) == 1


def test_before_any_measurement_the_section_says_so(tmp_path, capsys):
    missing = tmp_path / "spreads.json"
    contributing = _contributing(tmp_path / "CONTRIBUTING.md", spread.EMPTY)
    args = ["--render", "--check", "--out", str(missing), "--contributing", str(contributing)]
    assert spread.main(args) == 0
    assert "Not measured yet" in contributing.read_text()
    _contributing(contributing)  # markers, but nothing between them
    assert spread.main(args) == 1
    contributing.write_text("no markers\n")
    assert spread.main(args) == 1
    assert "has no <!-- spreads:start -->" in capsys.readouterr().err


def test_the_repositorys_section_matches_its_spreads_file():
    assert spread.main(["--render", "--check"]) == 0


def test_a_broken_spreads_file_or_offset_zero_stops_before_anything_runs(tmp_path, capsys):
    (tmp_path / "00_tiny.py").write_text("# %%\nraise SystemExit('must not run')\n")
    broken = tmp_path / "spreads.json"
    broken.write_text(json.dumps({"format": 99}))
    common = ["00", "--notebooks", str(tmp_path), "--build", str(tmp_path / "build"), "--out", str(broken)]
    assert spread.main(common) == 1
    assert "format 99" in capsys.readouterr().err
    assert spread.main([*common, "--offsets", "0", "1"]) == 1
    assert "offset 0 is the committed run" in capsys.readouterr().err
    assert not (tmp_path / "build").exists()


# ---------------------------------------------------------------------------------------------- end to end

TINY = """# %%
import torch

from mnist_course.results import check, record
from mnist_course.settings import seed_everything

seed_everything(0)
draw = torch.rand(1).item()

# %%
result = record("draw", draw, 0.3)

# %%
check(draw < 0.5, "the draw is below one half")
"""


def _first_draw(seed: int) -> float:
    return torch.rand(1, generator=torch.Generator().manual_seed(seed)).item()


def _tool(tmp_path: Path, *args: str, quick: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MNIST_COURSE_SEED_OFFSET"}
    env |= {"MNIST_COURSE_QUICK": "1" if quick else "0", "MNIST_COURSE_STRICT": "1"}  # strict is switched off
    cmd = [sys.executable, "-m", "tools.spread", "00", "--notebooks", str(tmp_path / "nbs"), "--build"]
    cmd += [str(tmp_path / "build"), *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_a_full_spread_runs_the_offsets_and_takes_offset_zero_from_the_ledger(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    (nbs / "00_tiny.py").write_text(TINY)
    _ledger(nbs, "00_tiny", 0.25, 0.3)  # the committed run's value (not what seed 0 draws: it is read, not re-run)
    proc = _tool(tmp_path, "--offsets", "1")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    data = spread.read_spreads(nbs / "spreads.json", missing_ok=False)
    assert data["quick"] is False and list(data["runs"]) == [data["notebooks"]["00_tiny"]["run"]]
    entry = data["notebooks"]["00_tiny"]
    draw = entry["metrics"]["draw"]
    assert draw["values"] == {"0": 0.25, "1": pytest.approx(_first_draw(1))}
    assert draw["worst"] == 0.25 and draw["margin"] == pytest.approx(-0.05)
    assert _first_draw(1) > 0.5  # so the check fails with offset 1, and the run goes on regardless
    assert entry["failed_checks"] == {"0": [], "1": ["the draw is below one half"]} and entry["errors"] == {}
    assert (tmp_path / "build" / "spread" / "offset-1" / "00_tiny.ipynb").exists()
    assert not (nbs / "00_tiny.ipynb").exists()  # nothing executed lands beside the twins
    assert "the draw is below one half" in proc.stdout
    contributing = _contributing(tmp_path / "CONTRIBUTING.md")
    render = ["--render", "--out", str(nbs / "spreads.json"), "--contributing", str(contributing)]
    assert spread.main(render) == 0 and spread.main([*render, "--check"]) == 0
    assert "| 00_tiny | draw | ≥ 0.3 | 0.25 |" in contributing.read_text()


def test_a_quick_spread_runs_offset_zero_too_and_writes_its_own_file(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    (nbs / "00_tiny.py").write_text(TINY)
    out = tmp_path / "quick.json"
    proc = _tool(tmp_path, "--offsets", "1", "--out", str(out), quick=True)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    data = json.loads(out.read_text())
    assert data["quick"] is True
    entry = data["notebooks"]["00_tiny"]
    assert entry["metrics"]["draw"]["values"] == {
        "0": pytest.approx(_first_draw(0)),
        "1": pytest.approx(_first_draw(1)),
    }
    assert entry["failed_checks"] == {"0": [], "1": ["the draw is below one half"]}
    assert not (nbs / "spreads.json").exists()
