"""The grading command: right scores, a clear row for every broken submission, files untouched.

Each test grades real notebooks (the generated student and instructor copies, and broken
versions of them) on real kernels, so they are the slow part of the exercise tests; each
grading run uses both cores.
"""

import csv
import hashlib
import shutil
import time

import nbformat
import psutil
import pytest

from sourcekit.checks import load_key
from sourcekit.grading import EXERCISES_DIR, INSTRUCTOR_DIR
from sourcekit.grading.gradebook import grade_folder, main

EXERCISES = ("background", "the_battle", "casualty_reporting", "international_reaction", "provenance")
WRITTEN_ANSWER = "003 repeats 001, or both repeat a wire story; the spelling defense suggests an editor."
#: Per-cell limit in these tests: generous, so a loaded CI machine does not time out an import.
TIMEOUT = 20


def fingerprints(folder):
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def edited(exercise, role, changes, markdown=None):
    """A copy of a generated notebook with some code cells' sources replaced."""
    path = (INSTRUCTOR_DIR if role == "solution" else EXERCISES_DIR) / f"{exercise}_exercises.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        for start, replacement in changes.items():
            if cell.cell_type == "code" and cell.source.startswith(start):
                cell.source = replacement
        if markdown and cell.cell_type == "markdown" and "otter_answer_cell" in cell.metadata.get("tags", []):
            cell.source = markdown
    return notebook


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_solution_scores_full_marks_and_every_unanswered_copy_zero(exercise, tmp_path):
    shutil.copy(INSTRUCTOR_DIR / f"{exercise}_exercises.ipynb", tmp_path / "solution.ipynb")
    shutil.copy(EXERCISES_DIR / f"{exercise}_exercises.ipynb", tmp_path / "unanswered.ipynb")
    found, key, rows = grade_folder(tmp_path, timeout=TIMEOUT, max_time=300, jobs=2)
    assert found == exercise
    solution, unanswered = rows
    possible = sum(q["points"] for q in key["questions"])
    assert (solution.status, solution.problems) == ("graded", [])
    assert sum(solution.scores.values()) == possible
    assert (unanswered.status, unanswered.problems) == ("graded", [])
    assert sum(unanswered.scores.values()) == 0 and len(unanswered.scores) == len(key["questions"])
    assert set(unanswered.written.values()) == {"blank"}


