"""Every measured number in the notebooks' prose against the notebook's stored outputs.

    python -m tools.prose_numbers            # check all notebooks; exit 1 listing each problem
    python -m tools.prose_numbers 08 11      # only the notebooks whose names start with 08 or 11
    python -m tools.prose_numbers --list     # also print every checked number and how it passed

A number a markdown cell quotes from a run (an accuracy, a loss, a share, a count of errors) must be found in that
notebook's stored outputs at the rounding the prose prints, or be declared in ``notebooks/prose_constants.json`` as
a constant that is not a measurement (a hyperparameter, a size, a target, a published figure), with the reason.
Otherwise the prose and the outputs can drift apart silently when a notebook is re-run. Problems read::

    08_generative_networks.ipynb cell 84: "47.5%" not in the stored outputs (…more often (47.5% against 30.7%)…)

Cells are counted from 1 over all cells of the ``.ipynb`` (the ``.py`` twin has the same cells in the same order),
as ``tests/test_notebooks.py`` counts them.

**What is prose.** Every markdown cell, including the exercise solutions hidden in ``<details>`` blocks. Not
prose: fenced code blocks (```` ``` ```` or ``~~~``, indented or not) and inline ``code`` spans, since code is
code; link targets, bare URLs and HTML tags; the title cell's "*Runs in about N minutes ... (last full run).*"
line, which ``tools.headers`` writes and checks; and LaTeX math, ``$...$`` and ``$$...$$``. In these notebooks math
holds formulae and the constants that go into them (``\\rho = 0.9``, ``4 \\cdot 10^{-3}``, ``\\ln 2 \\approx
0.69``), never a number read off a run, so it is skipped; a measured number belongs in the sentence, outside the
dollars, where this check sees it.

**What is a measured number.** A word-like token is never one (``2-D``, ``L2``, ``β₁``, ``10⁻³``, ``v0.2.0``,
``28×28``). Of the rest, these are checked:

- a decimal: ``0.9828``, ``2.4``, ``−0.28``;
- a percentage: ``47.4%``, ``98 %``, ``12 percent``;
- a multiplier: ``78.9×``, ``4×`` (a ``×`` followed by another number is a shape, ``28×28``, and is not checked);
- an integer counting something a run produces, i.e. followed by one of :data:`COUNT_WORDS` ("104 errors",
  "105,866 parameters") or by a unit of time (``21 s``, ``3 minutes``).

Any other integer (784 pixels, 10 classes, epoch 5, notebook 07, the year 2013) is not checked: it is almost
always a size, a setting or a reference. Thousands separators (``10,000``) and the minus sign ``−`` (U+2212) as
well as ``-`` are read as part of the number.

**Times are never matched.** A number of seconds or minutes, or a multiplier in a sentence about speed ("2×
faster", "a speed-up of 3.1×"), changes with every run and every machine. Prose must not state it as a fact even
when the stored outputs agree today: refer to the printed value ("the speed-up printed above") or print the
sentence from code (an f-string). A time that is not a measurement (a budget: "no cell over 60 s") is declared.

**At its printed rounding.** A prose number with *d* decimals matches an output number printed with at least *d*
decimals that rounds to it at *d* decimals: "47.4%" matches ``47.4%``, ``47.43%`` and ``0.4743``, but not ``47.5%``
nor ``0.47`` (too few decimals to show 47.4). An output equal to the prose number matches whatever its decimals:
targets print as ``0.8`` for "80%". A percentage matches an output percentage or an output fraction times 100, and
a plain decimal matches an output decimal or an output percentage divided by 100. A multiplier or a count matches
any output number. Signs must agree: "−0.28" does not match ``0.28``. The outputs are every code cell's stream text
and the ``text/plain`` of its results and displays; source code is not an output, so an f-string in a cell counts
only through what it printed. The outputs of a notebook are one pool of numbers: the check proves that each prose
number is printed somewhere in its notebook, not next to what the sentence says it is; a coarse number (92%, 0.9)
is therefore easier to match than a precise one (0.9828), and a number written in words is not seen at all.

**The declarations.** ``notebooks/prose_constants.json`` maps each notebook's name to ``{"number": "why it is
not a measurement"}``, the number written as in the prose (``"0.5"``, ``"90%"``, ``"4×"``, ``"10,000"``). An
entry must have a reason and must still occur in the notebook's checked prose; a stale entry is a problem too,
which keeps the lists short.

**Bad input.** A notebook that is not valid JSON, is not a notebook, or has code cells but no stored output at
all is reported by name with the fix (``make run NB=NN``); it never passes silently.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.repo_url import ROOT

NOTEBOOKS = ROOT / "notebooks"
CONSTANTS_FILE = "prose_constants.json"

#: Words after an integer that make it a count a run produces ("104 errors", "105,866 parameters").
COUNT_WORDS = frozenset(
    "error errors mistake mistakes misclassified misread wrong digit digits image images sample samples "
    "point points parameter parameters weight weights nat nats".split()
)
#: Units of time after a number: such a number is a timing.
TIME_WORDS = frozenset("s sec secs second seconds ms min mins minute minutes h hour hours".split())
#: Words that make a multiplier in the same sentence a speed-up, hence a timing.
SPEED = re.compile(r"faster|slower|speed|quicker", re.IGNORECASE)

MINUS = "\u2212"
_NUMBER = r"(?P<sign>[-\u2212+](?=\d))?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
#: A number in prose: not glued to a word, a version or another number before it; the suffix decides its kind.
PROSE_NUMBER = re.compile(
    r"(?<![\w.,\u2212+\-/×·])"
    + _NUMBER
    + r"(?P<suffix>\s?%|\s?per ?cent\b|\s?×(?!\s?(?:\d|[A-Za-z]\b|\())|x(?![\w(]))?"
    + r"(?![\w.,]?\d)(?!\w)"
)
#: A number in an output: anything that reads as one, including 1.2e-03 and 47.4%.
OUTPUT_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-\u2212](?=\d))?(?P<int>\d{1,3}(?:,\d{3})+(?![\d])|\d+)(?P<frac>\.\d*)?"
    r"(?:[eE](?P<exp>[-+]?\d+))?(?P<pct>\s?%)?"
)
#: The title cell's time line, written and checked by tools.headers.
TIME_LINE = re.compile(r"^\*Runs in .* \(last full run\)\.\*$", re.MULTILINE)


class NotebookError(ValueError):
    """A stored notebook that cannot be checked: unreadable, not a notebook, or without outputs.

    ``str(error)`` names the file, what is wrong and the fix; ``error.reason`` is the same without the file name.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name} {reason}")
        self.path, self.reason = path, reason


