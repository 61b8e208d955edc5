"""What a notebook's cells say about its slides and figures: the metadata conventions that tools/slides.py (the
decks), tools/site_build.py (the site's pages) and tools/site_check.py (the browser test) share. A library: nothing
here builds or runs anything. CONTRIBUTING.md, "Slides and alt text", describes the conventions."""

from __future__ import annotations

import re

NOTES_START = "**Presenter's notes.**"
HIDE_INPUT = "slides-hide-input"
SPLIT_OUTPUT = "slides-split-output"
SPLIT_CODE = "slides-split-code"
SLIDE_TYPES = {"slide", "subslide", "fragment", "notes", "skip", "-"}
MIN_ALT_WORDS = 5
FILE_NAME = re.compile(r"(^|[/\\])[\w.-]+\.(png|jpe?g|svg|gif)$|^[0-9a-f]{16,}", re.I)


def deck_file(name: str) -> str:
    """The deck's file name in build/site/slides/: ``NN_name.slides.html``."""
    return f"{name}.slides.html"


def slide_type(cell: dict) -> str:
    """The cell's ``slideshow.slide_type`` (``-`` when it has none: it continues the slide before it)."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def is_notes(cell: dict) -> bool:
    """A speaker-notes cell: shown in the deck's speaker view, left out of the site's page."""
    return slide_type(cell) == "notes"


def image_outputs(cell: dict) -> list[dict]:
    """The cell's outputs that hold a PNG figure."""
    return [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]


def alt_text(cell: dict) -> str:
    """The alt text of the figure a code cell draws (its ``alt`` metadata), or ''."""
    value = cell.get("metadata", {}).get("alt", "")
    return value.strip() if isinstance(value, str) else ""


def alt_problem(text: str) -> str | None:
    """Why ``text`` is not a usable alt text for a figure, or None."""
    if not text:
        return "has no alt text"
    if FILE_NAME.search(text.strip()):
        return f"has a file name for alt text ({text!r})"
    if len(text.split()) < MIN_ALT_WORDS:
        return f"has an alt text of fewer than {MIN_ALT_WORDS} words ({text!r}): say what the figure shows"
    return None


def source(cell: dict) -> str:
    """The cell's source as one string (a stored .ipynb keeps it as a list of lines)."""
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)
