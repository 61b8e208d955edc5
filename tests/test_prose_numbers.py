"""tools.prose_numbers: every measured number in the notebooks' prose is found in the stored outputs or declared."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tools import prose_numbers as pn

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def write_notebook(folder: Path, name: str, cells: list[tuple[str, ...]]) -> Path:
    """A minimal stored notebook: ``("markdown", text)`` and ``("code", source, printed text)`` cells."""
    nb_cells = []
    for kind, source, *printed in cells:
        cell = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            outputs = [{"output_type": "stream", "name": "stdout", "text": printed[0]}] if printed else []
            cell.update(execution_count=None, outputs=outputs)
        nb_cells.append(cell)
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps({"cells": nb_cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def run(folder: Path, capsys, *argv: str) -> tuple[int, list[str]]:
    """The command line on ``folder``: its exit code and printed lines (stdout, then stderr)."""
    code = pn.main(list(argv), folder=folder)
    captured = capsys.readouterr()
    return code, captured.out.splitlines() + captured.err.splitlines()


def numbers(markdown: str) -> list[tuple[str, str]]:
    return [(n.text, n.kind) for n in pn.prose_numbers(markdown)]


def found(markdown: str, printed: str) -> bool:
    (number,) = pn.prose_numbers(markdown)
    return pn.matches(number, pn.output_numbers(printed))


# --- the eleven stored notebooks ---------------------------------------------------------------------------------


def test_the_stored_notebooks_prose_numbers_are_in_their_outputs():
    paths = pn.notebooks(NOTEBOOKS)
    assert len(paths) == 11, [p.name for p in paths]
    for path in paths:
        try:
            pn.read_notebook(path)
        except pn.NotebookError as error:
            pytest.skip(f"{error} (the check needs every notebook's stored outputs)")
    reports, problems = pn.check(NOTEBOOKS)
    assert [str(p) for p in problems] == []
    assert all(r.checked for r in reports), "every notebook's prose quotes some number"


def test_the_declarations_are_short_and_give_reasons():
    constants = pn.read_constants(NOTEBOOKS / pn.CONSTANTS_FILE)
    assert set(constants) <= {p.stem for p in pn.notebooks(NOTEBOOKS)}
    for name, entries in constants.items():
        assert len(entries) <= 12, f"{name} declares {len(entries)} constants: word or print some instead"
        assert all(len(reason.split()) >= 2 for reason in entries.values()), name


# --- an edited prose number fails, naming notebook, cell and number ---------------------------------------------


def test_editing_one_prose_number_of_a_stored_notebook_fails(tmp_path, capsys):
    name = "08_generative_networks"
    source = NOTEBOOKS / f"{name}.ipynb"
    try:
        pn.read_notebook(source)  # skips, saying why, when the stored notebook cannot be read
    except pn.NotebookError as error:
        pytest.skip(str(error))
    shutil.copy(source, tmp_path / source.name)
    constants = pn.read_constants(NOTEBOOKS / pn.CONSTANTS_FILE)
    (tmp_path / pn.CONSTANTS_FILE).write_text(json.dumps({name: constants.get(name, {})}))
    before = run(tmp_path, capsys)[1][:-1]  # empty once the notebook passes; the edit must add exactly one line

    # a measured decimal the prose quotes and the outputs print; its last digit changed is a number nothing printed
    found = pn.check_notebook(source, constants.get(name, {})).found
    number = next(n for n in found if n.kind == "decimal" and n.decimals >= 2 and n.text[-1] in "12345678")
    index = number.cell - 1
    edited = number.text[:-1] + str(int(number.text[-1]) + 1)
    nb = json.loads(source.read_text())
    text = "".join(nb["cells"][index]["source"])
    nb["cells"][index]["source"] = text.replace(number.text, edited, 1)
    (tmp_path / source.name).write_text(json.dumps(nb))
    code, lines = run(tmp_path, capsys)
    assert code == 1
    problems = [line for line in lines[:-1] if line not in before]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f'{name}.ipynb cell {index + 1}: "{edited}')
    assert edited in problems[0].split("(…", 1)[1], "the context shows the sentence"


# --- declarations -------------------------------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path) -> Path:
    write_notebook(
        tmp_path,
        "01_small",
        [
            ("markdown", "With a learning rate of 0.003 the model reached 91.2% on the validation images."),
            ("code", "train()", "epoch 1  val acc 0.9123\n"),
        ],
    )
    return tmp_path


def test_an_undeclared_constant_fails_and_a_declared_one_passes(small, capsys):
    code, lines = run(small, capsys)
    assert code == 1
    assert lines[0].startswith('01_small.ipynb cell 1: "0.003" not in the stored outputs (…With a learning rate of')
    assert len(lines) == 2, "91.2% is found: printed as 0.9123"

    (small / pn.CONSTANTS_FILE).write_text(json.dumps({"01_small": {"0.003": "the learning rate, a hyperparameter"}}))
    code, lines = run(small, capsys, "--list")
    assert code == 0, lines
    assert '01_small.ipynb cell 1: "0.003" decimal, declared (…' in lines[1]
    assert lines[-1].endswith("1 found in the stored outputs, 1 declared constants; 0 problems")


def test_stale_declarations_and_unknown_notebooks_fail(small, capsys):
    entries = {"0.003": "the learning rate", "0.5": "a momentum no longer in the prose"}
    (small / pn.CONSTANTS_FILE).write_text(json.dumps({"01_small": entries, "99_gone": {"1.0": "a scale"}}))
    code, lines = run(small, capsys)
    assert code == 1
    assert '01_small.ipynb: "0.5" is declared in prose_constants.json but not in the checked prose' in lines[1]
    assert lines[0] == "99_gone.ipynb is declared in prose_constants.json but there is no such notebook"


def test_a_declaration_without_a_reason_is_refused(small, capsys):
    (small / pn.CONSTANTS_FILE).write_text(json.dumps({"01_small": {"0.003": " "}}))
    code, lines = run(small, capsys)
    assert code == 1
    assert lines == [
        'prose numbers: prose_constants.json: "0.003" of 01_small needs a reason (why it is not a measurement)'
    ]


# --- what is a number, and what matches -------------------------------------------------------------------------


def test_kinds_of_numbers():
    assert numbers("0.9828 against 0.9870, a drop of −0.28 and 47.4% or 12 percent, 78.9× and 4x more") == [
        ("0.9828", "decimal"),
        ("0.9870", "decimal"),
        ("−0.28", "decimal"),
        ("47.4%", "percent"),
        ("12 percent", "percent"),
        ("78.9×", "times"),
        ("4x", "times"),
    ]
    assert numbers("104 errors, 105,866 parameters, 1 misread digit, trained in 21 s or 3 minutes") == [
        ("104", "count"),
        ("105,866", "count"),
        ("1", "count"),
        ("21", "time"),
        ("3", "time"),
    ]
    assert numbers("it ran 2.5× faster than the loop") == [("2.5×", "time")]


def test_sizes_settings_and_word_like_tokens_are_not_checked():
    text = (
        "784 pixels, 28×28 images, a 280×280 image, 10 classes, epoch 5, notebook 07, (LeCun, 1998), 2-D codes, "
        "L2, β₁, 10⁻³, v0.2.0, Python 3.10.4, N × 784, 1e-3, 3rd, 50,000 training images."
    )
    assert numbers(text) == []


def test_code_math_links_and_the_time_line_are_not_prose():
    markdown = """# 08 · Title

