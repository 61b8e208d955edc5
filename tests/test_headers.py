"""tools.headers: one "Runs in about N minutes" line per notebook title cell and README's time column, both from
the committed ledger and its machine block."""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

from tools import headers
from tools.ledger import Ledger, Machine, Row

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["05_linear_classifier", "10_convolutional_networks"]
RUN = "2026-12-01T23:50:07Z"
MACHINE = Machine("Example CPU @ 2.20GHz", 2, 2, "cpu", "3.11.7", "2.14.1", RUN)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of README.md and two notebooks (twin and stored .ipynb) to run the tool on, and a ledger."""
    (tmp_path / "notebooks").mkdir()
    for name in NAMES:  # copies as they were before the tool first ran: no time line in the title cell
        py = (ROOT / "notebooks" / (name + ".py")).read_text()
        (tmp_path / "notebooks" / (name + ".py")).write_text(re.sub(r"#\n# \*Runs in [^\n]*\*\n", "", py))
        nb = nbformat.read(ROOT / "notebooks" / (name + ".ipynb"), as_version=4)
        nb.cells[0].source = re.sub(r"\n\n\*Runs in [^\n]*\*", "", nb.cells[0].source)
        nbformat.write(nb, tmp_path / "notebooks" / (name + ".ipynb"))
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    rows = [
        Row(NAMES[0], "acc", 0.93, 0.92, True, True, False, 13.0, RUN),
        Row(NAMES[1], "acc", 0.993, 0.992, True, True, False, 259.1, RUN),
    ]
    Ledger(rows, [], {RUN: MACHINE}).write(tmp_path / "notebooks" / "results.json")
    return tmp_path


def _changed(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [x for x in diff if x[:1] in "+-" and not x.startswith(("+++", "---"))]


def _ledger(repo: Path) -> tuple[Ledger, Path]:
    path = repo / "notebooks" / "results.json"
    return Ledger.read(path), path


def test_writes_one_line_per_notebook_and_the_readme_column(repo):
    before = {p: p.read_text() for p in (repo / "notebooks").glob("*.py")}
    assert headers.main(["--check"], root=repo) == 1  # not written yet: stale
    assert headers.main([], root=repo) == 0
    py = repo / "notebooks" / "10_convolutional_networks.py"
    assert _changed(before[py], py.read_text()) == [
        "+#",
        "+# *Runs in under 4½ minutes on a 2-core CPU (last full run).*",
    ]
    five = (repo / "notebooks" / "05_linear_classifier.py").read_text()
    assert "# *Runs in under half a minute on a 2-core CPU (last full run).*" in five
    for name in NAMES:  # the stored notebook's title cell says the same as its twin: no drift
        twin = jupytext.read(repo / "notebooks" / f"{name}.py").cells[0].source
        stored = nbformat.read(repo / "notebooks" / f"{name}.ipynb", as_version=4).cells[0].source
        assert twin.strip() == stored.strip() and "*Runs in" in stored
    readme = (repo / "README.md").read_text()
    assert "| # | Notebook | What it teaches | Time on a 2-core CPU |" in readme
    assert "(notebooks/10_convolutional_networks.ipynb) | a LeNet" in readme
    assert "10_convolutional_networks.ipynb) |" in readme and "| under 4½ min |" in readme
    assert "| under ½ min |" in readme
    changed = _changed((ROOT / "README.md").read_text(), readme)
    assert all(x[1:].startswith("| ") or x[1:].startswith("|---") for x in changed)  # the table only
    # Idempotent: a second run changes nothing, and the check passes.
    snapshot = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    assert headers.main([], root=repo) == 0 and headers.main(["--check"], root=repo) == 0
    assert snapshot == {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}


def test_new_seconds_rewrite_only_that_line(repo):
    headers.main([], root=repo)
    py = repo / "notebooks" / "10_convolutional_networks.py"
    before = py.read_text()
    ledger, path = _ledger(repo)
    ledger.rows[1].seconds = 61.0
    ledger.write(path)
    assert headers.main(["--check"], root=repo) == 1
    headers.main([], root=repo)
    assert _changed(before, py.read_text()) == [
        "-# *Runs in under 4½ minutes on a 2-core CPU (last full run).*",
        "+# *Runs in under 1½ minutes on a 2-core CPU (last full run).*",
    ]


def test_another_machine_rewrites_the_lines_and_the_column_title(repo):
    headers.main([], root=repo)
    ledger, path = _ledger(repo)
    ledger.machines[RUN] = dataclasses.replace(MACHINE, cores=8, torch_threads=8)
    ledger.write(path)
    assert headers.main(["--check"], root=repo) == 1
    assert headers.main([], root=repo) == 0
    assert (
        "# *Runs in under 4½ minutes on an 8-core CPU (last full run).*"
        in (repo / "notebooks" / "10_convolutional_networks.py").read_text()
    )
    readme = (repo / "README.md").read_text()
    assert "| What it teaches | Time on an 8-core CPU |" in readme and "2-core" not in readme.split("## Results")[0]
    # Notebooks measured on different machines: each line names its own, the column title names none.
    later = "2026-12-03T10:00:00Z"
    ledger.rows[0].run = later
    ledger.machines[later] = dataclasses.replace(MACHINE, date=later)
    ledger.write(path)
    assert headers.main([], root=repo) == 0
    five = (repo / "notebooks" / "05_linear_classifier.py").read_text()
    assert "on a 2-core CPU (last full run)" in five
    assert "| What it teaches | Time (last full run) |" in (repo / "README.md").read_text()


@pytest.mark.parametrize(
    "written",
    [
        "*Runs in about 3 minutes on a 2-core CPU (last full run).*",  # the line before machines were recorded
        "*Runs in under a minute on an 8-core CPU with a cuda GPU (last full run).*",
        "*Runs in about 3 minutes (last full run, 2026-12-01).*",  # a future rewording keeps prefix and marker
    ],
)
def test_any_time_line_ever_written_is_replaced_never_duplicated(repo, written):
    assert headers.LINE.match(written)
    headers.main([], root=repo)
    py = repo / "notebooks" / "05_linear_classifier.py"
    ipynb = py.with_suffix(".ipynb")
    current = "*Runs in under half a minute on a 2-core CPU (last full run).*"
    py.write_text(py.read_text().replace(current, written))
    ipynb.write_text(ipynb.read_text().replace(current, written))
    assert headers.main(["--check"], root=repo) == 1
    headers.main([], root=repo)
    for path in (py, ipynb):
        assert path.read_text().count("*Runs in ") == 1 and current in path.read_text()


def test_a_failed_notebook_keeps_its_line(repo, capsys):
    headers.main([], root=repo)
    ledger, path = _ledger(repo)
    ledger.rows[1] = Row.placeholder(NAMES[1], True, False, 3.0, RUN)
    ledger.write(path)
    assert headers.main(["--check"], root=repo) == 0
    assert "10_convolutional_networks: no seconds from a full run that reached the end" in capsys.readouterr().out


@pytest.mark.parametrize("content", [None, [{"notebook": NAMES[0], "seconds": 3}], {"format": 2, "rows": []}])
def test_without_a_readable_ledger_it_fails_naming_the_file_and_the_fix(repo, capsys, content):
    path = repo / "notebooks" / "results.json"
    if content is None:
        path.unlink()
    else:
        path.write_text(json.dumps(content))
    before = (repo / "README.md").read_text()
    for args in (["--check"], []):
        assert headers.main(args, root=repo) == 1
        err = capsys.readouterr().err
        assert "results.json" in err and "`make run`" in err
    assert (repo / "README.md").read_text() == before


def test_the_readme_results_block_is_never_read(repo):
    """Nothing parses README's tables back: the results block may say anything, the time lines follow the ledger."""
    readme = repo / "README.md"
    text = readme.read_text()
    start, end = text.index("<!-- results:start -->"), text.index("<!-- results:end -->")
    readme.write_text(text[:start] + "<!-- results:start -->\n| 10_convolutional_networks | 999.0 |\n" + text[end:])
    assert headers.main([], root=repo) == 0
    assert "| under 4½ min |" in readme.read_text()
