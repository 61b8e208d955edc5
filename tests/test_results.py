"""mnist_course.results: headline metrics against targets."""

from __future__ import annotations

import json

import pytest

from mnist_course.results import Result, TargetMissed, record


def test_record_pass_prints_the_verdict(capsys):
    r = record("test_accuracy", 0.985, 0.98, notebook="06_fully_connected")
    assert isinstance(r, Result) and r.passed and r.notebook == "06_fully_connected"
    assert r.verdict == "test_accuracy >= 0.98: PASS"
    assert "test_accuracy = 0.985" in capsys.readouterr().out


def test_lower_is_better():
    r = record("error", 0.01, 0.02, higher_is_better=False)
    assert r.passed and r.verdict == "error <= 0.02: PASS"


def test_missed_target_raises_in_a_full_run():
    with pytest.raises(TargetMissed, match="missed its target"):
        record("test_accuracy", 0.5, 0.98)


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
