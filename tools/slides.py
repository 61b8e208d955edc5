"""Slide decks of the notebooks, from their stored outputs (`make slides`; `make site` builds them too).

python -m tools.slides [NN ...]     build build/site/slides/NN_name.slides.html (all notebooks, or those named)
python -m tools.slides --check      check every notebook's slide structure and figure alt texts (no build)

A deck is the notebook itself: nbconvert's reveal.js exporter renders the stored .ipynb (nothing is executed), so
the slides cannot drift from the code and its outputs. What a deck shows is decided by cell metadata that the
py:percent twin carries in its ``# %%`` lines and that Jupyter, Colab, nbval and the site ignore:

- ``slideshow={"slide_type": ...}``: ``slide`` starts a slide (every ``## `` section), ``subslide`` a slide below it
  (reveal.js's vertical step), ``fragment`` appears on the next key press, ``notes`` is a speaker-notes cell
  (reveal.js's speaker view, key ``s``; the site leaves these cells out), ``skip`` is left out of the deck;
- the tag ``slides-hide-input``: the deck shows the cell's output without its code (long plotting or setup code);
- the tag ``slides-split-output``: the deck shows the cell's code on its slide and its output alone on the next
  slide below (lesson code too long to share a slide with what it prints or draws);
- the tag ``slides-split-code``: the deck shows a long cell's code over two slides, cut at a blank line before an
  unindented line near its middle (the notebook keeps one cell);
- ``alt="..."`` on every code cell that draws a figure: what the figure shows, for a screen reader. The site and
  the deck both use it as the image's alt text.

The deck adds, as speaker notes, how long the cell took in the recorded full run for each of the notebook's slowest
cells that the ledger (notebooks/results.json) keeps (from NOTE_SECONDS up), so a presenter knows what to run live
and what to prepare with ``make lecture``; those seconds are read from the ledger, never typed.

Assets are local, like the rest of the site: reveal.js from build/vendor/ (tools/vendor.py) is copied into
build/site/slides/_vendor/, and math is typeset by the site's own MathJax (build/site/_static/mathjax/), so
`make site` must have run first. Each slide is 1280 by 720 CSS pixels; tools/site_check.py steps through every slide
in headless Chromium and fails on one whose content overflows, a JavaScript error or an image that does not decode.
"""

from __future__ import annotations

import argparse
import copy
import functools
import json
import re
import shutil
import sys
from pathlib import Path

from tools.repo_url import ROOT
from tools.slide_cells import (
    FILE_NAME,
    HIDE_INPUT,
    MIN_ALT_WORDS,
    NOTES_START,
    SLIDE_TYPES,
    SPLIT_CODE,
    SPLIT_OUTPUT,
    alt_problem,
    alt_text,
    deck_file,
    image_outputs,
    is_notes,
    slide_type,
)
from tools.slide_cells import source as _source

__all__ = [
    "FILE_NAME", "HIDE_INPUT", "MIN_ALT_WORDS", "NOTES_START", "SLIDE_TYPES", "SPLIT_CODE", "SPLIT_OUTPUT",
    "alt_problem", "alt_text", "build", "deck_file", "image_outputs", "is_notes", "prepare", "render", "slide_type",
    "structure_problems",
]  # fmt: skip

NOTEBOOKS = ROOT / "notebooks"
SITE = ROOT / "build" / "site"
DECKS = SITE / "slides"
TEMPLATES = ROOT / "tools" / "deck_template"
CSS = TEMPLATES / "deck.css"
REVEAL_PREFIX = "_vendor/reveal.js"  # relative to a deck
WIDTH, HEIGHT = 1280, 720
#: The code's colours: a pygments style whose every colour has WCAG AA contrast (accessible-pygments, site extra).
CODE_STYLE = "a11y-high-contrast-light"
#: A cell of the ledger's slowest gets a speaker note with its seconds from this many seconds on.
NOTE_SECONDS = 5.0
QUESTIONS_PER_SLIDE = 6
#: A slide up to 1/MIN_ZOOM times taller than HEIGHT is shrunk to fit (code 14 px -> 11.2 px on a 1280-pixel-wide
#: screen; reveal.js scales the whole slide up on a larger one); taller ones fail the browser test.
MIN_ZOOM = 0.8
#: Before zooming, the figures of a slide too tall shrink, each to no less than this many CSS pixels high.
MIN_IMAGE = 320


