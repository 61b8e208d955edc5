"""Keep every notebook's Colab badge and setup cell on the one Repository URL in pyproject.toml.

python tools/repo_url.py           # check: list notebooks whose URLs differ; exit 1 if any
python tools/repo_url.py --write   # rewrite the .py twins and .ipynb files from pyproject.toml (`make urls`)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
BADGE = re.compile(
    r"https://colab\.research\.google\.com/github/[^/\s)]+/[^/\s)]+/blob/[^/\s)]+/notebooks/[\w.-]+\.ipynb"
)
INSTALL = re.compile(r"git\+https://[^\s\"'\\]+")


def repository_url() -> str:
    """The Repository URL from pyproject.toml, without a trailing slash or .git."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    url = meta["project"]["urls"]["Repository"].rstrip("/")
    return url.removesuffix(".git")


def expected(name: str) -> tuple[str, str]:
    """The badge target and pip install URL a notebook named ``name`` (no suffix) must use."""
    url = repository_url()
    owner_repo = url.split("github.com/", 1)[1]
    return (
        f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{name}.ipynb",
        f"git+{url}",
    )


def problems(path: Path) -> list[str]:
    """What in one notebook file (.py or .ipynb) disagrees with pyproject.toml."""
    text = path.read_text(encoding="utf-8")
    badge, install = expected(path.stem)
    found = []
    badges = set(BADGE.findall(text))
    installs = set(INSTALL.findall(text))
    if badges != {badge}:
        found.append(f"{path.name}: Colab badge {sorted(badges) or 'missing'}, expected {badge}")
    if installs != {install}:
        found.append(f"{path.name}: Colab install {sorted(installs) or 'missing'}, expected {install}")
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
