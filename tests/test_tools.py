"""The docs tables (tools.docs), README's measured blocks (tools.readme_results), the Markdown writer, `make check`
(tools.check), the layering of tools/, `make help` and the pre-commit hooks."""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench.report import Machine as BenchMachine
from bench.report import Peak, Report
from bench.report import Row as BenchRow
from mnist_course import settings
from tools import docs, markdown, readme_results
from tools.ledger import Ledger, Machine, Row

ROOT = Path(__file__).resolve().parent.parent


def test_rst_table_joins_continuation_lines():
    doc = """Intro.

    ====  =======  ===========
    name  values   what
    ====  =======  ===========
    ``A``  yes/no  first line
                   and more
    ``B``  a path  ``x`` via :func:`f`
    ====  =======  ===========
    """
    rows = docs.rst_table(doc.replace("\n    ", "\n"))
    assert rows == [["``A``", "yes/no", "first line and more"], ["``B``", "a path", "``x`` via :func:`f`"]]
    assert docs.markdown(rows[1][2]) == "`x` via `f`"


def test_switch_table_names_exactly_the_switches():
    table = docs.switch_table()
    named = re.findall(r"^\| `(MNIST_COURSE_\w+)` \|", table, flags=re.M)
    assert named == list(settings.SWITCHES)


