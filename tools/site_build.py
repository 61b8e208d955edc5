"""Build the course's static site into build/site/ (`make site`).

python -m tools.site_build

The site is Sphinx + MyST-NB + sphinx-book-theme, configured in docs/conf.py. This script stages the sources in
build/site-src/: docs/ as it is, the notebooks as stored (never re-executed: their outputs are the ones
`make run` produced and CI checked), three generated fragments (the course table with the minutes each
notebook took, the results table, the package reference) and the glossary page, rendered by
tools.glossary_source from docs/glossary.txt as one Sphinx glossary. A notebook links a glossary term with the
address of its GLOSSARY.md entry on GitHub (so that the link works in Colab); the staged copy turns each such link
into a ``{term}`` reference, so that on the site it stays on the site. Then it runs sphinx-build with warnings as
errors, so a missing image, an unresolved reference or a notebook that did not render fails the build.

The minutes, the results and every word about the machine they were measured on come from the committed ledger,
notebooks/results.json, rendered by tools.ledger exactly as README.md renders them (the results table through
:meth:`tools.ledger.Ledger.markdown_table`, with notebook numbers instead of names); nothing is read back from the
README's tables. Without a ledger the pages say "not yet measured"; an unreadable one fails the build with the
file and the fix. The one-line "what it teaches" of each notebook is the README's hand-written course table,
where people edit it. No number is typed by hand.

The slide decks are built after the pages by tools/slides.py (`make site` runs both); each page links its deck, and
:func:`for_the_site` gives each figure its cell's alt text and leaves the speaker-notes cells to the deck.

Everything builds offline: MathJax comes from the sphinx-mathjax-offline package, and the notebooks' Colab badge
image (hosted by Colab) is replaced in the staged copy by docs/_static/colab-badge.svg; its link is unchanged.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tools import glossary_source as glossary
from tools import slide_cells as slides
from tools.ledger import Ledger, ledger_path, short_phrase
from tools.markdown import table
from tools.repo_url import ROOT

DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
SRC = BUILD / "site-src"
OUT = BUILD / "site"
DOCTREES = BUILD / "site-doctrees"

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
LOCAL_BADGE = "../_static/colab-badge.svg"  # relative to a staged notebook in notebooks/
NOTEBOOK_NAMED = re.compile(r"\b[Nn]otebooks? (\d\d)\b")


def notebook_names() -> list[str]:
    """Stems of the stored notebooks (NN_name), in course order."""
    return sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


# ---- results and the course table: the committed ledger, rendered by tools.ledger ----


def load_results(notebooks: Path = NOTEBOOKS) -> Ledger | None:
    """The committed ledger (``notebooks/results.json``), or None where there is none yet. A ledger that cannot be
    read raises ``ValueError`` naming the file and the fix: the site never guesses results."""
    path = ledger_path(notebooks=notebooks)
    return Ledger.read(path) if path.exists() else None


def results_markdown(ledger: Ledger | None) -> str:
    """The landing page's results: the ledger's own table (as in README.md, notebooks by number), or a line
    saying there is none yet."""
    if ledger is None or not ledger.rows:
        return "Not yet measured: run `make run` to execute the course and record its results.\n"
    return ledger.markdown_table(numbers=True) + "\n"


def _readme_course(readme: str) -> dict[str, tuple[str, str]]:
    """{notebook stem: (title, what it teaches)} from the README's hand-written course table (its first three
    columns; the time column that tools.headers writes is not read)."""
    out = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        link = re.fullmatch(r"\[([^\]]+)\]\(notebooks/([\w.-]+)\.ipynb\)", cells[1]) if len(cells) > 2 else None
        if link and re.fullmatch(r"\d\d", cells[0]):
            out[link[2]] = (link[1], cells[2])
    return out


def _notebook_title(name: str) -> str:
    """The notebook's own title: its first '# ' heading without the 'NN · ' prefix."""
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"])
            m = re.search(r"^# (.+)$", src, flags=re.M)
            if m:
                return re.sub(r"^\d\d\s*·\s*", "", m[1]).strip()
    return name


