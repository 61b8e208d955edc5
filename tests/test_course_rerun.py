"""Each notebook as an instructor uses it: run top to bottom, then every exercise solution as written, then every
code cell once more from last to first in the same kernel. Quick mode; errors fail, missed targets do not.

These run the whole course (several minutes), so they are marked ``course`` and left out of ``make unit``;
``make rerun`` and CI run them.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
TWINS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
SOLUTION = re.compile(r"<details>.*?^([ \t]*)```python[ \t]*\n(.*?)^[ \t]*```", re.DOTALL | re.MULTILINE)

pytestmark = pytest.mark.course


def solutions(markdown: str) -> list[str]:
    """The code of every hidden solution (a ```python block inside <details>) in one markdown cell, dedented."""
    blocks = []
    for indent, code in SOLUTION.findall(markdown):
        lines = [line[len(indent) :] if line.startswith(indent) else line for line in code.splitlines()]
        blocks.append(textwrap.dedent("\n".join(lines)).strip())
    return [b for b in blocks if b]


def test_solutions_are_found_in_a_numbered_list():
    md = "1. Do it.\n\n   <details><summary>Solution</summary>\n\n   ```python\n   x = 1\n   if x:\n       y = 2\n   ```\n   </details>\n"
    assert solutions(md) == ["x = 1\nif x:\n    y = 2"]


def _lecture_notebook(py: Path) -> tuple[nbformat.NotebookNode, list[str]]:
    """The notebook, then its solutions, then its code cells again from last to first; and a label per cell."""
    nb = jupytext.read(py)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    labels = [f"cell {i + 1} (first run)" for i in range(len(nb.cells))]
    extra = []
    for c in nb.cells:
        if c.cell_type == "markdown":
            for block in solutions(c.source):
                extra.append(nbformat.v4.new_code_cell(block))
                labels.append(f"exercise solution {len(extra)} ({block.splitlines()[0][:60]!r})")
    for i, c in reversed(list(enumerate(code))):
        extra.append(nbformat.v4.new_code_cell(c.source))
        labels.append(f"code cell {i + 1} run again, last to first ({c.source.strip().splitlines()[0][:60]!r})")
    nb.cells = nb.cells + extra
    return nb, labels


@pytest.mark.parametrize("py", TWINS, ids=lambda p: p.stem)
def test_solutions_run_and_every_cell_runs_again(py, monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_COURSE_QUICK", "1")
    monkeypatch.setenv("MNIST_COURSE_STRICT", "1")
    monkeypatch.setenv("MNIST_COURSE_PROGRESS", "0")
    monkeypatch.setenv("MNIST_COURSE_NOTEBOOK", py.stem)
    monkeypatch.setenv("MNIST_COURSE_RESULTS", str(tmp_path / "results.jsonl"))
    nb, labels = _lecture_notebook(py)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(py.parent)}})
    try:
        client.execute()
    except CellExecutionError as e:
        failed = next(
            (i for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error" for o in c.get("outputs", []))),
            None,
        )
        where = labels[failed] if failed is not None else "an unknown cell"
        last = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        pytest.fail(f"{py.stem}: {where} failed: {last}", pytrace=False)
