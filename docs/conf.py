"""Sphinx configuration for the course site. Build it with `make site` (python -m tools.site_build), not
sphinx-build directly: the builder stages docs/ and the stored notebooks into build/site-src/ and writes the
generated pages first."""

from __future__ import annotations

import re
import sys
from pathlib import Path

# conf.py runs from the staged copy (build/site-src/); the checkout's root is two folders up.
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # Sphinx imports conf.py by path: make the checkout's packages importable

from tools.repo_url import github_parts, ref, repository_url  # noqa: E402

project = "mnist-course"
author = "the mnist-course authors"
copyright = "the mnist-course authors, MIT License"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx-mathjax-offline",  # serves MathJax 3 from _static/mathjax: the site typesets math with no network
]

exclude_patterns = ["_build", "_generated", "**.ipynb_checkpoints"]
master_doc = "index"

# The notebooks are rendered as stored: their outputs are the ones `make run` produced and CI checked.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "html_image"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}

repo_url = repository_url()
owner, repo = github_parts(repo_url)
course_ref = ref()  # the one ref of badges and setup cells: the launch button opens the notebook at it too

html_theme = "sphinx_book_theme"
html_title = "mnist-course"
html_static_path = ["_static"]
html_js_files = ["a11y.js"]  # the theme's search button: its accessible name holds its visible text (issue 27)
html_favicon = "_static/favicon.svg"  # declared, so browsers do not ask for a missing /favicon.ico
html_last_updated_fmt = None
html_copy_source = False
html_theme_options = {
    "repository_url": repo_url,
    "repository_branch": course_ref,
    "path_to_docs": "",  # staged notebooks sit at notebooks/NN_name.ipynb, as in the repository
    "use_repository_button": True,
    "use_download_button": False,
    "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    "show_toc_level": 2,
    "home_page_in_toc": True,
}
html_context = {
    "github_user": owner,
    "github_repo": repo,
    "github_version": course_ref,
    "doc_path": "",
    "default_mode": "auto",  # without it a first visit logs "Got invalid theme mode" to the console
}


def _literal_before_letter(app, what, name, obj, options, lines):  # noqa: ARG001 (Sphinx's event signature)
    """Let a docstring write ``assert``s: reStructuredText needs an escaped space between a literal and a letter."""
    for i, line in enumerate(lines):
        lines[i] = re.sub(r"(``[^`]+``)(?=[A-Za-z0-9])", r"\1\\ ", line)


def setup(app):
    app.connect("autodoc-process-docstring", _literal_before_letter)
