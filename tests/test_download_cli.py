"""``python -m mnist_course.data --download``: the instructors' fetch-and-verify-before-class command.

In-process through ``main(argv)`` with the mirrors variables pointing at local copies (the offline fixture in
conftest.py switches the public hosts off), and once as a real ``python -m`` subprocess.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_course import data
from mnist_course.data import DATASETS, main

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_FASHION = DATASETS["fashion"].public  # read at import, before the offline fixture empties it


def _names(dataset: str) -> list[str]:
    return [spec.name for split in ("train", "test") for spec in DATASETS[dataset].files[split]]


def _intact(root: Path, dataset: str) -> bool:
    raw = root / DATASETS[dataset].folder / "raw"
    return all(data._is_valid_raw(raw / spec.name, spec) for pair in DATASETS[dataset].files.values() for spec in pair)


@pytest.fixture
def local(monkeypatch, tmp_path, mnist_gz, fashion_gz) -> Path:
    """The data root is a fresh ``tmp_path/data``; each dataset's mirrors variable names its local copy."""
    root = tmp_path / "data"
    monkeypatch.setenv("MNIST_COURSE_DATA", str(root))
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(mnist_gz))
    monkeypatch.setenv("MNIST_COURSE_FASHION_MIRRORS", str(fashion_gz))
    monkeypatch.setenv("MNIST_COURSE_PROGRESS", "0")
    return root


def test_download_fetches_and_verifies_both_datasets_then_finds_them_there(local, capsys, mnist_gz, fashion_gz):
    assert main(["--download"]) == 0
    out = capsys.readouterr().out
    for dataset, source in (("mnist", mnist_gz), ("fashion", fashion_gz)):
        ds = DATASETS[dataset]
        assert f"{ds.title} in {local / ds.folder / 'raw'}:\n" in out
        for name in _names(dataset):
            assert f"  {name}: downloaded from {source}\n" in out
        assert _intact(local, dataset)
    assert out.index("MNIST in") < out.index("Fashion-MNIST in")

    assert main(["--download"]) == 0  # a second run only verifies
    again = capsys.readouterr()
    assert again.out.count(": ok, already there\n") == 8 and "downloaded" not in again.out
    assert again.err == ""


