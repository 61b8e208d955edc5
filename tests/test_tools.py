"""The docs tables (tools.docs), `make check` (tools.check), `make help` and the pre-commit hooks."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mnist_course import settings
from tools import docs

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
    try:
        docs.switch_table(tmp_path)
    except SystemExit as e:
        assert "MNIST_COURSE_NEW" in str(e)
    else:
        raise AssertionError("a switch missing from the table passed")


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
        "-m tools.readme_results --check",
        "-m tools.headers --check",
        "-m tools.docs --check",
        "tools/repo_url.py",
    ]
    proc = subprocess.run([sys.executable, "-m", "tools.check"], cwd=ROOT, capture_output=True, text=True)
    for name in names:
        assert f"== python {name}" in proc.stdout
    assert ("check: all generated files match their sources" in proc.stdout) == (proc.returncode == 0)


def test_a_missing_marker_names_the_file_it_is_missing_from(tmp_path):
    for path in ("mnist_course/settings.py", "mnist_course/__init__.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    (tmp_path / "CONTRIBUTING.md").write_text("no table markers here\n")
    with pytest.raises(SystemExit, match="CONTRIBUTING.md has no <!-- switches:start -->"):
        docs.main([], root=tmp_path)
