"""mnist_course.data: download from mirrors, verification, loading, scaling and batching."""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision

from mnist_course import data, settings
from mnist_course.data import (
    FILES,
    MNISTDownloadError,
    TensorBatches,
    as_image_batch,
    data_root,
    download_mnist,
    load_mnist,
    mean_std,
    read_idx,
    standardize,
    to_unit,
)

LABELS = "train-labels-idx1-ubyte"


@pytest.fixture
def serve(mnist_gz):
    """Start loopback HTTP servers; yields a function (folder, handler=None) -> base URL."""
    servers = []

    def start(folder: Path = mnist_gz, handler=None):
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


# ----------------------------------------------------------------------------------------------- loading


@pytest.fixture(scope="module")
def good_root(tmp_path_factory, mnist_gz):
    root = tmp_path_factory.mktemp("root")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(data, "PUBLIC_MIRRORS", [])
        mp.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
        download_mnist(root, progress=False)
    return root


def test_load_train_and_test_shapes_and_dtypes(good_root):
    x, y = load_mnist("train", root=good_root)
    assert x.shape == (60000, 28, 28) and x.dtype == torch.uint8
    assert y.shape == (60000,) and y.dtype == torch.int64
    xt, yt = load_mnist("test", root=good_root)
    assert xt.shape == (10000, 28, 28) and yt.shape == (10000,)
    assert int(x.max()) == 255 and int(x.min()) == 0
    assert sorted(torch.unique(y).tolist()) == list(range(10))


def test_second_load_comes_from_memory(good_root):
    first = load_mnist("test", root=good_root)
    second = load_mnist("test", root=good_root)
    assert first[0] is second[0] and first[1] is second[1]


def test_torchvision_reads_the_same_cache(good_root):
    x, y = load_mnist("test", root=good_root)
    tv = torchvision.datasets.MNIST(str(good_root), train=False, download=False)
    assert torch.equal(tv.data, x) and torch.equal(tv.targets, y)


def test_unknown_split_is_rejected(good_root):
    with pytest.raises(ValueError, match="'train' or 'test'"):
        load_mnist("validation", root=good_root)
    with pytest.raises(ValueError, match="'train' or 'test'"):
        download_mnist(good_root, splits=("dev",))


def test_cache_files_are_readable_by_others(good_root):
    for spec in FILES["test"]:
        assert (good_root / "MNIST" / "raw" / spec.name).stat().st_mode & 0o044 == 0o044


# ----------------------------------------------------------------------------------------------- mirrors


def test_download_over_loopback_http(tmp_path, monkeypatch, serve):
    url = serve()
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", url)
    raw = download_mnist(tmp_path, splits=("test",), progress=False)
    x, y = load_mnist("test", root=tmp_path)
    assert x.shape == (10000, 28, 28) and y.shape == (10000,)
    assert sorted(p.name for p in raw.iterdir()) == sorted(
        [s.name for s in FILES["test"]] + [s.name + ".gz" for s in FILES["test"]]
    )


def test_corrupted_mirror_is_skipped_for_the_next(tmp_path, monkeypatch, mirror_copy, mnist_gz):
    bad = mirror_copy / (LABELS + ".gz")
    blob = bytearray(bad.read_bytes())
    blob[100] ^= 0xFF
    bad.write_bytes(bytes(blob))
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", f"{mirror_copy},{mnist_gz}")
    raw = download_mnist(tmp_path, splits=("train",), progress=False)
    assert data._md5(raw / (LABELS + ".gz")) == FILES["train"][1].gz_md5


def test_only_a_corrupted_mirror_gives_a_clear_error(tmp_path, monkeypatch, mirror_copy):
    (mirror_copy / (LABELS + ".gz")).write_bytes(b"not the real file")
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(mirror_copy))
    with pytest.raises(MNISTDownloadError) as e:
        download_mnist(tmp_path, splits=("train",), progress=False)
    msg = str(e.value)
    assert LABELS + ".gz" in msg and "MD5" in msg and str(mirror_copy) in msg
    assert "train-images" not in msg  # the good file downloaded fine
    assert not (tmp_path / "MNIST" / "raw" / LABELS).exists()
    assert _leftovers(tmp_path / "MNIST" / "raw") == []


