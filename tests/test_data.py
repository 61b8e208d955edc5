"""mnist_course.data: download from mirrors, verification, loading, scaling and batching, for both datasets.

Tests that take the ``dataset`` fixture run once for MNIST and once for Fashion-MNIST (see conftest.py).
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import http.server
import importlib.metadata
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from torch.utils.data import DataLoader, TensorDataset

from mnist_course import data, settings
from mnist_course.data import (
    DATASETS,
    FASHION_CLASSES,
    MNISTDownloadError,
    TensorBatches,
    as_image_batch,
    class_names,
    data_root,
    download_mnist,
    load_mnist,
    load_splits,
    mean_std,
    read_idx,
    split_indices,
    standardize,
    to_unit,
)

LABELS = "train-labels-idx1-ubyte"
PUBLIC = {name: ds.public for name, ds in DATASETS.items()}  # before the offline fixture empties them
GITHUB_FASHION = "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"
TORCHVISION = {"mnist": torchvision.datasets.MNIST, "fashion": torchvision.datasets.FashionMNIST}


@pytest.fixture
def serve():
    """Start loopback HTTP servers; yields a function (folder=None, handler=None) -> base URL."""
    servers = []

    def start(folder: Path | None = None, handler=None):
        handler = handler or functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _leftovers(raw: Path) -> list[str]:
    return sorted(p.name for p in raw.iterdir() if p.name.startswith("."))


def _use_mirrors(monkeypatch, dataset: str, value: str) -> None:
    monkeypatch.setenv(DATASETS[dataset].variable, value)


def _raw(root: Path, dataset: str) -> Path:
    return root / DATASETS[dataset].folder / "raw"


def _from_files(root: Path, dataset: str, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A split read straight from the cached files, bypassing load_mnist."""
    images, labels = (read_idx(_raw(root, dataset) / f.name) for f in DATASETS[dataset].files[split])
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


# ----------------------------------------------------------------------------------------------- loading


@pytest.fixture(scope="module")
def good_root(tmp_path_factory, mnist_gz, fashion_gz):
    """One data root holding both datasets, downloaded from the originals' folders."""
    root = tmp_path_factory.mktemp("root")
    with pytest.MonkeyPatch.context() as mp:
        for name, ds in list(DATASETS.items()):
            mp.setitem(DATASETS, name, dataclasses.replace(ds, public=()))
        mp.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
        mp.setenv("MNIST_COURSE_FASHION_MIRRORS", str(fashion_gz))
        for dataset in DATASETS:
            download_mnist(root, progress=False, dataset=dataset)
    return root


def test_load_train_and_test_shapes_and_dtypes(good_root, dataset):
    x, y = load_mnist("train", root=good_root, dataset=dataset)
    assert x.shape == (60000, 28, 28) and x.dtype == torch.uint8
    assert y.shape == (60000,) and y.dtype == torch.int64
    xt, yt = load_mnist("test", root=good_root, dataset=dataset)
    assert xt.shape == (10000, 28, 28) and yt.shape == (10000,)
    assert int(x.max()) == 255 and int(x.min()) == 0
    assert sorted(torch.unique(y).tolist()) == list(range(10))


def test_the_two_datasets_are_different_files(good_root):
    mnist, fashion = (load_mnist("test", root=good_root, dataset=d)[0] for d in ("mnist", "fashion"))
    assert not torch.equal(mnist, fashion)
    # Clothes cover far more of the picture than pen strokes do.
    assert float((fashion > 0).float().mean()) > 2 * float((mnist > 0).float().mean())


def test_writing_into_a_loaded_tensor_never_changes_the_next_load(good_root, dataset):
    for split in ("train", "test"):
        x, y = load_mnist(split, root=good_root, dataset=dataset)
        x.zero_()
        y.fill_(7)
        x2, y2 = load_mnist(split, root=good_root, dataset=dataset)
        fx, fy = _from_files(good_root, dataset, split)
        assert torch.equal(x2, fx) and torch.equal(y2, fy)  # bit-identical with the files
        assert x2.data_ptr() != x.data_ptr()


