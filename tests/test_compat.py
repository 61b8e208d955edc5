"""The versions the course promises: every floor in pyproject.toml at or below Google Colab's runtime (vendored in
tools/compat.py), the pyproject reader that Python 3.10 uses, and the bug-report command (mnist_course.env)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import numpy
import pytest
import torch

import mnist_course

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compat = _load("compat")
repo_url = _load("repo_url")  # by path, like compat: these tests also run against an installed copy (make compat)


def test_colab_table_covers_every_dependency():
    assert set(compat.floors()) <= set(compat.COLAB), "add the new dependency's Colab version to tools/compat.py"


@pytest.mark.parametrize("name", sorted(compat.floors()))
def test_every_floor_is_at_or_below_colab(name):
    floor, colab = compat.floors()[name], compat.COLAB[name]
    assert compat.version_tuple(floor) <= compat.version_tuple(colab), (
        f"pyproject.toml asks for {name}>={floor} but Colab has {colab}: the setup cell's --no-deps install "
        "would leave students with a version the course does not support"
    )


def test_requires_python_admits_colab_python():
    assert compat.version_tuple(compat.lowest_python()) <= compat.version_tuple(compat.COLAB["python"])


def test_version_tuple_compares_numerically():
    assert compat.version_tuple("2.11.0") > compat.version_tuple("2.2")
    assert compat.version_tuple("0.26.0") > compat.version_tuple("0.17")
    assert compat.version_tuple("2.11.0+cu128") == (2, 11, 0)


def test_floors_reads_lower_bounds_and_refuses_a_dependency_without_one():
    assert compat.floors(["numpy>=1.24", "torch >= 2.2, <3"]) == {"numpy": "1.24", "torch": "2.2"}
    with pytest.raises(ValueError, match="no >= floor"):
        compat.floors(["numpy"])
    assert compat.lowest_python(">=3.10") == "3.10"


def test_environments_pin_floors_and_colab_versions():
    oldest = compat.requirements("oldest")
    colab = compat.requirements("colab")
    for name, floor in compat.floors().items():
        assert any(r.startswith(f"{name}=={floor}") for r in oldest), oldest
        assert f"{name}=={compat.COLAB[name]}" in colab
    assert compat.python_version("colab") == "3.13" and compat.key("oldest") != compat.key("colab")


def test_fallback_pyproject_reader_agrees_with_tomllib():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+; on 3.10 the fallback is the only reader
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    full = tomllib.loads(text)["project"]
    mine = repo_url.parse_pyproject_fallback(text)["project"]
    for key in ("name", "version", "requires-python", "dependencies"):
        assert mine[key] == full[key], key
    assert mine["urls"]["Repository"] == full["urls"]["Repository"]
    assert (
        repo_url.parse_pyproject_fallback(text)["tool"]["mnist-course"] == tomllib.loads(text)["tool"]["mnist-course"]
    )


def test_package_version_is_pyprojects():
    assert repo_url.version() == mnist_course.__version__, "make release sets both; never edit one alone"


def test_env_report_names_what_a_bug_report_needs(tmp_path, monkeypatch):
    from mnist_course import data, env, settings

    monkeypatch.setenv("MNIST_COURSE_DATA", str(tmp_path))
    monkeypatch.setenv("MNIST_COURSE_MIRRORS", str(tmp_path / "mirror"))
    monkeypatch.setenv("MNIST_COURSE_QUICK", "1")
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    first = data.DATASETS["mnist"].files["train"][0].name
    (raw / first).write_bytes(b"not mnist")
    text = env.report()
    assert f"mnist-course: {mnist_course.__version__}, commit " in text
    assert f"torch: {torch.__version__}" in text and f"numpy: {numpy.__version__}" in text
    assert "torchvision: " in text and f"python: {sys.version.split()[0]}" in text
    assert f"device: {settings.device()}" in text
    assert f"data root: {tmp_path}" in text
    assert f"{first}: DAMAGED: 9 bytes" in text
    assert text.count("missing (downloads on first use)") == 3 + 4  # and all four Fashion-MNIST files
    assert str(tmp_path / "mirror") in text.split("mirrors tried for MNIST, in order:")[1]
    assert "quick mode: on" in text


def test_env_reports_an_intact_file_as_ok(tmp_path):
    from mnist_course import data, env, settings

    spec = data.DATASETS["mnist"].files["train"][1]
    source = Path(settings.mirror_list()[0]) if settings.mirror_list() else None
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    labels = source / (spec.name + ".gz") if source else None
    if labels is None or not labels.is_file():
        pytest.skip("no local MNIST mirror (MNIST_COURSE_MIRRORS) to copy the labels from")
    import gzip

    (raw / spec.name).write_bytes(gzip.decompress(labels.read_bytes()))
    assert env.file_status(tmp_path)[spec.name] == "ok"


def test_env_runs_as_a_module():
    out = subprocess.run(
        [sys.executable, "-m", "mnist_course.env"], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("mnist-course: ") and "quick mode: " in out.stdout


def test_compat_script_skips_a_missing_python_loudly_and_fails_it_when_strict(tmp_path):
    # No pyenv, no ~/.pyenv and only the system's bin folders: neither 3.10 nor 3.13 can be found.
    path = "/usr/bin:/bin"
    if any(shutil.which(f"python{v}", path=path) for v in ("3.10", "3.13")):
        pytest.skip("this machine has python3.10 or python3.13 in /usr/bin: nothing would be skipped")
    env = {"HOME": str(tmp_path), "PATH": path, "COMPAT_PYTHON": sys.executable}
    run = [shutil.which("bash") or "/bin/bash", str(ROOT / "tools" / "compat.sh"), "--envs-only"]
    loose = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
    assert loose.returncode == 0, loose.stderr
    assert "compat[oldest]: SKIPPED: no Python 3.10" in loose.stdout and "skipped: oldest colab" in loose.stdout
    strict = subprocess.run(run, env=env | {"COMPAT_STRICT": "1"}, capture_output=True, text=True, timeout=120)
    assert strict.returncode == 1 and "skipped" in strict.stderr
    assert not any(tmp_path.joinpath(".cache", "mnist-course-compat").glob("*-py*")), "no environment was made"


def test_readme_names_the_colab_runtime_of_the_table():
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    section = readme.split("## Running in Google Colab", 1)[1].split("## ", 1)[0]
    assert f"Colab's runtime of {compat.COLAB_RUNTIME}" in section
    names = {"python": "Python", "numpy": "NumPy", "pillow": "Pillow"}
    for name, version in compat.COLAB.items():
        assert f"{names.get(name, name)} {version}" in section, f"README's Colab section should say {name} {version}"
