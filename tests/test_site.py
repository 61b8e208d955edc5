"""The site builder's pure parts (tools/site_build.py); the browser test of the built site is `make site-test`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools import repo_url, site_build
from tools.ledger import Ledger, Machine, Row

ROOT = Path(__file__).resolve().parent.parent
RUN_A, RUN_B = "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"
MACHINE = Machine("Example CPU @ 2.20GHz", 2, 2, "cpu", "3.11.7", "2.14.1", RUN_A)
ROWS = [
    Row("01_random_walk", "acc", 0.83, 0.75, True, True, False, 13.3, RUN_A),
    Row("01_random_walk", "best", 0.84, 0.8, True, True, False, 13.3, RUN_A),
    Row("07_autoencoders", "mse ratio", 1.0, 1.02, False, False, False, 63.3, RUN_A),
]
LEDGER = Ledger(ROWS, [], {RUN_A: MACHINE})


def test_colab_and_pages_urls_come_from_the_repository_url():
    url = "https://github.com/Some-Org/some-repo"
    ref = repo_url.ref()
    assert repo_url.colab_url("05_linear_classifier", url=url) == (
        f"https://colab.research.google.com/github/Some-Org/some-repo/blob/{ref}/notebooks/05_linear_classifier.ipynb"
    )
    assert repo_url.pages_url(url) == "https://some-org.github.io/some-repo/"


def test_readme_links_the_published_site():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert repo_url.pages_url() in readme


def test_results_come_from_the_committed_ledger_only(tmp_path):
    assert site_build.load_results(tmp_path) is None  # no ledger yet
    assert "Not yet measured" in site_build.results_markdown(None)
    LEDGER.write(tmp_path / "results.json")
    assert site_build.load_results(tmp_path) == LEDGER
    # A ledger of an older format is an error naming the file and the fix, never a quiet "not yet measured".
    (tmp_path / "results.json").write_text(json.dumps([{"notebook": "01_random_walk", "metric": "acc"}]))
    with pytest.raises(ValueError, match=r"results\.json is a ledger of format 1.*`make run`"):
        site_build.load_results(tmp_path)


def test_the_results_page_is_the_ledgers_own_table_by_number():
    text = site_build.results_markdown(LEDGER)
    assert text == LEDGER.markdown_table(numbers=True) + "\n"  # one renderer for README and site
    assert text.startswith("From the last full `make run` (2026-01-01 00:00 UTC) on a 2-core Example CPU @ 2.20GHz")
    assert "| 01 | acc | 0.83 | ≥ 0.75 | yes | 13.3 |" in text
    assert "| 01 | best | 0.84 | ≥ 0.8 | yes |  |" in text  # seconds once per notebook
    assert "| 07 | mse ratio | 1 | ≤ 1.02 | NO | 63.3 |" in text and "**77**" in text


def test_results_of_several_runs_and_machines_say_so(tmp_path):
    later = Ledger([Row("07_autoencoders", "mse ratio", 0.9, 1.02, False, True, False, 50.0, RUN_B)])
    later.machines[RUN_B] = Machine("Other CPU", 16, 16, "cuda", "3.12.1", "2.5.0", RUN_B)
    merged = LEDGER.merge(later)
    merged.write(tmp_path / "results.json")
    text = site_build.results_markdown(site_build.load_results(tmp_path))
    assert "| # | metric | value | target | pass | seconds | run |" in text
    assert "| 07 | mse ratio | 0.9 | ≤ 1.02 | yes | 50.0 | 2026-02-01 00:00 UTC |" in text
    assert "on 2 different machines, whose seconds do not compare" in text and "16-core Other CPU (GPU: cuda)" in text


def test_course_table_lists_every_notebook_in_order_with_its_time():
    names = site_build.notebook_names()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = site_build.course_markdown(names, LEDGER, readme)
    assert text.startswith("| # | Notebook | What it teaches | Deck | Time on a 2-core CPU |\n|---|---|---|---|---:|\n")
    lines = [line for line in text.splitlines() if line.startswith("| ") and line[2:4].isdigit()]
    assert [line[2:4] for line in lines] == [n[:2] for n in names]
    assert lines[0].endswith("| under ½ min |")  # 13.3 s, phrased as in README's time column
    assert lines[6].endswith("| under 1½ min |") and lines[1].endswith("| not yet measured |")
    assert all(f"</notebooks/{n}>" in line for n, line in zip(names, lines))
    assert all(f'<a href="slides/{n}.slides.html">slides</a>' in line for n, line in zip(names, lines))
    assert "1.3 minutes in all, on a 2-core Example CPU @ 2.20GHz (no GPU)" in text
    empty = site_build.course_markdown(names, None, readme)
    assert "| Time |" in empty and "in all" not in empty


def test_badge_image_is_local_and_link_unchanged():
    nb = (ROOT / "notebooks" / "01_random_walk.py").read_text(encoding="utf-8")
    out = site_build.localize_badge(nb)
    assert site_build.BADGE_IMAGE not in out and site_build.LOCAL_BADGE in out
    assert repo_url.colab_url("01_random_walk") in out
    assert (ROOT / "docs" / "_static" / "colab-badge.svg").exists()


def test_site_colab_links_match_the_notebooks_badges():
    # The site's links and every notebook's badge open the same ref that the setup cells install.
    for name in site_build.notebook_names():
        stored = (ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")
        assert repo_url.colab_url(name) in site_build.localize_badge(stored)  # the page keeps the badge's link
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    assert '"repository_branch": course_ref' in conf and '"github_version": course_ref' in conf


def test_landing_page_commands_are_the_readmes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = site_build.commands_markdown(readme)
    assert "make run" in block and "make test" in block and block.startswith("```bash")


def test_course_table_takes_what_it_teaches_without_the_time_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    info = site_build._readme_course(readme)
    assert set(info) == set(site_build.notebook_names())
    assert all("|" not in line and " min" not in line for _, line in info.values())


def test_notebook_glossary_links_become_links_to_the_sites_glossary_page():
    """Issue 26: a notebook links a term with its GLOSSARY.md address on GitHub (it must work in Colab); the staged
    copy turns it into a {term} reference, so that on the site the link stays on the site."""
    link = repo_url.glossary_url("random-walk")
    nb = {
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": ["# 01 · Random Walk\n", "A **[random\n", f"walk]({link})** is\n"],
            },
            {
                "cell_type": "code",
                "metadata": {},
                "source": [f"# [not]({link})\n"],
                "outputs": [],
                "execution_count": 1,
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    staged = json.loads(site_build.glossary_terms_on_site(json.dumps(nb), {"random-walk": "Random Walk"}))
    assert "".join(staged["cells"][0]["source"]) == "# 01 · Random Walk\nA **{term}`random walk <Random Walk>`** is\n"
    assert staged["cells"][1] == nb["cells"][1]  # code is left alone
    plain = json.dumps({**nb, "cells": nb["cells"][:0]})
    assert site_build.glossary_terms_on_site(plain, {}) == plain  # no glossary link: the same bytes
    with pytest.raises(ValueError, match="#random-walk, which does not exist"):
        site_build.glossary_terms_on_site(json.dumps(nb), {})


def test_site_glossary_page_comes_from_the_glossary_source():
    names = site_build.notebook_names()
    page = site_build.glossary_markdown(names)
    assert page.startswith("# Glossary\n") and "```{glossary}" in page
    for term in ("Random Walk", "Slicing and Indexing", "Gradient"):
        assert f"\n{term}\n  " in page