@pytest.fixture(scope="module")
def graded_folder(tmp_path_factory):
    """A folder of provenance submissions, one of each kind, graded by the command line."""
    folder = tmp_path_factory.mktemp("submissions")
    shutil.copy(INSTRUCTOR_DIR / "provenance_exercises.ipynb", folder / "a_solution.ipynb")
    shutil.copy(EXERCISES_DIR / "provenance_exercises.ipynb", folder / "b_unanswered.ipynb")
    text = (EXERCISES_DIR / "provenance_exercises.ipynb").read_text(encoding="utf-8")
    (folder / "c_corrupt.ipynb").write_text(text[: len(text) // 3], encoding="utf-8")
    loop = edited("provenance", "solution", {"# BEGIN SOLUTION NO PROMPT\npassage =": "while True:\n    pass", "placeholder_documents =": "placeholder_documents = 1 / 0"})
    nbformat.write(loop, folder / "d_endless_loop.ipynb")
    partial = edited(
        "provenance",
        "student",
        {"most_shared_pair = ...": "most_shared_pair = 5", "independent_denials = ...": "independent_denials = 3", "orphan_pronoun_line = ...": "orphan_pronoun_line = 6"},
        markdown=WRITTEN_ANSWER,
    )
    nbformat.write(partial, folder / "e_partial.ipynb")
    shutil.copy(EXERCISES_DIR / "background_exercises.ipynb", folder / "f_other_exercise.ipynb")
    (folder / "g_no_cells.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', encoding="utf-8")
    (folder / "notes.txt").write_text("not a notebook, not graded", encoding="utf-8")
    before = fingerprints(folder)
    out = tmp_path_factory.mktemp("out") / "gradebook.csv"
    started = time.monotonic()
    status = main([str(folder), "--out", str(out), "--timeout", str(TIMEOUT), "--max-time", "300", "--jobs", "2"])
    seconds = time.monotonic() - started
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    return {"folder": folder, "before": before, "status": status, "rows": rows, "out": out, "seconds": seconds}


def test_the_gradebook_has_a_row_per_submission_a_column_per_question_and_a_total(graded_folder):
    assert graded_folder["status"] == 0
    rows = graded_folder["rows"]
    assert sorted(rows) == ["a_solution.ipynb", "b_unanswered.ipynb", "c_corrupt.ipynb", "d_endless_loop.ipynb", "e_partial.ipynb", "f_other_exercise.ipynb", "g_no_cells.ipynb"]
    key = load_key("provenance")
    header = list(rows["a_solution.ipynb"])
    assert header[3 : 3 + len(key["questions"])] == [f"q{q['id']}" for q in key["questions"]]
    assert {"total", "possible", "q5.11 (written)", "problems"} <= set(header)
    assert rows["a_solution.ipynb"]["total"] == rows["a_solution.ipynb"]["possible"] == str(len(key["questions"]))
    assert rows["b_unanswered.ipynb"]["total"] == "0"


def test_a_corrupt_or_empty_notebook_gets_a_row_saying_so(graded_folder):
    rows = graded_folder["rows"]
    assert rows["c_corrupt.ipynb"]["status"] == "not graded"
    assert "not valid JSON" in rows["c_corrupt.ipynb"]["problems"]
    assert rows["c_corrupt.ipynb"]["total"] == ""
    assert rows["g_no_cells.ipynb"]["problems"] == "the notebook has no cells"
    assert "this is the 'background' notebook, not 'provenance'" in rows["f_other_exercise.ipynb"]["problems"]


def test_an_endless_loop_is_stopped_and_the_rest_of_the_notebook_still_graded(graded_folder):
    row = graded_folder["rows"]["d_endless_loop.ipynb"]
    assert row["status"] == "graded, with problems"
    assert f"ran longer than {TIMEOUT} s and was stopped" in row["problems"]
    assert "raised ZeroDivisionError: division by zero" in row["problems"]
    # The loop replaced 5.2's cell and 5.6 raises: every other answer still counts.
    assert (row["q5.2"], row["q5.6"], row["q5.1"], row["q5.8"]) == ("0", "0", "1", "1")
    assert row["total"] == str(int(row["possible"]) - 2)


def test_a_partly_answered_notebook_scores_only_its_right_answers_and_its_written_answer_is_counted(graded_folder):
    row = graded_folder["rows"]["e_partial.ipynb"]
    assert row["status"] == "graded"
    assert (row["q5.1"], row["q5.5"], row["q5.8"], row["total"]) == ("0", "0", "1", "1")
    assert row["q5.11 (written)"] == f"to grade: {len(WRITTEN_ANSWER.split())} words"


def test_submissions_are_never_modified(graded_folder):
    assert fingerprints(graded_folder["folder"]) == graded_folder["before"]
    assert "WARNING" not in " ".join(row["problems"] for row in graded_folder["rows"].values())


def test_the_summary_is_written_beside_the_gradebook(graded_folder):
    summary = graded_folder["out"].with_name("gradebook_summary.txt").read_text(encoding="utf-8")
    assert "Graded 7 submission(s) of the 'provenance' exercise" in summary
    assert "c_corrupt.ipynb: not graded" in summary
    assert "5.11, 5.12: grade by hand" in summary


def test_a_submission_that_ignores_interrupts_is_killed_with_its_kernel(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["sourcekit"] = {"exercise": "provenance"}
    notebook.cells = [nbformat.v4.new_code_cell("while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass")]
    nbformat.write(notebook, tmp_path / "stubborn.ipynb")
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    started = time.monotonic()
    _, _, [row] = grade_folder(tmp_path, timeout=2, max_time=8, jobs=1)
    assert time.monotonic() - started < 30
    assert row.status == "not graded"
    assert "still running after 8 s, so it was stopped" in row.problems[0]
    time.sleep(1)
    left = {p.pid for p in psutil.Process().children(recursive=True)} - before
    assert not left, "the killed submission's kernel is still running"


def test_a_folder_that_is_not_there_or_holds_no_notebooks_is_a_message(tmp_path, capsys):
    assert main([str(tmp_path / "missing")]) == 2
    assert "is not a folder of submissions" in capsys.readouterr().err
    assert main([str(tmp_path)]) == 2
    assert "no .ipynb files" in capsys.readouterr().err
