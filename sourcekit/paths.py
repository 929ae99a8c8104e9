"""Where the book's files are, wherever a notebook runs from.

Notebooks run with their own folder as the working directory (chapters/,
exercises/, or a build folder), so paths are resolved from this package's own
location, with ``SHUSHA_COURSE_DATA`` as an override for tests that need a
copy of ``data/``.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder holding the CSV tables and ``sources/``."""
    override = os.environ.get("SHUSHA_COURSE_DATA")
    return Path(override) if override else PROJECT_ROOT / "data"
