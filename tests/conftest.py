"""Shared fixtures. Tests never touch the internet: the public mirrors are switched off for every test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from mnist_course import data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED_MNIST = Path(
    os.environ.get("MNIST_COURSE_MIRRORS", "").split(",")[0] or ROOT.parent / "shared" / "data" / "mnist"
)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No public mirrors in tests: only what a test names may be tried."""
    monkeypatch.setattr(data, "PUBLIC_MIRRORS", [])
    monkeypatch.delenv("MNIST_COURSE_RESULTS", raising=False)
    monkeypatch.delenv("MNIST_COURSE_QUICK", raising=False)
    monkeypatch.delenv("MNIST_COURSE_STRICT", raising=False)
    monkeypatch.delenv("MNIST_COURSE_NOTEBOOK", raising=False)


@pytest.fixture(scope="session")
def mnist_gz() -> Path:
    """The folder with the four original .gz files (CI: ../shared/data/mnist)."""
    if not (SHARED_MNIST / "train-labels-idx1-ubyte.gz").is_file():
        pytest.fail(f"the MNIST originals are not at {SHARED_MNIST}; set MNIST_COURSE_MIRRORS to their folder")
    return SHARED_MNIST


@pytest.fixture
def mirror_copy(tmp_path, mnist_gz) -> Path:
    """A writable copy of the original files, for tests that damage one."""
    folder = tmp_path / "mirror"
    shutil.copytree(mnist_gz, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    return folder
