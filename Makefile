# Two commands on a fresh machine: `make book` builds the site, `make test` runs every test.
# Both create .venv and install the pinned requirements first if needed.

VENV   := .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
STAMP  := $(VENV)/.installed-stamp

.PHONY: install vendor book test site-check bench clean

# Re-install only when the pins change; the stamp records the last good install.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

install: $(STAMP)

# Browser assets the site serves itself (the widget manager), pinned in _vendor/package-lock.json
# and fetched by npm ci; see _vendor/README.md. npm writes node_modules/.package-lock.json.
VENDORED := _vendor/node_modules/.package-lock.json
$(VENDORED): _vendor/package.json _vendor/package-lock.json
	cd _vendor && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

vendor: $(VENDORED)

# Warnings are errors (-W) and a cell that raises fails the build; --keep-going reports all of them.
book: $(STAMP) $(VENDORED)
	$(JB) build . -W -n --keep-going

# The whole suite: data provenance, loaders, mutation tests, nbval on the exercises and the strict book build.
test: $(STAMP) $(VENDORED)
	$(PY) -m pytest

clean:
	rm -rf _build

# The built site in headless Chromium: no request to another host, no console error, no axe-core
# WCAG 2.1 A/AA violation, alt text on every image, no sideways scrolling at 390 px, every explorer
# and quiz working, no broken link; screenshots of every page in _build/screenshots/.
# The self-test first proves that each of those checks can fail. See tests/site/README.md.
CHROMIUM   ?= /usr/bin/chromium
SITE_TOOLS := tests/site/node_modules/.package-lock.json
$(SITE_TOOLS): tests/site/package.json tests/site/package-lock.json
	cd tests/site && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	else echo "site-check needs Chromium at $(CHROMIUM): sudo apt-get install -y chromium chromium-driver" >&2; exit 2; fi

SITE_OUTPUT ?= _build
site-check: book $(SITE_TOOLS) $(CHROMIUM)
	CHROMIUM_PATH=$(CHROMIUM) node tests/site/site_check.mjs --self-test
	CHROMIUM_PATH=$(CHROMIUM) node tests/site/site_check.mjs --site $(SITE_OUTPUT)/html \
	  --screenshots $(SITE_OUTPUT)/screenshots --report $(SITE_OUTPUT)/site-check.json

# Build times against their floor, and page weights, as a Markdown table (a benchmark, not a test).
bench: $(STAMP) $(VENDORED)
	$(PY) tests/bench/bench.py

# Exercises: regenerate every student copy, instructor copy, answer key and guide table from the
# masters in exercises/source/ (a notebook someone has worked in is saved aside, never overwritten).
.PHONY: exercises grade
exercises: $(STAMP)
	$(PY) -m sourcekit.grading.generate

# Grade a folder of submitted notebooks: make grade SUBMISSIONS=dir [OUT=gradebook.csv].
# Submissions are copied and run in parallel, one kernel each; the files are never modified.
OUT ?= gradebook.csv
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder-of-notebooks [OUT=gradebook.csv]" >&2; exit 2; }
	$(PY) -m sourcekit.grading "$(SUBMISSIONS)" --out "$(OUT)"
