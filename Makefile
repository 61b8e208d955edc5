# Two commands set everything up on a fresh machine (Python 3.10+ and make are all it needs):
#   make run    create .venv, install, execute the whole course into notebooks/*.ipynb, print the results table
#   make test   create .venv, install, then ruff, the unit tests and nbval on every notebook
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

# Tests, CI and this repository's machines find the original MNIST files beside the checkout;
# elsewhere this is empty and the public mirrors are used.
export MNIST_COURSE_MIRRORS ?= $(abspath $(wildcard ../shared/data/mnist))
export MNIST_COURSE_FASHION_MIRRORS ?= $(abspath $(wildcard ../shared/data/fashion-mnist))
export MNIST_COURSE_PROGRESS ?= 0

.PHONY: install run quick test lint unit nbval sync lab bench urls clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install  ## execute the course at full fidelity, writing outputs into notebooks/*.ipynb
	$(PY) tools/run_course.py $(NB)

quick: install  ## a fast smoke run (MNIST_COURSE_QUICK=1); outputs go to build/quick/, not notebooks/
	MNIST_COURSE_QUICK=1 $(PY) tools/run_course.py $(NB)

test: install lint unit nbval  ## everything CI checks

lint: install
	$(VENV)/bin/ruff check .

unit: install
	$(PY) -m pytest tests

nbval: install  ## re-execute every stored notebook and compare the cells marked NBVAL_CHECK_OUTPUT
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
		MNIST_COURSE_STRICT=1 $(PY) -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=1800 -p no:cacheprovider notebooks/*.ipynb; \
	else echo "nbval: no notebooks yet"; fi

sync: install  ## rewrite notebooks/*.ipynb cell sources from their .py twins, keeping outputs (no execution)
	$(VENV)/bin/jupytext --update --to ipynb notebooks/[0-9][0-9]_*.py

urls: install  ## rewrite every notebook's Colab badge and setup cell from the Repository URL in pyproject.toml
	$(PY) tools/repo_url.py --write

lab: install
	$(VENV)/bin/jupyter lab notebooks

bench: install
	$(PY) -m bench

clean:
	rm -rf build .pytest_cache
-include site.mk
-include compat.mk
