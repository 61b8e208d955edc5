"""Cut a release of the course: ``make release VERSION=x.y.z`` (``python -m tools.release x.y.z``).

Refuses, writing nothing, when the version is not ``X.Y.Z``, is not above ``[project] version``, has no
``## X.Y.Z`` entry in CHANGELOG.md, its tag ``vX.Y.Z`` exists already, or the work tree has uncommitted changes.
Otherwise it makes two commits and one tag:

1. *Release X.Y.Z*: the version in pyproject.toml and ``mnist_course.__version__``, and every badge, setup cell and
   the README pointed at ``vX.Y.Z`` (``python -m tools.urls --ref vX.Y.Z``), so that at the tag the notebooks open
   and install the tag itself; tagged ``vX.Y.Z``.
2. *Back to main after X.Y.Z*: badges and setup cells on ``main`` again, as main always has them.

It pushes nothing: the last line printed says what to push (both the branch and the tag, to the repository named
in ``[project.urls] Repository``: that is where Colab opens notebooks and pip fetches the package).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from tools import repo_url

INIT = repo_url.ROOT / "mnist_course" / "__init__.py"


class ReleaseError(Exception):
    """Why a release cannot be cut; nothing has been written."""


def _git(*args: str, root: Path) -> str:
    out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {out.stderr.strip() or out.stdout.strip()}")
    return out.stdout


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def refusals(version: str, root: Path = repo_url.ROOT) -> list[str]:
    """Every reason ``version`` cannot be released from ``root`` now (empty when it can)."""
    if not repo_url.VERSION.fullmatch(version):
        return [f"version {version!r} is not X.Y.Z (three numbers, no leading v): make release VERSION=0.4.0"]
    found = []
    current = repo_url.version(root / "pyproject.toml")
    if _numbers(version) <= _numbers(current):
        found.append(f"version {version} is not above the current version {current}: choose a higher one")
    if version not in repo_url.changelog_versions(root / "CHANGELOG.md"):
        found.append(f"CHANGELOG.md has no '## {version}' entry: write what changed for students and instructors")
    if f"v{version}" in (repo_url.git_tags(root) or set()):
        found.append(f"the tag v{version} exists already")
    dirty = _git("status", "--porcelain", root=root).strip()
    if dirty:
        found.append(f"the work tree has uncommitted changes (git status): commit or stash them first\n{dirty}")
    return found


def set_package_version(version: str, init: Path = INIT) -> None:
    """Write ``__version__ = "X.Y.Z"`` into mnist_course/__init__.py."""
    text = init.read_text(encoding="utf-8")
    new, count = re.subn(r'^__version__ = "[^"]*"', f'__version__ = "{version}"', text, count=1, flags=re.M)
    if count != 1:
        raise ReleaseError(f'{init} has no __version__ = "..." line')
    init.write_text(new, encoding="utf-8")


def _urls(ref: str, root: Path, *extra: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tools.urls", "--ref", ref, *extra], cwd=root, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise ReleaseError(f"python -m tools.urls --ref {ref} failed:\n{out.stdout}{out.stderr}")


def release(version: str, root: Path = repo_url.ROOT) -> str:
    """Cut release ``version`` in the git checkout at ``root``; returns the command that publishes it."""
    problems = refusals(version, root)
    if problems:
        raise ReleaseError("\n".join(problems))
    tag = f"v{version}"
    try:
        repo_url.set_version(version, root / "pyproject.toml")
        set_package_version(version, root / "mnist_course" / "__init__.py")
        _urls(tag, root, "--tag-to-come")
    except (ReleaseError, ValueError, OSError):
        _git("checkout", "--", ".", root=root)  # the tree was clean: put it back as it was
        raise
    _git("commit", "-q", "-a", "-m", f"Release {version}: badges and setup cells on {tag}", root=root)
    _git("tag", "-a", tag, "-m", f"mnist-course {version}", root=root)
    _urls("main", root)
    _git("commit", "-q", "-a", "-m", f"Back to main after {version}: badges and setup cells on main", root=root)
    branch = _git("rev-parse", "--abbrev-ref", "HEAD", root=root).strip()
    return f"git push origin {branch} {tag}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("version", nargs="?", default="", help="the new version, X.Y.Z")
    args = parser.parse_args(argv)
    try:
        push = release(args.version)
    except ReleaseError as e:
        print(f"release: refused, nothing written:\n{e}", file=sys.stderr)
        return 2
    url = repo_url.repository_url()
    print(f"release: {args.version} committed and tagged v{args.version}; main is back on ref main.")
    print(f"release: publish it (Colab and pip fetch from {url}): {push}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
