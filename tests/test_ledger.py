"""tools.ledger: typed rows, each run's machine, merging partial runs, old files refused, the rendered tables."""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import re
from pathlib import Path

import pytest
import torch

from mnist_course import settings
from mnist_course.results import Result
from tools.ledger import (
    FORMAT,
    LEDGER,
    QUICK_LEDGER,
    CellTime,
    Ledger,
    Machine,
    Row,
    cpu_model,
    ledger_path,
    minutes_phrase,
    run_label,
    short_phrase,
)

ROOT = Path(__file__).resolve().parent.parent
RUN_A, RUN_B = "2026-12-01T20:00:00Z", "2026-12-01T23:50:07Z"
XEON = Machine("Intel(R) Xeon(R) CPU @ 2.20GHz", 2, 2, "cpu", "3.11.7", "2.14.1+cu130", RUN_A)
LAPTOP = Machine("Apple M2", 8, 8, "mps", "3.12.1", "2.5.0", RUN_B)


def _row(notebook: str, metric: str, value: float, seconds: float, run: str, **kw) -> Row:
    return Row(notebook, metric, value, kw.pop("target", 0.5), kw.pop("hib", True), True, False, seconds, run)


def _full() -> Ledger:
    rows = [_row(f"{i:02d}_nb", "m", 0.9, 10.0 * i, RUN_A) for i in range(1, 12)]
    rows.insert(5, _row("05_nb", "second", 0.8, 50.0, RUN_A))
    cells = [CellTime(f"{i:02d}_nb", 3, "fit(model)", float(i)) for i in range(1, 12)]
    return Ledger(rows, cells, {RUN_A: XEON})


def _partial(machine: Machine = XEON) -> Ledger:
    """``make run NB=05`` later: one row, one cell, run B on ``machine``."""
    machine = dataclasses.replace(machine, date=RUN_B)
    return Ledger([_row("05_nb", "m", 0.95, 7.0, RUN_B)], [CellTime("05_nb", 4, "train()", 6.0)], {RUN_B: machine})


def test_a_row_is_a_result_plus_seconds_and_run():
    row = _row("05_nb", "acc", 0.93, 12.0, RUN_B)
    assert isinstance(row, Result) and row.verdict == "acc >= 0.5: PASS"
    assert Row.from_dict(json.loads(json.dumps(row.__dict__))) == row


def test_full_runs_write_the_committed_ledger_and_quick_runs_build():
    assert LEDGER == ROOT / "notebooks" / "results.json" and ledger_path() == LEDGER
    assert ledger_path(quick=True) == QUICK_LEDGER == ROOT / "build" / "results-quick.json"


def test_file_round_trip_keeps_each_runs_machine(tmp_path):
    path = tmp_path / "notebooks" / "results.json"
    _full().write(path)
    assert Ledger.read(path) == _full()
    data = json.loads(path.read_text())
    assert data["format"] == FORMAT == 3
    assert data["runs"] == {RUN_A: {"machine": dataclasses.asdict(XEON)}}
    assert Ledger.read(tmp_path / "none.json", missing_ok=True) == Ledger()


def test_a_missing_ledger_names_the_file_and_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"results\.json does not exist: a full `make run`"):
        Ledger.read(tmp_path / "results.json")


@pytest.mark.parametrize(
    "content, message",
    [
        ([{"notebook": "05_nb", "metric": "acc", "value": 0.9, "target": 0.9, "passed": True}], "format 1"),
        ({"format": 2, "rows": [], "cells": []}, r"format 2 \(build/results\.json's layout, without a machine"),
        ({"format": 99, "rows": []}, "format 99"),
        ({"format": 3, "rows": [dataclasses.asdict(_row("05_nb", "m", 1, 1, RUN_A))]}, "no machine block"),
        ({"format": 3, "runs": {RUN_A: {}}, "rows": []}, f"run {RUN_A} has no machine block"),
        ({"format": 3, "runs": {RUN_A: {"machine": {"cpu": "x"}}}, "rows": []}, "machine block lacks 'cores'"),
        ("not json", "not valid JSON"),
    ],
)
def test_old_or_broken_ledgers_are_refused_with_the_file_and_the_fix(tmp_path, content, message):
    path = tmp_path / "results.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(ValueError, match=message) as info:
        Ledger.read(path)
    assert str(path) in str(info.value) and "`make run`" in str(info.value)


