"""The course's own tooling, run from the repository root as modules (no path tricks needed).

Command-line tools (each has a ``main``; none imports another):

    python -m tools.run_course [NN ...]       execute notebooks, write their results into the ledger (`make run`)
    python -m tools.readme_results [--check]  README's results and "How fast" blocks from their committed files
    python -m tools.headers [--check]         each notebook's "Runs in about N minutes" line, README's time column
    python -m tools.stored_results            the stored notebooks' verdict lines against the ledger
    python -m tools.docs [--check]            CONTRIBUTING.md's switch table from mnist_course.settings
    python -m tools.urls [--check]            Colab badges, setup cells and README's install line (`make urls`)
    python -m tools.spread [NN ...] --offsets 1 2   re-run notebooks with other seeds (`make spread`); --render
                                              [--check]: CONTRIBUTING's table of how results move with the seed
    python -m tools.glossary [--check]        GLOSSARY.md from docs/glossary.txt (`make glossary`)
    python -m tools.check                     every check above in turn (`make check`)
    python -m tools.site_build                the course's website (`make site`; tools/site_check.py tests it)
    (and tools.compat, tools.release, tools.prose_numbers, tools.wheel_names: see each module's docstring)

The ground floor they build on (libraries, no ``main``):

    tools.repo_url   pyproject.toml and every address the course publishes; ``ROOT``, the repository's root
                     (the one definition every tool imports)
    tools.markdown   marked blocks in Markdown files (read and fill) and the Markdown table writer
    tools.execute    executing one py:percent twin headless into an .ipynb (for run_course and spread)
    tools.glossary_source  the glossary's source, docs/glossary.txt, read and rendered (for glossary and the site)
    tools.ledger     the results ledger, ``notebooks/results.json`` (committed; ``build/results-quick.json`` for
                     quick runs): rows, cell times and each run's machine, and everything rendered from them

Every published number and every sentence about the machine it was measured on is rendered from a committed
JSON file (the ledger; ``bench/results.json`` through ``bench.report``); nothing parses Markdown back into data.
"""
