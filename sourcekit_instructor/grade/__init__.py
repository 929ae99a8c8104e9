"""Grading a folder of submissions (``make grade SUBMISSIONS=dir``), one module per step.

* :mod:`.submissions` reads the folder: which files, which exercise each is;
* :mod:`.variants` makes the relabelled copy of the tables (the variant);
* :mod:`.account` says what grading does, once, for the guides, the README and ``--help``;
* :mod:`.expected` runs the instructor's solutions to learn the right answers;
* :mod:`.runner` runs a notebook on the data sets, in the :mod:`.sandbox`;
  :mod:`.inside` is what runs in there (the worker and the answer export);
* :mod:`.judge` reads the exported answers and judges them;
* :mod:`.score` grades one submission and a whole folder into rows;
* :mod:`.reports` writes the gradebooks, the LMS file and the summary;
* :mod:`.written` collects the written answers and reads their rubrics from the masters;
* after ``make review`` (:mod:`sourcekit_instructor.review`): :mod:`.merge` folds the written
  grades into the gradebooks and LMS files, :mod:`.feedback` writes a page per submission,
  :mod:`.class_report` a page of charts about the class (docs/grading-cycle.md);
* :mod:`.cli` is the command line.

Nothing here is imported by the sandboxed code except :mod:`.inside`, so this
package's ``__init__`` stays free of imports.
"""
