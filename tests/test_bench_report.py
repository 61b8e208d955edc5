"""bench/report.py, the owner of bench/results.json: round trip, old and malformed files, the README table."""

from __future__ import annotations

import json

import pytest

from bench.report import BENCH_FILE, FORMAT, Machine, Peak, Report, Row, Side, machine_text, shown


def sample_report() -> Report:
    machine = Machine(
        cpu="Example CPU @ 2.20GHz",
        cores=2,
        torch_threads=2,
        device="cpu",
        python="3.12.3",
        torch="2.4.0",
        date="2026-12-02T09:40:12Z",
    )
    mlp = Row(
        "training throughput: notebook 06 MLP",
        "46,000/s",
        "11,500/s",
        4.0,
        5.0,
        False,
        Side(samples_per_second=46_000.0, batch_size=256, step_flops=256 * 1_598_000),
        Side(samples_per_second=11_500.0, batch_size=64, step_flops=64 * 1_598_000),
    )
    rows = [
        Row("data path: one epoch, batch 64", "0.067 s", "2.31 s", 34.5, 50.0, False),
        mlp,
        Row("whole course: 11 notebooks", "520 s", "900 s", None, None, True),
    ]
    return Report(machine, Peak(gflops=200.0, size=2048, repeats=5), 227.4, rows)


def test_report_round_trips_through_its_file(tmp_path):
    report = sample_report()
    report.write(tmp_path / "results.json")
    again = Report.read(tmp_path / "results.json")
    assert again == report
    assert isinstance(again.rows[1].course_side, Side) and again.rows[0].course_side is None
    assert json.loads((tmp_path / "results.json").read_text())["format"] == FORMAT


def test_the_committed_file_lives_in_bench_and_messages_name_it_from_the_repository():
    assert BENCH_FILE.parent.name == "bench" and BENCH_FILE.name == "results.json"
    assert shown(BENCH_FILE) == "bench/results.json"


def test_achieved_gflops_is_step_flops_times_steps_per_second():
    side = Side(samples_per_second=46_000.0, batch_size=256, step_flops=256 * 1_598_000)
    assert side.gflops == pytest.approx(46_000 * 1_598_000 / 1e9)  # 73.5 GFLOP/s
    assert sample_report().share(side) == pytest.approx(73.508 / 200, rel=1e-4)


def test_markdown_table_has_share_of_peak_for_training_rows_and_a_machine_line():
    table = sample_report().markdown_table()
    lines = table.splitlines()
    assert lines[0] == "| benchmark | course | usual way | ratio | goal | met | achieved GFLOP/s | share of peak |"
    # 46,000/s × 1.598 MFLOP = 73.5 GFLOP/s, 37% of 200; 11,500/s × 1.598 MFLOP = 18.4 GFLOP/s, 9%
    assert (
        "| training throughput: notebook 06 MLP | 46,000/s | 11,500/s | 4.0× | ≥ 5× | NO | 74 / 18 | 37% / 9% |"
        in lines
    )
    assert "| data path: one epoch, batch 64 | 0.067 s | 2.31 s | 34.5× | ≥ 50× | NO | - | - |" in lines
    assert "| whole course: 11 notebooks | 520 s | 900 s | - | - | yes | - | - |" in lines
    assert "200 GFLOP/s (2048×2048, best of 5)" in table
    assert lines[-1] == (
        "`make bench` on Example CPU @ 2.20GHz (2 cores, 2 torch threads, cpu), Python 3.12.3, torch 2.4.0, "
        "2026-12-02 09:40 UTC, 227 s in all."
    )
    assert "2-core" not in table


def test_machine_block_describes_this_machine():
    machine = Machine.this()
    assert machine.cores >= 1 and machine.torch_threads >= 1 and machine.device == "cpu"
    text = machine_text(machine)
    assert machine.cpu and machine.cpu in text and machine.torch in text


def test_the_old_build_bench_json_layout_is_refused_with_the_fix(tmp_path):
    old = tmp_path / "bench.json"
    old.write_text(json.dumps({"torch": "2.x", "threads": 2, "bench_seconds": 300.4, "rows": []}))
    with pytest.raises(ValueError) as e:
        Report.read(old)
    assert str(old) in str(e.value) and "no format number" in str(e.value) and "make bench" in str(e.value)


def test_another_format_number_is_refused(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"format": 1, "rows": []}))
    with pytest.raises(ValueError) as e:
        Report.read(path)
    assert str(e.value) == f"{path} has format 1; this code reads format {FORMAT}: run `make bench` to write it again"


@pytest.mark.parametrize(
    "damage, where",
    [
        (lambda d: d.pop("peak"), "lacks the field 'peak'"),
        (lambda d: d["machine"].update(cores="two"), "report.machine.cores should be int"),
        (lambda d: d["rows"][1]["course_side"].update(step_flops=1.5), "report.rows[1].course_side.step_flops"),
        (lambda d: d["rows"][0].update(met="yes"), "report.rows[0].met should be bool or null"),
        (lambda d: d.update(extra=1), "unknown field(s) extra"),
        (lambda d: d.update(rows={}), "report.rows should be list"),
    ],
)
def test_a_malformed_file_names_the_file_the_place_and_the_fix(tmp_path, damage, where):
    path = tmp_path / "results.json"
    sample_report().write(path)
    data = json.loads(path.read_text())
    damage(data)
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError) as e:
        Report.read(path)
    message = str(e.value)
    assert str(path) in message and where in message and "run `make bench` to write it again" in message


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", ""])
def test_a_file_that_is_not_a_report_at_all_is_refused(tmp_path, text):
    path = tmp_path / "results.json"
    path.write_text(text)
    with pytest.raises(ValueError, match="make bench"):
        Report.read(path)


def test_a_missing_file_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `make bench`"):
        Report.read(tmp_path / "results.json")
