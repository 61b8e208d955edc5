"""The two extra environments `make compat` tests the course in, read from pyproject.toml and Colab's table.

    python -m tools.compat python oldest         # 3.10: the lowest Python that requires-python promises
    python -m tools.compat requirements colab    # the pins pip installs into that environment, one a line
    python -m tools.compat key colab             # a short hash of both, naming the cached environment

``oldest``: the lowest Python of ``requires-python`` with every dependency at its floor (``numpy>=1.24`` is
installed as ``numpy==1.24.0``). ``colab``: Google Colab's runtime as of :data:`COLAB_CHECKED` (the package is
then installed from git with ``--no-deps``, as the notebooks' setup cell does). Both also get :data:`TOOLING`, what the
unit tests and the course runner need. tests/test_compat.py checks every floor is at or below Colab's version.
Standard library only, Python 3.10+.
"""

from __future__ import annotations

import hashlib
import re
import sys

from tools import repo_url

#: Google Colab's default runtime released :data:`COLAB_RUNTIME`, vendored from googlecolab/backend-info; checked
#: on :data:`COLAB_CHECKED`. Update the table, the date and the README's Colab section together.
COLAB_RUNTIME = "2026-08-25"
COLAB_CHECKED = "2026-12-01"
COLAB = {
    "python": "3.13",
    "torch": "2.11.0",
    "torchvision": "0.26.0",
    "numpy": "2.1.3",
    "matplotlib": "3.10.0",
    "tqdm": "4.67.3",
    "pillow": "11.3.0",
}

#: Installed into both environments besides the course's dependencies: the unit tests and tools/run_course.py.
TOOLING = ["pytest", "jupytext", "nbformat", "nbclient", "ipykernel"]

ENVIRONMENTS = ("oldest", "colab")

read_pyproject = repo_url.read_pyproject

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*$")


def version_tuple(version: str) -> tuple[int, ...]:
    """``"2.11.0"`` → ``(2, 11, 0)``; ``"2.2"`` → ``(2, 2)`` (release numbers only; no pre-releases here)."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0]))


def floors(dependencies: list[str] | None = None) -> dict[str, str]:
    """Each dependency's lower bound, ``{"numpy": "1.24", ...}``; an error for one without a ``>=`` floor."""
    if dependencies is None:
        dependencies = read_pyproject()["project"]["dependencies"]
    result = {}
    for dep in dependencies:
        match = _REQUIREMENT.match(dep)
        if match is None:
            raise ValueError(f"cannot read the dependency {dep!r}")
        name, spec = match.group(1).lower(), match.group(2)
        floor = re.search(r">=\s*([0-9][0-9.]*)", spec)
        if floor is None:
            raise ValueError(f"dependency {dep!r} has no >= floor: the oldest environment needs one")
        result[name] = floor.group(1)
    return result


def lowest_python(requires_python: str | None = None) -> str:
    """The lowest ``X.Y`` that ``requires-python`` allows (``">=3.10"`` → ``"3.10"``)."""
    if requires_python is None:
        requires_python = read_pyproject()["project"]["requires-python"]
    match = re.search(r">=\s*(\d+\.\d+)", requires_python)
    if match is None:
        raise ValueError(f"requires-python {requires_python!r} has no >= X.Y lower bound")
    return match.group(1)


def _exact(version: str) -> str:
    """A floor as an exact pin: ``1.24`` → ``1.24.0`` (pip's ``==1.24`` matches 1.24.0 too, but say it plainly)."""
    return version if version.count(".") >= 2 else version + ".0"


def python_version(env: str) -> str:
    """The ``X.Y`` Python an environment uses."""
    if env == "oldest":
        return lowest_python()
    if env == "colab":
        return COLAB["python"]
    raise ValueError(f"unknown environment {env!r}: use one of {ENVIRONMENTS}")


def requirements(env: str) -> list[str]:
    """The pip requirements of an environment: the course's dependencies pinned, then :data:`TOOLING`."""
    deps = floors()
    if env == "oldest":
        pins = [f"{name}=={_exact(v)}" for name, v in deps.items()]
    elif env == "colab":
        missing = sorted(set(deps) - set(COLAB))
        if missing:
            raise ValueError(f"Colab's table has no version for {missing}: add it to COLAB in tools/compat.py")
        pins = [f"{name}=={COLAB[name]}" for name in deps]
    else:
        raise ValueError(f"unknown environment {env!r}: use one of {ENVIRONMENTS}")
    return pins + TOOLING


def key(env: str) -> str:
    """Eight hex digits that change whenever the environment's Python or requirements change."""
    text = python_version(env) + "\n" + "\n".join(requirements(env))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("python", "requirements", "key") or argv[1] not in ENVIRONMENTS:
        print(__doc__, file=sys.stderr)
        return 2
    what, env = argv
    if what == "python":
        print(python_version(env))
    elif what == "requirements":
        print("\n".join(requirements(env)))
    else:
        print(key(env))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