def course_markdown(names: list[str], ledger: Ledger | None, readme: str) -> str:
    """The landing page's table: number, notebook (linked), what it teaches, and how long its last full run took
    (the README's time column: same phrase, same machine in the title)."""
    info = _readme_course(readme)
    seconds = ledger.finished_seconds() if ledger else {}
    rows = []
    for name in names:
        title, line = info[name] if name in info else (_notebook_title(name), "")
        time_cell = short_phrase(seconds[name]) if name in seconds else "not yet measured"
        deck = f'<a href="slides/{slides.deck_file(name)}">slides</a>'
        rows.append([name[:2], f"{{doc}}`{title} </notebooks/{name}>`", line, deck, time_cell])
    column = ledger.time_column() if seconds else "Time"
    text = table(["#", "Notebook", "What it teaches", "Deck", column], rows, "llllr")
    if seconds:
        total = sum(seconds.values())
        text += f"\n\nWall-clock time of each notebook's last full run, {total / 60:.1f} minutes in all, "
        text += f"{ledger.machine_sentence()}."
    return text + "\n"


def commands_markdown(readme: str) -> str:
    """The README's two commands (its first bash block), so the landing page never drifts from it."""
    found = re.search(r"```bash\n.*?```\n", readme, flags=re.S)
    if not found:
        raise ValueError("README.md has no ```bash block with the commands to run the course: put it back")
    return found[0]


def toctree_markdown(names: list[str]) -> str:
    body = "\n".join(f"notebooks/{n}" for n in names)
    return f"```{{toctree}}\n:hidden:\n:maxdepth: 1\n:caption: The course\n\n{body}\n```\n"


# ---- the package page ----


def package_members() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(module, [(function or class, notebook number or '')])] for every module of mnist_course, from __all__."""
    import mnist_course

    out = []
    for info in sorted(pkgutil.iter_modules(mnist_course.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"mnist_course.{info.name}")
        names = getattr(module, "__all__", None) or [
            n
            for n, obj in vars(module).items()
            if not n.startswith("_")
            and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module.__name__
        ]
        members = []
        for name in names:
            obj = getattr(module, name, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # constants are documented on the module's section, not in the table
            doc = inspect.getdoc(obj) or ""
            m = NOTEBOOK_NAMED.search(doc)
            members.append((name, m[1] if m else ""))
        out.append((info.name, members))
    return out


def package_markdown(members: list[tuple[str, list[tuple[str, str]]]], names: list[str]) -> str:
    by_number = {n[:2]: n for n in names}
    rows = []
    for module, items in members:
        for name, number in items:
            target = f"mnist_course.{module}.{name}"
            where = (
                f"{{doc}}`notebook {number} </notebooks/{by_number[number]}>`"
                if number in by_number
                else "not named in its docstring"
            )
            rows.append([f"{{py:obj}}`{name} <{target}>`", f"`{module}`", where])
    lines = [table(["function or class", "module", "introduced in"], rows), ""]
    for module, _ in members:
        lines += [
            f"## `mnist_course.{module}`",
            "",
            "```{eval-rst}",
            f".. automodule:: mnist_course.{module}",
            "```",
            "",
        ]
    return "\n".join(lines)


# ---- staging and building ----


def _write(path: Path, text: str | bytes) -> None:
    """Write only when the content changed, so Sphinx rebuilds only what changed."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def localize_badge(notebook_json: str) -> str:
    """Point the Colab badge image at the site's own copy (its link to Colab stays as it is)."""
    return notebook_json.replace(BADGE_IMAGE, LOCAL_BADGE)


