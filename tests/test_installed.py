"""In `make compat` the unit tests run against the package as a student's Colab runtime has it: installed by pip
from git at the notebooks' ref (tools/compat.sh sets COMPAT_INSTALLED=<ref>@<commit>), not the checkout."""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys
from pathlib import Path

import pytest

import mnist_course

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = os.environ.get("COMPAT_INSTALLED", "")


@pytest.mark.skipif(not INSTALLED, reason="only in make compat, which installs the package from git as Colab does")
def test_the_package_is_the_copy_pip_installed_from_git():
    where = Path(mnist_course.__file__).resolve()
    assert where.is_relative_to(Path(sys.prefix).resolve()), f"{where} is not inside the environment {sys.prefix}"
    assert not where.is_relative_to(ROOT), f"{where} is the checkout's copy, not the installed one"
    direct = json.loads(importlib.metadata.distribution("mnist-course").read_text("direct_url.json") or "{}")
    ref, commit = INSTALLED.split("@")
    assert direct.get("url", "").startswith("file://"), direct
    assert direct.get("dir_info", {}).get("editable") is not True, "an editable install is not what Colab gets"
    assert direct["vcs_info"] == {"vcs": "git", "requested_revision": ref, "commit_id": commit}


def test_the_checkout_is_used_outside_make_compat():
    if INSTALLED:
        pytest.skip("make compat: the installed copy is the one under test")
    assert Path(mnist_course.__file__).resolve().is_relative_to(ROOT)
