"""One ref for everything a student is sent to (issue 22): each notebook's Colab badge opens the notebook at the
ref that its setup cell installs the package from, README says the same, and the ref exists; the setup cell stops
with a sentence when the install fails."""

from __future__ import annotations

import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from tools import repo_url, urls
from tools.markdown import block

ROOT = Path(__file__).resolve().parent.parent
FILES = urls.notebook_files()
URL = "https://github.com/mnist-course/mnist-course"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_badge_and_setup_cell_use_the_one_ref(path):
    assert urls.problems(path) == []


def test_every_notebook_file_is_checked():
    assert len(FILES) == 22, [p.name for p in FILES]


def test_the_ref_exists_as_main_or_a_released_version():
    at = repo_url.ref()
    assert repo_url.ref_problems(at) == [], at
    assert at == "main" or at.removeprefix("v") in repo_url.changelog_versions()


def test_readme_names_the_same_ref():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert block(text, "colab") == urls.readme_colab(repo_url.ref(), repo_url.repository_url())
    assert f"@{repo_url.ref()}" in block(text, "colab")


def _old_cell(tmp_path: Path) -> Path:
    """A notebook as every notebook was before issue 22: the badge opens main, the cell installs the tag v0.2.0."""
    path = tmp_path / "01_random_walk.py"
    path.write_text(
        "# %% [markdown]\n# # 01 · Random Walk\n#\n"
        f"# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({repo_url.colab_url('01_random_walk', 'main', URL)})\n\n"
        '# %%\nimport sys\n\nif "google.colab" in sys.modules:\n    from IPython import get_ipython\n\n'
        f'    get_ipython().system("pip install --no-deps git+{URL}@v0.2.0")\n\n'
        "# %%\nimport torch\n",
        encoding="utf-8",
    )
    return path


def test_yesterdays_cells_fail_the_check(tmp_path):
    path = _old_cell(tmp_path)
    found = " | ".join(urls.problems(path, "main", URL))
    assert "the badge opens ref ['main'] but the setup cell installs ['v0.2.0']" in found
    assert "is not the Colab setup cell" in found
    # ... and a tag that the repository does not have is refused as the ref, whatever the changelog says.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 0.2.0\n\n- something\n", encoding="utf-8")
    missing = " | ".join(repo_url.ref_problems("v0.2.0", root=tmp_path, changelog=changelog))
    assert "this repository has no tag v0.2.0" in missing
    assert "no '## 0.4.0' entry" in " ".join(repo_url.ref_problems("v0.4.0", root=tmp_path, changelog=changelog))
    assert "neither main nor a release tag" in repo_url.ref_problems("0.2.0")[0]
    assert repo_url.ref_problems("main", root=tmp_path, changelog=changelog) == []


def test_rewrite_moves_badge_and_install_together(tmp_path):
    path = _old_cell(tmp_path)
    path.write_text(urls.rewrite(path, "v0.3.0", URL), encoding="utf-8")
    assert urls.problems(path, "v0.3.0", URL) == []
    text = path.read_text(encoding="utf-8")
    assert "/blob/v0.3.0/notebooks/01_random_walk.ipynb" in text and f"git+{URL}@v0.3.0" in text
    assert text.endswith("# %%\nimport torch\n"), "the cells after the setup cell are untouched"
    path.write_text(urls.rewrite(path, "main", URL), encoding="utf-8")
    assert urls.problems(path, "main", URL) == [] and "@v0.3.0" not in path.read_text(encoding="utf-8")


def test_rewrite_of_a_stored_notebook_keeps_its_outputs(tmp_path):
    stored = ROOT / "notebooks" / "05_linear_classifier.ipynb"
    copy = tmp_path / stored.name
    shutil.copy(stored, copy)
    copy.write_text(urls.rewrite(copy, "v0.3.0", URL), encoding="utf-8")
    import nbformat

    before, after = nbformat.read(stored, as_version=4), nbformat.read(copy, as_version=4)
    assert [c.get("outputs") for c in before.cells] == [c.get("outputs") for c in after.cells]
    assert urls.problems(copy, "v0.3.0", URL) == []


def test_set_ref_changes_one_line(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    shutil.copy(ROOT / "pyproject.toml", pyproject)
    before = pyproject.read_text(encoding="utf-8")
    repo_url.set_ref("v9.9.9", pyproject)
    assert repo_url.ref(pyproject) == "v9.9.9"
    changed = [a for a, b in zip(before.splitlines(), pyproject.read_text().splitlines()) if a != b]
    assert len(changed) == 1 and changed[0].startswith("ref = ")


def test_make_urls_refuses_a_ref_that_does_not_exist_and_writes_nothing():
    before = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "tools.urls", "--ref", "v9.9.9"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2 and "no '## 9.9.9' entry" in out.stderr and "nothing written" in out.stderr
    assert (ROOT / "pyproject.toml").read_text(encoding="utf-8") == before


# ---- the setup cell, run as Colab would run it -------------------------------------------------------------------


class FakeShell:
    """What the setup cell uses of IPython's shell: ``system`` (which sets ``_exit_code``) and ``user_ns``."""

    def __init__(self, run):
        self.user_ns: dict = {}
        self.commands: list[str] = []
        self._run = run

    def system(self, command: str) -> None:
        self.commands.append(command)
        self.user_ns["_exit_code"] = self._run(command)


def _run_setup_cell(monkeypatch, shell, in_colab=True, at="main"):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(repo_url.setup_cell(at, URL), "setup-cell", "exec"), {})


def test_setup_cell_does_nothing_outside_colab(monkeypatch):
    shell = FakeShell(lambda command: 0)
    _run_setup_cell(monkeypatch, shell, in_colab=False)
    assert shell.commands == []


def test_setup_cell_installs_the_ref_visibly_in_colab(monkeypatch):
    shell = FakeShell(lambda command: 0)
    _run_setup_cell(monkeypatch, shell)
    assert shell.commands == [f"pip install --no-deps git+{URL}@main"]


def test_setup_cell_stops_with_a_sentence_when_pip_fails(monkeypatch, tmp_path):
    # pip for real, against a clean clone of this repository, asked for a ref that does not exist.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-local", str(ROOT), str(clone)], check=True, timeout=120)

    def pip(command: str) -> int:
        command = command.replace(URL, f"file://{clone}").replace("pip install", "-m pip install --dry-run")
        return subprocess.run([sys.executable, *command.split()], capture_output=True, timeout=300).returncode

    shell = FakeShell(pip)
    with pytest.raises(RuntimeError) as failure:
        _run_setup_cell(monkeypatch, shell, at="no-such-ref")
    message = str(failure.value)
    assert shell.user_ns["_exit_code"] != 0
    assert "mnist-course@no-such-ref" in message and "pip's error is above" in message
    assert "Runtime → Disconnect and delete runtime" in message and f"{URL}/issues" in message
