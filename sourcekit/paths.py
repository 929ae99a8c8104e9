"""Where the book's files are, wherever a notebook runs from.

Notebooks run with their own folder as the working directory (chapters/,
exercises/, a build folder, or an unpacked download), so paths are resolved
from this package's own location, never from the working directory:

* in a checkout (``pip install -e .``), the course folder is the repository;
* installed from the wheel a download ships, the course's tables, documents,
  quizzes and answer keys are package data in ``sourcekit/_course/`` (the
  ``package-dir`` mapping in ``pyproject.toml`` puts ``data/``,
  ``chapters/quizzes/`` and ``exercises/keys/`` there, in the same layout),
  so the same relative paths work in both.

``SHUSHA_COURSE_DATA`` overrides the data folder for tests and for grading,
which need a copy of ``data/``.
"""

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

#: The course files an installed wheel carries (absent in a checkout).
PACKAGED_COURSE = _PACKAGE / "_course"

#: The folder holding ``data/``, ``chapters/quizzes/`` and ``exercises/keys/``.
PROJECT_ROOT = PACKAGED_COURSE if (PACKAGED_COURSE / "data").is_dir() else _PACKAGE.parent


def data_dir() -> Path:
    """The folder holding the CSV tables and ``sources/``."""
    override = os.environ.get("SHUSHA_COURSE_DATA")
    return Path(override) if override else PROJECT_ROOT / "data"