@dataclass(frozen=True)
class ProseNumber:
    """A checked number in a markdown cell: ``text`` as written, its ``value`` (47.4 for "47.4%"), its ``decimals``,
    its ``kind`` (``decimal``, ``percent``, ``times``, ``count`` or ``time``), its declaration ``key`` and where it
    stands (``cell``, counted from 1, and ``context``)."""

    text: str
    value: float
    decimals: int
    kind: str
    key: str
    cell: int
    context: str


@dataclass(frozen=True)
class OutputNumber:
    """A number printed in an output: its value (47.4 for "47.4%"), its decimals, and whether it had a % sign."""

    value: float
    decimals: int
    percent: bool


@dataclass(frozen=True)
class Problem:
    """One failure of the check, printed as ``NN_name.ipynb cell K: "47.4%" <reason> (…context…)``."""

    notebook: str
    cell: int | None
    number: str
    reason: str
    context: str = ""

    def __str__(self) -> str:
        where = f"{self.notebook}.ipynb" + (f" cell {self.cell}" if self.cell is not None else "")
        if not self.number:
            return f"{where} {self.reason}"
        context = f" (…{self.context}…)" if self.context else ""
        return f'{where}: "{self.number}" {self.reason}{context}'


@dataclass
class Report:
    """The outcome for one notebook: every checked number with how it passed, and the problems."""

    notebook: str
    found: list[ProseNumber]
    declared: list[ProseNumber]
    problems: list[Problem]

    @property
    def checked(self) -> int:
        """How many prose numbers were checked: found, declared, or a problem."""
        return len(self.found) + len(self.declared) + sum(p.cell is not None for p in self.problems)


