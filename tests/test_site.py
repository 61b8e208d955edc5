"""The site builder's pure parts (tools/site_build.py); the browser test of the built site is `make site-test`."""

from __future__ import annotations

import json
from pathlib import Path

from tools import site_build
from tools.ledger import FORMAT, Ledger, Row

ROOT = Path(__file__).resolve().parent.parent

ROW_DICTS = [
    {"notebook": "01_random_walk", "metric": "acc", "value": 0.83, "target": 0.75, "passed": True, "seconds": 13.3},
    {"notebook": "01_random_walk", "metric": "best", "value": 0.84, "target": 0.8, "passed": True, "seconds": 13.3},
    {
        "notebook": "07_autoencoders",
        "metric": "mse ratio",
        "value": 1.0,
        "target": 1.02,
        "higher_is_better": False,
        "passed": False,
        "seconds": 63.3,
    },
]
ROWS = [Row.from_dict(r) for r in ROW_DICTS]


def test_colab_and_pages_urls_come_from_the_repository_url():
    url = "https://github.com/Some-Org/some-repo"
    assert site_build.colab_url(url, "05_linear_classifier") == (
        "https://colab.research.google.com/github/Some-Org/some-repo/blob/main/notebooks/05_linear_classifier.ipynb"
    )
    assert site_build.pages_url(url) == "https://some-org.github.io/some-repo/"


def test_readme_links_the_published_site():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert site_build.pages_url(site_build.repository_url()) in readme


def test_results_json_list_and_ledger(tmp_path):
    (tmp_path / "results.json").write_text(json.dumps(ROW_DICTS))  # format 1: a bare list of rows
    rows, source = site_build.load_results(tmp_path, tmp_path / "no-readme.md")
    assert rows == ROWS and "results.json" in source
    # The ledger (format 2) merges runs: every notebook keeps its rows from the run that last produced them, so
    # rows from several runs all count; quick rows do not.
    marked = [Row.from_dict(dict(r, run="2026-01-01T00:00:00Z")) for r in ROW_DICTS[:2]]
    marked += [Row.from_dict(dict(ROW_DICTS[2], run="2026-02-01T00:00:00Z"))]
    quick = Row.from_dict(dict(ROW_DICTS[0], metric="smoke", quick=True))
    Ledger(marked + [quick]).write(tmp_path / "results.json")
    assert [r.metric for r in site_build.load_results(tmp_path, tmp_path / "x")[0]] == ["acc", "best", "mse ratio"]
    # A file the ledger cannot read falls back to the README (here: none).
    (tmp_path / "results.json").write_text(json.dumps({"format": FORMAT + 1, "rows": []}))
    assert site_build.load_results(tmp_path, tmp_path / "x") == ([], "")


def test_results_table_and_minutes():
    text = site_build.results_markdown(ROWS, "a test")
    assert "| 01 | acc | 0.83 | ≥ 0.75 | yes | 13.3 |" in text
    assert "| 01 | best | 0.84 | ≥ 0.8 | yes |  |" in text  # seconds once per notebook
    assert "| 07 | mse ratio | 1 | ≤ 1.02 | NO | 63.3 |" in text
    assert "**77**" in text
    assert Ledger(ROWS).seconds() == {"01_random_walk": 13.3, "07_autoencoders": 63.3}
    assert "Not yet measured" in site_build.results_markdown([], "")


def test_results_fall_back_to_the_readme_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "<!-- results:start -->\nintro\n\n| notebook | metric | value | target | pass | seconds |\n|---|---|---:|---:|---|---:|\n"
        "| 01_random_walk | acc | 0.83 | ≥ 0.75 | yes | 13.3 |\n| 01_random_walk | best | 0.84 | ≥ 0.8 | yes |  |\n"
        "| 07_autoencoders | mse ratio | 1 | ≤ 1.02 | NO | 63.3 |\n| **total** | | | | | **77** |\n<!-- results:end -->\n"
    )
    rows, source = site_build.load_results(tmp_path, readme)
    assert "README" in source
    assert [(r.notebook, r.value, r.target, r.passed, r.seconds) for r in rows] == [
        ("01_random_walk", 0.83, 0.75, True, 13.3),
        ("01_random_walk", 0.84, 0.8, True, 13.3),
        ("07_autoencoders", 1.0, 1.02, False, 63.3),
    ]
    assert rows[2].higher_is_better is False
    assert site_build.load_results(tmp_path / "none", tmp_path / "none.md") == ([], "")


def test_course_table_lists_every_notebook_in_order_with_minutes():
    names = site_build.notebook_names()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = site_build.course_markdown(names, ROWS, readme)
    lines = [line for line in text.splitlines() if line.startswith("| ") and line[2:4].isdigit()]
    assert [line[2:4] for line in lines] == [n[:2] for n in names]
    assert "| 0.2 |" in lines[0]  # 13.3 s
    assert all(f"</notebooks/{n}>" in line for n, line in zip(names, lines))


def test_badge_image_is_local_and_link_unchanged():
    nb = (ROOT / "notebooks" / "01_random_walk.py").read_text(encoding="utf-8")
    out = site_build.localize_badge(nb)
    assert site_build.BADGE_IMAGE not in out and site_build.LOCAL_BADGE in out
    assert site_build.colab_url(site_build.repository_url(), "01_random_walk") in out
    assert (ROOT / "docs" / "_static" / "colab-badge.svg").exists()


def test_site_colab_links_match_the_notebooks_badges():
    from tools.repo_url import expected  # what every notebook's badge must point at

    for name in site_build.notebook_names():
        assert site_build.colab_url(site_build.repository_url(), name) == expected(name)[0]


def test_landing_page_commands_are_the_readmes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = site_build.commands_markdown(readme)
    assert "make run" in block and "make test" in block and block.startswith("```bash")


def test_results_of_several_runs_come_back_from_the_readme_the_ledger_wrote(tmp_path):
    """A clean clone has no build/: the site reads README's block, which has a run column when runs differ."""
    from tools import readme_results

    first = [Row.from_dict(dict(r, run="2026-01-01T00:00:00Z")) for r in ROW_DICTS[:2]]
    later = [Row.from_dict(dict(ROW_DICTS[2], run="2026-02-01T00:00:00Z"))]
    ledger = Ledger(first).merge(Ledger(later))
    assert ledger.mixed_runs()
    readme = tmp_path / "README.md"
    readme.write_text(
        readme_results.fill("<!-- results:start -->\n<!-- results:end -->\n", "results", ledger.markdown_table())
    )
    rows, source = site_build.load_results(tmp_path / "no-build", readme)
    assert "README" in source
    assert [(r.notebook, r.metric, r.value, r.target, r.passed, r.seconds) for r in rows] == [
        (r.notebook, r.metric, r.value, r.target, r.passed, r.seconds) for r in ledger.rows
    ]


def test_course_table_takes_what_it_teaches_without_the_time_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    info = site_build._readme_course(readme)
    assert set(info) == set(site_build.notebook_names())
    assert all("|" not in line and " min" not in line for _, line in info.values())
