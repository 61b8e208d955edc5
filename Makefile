# Two commands set everything up on a fresh machine (Python 3.10+ and make are all it needs):
#   make run    create .venv, install, execute the whole course into notebooks/*.ipynb, print the results table
#   make test   create .venv, install, then ruff, the generated-file checks, the unit tests and nbval
# `make` alone lists every target. Tools run as modules from the repository root: python -m tools.<name>.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

# Tests, CI and this repository's machines find the original MNIST files beside the checkout;
# elsewhere this is empty and the public mirrors are used.
export MNIST_COURSE_MIRRORS ?= $(abspath $(wildcard ../shared/data/mnist))
export MNIST_COURSE_FASHION_MIRRORS ?= $(abspath $(wildcard ../shared/data/fashion-mnist))
export MNIST_COURSE_PROGRESS ?= 0

.DEFAULT_GOAL := help
.PHONY: help install run quick lecture test lint format check unit rerun nbval sync lab lab-lecture bench spread readme headers urls glossary release clean

help:  ## list the targets (this text)
	@echo "make <target>   (NB=05 limits run/quick to notebooks whose names start with 05)"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 12

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the package with its dev tools (done by every target that needs it)

run: install  ## execute the course at full fidelity into notebooks/*.ipynb and the ledger notebooks/results.json; NB=05 runs one, merged
	$(PY) -m tools.run_course $(NB)

quick: install  ## a fast smoke run (MNIST_COURSE_QUICK=1); outputs go to build/quick/, not notebooks/
	MNIST_COURSE_QUICK=1 $(PY) -m tools.run_course $(NB)

test: install lint check unit rerun nbval  ## everything CI checks: lint, check, unit, rerun, nbval

lint: install  ## ruff check, and ruff format --check outside notebooks/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install  ## ruff format the package, tests, tools and bench (notebooks/ are excluded)
	$(VENV)/bin/ruff format .

check: install  ## every generated file against its source: stored verdicts vs the ledger, README tables, time lines, switch table, Colab URLs
	$(PY) -m tools.check

unit: install  ## the unit tests (tests/), without the course re-run
	$(PY) -m pytest tests -m "not course"

rerun: install  ## each notebook in quick mode, its exercise solutions, then every cell again last to first: a tagged cell must print the same
	MNIST_COURSE_QUICK=1 $(PY) -m pytest tests -m course

nbval: install  ## re-execute every stored notebook and compare the cells tagged nbval-check-output
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
		MNIST_COURSE_STRICT=1 $(PY) -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=1800 -p no:cacheprovider notebooks/*.ipynb; \
	else echo "nbval: no notebooks yet"; fi

sync: install  ## rewrite notebooks/*.ipynb cell sources from their .py twins, keeping outputs (no execution)
	$(VENV)/bin/jupytext --update --to ipynb notebooks/[0-9][0-9]_*.py

readme: install  ## render notebooks/results.json and bench/results.json into README.md (after make run, make bench)
	$(PY) -m tools.readme_results

headers: install  ## write each notebook's "Runs in about N minutes on ..." line and README's time column from notebooks/results.json
	$(PY) -m tools.headers

urls: install  ## write every badge, setup cell and README's Colab block for one ref (REF=v0.3.0 pins a release; default: pyproject's)
	$(PY) -m tools.urls $(if $(REF),--ref $(REF))

glossary: install  ## write GLOSSARY.md from docs/glossary.txt (the course's terms; make check checks it and the notebooks' links)
	$(PY) -m tools.glossary

release: install  ## cut release VERSION=x.y.z: version, CHANGELOG entry required, commit, tag vx.y.z, back to main
	$(PY) -m tools.release $(VERSION)

lab: install  ## open JupyterLab on notebooks/ (RISE installed: Alt+R presents the open notebook as live slides)
	$(VENV)/bin/jupyter lab notebooks

lecture: install  ## before class: run the course once with the lecture cache on, so long trainings load in class
	$(PY) -m tools.run_course --lecture $(NB)

lab-lecture: install  ## JupyterLab with the lecture cache on (and RISE): prepared long trainings load instead of training live
	MNIST_COURSE_LECTURE_CACHE=1 $(VENV)/bin/jupyter lab notebooks

bench: install  ## time the course's way against the usual tutorial way (about six minutes); writes bench/results.json (committed)
	$(PY) -m bench

spread: install  ## run NB (default 07-11) once per seed offset in OFFSETS (default 1 2), not strict; writes notebooks/spreads.json and CONTRIBUTING's table
	$(PY) -m tools.spread $(or $(NB),07 08 09 10 11) --offsets $(or $(OFFSETS),1 2)
	$(PY) -m tools.spread --render

clean:  ## remove build/ and pytest's cache
	rm -rf build .pytest_cache
-include site.mk
-include compat.mk
