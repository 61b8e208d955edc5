"""Issue 26: every notebook ends with a ``## Questionnaire``, 8 to 12 numbered questions that test the ideas, each
with exactly one collapsed answer (``<details><summary>Answer</summary>`` ... ``</details>``, indented under its
list item like the exercises' solutions), so that it works in Jupyter, Colab, on GitHub and on the static site
without a server. The section is the notebook's last cell and nothing follows it. Reads the ``.py`` twins (the
files contributors edit); ``tests/test_notebooks.py`` keeps the ``.ipynb`` in step with them.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
TWINS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))

HEADING = re.compile(r"^## Questionnaire\s*$", re.MULTILINE)
ITEM = re.compile(r"^(\d+)\. ", re.MULTILINE)
OPEN = "<details><summary>Answer</summary>"
CLOSE = "</details>"
FEWEST, MOST = 8, 12


def questionnaire_problems(nb) -> list[str]:
    """What is wrong with a notebook's questionnaire, one sentence each (empty when it is right)."""
    cells = [c for c in nb.cells if c.cell_type == "markdown" and HEADING.search(c.source)]
    if len(cells) != 1:
        return [f"expected one '## Questionnaire' heading in a markdown cell, found {len(cells)}"]
    cell = cells[0]
    problems = []
    if nb.cells[-1] is not cell:
        problems.append("the '## Questionnaire' cell is not the last cell: move it after everything else")
    section = cell.source[HEADING.search(cell.source).start() :]
    later = re.compile(r"^#{1,2} .*$", re.MULTILINE).search(section, len("## Questionnaire"))
    if later:
        problems.append(f"the questionnaire is not the last section: {later.group(0)!r} follows it in the same cell")
        section = section[: later.start()]
    starts = list(ITEM.finditer(section))
    numbers = [int(m.group(1)) for m in starts]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"the questions are numbered {numbers}, not 1, 2, 3, ...")
    if not FEWEST <= len(numbers) <= MOST:
        problems.append(f"{len(numbers)} questions: write {FEWEST} to {MOST}")
    for k, match in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(section)
        item = section[match.start() : end]
        problems += [f"question {match.group(1)}: {p}" for p in _item_problems(item, len(match.group(0)))]
    return problems


def _item_problems(item: str, indent: int) -> list[str]:
    """The problems of one numbered item: its question, its one collapsed answer, and the answer's indentation."""
    problems = []
    question = item.split(OPEN, 1)[0].split(" ", 1)[1].strip() if " " in item else ""
    if not question:
        problems.append("the question is empty")
    if item.count(OPEN) != 1 or item.count(CLOSE) != 1 or item.count("<details") != 1:
        problems.append(
            f"needs exactly one collapsed answer, {OPEN} ... {CLOSE}; found {item.count('<details')} <details> "
            f"and {item.count(CLOSE)} {CLOSE}"
        )
        return problems
    if item.index(OPEN) > item.index(CLOSE):
        problems.append(f"{CLOSE} comes before {OPEN}")
        return problems
    answer = item.split(OPEN, 1)[1].split(CLOSE, 1)[0]
    if not re.sub(r"<[^>]*>", "", answer).strip():
        problems.append("the answer is empty")
    if item.split(CLOSE, 1)[1].strip():
        problems.append(f"text after {CLOSE}, outside the collapsed answer: put it inside or into the next item")
    shallow = [line for line in item.splitlines()[1:] if line.strip() and len(line) - len(line.lstrip()) < indent]
    if shallow:
        problems.append(
            f"not indented under its list item (by {indent} spaces, like the exercises' solutions): {shallow[0]!r}"
        )
    return problems


@pytest.mark.parametrize("py", TWINS, ids=lambda p: p.stem)
def test_every_notebook_ends_with_a_questionnaire(py):
    problems = questionnaire_problems(jupytext.read(py))
    assert not problems, f"{py.name}: " + "; ".join(problems)


def test_every_notebook_has_a_twin_to_check():
    assert len(TWINS) == 11, [p.name for p in TWINS]


