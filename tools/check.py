"""`make check`: every generated artefact against its source, all of them, then one verdict.

    python -m tools.check

Runs, each in its own process so that one failure does not hide the next:
  python -m tools.stored_results          the stored notebooks' verdict lines against notebooks/results.json
  python -m tools.readme_results --check  README's results and "How fast" blocks against notebooks/results.json
                                          and bench/results.json
  python -m tools.headers --check         each notebook's time line and README's time column against the ledger
  python -m tools.docs --check            CONTRIBUTING's switch table, the package's module table
  python -m tools.urls --check            Colab badges, setup cells and README's install line against pyproject.toml
  python -m tools.wheel_names             every name the notebooks import exists in the wheel built from this tree
  python -m tools.prose_numbers           every measured number in the notebooks' prose is in their stored outputs
  python -m tools.glossary --check        GLOSSARY.md against docs/glossary.txt; every entry's sections exist, every
                                          term is linked where a notebook teaches it, every notebook link names an entry
  python -m tools.spread --render --check CONTRIBUTING's seed-spread section against notebooks/spreads.json
  python -m tools.slides --check          every notebook's slide structure, and an alt text for every figure
Every source is committed, so a clean clone (CI) checks exactly what a developer's machine checks; a missing
source is a failure naming the command that writes it. Exits 1 when any check fails.
"""

from __future__ import annotations

import subprocess
import sys

from tools.repo_url import ROOT

CHECKS = (
    ["-m", "tools.stored_results"],
    ["-m", "tools.readme_results", "--check"],
    ["-m", "tools.headers", "--check"],
    ["-m", "tools.docs", "--check"],
    ["-m", "tools.urls", "--check"],
    ["-m", "tools.wheel_names"],
    ["-m", "tools.prose_numbers"],
    ["-m", "tools.glossary", "--check"],
    ["-m", "tools.spread", "--render", "--check"],
    ["-m", "tools.slides", "--check"],
)


def main() -> int:
    """Run every check; exit 1 when one fails."""
    failed = []
    for args in CHECKS:
        name = " ".join(["python", *args])
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, *args], cwd=ROOT).returncode != 0:
            failed.append(name)
    print()
    for name in failed:
        print(f"check FAILED: {name}")
    print("check: all generated files match their sources" if not failed else f"check: {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
