"""Smoke test: every benchmark runs on a tiny setting and writes a report the README can render."""

from __future__ import annotations

import pytest

from bench.__main__ import main
from bench.report import BENCH_FILE, Report


def test_bench_tiny_runs_and_writes_every_row(tmp_path, monkeypatch, mnist_gz, capsys):
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
    out = tmp_path / "bench.json"
    before = BENCH_FILE.read_bytes() if BENCH_FILE.exists() else None
    assert main(["--tiny", "--out", str(out)]) == 0
    report = Report.read(out)
    assert report.tiny and report.machine.torch_threads >= 1 and report.machine.cores >= 1
    assert report.peak.gflops > 0 and report.peak.size in (128, 256)
    names = [r.name for r in report.rows]
    assert len(names) == 6
    assert names[0].startswith("data path") and names[-1].startswith("whole course")
    assert report.rows[0].ratio is not None and report.rows[0].ratio > 1
    training = [r for r in report.rows if r.training]
    assert [r.name for r in training] == [
        "training throughput: notebook 06 MLP",
        "training throughput: notebook 10 CNN",
        "notebook 10 CNN: pool first vs pool last",
    ]
    for r in training:
        assert r.ratio is not None and r.ratio > 0
        assert r.course_side is not None and r.baseline_side is not None
        assert r.course_side.step_flops > 0 and r.course_side.gflops > 0 and r.baseline_side.gflops > 0
    assert training[0].course_side.batch_size == 256 and training[0].baseline_side.batch_size == 64
    text = capsys.readouterr().out
    assert "data path" in text and "time to 99%" in text and "whole course" in text and "GFLOP/s" in text
    assert "tiny setting" in report.markdown_table()
    assert (BENCH_FILE.read_bytes() if BENCH_FILE.exists() else None) == before  # the committed file is untouched


def test_tiny_run_refuses_to_overwrite_the_committed_results(capsys):
    with pytest.raises(SystemExit):
        main(["--tiny", "--out", str(BENCH_FILE)])
    assert "does not overwrite bench/results.json" in capsys.readouterr().err


def test_course_row_reads_the_ledger(tmp_path, capsys):
    from bench import course
    from tools.ledger import Ledger, Machine, Row

    rows = [
        Row("01_a", "m", 1.0, 0.5, True, True, False, 20.0, "2026-12-01T20:00:00Z"),
        Row("01_a", "n", 1.0, 0.5, True, True, False, 20.0, "2026-12-01T20:00:00Z"),
        Row("02_b", "m", 1.0, 0.5, True, True, False, 30.5, "2026-12-01T23:00:00Z"),
    ]
    machine = {"cpu": "Example CPU", "cores": 2, "torch_threads": 2, "device": "cpu", "python": "3.12", "torch": "2.4"}
    runs = {run: Machine(**machine, date=run) for run in ("2026-12-01T20:00:00Z", "2026-12-01T23:00:00Z")}
    Ledger(rows, machines=runs).write(tmp_path / "results.json")
    (budget,) = course.run(results=tmp_path / "results.json")
    assert budget.name == "whole course: 2 notebooks" and budget.course == "50 s" and budget.baseline == "900 s"
    assert budget.met is False  # 2 of the 11 notebooks
    text = capsys.readouterr().out
    assert "2 notebooks from 2 run(s), 50 s" in text
    assert "01_a" in text and "20.0 s" in text and "30.5 s" in text


def test_course_row_without_a_ledger_says_what_to_run(tmp_path, capsys):
    from bench import course

    (missing,) = course.run(results=tmp_path / "results.json")
    assert missing.course == "-" and missing.met is None
    assert "run `make run` first" in capsys.readouterr().out


def test_course_row_with_an_unreadable_ledger_prints_why(tmp_path, capsys):
    from bench import course

    (tmp_path / "results.json").write_text('{"format": 0, "rows": []}')
    (unread,) = course.run(results=tmp_path / "results.json")
    assert unread.course == "-" and unread.met is None
    assert f"cannot read {tmp_path / 'results.json'}" in capsys.readouterr().out
