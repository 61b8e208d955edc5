"""MNIST and Fashion-MNIST on disk and in memory: download, verify, load, scale and batch.

Introduced in notebook 02 (Datasets); every later notebook loads its data through here.

The cache uses torchvision's layout, ``<root>/MNIST/raw/*-ubyte`` and ``<root>/FashionMNIST/raw/*-ubyte``, so
``torchvision.datasets.MNIST(root)`` and ``torchvision.datasets.FashionMNIST(root)`` read the very same files.
Both datasets ship as the same four IDX files (60,000 training and 10,000 test images of 28×28 pixels, ten
classes); one table, :data:`DATASETS`, holds what differs: folder, public hosts, checksums and class names.

For instructors, ``python -m mnist_course.data --download`` (in Colab ``!python -m mnist_course.data --download``)
fetches and verifies both datasets before class, so no notebook waits on a download host mid-lecture (:func:`main`).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.metadata
import os
import shutil
import sys
import tempfile
import textwrap
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np
import torch

from mnist_course.settings import data_root, mirror_list, progress_enabled, seed_offset

__all__ = [
    "DATASETS",
    "FASHION_CLASSES",
    "MNIST_CLASSES",
    "USER_AGENT",
    "VALIDATION_SEED",
    "VALIDATION_SIZE",
    "MNISTDownloadError",
    "Splits",
    "TensorBatches",
    "as_image_batch",
    "check_shape",
    "class_names",
    "data_root",
    "download_mnist",
    "load_mnist",
    "load_splits",
    "main",
    "mean_std",
    "mirrors",
    "read_idx",
    "split_indices",
    "standardize",
    "to_unit",
]

TIMEOUT_SECONDS = 30

MNIST_CLASSES = tuple(str(d) for d in range(10))
FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def _user_agent() -> str:
    """``mnist-course/<version> (+<repository>)`` from the installed package's metadata; just the name without it."""
    try:
        meta = importlib.metadata.metadata("mnist-course")
    except importlib.metadata.PackageNotFoundError:
        return "mnist-course"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [] if ", " in u)
    repository = urls.get("Repository")
    return f"mnist-course/{meta['Version']}" + (f" (+{repository})" if repository else "")


#: How downloads introduce themselves to a web server.
USER_AGENT = _user_agent()


@dataclass(frozen=True)
class _File:
    name: str  # the uncompressed file name, as torchvision stores it
    gz_md5: str  # MD5 of the public .gz (the one torchvision checks)
    raw_md5: str  # MD5 of the uncompressed file
    raw_size: int


@dataclass(frozen=True)
class _Dataset:
    title: str  # the name people write
    folder: str  # <root>/<folder>/raw, torchvision's class name
    variable: str  # the settings switch with this dataset's own mirrors
    classes: tuple[str, ...]
    files: dict[str, tuple[_File, _File]]  # split -> (images, labels)
    public: tuple[str, ...]  # public hosts, tried in this order after the variable's mirrors


def _files(train: tuple[str, str, str, str], test: tuple[str, str, str, str]) -> dict[str, tuple[_File, _File]]:
    """The four files of a dataset from their MD5s: (images .gz, images raw, labels .gz, labels raw) per split."""
    # Header (16 bytes for images, 8 for labels) + N·784 pixels or N labels, the same for both datasets.
    sizes = {"train": (47_040_016, 60_008), "test": (7_840_016, 10_008)}
    prefix = {"train": "train", "test": "t10k"}
    return {
        split: (
            _File(f"{prefix[split]}-images-idx3-ubyte", md5s[0], md5s[1], sizes[split][0]),
            _File(f"{prefix[split]}-labels-idx1-ubyte", md5s[2], md5s[3], sizes[split][1]),
        )
        for split, md5s in (("train", train), ("test", test))
    }


