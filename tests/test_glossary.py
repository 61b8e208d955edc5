"""The course glossary (issue 26): docs/glossary.txt, its renderings GLOSSARY.md and the site page, and the links
between it and the notebooks (tools/glossary.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools import glossary_source as glossary
from tools import repo_url, urls

ROOT = Path(__file__).resolve().parent.parent
URL = "https://github.com/mnist-course/mnist-course"


def test_the_glossary_the_notebooks_and_glossary_md_agree():
    assert glossary.problems() == []


def test_make_check_runs_the_glossary_check():
    from tools import check

    assert ["-m", "tools.glossary", "--check"] in [list(c) for c in check.CHECKS]


def test_the_nine_founding_terms_are_entries_linked_where_they_are_taught():
    entries = {e.term: e for e in glossary.read_source()}
    assert {t for t, e in entries.items() if e.founding} == set(glossary.FOUNDING)
    assert len(glossary.FOUNDING) == 9
    files = glossary.notebooks_by_number()
    for term in glossary.FOUNDING:
        taught = entries[term].taught
        notebook = glossary.read_notebook(files[taught.number])
        sections = [section for anchor, _, section in notebook.links if anchor == glossary.slug(term)]
        assert taught.anchor in sections, f"{term}: not linked in {notebook.name}#{taught.anchor}"


def test_every_entry_has_a_definition_an_example_and_sections():
    entries = glossary.read_source()
    assert 30 <= len(entries) <= 45, len(entries)
    for e in entries:
        sentences = len(re.findall(r"[.!?](?:\s|$)", " ".join(e.definition)))
        assert 2 <= sentences <= 4, f"{e.term}: {sentences} sentences"
        assert re.fullmatch(r"\$.+\$( .*)?|`.+`", e.example), f"{e.term}: one line of math or code, not {e.example!r}"
        assert e.taught is not None


def test_glossary_md_has_one_heading_per_entry_so_that_github_makes_the_anchors():
    text = (ROOT / "GLOSSARY.md").read_text(encoding="utf-8")
    entries = glossary.read_source()
    headings = re.findall(r"^### (.+)$", text, flags=re.M)
    assert headings == sorted((e.term for e in entries), key=str.lower)
    for e in entries:
        assert f"](#{e.anchor})" in text  # the index at the top
        assert f"(notebooks/{glossary.notebooks_by_number()[e.taught.number].stem}.ipynb#{e.taught.anchor})" in text


def test_slug_is_the_rule_the_site_uses():
    slugs = pytest.importorskip("myst_parser.slugs")  # installed with the site's extras
    for path in glossary.notebooks_by_number().values():
        for heading in glossary.read_notebook(path).headings:
            plain = heading.text.replace("`", "").replace("**", "")
            assert glossary.slug(heading.text) == slugs.github_slugify(plain.strip()), heading.text
    assert glossary.slug("01 · Random Walk: learning without gradients") == "01--random-walk-learning-without-gradients"
    assert glossary.slug("The same model with `nn.Linear`, `torch.optim` and `fit`") == (
        "the-same-model-with-nnlinear-torchoptim-and-fit"
    )


def test_site_page_is_one_sphinx_glossary_with_every_entry():
    entries = glossary.read_source()
    notebooks = {n: glossary.read_notebook(p) for n, p in glossary.notebooks_by_number().items()}
    page = glossary.site_page(entries, notebooks)
    assert page.count("```{glossary}") == 1
    terms = re.findall(r"^(\S.*)$", page.split("```{glossary}")[1], flags=re.M)[:-1]  # the closing fence last
    assert terms == sorted((e.term for e in entries), key=str.lower)
    assert "{term}`Random Walk`" in page  # the founding terms cross-link from the introduction
    assert "{term}`gradient descent <Gradient descent>`" in page  # and so do the definitions
    assert "](#" not in page  # no link left that points within GLOSSARY.md


def test_notebook_links_become_term_references_on_the_site():
    terms = {"gradient": "Gradient", "random-walk": "Random Walk"}
    text = f"the **[random walk]({repo_url.glossary_url('random-walk', 'v9.9.9', URL)})** and [the\ngradient]({URL}/blob/main/GLOSSARY.md#gradient)"
    assert (
        glossary.term_roles(text, terms)
        == "the **{term}`random walk <Random Walk>`** and {term}`the gradient <Gradient>`"
    )
    with pytest.raises(ValueError, match="#nonsense, which does not exist"):
        glossary.term_roles(f"[x]({URL}/blob/main/GLOSSARY.md#nonsense)", terms)


# ---- bad input: each problem names the file and what to fix ------------------------------------------------------


def _course(tmp_path: Path, gradient_link: str | None = "the-gradient", extra: str = "") -> tuple[Path, Path]:
    """A two-notebook course with a three-entry glossary; notebook 04 links Gradient in ``gradient_link``."""
    folder = tmp_path / "notebooks"
    folder.mkdir(parents=True)
    (folder / "01_random_walk.py").write_text(
        "# %% [markdown]\n# # 01 · Random Walk\n#\n# ## 4. The random walk\n#\n"
        f"# A **[random walk]({repo_url.glossary_url('random-walk')})** is a path.\n{extra}\n"
        "# %%\nx = 1\n",
        encoding="utf-8",
    )
    link = f"**[gradient]({repo_url.glossary_url('gradient')})**"
    body = {"the-gradient": (link, "plain"), "later": ("**gradient**", link), None: ("**gradient**", "plain")}
    first, second = body[gradient_link]
    (folder / "04_optimization.py").write_text(
        "# %% [markdown]\n# # 04 · Optimization\n#\n# ## The gradient\n#\n"
        f"# The {first} has one slope per coordinate.\n#\n# ```python\n# # not a heading\n# ```\n#\n"
        f"# ## Later\n#\n# Then {second} again.\n",
        encoding="utf-8",
    )
    source = tmp_path / "glossary.txt"
    source.write_text(
        "# a comment\n\n== Gradient\nfounding: yes\ntaught: 04#the-gradient\nused: 01#4-the-random-walk\n"
        "example: $\\nabla g$\n\nOne slope per coordinate. It points uphill.\n\n"
        "== Random Walk\nfounding: yes\ntaught: 01#4-the-random-walk\nused: 04#the-gradient\n 04#later\n"
        "example: `W = trial if better else W`\n\nKeep a step unless it hurts. Notebook 01 trains with it.\n\n"
        "== Loss\nfounding: no\ntaught: 04#later\nexample: `loss`\n\nHow wrong. Made small.\n",
        encoding="utf-8",
    )
    return source, folder


FOUNDING = ("Gradient", "Random Walk")


def _problems(source: Path, folder: Path, output: Path | None = None) -> list[str]:
    return glossary.problems(source, folder, output, founding=FOUNDING)


def test_a_good_small_course_passes_and_renders(tmp_path):
    source, folder = _course(tmp_path)
    found = _problems(source, folder)
    # Loss is not linked anywhere: every entry must be linked where it is taught, founding or not.
    assert len(found) == 1 and "the term 'Loss' is taught in section #later but not linked there" in found[0]
    entries = glossary.read_source(source)
    notebooks = {n: glossary.read_notebook(p) for n, p in glossary.notebooks_by_number(folder).items()}
    text = glossary.markdown(entries, notebooks)
    assert "### Gradient\n\n*One of the nine founding terms of the course.*" in text
    assert "- Taught in [04 · The gradient](notebooks/04_optimization.ipynb#the-gradient)" in text
    assert "- Used in [04 · The gradient](notebooks/04_optimization.ipynb#the-gradient); [04 · Later]" in text
    assert [h.anchor for h in notebooks["04"].headings] == ["04--optimization", "the-gradient", "later"]  # no fence


def test_a_link_to_a_missing_section_names_the_line_and_the_headings(tmp_path):
    source, folder = _course(tmp_path)
    source.write_text(source.read_text().replace("used: 01#4-the-random-walk", "used: 01#5-evolution"))
    found = " | ".join(_problems(source, folder))
    assert "glossary.txt:6 (Gradient): notebook 01_random_walk has no section #5-evolution" in found
    assert "link one of its headings: 01--random-walk, 4-the-random-walk" in found
    source.write_text(source.read_text().replace("taught: 04#the-gradient", "taught: 07#the-gradient"))
    assert "glossary.txt:5 (Gradient): there is no notebook 07" in " | ".join(_problems(source, folder))


def test_a_founding_term_not_linked_where_it_is_taught_fails(tmp_path):
    source, folder = _course(tmp_path, gradient_link=None)
    found = " | ".join(_problems(source, folder))
    assert "notebooks/04_optimization.py: the founding term 'Gradient' is taught in section #the-gradient" in found
    assert f"turn its first mention there into [gradient]({repo_url.glossary_url('gradient')})" in found
    # Linked, but only in a later section: still not where it is taught.
    source, folder = _course(tmp_path / "later", gradient_link="later")
    assert "not linked there (it links it under later instead)" in " | ".join(_problems(source, folder))


def test_a_notebook_link_to_an_unknown_term_fails(tmp_path):
    source, folder = _course(tmp_path, extra=f"#\n# See [the epoch]({repo_url.glossary_url('epoch')}).\n")
    found = " | ".join(_problems(source, folder))
    assert "notebooks/01_random_walk.py:8: links the glossary entry #epoch, which does not exist" in found
    assert "add the entry to docs/glossary.txt" in found


def test_a_relative_link_to_the_glossary_fails_because_colab_cannot_follow_it(tmp_path):
    source, folder = _course(tmp_path, extra="#\n# See [the loss](../GLOSSARY.md#loss).\n")
    found = " | ".join(_problems(source, folder))
    assert "notebooks/01_random_walk.py:8: names GLOSSARY.md without its GitHub address, which Colab cannot" in found


def test_a_founding_term_without_entry_or_mark_fails(tmp_path):
    source, folder = _course(tmp_path)
    source.write_text(source.read_text().replace("== Random Walk\nfounding: yes", "== Random Walk\nfounding: no"))
    found = " | ".join(_problems(source, folder))
    assert "Random Walk is a founding term: set founding: yes" in found
    found = " | ".join(glossary.problems(source, folder, None, founding=(*FOUNDING, "Scaling")))
    assert "the founding term 'Scaling' has no entry: add one ('== Scaling')" in found


def test_a_stale_glossary_md_fails_and_make_glossary_names_it(tmp_path):
    source, folder = _course(tmp_path)
    text = (folder / "04_optimization.py").read_text()
    (folder / "04_optimization.py").write_text(
        text.replace("Then plain", f"Then [loss]({repo_url.glossary_url('loss')})")
    )
    output = tmp_path / "GLOSSARY.md"
    assert _problems(source, folder, output) == [f"{output} is not the rendering of {source}: run make glossary"]
    entries = glossary.read_source(source)
    notebooks = {n: glossary.read_notebook(p) for n, p in glossary.notebooks_by_number(folder).items()}
    output.write_text(glossary.markdown(entries, notebooks), encoding="utf-8")
    assert _problems(source, folder, output) == []


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("== Gradient\nfounding: maybe\n", "glossary.txt:2: founding: must be yes or no, not 'maybe'"),
        ("== Gradient\ntaught: 04\n", "glossary.txt:2: '04' is not a section: write NN#anchor"),
        ("== Gradient\ntaught: 04#a 05#b\n", "glossary.txt:2: taught: names exactly one section"),
        ("== Gradient\nwhere: 04#a\n", "glossary.txt:2: 'where: 04#a' is not one of the fields"),
        ("Gradient\n", "glossary.txt:1: text before the first entry: start an entry with '== Term'"),
    ],
)
def test_malformed_source_names_the_line(bad, message):
    with pytest.raises(glossary.GlossaryError, match=re.escape(message)):
        glossary.parse(bad, "docs/glossary.txt")


def test_a_definition_linking_an_unknown_entry_fails(tmp_path):
    source, folder = _course(tmp_path)
    source.write_text(source.read_text().replace("How wrong.", "How [wrong](#error)."))
    found = " | ".join(_problems(source, folder))
    assert "(Loss): links #error, which is not an entry: link one of the glossary's terms" in found


def test_an_entry_without_definition_or_example_fails(tmp_path):
    source, folder = _course(tmp_path)
    source.write_text(source.read_text().replace("example: `loss`\n\nHow wrong. Made small.\n", ""))
    found = " | ".join(_problems(source, folder))
    assert "(Loss): no definition: write the course's own definition after a blank line" in found
    assert "(Loss): no example: add 'example:' with one line of math ($...$) or code (`...`)" in found


# ---- make urls moves the notebooks' glossary links with the ref ----------------------------------------------------


def test_make_urls_moves_glossary_links_with_the_ref(tmp_path):
    path = tmp_path / "01_random_walk.py"
    text = (ROOT / "notebooks" / "01_random_walk.py").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert repo_url.glossary_url("random-walk", "main", URL) in text
    assert urls.problems(path, "main", URL) == []
    moved = urls.rewrite(path, "v0.3.0", URL)
    assert repo_url.glossary_url("random-walk", "v0.3.0", URL) in moved and "/blob/main/GLOSSARY.md" not in moved
    path.write_text(moved, encoding="utf-8")
    assert urls.problems(path, "v0.3.0", URL) == []
    stale = " | ".join(urls.problems(path, "main", URL))
    assert (
        "glossary links" in stale
        and "are not at https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md" in stale
    )


def test_command_line_check_passes_on_the_repository():
    out = subprocess.run(
        [sys.executable, "-m", "tools.glossary", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "entries, every section and notebook link resolves, GLOSSARY.md is up to date" in out.stdout