*Runs in about 1½ minutes on a 2-core CPU (last full run).*

Inline `lr=0.25` code, math $\\rho = 0.9$ and $$s = 0.43,$$ a [link](https://x.org/1.5) and https://y.org/2.5.

   <details><summary>Solution</summary>

   ```python
   print(0.125)
   ```
   ~~~
   0.375
   ~~~
   It reached 0.75 here.
   </details>
"""
    assert numbers(markdown) == [("0.75", "decimal")]


def test_thousands_separators_and_the_minus_sign_parse():
    (n,) = pn.prose_numbers("a change of −1,234.5 in the loss")
    assert (n.value, n.decimals, n.key) == (-1234.5, 1, "-1234.5")
    assert found("a change of −1,234.5 in the loss", "delta -1234.51\n")
    assert found("10,000 images", "10000 images")
    assert found("10,000 images", "10,000 images")
    assert pn.normalize("−10,000.5 %") == "-10000.5%" and pn.normalize("4 x") == "4×"


@pytest.mark.parametrize(
    ("prose", "printed", "ok"),
    [
        ("47.4%", "DCGAN  47.4%", True),
        ("47.5%", "DCGAN  47.4%", False),
        ("47.4%", "share 0.474", True),
        ("47.4%", "share 0.4743", True),
        ("47.4%", "share 0.47", False),  # too few decimals to show 47.4
        ("47%", "share 0.474", True),  # a coarser rounding of the printed number
        ("80%", "test accuracy >= 0.8: PASS", True),  # equal, printed without trailing zeros
        ("98.28%", "accuracy 0.9828", True),
        ("98.3%", "accuracy 0.9828", True),
        ("98.2%", "accuracy 0.9828", False),
        ("0.9828", "accuracy 98.28%", True),
        ("0.983", "accuracy 98.28%", True),
        ("0.9828", "accuracy 98.3%", False),
        ("−0.28", "change -0.28", True),
        ("-0.28", "change −0.281", True),
        ("0.28", "change -0.28", False),  # the sign matters
        ("−0.28", "change 0.28", False),
        ("78.9×", "speed-up 78.94x", True),
        ("4×", "ratio 3.96", True),
        ("4×", "ratio 3.4", False),
        ("104 errors", "errors: 104", True),
        ("104 errors", "errors: 105", False),
        ("0.0031", "lr 3.1e-03", True),
        ("0.0032", "lr 3.1e-03", False),
    ],
)
def test_a_number_matches_at_its_printed_rounding(prose, printed, ok):
    assert found(prose, printed) is ok


def test_a_timing_fails_even_when_the_outputs_agree(tmp_path, capsys):
    write_notebook(
        tmp_path,
        "03_timing",
        [
            ("markdown", "The loop took 21 s, and the vectorized version was 78.9× faster."),
            ("code", "t()", "21 s 78.9x"),
        ],
    )
    code, lines = run(tmp_path, capsys)
    assert code == 1
    assert [line.split(" (…")[0] for line in lines[:-1]] == [
        '03_timing.ipynb cell 1: "21" is a timing: it changes with every run and machine; refer to the printed value '
        "or print it",
        '03_timing.ipynb cell 1: "78.9×" is a timing: it changes with every run and machine; refer to the printed '
        "value or print it",
    ]


def test_only_outputs_count_not_the_source(tmp_path, capsys):
    write_notebook(
        tmp_path,
        "04_source",
        [("markdown", "The loss fell to 0.125."), ("code", "print(0.125)  # loss 0.125", "done\n")],
    )
    code, lines = run(tmp_path, capsys)
    assert code == 1 and lines[0].startswith('04_source.ipynb cell 1: "0.125" not in the stored outputs')


def test_prefixes_select_notebooks(small, capsys):
    write_notebook(small, "02_other", [("markdown", "0.5"), ("code", "x", "0.5\n")])
    code, lines = run(small, capsys, "02")
    assert code == 0 and lines == [
        "prose numbers: 1 notebooks, 1 numbers checked: 1 found in the stored outputs, 0 declared constants; 0 problems"
    ]


# --- bad input ----------------------------------------------------------------------------------------------------


def test_a_notebook_that_is_not_json_is_named_with_the_fix(small, capsys):
    (small / "02_broken.ipynb").write_text('{"cells": [')
    code, lines = run(small, capsys)
    assert code == 1
    (line,) = [x for x in lines if x.startswith("02_broken")]
    assert line.startswith("02_broken.ipynb is not valid JSON (")
    assert line.endswith("regenerate it with `make run NB=02`")


def test_a_notebook_without_outputs_is_named_with_the_fix(small, capsys):
    write_notebook(small, "03_unrun", [("markdown", "It reached 0.75."), ("code", "train()")])
    code, lines = run(small, capsys)
    assert code == 1
    assert (
        "03_unrun.ipynb has 1 code cells and no stored output, so its prose cannot be checked: run `make run "
        "NB=03` to store the outputs" in lines
    )
    with pytest.raises(pn.NotebookError, match=r"03_unrun.ipynb has 1 code cells and no stored output"):
        pn.read_notebook(small / "03_unrun.ipynb")


def test_a_file_that_is_not_a_notebook_and_a_missing_notebook_are_named(small, capsys):
    (small / "05_list.ipynb").write_text("[1, 2]")
    (small / "06_twin_only.py").write_text("# %%\n")
    code, lines = run(small, capsys)
    assert code == 1
    assert (
        "05_list.ipynb is not a Jupyter notebook (no list of cells with a cell_type): regenerate it with `make "
        "run NB=05`" in lines
    )
    assert "06_twin_only.ipynb does not exist: regenerate it with `make run NB=06`" in lines
