"""Grading the written answers by question (``make review``), after ``make grade``.

* :mod:`.store` keeps the grades in SQLite beside the gradebook, saved as entered;
* :mod:`.similar` flags answers sharing a long unquoted passage with another text;
* :mod:`.server` serves the one-page grading view (:file:`page.html`) on 127.0.0.1.
"""
