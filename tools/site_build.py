"""Build the course's static site into build/site/ (`make site`).

python -m tools.site_build

The site is Sphinx + MyST-NB + sphinx-book-theme, configured in docs/conf.py. This script stages the sources in
build/site-src/: docs/ as it is, the notebooks as stored (never re-executed: their outputs are the ones
`make run` produced and CI checked), and three generated fragments (the course table with the minutes each
notebook took, the results table, the package reference). Then it runs sphinx-build with warnings as errors, so a
missing image, an unresolved reference or a notebook that did not render fails the build.

The minutes and results come from build/results.json when it exists (the last full run on this machine); on a
fresh clone, where build/ is empty, from the results block that tools/readme_results.py wrote into README.md from
the same file; with neither, the page says "not yet measured". No number is typed by hand.

Everything builds offline: MathJax comes from the sphinx-mathjax-offline package, and the notebooks' Colab badge
image (hosted by Colab) is replaced in the staged copy by docs/_static/colab-badge.svg; its link is unchanged.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tools.ledger import Ledger, Row, ledger_path, rows_in_markdown
from tools.readme_results import block

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
SRC = BUILD / "site-src"
OUT = BUILD / "site"
DOCTREES = BUILD / "site-doctrees"

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
LOCAL_BADGE = "../_static/colab-badge.svg"  # relative to a staged notebook in notebooks/
NOTEBOOK_NAMED = re.compile(r"\b[Nn]otebooks? (\d\d)\b")


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The Repository URL from pyproject.toml ([project.urls]), without a trailing slash or .git."""
    text = pyproject.read_text(encoding="utf-8")
    try:
        import tomllib

        url = tomllib.loads(text)["project"]["urls"]["Repository"]
    except ImportError:  # Python 3.10: no tomllib; the line is simple enough to read directly
        match = re.search(r'^Repository\s*=\s*"([^"]+)"', text, flags=re.M)
        if not match:
            raise SystemExit("pyproject.toml has no Repository URL under [project.urls]") from None
        url = match[1]
    return url.rstrip("/").removesuffix(".git")


def github_parts(url: str) -> tuple[str, str]:
    """(owner, repo) of a https://github.com/owner/repo URL."""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", url)
    if not match:
        raise SystemExit(f"Repository URL {url!r} is not https://github.com/OWNER/REPO")
    return match[1], match[2]


def colab_url(url: str, notebook: str) -> str:
    """The Colab address of notebooks/<notebook>.ipynb on the main branch of the repository at ``url``."""
    owner, repo = github_parts(url)
    return f"https://colab.research.google.com/github/{owner}/{repo}/blob/main/notebooks/{notebook}.ipynb"


def pages_url(url: str) -> str:
    """The address the site is published at by .github/workflows/site.yml (GitHub Pages of the repository)."""
    owner, repo = github_parts(url)
    return f"https://{owner.lower()}.github.io/{repo}/"


def notebook_names() -> list[str]:
    """Stems of the stored notebooks (NN_name), in course order."""
    return sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


# ---- results: build/results.json, else README's machine-written block (both read through tools.ledger) ----


def load_results(build: Path = BUILD, readme: Path = ROOT / "README.md") -> tuple[list[Row], str]:
    """The course's result rows (every notebook's latest full run) and where they came from ('' when none)."""
    path = ledger_path(build=build)
    if path.exists():
        try:
            rows = [r for r in Ledger.read(path).rows if not r.quick]
        except (ValueError, KeyError, TypeError):  # unreadable or another layout: fall back to the README
            rows = []
        if rows:
            return rows, "the last full `make run` on this machine (build/results.json)"
    if readme.exists():
        text = readme.read_text(encoding="utf-8")
        rows = rows_in_markdown(block(text, "results")) if "<!-- results:start -->" in text else []
        if rows:
            return rows, "the last full `make run`, as recorded in the repository's README"
    return [], ""


def results_markdown(rows: list[Row], source: str) -> str:
    """The results table of the landing page, or a line saying there is none yet."""
    if not rows:
        return "Not yet measured: run `make run` to execute the course and record its results.\n"
    lines = [
        f"From {source}, on a 2-core CPU with no GPU; seconds include kernel start.",
        "",
        "| # | metric | value | target | pass | seconds |",
        "|---|---|---:|---:|---|---:|",
    ]
    seen = set()
    for r in rows:
        secs = "" if r.notebook in seen else f"{r.seconds:.1f}"
        seen.add(r.notebook)
        passed = "yes" if r.passed else "NO"
        metric = r.metric.replace("|", "\\|")
        lines.append(f"| {r.notebook[:2]} | {metric} | {r.value_text} | {r.target_text} | {passed} | {secs} |")
    lines.append(f"| **total** | | | | | **{Ledger(rows).total_seconds():.0f}** |")
    return "\n".join(lines) + "\n"


# ---- the course table ----


def _readme_course(readme: str) -> dict[str, tuple[str, str]]:
    """{notebook stem: (title, what it teaches)} from the README's course table (its first three columns; the
    time column that tools.headers keeps is not part of what it teaches)."""
    out = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        link = re.fullmatch(r"\[([^\]]+)\]\(notebooks/([\w.-]+)\.ipynb\)", cells[1]) if len(cells) > 2 else None
        if link and re.fullmatch(r"\d\d", cells[0]):
            out[link[2]] = (link[1], cells[2])
    return out


def _notebook_title(name: str) -> str:
    """The notebook's own title: its first '# ' heading without the 'NN · ' prefix."""
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"])
            m = re.search(r"^# (.+)$", src, flags=re.M)
            if m:
                return re.sub(r"^\d\d\s*·\s*", "", m[1]).strip()
    return name


