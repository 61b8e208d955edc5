"""The stored notebooks as students and CI meet them: paired with their py:percent twins, executed in one
clean run, and laid out as CONTRIBUTING.md says."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TWINS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
STORED = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
MACHINE_PATH = re.compile(r"(/root/|/home/\w+|/tmp/|/Users/\w+|site-packages|/work/|[A-Z]:\\\\Users)")
MAX_BYTES = 2 * 1024 * 1024


def _cells(nb, kind):
    return [c for c in nb.cells if c.cell_type == kind]


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return output.get("data", {}).get("text/plain", "") if "data" in output else output.get("evalue", "")


def test_every_notebook_has_both_files():
    assert {p.stem for p in TWINS} == {p.stem for p in STORED}, "each NN_name.py needs its NN_name.ipynb (make run)"


@pytest.mark.parametrize("py", TWINS, ids=lambda p: p.stem)
def test_twin_and_notebook_have_not_drifted(py):
    ipynb = py.with_suffix(".ipynb")
    a, b = jupytext.read(py), nbformat.read(ipynb, as_version=4)
    pairs = list(zip([c.cell_type for c in a.cells], [c.cell_type for c in b.cells]))
    assert len(a.cells) == len(b.cells), (
        f"{py.name} has {len(a.cells)} cells, {ipynb.name} {len(b.cells)}: run make run"
    )
    for i, (x, y) in enumerate(zip(a.cells, b.cells)):
        assert pairs[i][0] == pairs[i][1] and x.source.strip() == y.source.strip(), (
            f"cell {i + 1} of {ipynb.name} differs from {py.name}: edit the .py and run make run"
        )


@pytest.mark.parametrize("ipynb", STORED, ids=lambda p: p.stem)
def test_stored_outputs_come_from_one_clean_full_run(ipynb):
    assert ipynb.stat().st_size < MAX_BYTES, f"{ipynb.name} is over 2 MB: use fewer or smaller figures"
    nb = nbformat.read(ipynb, as_version=4)
    counts = [c.execution_count for c in _cells(nb, "code") if c.source.strip()]
    assert counts == list(range(1, len(counts) + 1)), f"{ipynb.name}: execution counts {counts} are not one clean run"
    for i, cell in enumerate(_cells(nb, "code"), 1):
        for out in cell.outputs:
            assert out.output_type != "error", f"{ipynb.name} code cell {i} stores an error"
            assert "image/svg+xml" not in out.get("data", {}), f"{ipynb.name} code cell {i}: SVG figure, use PNG"
            assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {}), f"code cell {i}: a widget"
            text = _text(out)
            assert not MACHINE_PATH.search(text), f"{ipynb.name} code cell {i} prints a machine path"
            assert "quick mode" not in text, f"{ipynb.name} code cell {i}: outputs from a quick run"
            if out.output_type == "execute_result":
                assert text.strip() not in ("True", "False"), f"{ipynb.name} code cell {i} shows a bare {text.strip()}"
            assert not (out.output_type == "stream" and out.name == "stderr" and "Warning" in text), (
                f"{ipynb.name} code cell {i} prints a warning: {text[:200]}"
            )


@pytest.mark.parametrize("py", TWINS, ids=lambda p: p.stem)
def test_notebook_layout(py):
    nb = jupytext.read(py)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and re.match(rf"# {py.stem[:2]} · \S", first.source), "title '# NN · Topic'"
    assert "colab.research.google.com/assets/colab-badge" in first.source, "Open in Colab badge in the first cell"
    assert "you will learn" in first.source.lower()
    code = [c.source for c in _cells(nb, "code")]
    assert '"google.colab" in sys.modules' in code[0], "the first code cell is the Colab setup cell"
    assert "get_ipython().system(" in code[0] and "--no-deps" in code[0] and "subprocess" not in code[0], (
        "the setup cell installs with a visible `get_ipython().system('pip install --no-deps ...')`"
    )
    assert not any(line.startswith(("import torch", "from mnist_course")) for line in code[0].splitlines())
    assert "seed_everything(" in code[1] and "device()" in code[1], "the imports cell seeds and picks the device"
    tagged = [c for c in _cells(nb, "code") if "nbval-check-output" in c.metadata.get("tags", [])]
    assert tagged, "no cell is checked by nbval: tag machine-independent cells nbval-check-output"
    assert not any("NBVAL_" in c for c in code), "nbval markers go in cell tags, not in comments students read"
    markdown = "\n".join(c.source for c in _cells(nb, "markdown"))
    assert "## Summary" in markdown and "## Exercises" in markdown
    exercises = markdown.split("## Exercises", 1)[1].split("## Questionnaire", 1)[0]
    solutions = exercises.count("<summary>Solution")
    assert 3 <= solutions <= 5, "3–5 exercises with hidden solutions"
    assert exercises.count("<details>") == exercises.count("</details>"), "every <details> block is closed"
