"""`make check`: every generated artefact against its source, all of them, then one verdict.

    python -m tools.check

Runs, each in its own process so that one failure does not hide the next:
  python -m tools.readme_results --check   README's results and "How fast" blocks against build/*.json
  python -m tools.headers --check          each notebook's time line and README's time column
  python -m tools.docs --check             CONTRIBUTING's switch table, the package's module table
  python tools/repo_url.py                 Colab badges and setup cells against pyproject.toml
A clean clone has no build/: the README check then says it compared nothing and passes (see tools/readme_results.py),
and the headers check compares against README's published results table instead. Exits 1 when any check fails.
"""

from __future__ import annotations

import subprocess
import sys

from tools.ledger import ROOT

CHECKS = (
    ["-m", "tools.readme_results", "--check"],
    ["-m", "tools.headers", "--check"],
    ["-m", "tools.docs", "--check"],
    ["tools/repo_url.py"],
)


def main() -> int:
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