def course_markdown(names: list[str], rows: list[Row], readme: str) -> str:
    """The landing page's table: number, notebook (linked), one line, minutes on the last full run."""
    info = _readme_course(readme)
    ledger = Ledger(rows)
    secs = {name: s for name, s in ledger.seconds().items() if name not in ledger.failed()}
    lines = ["| # | Notebook | What it teaches | Minutes |", "|---|---|---|---:|"]
    for name in names:
        title, line = info[name] if name in info else (_notebook_title(name), "")
        minutes = f"{secs[name] / 60:.1f}" if name in secs else "not yet measured"
        lines.append(f"| {name[:2]} | {{doc}}`{title} </notebooks/{name}>` | {line} | {minutes} |")
    if secs:
        lines += ["", f"Minutes are wall-clock time of the last full run, {sum(secs.values()) / 60:.1f} in all."]
    return "\n".join(lines) + "\n"


def commands_markdown(readme: str) -> str:
    """The README's two commands (its first bash block), so the landing page never drifts from it."""
    block = re.search(r"```bash\n.*?```\n", readme, flags=re.S)
    if not block:
        raise SystemExit("README.md has no ```bash block with the commands to run the course")
    return block[0]


def toctree_markdown(names: list[str]) -> str:
    body = "\n".join(f"notebooks/{n}" for n in names)
    return f"```{{toctree}}\n:hidden:\n:maxdepth: 1\n:caption: The course\n\n{body}\n```\n"


# ---- the package page ----


def package_members() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(module, [(function or class, notebook number or '')])] for every module of mnist_course, from __all__."""
    import mnist_course

    out = []
    for info in sorted(pkgutil.iter_modules(mnist_course.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"mnist_course.{info.name}")
        names = getattr(module, "__all__", None) or [
            n
            for n, obj in vars(module).items()
            if not n.startswith("_")
            and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module.__name__
        ]
        members = []
        for name in names:
            obj = getattr(module, name, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # constants are documented on the module's section, not in the table
            doc = inspect.getdoc(obj) or ""
            m = NOTEBOOK_NAMED.search(doc)
            members.append((name, m[1] if m else ""))
        out.append((info.name, members))
    return out


def package_markdown(members: list[tuple[str, list[tuple[str, str]]]], names: list[str]) -> str:
    by_number = {n[:2]: n for n in names}
    lines = ["| function or class | module | introduced in |", "|---|---|---|"]
    for module, items in members:
        for name, number in items:
            target = f"mnist_course.{module}.{name}"
            where = (
                f"{{doc}}`notebook {number} </notebooks/{by_number[number]}>`"
                if number in by_number
                else "not named in its docstring"
            )
            lines.append(f"| {{py:obj}}`{name} <{target}>` | `{module}` | {where} |")
    lines.append("")
    for module, _ in members:
        lines += [
            f"## `mnist_course.{module}`",
            "",
            "```{eval-rst}",
            f".. automodule:: mnist_course.{module}",
            "```",
            "",
        ]
    return "\n".join(lines)


# ---- staging and building ----


def _write(path: Path, text: str | bytes) -> None:
    """Write only when the content changed, so Sphinx rebuilds only what changed."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def localize_badge(notebook_json: str) -> str:
    """Point the Colab badge image at the site's own copy (its link to Colab stays as it is)."""
    return notebook_json.replace(BADGE_IMAGE, LOCAL_BADGE)


def stage() -> list[str]:
    """Copy docs/ and the stored notebooks into build/site-src/ and write the generated fragments."""
    names = notebook_names()
    if not names:
        raise SystemExit("no notebooks/NN_*.ipynb to build the site from")
    expected = set()
    for src in DOCS.rglob("*"):
        if src.is_file() and "__pycache__" not in src.parts:
            rel = src.relative_to(DOCS)
            expected.add(rel)
            _write(SRC / rel, src.read_bytes())
    for name in names:
        rel = Path("notebooks") / f"{name}.ipynb"
        expected.add(rel)
        _write(SRC / rel, localize_badge((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8")))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows, source = load_results()
    generated = {
        "course.md": course_markdown(names, rows, readme),
        "results.md": results_markdown(rows, source),
        "commands.md": commands_markdown(readme),
        "toctree.md": toctree_markdown(names),
        "package.md": package_markdown(package_members(), names),
    }
    for file, text in generated.items():
        expected.add(Path("_generated") / file)
        _write(SRC / "_generated" / file, text)
    for old in [p for p in SRC.rglob("*") if p.is_file()]:  # a notebook or page removed since the last build
        if old.relative_to(SRC) not in expected and "__pycache__" not in old.parts:
            old.unlink()
    return names


def main() -> int:
    start = time.perf_counter()
    names = stage()
    shutil.rmtree(OUT, ignore_errors=True)  # no page of a removed notebook may linger; doctrees keep it incremental
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q"]
    cmd += ["-d", str(DOCTREES), str(SRC), str(OUT)]
    code = subprocess.run(cmd, cwd=ROOT).returncode
    seconds = time.perf_counter() - start
    if code:
        print(f"site: sphinx-build failed (exit {code}); a warning above means a broken page", file=sys.stderr)
        return code
    shutil.rmtree(OUT / ".doctrees", ignore_errors=True)
    (OUT / ".nojekyll").touch()  # GitHub Pages must serve _static/ and _images/ as they are
    print(f"site: {len(names)} notebooks -> {OUT.relative_to(ROOT)}/index.html in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