#: Every dataset the course loads. The .gz MD5s are the public files' (as torchvision checks them); a copy
#: compressed again elsewhere (Debian's, for Fashion-MNIST) has another .gz MD5 and is accepted when what it
#: unpacks to has the original's size and MD5. ``public`` lists the public hosts, tried after the ones in the
#: dataset's mirrors variable: for MNIST the ones that still answer come first (the original site, last, has
#: answered 403/404 since 2024); for Fashion-MNIST, Zalando's own bucket (the one torchvision uses), then the
#: dataset's GitHub repository, which serves the same .gz files (plain files in git, not Git LFS pointers).
DATASETS: dict[str, _Dataset] = {
    "mnist": _Dataset(
        "MNIST",
        "MNIST",
        "MNIST_COURSE_MIRRORS",
        MNIST_CLASSES,
        _files(
            train=(
                "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                "6bbc9ace898e44ae57da46a324031adb",
                "d53e105ee54ea40749a09fcbcd1e9432",
                "a25bea736e30d166cdddb491f175f624",
            ),
            test=(
                "9fb629c4189551a2d022fa330f9573f3",
                "2646ac647ad5339dbf082846283269ea",
                "ec29112dd5afa0611ce80d1b7f02629c",
                "27ae3e4e09519cfbb04c329615203637",
            ),
        ),
        public=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ),
    ),
    "fashion": _Dataset(
        "Fashion-MNIST",
        "FashionMNIST",
        "MNIST_COURSE_FASHION_MIRRORS",
        FASHION_CLASSES,
        _files(
            train=(
                "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                "f4a8712d7a061bf5bd6d2ca38dc4d50a",
                "25c81989df183df01b3e8a0aad5dffbe",
                "9018921c3c673c538a1fc5bad174d6f9",
            ),
            test=(
                "bef4ecab320f06d8554ea6380940ec79",
                "8181f5470baa50b63fa0f6fddb340f0a",
                "bb300cfdad3c16e7a12a480ee83cd310",
                "15d484375f8d13e6eb1aabb0c3f46965",
            ),
        ),
        public=(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        ),
    ),
}

# Private copies of loaded splits, keyed by (dataset, root, split); callers get clones.
_CACHE: dict[tuple[str, str, str], tuple[torch.Tensor, torch.Tensor]] = {}


class MNISTDownloadError(RuntimeError):
    """Raised when no mirror could deliver a correct copy of an MNIST or Fashion-MNIST file."""


def _dataset(dataset: str) -> _Dataset:
    if dataset not in DATASETS:
        raise ValueError(f"Unknown dataset {dataset!r}: use one of {', '.join(map(repr, DATASETS))}.")
    return DATASETS[dataset]


def _check_split(split: str) -> None:
    if split not in ("train", "test"):
        raise ValueError(f"Unknown split {split!r}: use 'train' or 'test'.")


def class_names(dataset: str = "mnist") -> tuple[str, ...]:
    """The ten class names, label order, for titles and legends (notebook 02): ``"0"``..``"9"`` for MNIST,
    :data:`FASHION_CLASSES` for ``"fashion"``."""
    return _dataset(dataset).classes


# ----------------------------------------------------------------------------------------------- where


def mirrors(dataset: str = "mnist") -> list[str]:
    """Mirrors to try, in order: the dataset's variable (``MNIST_COURSE_MIRRORS`` or
    ``MNIST_COURSE_FASHION_MIRRORS``, comma-separated URLs or folders), then its public hosts (notebook 02)."""
    ds = _dataset(dataset)
    return mirror_list(ds.variable) + list(ds.public)


# ----------------------------------------------------------------------------------------------- fetch


def _md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _is_valid_raw(path: Path, spec: _File) -> bool:
    return path.is_file() and path.stat().st_size == spec.raw_size and _md5(path) == spec.raw_md5


