"""Issue 27: the slide decks (tools/slides.py), their vendored libraries (tools/vendor.py) and what the site shows
of a notebook's slide metadata (tools/site_build.for_the_site). The browser side (every slide fits 1280x720, no
JavaScript error, every image decodes, axe-core) is tools/site_check.py, run by `make site-test`."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tarfile

import pytest

from tools import site_build, slides, vendor

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 32).decode()
GOOD_ALT = "A line plot of the training loss against the epoch, falling fast and then levelling off."


def md(text: str, kind: str | None = None, **meta) -> dict:
    metadata = dict(meta)
    if kind:
        metadata["slideshow"] = {"slide_type": kind}
    return {"cell_type": "markdown", "id": f"m{abs(hash(text)) % 10**8}", "metadata": metadata, "source": text}


def code(text: str, outputs=(), kind: str | None = None, **meta) -> dict:
    metadata = dict(meta)
    if kind:
        metadata["slideshow"] = {"slide_type": kind}
    return {
        "cell_type": "code",
        "id": f"c{abs(hash(text)) % 10**8}",
        "metadata": metadata,
        "execution_count": 1,
        "outputs": list(outputs),
        "source": text,
    }


def figure() -> dict:
    return {"output_type": "display_data", "data": {"image/png": PNG, "text/plain": "<Figure>"}, "metadata": {}}


def printed(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def notebook(*cells) -> dict:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def good_notebook() -> dict:
    return notebook(
        md("# 99 · Title", "slide"),
        md("## 1. A section", "slide"),
        md("**Presenter's notes.** Ask the room what the loss will do.", "notes"),
        code("plot()", [figure()], "subslide", alt=GOOD_ALT, tags=[slides.HIDE_INPUT]),
        code("train()", [printed("epoch 1 loss 0.3\n")], tags=[slides.SPLIT_OUTPUT]),
    )


# ---- alt texts and structure ----


@pytest.mark.parametrize(
    "text",
    [
        "",
        "../_images/48180304857817423487486fb1e435922eeb38320d2bd42671594c6ca6a3b2f6.png",
        "figure.png",
        "48180304857817423487486fb1e43592",
        "A loss curve",
    ],
)
def test_alt_problem_rejects_empty_file_names_and_too_short(text):
    assert slides.alt_problem(text)


def test_alt_problem_accepts_a_description():
    assert slides.alt_problem(GOOD_ALT) is None


def test_a_good_notebook_has_no_structure_problems():
    assert slides.structure_problems("99_x", good_notebook()) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda nb: nb["cells"][1]["metadata"].pop("slideshow"), "a '## ' section must start a slide"),
        (lambda nb: nb["cells"][0]["metadata"].pop("slideshow"), "first cell must start a slide"),
        (lambda nb: nb["cells"][3]["metadata"].pop("alt"), "draws a figure and has no alt text"),
        (lambda nb: nb["cells"][3]["metadata"].update(alt="../_images/ab12.png"), "file name"),
        (lambda nb: nb["cells"][4]["metadata"].update(alt=GOOD_ALT), "draws no figure"),
        (lambda nb: nb["cells"][4].update(outputs=[]), "has no output"),
        (lambda nb: nb["cells"].pop(2), "no speaker-notes cell"),
        (lambda nb: nb["cells"][2].update(source="Ask the room."), "starting with **Presenter's notes.**"),
        (lambda nb: nb["cells"][4]["metadata"].update(slideshow={"slide_type": "side"}), "unknown slide_type"),
    ],
)
def test_structure_problems_name_each_mistake(change, expected):
    nb = good_notebook()
    change(nb)
    problems = slides.structure_problems("99_x", nb)
    assert any(expected in p for p in problems), problems


def test_every_stored_notebook_has_slides_notes_and_alt_texts():
    """What `make check` runs: every notebook presents as a deck and every figure has an alt text."""
    names = slides.notebook_names()
    assert len(names) == 11
    for name in names:
        nb = json.loads((slides.NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert slides.structure_problems(name, nb) == [], name
        assert sum(slides.is_notes(c) for c in nb["cells"]) >= 3, f"{name}: fewer than three speaker-notes cells"


# ---- what the deck shows ----


def test_prepare_splits_an_output_onto_the_next_slide_and_labels_figures(monkeypatch):
    monkeypatch.setattr(slides, "timing_notes", lambda name: {})
    nb = good_notebook()
    cells = slides.prepare("99_x", nb)["cells"]
    assert nb["cells"][4]["outputs"], "prepare must not change the notebook it was given"
    assert len(cells) == len(nb["cells"]) + 1
    code_only, output_only = cells[4], cells[5]
    assert code_only["source"] == output_only["source"] == "train()"
    assert code_only["outputs"] == [] and output_only["outputs"] == nb["cells"][4]["outputs"]
    assert output_only["metadata"]["slideshow"] == {"slide_type": "subslide"}
    assert slides.HIDE_INPUT in output_only["metadata"]["tags"]
    assert cells[3]["outputs"][0]["metadata"]["alt"] == GOOD_ALT


def test_prepare_adds_the_ledger_seconds_of_a_slow_cell_as_a_note(monkeypatch):
    monkeypatch.setattr(slides, "timing_notes", lambda name: {"plot()": 12.34})
    monkeypatch.setattr(slides, "_machine", lambda name: "a 2-core CPU")
    cells = slides.prepare("99_x", good_notebook())["cells"]
    note = cells[4]
    assert slides.is_notes(note)
    assert note["source"] == "This cell took 12.3 s in the course's last full run on a 2-core CPU."


def test_the_slowest_cells_in_the_ledger_match_cells_of_their_notebooks():
    """The seconds a deck's notes quote are found by each cell's first line: every cell the ledger keeps from
    NOTE_SECONDS up must still be found in its stored notebook, or its note would silently vanish."""
    from tools.execute import _first_line

    for name in slides.notebook_names():
        nb = json.loads((slides.NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
        firsts = {_first_line(slides._source(c)) for c in nb["cells"] if c["cell_type"] == "code"}
        missing = set(slides.timing_notes(name)) - firsts
        assert not missing, f"{name}: the ledger's slow cells {missing} are not in the stored notebook"


def test_render_is_offline_hides_code_and_carries_alt_and_notes(monkeypatch):
    pytest.importorskip("nbconvert", reason="the decks are built with nbconvert (dev extra); make compat has none")
    monkeypatch.setattr(slides, "timing_notes", lambda name: {})
    html = slides.render("99_x", good_notebook())
    sources = re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="([^"]+)"', html)
    assert sources and not [s for s in sources if re.match(r"(https?:)?//", s)], "a deck must load nothing remote"
    assert f'src="{slides.REVEAL_PREFIX}/dist/reveal.js"' in html
    assert f'alt="{GOOD_ALT}"' in html
    assert '<aside class="notes">' in html and "Ask the room" in html
    assert ">plot<" not in html, "the hidden plotting code is in the deck"  # pygments: <span class="n">plot</span>
    assert html.count(">train<") == 1, "a split cell's code appears once, on its own slide"
    assert html.count("epoch 1 loss 0.3") == 1
    assert f"width: {slides.WIDTH}" in html and f"height: {slides.HEIGHT}" in html
    assert 'href="../notebooks/99_x.html"' in html


# ---- the site's page of a notebook ----


def test_the_site_drops_notes_labels_figures_and_links_the_deck():
    nb = good_notebook()
    shown = json.loads(site_build.for_the_site(json.dumps(nb), "99_x"))
    assert not any(slides.is_notes(c) for c in shown["cells"])
    figure_cell = next(c for c in shown["cells"] if c["source"] == "plot()")
    assert figure_cell["metadata"]["mystnb"]["image"]["alt"] == GOOD_ALT
    assert "slides/99_x.slides.html" in shown["cells"][1]["source"]
    assert len(shown["cells"]) == len(nb["cells"])  # one notes cell out, the deck link in


# ---- vendored libraries ----


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_vendor_unpacks_a_tarball_with_the_pinned_hash(tmp_path, monkeypatch):
    monkeypatch.setattr(vendor, "VENDOR", tmp_path)
    monkeypatch.setattr(vendor, "ROOT", tmp_path)
    data = _tarball({"dist/lib.js": b"// lib"})
    package = vendor.Package("lib", "1.0.0", _integrity(data))
    package.tarball.write_bytes(data)
    folder = vendor.fetch(package)
    assert (folder / "dist" / "lib.js").read_bytes() == b"// lib"
    assert vendor.fetch(package) == folder  # the second call reuses it


def test_vendor_refuses_a_tarball_whose_hash_differs(tmp_path, monkeypatch):
    monkeypatch.setattr(vendor, "VENDOR", tmp_path)
    monkeypatch.setattr(vendor, "ROOT", tmp_path)
    data = _tarball({"dist/lib.js": b"// lib"})
    package = vendor.Package("lib", "1.0.0", _integrity(data + b"tampered"))
    package.tarball.write_bytes(data)
    with pytest.raises(RuntimeError, match="does not have the SHA-512 pinned"):
        vendor.fetch(package)
    assert not package.folder.exists()


def test_vendor_pins_reveal_and_axe():
    assert {p.name for p in vendor.PACKAGES} == {"reveal.js", "axe-core"}
    for package in vendor.PACKAGES:
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", package.integrity), package
        assert package.url.startswith("https://registry.npmjs.org/")


def test_the_questionnaire_spreads_over_slides_numbered_on():
    questions = "".join(
        f"{n}. Question {n}?\n\n   <details><summary>Answer</summary>\n\n   Answer {n}.\n   </details>\n\n"
        for n in range(1, 11)
    )
    cell = md("## Questionnaire\n\nAnswer first, then open.\n\n" + questions)
    parts = slides.split_questionnaire(cell)
    assert len(parts) == 2
    assert parts[0]["source"].startswith("## Questionnaire\n") and "6. Question 6?" in parts[0]["source"]
    assert "7. Question 7?" not in parts[0]["source"]
    assert parts[1]["source"].startswith("## Questionnaire, continued") and "7. Question 7?" in parts[1]["source"]
    assert "10. Question 10?" in parts[1]["source"]
    assert parts[1]["metadata"]["slideshow"] == {"slide_type": "subslide"}
    assert slides.split_questionnaire(md("## Summary\n\n1. One.\n")) == [md("## Summary\n\n1. One.\n")]


def test_a_long_code_cell_is_shown_over_two_slides():
    source = "def f(x):\n    y = x\n\n    return y\n\n\ndef g(x):\n    return x\n\n\nprint(f(1), g(2))\n"
    cell = code(source, [printed("1 2\n")], "subslide", tags=[slides.SPLIT_CODE])
    first, rest = slides.split_code(cell)
    assert first["source"].startswith("def f(x):") and "def g" not in first["source"] and first["outputs"] == []
    assert rest["source"].startswith("def g(x):") and rest["outputs"] == cell["outputs"]
    assert rest["metadata"]["slideshow"] == {"slide_type": "subslide"}
    assert "    return y" in first["source"], "a cut never falls inside an indented block"
    assert slides.split_code(code("x = 1\n", tags=[slides.SPLIT_CODE])) == [code("x = 1\n", tags=[slides.SPLIT_CODE])]


def test_deck_glossary_links_stay_on_the_site():
    link = "[gradient](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#gradient)"
    targets = {"gradient": "../glossary.html#term-Gradient"}
    assert slides.site_glossary_links(link, targets) == "[gradient](../glossary.html#term-Gradient)"
    assert slides.site_glossary_links(link, {}) == link  # no site built: the GitHub address stays
