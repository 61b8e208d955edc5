"""Shared fixtures. Tests never touch the internet: the public mirrors are switched off for every test.

The original .gz files come from, in order: the first folder in the dataset's mirrors variable
(``MNIST_COURSE_MIRRORS`` / ``MNIST_COURSE_FASHION_MIRRORS``), ``../shared/data/<mnist|fashion-mnist>`` beside the
repository (CI), or the data root's cache (``data/MNIST/raw`` after ``make run``), .gz or unpacked files.
"""

from __future__ import annotations

import dataclasses
import gzip
import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from mnist_course import data, settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = {
    "mnist": ROOT.parent / "shared" / "data" / "mnist",
    "fashion": ROOT.parent / "shared" / "data" / "fashion-mnist",
}


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No public hosts in tests: only what a test names may be tried."""
    for name, ds in list(data.DATASETS.items()):
        monkeypatch.setitem(data.DATASETS, name, dataclasses.replace(ds, public=()))
    monkeypatch.delenv("MNIST_COURSE_RESULTS", raising=False)
    monkeypatch.delenv("MNIST_COURSE_QUICK", raising=False)
    monkeypatch.delenv("MNIST_COURSE_STRICT", raising=False)
    monkeypatch.delenv("MNIST_COURSE_NOTEBOOK", raising=False)


def _gz_names(dataset: str) -> list[str]:
    return [f.name + ".gz" for pair in data.DATASETS[dataset].files.values() for f in pair]


def find_originals(dataset: str, scratch: Path) -> Path | None:
    """A folder with the dataset's four .gz files, or None. Unpacked files in the data root are packed into
    ``scratch`` (a re-compressed .gz is accepted because its contents verify)."""
    ds = data.DATASETS[dataset]
    env = [
        Path(m.removeprefix("file://")).expanduser()
        for m in settings.mirror_list(ds.variable)
        if "://" not in m or m.startswith("file://")
    ]
    cache = settings.data_root() / ds.folder / "raw"
    for folder in [*env[:1], SHARED[dataset], cache]:
        if all((folder / n).is_file() for n in _gz_names(dataset)):
            return folder
    if all((cache / n.removesuffix(".gz")).is_file() for n in _gz_names(dataset)):
        scratch.mkdir(parents=True, exist_ok=True)
        for n in _gz_names(dataset):
            with open(cache / n.removesuffix(".gz"), "rb") as src, gzip.open(scratch / n, "wb", compresslevel=1) as dst:
                shutil.copyfileobj(src, dst)
        return scratch
    return None


def _originals(dataset: str, tmp_path_factory) -> Path:
    folder = find_originals(dataset, tmp_path_factory.mktemp(f"{dataset}-packed"))
    if folder is None:
        ds = data.DATASETS[dataset]
        pytest.fail(
            f"the {ds.title} files are not in {ds.variable}, {SHARED[dataset]} or "
            f"{settings.data_root() / ds.folder / 'raw'}: set {ds.variable} to their folder or run `make run` once"
        )
    return folder


@pytest.fixture(scope="session")
def mnist_gz(tmp_path_factory) -> Path:
    """The folder with the four MNIST .gz files (CI: ../shared/data/mnist)."""
    return _originals("mnist", tmp_path_factory)


@pytest.fixture(scope="session")
def fashion_gz(tmp_path_factory) -> Path:
    """The folder with the four Fashion-MNIST .gz files (CI: ../shared/data/fashion-mnist)."""
    return _originals("fashion", tmp_path_factory)


@pytest.fixture(params=["mnist", "fashion"])
def dataset(request) -> str:
    """Run a test once per dataset."""
    return request.param


@pytest.fixture
def originals(request, dataset) -> Path:
    """The .gz folder of the test's ``dataset``."""
    return request.getfixturevalue(f"{dataset}_gz")


@pytest.fixture
def mirror_copy(tmp_path, originals) -> Path:
    """A writable copy of the dataset's original files, for tests that damage one."""
    folder = tmp_path / "mirror"
    shutil.copytree(originals, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    return folder
