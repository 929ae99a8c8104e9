# Two commands on a fresh machine: `make book` builds the site, `make test` runs every test.
# Both create .venv and install the pinned requirements first if needed.

VENV   := .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
STAMP  := $(VENV)/.installed-stamp

.PHONY: install book test clean

# Re-install only when the pins change; the stamp records the last good install.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

install: $(STAMP)

# Warnings are errors (-W) and a cell that raises fails the build; --keep-going reports all of them.
book: $(STAMP)
	$(JB) build . -W -n --keep-going

# The whole suite: data provenance, loaders, mutation tests, nbval on the exercises and the strict book build.
test: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf _build
