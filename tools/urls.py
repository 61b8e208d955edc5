"""Write (or check) every place a student is sent to the course: badges, setup cells, glossary links, README
(`make urls`).

    python -m tools.urls                 # rewrite from pyproject.toml: notebooks' badges and setup cells, README
    python -m tools.urls --ref v0.3.0    # first set [tool.mnist-course] ref (make urls REF=v0.3.0), then rewrite
    python -m tools.urls --check         # exit 1 naming every file that differs (part of `make check`)

One ref for everything (see tools/repo_url.py): the Colab badge of notebook NN opens ``blob/<ref>/notebooks/NN``
and its setup cell installs ``git+<Repository>@<ref>``, so a student always runs a notebook against the package of
the same commit, and its links to the glossary open ``<Repository>/blob/<ref>/GLOSSARY.md#term``. The site reads
the same ref when it is built (docs/conf.py, tools/site_build.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tools import repo_url
from tools.markdown import MissingBlock, block, fill

NOTEBOOKS = repo_url.ROOT / "notebooks"
README = repo_url.ROOT / "README.md"
FULL_BADGE = re.compile(
    r"https://colab\.research\.google\.com/github/[^/\s)\"']+/[^/\s)\"']+/blob/[^/\s)\"']+/notebooks/[\w.-]+\.ipynb"
)
INSTALL_ANY = re.compile(r"git\+https://[^\s\"'\\]+")


def notebook_files(folder: Path = NOTEBOOKS) -> list[Path]:
    """Every notebook's two files: the py:percent twins, then the stored .ipynb."""
    return sorted(folder.glob("[0-9][0-9]_*.py")) + sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def _py_setup_span(lines: list[str], name: str) -> tuple[int, int]:
    """Line range [start, end) of the first code cell's body in a py:percent file (trailing blank lines excluded)."""
    # A code cell's line is "# %%", or "# %% key=value ..." with cell metadata (slides, tags); never "# %% [markdown]".
    code = re.compile(r"# %%( (?!\[)\S.*)?$")
    start = next((i + 1 for i, line in enumerate(lines) if code.match(line)), None)
    if start is None:
        raise ValueError(f"{name}: no code cell (a line '# %%'): is it a jupytext py:percent file?")
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("# %%")), len(lines))
    while end > start and not lines[end - 1].strip():
        end -= 1
    return start, end


