"""Every name the notebooks import from ``mnist_course`` exists in the wheel built from this tree (`make check`).

    python -m tools.wheel_names

A student in Colab gets the package as pip builds it from git, not the checkout: a module left out of the build,
or a name a notebook imports that the package no longer has, fails there at the import cell. This check builds the
wheel from the files git would commit (edits included, ignored files left out), unpacks it into a temporary folder,
and imports every ``from mnist_course... import name`` found in the notebooks' code cells and in their exercise
solutions, from that folder alone. It takes seconds and fails naming the notebook, the module and the name.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path

from tools.repo_url import ROOT

NOTEBOOKS = ROOT / "notebooks"
FENCE = re.compile(r"^([ \t]*)```python\n(.*?)^\1```", re.S | re.M)

#: Runs in a fresh interpreter whose first path entry is the unpacked wheel; prints what is missing as JSON.
PROBE = """
import importlib, json, sys
site, wanted = sys.argv[1], json.loads(sys.argv[2])
sys.path.insert(0, site)
missing = []
for module, names in wanted.items():
    try:
        mod = importlib.import_module(module)
    except Exception as e:
        missing.append([module, "", f"{type(e).__name__}: {e}"])
        continue
    if not mod.__file__.startswith(site):
        missing.append([module, "", f"imported from {mod.__file__}, not from the wheel"])
    for name in names:
        if name == "*" or hasattr(mod, name):
            continue
        try:  # from package import submodule
            importlib.import_module(f"{module}.{name}")
        except ImportError:
            missing.append([module, name, "no such name"])
print(json.dumps(missing))
"""


def _from_code(source: str) -> list[tuple[str, str]]:
    """(module, name) for each ``from mnist_course... import name`` and ``import mnist_course...`` in ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "mnist_course":
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, "*") for a in node.names if a.name.split(".")[0] == "mnist_course"]
    return found


def notebook_imports(folder: Path = NOTEBOOKS) -> dict[str, dict[str, set[str]]]:
    """``{module: {name: {notebooks that import it}}}`` from the py:percent twins: code cells and the ```python
    blocks of markdown cells (exercise solutions)."""
    import jupytext

    wanted: dict[str, dict[str, set[str]]] = {}
    for path in sorted(folder.glob("[0-9][0-9]_*.py")):
        for cell in jupytext.read(path).cells:
            if cell.cell_type == "code":
                sources = [cell.source]
            else:  # exercise solutions: fenced blocks, often indented under a list item
                sources = [textwrap.dedent(code) for _, code in FENCE.findall(cell.source)]
            for source in sources:
                for module, name in _from_code(source):
                    wanted.setdefault(module, {}).setdefault(name, set()).add(path.stem)
    return wanted


def _tree_copy(dest: Path) -> None:
    """The files git would commit from this work tree (tracked and new, not ignored), copied into ``dest``."""
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        text=True,
        check=True,
    )
    for name in filter(None, out.stdout.split("\0")):
        if name.startswith(("notebooks/", "tests/", "docs/", "bench/")):
            continue  # not part of the package; copying them only costs time
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def _setuptools_major() -> int:
    """The major version of the setuptools installed here, 0 when there is none."""
    try:
        return int(importlib.metadata.version("setuptools").split(".")[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return 0


def build_wheel(out: Path) -> Path:
    """Build the package's wheel from this tree into ``out``; return its path."""
    src = out / "src"
    _tree_copy(src)
    cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(src)]
    if _setuptools_major() >= 77:  # pyproject.toml's build requirement is met here: no download, seconds
        cmd.insert(5, "--no-build-isolation")
    built = subprocess.run(cmd, capture_output=True, text=True)
    wheels = sorted(out.glob("*.whl"))
    if built.returncode != 0 or not wheels:
        raise RuntimeError(f"pip could not build the wheel:\n{built.stdout}{built.stderr}")
    return wheels[0]


def missing_names(wheel: Path, wanted: dict[str, dict[str, set[str]]], scratch: Path) -> list[str]:
    """Problems, one line each, for the names in ``wanted`` that the wheel does not provide."""
    site = scratch / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    names = {module: sorted(n) for module, n in wanted.items()}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(site), json.dumps(names)], capture_output=True, text=True, cwd=scratch
    )
    if probe.returncode != 0:
        raise RuntimeError(f"the import probe failed:\n{probe.stderr}")
    lines = []
    for module, name, why in json.loads(probe.stdout):
        users = sorted(set().union(*wanted[module].values()) if not name else wanted[module][name])
        what = f"{module}.{name}" if name else module
        lines.append(f"{what}: {why} (imported by {', '.join(users)})")
    return lines


def main() -> int:
    wanted = notebook_imports()
    count = sum(len(v) for v in wanted.values())
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build_wheel(Path(tmp))
        problems = missing_names(wheel, wanted, Path(tmp))
    for line in problems:
        print(f"wheel_names: {line}")
    if problems:
        print(
            f"wheel_names: {len(problems)} of the names the notebooks import are missing from {wheel.name}: a student "
            "in Colab would fail at the import cell. Add the module or name to mnist_course/, or fix the import."
        )
        return 1
    print(f"wheel_names: {wheel.name} provides all {count} names the notebooks import from {len(wanted)} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