def _fetch(mirror: str, filename: str, dest: BinaryIO, progress: bool) -> None:
    """Copy ``mirror/filename`` into the open binary file ``dest``."""
    if mirror.startswith(("http://", "https://")):
        url = mirror.rstrip("/") + "/" + filename
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            from tqdm.auto import tqdm

            with tqdm(total=total, unit="B", unit_scale=True, desc=filename, disable=not progress) as bar:
                for chunk in iter(lambda: response.read(1 << 16), b""):
                    dest.write(chunk)
                    bar.update(len(chunk))
    else:
        source = Path(mirror.removeprefix("file://")).expanduser() / filename
        with open(source, "rb") as f:
            shutil.copyfileobj(f, dest)


def _unpack(gz: Path, dest: BinaryIO, limit: int) -> None:
    """Decompress ``gz`` into ``dest``, stopping with an error past ``limit`` bytes (a wrong or hostile file)."""
    written = 0
    with gzip.open(gz, "rb") as g:
        for chunk in iter(lambda: g.read(1 << 20), b""):
            written += len(chunk)
            if written > limit:
                raise ValueError(f"it unpacks to more than the original's {limit} bytes")
            dest.write(chunk)


def _download_one(
    spec: _File, raw_dir: Path, sources: list[str], variable: str, progress: bool
) -> tuple[str | None, list[str]]:
    """Fetch, unpack and verify one file; returns the mirror it came from (``None`` when none delivered) and the
    failures seen before that, one line per mirror.

    A .gz is accepted when what it unpacks to has the original's size and MD5: the public .gz (whose MD5 is
    ``spec.gz_md5``) does, and so does a copy compressed again by someone else.
    """
    gz_name = spec.name + ".gz"
    failures = [] if sources else [f"no mirror to try ({variable} is empty and there are no public ones)"]
    for mirror in sources:
        tmp_gz = tmp_raw = None
        try:
            with tempfile.NamedTemporaryFile(dir=raw_dir, prefix=".part-", suffix=".gz", delete=False) as f:
                tmp_gz = Path(f.name)
                _fetch(mirror, gz_name, f, progress)
            got = _md5(tmp_gz)
            why = "" if got == spec.gz_md5 else f"its MD5 {got} is not the public .gz's {spec.gz_md5} and "
            with tempfile.NamedTemporaryFile(dir=raw_dir, prefix=".part-", delete=False) as f:
                tmp_raw = Path(f.name)
                try:
                    _unpack(tmp_gz, f, spec.raw_size)
                except (OSError, EOFError, ValueError, zlib.error) as e:  # gzip.BadGzipFile is an OSError
                    raise ValueError(f"{why}it does not unpack ({type(e).__name__}: {e})") from e
            if not _is_valid_raw(tmp_raw, spec):
                raise ValueError(f"{why}the file it unpacks to does not match the original (size and MD5)")
            # Rename into place only once both files are complete and verified.
            for tmp, final in ((tmp_gz, raw_dir / gz_name), (tmp_raw, raw_dir / spec.name)):
                os.chmod(tmp, 0o644)  # temporary files are private; the cache is not
                os.replace(tmp, final)
            return mirror, failures
        except Exception as e:  # noqa: BLE001 - any failure means: try the next mirror
            failures.append(f"{mirror}: {type(e).__name__}: {e}")
        finally:
            for tmp in (tmp_gz, tmp_raw):
                if tmp is not None and tmp.exists():
                    tmp.unlink()
    return None, failures


def download_mnist(
    root: str | Path | None = None,
    splits: tuple[str, ...] = ("train", "test"),
    progress: bool | None = None,
    dataset: str = "mnist",
) -> Path:
    """Make sure the dataset's four files are in ``<root>/MNIST/raw`` (``FashionMNIST/raw`` for
    ``dataset="fashion"``) and intact; return that folder (notebook 02).

    ``splits`` limits the work to those splits' files. Files already there are verified (size and MD5) and
    fetched again when damaged. Each download goes to a temporary file that is renamed into place only after
    its checksum matches, so an interrupted download never leaves a half file behind. Mirrors are tried in the
    order :func:`mirrors` gives; :class:`MNISTDownloadError` names every file none of them could deliver.
    """
    ds, raw_dir, outcomes = _sync(root, splits, progress, dataset)
    missing = {name: o.failures for name, o in outcomes.items() if o.missing}
    if missing:
        raise MNISTDownloadError(_missing_message(ds, raw_dir, missing))
    return raw_dir