def notebook_names() -> list[str]:
    """Stems of the stored notebooks (NN_name), in course order."""
    return sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def structure_problems(name: str, nb: dict) -> list[str]:
    """What is wrong with a notebook's slide structure and alt texts, one line each naming the cell (1-based)."""
    found = []
    cells = nb["cells"]
    visible = [c for c in cells if slide_type(c) not in ("notes", "skip")]
    if visible and slide_type(visible[0]) != "slide":
        found.append(f"{name}: its first cell must start a slide (slideshow slide_type 'slide')")
    notes = 0
    for i, cell in enumerate(cells, 1):
        kind = slide_type(cell)
        where = f"{name} cell {i}"
        if kind not in SLIDE_TYPES:
            found.append(f"{where}: unknown slide_type {kind!r} (one of {', '.join(sorted(SLIDE_TYPES))})")
        if kind == "notes":
            notes += 1
            if cell["cell_type"] != "markdown" or not _source(cell).startswith(NOTES_START):
                found.append(f"{where}: a speaker-notes cell is Markdown starting with {NOTES_START}")
        if cell["cell_type"] == "markdown" and re.match(r"## ", _source(cell)) and kind != "slide":
            found.append(f"{where}: a '## ' section must start a slide (slide_type 'slide'), found {kind!r}")
        if cell["cell_type"] == "code":
            images = image_outputs(cell)
            if images and (why := alt_problem(alt_text(cell))):
                found.append(f"{where} draws a figure and {why}")
            if not images and alt_text(cell):
                found.append(f"{where} has an alt text but draws no figure: remove it")
            tags = cell.get("metadata", {}).get("tags", [])
            if (HIDE_INPUT in tags or SPLIT_OUTPUT in tags) and not cell.get("outputs"):
                found.append(f"{where} hides or splits off its output in the deck but has no output")
            if SPLIT_CODE in tags and len(split_code(cell)) == 1:
                found.append(f"{where} is tagged {SPLIT_CODE} but has no blank line before an unindented line")
    if notes == 0:
        found.append(f"{name}: no speaker-notes cell (slide_type 'notes'): say what to ask the room or run live")
    return found


@functools.cache
def _ledger():
    """The committed ledger, read once per build (None where there is none)."""
    from tools.ledger import Ledger, ledger_path

    path = ledger_path()
    return Ledger.read(path) if path.exists() else None


def timing_notes(name: str) -> dict[str, float]:
    """{first line of a cell: seconds} for the notebook's slowest cells in the ledger, from NOTE_SECONDS up."""
    ledger = _ledger()
    if ledger is None:
        return {}
    return {c.first_line: c.seconds for c in ledger.cells if c.notebook == name and c.seconds >= NOTE_SECONDS}


def _machine(name: str) -> str:
    return _ledger().machine_of(name).short()


def split_questionnaire(cell: dict) -> list[dict]:
    """The ``## Questionnaire`` cell as the deck shows it: QUESTIONS_PER_SLIDE questions a slide, the rest on slides
    below it, numbered on (the notebook keeps one cell, as tests/test_questionnaire.py requires). Any other cell is
    returned as it is."""
    text = _source(cell)
    if not text.startswith("## Questionnaire"):
        return [cell]
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if re.match(r"\d+\. ", line)]
    cuts = [0, *starts[QUESTIONS_PER_SLIDE::QUESTIONS_PER_SLIDE], len(lines)]
    parts = ["".join(lines[a:b]) for a, b in zip(cuts, cuts[1:])]
    first = copy.deepcopy(cell)
    first["source"] = parts[0]
    rest = [
        {
            "cell_type": "markdown",
            "id": f"{cell.get('id', 'q')}-part{k}",
            "metadata": {"slideshow": {"slide_type": "subslide"}},
            "source": "## Questionnaire, continued\n\n" + part,
        }
        for k, part in enumerate(parts[1:], 2)
    ]
    return [first, *rest]