def test_a_row_whose_run_has_no_machine_is_refused_on_reading_and_writing(tmp_path):
    path = tmp_path / "results.json"
    _full().write(path)
    data = json.loads(path.read_text())
    data["rows"][0]["run"] = RUN_B
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=f"01_nb.*run {RUN_B}, which has no machine block"):
        Ledger.read(path)
    with pytest.raises(ValueError, match=f"run.*{RUN_B} have rows but no machine"):
        Ledger([_row("05_nb", "m", 1, 1, RUN_B)]).write(path)


def test_this_machine_is_recorded_from_the_system():
    machine = Machine.this()
    assert machine.cores == os.cpu_count() and machine.torch_threads == torch.get_num_threads()
    assert machine.device == settings.device().type and machine.python == platform.python_version()
    assert machine.torch == torch.__version__ and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", machine.date)
    assert machine.cpu == cpu_model() and machine.cpu
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists() and "model name" in cpuinfo.read_text():
        assert machine.cpu in " ".join(cpuinfo.read_text().split())


def test_machine_sentences_come_from_the_fields():
    assert XEON.describe() == "a 2-core Intel(R) Xeon(R) CPU @ 2.20GHz (no GPU), torch 2.14.1 on 2 threads, Python 3.11"
    assert XEON.short() == "a 2-core CPU"
    assert LAPTOP.describe() == "an 8-core Apple M2 CPU (GPU: mps), torch 2.5.0 on 8 threads, Python 3.12"
    assert LAPTOP.short() == "an 8-core CPU with a mps GPU"
    assert dataclasses.replace(XEON, cores=11, torch_threads=1).describe().startswith("an 11-core Intel")
    assert "on 1 thread," in dataclasses.replace(XEON, torch_threads=1).describe()
    assert dataclasses.replace(XEON, date=RUN_B).setup == XEON.setup != LAPTOP.setup  # the date is not the machine


def test_merge_replaces_only_the_notebooks_that_ran_and_keeps_their_machines():
    merged = _full().merge(_partial(LAPTOP))
    assert merged.notebooks() == [f"{i:02d}_nb" for i in range(1, 12)]
    five = merged.rows_of("05_nb")
    assert [(r.metric, r.value, r.run) for r in five] == [("m", 0.95, RUN_B)]  # both old 05 rows replaced
    assert all(r.run == RUN_A for r in merged.rows if r.notebook != "05_nb")
    assert merged.runs()["05_nb"] == RUN_B and merged.mixed_runs()
    assert merged.machines == {RUN_A: XEON, RUN_B: dataclasses.replace(LAPTOP, date=RUN_B)}
    assert merged.machine_of("05_nb").cores == 8 and merged.machine_of("06_nb") == XEON
    assert [c for c in merged.cells if c.notebook == "05_nb"] == [CellTime("05_nb", 4, "train()", 6.0)]
    assert merged.total_seconds() == sum(10.0 * i for i in range(1, 12)) - 50 + 7
    assert merged.slowest_cells(2) == [
        CellTime("11_nb", 3, "fit(model)", 11.0),
        CellTime("10_nb", 3, "fit(model)", 10.0),
    ]
    # A notebook no longer in the course is dropped; an empty ledger merges to the new run.
    assert "11_nb" not in _full().merge(_partial(), course=[f"{i:02d}_nb" for i in range(1, 11)]).notebooks()
    assert Ledger().merge(_partial()) == _partial()
    # A run whose rows were all replaced leaves with its machine.
    assert set(merged.merge(Ledger(_full().rows, [], {RUN_A: XEON})).machines) == {RUN_A}


