# Two commands on a fresh machine: `make book` builds the site, `make test` runs every test.
# Both create .venv and install the pinned requirements first if needed.

VENV   := .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
STAMP  := $(VENV)/.installed-stamp

.PHONY: install vendor book test site-check bench clean lab lab-check instructor-guide student-tree

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
# This is the students' book, the one to publish: no instructor guide, rubric or answer note.
book: $(STAMP) $(VENDORED)
	$(JB) build . -W -n --keep-going

# The instructor edition, never to publish: the students' book plus the instructor manual and the
# guides (rubrics, model answers, answer notes), built from a configuration and table of contents
# written from the students' ones (sourcekit_book/editions.py, instructors/) into its own folder,
# _build/instructor/_build/html, not linked from the students' site. See instructors/index.md.
INSTRUCTOR_OUT := _build/instructor
instructor-guide: $(STAMP) $(VENDORED)
	$(PY) -m sourcekit_book.editions $(INSTRUCTOR_OUT)
	$(JB) build . -W -n --keep-going --config $(INSTRUCTOR_OUT)/_config.yml --toc $(INSTRUCTOR_OUT)/_toc.yml --path-output $(INSTRUCTOR_OUT)
	@echo "Instructor edition (keep it private): $(INSTRUCTOR_OUT)/_build/html/index.html"

# What a hub gives every student (point nbgitpuller at it): chapters, data, the student copies and
# their keys, the course package; no master, instructor copy, guide or grader. See instructors/index.md.
STUDENT_TREE := _build/student-tree
student-tree: $(STAMP)
	$(PY) -m sourcekit_instructor.student_tree $(STUDENT_TREE)

# The whole suite: ruff, then data provenance, loaders, mutation tests, nbval on the exercises,
# the grader and its attacks, the downloads and the strict book build. The grader's tests run
# submissions in the bubblewrap sandbox, so as root it is installed first (see grade); as another
# user they are skipped, and pytest's summary says why.
test: $(STAMP) $(VENDORED) sandbox-for-tests browser-for-tests lint
	$(PY) -m pytest

# The edit-run loop: everything but the tests marked slow (the book build, sandboxed grading, the
# downloads, every chapter's cells), in under a minute. `make test` still runs everything.
.PHONY: test-fast lint format
test-fast: $(STAMP) lint
	$(PY) -m pytest -m "not slow" -q -n auto

# ruff (pinned in requirements.txt, configured in pyproject.toml): lint and formatting, checked.
PY_CODE := sourcekit sourcekit_instructor sourcekit_book tests
lint: $(STAMP)
	$(VENV)/bin/ruff check $(PY_CODE)
	$(VENV)/bin/ruff format --check $(PY_CODE)

format: $(STAMP)
	$(VENV)/bin/ruff format $(PY_CODE)
	$(VENV)/bin/ruff check --fix $(PY_CODE)

.PHONY: sandbox-for-tests
sandbox-for-tests:
	@if [ ! -x $(BWRAP) ] && [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory $(BWRAP); fi

# The grading view's test drives it in headless Chromium with tests/site's tools: as root (CI)
# Chromium is installed first; as another user that test is skipped and says why.
.PHONY: browser-for-tests
browser-for-tests:
	@$(MAKE) --no-print-directory $(SITE_TOOLS)
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory $(CHROMIUM); fi

clean:
	rm -rf _build

# JupyterLab on the course folder, for a class: the MyST chapters open as notebooks (jupytext,
# settings in jupyter/), the explorers and self-checks run live. Only on 127.0.0.1, on PORT, with
# the token Jupyter prints in its URL; a busy port is an error, not a silent move to another one.
# The extension manager is read-only (it would ask PyPI); as root (a container, CI) Jupyter needs
# allow_root. LAB_ARGS passes more options (the browser check uses --no-browser).
# The contents manager (jupyter/course_server_config.json, sourcekit/lab_contents.py) opens the
# chapters readable and saves them, and the exercises, to lab_notebooks/: the course's files stay
# as git has them.
PORT ?= 8888
LAB_CONTENTS_MANAGER := sourcekit.lab_contents.CourseContentsManager
LAB_AS_ROOT := $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True)
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/open_chapters_as_notebooks.json
$(LAB_OVERRIDES): jupyter/open_chapters_as_notebooks.json $(STAMP)
	@mkdir -p $(dir $@)
	cp $< $@

# TREE=student opens the students' tree (make student-tree) instead: what a class on a hub would see.
LAB_ROOT := $(if $(filter student,$(TREE)),$(CURDIR)/$(STUDENT_TREE),$(CURDIR))
lab: $(STAMP) $(LAB_OVERRIDES) $(if $(filter student,$(TREE)),student-tree)
	exec $(VENV)/bin/jupyter-lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	  --ServerApp.port_retries=0 --ServerApp.root_dir="$(LAB_ROOT)" --LabApp.extension_manager=readonly \
	  --ServerApp.contents_manager_class=$(LAB_CONTENTS_MANAGER) \
	  $(LAB_AS_ROOT) $(LAB_ARGS)

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