def test_dataset_option_limits_the_work(local, capsys):
    assert main(["--download", "--dataset", "fashion"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Fashion-MNIST in ") and "\nMNIST in" not in out
    assert _intact(local, "fashion")
    assert not (local / "MNIST").exists()


def test_a_failing_mirror_is_named_on_the_line_of_the_file(local, monkeypatch, capsys, tmp_path, fashion_gz):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("MNIST_COURSE_FASHION_MIRRORS", f"{empty},{fashion_gz}")
    assert main(["--download", "--dataset", "fashion"]) == 0
    out = capsys.readouterr().out
    for name in _names("fashion"):
        assert f"  {name}: downloaded from {fashion_gz} (after {empty} failed)\n" in out


def test_failure_exits_1_with_the_error_and_no_traceback(local, monkeypatch, capsys, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("MNIST_COURSE_FASHION_MIRRORS", str(empty))
    assert main(["--download"]) == 1
    out, err = capsys.readouterr()
    assert _intact(local, "mnist")  # MNIST still came down; only Fashion-MNIST failed
    for name in _names("fashion"):
        assert f"  {name}: FAILED on every mirror (last: {empty}: FileNotFoundError: " in out
    assert err.startswith("Could not get 4 Fashion-MNIST file(s)")
    assert "Fix: set MNIST_COURSE_FASHION_MIRRORS " in err and "Traceback" not in out + err


def test_an_unwritable_data_folder_exits_1_and_says_what_to_set(local, monkeypatch, capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MNIST_COURSE_DATA", str(blocker / "data"))
    assert main(["--download", "--dataset", "mnist"]) == 1
    out, err = capsys.readouterr()
    assert "MNIST in " in out and "FAILED: the folder cannot be written" in out
    assert "Set MNIST_COURSE_DATA to a folder you can write to" in err


def test_help_says_who_runs_it_when_and_which_hosts_it_tries(capsys, monkeypatch):
    monkeypatch.setitem(DATASETS, "fashion", dataclasses.replace(DATASETS["fashion"], public=PUBLIC_FASHION))
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    text = " ".join(out.split())
    assert "before class" in text and "!python -m mnist_course.data --download" in text
    assert "MNIST_COURSE_DATA" in text and "MNIST_COURSE_FASHION_MIRRORS" in text
    hosts = out.split("  Fashion-MNIST:\n", 1)[1].split()
    assert hosts == list(PUBLIC_FASHION) and hosts[1].startswith("https://raw.githubusercontent.com/")


def test_without_download_or_with_an_unknown_dataset_it_says_what_to_write(capsys):
    with pytest.raises(SystemExit) as e:
        main([])
    assert e.value.code == 2 and "add --download" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["--download", "--dataset", "cifar"])
    assert e.value.code == 2 and "'mnist', 'fashion'" in capsys.readouterr().err


def _subprocess_env(tmp_path: Path, fashion_mirrors: str) -> dict[str, str]:
    """The environment of a real run: data in ``tmp_path``, and every proxy a closed loopback port, so a public
    host (which the subprocess would try, outside the offline fixture) fails at once instead of going online."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "all_proxy")}
    dead = "http://127.0.0.1:9"
    env |= {"http_proxy": dead, "https_proxy": dead, "HTTP_PROXY": dead, "HTTPS_PROXY": dead}
    env |= {"MNIST_COURSE_DATA": str(tmp_path / "data"), "MNIST_COURSE_FASHION_MIRRORS": fashion_mirrors}
    env |= {"MNIST_COURSE_PROGRESS": "0"}
    return env


def test_runs_as_a_module(tmp_path, fashion_gz):
    command = [sys.executable, "-W", "error::RuntimeWarning", "-m", "mnist_course.data", "--download"]
    ok = subprocess.run(
        [*command, "--dataset", "fashion"],
        env=_subprocess_env(tmp_path, str(fashion_gz)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ok.returncode == 0, ok.stderr
    assert "RuntimeWarning" not in ok.stderr  # runpy's 'found in sys.modules' warning would be an error here
    assert ok.stdout.count(f": downloaded from {fashion_gz}\n") == 4
    assert _intact(tmp_path / "data", "fashion")

    # Every mirror fails (the public hosts through the dead proxy): exit 1, the error, no traceback.
    (tmp_path / "data" / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte").unlink()
    failed = subprocess.run(
        [*command, "--dataset", "fashion"],
        env=_subprocess_env(tmp_path, str(tmp_path / "nowhere")),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr and failed.stderr.startswith("Could not get 1 Fashion-MNIST file(s)")
    assert failed.stdout.count(": ok, already there\n") == 3
    assert PUBLIC_FASHION
    for host in PUBLIC_FASHION:
        assert f"    {host}: URLError: " in failed.stderr


def _section(text: str, heading: str) -> str:
    return " ".join(text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0].split())


def test_readme_and_notebook_05_name_the_command_and_the_second_host():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lecture = _section(readme, "## Teaching with it: lecture mode")
    assert "`python -m mnist_course.data --download`" in lecture
    assert "`!python -m mnist_course.data --download`" in lecture
    assert lecture.index("Zalando's bucket") < lecture.index("GitHub repository")  # the order tried
    assert "raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/" in _section(readme, "## Data")
    # 05: the markdown cell right before the cell that loads Fashion-MNIST.
    cells = (ROOT / "notebooks" / "05_linear_classifier.py").read_text(encoding="utf-8").split("\n# %%")
    code = [i for i, cell in enumerate(cells) if not cell.startswith(" [markdown]")]
    load = next(i for i in code if 'load_splits(dataset="fashion")' in cells[i])
    assert cells[load - 1].startswith(" [markdown]")
    assert "`python -m mnist_course.data --download`" in " ".join(cells[load - 1].replace("# ", " ").split())
