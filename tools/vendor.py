"""The browser libraries the site's slide decks and its accessibility audit need, fetched once from the npm registry
(a library: tools/slides.py and tools/site_check.py call :func:`fetch`).

The decks (`make slides`, tools/slides.py) present with reveal.js, and the browser test (`make site-test`) audits
every page with axe-core. Neither file is committed: each package is pinned here to one version and the SHA-512
that the registry publishes for its tarball, downloaded from registry.npmjs.org on first use, checked against that
hash, and unpacked under build/vendor/<name>-<version>/. A machine without access to the registry can place the
tarball there by hand (``build/vendor/<name>-<version>.tgz``); a tarball whose hash differs is refused.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tools.repo_url import ROOT

VENDOR = ROOT / "build" / "vendor"
REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Package:
    """One npm package at one version, and the SHA-512 of its tarball as the registry publishes it."""

    name: str
    version: str
    integrity: str  # "sha512-<base64>", the registry's dist.integrity

    @property
    def url(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"

    @property
    def tarball(self) -> Path:
        return VENDOR / f"{self.name}-{self.version}.tgz"

    @property
    def folder(self) -> Path:
        return VENDOR / f"{self.name}-{self.version}"


REVEAL = Package(
    "reveal.js",
    "5.2.1",
    "sha512-r7//6mIM5p34hFiDMvYfXgyjXqGRta+/psd9YtytsgRlrpRzFv4RbH76TXd2qD+7ZPZEbpBDhdRhJaFgfQ7zNQ==",
)
AXE = Package(
    "axe-core",
    "4.14.1",
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
)
PACKAGES = (REVEAL, AXE)


def _matches(data: bytes, integrity: str) -> bool:
    algorithm, _, expected = integrity.partition("-")
    return algorithm == "sha512" and base64.b64encode(hashlib.sha512(data).digest()).decode() == expected


def fetch(package: Package) -> Path:
    """The unpacked package (its npm ``package/`` folder): from build/vendor/ when already there, else downloaded
    from the registry and checked against the pinned SHA-512. Raises ``RuntimeError`` with the fix when neither
    works."""
    folder = package.folder / "package"
    if folder.is_dir():
        return folder
    if package.tarball.exists():
        data = package.tarball.read_bytes()
    else:
        try:
            with urllib.request.urlopen(package.url, timeout=60) as response:
                data = response.read()
        except OSError as e:
            raise RuntimeError(
                f"could not download {package.url} ({e}). The slide decks and the site's accessibility audit need "
                f"{package.name} {package.version}: allow access to {REGISTRY}, or put its tarball at "
                f"{package.tarball.relative_to(ROOT)}"
            ) from e
    if not _matches(data, package.integrity):
        raise RuntimeError(
            f"{package.name}-{package.version}.tgz does not have the SHA-512 pinned in tools/vendor.py: refusing it. "
            f"Delete {package.tarball.relative_to(ROOT)} if it is there and run again."
        )
    VENDOR.mkdir(parents=True, exist_ok=True)
    package.tarball.write_bytes(data)
    partial = package.folder.with_suffix(".partial")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.12+, and 3.10.12+/3.11.4+: no paths out of the folder
            tar.extractall(partial, filter="data")
        else:
            tar.extractall(partial)
    partial.rename(package.folder)
    return folder
