"""Smoke test: every benchmark runs on a tiny setting and writes the numbers the README reports."""

from __future__ import annotations

import json

from bench.__main__ import main


def test_bench_tiny_runs_and_writes_every_number(tmp_path, monkeypatch, mnist_gz, capsys):
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
    out = tmp_path / "bench.json"
    assert main(["--tiny", "--out", str(out)]) == 0
    numbers = json.loads(out.read_text())
    for key in (
        "data_path_ratio",
        "fit_ratio_mlp",
        "fit_ratio_cnn",
        "layer_order_ratio",
        "time_to_99_ratio",
        "course_seconds",
        "threads",
        "torch",
    ):
        assert key in numbers
    assert numbers["data_path_ratio"] > 1 and numbers["threads"] >= 1
    assert len(numbers["rows"]) == 6 and {"name", "course", "baseline", "ratio", "goal", "met"} <= set(
        numbers["rows"][0]
    )
    assert numbers["fit_ratio_mlp"] > 0 and numbers["fit_ratio_cnn"] > 0
    text = capsys.readouterr().out
    assert "data path" in text and "time to 99%" in text and "whole course" in text


def test_course_row_reads_the_ledger(tmp_path, capsys):
    from bench import course
    from tools.ledger import Ledger, Row

    rows = [
        Row("01_a", "m", 1.0, 0.5, True, True, False, 20.0, "2026-12-01T20:00:00Z"),
        Row("01_a", "n", 1.0, 0.5, True, True, False, 20.0, "2026-12-01T20:00:00Z"),
        Row("02_b", "m", 1.0, 0.5, True, True, False, 30.5, "2026-12-01T23:00:00Z"),
    ]
    Ledger(rows).write(tmp_path / "results.json")
    out = course.run(results=tmp_path / "results.json")
    assert out["numbers"]["course_seconds"] == 50.5 and out["numbers"]["course_runs"] == 2
    assert out["numbers"]["course_notebooks"] == {"01_a": 20.0, "02_b": 30.5}
    assert out["rows"][0]["course"] == "50 s" and out["rows"][0]["met"] is False  # 2 of the 11 notebooks
    assert "2 notebooks from 2 run(s)" in capsys.readouterr().out