def normalize(text: str) -> str:
    """The declaration key of a number as written: separators and spaces out, ``−`` as ``-``, ``percent`` as ``%``.

    >>> normalize("−10,000.5 %"), normalize("4 ×"), normalize("12 percent")
    ('-10000.5%', '4×', '12%')
    """
    key = re.sub(r"\s*per ?cent$", "%", text.strip())
    key = key.replace(MINUS, "-").replace(",", "").replace(" ", "").replace("\u2009", "")
    return key[:-1] + "×" if key.endswith("x") else key


def _blank(match: re.Match[str]) -> str:
    """A removed span's stand-in: keeps the line breaks, so that context and line structure survive."""
    return " " + "\n" * match.group(0).count("\n") + " "


def prose(markdown: str) -> str:
    """The checked prose of a markdown cell: the text without code, math, links' targets, HTML tags and the time line.

    Fenced blocks may be indented (an exercise solution inside a list item) and open with three or more backticks
    or tildes; they close with a fence of the same character, at least as long.
    """
    kept, fence = [], None
    for line in markdown.splitlines():
        opener = re.match(r"\s*(`{3,}|~{3,})", line)
        if fence is None and opener:
            fence = opener.group(1)
            kept.append("")
        elif fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            kept.append("")
        else:
            kept.append(line)
    text = "\n".join(kept)
    text = TIME_LINE.sub(" ", text)
    text = re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", _blank, text, flags=re.S)  # inline code spans
    text = re.sub(r"\$\$.+?\$\$", _blank, text, flags=re.S)  # display math
    text = re.sub(r"(?<!\\)\$(?=\S)[^$]+?(?<![\s\\])\$", _blank, text, flags=re.S)  # inline math
    text = re.sub(r"\]\([^)\s]*(?:\s\"[^\"]*\")?\)", "]", text)  # link targets
    text = re.sub(r"<https?://[^>]*>|https?://\S+", " ", text)  # URLs
    return re.sub(r"</?[A-Za-z][\w-]*(?:\s[^<>\n]*)?/?>", " ", text)  # HTML tags: <details>, <summary>, <br/>


def _value(sign: str | None, integer: str, frac: str | None) -> float:
    number = float(integer.replace(",", "") + (frac if frac and frac != "." else ""))
    return -number if sign in ("-", MINUS) else number


