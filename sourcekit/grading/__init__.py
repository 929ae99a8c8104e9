"""Exercises: generating student and instructor copies, and grading submissions.

* :mod:`sourcekit.grading.generate` turns each master notebook in
  ``exercises/source/`` into the student copy (solutions stripped by
  ``otter assign``, outputs stored), the instructor copy (solutions and
  rubrics), the answer key of salted digests and the question tables the
  instructor guides include. ``make exercises`` runs it.
* :mod:`sourcekit.grading.gradebook` grades a folder of submitted notebooks
  into gradebook CSVs, in parallel, each submission on a fresh kernel in a
  bubblewrap sandbox (:mod:`.sandbox`, :mod:`.worker`), on the stored data
  and on a hidden variant (:mod:`.variants`); answers leave the sandbox as
  plain JSON and are judged in the grader's process (:mod:`.answers`).
  ``make grade SUBMISSIONS=dir`` runs it.

Students never import this package: their notebooks only need
:mod:`sourcekit.checks`.
"""

from pathlib import Path

from ..paths import PROJECT_ROOT

EXERCISES_DIR = PROJECT_ROOT / "exercises"
MASTERS_DIR = EXERCISES_DIR / "source"
INSTRUCTOR_DIR = EXERCISES_DIR / "instructor"


def master_paths() -> list:
    """Every master notebook, in file-name order."""
    return sorted(Path(MASTERS_DIR).glob("*_exercises.md"))
