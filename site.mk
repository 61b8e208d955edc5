# The course as a static website (included from Makefile; issue 17).
#   make site        build build/site/ from docs/ and the stored notebooks (no execution), warnings are errors
#   make site-test   open every page in headless Chromium (/usr/bin/chromium): errors, images, math, links, Colab
SITE_STAMP := $(VENV)/.site-stamp

.PHONY: site site-test

$(SITE_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev,site]"
	touch $(SITE_STAMP)

site: $(SITE_STAMP)  ## build the course website into build/site/ from the stored notebooks (no execution)
	$(PY) -m tools.site_build

site-test: site  ## check every page of the site in headless Chromium (skipped, saying why, without it)
	$(PY) -m pytest -p no:cacheprovider -rs tools/site_check.py
