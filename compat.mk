# `make compat` (included by the Makefile): the unit tests and the whole course in quick mode in the oldest
# environment pyproject.toml promises and in Google Colab's versions. See tools/compat.sh and tools/compat.py.
.PHONY: compat
compat:  ## unit tests + quick course on the floor versions (Python 3.10) and on Colab's (Python 3.13)
	bash tools/compat.sh $(COMPAT_ENVS)
