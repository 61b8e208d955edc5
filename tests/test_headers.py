"""tools.headers: one "Runs in about N minutes" line per notebook title cell and README's Time column."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest

from tools import headers, readme_results
from tools.ledger import Ledger, Row

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["05_linear_classifier", "10_convolutional_networks"]
RUN = "2026-12-01T23:50:07Z"


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of README.md and two notebooks (twin and stored .ipynb) to run the tool on."""
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
    Ledger(rows).write(tmp_path / "build" / "results.json")
    return tmp_path


def _changed(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [x for x in diff if x[:1] in "+-" and not x.startswith(("+++", "---"))]


def test_writes_one_line_per_notebook_and_the_readme_column(repo):
    before = {p: p.read_text() for p in (repo / "notebooks").glob("*.py")}
    assert headers.main(["--check"], root=repo) == 1  # not written yet: stale
    assert headers.main([], root=repo) == 0
    py = repo / "notebooks" / "10_convolutional_networks.py"
    assert _changed(before[py], py.read_text()) == [
        "+#",
        "+# *Runs in about 4½ minutes on a 2-core CPU (last full run).*",
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
    assert "10_convolutional_networks.ipynb) |" in readme and "| about 4½ min |" in readme
    assert "| under ½ min |" in readme
    changed = _changed((ROOT / "README.md").read_text(), readme)
    assert changed and all(x[1:].startswith("| ") or x[1:].startswith("|---") for x in changed)  # the table only
    # Idempotent: a second run changes nothing, and the check passes.
    snapshot = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    assert headers.main([], root=repo) == 0 and headers.main(["--check"], root=repo) == 0
    assert snapshot == {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}


def test_new_seconds_rewrite_only_that_line(repo):
    headers.main([], root=repo)
    py = repo / "notebooks" / "10_convolutional_networks.py"
    before = py.read_text()
    ledger = Ledger.read(repo / "build" / "results.json")
    ledger.rows[1].seconds = 61.0
    ledger.write(repo / "build" / "results.json")
    assert headers.main(["--check"], root=repo) == 1
    headers.main([], root=repo)
    assert _changed(before, py.read_text()) == [
        "-# *Runs in about 4½ minutes on a 2-core CPU (last full run).*",
        "+# *Runs in about 1½ minutes on a 2-core CPU (last full run).*",
    ]


def test_a_failed_notebook_keeps_its_line(repo, capsys):
    headers.main([], root=repo)
    ledger = Ledger.read(repo / "build" / "results.json")
    ledger.rows[1] = Row.placeholder(NAMES[1], True, False, 3.0, RUN)
    ledger.write(repo / "build" / "results.json")
    assert headers.main(["--check"], root=repo) == 0
    assert "10_convolutional_networks: no seconds from a full run that reached the end" in capsys.readouterr().out


def test_clean_clone_checks_against_the_readme_results_block(repo, capsys):
    readme = repo / "README.md"
    table = Ledger.read(repo / "build" / "results.json").markdown_table()
    readme.write_text(readme_results.fill(readme.read_text(), "results", table + "\n"))
    shutil.rmtree(repo / "build")
    assert headers.main([], root=repo) == 0
    assert "seconds from README.md's results block" in capsys.readouterr().out
    assert "| about 4½ min |" in readme.read_text()
    assert headers.main(["--check"], root=repo) == 0
    readme.write_text(readme.read_text().replace("| 259.1 |", "| 299.1 |"))
    assert headers.main(["--check"], root=repo) == 1