def split_code(cell: dict) -> list[dict]:
    """A code cell tagged ``slides-split-code`` as the deck shows it: its source in two parts, cut at the blank line
    before an unindented line nearest the middle, the second part (with the outputs) on the slide below. The
    notebook keeps one cell; the deck only shows it over two slides. Any other cell is returned as it is."""
    if SPLIT_CODE not in cell.get("metadata", {}).get("tags", []):
        return [cell]
    lines = _source(cell).splitlines(keepends=True)
    cuts = [
        i
        for i in range(1, len(lines) - 1)
        if not lines[i].strip() and lines[i + 1].strip() and not lines[i + 1][0].isspace()
    ]
    if not cuts:
        return [cell]
    cut = min(cuts, key=lambda i: abs(i - len(lines) / 2))
    first, rest = copy.deepcopy(cell), copy.deepcopy(cell)
    first["source"], first["outputs"] = "".join(lines[:cut]).rstrip("\n"), []
    rest["source"], rest["id"] = "".join(lines[cut:]).lstrip("\n"), f"{cell.get('id', 'c')}-rest"
    rest["metadata"]["slideshow"] = {"slide_type": "subslide"}
    return [first, rest]


def split_output(cell: dict) -> list[dict]:
    """A code cell tagged ``slides-split-output`` as the deck shows it: the code on its slide, the output alone on
    the slide below (the code hidden there). Any other cell is returned as it is."""
    if SPLIT_OUTPUT not in cell.get("metadata", {}).get("tags", []) or not cell.get("outputs"):
        return [cell]
    code, shown = copy.deepcopy(cell), copy.deepcopy(cell)
    code["outputs"] = []
    shown["id"] = f"{cell.get('id', 'c')}-output"
    shown["metadata"]["tags"] = [*shown["metadata"].get("tags", []), HIDE_INPUT]
    shown["metadata"]["slideshow"] = {"slide_type": "subslide"}
    return [code, shown]


def glossary_targets(site: Path = SITE) -> dict[str, str]:
    """{glossary anchor: its entry's address relative to a deck} from the built site's glossary page, whose terms
    Sphinx lists alphabetically with ids ``term-...``; {} when the site has no glossary page."""
    from tools import glossary_source as glossary

    page = site / "glossary.html"
    if not page.exists():
        return {}
    ids = re.findall(r'<dt id="(term-[^"]+)"', page.read_text(encoding="utf-8"))
    entries = sorted(glossary.read_source(), key=lambda e: e.term.lower())
    if len(ids) != len(entries):
        raise RuntimeError(
            f"build/site/glossary.html has {len(ids)} terms, docs/glossary.txt {len(entries)}: make site"
        )
    return {e.anchor: f"../glossary.html#{term_id}" for e, term_id in zip(entries, ids)}


def site_glossary_links(text: str, targets: dict[str, str]) -> str:
    """A notebook's GitHub glossary links (they work in Colab) pointed at the site's own glossary page."""
    from tools.repo_url import GLOSSARY_LINK

    def local(match: re.Match) -> str:
        return targets.get(match[2] or "", "../glossary.html") if targets else match[0]

    return GLOSSARY_LINK.sub(local, text)


def prepare(name: str, nb: dict, glossary: dict[str, str] | None = None) -> dict:
    """The notebook as the deck shows it: alt texts on the images, long code and split-off outputs over two slides,
    the questionnaire over several slides, a speaker note with the seconds of each slow cell, and the Colab badge
    image from the site's own copy. The notebook given is not changed."""
    from tools.execute import _first_line

    nb = copy.deepcopy(nb)
    slow = timing_notes(name)
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cells += split_questionnaire(cell)
            continue
        if cell["cell_type"] != "code":
            cells.append(cell)
            continue
        for output in image_outputs(cell):
            output.setdefault("metadata", {})["alt"] = alt_text(cell)
        *head, last = split_code(cell)
        shown = [*head, *split_output(last)]
        cells += shown
        seconds = slow.get(_first_line(_source(cell)))
        if seconds is not None:
            text = f"This cell took {seconds:.1f} s in the course's last full run on {_machine(name)}."
            notes = {"slideshow": {"slide_type": "notes"}}
            cells.append({"cell_type": "markdown", "id": f"{shown[-1]['id']}-time", "metadata": notes, "source": text})
    nb["cells"] = cells
    text = json.dumps(nb).replace(
        "https://colab.research.google.com/assets/colab-badge.svg", "../_static/colab-badge.svg"
    )
    return json.loads(site_glossary_links(text, glossary or {}))


