"""The instructor's tools: assigning exercises and grading submissions.

Split by the stage an instructor runs, as otter-grader is:

* :mod:`.assign` (``make exercises``): each master in ``exercises/source/``
  becomes its student copy, instructor copy, answer key and guide tables.
* :mod:`.grade` (``make grade SUBMISSIONS=dir``): a folder of submitted
  notebooks becomes gradebooks, each submission run in a sandbox on the stored
  data and on the course's relabelled copy; :mod:`.grade.inside` is the only code that runs
  in the sandbox.
* :mod:`.review` (``make review``): the written answers graded by question in the browser.
* :mod:`.masters` reads a master; both stages use it.

Students never import this package, and the download wheel does not carry it:
their notebooks need only :mod:`sourcekit` (its :mod:`sourcekit.checks`).
``docs/architecture.md`` has the map.
"""

from pathlib import Path

#: The repository this package is part of (the instructor's tools run in a checkout only).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXERCISES_DIR = PROJECT_ROOT / "exercises"
MASTERS_DIR = EXERCISES_DIR / "source"
INSTRUCTOR_DIR = EXERCISES_DIR / "instructor"


def master_paths() -> list:
    """Every master notebook, in file-name order."""
    return sorted(Path(MASTERS_DIR).glob("*_exercises.md"))
