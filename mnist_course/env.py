"""What a bug report needs to know about this machine: ``python -m mnist_course.env`` (README, "Reporting a bug").

Prints the course package's version and commit, Python, torch, torchvision, NumPy, matplotlib and tqdm, whether
this is Colab, the device :func:`mnist_course.settings.device` picks, the data root and whether the four MNIST
files are there and intact, the mirrors that will be tried, quick mode and the seed offset. It reads the switches
only through :mod:`mnist_course.settings` and never downloads anything.
"""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
import sys
from pathlib import Path

import mnist_course
from mnist_course import data, settings

__all__ = ["commit", "file_status", "report", "versions"]

_PACKAGES = ("torch", "torchvision", "numpy", "matplotlib", "tqdm")


def commit() -> str:
    """The git commit the package runs from: the checkout's ``HEAD`` (``+dirty`` with local changes), or for an
    installed copy the commit pip recorded when it installed from git (``pip install git+...@tag``); else ``unknown``.
    """
    here = Path(mnist_course.__file__).resolve().parent.parent
    if (here / ".git").exists():
        try:
            head = subprocess.run(
                ["git", "-C", str(here), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=10
            )
            dirty = subprocess.run(
                ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                timeout=10,
            )
            if head.returncode == 0:
                return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "") + " (checkout)"
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        direct = importlib.metadata.distribution("mnist-course").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        direct = None
    if direct:
        import json

        info = json.loads(direct)
        vcs = info.get("vcs_info", {})
        if vcs.get("commit_id"):
            ref = f" {vcs['requested_revision']}" if vcs.get("requested_revision") else ""
            return f"{vcs['commit_id'][:12]} ({info.get('url', 'git')}{ref})"
        return f"unknown (installed from {info.get('url', 'a local folder')})"
    return "unknown"


def versions() -> dict[str, str]:
    """Installed versions of the packages the course depends on (``missing`` for one that is not installed)."""
    found = {}
    for name in _PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "missing"
    import torch

    found["torch"] = torch.__version__  # the build tag (+cpu, +cu128) matters in a report
    return found


def file_status(root: Path | None = None, dataset: str = "mnist") -> dict[str, str]:
    """Each of a dataset's four files under ``<root>/<folder>/raw``: ``ok``, ``missing``, or what is wrong with it."""
    spec_table = data.DATASETS[dataset]
    raw = Path(root if root is not None else settings.data_root()) / spec_table.folder / "raw"
    status = {}
    for specs in spec_table.files.values():
        for spec in specs:
            path = raw / spec.name
            if not path.is_file():
                status[spec.name] = "missing (downloads on first use)"
            elif path.stat().st_size != spec.raw_size:
                status[spec.name] = f"DAMAGED: {path.stat().st_size} bytes, expected {spec.raw_size}"
            elif data._md5(path) != spec.raw_md5:  # the data layer's own checksum
                status[spec.name] = "DAMAGED: MD5 differs from the original's"
            else:
                status[spec.name] = "ok"
    return status


def report() -> str:
    """The whole report as text, one ``name: value`` a line."""
    lines = [
        f"mnist-course: {mnist_course.__version__}, commit {commit()}",
        f"python: {platform.python_version()} ({sys.executable})",
        f"platform: {platform.platform()}",
        f"colab: {'yes' if 'google.colab' in sys.modules or _colab_installed() else 'no'}",
    ]
    lines += [f"{name}: {version}" for name, version in versions().items()]
    import torch

    cuda = torch.cuda.is_available()
    gpu = f" ({torch.cuda.get_device_name(0)}, CUDA {torch.version.cuda})" if cuda else ""
    lines.append(f"device: {settings.device()}{gpu}")
    lines.append(f"torch threads: {torch.get_num_threads()}")
    root = settings.data_root()
    lines.append(f"data root: {root}")
    for dataset, spec_table in data.DATASETS.items():
        lines.append(f"  {spec_table.folder}/raw:")
        lines += [f"    {name}: {state}" for name, state in file_status(root, dataset).items()]
    for dataset, spec_table in data.DATASETS.items():
        lines.append(f"mirrors tried for {spec_table.folder}, in order:")
        lines += [f"  {m}" for m in data.mirrors(dataset)]
    lines.append(f"quick mode: {'on' if settings.is_quick() else 'off'}")
    lines.append(f"seed offset: {settings.seed_offset()} (MNIST_COURSE_SEED_OFFSET; 0 gives the course's own numbers)")
    return "\n".join(lines)


def _colab_installed() -> bool:
    try:
        importlib.metadata.version("google-colab")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


if __name__ == "__main__":
    print(report())
