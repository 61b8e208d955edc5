"""Each notebook as an instructor uses it: run top to bottom, then every exercise solution as written, then every
code cell once more from last to first in the same kernel. Quick mode; errors fail, missed targets do not.

The second pass compares as well as runs: every cell tagged ``nbval-check-output`` (the cells whose output does not
depend on the machine) must print the same text as it did on the first pass, or the test fails naming the notebook,
the cell and the lines that changed. So a cell that only works because of the state the cells before it left behind
(a later cell rebinding a name it reads, a generator it shares with another cell) is caught. Text only: the stdout
and stderr streams and the ``text/plain`` of results; images are not compared.

The notebook runs are marked ``course`` (several minutes) and left out of ``make unit``; ``make rerun`` and CI run
them. The tests of the machinery itself (a synthetic notebook of three cells) are unit tests.
"""

from __future__ import annotations

import difflib
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
CHECKED = "nbval-check-output"  # the cell tag nbval compares on; this test compares the same cells on the second pass


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


def printed(cell: nbformat.NotebookNode) -> str:
    """A code cell's text output in order: its stdout and stderr streams and the text/plain of its results and
    displays. Outputs that carry an image (figures) are left out: only text is compared."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(
                out.text if out.name == "stdout" else "".join(f"[stderr] {line}" for line in out.text.splitlines(True))
            )
        elif out.output_type in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "text/plain" in data and not any(kind.startswith("image/") for kind in data):
                parts.append(data["text/plain"] + "\n")
    return "".join(parts)


def _name(number: int, source: str) -> str:
    return f"code cell {number} ({source.strip().splitlines()[0][:60]!r})"


def _lecture_notebook(py: Path) -> tuple[nbformat.NotebookNode, list[str], list[tuple[int, int]]]:
    """The notebook, then its solutions, then its code cells again from last to first; a label per cell; and for
    every cell tagged nbval-check-output, the positions of its first run and of its second."""
    nb = jupytext.read(py)
    numbered = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    labels = [f"cell {i + 1} (first run)" for i in range(len(nb.cells))]
    for number, (i, c) in enumerate(numbered, start=1):
        labels[i] = f"{_name(number, c.source)} (first run)"
    extra = []
    for c in nb.cells:
        if c.cell_type == "markdown":
            for block in solutions(c.source):
                extra.append(nbformat.v4.new_code_cell(block))
                labels.append(f"exercise solution {len(extra)} ({block.splitlines()[0][:60]!r})")
    checked = []
    for number, (i, c) in reversed(list(enumerate(numbered, start=1))):
        if CHECKED in c.metadata.get("tags", []):
            checked.append((i, len(nb.cells) + len(extra)))
        extra.append(nbformat.v4.new_code_cell(c.source))
        labels.append(f"{_name(number, c.source)} run again, last to first")
    nb.cells = nb.cells + extra
    return nb, labels, checked


def changed_outputs(nb: nbformat.NotebookNode, labels: list[str], checked: list[tuple[int, int]]) -> list[str]:
    """One message per checked cell whose second run printed other text than its first, with the changed lines."""
    messages = []
    for first, again in checked:
        before, after = printed(nb.cells[first]), printed(nb.cells[again])
        if before != after:
            diff = difflib.unified_diff(
                before.splitlines(), after.splitlines(), "first run", "run again", lineterm="", n=1
            )
            name = labels[again].removesuffix(" run again, last to first")
            messages.append(
                f"{name} is tagged {CHECKED} but printed something else when run again:\n"
                + textwrap.indent("\n".join(list(diff)[:40]), "    ")
            )
    return messages


def lecture_run(py: Path) -> list[str]:
    """Run ``py`` as an instructor would (top to bottom, its solutions, every code cell again from last to first)
    in one kernel. Returns what went wrong: the cell that raised, or every checked cell whose output changed."""
    nb, labels, checked = _lecture_notebook(py)
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
        return [f"{where} failed: {last}"]
    return changed_outputs(nb, labels, checked)


@pytest.mark.course
@pytest.mark.parametrize("py", TWINS, ids=lambda p: p.stem)
def test_solutions_run_and_every_cell_runs_again_with_the_same_checked_output(py, monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_COURSE_QUICK", "1")
    monkeypatch.setenv("MNIST_COURSE_STRICT", "1")
    monkeypatch.setenv("MNIST_COURSE_PROGRESS", "0")
    monkeypatch.setenv("MNIST_COURSE_NOTEBOOK", py.stem)
    monkeypatch.setenv("MNIST_COURSE_RESULTS", str(tmp_path / "results.jsonl"))
    problems = lecture_run(py)
    if problems:
        pytest.fail("\n".join(f"{py.stem}: {p}" for p in problems), pytrace=False)


SYNTHETIC = """\
# %%
state = {"runs": 0}

# %% tags=["nbval-check-output"]
print("the same every time:", min(state["runs"], 0))

# %% tags=["nbval-check-output"]
print("a fixed line")
print("the counter reads", state["runs"])

# %%
state["runs"] += 1
print("an untagged cell may print anything:", state["runs"])
"""


def test_a_checked_cell_that_prints_something_else_the_second_time_fails(tmp_path):
    """Only the tagged cell whose text changes fails; the stable tagged cell and the untagged one do not."""
    py = tmp_path / "99_synthetic.py"
    py.write_text(SYNTHETIC)
    nb, labels, checked = _lecture_notebook(py)
    assert [labels[again] for _, again in checked] == [
        "code cell 3 ('print(\"a fixed line\")') run again, last to first",
        'code cell 2 (\'print("the same every time:", min(state["runs"], 0))\') run again, last to first',
    ]
    problems = lecture_run(py)
    assert len(problems) == 1, problems
    assert problems[0].startswith("code cell 3 ('print(\"a fixed line\")') is tagged nbval-check-output")
    assert "-the counter reads 0" in problems[0] and "+the counter reads 2" in problems[0]


def test_only_text_is_compared():
    figure = nbformat.v4.new_output("display_data", data={"image/png": "AAAA", "text/plain": "<Figure>"})
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "(1, 2)"}, execution_count=1)
    stderr = nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n")
    stdout = nbformat.v4.new_output("stream", name="stdout", text="hi\n")
    cell = nbformat.v4.new_code_cell("plot()", outputs=[stdout, figure, result, stderr])
    assert printed(cell) == "hi\n(1, 2)\n[stderr] UserWarning: careful\n"
