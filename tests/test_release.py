"""`make release` (tools/release.py), run for real in a temporary copy of this repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import repo_url, urls

ROOT = Path(__file__).resolve().parent.parent


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """This work tree's files (what `git ls-files` would commit, edits included) as a fresh one-commit repository."""
    files = _git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    dest = tmp_path / "repo"
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    _git(dest, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    _git(dest, "config", "user.name", "t")
    _git(dest, "config", "user.email", "t@t")
    return dest


def _release(repo: Path, version: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.release", version], cwd=repo, capture_output=True, text=True, timeout=300
    )


def _next(version: str) -> str:
    major, minor, _ = (int(x) for x in version.split("."))
    return f"{major}.{minor + 1}.0"


def _with_entry(repo: Path, version: str) -> None:
    changelog = repo / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    head, rest = text.split("\n## ", 1)
    changelog.write_text(f"{head}\n## {version} (test)\n\n- a change\n\n## {rest}", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", f"changelog {version}")


def test_release_commits_tags_and_returns_to_main(repo):
    version = _next(repo_url.version(repo / "pyproject.toml"))
    _with_entry(repo, version)
    out = _release(repo, version)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"git push origin main v{version}" in out.stdout
    tag = f"v{version}"
    assert _git(repo, "tag", "--list").split() == [tag]
    # At the tag, everything says the tag: the version, each badge and each setup cell.
    at_tag = {name: _git(repo, "show", f"{tag}:{name}") for name in ("pyproject.toml", "mnist_course/__init__.py")}
    assert f'version = "{version}"' in at_tag["pyproject.toml"] and f'ref = "{tag}"' in at_tag["pyproject.toml"]
    assert f'__version__ = "{version}"' in at_tag["mnist_course/__init__.py"]
    nb = _git(repo, "show", f"{tag}:notebooks/05_linear_classifier.py")
    assert f"/blob/{tag}/notebooks/05_linear_classifier.ipynb" in nb and f'@{tag}")' in nb and "@main" not in nb
    assert f"@{tag}" in _git(repo, "show", f"{tag}:README.md")
    # After it, main is back on main, with the new version, and the tree is clean.
    assert repo_url.ref(repo / "pyproject.toml") == "main" and repo_url.version(repo / "pyproject.toml") == version
    assert _git(repo, "status", "--porcelain") == ""
    assert len(_git(repo, "log", "--oneline").splitlines()) == 4  # start, changelog, release, back to main
    for path in urls.notebook_files(repo / "notebooks"):
        assert urls.problems(path, "main") == []


@pytest.mark.parametrize(
    "version, why",
    [
        ("0.3", "is not X.Y.Z"),
        ("v9.0.0", "is not X.Y.Z"),
        ("nine", "is not X.Y.Z"),
        ("", "is not X.Y.Z"),
        ("0.0.1", "is not above the current version"),
        ("CURRENT", "is not above the current version"),
        ("9.9.9", "CHANGELOG.md has no '## 9.9.9' entry"),
    ],
)
def test_release_refuses_and_writes_nothing(repo, version, why):
    if version == "CURRENT":
        version = repo_url.version(repo / "pyproject.toml")
    head = _git(repo, "rev-parse", "HEAD")
    out = _release(repo, version)
    assert out.returncode == 2 and why in out.stderr and "nothing written" in out.stderr, out.stderr
    assert _git(repo, "rev-parse", "HEAD") == head and _git(repo, "status", "--porcelain") == ""
    assert _git(repo, "tag", "--list") == ""


def test_release_refuses_a_dirty_tree(repo):
    version = _next(repo_url.version(repo / "pyproject.toml"))
    _with_entry(repo, version)
    (repo / "README.md").write_text("edited\n", encoding="utf-8")
    out = _release(repo, version)
    assert out.returncode == 2 and "uncommitted changes" in out.stderr
    assert repo_url.version(repo / "pyproject.toml") != version and _git(repo, "tag", "--list") == ""
    assert _git(repo, "status", "--porcelain").strip() == "M README.md"