class _Outcome(NamedTuple):
    """What became of one file: already intact in the cache, downloaded from ``source``, or missing."""

    cached: bool
    source: str | None  # the mirror it came from; None when cached or when no mirror delivered it
    failures: list[str]  # one line per mirror that failed, in the order tried

    @property
    def missing(self) -> bool:
        return not self.cached and self.source is None


def _sync(
    root: str | Path | None,
    splits: tuple[str, ...],
    progress: bool | None,
    dataset: str,
    on_file: Callable[[str, _Outcome], None] | None = None,
) -> tuple[_Dataset, Path, dict[str, _Outcome]]:
    """The work of :func:`download_mnist`, file by file (keyed by .gz name), without raising for missing files;
    ``on_file(name, outcome)`` hears of each file as soon as it is settled.

    Raises :class:`MNISTDownloadError` only when the cache folder cannot be written."""
    ds = _dataset(dataset)
    unknown = [s for s in splits if s not in ds.files]
    if unknown:
        raise ValueError(f"Unknown split(s) {unknown}: use 'train' or 'test'.")
    root = Path(root) if root is not None else data_root()
    raw_dir = root / ds.folder / "raw"
    try:
        raw_dir.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=raw_dir, prefix=".probe-")
        probe.close()
    except OSError as e:
        raise MNISTDownloadError(
            f"Cannot write the {ds.title} cache at {raw_dir} ({e.strerror or e}). "
            "Set MNIST_COURSE_DATA to a folder you can write to."
        ) from e
    if progress is None:
        progress = progress_enabled()
    sources = mirrors(dataset)
    outcomes: dict[str, _Outcome] = {}
    for split in splits:
        for spec in ds.files[split]:
            if _is_valid_raw(raw_dir / spec.name, spec):
                outcome = _Outcome(True, None, [])
            else:
                outcome = _Outcome(False, *_download_one(spec, raw_dir, sources, ds.variable, progress))
            outcomes[spec.name + ".gz"] = outcome
            if on_file is not None:
                on_file(spec.name + ".gz", outcome)
    return ds, raw_dir, outcomes


def _missing_message(ds: _Dataset, raw_dir: Path, missing: dict[str, list[str]]) -> str:
    """The error for files no mirror delivered: each file with every mirror's failure, in the order tried, then
    the fix."""
    lines = [f"Could not get {len(missing)} {ds.title} file(s): {', '.join(missing)}."]
    for name, failures in missing.items():
        lines.append(f"  {name}:")
        lines.extend(f"    {f}" for f in failures)
    lines.append(
        f"Fix: set {ds.variable} to a folder or URL that holds the four {ds.title} .gz files "
        f"(comma-separated for several), or copy them into {raw_dir}."
    )
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------- read


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (the format MNIST ships in) into a NumPy array (notebook 02).

    The header is two zero bytes, a type code (0x08 = unsigned byte), the number of dimensions, then each
    dimension as a big-endian 32-bit integer; the data follows.
    """
    data = Path(path).read_bytes()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path} is not an IDX file: it must start with two zero bytes")
    if data[2] != 0x08:
        raise ValueError(f"{path}: type code 0x{data[2]:02x} is not 0x08 (unsigned byte), the only one MNIST uses")
    ndim = data[3]
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    offset = 4 + 4 * ndim
    expected = int(np.prod(dims))
    if len(data) - offset != expected:
        raise ValueError(f"{path}: header says {dims} = {expected} bytes, the file holds {len(data) - offset}")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(dims)


def _cached(split: str, root: str | Path | None, dataset: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The cache's own copy of a split: never hand these tensors out, only clones or indexed copies."""
    ds = _dataset(dataset)
    _check_split(split)
    root = Path(root) if root is not None else data_root()
    key = (dataset, str(root.resolve()), split)
    if key not in _CACHE:
        raw_dir = download_mnist(root, splits=(split,), dataset=dataset)
        images_spec, labels_spec = ds.files[split]
        images = torch.from_numpy(read_idx(raw_dir / images_spec.name).copy())
        labels = torch.from_numpy(read_idx(raw_dir / labels_spec.name).astype(np.int64))
        _CACHE[key] = (images, labels)
    return _CACHE[key]