def test_contributing_switch_table_is_current_and_the_check_catches_drift(tmp_path):
    for path in ("CONTRIBUTING.md", "mnist_course/settings.py", "mnist_course/__init__.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    assert docs.switch_table(tmp_path) in (ROOT / "CONTRIBUTING.md").read_text()  # the committed table is current
    settings_py = tmp_path / "mnist_course" / "settings.py"
    text = settings_py.read_text()
    settings_py.write_text(text.replace("where the datasets are cached", "where the data lives"))
    contributing = (tmp_path / "CONTRIBUTING.md").read_text()
    assert "where the data lives" not in contributing
    docs.main([], root=tmp_path)
    assert "| where the data lives |" in (tmp_path / "CONTRIBUTING.md").read_text()
    # A switch added to SWITCHES without a row in the docstring table is an error, not a silent gap.
    settings_py.write_text(
        text.replace('    "MNIST_COURSE_QUICK",\n', '    "MNIST_COURSE_QUICK",\n    "MNIST_COURSE_NEW",\n')
    )
    with pytest.raises(ValueError, match="MNIST_COURSE_NEW"):
        docs.switch_table(tmp_path)


def test_module_table_problems(tmp_path):
    package = tmp_path / "mnist_course"
    package.mkdir()
    (package / "__init__.py").write_text(
        '"""Pkg.\n\n========  ==\nmodule    n\n========  ==\n``data``  02\n``gone``  03\n========  ==\n"""\n'
    )
    (package / "data.py").write_text("")
    (package / "extra.py").write_text("")
    assert docs.module_problems(tmp_path) == [
        "mnist_course/extra.py has no row in mnist_course/__init__.py's module table",
        "mnist_course/__init__.py's module table names gone, which is not a module",
    ]


def test_make_help_lists_every_target_with_a_description():
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    makefiles = [ROOT / "Makefile", *sorted(ROOT.glob("*.mk"))]
    phony = [
        t for f in makefiles for line in re.findall(r"^\.PHONY: (.*)$", f.read_text(), flags=re.M) for t in line.split()
    ]
    listed = re.findall(r"^  ([a-z-]+)\s+\S", out, flags=re.M)
    assert sorted(listed) == sorted(phony) and listed[0] == "help"
    default = subprocess.run(["make", "-s"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert default == out  # `make` alone prints the help
    dry = subprocess.run(["make", "-n", "run", "NB=05"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "-m tools.run_course 05" in dry


def test_pre_commit_hooks_are_local_and_their_commands_pass():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"])
    assert {h["id"] for h in hooks} == {"ruff-check", "ruff-format", "twin-drift"}
    venv = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{venv}{os.pathsep}{os.environ['PATH']}")
    if shutil.which("ruff", path=env["PATH"]) is None:
        pytest.skip("ruff is a dev tool and is not installed here (make compat's environments have no dev tools)")
    drift = next(h for h in hooks if h["id"] == "twin-drift")
    assert drift["pass_filenames"] is False
    args = shlex.split(drift["entry"])
    assert args[:3] == ["python", "-m", "pytest"] and "drifted" in drift["entry"]
    ruff = next(h for h in hooks if h["id"] == "ruff-check")
    proc = subprocess.run([*shlex.split(ruff["entry"]), "tools", "bench"], cwd=ROOT, env=env, capture_output=True)
    assert proc.returncode == 0, proc.stdout


def test_make_check_runs_every_check_and_reports_each(tmp_path):
    from tools import check

    names = [" ".join(c) for c in check.CHECKS]
    assert names == [
        "-m tools.stored_results",
        "-m tools.readme_results --check",
        "-m tools.headers --check",
        "-m tools.docs --check",
        "-m tools.urls --check",
        "-m tools.wheel_names",
        "-m tools.prose_numbers",
        "-m tools.glossary --check",
        "-m tools.spread --render --check",
        "-m tools.slides --check",
    ]
    proc = subprocess.run([sys.executable, "-m", "tools.check"], cwd=ROOT, capture_output=True, text=True)
    for name in names:
        assert f"== python {name}" in proc.stdout
    assert ("check: all generated files match their sources" in proc.stdout) == (proc.returncode == 0)


def test_a_missing_marker_names_the_file_it_is_missing_from(tmp_path, capsys):
    for path in ("mnist_course/settings.py", "mnist_course/__init__.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    (tmp_path / "CONTRIBUTING.md").write_text("no table markers here\n")
    assert docs.main([], root=tmp_path) == 1
    assert "CONTRIBUTING.md has no <!-- switches:start -->" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- tools/ layering


def _tools_imports(path: Path) -> set[str]:
    """The ``tools.X`` modules a file imports (``from tools import X`` and ``from tools.X import ...``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "tools":
            found |= {f"tools.{a.name}" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tools."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("tools.")}
    return found


def test_no_command_line_tool_imports_another():
    tools = {f"tools.{p.stem}": p for p in sorted((ROOT / "tools").glob("*.py")) if p.stem != "__init__"}
    commands = {name for name, p in tools.items() if "def main(" in p.read_text(encoding="utf-8")}
    assert {"tools.run_course", "tools.readme_results", "tools.headers", "tools.stored_results"} <= commands
    assert not {"tools.ledger", "tools.markdown", "tools.repo_url"} & commands  # the ground floor: libraries
    for name in sorted(commands):
        assert not (_tools_imports(tools[name]) & commands), f"{name} imports a command-line tool"


def test_one_root_and_no_markdown_read_back():
    for path in sorted((ROOT / "tools").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.stem in ("repo_url", "site_check", "compat", "prose_numbers", "release", "wheel_names", "urls"):
            continue  # the owner of ROOT, and tools of other briefs
        assert "Path(__file__)" not in text, f"{path.name} defines its own ROOT: import it from tools.repo_url"
        assert "rows_in_markdown" not in text and "seconds_in_markdown" not in text


def test_markdown_table_writer():
    text = markdown.table(["a", "b|c", "n"], [["x", "1|2", "3"], ["", "y", ""]], "lcr")
    assert text == "| a | b\\|c | n |\n|---|:---:|---:|\n| x | 1\\|2 | 3 |\n|  | y |  |"
    with pytest.raises(ValueError, match="row 0 has 2 cells, the header 3"):
        markdown.table(["a", "b", "c"], [["x", "y"]])
    with pytest.raises(ValueError, match="align"):
        markdown.table(["a"], [], "rx")


# ---------------------------------------------------------------------------------------------- README's blocks

RUN = "2026-12-02T03:29:00Z"
README = "# T\n<!-- results:start -->\nold\n<!-- results:end -->\nafter\n<!-- bench:start -->\nb\n<!-- bench:end -->\n"


def _measured(root: Path) -> tuple[Ledger, Report]:
    """A committed ledger and bench report in ``root`` (as `make run` and `make bench` write them)."""
    rows = [
        Row("05_x", "acc", 0.9261, 0.92, True, True, False, 40.04, RUN),
        Row("05_x", "mse", 0.5, 0.95, False, False, False, 40.04, RUN),
        Row.placeholder("06_y", False, False, 9.6, RUN),
    ]
    ledger = Ledger(rows, [], {RUN: Machine("Example CPU @ 2.20GHz", 4, 4, "cpu", "3.12.3", "2.4.0", RUN)})
    ledger.write(root / "notebooks" / "results.json")
    machine = BenchMachine("Example CPU @ 2.20GHz", 4, 4, "cpu", "3.12.3", "2.4.0", "2026-12-02 09:40 UTC")
    report = Report(machine, Peak(200.0, 2048, 5), 300.4, [BenchRow("data path", "0.1 s", "9 s", 90.0, 50.0, True)])
    report.write(root / "bench" / "results.json")
    return ledger, report


def test_readme_results_renders_both_blocks_from_the_committed_files(tmp_path, capsys):
    ledger, report = _measured(tmp_path)
    (tmp_path / "README.md").write_text(README)
    assert readme_results.main(["--check"], root=tmp_path) == 1
    assert "README.md's results block is stale" in capsys.readouterr().out
    assert readme_results.main([], root=tmp_path) == 0
    assert readme_results.main(["--check"], root=tmp_path) == 0
    text = (tmp_path / "README.md").read_text()
    assert text.startswith("# T\n<!-- results:start -->\nFrom the last full `make run` (2026-12-02 03:29 UTC) on a ")
    assert f"<!-- results:start -->\n{ledger.markdown_table()}\n<!-- results:end -->\nafter\n" in text
    assert f"<!-- bench:start -->\n{report.markdown_table()}\n<!-- bench:end -->\n" in text
    assert "4-core Example CPU @ 2.20GHz (no GPU), torch 2.4.0 on 4 threads, Python 3.12" in text
    assert "| 05_x | acc | 0.9261 | ≥ 0.92 | yes | 40.0 |" in text
    assert "| 05_x | mse | 0.5 | ≤ 0.95 | NO |  |" in text  # seconds once per notebook
    assert "| **total** |  |  |  |  | **50** |" in text
    # A new run in the ledger makes the block stale.
    ledger.rows[0].value = 0.93
    ledger.write(tmp_path / "notebooks" / "results.json")
    assert readme_results.main(["--check"], root=tmp_path) == 1


@pytest.mark.parametrize(
    "file, content, message",
    [
        ("notebooks/results.json", None, "results.json does not exist: a full `make run`"),
        ("notebooks/results.json", {"format": 2, "rows": []}, "format 2"),
        ("bench/results.json", None, "run `make bench`"),
    ],
)
def test_readme_check_without_a_readable_file_fails_never_nothing_to_check(tmp_path, capsys, file, content, message):
    _measured(tmp_path)
    (tmp_path / "README.md").write_text(README)
    readme_results.main([], root=tmp_path)
    if content is None:
        (tmp_path / file).unlink()
    else:
        (tmp_path / file).write_text(json.dumps(content))
    assert readme_results.main(["--check"], root=tmp_path) == 1
    assert message in capsys.readouterr().err
    assert readme_results.main([], root=tmp_path) == 1  # nothing to write from is an error, too