def test_mirror_that_is_down_falls_through(tmp_path, monkeypatch, serve):
    up = serve()
    # Nothing listens on loopback port 9: the connection is refused, and the next mirror is tried.
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", f"http://127.0.0.1:9/,{up}")
    download_mnist(tmp_path, splits=("test",), progress=False)
    assert load_mnist("test", root=tmp_path)[0].shape == (10000, 28, 28)


def test_every_mirror_failing_names_files_mirrors_and_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", "http://127.0.0.1:9/")
    with pytest.raises(MNISTDownloadError) as e:
        load_mnist("test", root=tmp_path / "fresh")
    msg = str(e.value)
    for spec in FILES["test"]:
        assert spec.name + ".gz" in msg
    assert "http://127.0.0.1:9/" in msg
    assert "MNIST_COURSE_MIRRORS" in msg and "MNIST/raw" in msg


def test_without_any_mirror_the_error_says_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_COURSE_MIRRORS", raising=False)
    with pytest.raises(MNISTDownloadError, match="MNIST_COURSE_MIRRORS"):
        load_mnist("test", root=tmp_path)


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


def test_download_killed_halfway_leaves_no_half_file(tmp_path, monkeypatch, serve, mnist_gz):
    handler = type("H", (_HalfHandler,), {"folder": mnist_gz})
    url = serve(handler=handler)
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", url)
    with pytest.raises(MNISTDownloadError, match="IncompleteRead|MD5"):
        download_mnist(tmp_path, splits=("test",), progress=False)
    raw = tmp_path / "MNIST" / "raw"
    assert list(raw.iterdir()) == []


def test_interrupt_during_download_cleans_up(tmp_path, monkeypatch, mnist_gz):
    def interrupted(mirror, filename, dest, progress):
        dest.write(b"\x1f\x8b partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(data, "_fetch", interrupted)
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
    with pytest.raises(KeyboardInterrupt):
        download_mnist(tmp_path, splits=("test",), progress=False)
    assert list((tmp_path / "MNIST" / "raw").iterdir()) == []


def test_corrupted_cached_file_is_fetched_again(tmp_path, monkeypatch, mnist_gz):
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
    raw = download_mnist(tmp_path, splits=("test",), progress=False)
    target = raw / "t10k-labels-idx1-ubyte"
    good = target.read_bytes()
    damaged = bytearray(good)
    damaged[-1] = (damaged[-1] + 1) % 10  # same size, one label changed
    target.write_bytes(bytes(damaged))
    x, y = load_mnist("test", root=tmp_path)
    assert target.read_bytes() == good
    assert torch.equal(y, torch.from_numpy(read_idx(target).astype(np.int64)))


def test_unwritable_data_root_says_so(tmp_path, monkeypatch, mnist_gz):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
    with pytest.raises(MNISTDownloadError, match="MNIST_COURSE_DATA"):
        load_mnist("test", root=blocker / "data")


def test_progress_bar_on_http_download(tmp_path, monkeypatch, serve, capsys):
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", serve())
    download_mnist(tmp_path, splits=("test",), progress=True)
    assert "t10k-labels-idx1-ubyte.gz" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------- where


def test_data_root_prefers_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_COURSE_DATA", str(tmp_path))
    assert data_root() == tmp_path


def test_data_root_is_the_checkout_data_folder(monkeypatch):
    monkeypatch.delenv("MNIST_COURSE_DATA", raising=False)
    assert data_root() == Path(data.__file__).resolve().parent.parent / "data"


def test_data_root_outside_a_checkout_is_a_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_COURSE_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fake = tmp_path / "site" / "mnist_course" / "data.py"
    monkeypatch.setattr(settings, "__file__", str(fake))
    assert data_root() == tmp_path / "mnist-course"


def test_mirrors_order(monkeypatch):
    monkeypatch.setattr(data, "PUBLIC_MIRRORS", ["https://public/"])
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", " /a , http://b/ ,")
    assert data.mirrors() == ["/a", "http://b/", "https://public/"]


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
