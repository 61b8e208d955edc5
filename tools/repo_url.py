"""pyproject.toml and every address the course publishes: the one owner of both.

The repository URL lives in ``[project.urls] Repository``; the **ref** (a branch or tag) that students get lives in
``[tool.mnist-course] ref``. The notebook a student opens (the Colab badge, the site's Colab button) and the package
its setup cell installs come from that one ref, so they always belong together:

* ``main`` (the default) always exists: badges open ``blob/main`` and the setup cell installs ``@main``;
* ``vX.Y.Z``, a release tag made by ``make release``: badges open ``blob/vX.Y.Z`` and the cell installs
  ``@vX.Y.Z``. The tag must exist and ``CHANGELOG.md`` must have the version's entry.

This module only computes; ``python -m tools.urls`` (``make urls``) writes the result into the notebooks and the
README and checks them, ``docs/conf.py`` and ``tools/site_build.py`` build the site's addresses from it, and
``tools/compat.py`` reads the dependency floors through :func:`read_pyproject`. Standard library only, Python 3.10+
(no ``tomllib`` there: :func:`read_pyproject` falls back to reading the few fields the course needs).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
CHANGELOG = ROOT / "CHANGELOG.md"

#: A ref students may be given: the main branch, or a release tag ``vX.Y.Z``.
REF = re.compile(r"main|v(\d+\.\d+\.\d+)")
#: A version ``X.Y.Z`` as ``make release`` accepts it.
VERSION = re.compile(r"\d+\.\d+\.\d+")
#: A Colab badge's target: Colab's GitHub viewer on one notebook of one ref.
BADGE = re.compile(r"https://colab\.research\.google\.com/github/[^/\s)\"']+/[^/\s)\"']+/blob/([^/\s)\"']+)/notebooks/")
#: The package a setup cell installs, with its ref.
INSTALL = re.compile(r"git\+https://[^\s\"'\\@]+@([^\s\"'\\]+)")
#: A link to a glossary entry on GitHub (what the notebooks use, so that it works in Colab): ref, then the anchor.
GLOSSARY_LINK = re.compile(r"https://github\.com/[^/\s)\"']+/[^/\s)\"']+/blob/([^/\s)\"']+)/GLOSSARY\.md(?:#([\w-]*))?")


# ----------------------------------------------------------------------------------------------- pyproject.toml


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

    Only ``[project]`` name, version, requires-python, dependencies, ``[project.urls]`` Repository and
    ``[tool.mnist-course]`` ref, written as plain double-quoted strings (as this repository writes them); a test
    checks it agrees with ``tomllib``.
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
    return {"project": meta, "tool": {"mnist-course": {"ref": _string(_section(text, "tool.mnist-course"), "ref")}}}


def read_pyproject(path: Path | None = None) -> dict:
    """pyproject.toml as a dict: ``tomllib`` on Python 3.11+, :func:`parse_pyproject_fallback` on 3.10."""
    text = (path or PYPROJECT).read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return parse_pyproject_fallback(text)
    return tomllib.loads(text)


def version(path: Path | None = None) -> str:
    """``[project] version``, e.g. ``0.3.0``."""
    return read_pyproject(path)["project"]["version"]


def repository_url(path: Path | None = None) -> str:
    """The Repository URL from pyproject.toml, without a trailing slash or ``.git``."""
    return read_pyproject(path)["project"]["urls"]["Repository"].rstrip("/").removesuffix(".git")


def ref(path: Path | None = None) -> str:
    """The git ref students get (``[tool.mnist-course] ref``): ``main`` or a release tag ``vX.Y.Z``."""
    try:
        return read_pyproject(path)["tool"]["mnist-course"]["ref"]
    except KeyError:
        raise ValueError(
            'pyproject.toml has no [tool.mnist-course] ref = "...": add it (ref = "main") or run make urls REF=main'
        ) from None


def set_ref(new: str, path: Path | None = None) -> None:
    """Write ``new`` as ``[tool.mnist-course] ref`` into pyproject.toml (the only line that changes)."""
    path = path or PYPROJECT
    text = path.read_text(encoding="utf-8")
    section = re.search(r"^\[tool\.mnist-course\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if section is None or not re.search(r'^ref\s*=\s*"[^"]*"', section[1], re.M):
        raise ValueError(f'{path.name} has no [tool.mnist-course] table with ref = "...": add one')
    body = re.sub(r'^ref\s*=\s*"[^"]*"', f'ref = "{new}"', section[1], count=1, flags=re.M)
    path.write_text(text[: section.start(1)] + body + text[section.end(1) :], encoding="utf-8")


def set_version(new: str, path: Path | None = None) -> None:
    """Write ``new`` as ``[project] version`` into pyproject.toml (the only line that changes)."""
    path = path or PYPROJECT
    text = path.read_text(encoding="utf-8")
    new_text, count = re.subn(r'^version\s*=\s*"[^"]*"', f'version = "{new}"', text, count=1, flags=re.M)
    if count != 1:
        raise ValueError(f'{path.name} has no version = "..." line under [project]')
    path.write_text(new_text, encoding="utf-8")


# ----------------------------------------------------------------------------------------------- addresses


def github_parts(url: str | None = None) -> tuple[str, str]:
    """(owner, repo) of a ``https://github.com/OWNER/REPO`` URL (the Repository URL by default)."""
    url = url or repository_url()
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", url)
    if not match:
        raise ValueError(
            f"Repository URL {url!r} is not https://github.com/OWNER/REPO: fix [project.urls] in pyproject.toml"
        )
    return match[1], match[2]


