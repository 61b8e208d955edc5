"""mnist_course.results: headline metrics against targets."""

from __future__ import annotations

import json

import pytest

from mnist_course.results import Result, TargetMissed, TargetWarning, check, record


def test_record_pass_prints_the_verdict(capsys):
    r = record("test_accuracy", 0.985, 0.98, notebook="06_fully_connected")
    assert isinstance(r, Result) and r.passed and r.notebook == "06_fully_connected"
    assert r.verdict == "test_accuracy >= 0.98: PASS"
    assert "test_accuracy = 0.985" in capsys.readouterr().out


def test_lower_is_better():
    r = record("error", 0.01, 0.02, higher_is_better=False)
    assert r.passed and r.verdict == "error <= 0.02: PASS"


def test_missed_target_raises_in_a_strict_full_run(monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_STRICT", "1")
    with pytest.raises(TargetMissed, match="missed its target"):
        record("test_accuracy", 0.5, 0.98)


def test_missed_target_warns_in_an_interactive_session(monkeypatch, capsys):
    monkeypatch.delenv("MNIST_COURSE_STRICT", raising=False)
    with pytest.warns(TargetWarning, match="missed its target .* by 0.48"):
        r = record("test_accuracy", 0.5, 0.98)
    assert not r.passed
    assert "WARNING: test_accuracy = 0.5 missed its target" in capsys.readouterr().out


@pytest.mark.parametrize("strict", ["0", "false", "no", "off"])
def test_strict_off_words_mean_interactive(monkeypatch, strict):
    monkeypatch.setenv("MNIST_COURSE_STRICT", strict)
    with pytest.warns(TargetWarning):
        record("test_accuracy", 0.5, 0.98)


def test_check_raises_only_when_strict(monkeypatch, capsys):
    monkeypatch.setenv("MNIST_COURSE_STRICT", "1")
    assert check(True, "fine") is None  # nothing for Jupyter to display under the cell
    with pytest.raises(TargetMissed, match="the loss fell"):
        check(False, "the loss fell")
    monkeypatch.setenv("MNIST_COURSE_STRICT", "0")
    with pytest.warns(TargetWarning, match="the loss fell"):
        assert check(False, "the loss fell") is None
    assert "WARNING" in capsys.readouterr().out


def test_missed_target_only_reported_in_quick_mode(monkeypatch, capsys):
    monkeypatch.setenv("MNIST_COURSE_QUICK", "1")
    r = record("test_accuracy", 0.5, 0.98)
    assert not r.passed and r.quick
    assert "FAIL (quick mode: not enforced)" in capsys.readouterr().out


def test_results_file_gets_one_json_line_each(monkeypatch, tmp_path):
    path = tmp_path / "r.jsonl"
    monkeypatch.setenv("MNIST_COURSE_RESULTS", str(path))
    monkeypatch.setenv("MNIST_COURSE_NOTEBOOK", "05_linear_classifier")
    record("a", 1.0, 0.5)
    record("b", 2.0, 0.5)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["metric"] for r in rows] == ["a", "b"]
    assert rows[0]["notebook"] == "05_linear_classifier" and rows[0]["passed"] is True