# `make lab` in headless Chromium: it answers on 127.0.0.1 with a token, a chapter opens as a
# notebook and runs with charts and a live widget, an exercise's self-checks answer, no cell
# errors with the internet refused, and the server stops leaving no process (tests/site/lab_check.mjs).
LAB_CHECK_PORT ?= 8731
lab-check: $(STAMP) $(LAB_OVERRIDES) $(SITE_TOOLS) $(CHROMIUM)
	CHROMIUM_PATH=$(CHROMIUM) node tests/site/lab_check.mjs --port $(LAB_CHECK_PORT) \
	  --screenshots $(SITE_OUTPUT)/lab-screenshots

# Build times against their floor, and page weights, as a Markdown table (a benchmark, not a test).
bench: $(STAMP) $(VENDORED)
	$(PY) tests/bench/bench.py

# Exercises: regenerate every student copy, instructor copy, answer key and guide table from the
# masters in exercises/source/ (a notebook someone has worked in is saved aside, never overwritten).
.PHONY: exercises grade
exercises: $(STAMP)
	$(PY) -m sourcekit_instructor.assign

# Grade a folder of submitted notebooks: make grade SUBMISSIONS=dir [OUT=gradebook.csv] [GRADE_FLAGS="--lms canvas"].
# Each submission runs in a bubblewrap sandbox (installed here with apt-get when run as root, as
# site-check installs Chromium), on the stored tables and on the course's relabelled copy (reading
# questions are judged on the first, computation questions on both); answers are judged in the
# grader's own process. With no sandbox it refuses, unless NO_SANDBOX=1. See exercises/guides/instructor_manual.md.
# The folder and file names reach the shell single-quoted, unexpanded: a name with `...` or $(...)
# is a name, never a command.
OUT ?= gradebook.csv
BWRAP ?= /usr/bin/bwrap
$(BWRAP):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq bubblewrap; \
	else echo "grading needs bubblewrap for its sandbox: sudo apt-get install -y bubblewrap (or make grade NO_SANDBOX=1 to grade WITHOUT isolation)" >&2; exit 2; fi

shell_quote = '$(subst ','\'',$(1))'
grade: $(STAMP) $(if $(NO_SANDBOX),,$(BWRAP))
	@test -n $(call shell_quote,$(value SUBMISSIONS)) || { echo "usage: make grade SUBMISSIONS=folder-of-notebooks [OUT=gradebook.csv] [NO_SANDBOX=1]" >&2; exit 2; }
	$(PY) -m sourcekit_instructor.grade $(call shell_quote,$(value SUBMISSIONS)) --out $(call shell_quote,$(value OUT)) $(if $(NO_SANDBOX),--no-sandbox) $(GRADE_FLAGS)

# The grader's tests and the attacks on it (tests/grading/), each a real submission graded in the
# sandbox; `make test` runs them too. About 3 minutes on 2 cores.
.PHONY: test-grading
test-grading: $(STAMP) $(BWRAP)
	$(PY) -m pytest tests/grading -p no:cacheprovider -q

# Grading speed against its floors (200 submissions; a benchmark, not a test): docs/performance.md.
.PHONY: bench-grading
bench-grading: $(STAMP) $(BWRAP)
	$(PY) tests/bench/bench_grading.py

# The rest of the grading cycle, after `make grade` (docs/grading-cycle.md). Each reads the files
# `make grade` left beside OUT. `make review` serves the written-answer grading view on 127.0.0.1:REVIEW_PORT
# only (Ctrl-C stops it; grades are saved as entered in OUT's _review.sqlite); `make merge` folds them
# into the gradebooks and, with LMS=canvas or LMS=moodle (IDENTITY=regex), the LMS file; `make feedback`
# writes a page per submission and a zip; `make class-report` one page of charts.
.PHONY: review merge feedback class-report grading-cycle-check
REVIEW_PORT ?= 8766
review: $(STAMP)
	$(PY) -m sourcekit_instructor.review --out $(call shell_quote,$(value OUT)) --port $(REVIEW_PORT)

merge: $(STAMP)
	$(PY) -m sourcekit_instructor.grade.merge --out $(call shell_quote,$(value OUT)) $(if $(LMS),--lms $(LMS)) $(if $(IDENTITY),--identity $(call shell_quote,$(value IDENTITY)))

feedback: $(STAMP)
	$(PY) -m sourcekit_instructor.grade.feedback --out $(call shell_quote,$(value OUT))

class-report: $(STAMP)
	$(PY) -m sourcekit_instructor.grade.class_report --out $(call shell_quote,$(value OUT))

# The grading cycle's tests (the review view in headless Chromium with axe-core needs tests/site's tools).
grading-cycle-check: $(STAMP) $(SITE_TOOLS)
	$(PY) -m pytest tests/grading/test_review_browser.py tests/grading/test_written_answers.py tests/grading/test_merge.py \
	  tests/grading/test_feedback.py tests/grading/test_class_report.py -p no:cacheprovider -q