def test_writing_into_the_splits_never_changes_the_next_load(good_root, dataset, monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_DATA", str(good_root))
    first = load_splits(dataset=dataset)
    for images, labels in first:
        images.fill_(1)
        labels.fill_(3)
    again = load_splits(dataset=dataset)
    fx, fy = _from_files(good_root, dataset, "train")
    fit_idx, val_idx = split_indices(60000, 10000, seed=0)
    assert torch.equal(again.train[0], fx[fit_idx]) and torch.equal(again.train[1], fy[fit_idx])
    assert torch.equal(again.val[0], fx[val_idx]) and torch.equal(again.val[1], fy[val_idx])
    tx, ty = _from_files(good_root, dataset, "test")
    assert torch.equal(again.test[0], tx) and torch.equal(again.test[1], ty)
    assert torch.equal(load_mnist("train", dataset=dataset)[0], fx)


def test_both_datasets_use_the_same_split_indices(good_root, monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_DATA", str(good_root))
    fit_idx, val_idx = split_indices(60000, 10000, seed=0)
    for dataset in DATASETS:
        splits = load_splits(dataset=dataset)
        _, y = _from_files(good_root, dataset, "train")
        assert torch.equal(splits.val[1], y[val_idx]) and torch.equal(splits.train[1], y[fit_idx])
        assert [len(s[0]) for s in splits] == [50000, 10000, 10000]


def test_torchvision_reads_the_same_cache(good_root, dataset):
    x, y = load_mnist("test", root=good_root, dataset=dataset)
    tv = TORCHVISION[dataset](str(good_root), train=False, download=False)
    assert torch.equal(tv.data, x) and torch.equal(tv.targets, y)


def test_class_names():
    assert class_names("fashion") == FASHION_CLASSES == tuple(torchvision.datasets.FashionMNIST.classes)
    assert class_names() == tuple("0123456789")
    with pytest.raises(ValueError, match="'mnist', 'fashion'"):
        class_names("kmnist")


def test_unknown_split_or_dataset_is_rejected(good_root):
    with pytest.raises(ValueError, match="'train' or 'test'"):
        load_mnist("validation", root=good_root)
    with pytest.raises(ValueError, match="'train' or 'test'"):
        download_mnist(good_root, splits=("dev",))
    for call in (
        lambda: load_mnist("train", root=good_root, dataset="Fashion"),
        lambda: download_mnist(good_root, dataset="emnist"),
        lambda: load_splits(dataset="cifar"),
    ):
        with pytest.raises(ValueError, match="Unknown dataset .*'mnist', 'fashion'"):
            call()


def test_cache_files_are_readable_by_others(good_root, dataset):
    for spec in DATASETS[dataset].files["test"]:
        assert (_raw(good_root, dataset) / spec.name).stat().st_mode & 0o044 == 0o044


# ----------------------------------------------------------------------------------------------- mirrors


def test_download_over_loopback_http(tmp_path, monkeypatch, serve, dataset, originals):
    _use_mirrors(monkeypatch, dataset, serve(originals))
    raw = download_mnist(tmp_path, splits=("test",), progress=False, dataset=dataset)
    assert raw == _raw(tmp_path, dataset)
    x, y = load_mnist("test", root=tmp_path, dataset=dataset)
    assert x.shape == (10000, 28, 28) and y.shape == (10000,)
    files = DATASETS[dataset].files["test"]
    assert sorted(p.name for p in raw.iterdir()) == sorted([s.name for s in files] + [s.name + ".gz" for s in files])


def test_fashion_train_downloads_over_http_from_recompressed_files(tmp_path, monkeypatch, serve, fashion_gz):
    """Debian's re-compressed .gz files have other MD5s than the public ones; their contents verify."""
    public = DATASETS["fashion"].files["train"][0].gz_md5
    monkeypatch.setenv("MNIST_COURSE_FASHION_MIRRORS", serve(fashion_gz))
    x, y = load_mnist("train", root=tmp_path, dataset="fashion")
    assert x.shape == (60000, 28, 28) and x.dtype == torch.uint8
    assert y.shape == (60000,) and y.dtype == torch.int64
    got = data._md5(_raw(tmp_path, "fashion") / "train-images-idx3-ubyte.gz")
    assert got == data._md5(fashion_gz / "train-images-idx3-ubyte.gz")
    if got == public:
        pytest.skip("these are the public .gz files, not re-compressed ones: the fallback was not exercised")


def test_a_recompressed_copy_is_accepted(tmp_path, monkeypatch, mirror_copy, dataset):
    target = mirror_copy / (LABELS + ".gz")
    target.write_bytes(gzip.compress(gzip.decompress(target.read_bytes()), compresslevel=1, mtime=0))
    assert data._md5(target) != DATASETS[dataset].files["train"][1].gz_md5
    _use_mirrors(monkeypatch, dataset, str(mirror_copy))
    raw = download_mnist(tmp_path, splits=("train",), progress=False, dataset=dataset)
    assert data._is_valid_raw(raw / LABELS, DATASETS[dataset].files["train"][1])


def test_a_file_that_unpacks_too_large_is_stopped(tmp_path, monkeypatch, mirror_copy, dataset):
    (mirror_copy / (LABELS + ".gz")).write_bytes(gzip.compress(bytes(1_000_000)))
    _use_mirrors(monkeypatch, dataset, str(mirror_copy))
    with pytest.raises(MNISTDownloadError, match="more than the original's 60008 bytes"):
        download_mnist(tmp_path, splits=("train",), progress=False, dataset=dataset)
    assert _leftovers(_raw(tmp_path, dataset)) == []


def test_corrupted_mirror_is_skipped_for_the_next(tmp_path, monkeypatch, mirror_copy, originals, dataset):
    bad = mirror_copy / (LABELS + ".gz")
    blob = bytearray(bad.read_bytes())
    blob[100] ^= 0xFF
    bad.write_bytes(bytes(blob))
    _use_mirrors(monkeypatch, dataset, f"{mirror_copy},{originals}")
    raw = download_mnist(tmp_path, splits=("train",), progress=False, dataset=dataset)
    assert data._md5(raw / (LABELS + ".gz")) == data._md5(originals / (LABELS + ".gz"))
    assert data._is_valid_raw(raw / LABELS, DATASETS[dataset].files["train"][1])


def test_only_a_corrupted_mirror_gives_a_clear_error(tmp_path, monkeypatch, mirror_copy, dataset):
    (mirror_copy / (LABELS + ".gz")).write_bytes(b"not the real file")
    _use_mirrors(monkeypatch, dataset, str(mirror_copy))
    with pytest.raises(MNISTDownloadError) as e:
        download_mnist(tmp_path, splits=("train",), progress=False, dataset=dataset)
    msg = str(e.value)
    assert LABELS + ".gz" in msg and "MD5" in msg and str(mirror_copy) in msg
    assert "train-images" not in msg  # the good file downloaded fine
    assert not (_raw(tmp_path, dataset) / LABELS).exists()
    assert _leftovers(_raw(tmp_path, dataset)) == []


def test_mirror_that_is_down_falls_through(tmp_path, monkeypatch, serve, dataset, originals):
    # Nothing listens on loopback port 9: the connection is refused, and the next mirror is tried.
    _use_mirrors(monkeypatch, dataset, f"http://127.0.0.1:9/,{serve(originals)}")
    download_mnist(tmp_path, splits=("test",), progress=False, dataset=dataset)
    assert load_mnist("test", root=tmp_path, dataset=dataset)[0].shape == (10000, 28, 28)


def test_every_mirror_failing_names_files_mirrors_and_fix(tmp_path, monkeypatch, dataset):
    _use_mirrors(monkeypatch, dataset, "http://127.0.0.1:9/")
    with pytest.raises(MNISTDownloadError) as e:
        load_mnist("test", root=tmp_path / "fresh", dataset=dataset)
    msg = str(e.value)
    for spec in DATASETS[dataset].files["test"]:
        assert spec.name + ".gz" in msg
    assert "http://127.0.0.1:9/" in msg and DATASETS[dataset].title in msg
    assert f"Fix: set {DATASETS[dataset].variable} " in msg and f"{DATASETS[dataset].folder}/raw" in msg


def test_without_any_mirror_the_error_says_how_to_fix(tmp_path, monkeypatch, dataset):
    monkeypatch.delenv(DATASETS[dataset].variable, raising=False)
    with pytest.raises(MNISTDownloadError, match=f"{DATASETS[dataset].variable} is empty") as e:
        load_mnist("test", root=tmp_path, dataset=dataset)
    assert f"Fix: set {DATASETS[dataset].variable} " in str(e.value)


class _HalfHandler(http.server.BaseHTTPRequestHandler):
    """Announces the whole file, sends half of it, then drops the connection (a killed download)."""

    folder: Path

    def do_GET(self):
        body = (self.folder / self.path.lstrip("/")).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


def test_download_killed_halfway_leaves_no_half_file(tmp_path, monkeypatch, serve, dataset, originals):
    _use_mirrors(monkeypatch, dataset, serve(handler=type("H", (_HalfHandler,), {"folder": originals})))
    with pytest.raises(MNISTDownloadError, match="IncompleteRead|MD5"):
        download_mnist(tmp_path, splits=("test",), progress=False, dataset=dataset)
    assert list(_raw(tmp_path, dataset).iterdir()) == []


def test_interrupt_during_download_cleans_up(tmp_path, monkeypatch, dataset, originals):
    def interrupted(mirror, filename, dest, progress):
        dest.write(b"\x1f\x8b partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(data, "_fetch", interrupted)
    _use_mirrors(monkeypatch, dataset, str(originals))
    with pytest.raises(KeyboardInterrupt):
        download_mnist(tmp_path, splits=("test",), progress=False, dataset=dataset)
    assert list(_raw(tmp_path, dataset).iterdir()) == []


def test_corrupted_cached_file_is_fetched_again(tmp_path, monkeypatch, dataset, originals):
    _use_mirrors(monkeypatch, dataset, str(originals))
    raw = download_mnist(tmp_path, splits=("test",), progress=False, dataset=dataset)
    target = raw / "t10k-labels-idx1-ubyte"
    good = target.read_bytes()
    damaged = bytearray(good)
    damaged[-1] = (damaged[-1] + 1) % 10  # same size, one label changed
    target.write_bytes(bytes(damaged))
    x, y = load_mnist("test", root=tmp_path, dataset=dataset)
    assert target.read_bytes() == good
    assert torch.equal(y, torch.from_numpy(read_idx(target).astype(np.int64)))


def test_unwritable_data_root_says_so(tmp_path, monkeypatch, mnist_gz):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
    with pytest.raises(MNISTDownloadError, match="MNIST_COURSE_DATA"):
        load_mnist("test", root=blocker / "data")


def test_progress_bar_on_http_download(tmp_path, monkeypatch, serve, capsys, mnist_gz):
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", serve(mnist_gz))
    download_mnist(tmp_path, splits=("test",), progress=True)
    assert "t10k-labels-idx1-ubyte.gz" in capsys.readouterr().err


def test_user_agent_comes_from_the_package_metadata(monkeypatch):
    try:
        meta = importlib.metadata.metadata("mnist-course")
    except importlib.metadata.PackageNotFoundError:
        assert data.USER_AGENT == "mnist-course"
    else:
        assert data.USER_AGENT.startswith(f"mnist-course/{meta['Version']}")

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "metadata", missing)
    assert data._user_agent() == "mnist-course"


def test_user_agent_is_sent(tmp_path, monkeypatch, serve, mnist_gz):
    agents = []

    class Recording(_QuietHandler):
        def do_GET(self):
            agents.append(self.headers["User-Agent"])
            super().do_GET()

    monkeypatch.setenv("MNIST_COURSE_MIRRORS", serve(handler=functools.partial(Recording, directory=str(mnist_gz))))
    download_mnist(tmp_path, splits=("test",), progress=False)
    assert agents and set(agents) == {data.USER_AGENT}


class _TwoHosts(http.server.BaseHTTPRequestHandler):
    """Two hosts on one loopback server: ``/first/<file>`` and ``/second/<file>`` each answer as ``modes`` says
    ("404", "corrupt": the file with 64 bytes flipped mid-way, "files": the file itself, from ``folder``); every
    path asked for is appended to ``log``."""

    folder: Path
    modes: dict[str, str]
    log: list[str]

    def do_GET(self):
        self.log.append(self.path)
        host, _, name = self.path.lstrip("/").partition("/")
        mode = self.modes.get(host, "404")
        source = self.folder / name
        if mode == "404" or "/" in name or not source.is_file():
            self.send_error(404)
            return
        body = bytearray(source.read_bytes())
        if mode == "corrupt":
            middle = len(body) // 2
            body[middle : middle + 64] = bytes(b ^ 0xFF for b in body[middle : middle + 64])
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(bytes(body))

    def log_message(self, *args):
        pass


def _fashion_on_two_hosts(monkeypatch, serve, folder: Path, first: str, second: str) -> tuple[str, str, list[str]]:
    """Fashion-MNIST's public hosts pointed at two loopback hosts (and no mirrors variable); returns their URLs and
    the request log."""
    log: list[str] = []
    handler = type("H", (_TwoHosts,), {"folder": folder, "modes": {"first": first, "second": second}, "log": log})
    base = serve(handler=handler)
    hosts = (base + "first/", base + "second/")
    _set_public(monkeypatch, "fashion", *hosts)
    monkeypatch.delenv("MNIST_COURSE_FASHION_MIRRORS", raising=False)
    monkeypatch.setattr(data, "TIMEOUT_SECONDS", 10)  # a stuck request fails the test instead of hanging it
    return *hosts, log


def _fashion_gz_names() -> list[str]:
    return [spec.name + ".gz" for split in ("train", "test") for spec in DATASETS["fashion"].files[split]]


@pytest.mark.parametrize("first", ["404", "corrupt"])
def test_fashion_falls_back_to_the_second_public_host(tmp_path, monkeypatch, serve, fashion_gz, first):
    hosts = _fashion_on_two_hosts(monkeypatch, serve, fashion_gz, first, "files")
    *_, log = hosts
    assert data.mirrors("fashion") == list(hosts[:2])  # nothing else is tried
    raw = download_mnist(dataset="fashion", root=tmp_path, progress=False)
    for split in ("train", "test"):
        for spec in DATASETS["fashion"].files[split]:
            assert data._is_valid_raw(raw / spec.name, spec), spec.name
            assert (raw / (spec.name + ".gz")).read_bytes() == (fashion_gz / (spec.name + ".gz")).read_bytes()
    # Each file is asked of the first host, then of the second; none is asked twice.
    assert log == [f"/{host}/{name}" for name in _fashion_gz_names() for host in ("first", "second")]
    assert _leftovers(raw) == []


def test_both_fashion_hosts_failing_names_both_and_the_fix(tmp_path, monkeypatch, serve, fashion_gz):
    first, second, log = _fashion_on_two_hosts(monkeypatch, serve, fashion_gz, "404", "corrupt")
    with pytest.raises(MNISTDownloadError) as e:
        download_mnist(dataset="fashion", root=tmp_path, progress=False)
    msg = str(e.value)
    assert msg.startswith("Could not get 4 Fashion-MNIST file(s)")
    for name in _fashion_gz_names():
        block = msg.split(f"  {name}:\n", 1)[1]
        lines = block.splitlines()[:2]
        assert lines[0].startswith(f"    {first}: HTTPError: HTTP Error 404"), lines  # in the order tried
        assert lines[1].startswith(f"    {second}: ValueError: "), lines
    assert "Fix: set MNIST_COURSE_FASHION_MIRRORS to a folder or URL" in msg
    assert str(_raw(tmp_path, "fashion")) in msg
    assert log == [f"/{host}/{name}" for name in _fashion_gz_names() for host in ("first", "second")]
    assert list(_raw(tmp_path, "fashion").iterdir()) == []


# ----------------------------------------------------------------------------------------------- where


def test_data_root_prefers_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_COURSE_DATA", str(tmp_path))
    assert data_root() == tmp_path


def test_data_root_is_the_checkout_data_folder(monkeypatch):
    checkout = Path(data.__file__).resolve().parent.parent
    if not (checkout / "pyproject.toml").is_file():
        pytest.skip("the package is an installed copy here (make compat), not a checkout: no data/ beside it")
    monkeypatch.delenv("MNIST_COURSE_DATA", raising=False)
    assert data_root() == Path(data.__file__).resolve().parent.parent / "data"


def test_data_root_outside_a_checkout_is_a_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_COURSE_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fake = tmp_path / "site" / "mnist_course" / "data.py"
    monkeypatch.setattr(settings, "__file__", str(fake))
    assert data_root() == tmp_path / "mnist-course"


def _set_public(monkeypatch, dataset: str, *hosts: str) -> None:
    monkeypatch.setitem(DATASETS, dataset, dataclasses.replace(DATASETS[dataset], public=hosts))


def test_mirrors_order(monkeypatch):
    _set_public(monkeypatch, "mnist", "https://public/")
    _set_public(monkeypatch, "fashion", "https://zalando/", "https://github/")
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", " /a , http://b/ ,")
    monkeypatch.setenv("MNIST_COURSE_FASHION_MIRRORS", "/f")
    assert data.mirrors() == ["/a", "http://b/", "https://public/"]
    assert data.mirrors("fashion") == ["/f", "https://zalando/", "https://github/"]


def test_public_hosts_in_order():
    """Fashion-MNIST: torchvision's host (Zalando's bucket) first, then the dataset's GitHub repository."""
    assert PUBLIC["fashion"] == (*torchvision.datasets.FashionMNIST.mirrors, GITHUB_FASHION)
    assert PUBLIC["mnist"] == (
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    )
    assert all(url.endswith("/") for hosts in PUBLIC.values() for url in hosts)


def test_public_checksums_are_torchvisions():
    for dataset, cls in TORCHVISION.items():
        ours = {f.name + ".gz": f.gz_md5 for pair in DATASETS[dataset].files.values() for f in pair}
        assert ours == dict(cls.resources)


def test_fixtures_find_the_data_root_cache(tmp_path, monkeypatch, mnist_gz):
    """A fresh clone after `make run` has data/MNIST/raw and no mirrors variable: the fixtures find the files."""
    from conftest import find_originals

    root = tmp_path / "data"
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
    raw = download_mnist(root, progress=False)
    monkeypatch.delenv("MNIST_COURSE_MIRRORS")
    monkeypatch.delenv("MNIST_COURSE_FASHION_MIRRORS", raising=False)
    monkeypatch.setenv("MNIST_COURSE_DATA", str(root))
    monkeypatch.setattr("conftest.SHARED", {"mnist": tmp_path / "nowhere", "fashion": tmp_path / "nowhere"})
    assert find_originals("mnist", tmp_path / "scratch") == raw  # the .gz files kept beside the raw ones
    for gz in raw.glob("*.gz"):
        gz.unlink()
    packed = find_originals("mnist", tmp_path / "scratch")
    assert packed == tmp_path / "scratch"
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(packed))
    assert load_mnist("test", root=tmp_path / "again")[1].shape == (10000,)
    assert find_originals("fashion", tmp_path / "scratch2") is None


# ----------------------------------------------------------------------------------------------- IDX


def test_read_idx_parses_header(tmp_path, mnist_gz):
    path = tmp_path / "labels"
    path.write_bytes(gzip.decompress((mnist_gz / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    labels = read_idx(path)
    assert labels.shape == (10000,) and labels.dtype == np.uint8


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "two zero bytes"),
        (b"\x00\x00\x0d\x01\x00\x00\x00\x01\x05", "type code"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x03\x05", "header says"),
    ],
)
def test_read_idx_rejects_bad_files(tmp_path, blob, message):
    path = tmp_path / "bad"
    path.write_bytes(blob)
    with pytest.raises(ValueError, match=message):
        read_idx(path)


# ----------------------------------------------------------------------------------------------- scaling


def test_to_unit_range_and_shape():
    x = torch.tensor([[[0, 255] * 14] * 28], dtype=torch.uint8)
    u = to_unit(x)
    assert u.dtype == torch.float32 and u.shape == (1, 28, 28)
    assert float(u.min()) == 0.0 and float(u.max()) == 1.0


def test_to_unit_rejects_float_and_bad_shapes():
    with pytest.raises(ValueError, match="uint8"):
        to_unit(torch.zeros(2, 28, 28))
    with pytest.raises(ValueError, match=r"\(\.\.\., 28, 28\)"):
        to_unit(torch.zeros(2, 784, dtype=torch.uint8))
    with pytest.raises(ValueError, match="torch.Tensor"):
        to_unit(np.zeros((2, 28, 28), dtype=np.uint8))


def test_standardize_with_training_statistics():
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (50, 28, 28), dtype=torch.uint8, generator=g)
    mean, std = mean_std(x)
    z = standardize(x, mean, std)
    assert abs(float(z.mean())) < 1e-5 and abs(float(z.std()) - 1) < 1e-4
    assert torch.allclose(standardize(x.unsqueeze(1), mean, std), z.unsqueeze(1))
    with pytest.raises(ValueError, match="positive"):
        standardize(x, mean, 0.0)


# ----------------------------------------------------------------------------------------------- batching


def _toy(n=10):
    return torch.arange(n, dtype=torch.float32).unsqueeze(1), torch.arange(n)


def test_batches_cover_every_example_once_per_epoch():
    x, y = _toy(10)
    batches = TensorBatches(x, y, batch_size=3, seed=1)
    assert len(batches) == 4
    seen = torch.cat([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(10))
    for xb, yb in batches:
        assert torch.equal(xb[:, 0].long(), yb)  # rows stay paired


def test_batches_are_seeded_and_reshuffle_each_epoch():
    x, y = _toy(50)
    a, b = TensorBatches(x, y, 10, seed=3), TensorBatches(x, y, 10, seed=3)
    first_a = torch.cat([yb for _, yb in a])
    assert torch.equal(first_a, torch.cat([yb for _, yb in b]))
    assert not torch.equal(first_a, torch.cat([yb for _, yb in a]))  # epoch 2 differs from epoch 1
    assert not torch.equal(first_a, torch.arange(50))


def test_batches_without_shuffle_and_drop_last():
    x, y = _toy(10)
    batches = TensorBatches(x, y, batch_size=4, shuffle=False, drop_last=True)
    assert len(batches) == 2
    assert [yb.tolist() for _, yb in batches] == [[0, 1, 2, 3], [4, 5, 6, 7]]


@pytest.mark.parametrize(("batch_size", "drop_last"), [(7, False), (7, True), (50, False)])
def test_batches_equal_a_dataloader_with_the_same_permutation(batch_size, drop_last):
    """Oracle: each epoch equals PyTorch's DataLoader over a TensorDataset sampled in the same order."""
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(50, 1, 28, 28, generator=g), torch.randint(0, 10, (50,), generator=g)
    batches = TensorBatches(x, y, batch_size=batch_size, seed=5, drop_last=drop_last)
    same = torch.Generator().manual_seed(5)
    for _epoch in range(2):
        order = torch.randperm(50, generator=same).tolist()
        loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, sampler=order, drop_last=drop_last)
        ours, theirs = list(batches), list(loader)
        assert len(ours) == len(theirs) == len(batches)
        for (xb, yb), (xl, yl) in zip(ours, theirs):
            assert torch.equal(xb, xl) and torch.equal(yb, yl)


def test_batches_move_to_device():
    x, y = _toy(4)
    batches = TensorBatches(x, y, 2, device="cpu")
    assert all(xb.device.type == "cpu" for xb, _ in batches)


def test_batches_reject_bad_input():
    x, y = _toy(4)
    with pytest.raises(ValueError, match="same first dimension"):
        TensorBatches(x, y[:3])
    with pytest.raises(ValueError, match="batch_size"):
        TensorBatches(x, y, batch_size=0)
    with pytest.raises(ValueError, match="torch tensors"):
        TensorBatches(x.numpy(), y)


@pytest.mark.parametrize("shape", [(3, 784), (3, 28, 28), (3, 1, 28, 28)])
def test_as_image_batch_accepts_the_three_layouts(shape):
    x = torch.rand(shape, dtype=torch.float64)
    out = as_image_batch(x)
    assert out.shape == (3, 1, 28, 28) and out.dtype == torch.float32
    assert torch.equal(out.flatten(1), x.float().reshape(3, 784))


@pytest.mark.parametrize("bad", [torch.rand(784), torch.rand(28, 28), torch.rand(2, 27, 27), torch.rand(2, 3, 28, 28)])
def test_as_image_batch_names_the_shapes_it_accepts(bad):
    with pytest.raises(ValueError, match="N×784, N×28×28 or N×1×28×28"):
        as_image_batch(bad)


def test_as_image_batch_asks_for_to_unit_on_integer_pixels():
    with pytest.raises(ValueError, match="float pixels.*to_unit"):
        as_image_batch(torch.zeros(2, 28, 28, dtype=torch.uint8), "x")
    with pytest.raises(ValueError, match="must be a torch.Tensor"):
        as_image_batch(np.zeros((2, 784)))


def test_check_shape_names_the_wanted_and_given_shapes():
    x = torch.zeros(2, 3, 5, 5)
    assert data.check_shape(x, (None, 3, None, None)) is x
    with pytest.raises(ValueError, match=r"block must have shape N×4×H×W, got \(2, 3, 5, 5\)"):
        data.check_shape(x, (None, 4, None, None), "block")
    with pytest.raises(ValueError, match=r"z must have shape N×8, got \(2, 3, 5, 5\)"):
        data.check_shape(x, (None, 8), "z")
    with pytest.raises(ValueError, match="got list"):
        data.check_shape([1, 2], (2,))