def setup_source(path: Path) -> str:
    """The source of a notebook file's first code cell (its Colab setup cell)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        cells = [c for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
        if not cells:
            raise ValueError(f"{path.name}: no code cell")
        source = cells[0]["source"]
        return "".join(source) if isinstance(source, list) else source
    lines = text.splitlines()
    start, end = _py_setup_span(lines, path.name)
    return "\n".join(lines[start:end])


def rewrite(path: Path, at: str, url: str) -> str:
    """A notebook file's text with its badges and setup cell written for ref ``at``."""
    text = path.read_text(encoding="utf-8")
    cell = repo_url.setup_cell(at, url)
    if path.suffix == ".ipynb":
        import nbformat  # only here: the check mode needs nothing outside the standard library

        nb = nbformat.reads(text, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        if not code:
            raise ValueError(f"{path.name}: no code cell")
        code[0].source = cell
        text = nbformat.writes(nb) + "\n"
    else:
        lines = text.splitlines()
        start, end = _py_setup_span(lines, path.name)
        lines[start:end] = cell.splitlines()
        text = "\n".join(lines) + "\n"
    text = FULL_BADGE.sub(repo_url.colab_url(path.stem, at, url), text)
    return repo_url.GLOSSARY_LINK.sub(lambda m: repo_url.glossary_url(m[2] or "", at, url), text)


def problems(path: Path, at: str | None = None, url: str | None = None) -> list[str]:
    """What in one notebook file disagrees with the one ref: badge, install or setup cell (empty when none)."""
    at, url = at or repo_url.ref(), url or repo_url.repository_url()
    text = path.read_text(encoding="utf-8")
    found = []
    badges = set(FULL_BADGE.findall(text))
    want_badge = repo_url.colab_url(path.stem, at, url)
    if badges != {want_badge}:
        found.append(f"{path.name}: Colab badge {sorted(badges) or 'missing'}, expected {want_badge}")
    installs = set(INSTALL_ANY.findall(text))
    if installs != {repo_url.install_url(at, url)}:
        found.append(f"{path.name}: installs {sorted(installs) or 'nothing'}, expected {repo_url.install_url(at, url)}")
    badge_refs = {m[1] for m in repo_url.BADGE.finditer(text)}
    install_refs = {m[1] for m in repo_url.INSTALL.finditer(text)}
    if badge_refs != install_refs:
        found.append(
            f"{path.name}: the badge opens ref {sorted(badge_refs)} but the setup cell installs {sorted(install_refs)}"
        )
    stale = sorted(
        {m[0] for m in repo_url.GLOSSARY_LINK.finditer(text) if m[0] != repo_url.glossary_url(m[2] or "", at, url)}
    )
    if stale:
        found.append(f"{path.name}: glossary links {stale} are not at {url}/blob/{at}/GLOSSARY.md: run make urls")
    try:
        if setup_source(path) != repo_url.setup_cell(at, url):
            found.append(f"{path.name}: the first code cell is not the Colab setup cell for ref {at}")
    except (ValueError, KeyError) as e:
        found.append(str(e))
    return found


def readme_colab(at: str, url: str) -> str:
    """README's sentence on what the setup cell installs, for ref ``at``."""
    kind = "the main branch" if at == "main" else f"the release tag {at}"
    return (
        "Click a notebook's badge and run the first code cell. Inside Colab it installs the course package from the\n"
        f"same git ref as the notebook the badge opened, {kind}:\n\n"
        f"```\npip install --no-deps {repo_url.install_url(at, url)}\n```\n\n"
        "and shows pip's output; everywhere else it does nothing. If the install fails (no network, a ref that does\n"
        "not exist) the cell stops with pip's error and a sentence saying what to do, instead of letting every later\n"
        "import fail.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 naming each file that differs")
    parser.add_argument("--ref", help="set [tool.mnist-course] ref in pyproject.toml first (main or vX.Y.Z)")
    parser.add_argument("--tag-to-come", action="store_true", help=argparse.SUPPRESS)  # make release tags next
    args = parser.parse_args(argv)
    if args.ref and args.check:
        parser.error("--ref writes pyproject.toml; it cannot be combined with --check")
    if args.ref:
        bad = repo_url.ref_problems(args.ref, tag_to_come=args.tag_to_come)
        if bad:
            for line in bad:
                print(f"urls: {line}", file=sys.stderr)
            print("urls: nothing written", file=sys.stderr)
            return 2
        repo_url.set_ref(args.ref)
        print(f"urls: pyproject.toml ref = {args.ref}")
    at, url = repo_url.ref(), repo_url.repository_url()
    found = [f"pyproject.toml: {line}" for line in repo_url.ref_problems(at, tag_to_come=args.tag_to_come)]
    for path in notebook_files():
        if not args.check:
            new = rewrite(path, at, url)
            if new != path.read_text(encoding="utf-8"):
                path.write_text(new, encoding="utf-8")
                print(f"urls: rewrote {path.name}")
        found += problems(path, at, url)
    text = README.read_text(encoding="utf-8")
    try:
        if block(text, "colab") != readme_colab(at, url):
            if args.check:
                found.append("README.md: the colab block does not name the ref's install: run make urls")
            else:
                README.write_text(fill(text, "colab", readme_colab(at, url)), encoding="utf-8")
                print("urls: rewrote README.md's colab block")
    except MissingBlock as e:
        found.append(str(e))
    for line in found:
        print(f"urls: {line}")
    if not found:
        print(f"urls: every badge, setup cell and the README use ref {at}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
