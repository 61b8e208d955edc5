"""tools.ledger: typed rows, merging partial runs by notebook, the terminal and Markdown tables."""

from __future__ import annotations

import json

import pytest

from mnist_course.results import Result
from tools.ledger import CellTime, Ledger, Row, minutes_phrase, run_label, seconds_in_markdown

RUN_A, RUN_B = "2026-12-01T20:00:00Z", "2026-12-01T23:50:07Z"


def _row(notebook: str, metric: str, value: float, seconds: float, run: str, **kw) -> Row:
    return Row(notebook, metric, value, kw.pop("target", 0.5), kw.pop("hib", True), True, False, seconds, run)


def _full() -> Ledger:
    rows = [_row(f"{i:02d}_nb", "m", 0.9, 10.0 * i, RUN_A) for i in range(1, 12)]
    rows.insert(5, _row("05_nb", "second", 0.8, 50.0, RUN_A))
    cells = [CellTime(f"{i:02d}_nb", 3, "fit(model)", float(i)) for i in range(1, 12)]
    return Ledger(rows, cells)


def test_a_row_is_a_result_plus_seconds_and_run():
    row = _row("05_nb", "acc", 0.93, 12.0, RUN_B)
    assert isinstance(row, Result) and row.verdict == "acc >= 0.5: PASS"
    assert Row.from_dict(json.loads(json.dumps(row.__dict__))) == row


def test_file_round_trip_and_the_old_layout(tmp_path):
    path = tmp_path / "build" / "results.json"
    assert Ledger.read(path) == Ledger()  # no file yet: an empty ledger
    _full().write(path)
    assert Ledger.read(path) == _full()
    assert json.loads(path.read_text())["format"] == 2
    old = [{"notebook": "05_nb", "metric": "acc", "value": 0.9, "target": 0.9, "passed": True, "seconds": 3}]
    path.write_text(json.dumps(old))
    (row,) = Ledger.read(path).rows
    assert row.run == "" and row.higher_is_better and run_label(row.run) == "earlier run"
    path.write_text(json.dumps({"format": 99, "rows": []}))
    with pytest.raises(ValueError, match="format 99"):
        Ledger.read(path)


def test_merge_replaces_only_the_notebooks_that_ran():
    partial = Ledger([_row("05_nb", "m", 0.95, 7.0, RUN_B)], [CellTime("05_nb", 4, "train()", 6.0)])
    merged = _full().merge(partial)
    assert merged.notebooks() == [f"{i:02d}_nb" for i in range(1, 12)]
    five = [r for r in merged.rows if r.notebook == "05_nb"]
    assert [(r.metric, r.value, r.run) for r in five] == [("m", 0.95, RUN_B)]  # both old 05 rows replaced
    assert all(r.run == RUN_A for r in merged.rows if r.notebook != "05_nb")
    assert merged.runs()["05_nb"] == RUN_B and merged.mixed_runs()
    assert [c for c in merged.cells if c.notebook == "05_nb"] == [CellTime("05_nb", 4, "train()", 6.0)]
    assert merged.total_seconds() == sum(10.0 * i for i in range(1, 12)) - 50 + 7
    assert merged.slowest_cells(2) == [
        CellTime("11_nb", 3, "fit(model)", 11.0),
        CellTime("10_nb", 3, "fit(model)", 10.0),
    ]
    # A notebook no longer in the course is dropped; an empty ledger merges to the new run.
    assert "11_nb" not in _full().merge(partial, course=[f"{i:02d}_nb" for i in range(1, 11)]).notebooks()
    assert Ledger().merge(partial) == partial


def test_markdown_table_names_the_runs_only_when_they_differ():
    one = _full().markdown_table()
    assert "From the last full `make run` (2026-12-01 20:00 UTC)" in one and "| run |" not in one
    assert "| 05_nb | m | 0.9 | ≥ 0.5 | yes | 50.0 |\n| 05_nb | second | 0.8 | ≥ 0.5 | yes |  |" in one
    mixed = _full().merge(Ledger([_row("05_nb", "m", 0.95, 7.0, RUN_B)])).markdown_table()
    assert "The rows come from 2 runs" in mixed and "| seconds | run |" in mixed
    assert "| 05_nb | m | 0.95 | ≥ 0.5 | yes | 7.0 | 2026-12-01 23:50 UTC |" in mixed
    assert "| 06_nb | m | 0.9 | ≥ 0.5 | yes | 60.0 | 2026-12-01 20:00 UTC |" in mixed
    assert mixed.splitlines()[-1] == "| **total** | | | | | **617** | |"


def test_terminal_table_marks_this_runs_rows():
    merged = _full().merge(Ledger([_row("05_nb", "m", 0.95, 7.0, RUN_B)]))
    text = merged.terminal_table(current_run=RUN_B)
    line = next(x for x in text.splitlines() if x.startswith("05_nb"))
    assert line.endswith("this run") and "2026-12-01 20:00 UTC" in text
    assert "run" not in _full().terminal_table().splitlines()[0]


def test_seconds_read_back_from_the_markdown_table():
    for ledger in (_full(), _full().merge(Ledger([_row("05_nb", "m", 0.95, 7.0, RUN_B)]))):
        assert seconds_in_markdown(ledger.markdown_table()) == ledger.seconds()


@pytest.mark.parametrize(
    "seconds, phrase",
    [
        (11.0, "under half a minute"),
        (30.0, "under half a minute"),
        (30.1, "under a minute"),
        (60.0, "under a minute"),
        (61.0, "about 1½ minutes"),
        (90.0, "about 1½ minutes"),
        (90.5, "about 2 minutes"),
        (259.1, "about 4½ minutes"),
    ],
)
def test_minutes_round_up_to_half_minutes(seconds, phrase):
    assert minutes_phrase(seconds) == phrase
