"""tools.stored_results: the stored notebooks' verdict lines against the committed ledger (part of `make check`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mnist_course.results import record
from tools import stored_results
from tools.ledger import Ledger, Machine, Row

ROOT = Path(__file__).resolve().parent.parent
RUN = "2026-12-02T03:29:00Z"
MACHINE = Machine("Example CPU @ 2.20GHz", 2, 2, "cpu", "3.11.7", "2.14.1", RUN)
NAMES = ["05_linear_classifier", "07_autoencoders"]


def ledger_from_outputs(folder: Path) -> Ledger:
    """For tests only: the ledger a run would have written for the stored notebooks in ``folder``, rebuilt from
    their printed verdicts (never committed: the real ledger comes from `make run`)."""
    rows = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        for v in stored_results.verdicts(path):
            value, target = float(v.value), float(v.target)
            rows.append(Row(v.notebook, v.metric, value, target, v.higher_is_better, v.passed, False, 30.0, RUN))
    return Ledger(rows, [], {RUN: MACHINE})


@pytest.fixture
def repo(tmp_path) -> Path:
    """Two stored notebooks and a ledger that agrees with them."""
    (tmp_path / "notebooks").mkdir()
    for name in NAMES:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", tmp_path / "notebooks")
    ledger_from_outputs(tmp_path / "notebooks").write(tmp_path / "notebooks" / "results.json")
    return tmp_path


def edit_output(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the one stream output of the stored notebook that prints ``old``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    hits = 0
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", ""))
            if old in text:
                output["text"] = text.replace(old, new)
                hits += 1
    assert hits == 1, f"{old!r} is printed {hits} times in {path.name}"
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_the_lines_record_prints_parse_back(capsys):
    record("conv AE / PCA test MSE, k=16", 0.50137, 0.95, higher_is_better=False, notebook="07_x")
    record("a = b", 0.912345, 0.9, notebook="07_x")
    first, second = capsys.readouterr().out.splitlines()
    v = stored_results.parse(first, "07_x", 3)
    assert (v.metric, v.value, v.higher_is_better, v.target, v.passed) == (
        "conv AE / PCA test MSE, k=16",
        "0.5014",
        False,
        "0.95",
        True,
    )
    assert v.line == first and stored_results.parse(second).metric == "a = b"
    assert stored_results.parse("loss = 0.3 after 3 epochs") is None  # not a verdict at all


def test_every_stored_notebook_prints_verdicts_that_parse():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        found = stored_results.verdicts(path)
        assert found and all(v.notebook == path.stem and not v.quick for v in found), path.name


def test_a_ledger_that_matches_the_stored_outputs_passes(repo, capsys):
    assert stored_results.main([], root=repo) == 0
    assert "every stored notebook's verdict lines match" in capsys.readouterr().out


@pytest.mark.parametrize(
    "old, new, named",
    [
        ("test accuracy = 0.9264  ->", "test accuracy = 0.9265  ->", "value 0.9265 against 0.9264"),
        ("->  test accuracy >= 0.92: PASS", "->  test accuracy >= 0.91: PASS", "target ≥ 0.91 against ≥ 0.92"),
        ("->  test accuracy >= 0.92: PASS", "->  test accuracy >= 0.92: FAIL", "FAIL against PASS"),
    ],
)
def test_an_edited_verdict_fails_the_check_naming_notebook_metric_and_both_values(repo, capsys, old, new, named):
    edit_output(repo / "notebooks" / "05_linear_classifier.ipynb", old, new)
    assert stored_results.main([], root=repo) == 1
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if "05_linear_classifier" in x]
    assert "05_linear_classifier: test accuracy: the stored notebook (cell" in line and named in line
    assert "`make run NB=05` writes both again, then `make readme headers`" in line
    assert "07_autoencoders" not in err  # the other notebook still agrees


def test_a_verdict_looking_line_that_does_not_parse_is_an_error(repo, capsys):
    edit_output(repo / "notebooks" / "07_autoencoders.ipynb", "denoising / plain AE MSE = 0.4", "denoising = 0.4")
    assert stored_results.main([], root=repo) == 1
    err = capsys.readouterr().err
    assert "notebooks/07_autoencoders.ipynb, cell" in err and "'denoising = 0.4  ->  denoising / plain" in err
    assert "looks like a verdict of mnist_course.results.record but does not read as" in err
    assert "`make run NB=07`" in err


def test_missing_extra_and_failed_notebooks_are_named(repo, capsys):
    ledger = Ledger.read(repo / "notebooks" / "results.json")
    seven = [r for r in ledger.rows if r.notebook == "07_autoencoders"]
    ledger.rows = [r for r in ledger.rows if r.notebook != "07_autoencoders"]
    ledger.rows.append(Row("09_gone", "m", 1.0, 0.5, True, True, False, 3.0, RUN))
    ledger.write(repo / "notebooks" / "results.json")
    assert stored_results.main([], root=repo) == 1
    err = capsys.readouterr().err
    assert "has no rows for it, though notebooks/07_autoencoders.ipynb is stored: `make run NB=07`" in err
    assert "09_gone: " in err and "there is no notebooks/09_gone.ipynb" in err
    ledger.rows = [r for r in ledger.rows if r.notebook != "09_gone"] + seven[:2]
    ledger.write(repo / "notebooks" / "results.json")
    assert stored_results.main([], root=repo) == 1
    err = capsys.readouterr().err  # the ledger records two of the five verdicts the notebook printed
    assert "07_autoencoders: the stored notebook printed 'conv AE / PCA test MSE, k=16 = 0.5014" in err
    assert err.count("results.json does not record") == 3
    ledger.rows = [r for r in ledger.rows if r.notebook != "07_autoencoders"]
    ledger.rows.append(Row.placeholder("07_autoencoders", True, False, 3.0, RUN))
    ledger.write(repo / "notebooks" / "results.json")
    assert stored_results.main([], root=repo) == 1
    assert "07_autoencoders: " in (err := capsys.readouterr().err) and "says its last run failed" in err


@pytest.mark.parametrize(
    "content, message",
    [
        ([{"notebook": "05_linear_classifier", "metric": "test accuracy"}], "format 1"),
        ({"format": 2, "rows": [], "cells": []}, "format 2"),
        (None, "does not exist"),
    ],
)
def test_an_old_or_missing_ledger_is_an_error_never_a_pass(repo, capsys, content, message):
    path = repo / "notebooks" / "results.json"
    if content is None:
        path.unlink()
    else:
        path.write_text(json.dumps(content))
    assert stored_results.main([], root=repo) == 1
    err = capsys.readouterr().err
    assert message in err and "results.json" in err and "`make run`" in err
