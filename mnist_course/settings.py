"""The course's run-time switches, each read in this one module, plus seeding and the device (notebook 01).

Every ``MNIST_COURSE_*`` environment variable is parsed here and nowhere else. Yes/no switches accept
``1/true/yes/on`` and ``0/false/no/off`` (any case); anything else is an error that says what to write.

======================================  ==========================  ==========  ==========================================
variable                                values                      default     who sets it, what it does
======================================  ==========================  ==========  ==========================================
``MNIST_COURSE_QUICK``                  yes/no                      no          ``make quick``, tests: small subsets and
                                                                                few steps (:func:`pick`)
``MNIST_COURSE_STRICT``                 yes/no                      no          ``make run``, ``make quick``, nbval/CI:
                                                                                a missed target or teaching check raises;
                                                                                otherwise it warns and the notebook goes on
``MNIST_COURSE_PROGRESS``               yes/no, unset = automatic   automatic   ``make``/CI set ``0``: progress bars off
``MNIST_COURSE_LIVE``                   yes/no, unset = automatic   automatic   live training curves in a notebook
``MNIST_COURSE_RESULTS``                a file path                 unset       the runner: each result appended as JSON
``MNIST_COURSE_NOTEBOOK``               a notebook name             unset       the runner: the notebook being executed
``MNIST_COURSE_DATA``                   a folder                    see below   where the datasets are cached
``MNIST_COURSE_MIRRORS``                comma-separated folders     empty       tests/CI: MNIST mirrors tried first
                                        or URLs
``MNIST_COURSE_FASHION_MIRRORS``        comma-separated folders     empty       tests/CI: Fashion-MNIST mirrors tried
                                        or URLs                                 first
``MNIST_COURSE_LECTURE_CACHE``          yes/no                      no          ``make lecture``, an instructor: long
                                                                                trainings load from the lecture cache
``MNIST_COURSE_SEED_OFFSET``            a whole number, 0 or more   0           ``make spread``: added to the seed of
                                                                                every ``seed_everything`` and
                                                                                ``TensorBatches`` (not the validation
                                                                                split, not 08's judge), to measure how
                                                                                results move with the seed
======================================  ==========================  ==========  ==========================================

The data root is ``MNIST_COURSE_DATA`` if set; else the repository's ``data/`` when the package runs from a
checkout; else ``$XDG_CACHE_HOME/mnist-course`` (``~/.cache/mnist-course``). ``CI`` (set by CI services) turns
progress bars and live curves off when they are not set explicitly.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

__all__ = [
    "SWITCHES",
    "data_root",
    "device",
    "is_quick",
    "is_strict",
    "lecture_cache_enabled",
    "live_enabled",
    "mirror_list",
    "notebook_name",
    "parse_bool",
    "pick",
    "progress_enabled",
    "results_file",
    "seed_everything",
    "seed_offset",
]

#: Every switch this module reads, for documentation and for ``python -m mnist_course.env``.
SWITCHES = (
    "MNIST_COURSE_QUICK",
    "MNIST_COURSE_STRICT",
    "MNIST_COURSE_PROGRESS",
    "MNIST_COURSE_LIVE",
    "MNIST_COURSE_RESULTS",
    "MNIST_COURSE_NOTEBOOK",
    "MNIST_COURSE_DATA",
    "MNIST_COURSE_MIRRORS",
    "MNIST_COURSE_FASHION_MIRRORS",
    "MNIST_COURSE_LECTURE_CACHE",
    "MNIST_COURSE_SEED_OFFSET",
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_bool(name: str, default: bool | None = False) -> bool | None:
    """The yes/no switch ``name`` (notebook 01): ``default`` when unset or empty; ``ValueError`` on any other word."""
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{name}={os.environ[name]!r} is not a yes/no value: use 1 or 0 (or true/false, yes/no, on/off)")


def _text(name: str) -> str | None:
    raw = os.environ.get(name, "").strip()
    return raw or None


# ----------------------------------------------------------------------------------------------- modes


def is_quick() -> bool:
    """True under ``MNIST_COURSE_QUICK=1``: notebooks use small subsets and few steps (notebook 01)."""
    return bool(parse_bool("MNIST_COURSE_QUICK"))


def pick(full: Any, quick: Any) -> Any:
    """``full`` normally, ``quick`` under ``MNIST_COURSE_QUICK=1`` (notebook 01): ``epochs = pick(5, 1)``."""
    return quick if is_quick() else full


def is_strict() -> bool:
    """True under ``MNIST_COURSE_STRICT=1`` (``make run``, ``make quick``, CI): missed targets raise (notebook 01).

    Off in an interactive session, where a missed target prints a warning and the notebook goes on.
    """
    return bool(parse_bool("MNIST_COURSE_STRICT"))


def _automatic(name: str) -> bool:
    setting = parse_bool(name, default=None)
    if setting is not None:
        return setting
    if os.environ.get("CI"):
        return False
    return _in_a_kernel() or sys.stderr.isatty()


def progress_enabled() -> bool:
    """Whether progress bars show (notebook 05): ``MNIST_COURSE_PROGRESS`` if set; off under ``CI``; else on when
    someone watches."""
    return _automatic("MNIST_COURSE_PROGRESS")


def live_enabled() -> bool:
    """Whether ``fit`` redraws its curves each epoch: ``MNIST_COURSE_LIVE`` if set; else in an interactive kernel
    that is not executed by the runner or CI (notebook 05)."""
    setting = parse_bool("MNIST_COURSE_LIVE", default=None)
    if setting is not None:
        return setting
    if os.environ.get("CI") or is_strict() or notebook_name() is not None:
        return False
    return _in_a_kernel()


def _in_a_kernel() -> bool:
    """True inside a Jupyter or Colab kernel (not merely when ipykernel was imported, as nbval does)."""
    if "IPython" not in sys.modules:
        return False
    shell = sys.modules["IPython"].get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def lecture_cache_enabled() -> bool:
    """True under ``MNIST_COURSE_LECTURE_CACHE=1`` (``make lecture``), never in a strict run (notebook 11), nor with
    a seed offset (:func:`seed_offset`), whose trainings must differ from the prepared ones."""
    return bool(parse_bool("MNIST_COURSE_LECTURE_CACHE")) and not is_strict() and seed_offset() == 0


# ----------------------------------------------------------------------------------------------- runner


def results_file() -> Path | None:
    """The file that :func:`mnist_course.results.record` appends to (``MNIST_COURSE_RESULTS``), if any (notebook 01)."""
    path = _text("MNIST_COURSE_RESULTS")
    return Path(path) if path else None


def notebook_name() -> str | None:
    """The notebook the runner is executing (``MNIST_COURSE_NOTEBOOK``), if any (notebook 01)."""
    return _text("MNIST_COURSE_NOTEBOOK")


# ----------------------------------------------------------------------------------------------- data


def data_root() -> Path:
    """The folder that holds ``MNIST/raw`` and ``FashionMNIST/raw`` (notebook 02).

    ``MNIST_COURSE_DATA`` if set; else the repository's ``data/`` when the package runs from a checkout;
    else a per-user cache folder (``$XDG_CACHE_HOME/mnist-course`` or ``~/.cache/mnist-course``).
    """
    env = _text("MNIST_COURSE_DATA")
    if env:
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "data").is_dir():
        return checkout / "data"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "mnist-course"


def mirror_list(variable: str = "MNIST_COURSE_MIRRORS") -> list[str]:
    """The comma-separated folders or URLs in a mirrors variable, in order (notebook 02)."""
    if variable not in SWITCHES:
        raise ValueError(f"{variable} is not one of the course's switches: {', '.join(SWITCHES)}")
    return [m.strip() for m in os.environ.get(variable, "").split(",") if m.strip()]


# ----------------------------------------------------------------------------------------------- seeding, device


def seed_offset() -> int:
    """``MNIST_COURSE_SEED_OFFSET``, 0 when unset (notebook 01): the number :func:`seed_everything` and
    :class:`~mnist_course.data.TensorBatches` add to every seed, so ``make spread`` can re-run a notebook with other
    initial weights, dropout and augmentation draws and batch order. ``ValueError`` unless it is a whole number 0 or
    more. The validation split and notebook 08's judge never use it: they are the course's instruments.
    """
    raw = os.environ.get("MNIST_COURSE_SEED_OFFSET", "").strip()
    if raw == "":
        return 0
    try:
        offset = int(raw)
    except ValueError:
        offset = -1
    if offset < 0:
        raise ValueError(
            f"MNIST_COURSE_SEED_OFFSET={os.environ['MNIST_COURSE_SEED_OFFSET']!r} is not a whole number 0 or more: "
            "write e.g. MNIST_COURSE_SEED_OFFSET=1, or leave it unset (0) for the course's own seeds"
        )
    return offset


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and GPU) so a re-run gives the same numbers (notebook 01).

    The seed used is ``seed`` plus :func:`seed_offset` (``MNIST_COURSE_SEED_OFFSET``, 0 unless ``make spread``
    sets it), so with the offset unset every number is the course's own.
    """
    seed = seed + seed_offset()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True


def device() -> torch.device:
    """The fastest device here: CUDA, then Apple's MPS, then the CPU (notebook 01)."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
