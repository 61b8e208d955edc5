"""Keep every notebook's Colab badge and setup cell on the Repository URL and release in pyproject.toml.

python tools/repo_url.py           # check: list notebooks whose badge or setup cell differ; exit 1 if any
python tools/repo_url.py --write   # rewrite the .py twins and .ipynb files from pyproject.toml (`make urls`)

The setup cell installs ``git+<Repository>@v<version>`` with ``--no-deps``: the release of the package the
notebook was written for, on top of the torch, NumPy and matplotlib that Colab already has. Runs on Python 3.10
(no ``tomllib`` there: :func:`read_pyproject` falls back to reading the few fields the course needs).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BADGE = re.compile(
    r"https://colab\.research\.google\.com/github/[^/\s)]+/[^/\s)]+/blob/[^/\s)]+/notebooks/[\w.-]+\.ipynb"
)
INSTALL = re.compile(r"git\+https://[^\s\"'\\]+")
SETUP_COMMAND = re.compile(r"pip install[^\"'\\\n]*git\+https://")


def _section(text: str, name: str) -> str:
    """The body of one ``[name]`` table of a TOML file, up to the next table header."""
    match = re.search(rf"^\[{re.escape(name)}\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if match is None:
        raise ValueError(f"pyproject.toml has no [{name}] table")
    return match.group(1)


def _string(body: str, key: str) -> str:
    match = re.search(rf'^\s*"?{re.escape(key)}"?\s*=\s*"([^"]*)"', body, re.M)
    if match is None:
        raise ValueError(f'pyproject.toml: no string {key} = "..."')
    return match.group(1)


def parse_pyproject_fallback(text: str) -> dict:
    """The fields the course reads from pyproject.toml, for Python 3.10 where ``tomllib`` is missing.

    Only ``[project]`` name, version, requires-python, dependencies and ``[project.urls]`` Repository, written as
    plain double-quoted strings (as this repository writes them); a test checks it agrees with ``tomllib``.
    """
    project = _section(text, "project")
    deps = re.search(r"^dependencies\s*=\s*\[(.*?)\]", project, re.M | re.S)
    meta = {
        "name": _string(project, "name"),
        "version": _string(project, "version"),
        "requires-python": _string(project, "requires-python"),
        "dependencies": re.findall(r'"([^"]+)"', deps.group(1)) if deps else [],
        "urls": {"Repository": _string(_section(text, "project.urls"), "Repository")},
    }
    return {"project": meta}


def read_pyproject(path: Path | None = None) -> dict:
    """pyproject.toml as a dict: ``tomllib`` on Python 3.11+, :func:`parse_pyproject_fallback` on 3.10."""
    text = (path or ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return parse_pyproject_fallback(text)
    return tomllib.loads(text)


def repository_url() -> str:
    """The Repository URL from pyproject.toml, without a trailing slash or .git."""
    url = read_pyproject()["project"]["urls"]["Repository"].rstrip("/")
    return url.removesuffix(".git")


def release_tag() -> str:
    """The git tag of this version of the course: ``v`` + ``[project] version`` (e.g. ``v0.2.0``)."""
    return "v" + read_pyproject()["project"]["version"]


def expected(name: str) -> tuple[str, str]:
    """The badge target and pip install URL a notebook named ``name`` (no suffix) must use."""
    url = repository_url()
    owner_repo = url.split("github.com/", 1)[1]
    return (
        f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{name}.ipynb",
        f"git+{url}@{release_tag()}",
    )


def problems(path: Path) -> list[str]:
    """What in one notebook file (.py or .ipynb) disagrees with pyproject.toml or the setup-cell form."""
    text = path.read_text(encoding="utf-8")
    badge, install = expected(path.stem)
    found = []
    badges = set(BADGE.findall(text))
    installs = set(INSTALL.findall(text))
    if badges != {badge}:
        found.append(f"{path.name}: Colab badge {sorted(badges) or 'missing'}, expected {badge}")
    if installs != {install}:
        found.append(f"{path.name}: Colab install {sorted(installs) or 'missing'}, expected {install}")
    commands = SETUP_COMMAND.findall(text)
    if len(commands) != 1 or "--no-deps" not in commands[0] or " -q" in commands[0]:
        found.append(f"{path.name}: the setup cell must run one visible `pip install --no-deps {install}`")
    return found


def notebook_files() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py")) + sorted(
        (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
    )


def main() -> int:
    write = "--write" in sys.argv[1:]
    bad = []
    for path in notebook_files():
        if write:
            badge, install = expected(path.stem)
            text = path.read_text(encoding="utf-8")
            new = INSTALL.sub(install, BADGE.sub(badge, text))
            if new != text:
                path.write_text(new, encoding="utf-8")
                print(f"rewrote {path.name}")
        bad += problems(path)
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