def load_mnist(
    split: str = "train", root: str | Path | None = None, dataset: str = "mnist"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Load a split as ``(images, labels)`` (notebook 02); ``dataset="fashion"`` loads Fashion-MNIST.

    ``images`` is a uint8 tensor of shape N×28×28 (0 = background, 255 = full ink) and ``labels`` an int64
    tensor of shape N (:func:`class_names` gives the names). ``split`` is ``"train"`` (60,000) or ``"test"``
    (10,000). Downloads on first use; later loads in the same process come from memory. Each call returns
    fresh tensors that belong to the caller: writing into them never changes what the next load returns.
    """
    images, labels = _cached(split, root, dataset)
    return images.clone(), labels.clone()


# ----------------------------------------------------------------------------------------------- split

#: The course's one validation split: 10,000 of the 60,000 training images, drawn by a permutation seeded with 0.
VALIDATION_SIZE = 10_000
VALIDATION_SEED = 0


class Splits(NamedTuple):
    """The course's three splits, each an ``(images, labels)`` pair (notebook 02)."""

    train: tuple[torch.Tensor, torch.Tensor]
    val: tuple[torch.Tensor, torch.Tensor]
    test: tuple[torch.Tensor, torch.Tensor]


def split_indices(n: int, n_val: int, seed: int = VALIDATION_SEED) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded random split of ``range(n)`` into (training indices, validation indices) (notebook 02)."""
    if not 0 < n_val < n:
        raise ValueError(f"n_val must be between 1 and n - 1 = {n - 1}, got {n_val}")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return perm[n_val:], perm[:n_val]


def load_splits(n_val: int = VALIDATION_SIZE, seed: int = VALIDATION_SEED, dataset: str = "mnist") -> Splits:
    """The course's splits: 50,000 training, 10,000 validation (from the training file), 10,000 test (notebook 02).

    Every notebook from 02 on chooses recipes and watches epochs on ``val`` and touches ``test`` once, at the
    end. The split is :func:`split_indices` of the 60,000 training images with ``seed`` 0, the same on every run
    and the same indices for ``dataset="fashion"``. Images are uint8 N×28×28, labels int64 N, as
    :func:`load_mnist` returns them, and like its tensors they are the caller's own.
    """
    images, labels = _cached("train", None, dataset)
    fit_idx, val_idx = split_indices(len(images), n_val, seed)
    test_images, test_labels = _cached("test", None, dataset)
    # Indexing with a tensor of indices copies, so only the test pair needs an explicit clone.
    return Splits(
        train=(images[fit_idx], labels[fit_idx]),
        val=(images[val_idx], labels[val_idx]),
        test=(test_images.clone(), test_labels.clone()),
    )


# ----------------------------------------------------------------------------------------------- scale


def _check_images(images: torch.Tensor, name: str = "images") -> None:
    if not isinstance(images, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(images).__name__}")
    if images.ndim < 2 or tuple(images.shape[-2:]) != (28, 28):
        raise ValueError(f"{name} must have shape (..., 28, 28), e.g. N×28×28 or N×1×28×28; got {tuple(images.shape)}")


def check_shape(x: torch.Tensor, shape: tuple[int | None, ...], name: str = "x") -> torch.Tensor:
    """Return ``x`` if it is a tensor of this shape (``None`` = any size); else raise a ``ValueError`` that shows
    the shape wanted, e.g. ``N×3×H×W``, and the one given. The package's one shape check for model inputs."""
    given = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
    if (
        not isinstance(x, torch.Tensor)
        or x.ndim != len(shape)
        or any(w not in (None, g) for w, g in zip(shape, x.shape))
    ):
        letters = "NCHW" if len(shape) == 4 else "N" + "*" * len(shape)  # batch, channels, height, width
        want = "×".join(str(w) if w is not None else letters[i] for i, w in enumerate(shape))
        raise ValueError(f"{name} must have shape {want}, got {given}")
    return x


def as_image_batch(images: torch.Tensor, name: str = "images") -> torch.Tensor:
    """Float pixels N×784, N×28×28 or N×1×28×28 as an N×1×28×28 float32 batch (notebooks 07 and 08).

    The shared input check of the autoencoders and the generated-digit judge: raises ``ValueError`` naming the
    accepted shapes, or asking for :func:`to_unit` when the pixels are still integers.
    """
    if not isinstance(images, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(images).__name__}")
    shape = tuple(images.shape)
    if shape[1:] not in ((784,), (28, 28), (1, 28, 28)):
        raise ValueError(f"{name} must have shape N×784, N×28×28 or N×1×28×28, got {shape}")
    if not images.is_floating_point():
        raise ValueError(
            f"{name} must hold float pixels in [0, 1], got {images.dtype}: scale them with mnist_course.data.to_unit"
        )
    return images.reshape(len(images), 1, 28, 28).float()


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """Scale uint8 pixels 0..255 to float32 in [0, 1] (notebook 02). Shape is kept."""
    _check_images(images)
    if images.dtype != torch.uint8:
        raise ValueError(
            f"images must be uint8 pixels 0..255, got dtype {images.dtype}; float images are already scaled"
        )
    return images.float().div_(255.0)


def mean_std(images: torch.Tensor) -> tuple[float, float]:
    """Mean and standard deviation of all pixels after scaling to [0, 1] (notebook 02).

    Compute these on the training set only, and use them for every split.
    """
    x = to_unit(images) if images.dtype == torch.uint8 else images.float()
    return float(x.mean()), float(x.std())


def standardize(images: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    """Scale to [0, 1], then shift and divide so the training pixels have mean 0 and std 1 (notebook 02)."""
    _check_images(images)
    if std <= 0:
        raise ValueError(f"std must be positive, got {std}")
    x = to_unit(images) if images.dtype == torch.uint8 else images.float()
    return (x - mean) / std


# ----------------------------------------------------------------------------------------------- batch


class TensorBatches:
    """Mini-batches from tensors already in memory: a fast stand-in for ``DataLoader`` (notebook 02).

    Each epoch draws a fresh permutation from a generator seeded with ``seed``, so epoch k is the same on
    every run. ``x`` and ``y`` are moved to ``device`` once, and batches are slices of one shuffled copy.
    The generator's seed is ``seed`` plus :func:`mnist_course.settings.seed_offset` (0 unless ``make spread``
    sets ``MNIST_COURSE_SEED_OFFSET``); ``fixed_seed=True`` uses ``seed`` as given, for the course's instruments
    (such as notebook 08's judge) that must not change with the offset.

    >>> batches = TensorBatches(x, y, batch_size=128, shuffle=True, seed=0)
    >>> for xb, yb in batches: ...
    """

    def __init__(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        batch_size: int = 128,
        shuffle: bool = True,
        seed: int = 0,
        device: torch.device | str | None = None,
        drop_last: bool = False,
        fixed_seed: bool = False,
    ) -> None:
        if not isinstance(x, torch.Tensor) or not isinstance(y, torch.Tensor):
            raise ValueError("x and y must be torch tensors")
        if x.ndim == 0 or y.ndim == 0 or len(x) != len(y):
            raise ValueError(
                f"x and y must have the same first dimension (one label per example): got x {tuple(x.shape)}, "
                f"y {tuple(y.shape)}"
            )
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.x = x.to(device) if device is not None else x
        self.y = y.to(device) if device is not None else y
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = torch.Generator().manual_seed(seed if fixed_seed else seed + seed_offset())

    def __len__(self) -> int:
        n = len(self.x)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        x, y = self.x, self.y
        if self.shuffle:
            perm = torch.randperm(len(x), generator=self.generator).to(x.device)
            x, y = x[perm], y[perm]
        for i in range(len(self)):
            sl = slice(i * self.batch_size, (i + 1) * self.batch_size)
            yield x[sl], y[sl]


# ----------------------------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """``python -m mnist_course.data --download``: fetch and verify both datasets now (for instructors; the data
    layer itself is notebook 02's).

    Run it before class, on the machine or in the Colab runtime (``!python -m mnist_course.data --download``), so
    no notebook waits on a download host mid-lecture. Prints, per dataset, its folder and one line per file
    (``ok, already there``, ``downloaded from <host>`` or why it failed); returns 0 when every file is there and
    intact, else 1 after printing the error to stderr. The cache folder (``MNIST_COURSE_DATA``) and the mirrors
    tried first (``MNIST_COURSE_MIRRORS``, ``MNIST_COURSE_FASHION_MIRRORS``) come from :mod:`mnist_course.settings`.
    """
    about = (
        "Fetch and verify the course's datasets (MNIST and Fashion-MNIST) now, so no notebook waits on a download "
        "host mid-lecture. An instructor runs it before class, on the machine or in the Colab runtime: "
        "!python -m mnist_course.data --download. Files already there and intact are kept. The folder is "
        "MNIST_COURSE_DATA (default: data/ in a checkout, else ~/.cache/mnist-course); the mirrors in "
        "MNIST_COURSE_MIRRORS and MNIST_COURSE_FASHION_MIRRORS are tried before the public hosts."
    )
    hosts = ["public hosts, in the order tried:"]
    for ds in DATASETS.values():
        hosts += [f"  {ds.title}:", *(f"    {url}" for url in ds.public)]
    parser = argparse.ArgumentParser(
        prog="python -m mnist_course.data",
        description=textwrap.fill(about, 79, break_on_hyphens=False),
        epilog="\n".join(hosts),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--download", action="store_true", help="fetch and verify the datasets (required)")
    parser.add_argument(
        "--dataset",
        choices=list(DATASETS),
        action="append",
        help="only this dataset (repeat for several; default: all)",
    )
    args = parser.parse_args(argv)
    if not args.download:
        parser.error("nothing to do: add --download to fetch and verify the datasets")
    errors = []
    for dataset in dict.fromkeys(args.dataset or DATASETS):
        ds = DATASETS[dataset]
        print(f"{ds.title} in {data_root() / ds.folder / 'raw'}:", flush=True)
        try:
            _, raw_dir, outcomes = _sync(None, tuple(ds.files), None, dataset, on_file=_print_outcome)
        except MNISTDownloadError as e:
            print("  FAILED: the folder cannot be written", flush=True)
            errors.append(str(e))
            continue
        missing = {name: o.failures for name, o in outcomes.items() if o.missing}
        if missing:
            errors.append(_missing_message(ds, raw_dir, missing))
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    return 0


def _print_outcome(name: str, outcome: _Outcome) -> None:
    """One line for one file of :func:`main`: ok, downloaded from where (after which mirrors failed), or failed."""
    if outcome.cached:
        status = "ok, already there"
    elif outcome.source is not None:
        failed = [f.split(": ", 1)[0] for f in outcome.failures]  # each failure reads "<mirror>: <why>"
        status = f"downloaded from {outcome.source}" + (f" (after {', '.join(failed)} failed)" if failed else "")
    else:
        status = f"FAILED on every mirror (last: {outcome.failures[-1]})"
    print(f"  {name.removesuffix('.gz')}: {status}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
