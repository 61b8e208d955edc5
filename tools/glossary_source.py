"""The course glossary's source, docs/glossary.txt: reading it, checking it against the notebooks, and rendering it
into GLOSSARY.md and the site's glossary page. A library: ``python -m tools.glossary`` (make glossary, make check)
writes and checks with it, and tools/site_build.py builds the site's page and links with it.

Each entry of the source gives a term, the course's own definition of it, one line of math or code, and the
notebook sections where it is taught and used, written ``NN#anchor``: the notebook's number and the anchor of one
of its headings (levels 1 to 3), the slug that GitHub and the site both make from the heading's text
(``myst_heading_anchors = 3`` in docs/conf.py; :func:`slug` is the same rule). Entries are rendered in
alphabetical order, each under a ``### Term`` heading of GLOSSARY.md, so that ``GLOSSARY.md#term`` anchors exist
on GitHub, and as one Sphinx ``{glossary}`` on the site (:func:`site_page`, written by tools/site_build.py), where
terms cross-link: a definition links another entry as ``[text](#anchor)``, an anchor within GLOSSARY.md on GitHub
and a ``{term}`` reference on the site.

A notebook links a term where it teaches it, with the absolute address of its GLOSSARY.md entry on GitHub at the
course's one ref (:func:`tools.repo_url.glossary_url`), because Colab cannot follow a relative link; ``make urls``
moves these addresses with the ref, and the site build turns each into a ``{term}`` reference to its own page.

:func:`problems` (what ``python -m tools.glossary --check`` reports) names the file and the fix when an entry links
a section that does not exist, when a founding term (``founding: yes``, the nine terms of the course's founding
material) or any other entry is not linked from the section of its notebook that teaches it, when a notebook links
an entry that does not exist, and when GLOSSARY.md is not the rendering of the source. The source and the
notebooks' .py twins are read; the stored .ipynb are checked for unknown entries too. Standard library only.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from tools import repo_url

ROOT = repo_url.ROOT
SOURCE = ROOT / "docs" / "glossary.txt"
OUTPUT = ROOT / "GLOSSARY.md"
NOTEBOOKS = ROOT / "notebooks"
FIELDS = ("founding", "taught", "used", "example")
FOUNDING = (
    "Autoencoder",
    "Convolution",
    "Coordinate",
    "Gradient",
    "Optimization",
    "Random Walk",
    "Scaling",
    "Slicing and Indexing",
    "Vectorization",
)

_INTERNAL = re.compile(r"\[([^\]]+)\]\(#([\w-]+)\)")  # a definition's link to another entry: [text](#anchor)
_SLUG_DROP = re.compile(r"[^\w\u4e00-\u9fff\- ]")
_REF = re.compile(r"(\d\d)#([\w-]+)")


def slug(title: str) -> str:
    """A heading's anchor, as GitHub and MyST (``myst_heading_anchors``) make it: the heading's text (without
    its Markdown markup: backticks, emphasis, math, link targets), lowercased, spaces as hyphens, every character
    that is not a letter, digit, underscore, hyphen or space dropped."""
    text = re.sub(r"\$[^$]*\$", "", title)  # MyST leaves math out of the slug
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link counts by its text
    text = text.replace("`", "").replace("**", "").replace("*", "")
    return _SLUG_DROP.sub("", text.strip().lower().replace(" ", "-"))


# ---------------------------------------------------------------------------------------------------- notebooks


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass
class NotebookText:
    """The markdown of one notebook: its headings (levels 1-3, anchors made unique as GitHub and MyST do) and,
    for every glossary link, the anchor it names, the line it is on and the anchor of the section it sits in."""

    name: str
    headings: list[Heading] = field(default_factory=list)
    links: list[tuple[str, int, str]] = field(default_factory=list)  # (entry anchor, line, section anchor)
    relative: list[int] = field(default_factory=list)  # lines that name GLOSSARY.md without its GitHub address

    def anchors(self) -> dict[str, Heading]:
        return {h.anchor: h for h in self.headings}


def markdown_of_py(text: str) -> list[tuple[int, str]]:
    """(line number, markdown line) of every markdown cell of a py:percent file (the ``# `` prefix removed)."""
    out, in_markdown = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
            continue
        if in_markdown:
            out.append((number, line[2:] if line.startswith("# ") else line[1:] if line.startswith("#") else line))
    return out


def markdown_of_ipynb(text: str) -> list[tuple[int, str]]:
    """(cell number, markdown line) of every markdown cell of a stored notebook."""
    out = []
    for number, cell in enumerate(json.loads(text)["cells"], 1):
        if cell["cell_type"] == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            out += [(number, line) for line in source.splitlines()]
    return out


def read_notebook(path: Path) -> NotebookText:
    """Headings and glossary links of a notebook file (.py twin or .ipynb); code fences are skipped."""
    text = path.read_text(encoding="utf-8")
    lines = markdown_of_ipynb(text) if path.suffix == ".ipynb" else markdown_of_py(text)
    found = NotebookText(path.stem)
    fence, section = None, ""
    for number, line in lines:
        stripped = line.strip()
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if marker:
            if fence is None:
                fence = marker[1]
            elif stripped.startswith(fence) and not stripped[len(fence) :].strip():
                fence = None
            continue
        if fence is not None:
            continue
        heading = re.match(r"(#{1,6})\s+(.+?)\s*#*\s*$", line)
        if heading and len(heading[1]) <= 3:
            base = slug(heading[2])
            anchor, n, taken = base, 1, {h.anchor for h in found.headings}
            while anchor in taken:
                anchor, n = f"{base}-{n}", n + 1
            found.headings.append(Heading(len(heading[1]), heading[2], anchor))
            section = anchor
            continue
        matches = list(repo_url.GLOSSARY_LINK.finditer(line))
        for match in matches:
            found.links.append((match[2] or "", number, section))
        if line.count("GLOSSARY.md") > len(matches):
            found.relative.append(number)
    return found


def notebooks_by_number(folder: Path = NOTEBOOKS, suffix: str = ".py") -> dict[str, Path]:
    """{'04': notebooks/04_optimization.py, ...} for the notebooks in ``folder``."""
    return {p.name[:2]: p for p in sorted(folder.glob(f"[0-9][0-9]_*{suffix}"))}


# ---------------------------------------------------------------------------------------------------- the source


@dataclass(frozen=True)
class Ref:
    number: str
    anchor: str
    line: int


@dataclass
class Entry:
    term: str
    line: int
    founding: bool = False
    taught: Ref | None = None
    used: list[Ref] = field(default_factory=list)
    example: str = ""
    definition: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return slug(self.term)


class GlossaryError(ValueError):
    """The source cannot be read: the message names the file, the line and the fix."""


def parse(text: str, name: str = "docs/glossary.txt") -> list[Entry]:
    """The entries of a glossary source. Raises :class:`GlossaryError` naming the line on malformed input."""
    entries: list[Entry] = []
    in_fields = False
    last_field = ""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            continue  # a comment
        if line.startswith("== "):
            entries.append(Entry(line[3:].strip(), number))
            in_fields, last_field = True, ""
            continue
        if not entries:
            if line.strip():
                raise GlossaryError(f"{name}:{number}: text before the first entry: start an entry with '== Term'")
            continue
        entry = entries[-1]
        if in_fields:
            if not line.strip():
                in_fields = False
                continue
            key, sep, value = line.partition(":")
            if line[0].isspace() and last_field == "used":
                key, value, sep = "used", line, ":"
            elif not sep or key not in FIELDS:
                raise GlossaryError(
                    f"{name}:{number}: {line.strip()!r} is not one of the fields {', '.join(FIELDS)}: put a blank "
                    "line between the fields and the definition"
                )
            last_field = key
            value = value.strip()
            if key == "founding":
                if value not in ("yes", "no"):
                    raise GlossaryError(f"{name}:{number}: founding: must be yes or no, not {value!r}")
                entry.founding = value == "yes"
            elif key == "example":
                entry.example = value
            else:
                refs = [p for p in re.split(r"[\s,]+", value) if p]
                bad = [p for p in refs if not _REF.fullmatch(p)]
                if bad:
                    raise GlossaryError(
                        f"{name}:{number}: {bad[0]!r} is not a section: write NN#anchor, the notebook's number and "
                        "the anchor of one of its headings (e.g. 04#2-gradient-descent)"
                    )
                parsed = [Ref(*_REF.fullmatch(p).groups(), number) for p in refs]
                if key == "taught":
                    if len(parsed) != 1:
                        raise GlossaryError(f"{name}:{number}: taught: names exactly one section, the first teaching")
                    entry.taught = parsed[0]
                else:
                    entry.used += parsed
        elif line.strip() or entry.definition:
            entry.definition.append(line.rstrip())
    for entry in entries:
        while entry.definition and not entry.definition[-1]:
            entry.definition.pop()
    return entries


def read_source(path: Path = SOURCE) -> list[Entry]:
    if not path.exists():
        raise GlossaryError(f"{path.name} is missing: the glossary's source lives in docs/glossary.txt")
    return parse(path.read_text(encoding="utf-8"), shown(path))


def shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------------- checks


def source_problems(
    entries: list[Entry], notebooks: dict[str, NotebookText], name: str, founding: tuple[str, ...] = FOUNDING
) -> list[str]:
    """What in the source is wrong: a missing part, a duplicate, a founding term missing or unmarked, a link to a
    notebook or a section that does not exist."""
    found = []
    seen: dict[str, Entry] = {}
    for e in entries:
        where = f"{name}:{e.line} ({e.term})"
        if e.anchor in seen:
            found.append(f"{where}: same anchor #{e.anchor} as the entry on line {seen[e.anchor].line}: merge them")
        seen[e.anchor] = e
        if not e.definition:
            found.append(f"{where}: no definition: write the course's own definition after a blank line")
        for anchor in _INTERNAL.findall("\n".join(e.definition)):
            if anchor[1] not in {x.anchor for x in entries}:
                found.append(f"{where}: links #{anchor[1]}, which is not an entry: link one of the glossary's terms")
        if not e.example:
            found.append(f"{where}: no example: add 'example:' with one line of math ($...$) or code (`...`)")
        if e.taught is None:
            found.append(f"{where}: no 'taught:' section: name the section that first teaches it (NN#anchor)")
        for ref in ([e.taught] if e.taught else []) + e.used:
            notebook = notebooks.get(ref.number)
            if notebook is None:
                found.append(f"{name}:{ref.line} ({e.term}): there is no notebook {ref.number}")
            elif ref.anchor not in notebook.anchors():
                found.append(
                    f"{name}:{ref.line} ({e.term}): notebook {notebook.name} has no section #{ref.anchor}: link one "
                    f"of its headings: {', '.join(sorted(notebook.anchors()))}"
                )
        if e.founding != (e.term in founding):
            state = "is" if e.term in founding else "is not"
            found.append(f"{where}: {e.term} {state} a founding term: set founding: {'yes' if state == 'is' else 'no'}")
    for term in founding:
        if slug(term) not in seen:
            found.append(f"{name}: the founding term {term!r} has no entry: add one ('== {term}')")
    return found


def link_problems(entries: list[Entry], notebooks: dict[str, NotebookText], files: dict[str, Path]) -> list[str]:
    """Every glossary link in a notebook names an entry; every entry is linked from the section that teaches it."""
    found = []
    anchors = {e.anchor for e in entries}
    for number, notebook in notebooks.items():
        for line in notebook.relative:
            found.append(
                f"{shown(files[number])}:{line}: names GLOSSARY.md without its GitHub address, which Colab cannot "
                f"follow: link {repo_url.glossary_url('term')} (the term's anchor after the #)"
            )
        for anchor, line, _ in notebook.links:
            if anchor not in anchors:
                found.append(
                    f"{shown(files[number])}:{line}: links the glossary entry #{anchor}, which does not exist: "
                    f"link one of {', '.join(sorted(anchors))} or add the entry to docs/glossary.txt"
                )
    for e in sorted(entries, key=lambda e: (e.taught.number if e.taught else "", e.term.lower())):
        if e.taught is None or e.taught.number not in notebooks:
            continue
        notebook = notebooks[e.taught.number]
        sections = {section for anchor, _, section in notebook.links if anchor == e.anchor}
        if e.taught.anchor not in sections:
            kind = "the founding term" if e.founding else "the term"
            also = f" (it links it under {', '.join(sorted(sections))} instead)" if sections else ""
            found.append(
                f"{shown(files[e.taught.number])}: {kind} {e.term!r} is taught in section #{e.taught.anchor} but "
                f"not linked there{also}: turn its first mention there into "
                f"[{e.term.lower()}]({repo_url.glossary_url(e.anchor)})"
            )
    return found


def problems(
    source: Path = SOURCE, folder: Path = NOTEBOOKS, output: Path | None = OUTPUT, founding: tuple[str, ...] = FOUNDING
) -> list[str]:
    """Everything the check reports (empty when the glossary, the notebooks and GLOSSARY.md agree)."""
    try:
        entries = read_source(source)
    except GlossaryError as e:
        return [str(e)]
    files = notebooks_by_number(folder)
    notebooks = {number: read_notebook(path) for number, path in files.items()}
    found = source_problems(entries, notebooks, shown(source), founding)
    found += link_problems(entries, notebooks, files)
    anchors = {e.anchor for e in entries}
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        for anchor, cell, _ in read_notebook(path).links:
            if anchor not in anchors:
                found.append(f"{shown(path)}: cell {cell} links the glossary entry #{anchor}, which does not exist")
    if output is not None and not found:
        expected = markdown(entries, notebooks)
        if not output.exists() or output.read_text(encoding="utf-8") != expected:
            found.append(f"{shown(output)} is not the rendering of {shown(source)}: run make glossary")
    return found


# ---------------------------------------------------------------------------------------------------- rendering


def _sorted(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.term.lower())


def section_title(notebook: NotebookText, anchor: str) -> str:
    """``04 · The gradient: one slope per coordinate`` (a notebook's title keeps its own ``NN ·``)."""
    text = notebook.anchors()[anchor].text
    return text if re.match(r"\d\d\s*·", text) else f"{notebook.name[:2]} · {text}"


def _links(entry: Entry, notebooks: dict[str, NotebookText], target) -> list[str]:
    """Two list items: where the term is taught, where it is used."""

    def link(ref: Ref) -> str:
        notebook = notebooks[ref.number]
        return f"[{section_title(notebook, ref.anchor)}]({target(notebook.name, ref.anchor)})"

    lines = [f"- Taught in {link(entry.taught)}"]
    if entry.used:
        lines.append("- Used in " + "; ".join(link(ref) for ref in entry.used))
    return lines


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, 116, break_long_words=False, break_on_hyphens=False)


