"""The course's own tooling, run from the repository root as modules (no path tricks needed).

    python -m tools.run_course [NN ...]       execute notebooks, merge their results into the ledger (`make run`)
    python -m tools.readme_results [--check]  copy the ledger and build/bench.json into README.md
    python -m tools.headers [--check]         each notebook's "About N minutes" line and README's Time column
    python -m tools.docs [--check]            CONTRIBUTING.md's switch table from mnist_course.settings
    python -m tools.check                     every --check above plus tools/repo_url.py (`make check`)

``tools.ledger`` owns ``build/results.json``: every tool reads and writes results through it.
"""