def test_markdown_table_of_one_run_names_its_machine():
    one = _full().markdown_table()
    intro = one.split("\n\n")[0]
    assert intro == (
        "From the last full `make run` (2026-12-01 20:00 UTC) on a 2-core Intel(R) Xeon(R) CPU @ 2.20GHz (no GPU), "
        "torch 2.14.1 on 2 threads, Python 3.11. Seconds include kernel start."
    )
    assert "| notebook | metric | value | target | pass | seconds |\n|---|---|---:|---:|---|---:|" in one
    assert "| 05_nb | m | 0.9 | ≥ 0.5 | yes | 50.0 |\n| 05_nb | second | 0.8 | ≥ 0.5 | yes |  |" in one
    assert one.splitlines()[-1] == "| **total** |  |  |  |  | **660** |"
    short = _full().markdown_table(numbers=True)
    assert "| # | metric |" in short and "| 05 | m | 0.9 |" in short and "05_nb" not in short


def test_markdown_table_of_several_runs_on_one_machine():
    mixed = _full().merge(_partial()).markdown_table()
    assert mixed.startswith("From 2 full `make run`s (the run column says which run each notebook's rows come from)")
    assert "on a 2-core Intel(R) Xeon(R) CPU @ 2.20GHz (no GPU)" in mixed and "different machines" not in mixed
    assert "| seconds | run |" in mixed
    assert "| 05_nb | m | 0.95 | ≥ 0.5 | yes | 7.0 | 2026-12-01 23:50 UTC |" in mixed
    assert "| 06_nb | m | 0.9 | ≥ 0.5 | yes | 60.0 | 2026-12-01 20:00 UTC |" in mixed
    assert mixed.splitlines()[-1] == "| **total** |  |  |  |  | **617** |  |"


def test_runs_on_different_machines_are_never_mixed_silently():
    merged = _full().merge(_partial(LAPTOP))
    sentence = merged.machine_sentence()
    assert sentence.startswith("on 2 different machines, whose seconds do not compare: ")
    assert "2026-12-01 20:00 UTC on a 2-core Intel(R) Xeon(R)" in sentence
    assert "2026-12-01 23:50 UTC on an 8-core Apple M2 CPU (GPU: mps)" in sentence
    assert sentence in merged.markdown_table()
    # Each notebook's time line names the machine of its own run; the README column then names none.
    assert merged.time_line("05_nb") == "*Runs in under half a minute on an 8-core CPU with a mps GPU (last full run).*"
    assert merged.time_line("10_nb") == "*Runs in under 2 minutes on a 2-core CPU (last full run).*"
    assert merged.time_column() == "Time (last full run)" and _full().time_column() == "Time on a 2-core CPU"


def test_terminal_table_marks_this_runs_rows():
    merged = _full().merge(_partial())
    text = merged.terminal_table(current_run=RUN_B)
    line = next(x for x in text.splitlines() if x.startswith("05_nb"))
    assert line.endswith("this run") and "2026-12-01 20:00 UTC" in text
    assert "run" not in _full().terminal_table().splitlines()[0]


def test_a_failed_notebook_has_no_time():
    ledger = _full()
    ledger.rows[-1] = Row.placeholder("11_nb", True, False, 3.0, RUN_A)
    assert ledger.failed() == {"11_nb"} and "11_nb" not in ledger.finished_seconds()
    assert not ledger.rows[-1].recorded and ledger.rows[0].recorded
    assert run_label(RUN_B) == "2026-12-01 23:50 UTC"


def test_no_hardware_claim_is_typed_into_the_tools():
    for path in sorted((ROOT / "tools").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b\d+-core CPU|\b2-core\b|2 CPU threads", text), f"{path.name} types in a machine"


@pytest.mark.parametrize(
    "seconds, phrase, short",
    [
        (11.0, "under half a minute", "under ½ min"),
        (30.0, "under half a minute", "under ½ min"),
        (30.1, "under a minute", "under 1 min"),
        (60.0, "under a minute", "under 1 min"),
        (61.0, "under 1½ minutes", "under 1½ min"),
        (90.0, "under 1½ minutes", "under 1½ min"),
        (90.5, "under 2 minutes", "under 2 min"),
        (259.1, "under 4½ minutes", "under 4½ min"),
    ],
)
def test_minutes_round_up_to_half_minutes(seconds, phrase, short):
    assert minutes_phrase(seconds) == phrase and short_phrase(seconds) == short