def colab_url(notebook: str, at: str | None = None, url: str | None = None) -> str:
    """The Colab address of ``notebooks/<notebook>.ipynb`` at ref ``at`` (the configured ref by default)."""
    owner, repo = github_parts(url)
    return f"https://colab.research.google.com/github/{owner}/{repo}/blob/{at or ref()}/notebooks/{notebook}.ipynb"


def install_url(at: str | None = None, url: str | None = None) -> str:
    """What the setup cell gives pip: ``git+<Repository>@<ref>``."""
    return f"git+{url or repository_url()}@{at or ref()}"


def glossary_url(anchor: str, at: str | None = None, url: str | None = None) -> str:
    """The address of one entry of GLOSSARY.md on GitHub at ref ``at``: how a notebook links a term (Colab cannot
    follow a relative link; the site build turns these into links to its own glossary page)."""
    return f"{url or repository_url()}/blob/{at or ref()}/GLOSSARY.md" + (f"#{anchor}" if anchor else "")


def issues_url(url: str | None = None) -> str:
    """Where students report a problem."""
    return f"{url or repository_url()}/issues"


def pages_url(url: str | None = None) -> str:
    """The address GitHub Pages gives the repository's site (``https://owner.github.io/repo/``)."""
    owner, repo = github_parts(url)
    return f"https://{owner.lower()}.github.io/{repo}/"


# ----------------------------------------------------------------------------------------------- releases


def changelog_versions(path: Path | None = None) -> list[str]:
    """The versions ``CHANGELOG.md`` has an entry for (its ``## X.Y.Z`` headings), newest first as written."""
    path = path or CHANGELOG
    if not path.exists():
        return []
    return re.findall(r"^## (\d+\.\d+\.\d+)\b", path.read_text(encoding="utf-8"), flags=re.M)


def git_tags(root: Path = ROOT) -> set[str] | None:
    """The tags of the git repository at ``root``; None where ``root`` is not a git checkout (a copied tree)."""
    if not (root / ".git").exists():
        return None
    out = subprocess.run(["git", "-C", str(root), "tag", "--list"], capture_output=True, text=True, check=False)
    return set(out.stdout.split()) if out.returncode == 0 else None


def ref_problems(at: str, root: Path = ROOT, changelog: Path | None = None, tag_to_come: bool = False) -> list[str]:
    """Why ``at`` cannot be the ref students get (empty when it can): not ``main`` or ``vX.Y.Z``, no changelog
    entry for the version, or (in a git checkout) no such tag. ``tag_to_come``: ``make release`` is about to make
    the tag, so its absence is not a problem yet."""
    match = REF.fullmatch(at)
    if match is None:
        return [f"ref {at!r} is neither main nor a release tag vX.Y.Z: use make urls REF=main or REF=v0.3.0"]
    if at == "main":
        return []
    found = []
    if match[1] not in changelog_versions(changelog):
        found.append(
            f"ref {at}: CHANGELOG.md has no '## {match[1]}' entry, so {at} is not one of the course's releases"
        )
    tags = None if tag_to_come else git_tags(root)
    if tags is not None and at not in tags:
        found.append(
            f"ref {at}: this repository has no tag {at}, so Colab and pip cannot fetch it: make it with "
            f"make release VERSION={match[1]} and push it (git push origin {at}), or use make urls REF=main"
        )
    return found


# ----------------------------------------------------------------------------------------------- the setup cell


def setup_cell(at: str | None = None, url: str | None = None) -> str:
    """The first code cell of every notebook: inside Colab, install the package from the notebook's own ref.

    A failed install (no network, a ref that does not exist) stops the notebook with one sentence saying what to do
    after pip's own error, instead of letting every later import fail.
    """
    at = at or ref()
    url = url or repository_url()
    name = url.rsplit("/", 1)[-1]
    return f"""\
# Colab only: install the course package from the same ref as this notebook ({at}). Colab already has torch,
# NumPy and the rest, so --no-deps leaves them alone. Elsewhere this cell does nothing: in a checkout, `make lab`
# installs the package into .venv and opens the notebooks (see the README).
import sys

if "google.colab" in sys.modules:
    import importlib.util

    from IPython import get_ipython

    get_ipython().system("pip install --no-deps {install_url(at, url)}")
    importlib.invalidate_caches()
    if get_ipython().user_ns.get("_exit_code") or importlib.util.find_spec("mnist_course") is None:
        raise RuntimeError(
            "The course package did not install from {name}@{at} (pip's error is above). Check the runtime's "
            "internet connection and that the ref {at} exists, then use Runtime → Disconnect and delete "
            "runtime and run this cell again; if it still fails, report it at {issues_url(url)}"
        )"""