def _next_word(text: str, end: int) -> str:
    match = re.match(r"\s?([A-Za-z]+)\b", text[end:])
    return match.group(1) if match else ""


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a span (between full stops, colons, semicolons or blank lines)."""
    left = max(text.rfind(mark, 0, start) for mark in (". ", ": ", "; ", "\n\n"))
    rights = [i for i in (text.find(mark, end) for mark in (". ", ": ", "; ", "\n\n")) if i >= 0]
    return text[left + 1 : min(rights) if rights else len(text)]


def _context(text: str, start: int, end: int, width: int = 45) -> str:
    snippet = text[max(0, start - width) : end + width]
    return " ".join(snippet.split())


def prose_numbers(markdown: str, cell: int = 0) -> list[ProseNumber]:
    """The checked numbers of one markdown cell (see the module docstring for which numbers are checked)."""
    text = prose(markdown)
    numbers = []
    for match in PROSE_NUMBER.finditer(text):
        suffix = (match.group("suffix") or "").strip()
        frac = match.group("frac")
        decimals = len(frac) - 1 if frac else 0
        word = _next_word(text, match.end())
        if suffix == "%" or suffix.startswith("per"):
            kind = "percent"
        elif suffix in ("×", "x"):
            kind = "time" if SPEED.search(_sentence(text, match.start(), match.end())) else "times"
        elif word in TIME_WORDS and not suffix:
            kind = "time"
        elif frac:
            kind = "decimal"
        elif word.lower() in COUNT_WORDS:
            kind = "count"
        else:
            continue
        written = match.group(0)
        numbers.append(
            ProseNumber(
                text=written,
                value=_value(match.group("sign"), match.group("int"), frac),
                decimals=decimals,
                kind=kind,
                key=normalize(written),
                cell=cell,
                context=_context(text, match.start(), match.end()),
            )
        )
    return numbers


def output_numbers(text: str) -> list[OutputNumber]:
    """Every number printed in an output text, with its printed decimals (``1.23e-04`` has 6)."""
    numbers = []
    for match in OUTPUT_NUMBER.finditer(text):
        frac, exp = match.group("frac") or "", int(match.group("exp") or 0)
        value = _value(match.group("sign"), match.group("int"), frac) * 10.0**exp
        decimals = max(0, len(frac) - 1 - exp)
        percent = bool(match.group("pct"))
        numbers.append(OutputNumber(value, decimals, percent))
        if "," in match.group("int"):  # "100,200" may be a list printed without spaces: keep each part too
            numbers += [OutputNumber(float(part), 0, False) for part in match.group("int").split(",")]
    return numbers


def _close(a: float, b: float, decimals: int) -> bool:
    """``a`` rounds to ``b`` at ``decimals`` decimals (half-way cases either way)."""
    half = 0.5 * 10.0**-decimals
    return abs(a - b) <= half * (1 + 1e-9) + 1e-12


def matches(number: ProseNumber, outputs: list[OutputNumber]) -> bool:
    """Whether a prose number is found among a notebook's output numbers at its printed rounding."""
    d, p = number.decimals, number.value
    for out in outputs:
        scaled = out.value * (100 if number.kind == "percent" and not out.percent else 1)
        scaled /= 100 if number.kind == "decimal" and out.percent else 1
        if math.isclose(scaled, p, rel_tol=1e-9, abs_tol=1e-12):  # equal: 0.8 printed for a target of 80%
            return True
        if number.kind == "percent":
            if out.percent and out.decimals >= d and _close(out.value, p, d):
                return True
            if not out.percent and out.decimals - 2 >= d and _close(100 * out.value, p, d):
                return True
        elif number.kind == "decimal":
            if not out.percent and out.decimals >= d and _close(out.value, p, d):
                return True
            if out.percent and out.decimals + 2 >= d and _close(out.value / 100, p, d):
                return True
        elif out.decimals >= d and _close(out.value, p, d):  # times, count
            return True
    return False


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _output_text(output: dict) -> str:
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    else:
        text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else str(text)


