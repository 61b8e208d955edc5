# The course as a static website (included from Makefile; issue 17).
#   make site        build build/site/ from docs/ and the stored notebooks (no execution), warnings are errors
#   make site-test   open every page in headless Chromium (/usr/bin/chromium): errors, images, math, links, Colab;
#                    step through every slide of every deck; axe-core accessibility audit of pages and slides
#   make slides      the slide decks alone (build/site/slides/), from the stored notebooks (needs make site once)
SITE_STAMP := $(VENV)/.site-stamp

.PHONY: site site-test slides

$(SITE_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev,site]"
	touch $(SITE_STAMP)

site: $(SITE_STAMP)  ## build the course website and its slide decks into build/site/ from the stored notebooks (no execution)
	$(PY) -m tools.site_build
	$(PY) -m tools.slides

site-test: site  ## check every page of the site in headless Chromium (skipped, saying why, without it)
	$(PY) -m pytest -p no:cacheprovider -rs tools/site_check.py

slides: $(SITE_STAMP)  ## one reveal.js deck per notebook from its stored outputs into build/site/slides/ (make site builds them too)
	@test -d build/site/_static/mathjax || $(PY) -m tools.site_build
	$(PY) -m tools.slides $(NB)