INTRO = (
    "The course's words, defined the way its notebooks use them. Each entry gives the definition, one line of "
    "math or code, and links to the sections where the term is taught and used. The nine terms of the course's "
    "founding material ({founding}) are marked as such."
)


def _body(entry: Entry, notebooks: dict[str, NotebookText]) -> list[str]:
    lines = ["*One of the nine founding terms of the course.*", ""] if entry.founding else []
    lines += [*entry.definition, "", entry.example, ""]
    return lines + _links(entry, notebooks, lambda name, anchor: f"notebooks/{name}.ipynb#{anchor}")


def markdown(entries: list[Entry], notebooks: dict[str, NotebookText]) -> str:
    """GLOSSARY.md: a ``### Term`` heading per entry (GitHub makes the anchors), links to the notebooks' sections."""
    lines = [
        "# Glossary",
        "",
        "<!-- Generated by `make glossary` (python -m tools.glossary) from docs/glossary.txt: edit that file. -->",
        "",
        *_wrap(INTRO.format(founding=", ".join(e.term for e in _sorted(entries) if e.founding))),
        "",
        *_wrap(
            f"On the course's website this page is [the glossary]({repo_url.pages_url()}glossary.html), where the "
            "terms cross-link."
        ),
        "",
        *_wrap(" · ".join(f"[{e.term}](#{e.anchor})" for e in _sorted(entries))),
        "",
    ]
    for e in _sorted(entries):
        lines += [f"### {e.term}", "", *_body(e, notebooks), ""]
    return "\n".join(lines)