def read_notebook(path: Path) -> list[dict]:
    """The cells of a stored notebook, or a :class:`NotebookError` naming the file and the fix."""
    fix = f"regenerate it with `make run NB={path.name[:2]}`"
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotebookError(path, f"does not exist: {fix}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise NotebookError(path, f"is not valid JSON ({error}): {fix}") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) and "cell_type" in c for c in cells):
        raise NotebookError(path, f"is not a Jupyter notebook (no list of cells with a cell_type): {fix}")
    code = [c for c in cells if c["cell_type"] == "code" and _source(c).strip()]
    if code and not any(c.get("outputs") for c in code):
        raise NotebookError(
            path,
            f"has {len(code)} code cells and no stored output, so its prose cannot be checked: "
            f"run `make run NB={path.name[:2]}` to store the outputs",
        )
    return cells


def read_constants(path: Path) -> dict[str, dict[str, str]]:
    """The declarations file: ``{notebook: {number as written: reason}}``; a bad file raises a :class:`ValueError`."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not valid JSON ({error}): fix the file") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(f'{path.name} must map each notebook name to {{"number": "why it is not a measurement"}}')
    for notebook, entries in data.items():
        for number, reason in entries.items():
            if not isinstance(reason, str) or not reason.strip():
                raise ValueError(f'{path.name}: "{number}" of {notebook} needs a reason (why it is not a measurement)')
    return data


def check_notebook(path: Path, constants: dict[str, str]) -> Report:
    """Check one stored notebook's prose numbers against its outputs and its declared ``constants``."""
    name = path.stem
    cells = read_notebook(path)
    outputs: list[OutputNumber] = []
    for cell in cells:
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            outputs += output_numbers(_output_text(output))
    declared_keys = {normalize(k): k for k in constants}
    report = Report(name, [], [], [])
    used: set[str] = set()
    for index, cell in enumerate(cells, start=1):
        if cell["cell_type"] != "markdown":
            continue
        for number in prose_numbers(_source(cell), index):
            if number.key in declared_keys:
                report.declared.append(number)
                used.add(number.key)
            elif number.kind == "time":
                reason = "is a timing: it changes with every run and machine; refer to the printed value or print it"
                report.problems.append(Problem(name, index, number.text, reason, number.context))
            elif matches(number, outputs):
                report.found.append(number)
            else:
                reason = "not in the stored outputs"
                report.problems.append(Problem(name, index, number.text, reason, number.context))
    for key, written in declared_keys.items():
        if key not in used:
            reason = f"is declared in {CONSTANTS_FILE} but not in the checked prose: remove the entry"
            report.problems.append(Problem(name, None, written, reason))
    return report


def notebooks(folder: Path, prefixes: list[str] | None = None) -> list[Path]:
    """The course's stored notebooks in ``folder`` (those of every ``NN_name.py`` twin), optionally by prefix."""
    names = sorted(
        {p.stem for p in folder.glob("[0-9][0-9]_*.py")} | {p.stem for p in folder.glob("[0-9][0-9]_*.ipynb")}
    )
    if prefixes:
        names = [n for n in names if any(n.startswith(p) for p in prefixes)]
    return [folder / f"{n}.ipynb" for n in names]


def check(folder: Path = NOTEBOOKS, prefixes: list[str] | None = None) -> tuple[list[Report], list[Problem]]:
    """Check every course notebook in ``folder``: the reports, and all problems (unreadable notebooks included)."""
    constants = read_constants(folder / CONSTANTS_FILE)
    paths = notebooks(folder, prefixes)
    problems = []
    for unknown in sorted(set(constants) - {p.stem for p in notebooks(folder)}):
        problems.append(Problem(unknown, None, "", f"is declared in {CONSTANTS_FILE} but there is no such notebook"))
    reports = []
    for path in paths:
        try:
            report = check_notebook(path, constants.get(path.stem, {}))
        except NotebookError as error:
            problems.append(Problem(path.stem, None, "", error.reason))
            continue
        reports.append(report)
        problems += report.problems
    return reports, problems


def main(argv: list[str] | None = None, folder: Path = NOTEBOOKS) -> int:
    """The command line: print the problems and a summary; 0 when every prose number passed, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefix", nargs="*", help="only notebooks whose names start with these (e.g. 08)")
    parser.add_argument("--list", action="store_true", help="print every checked number and how it passed")
    args = parser.parse_args(argv)
    try:
        reports, problems = check(folder, args.prefix)
    except ValueError as error:
        print(f"prose numbers: {error}", file=sys.stderr)
        return 1
    for report in reports:
        if args.list:
            for how, numbers in (("found", report.found), ("declared", report.declared)):
                for n in numbers:
                    print(f'{report.notebook}.ipynb cell {n.cell}: "{n.text}" {n.kind}, {how} (…{n.context}…)')
            print(
                f"{report.notebook}: {report.checked} checked, {len(report.found)} found, "
                f"{len(report.declared)} declared, {len(report.problems)} problems"
            )
    for problem in problems:
        print(problem)
    found = sum(len(r.found) for r in reports)
    declared = sum(len(r.declared) for r in reports)
    checked = sum(r.checked for r in reports)
    print(
        f"prose numbers: {len(reports)} notebooks, {checked} numbers checked: {found} found in the stored outputs, "
        f"{declared} declared constants; {len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