def glossary_terms_on_site(notebook_json: str, terms: dict[str, str]) -> str:
    """A notebook's glossary links (absolute GitHub addresses of GLOSSARY.md entries, so that they work in Colab)
    turned into ``{term}`` references to the site's own glossary page. A notebook without such links is returned
    unchanged, byte for byte; a link to an entry that does not exist raises ``ValueError``."""
    if "GLOSSARY.md" not in notebook_json:
        return notebook_json
    nb = json.loads(notebook_json)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cell["source"] = glossary.term_roles(source, terms).splitlines(keepends=True)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def for_the_site(notebook_json: str, name: str) -> str:
    """What the site's page shows of a stored notebook: each figure with its cell's ``alt`` text (MyST-NB reads it
    from ``mystnb.image.alt``), without the speaker-notes cells (they belong to the deck), and with a link to the
    notebook's slide deck under its title. A notebook without slide metadata or alt texts changes only by the link."""
    nb = json.loads(notebook_json)
    cells = []
    for cell in nb["cells"]:
        if slides.is_notes(cell):
            continue
        alt = slides.alt_text(cell)
        if alt and cell["cell_type"] == "code":
            cell["metadata"].setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
        cells.append(cell)
    link = (
        f'<a class="deck-link" href="../slides/{slides.deck_file(name)}">Present this notebook as slides</a> '
        "(reveal.js, from the stored outputs; press <kbd>s</kbd> in the deck for the speaker notes)"
    )
    cells.insert(1, {"cell_type": "markdown", "id": "deck-link", "metadata": {}, "source": link})
    nb["cells"] = cells
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def glossary_markdown(names: list[str]) -> str:
    """The site's glossary page, from docs/glossary.txt, its section links checked against the stored notebooks."""
    entries = glossary.read_source()
    notebooks = {name[:2]: glossary.read_notebook(NOTEBOOKS / f"{name}.ipynb") for name in names}
    bad = glossary.source_problems(entries, notebooks, "docs/glossary.txt")
    if bad:
        raise ValueError(
            "the glossary does not match the stored notebooks (make sync, or make run):\n" + "\n".join(bad)
        )
    return glossary.site_page(entries, notebooks)


def stage() -> list[str]:
    """Copy docs/ and the stored notebooks into build/site-src/ and write the generated fragments."""
    names = notebook_names()
    if not names:
        raise ValueError("no notebooks/NN_*.ipynb to build the site from: `make run` writes them")
    expected = set()
    for src in DOCS.rglob("*"):
        if src.is_file() and "__pycache__" not in src.parts:
            rel = src.relative_to(DOCS)
            expected.add(rel)
            _write(SRC / rel, src.read_bytes())
    terms = glossary.site_terms()
    for name in names:
        rel = Path("notebooks") / f"{name}.ipynb"
        expected.add(rel)
        stored = (NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8")
        _write(SRC / rel, for_the_site(glossary_terms_on_site(localize_badge(stored), terms), name))
    expected.add(Path("glossary.md"))
    _write(SRC / "glossary.md", glossary_markdown(names))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ledger = load_results()
    generated = {
        "course.md": course_markdown(names, ledger, readme),
        "results.md": results_markdown(ledger),
        "commands.md": commands_markdown(readme),
        "toctree.md": toctree_markdown(names),
        "package.md": package_markdown(package_members(), names),
    }
    for file, text in generated.items():
        expected.add(Path("_generated") / file)
        _write(SRC / "_generated" / file, text)
    for old in [p for p in SRC.rglob("*") if p.is_file()]:  # a notebook or page removed since the last build
        if old.relative_to(SRC) not in expected and "__pycache__" not in old.parts:
            old.unlink()
    return names


def main() -> int:
    start = time.perf_counter()
    try:
        names = stage()
    except (ValueError, FileNotFoundError) as e:
        print(f"site: {e}", file=sys.stderr)
        return 1
    shutil.rmtree(OUT, ignore_errors=True)  # no page of a removed notebook may linger; doctrees keep it incremental
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q"]
    cmd += ["-d", str(DOCTREES), str(SRC), str(OUT)]
    code = subprocess.run(cmd, cwd=ROOT).returncode
    seconds = time.perf_counter() - start
    if code:
        print(f"site: sphinx-build failed (exit {code}); a warning above means a broken page", file=sys.stderr)
        return code
    shutil.rmtree(OUT / ".doctrees", ignore_errors=True)
    (OUT / ".nojekyll").touch()  # GitHub Pages must serve _static/ and _images/ as they are

    print(
        f"site: {len(names)} notebooks -> {OUT.relative_to(ROOT)}/index.html in {seconds:.0f} s (decks: python -m tools.slides)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