def _vendor_reveal() -> None:
    """Copy the reveal.js files a deck loads into build/site/slides/_vendor/reveal.js (REVEAL_PREFIX)."""
    from tools.vendor import REVEAL, fetch

    source = fetch(REVEAL)
    target = DECKS / "_vendor" / "reveal.js"
    for rel in ("dist/reveal.css", "dist/reveal.js", "dist/theme/white.css", "plugin/notes/notes.js", "LICENSE"):
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target / rel)
    fonts = source / "dist" / "theme" / "fonts"
    if fonts.is_dir():
        shutil.copytree(fonts, target / "dist" / "theme" / "fonts", dirs_exist_ok=True)


def _exporter():
    from nbconvert import SlidesExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from pygments.styles import get_all_styles
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_input_tags = {HIDE_INPUT}
    config.TagRemovePreprocessor.enabled = True
    config.CSSHTMLHeaderPreprocessor.style = CODE_STYLE if CODE_STYLE in get_all_styles() else "default"
    exporter = SlidesExporter(config=config, template_name="deck", extra_template_basedirs=[str(TEMPLATES)])
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    exporter.reveal_url_prefix = REVEAL_PREFIX
    exporter.reveal_width, exporter.reveal_height = str(WIDTH), str(HEIGHT)
    exporter.reveal_theme = "white"
    exporter.exclude_input_prompt = exporter.exclude_output_prompt = True
    return exporter


def render(name: str, nb: dict, exporter=None, glossary: dict[str, str] | None = None) -> str:
    """The deck of notebook ``name`` (its stored JSON ``nb``) as one HTML page for build/site/slides/."""
    import nbformat

    exporter = exporter or _exporter()
    resources = {
        "metadata": {"name": name},
        "deck": {
            "css": CSS.read_text(encoding="utf-8"),
            "mathjax": "../_static/mathjax/tex-chtml.js",
            "page": f"../notebooks/{name}.html",
            "home": "../index.html",
            "favicon": "../_static/favicon.svg",
            "min_zoom": MIN_ZOOM,
            "min_image": MIN_IMAGE,
        },
    }
    html, _ = exporter.from_notebook_node(
        nbformat.reads(json.dumps(prepare(name, nb, glossary)), as_version=4), resources
    )
    return html


def build(names: list[str]) -> list[Path]:
    """Write one deck per notebook into build/site/slides/; return their paths."""
    if not (SITE / "_static" / "mathjax").is_dir():
        raise RuntimeError("build/site/_static/mathjax is missing: the decks use the site's MathJax; run make site")
    DECKS.mkdir(parents=True, exist_ok=True)
    _vendor_reveal()
    exporter = _exporter()
    glossary = glossary_targets()
    written = []
    for name in names:
        stored = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
        path = DECKS / deck_file(name)
        path.write_text(render(name, stored, exporter, glossary), encoding="utf-8")
        written.append(path)
    return written


def _select(names: list[str], prefixes: list[str]) -> list[str]:
    chosen = [n for n in names if not prefixes or any(n.startswith(p) for p in prefixes)]
    if not chosen:
        raise SystemExit(f"slides: no notebook starts with {' or '.join(prefixes)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="NN prefixes (default: every notebook)")
    parser.add_argument("--check", action="store_true", help="check slide structure and alt texts; build nothing")
    args = parser.parse_args(argv)
    names = _select(notebook_names(), args.notebooks)
    if args.check:
        problems = []
        for name in names:
            problems += structure_problems(name, json.loads((NOTEBOOKS / f"{name}.ipynb").read_text("utf-8")))
        for line in problems:
            print(f"slides: {line}")
        print(f"slides: {len(names)} notebooks, {len(problems)} problems")
        return 1 if problems else 0
    try:
        paths = build(names)
    except RuntimeError as e:
        print(f"slides: {e}", file=sys.stderr)
        return 1
    print(f"slides: {len(paths)} decks -> {DECKS.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