# ------------------------------------------------------------------------------------------ the check itself


def _questionnaire(n: int = 8, answer: str = "Because the loss is convex.") -> str:
    items = []
    for k in range(1, n + 1):
        pad = " " * len(f"{k}. ")  # 3 spaces under "1. ", 4 under "10. "
        body = f"\n\n{pad}{answer}" if answer else ""
        items.append(f"{k}. Why does it work?\n\n{pad}{OPEN}{body}\n{pad}{CLOSE}")
    return "## Questionnaire\n\nAnswer in your own words first, then open the answer.\n\n" + "\n\n".join(items) + "\n"


def _notebook(*sources: str):
    cells = [new_markdown_cell("# 01 · Topic"), new_code_cell("x = 1")]
    return new_notebook(cells=cells + [new_markdown_cell(s) for s in sources])


def test_a_good_questionnaire_passes():
    assert questionnaire_problems(_notebook("## Exercises\n\n1. Do it.", _questionnaire(8))) == []
    assert questionnaire_problems(_notebook(_questionnaire(12))) == []


def test_a_missing_or_doubled_questionnaire_fails():
    assert questionnaire_problems(_notebook("## Exercises")) == [
        "expected one '## Questionnaire' heading in a markdown cell, found 0"
    ]
    assert "found 2" in questionnaire_problems(_notebook(_questionnaire(), _questionnaire()))[0]


def test_a_questionnaire_that_is_not_last_fails():
    problems = questionnaire_problems(_notebook(_questionnaire(), "## Exercises"))
    assert problems == ["the '## Questionnaire' cell is not the last cell: move it after everything else"]
    problems = questionnaire_problems(_notebook(_questionnaire() + "\n## Exercises\n"))
    assert problems == ["the questionnaire is not the last section: '## Exercises' follows it in the same cell"]


@pytest.mark.parametrize("n", [7, 13])
def test_too_few_or_too_many_questions_fail(n):
    assert questionnaire_problems(_notebook(_questionnaire(n))) == [f"{n} questions: write 8 to 12"]


def test_a_gap_in_the_numbering_fails():
    text = _questionnaire(9).replace("\n5. Why", "\n6. Why", 1)
    assert any("numbered [1, 2, 3, 4, 6, 6" in p for p in questionnaire_problems(_notebook(text)))


def test_an_empty_answer_fails_naming_the_question():
    problems = questionnaire_problems(_notebook(_questionnaire(8, answer="")))
    assert problems[0] == "question 1: the answer is empty" and len(problems) == 8


def test_two_answers_or_none_fail():
    text = _questionnaire(8)
    doubled = text.replace(f"{CLOSE}\n\n2.", f"{CLOSE}\n   {OPEN}\n\n   More.\n   {CLOSE}\n\n2.", 1)
    assert questionnaire_problems(_notebook(doubled))[0].startswith("question 1: needs exactly one collapsed answer")
    bare = text.replace(f"   {OPEN}\n\n   Because the loss is convex.\n   {CLOSE}\n\n2.", "   Because.\n\n2.", 1)
    assert questionnaire_problems(_notebook(bare))[0].startswith("question 1: needs exactly one collapsed answer")


def test_a_solution_block_is_not_an_answer():
    text = _questionnaire(8).replace(OPEN, "<details><summary>Solution</summary>", 1)
    assert questionnaire_problems(_notebook(text))[0].startswith("question 1: needs exactly one collapsed answer")


def test_an_answer_not_indented_under_its_item_fails():
    text = _questionnaire(8).replace(f"   {OPEN}", OPEN, 1)
    assert questionnaire_problems(_notebook(text)) == [
        f"question 1: not indented under its list item (by 3 spaces, like the exercises' solutions): '{OPEN}'"
    ]


def test_text_after_the_answer_fails():
    text = _questionnaire(8).replace(f"{CLOSE}\n\n2.", f"{CLOSE}\n   And more.\n\n2.", 1)
    assert questionnaire_problems(_notebook(text))[0].startswith("question 1: text after </details>")