def site_page(entries: list[Entry], notebooks: dict[str, NotebookText]) -> str:
    """The site's glossary page: one Sphinx glossary (terms get ``term-...`` ids and ``{term}`` references)."""
    founding = ", ".join(f"{{term}}`{e.term}`" for e in _sorted(entries) if e.founding)
    lines = ["# Glossary", "", INTRO.format(founding=founding), "", "```{glossary}"]
    terms = {e.anchor: e.term for e in entries}

    def role(match: re.Match) -> str:
        return f"{{term}}`{' '.join(match[1].split())} <{terms[match[2]]}>`"

    for e in _sorted(entries):
        body = _INTERNAL.sub(role, "\n".join(_body(e, notebooks))).split("\n")
        lines += ["", e.term, *[f"  {line}" if line else "" for line in body]]
    lines += ["```", ""]
    return "\n".join(lines)


def site_terms(source: Path = SOURCE) -> dict[str, str]:
    """{anchor: term} of every entry: the site build turns a notebook's GitHub glossary link into ``{term}``."""
    return {e.anchor: e.term for e in read_source(source)}


_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((" + repo_url.GLOSSARY_LINK.pattern + r")\)")


def term_roles(markdown_text: str, terms: dict[str, str]) -> str:
    """A notebook's markdown with every glossary link ``[text](https://github.com/.../GLOSSARY.md#anchor)`` turned
    into ``{term}`text <Term>``` for the site, so that a term links to the site's own glossary page. An anchor
    that is not an entry raises ``ValueError`` naming it."""

    def role(match: re.Match) -> str:
        anchor = match[4] or ""
        if anchor not in terms:
            raise ValueError(
                f"a notebook links the glossary entry #{anchor}, which does not exist: make check says where"
            )
        text = " ".join(match[1].replace("`", "").split())
        return f"{{term}}`{text} <{terms[anchor]}>`"

    return _MARKDOWN_LINK.sub(role, markdown_text)
