"""The grading command: right scores, a clear row for every broken submission, files untouched.

One folder holds every exercise's solution and unanswered copy plus broken notebooks, graded
once by the real command line (in the sandbox, with a hidden variant); the tests read its
gradebooks. The attacks a hostile student would try are in tests/test_grading_attacks.py.
"""

import csv
import hashlib
import shutil
import time

import nbformat
import psutil
import pytest

from sourcekit.checks import load_key
from sourcekit_instructor import EXERCISES_DIR, INSTRUCTOR_DIR
from sourcekit_instructor.grade.account import RIGHT_ON_BOTH, RIGHT_ON_STORED
from sourcekit_instructor.grade.cli import main
from sourcekit_instructor.grade.reports import spreadsheet_safe
from sourcekit_instructor.grade.score import grade_folder
from tests.conftest import require_sandbox

#: Slow (each test grades in the sandbox): `make test-fast` leaves these out.
pytestmark = pytest.mark.slow

EXERCISES = (
    "background",
    "the_battle",
    "casualty_reporting",
    "international_reaction",
    "provenance",
)
WRITTEN_ANSWER = (
    "003 repeats 001, or both repeat a wire story; the spelling defense suggests an editor."
)
#: Per-cell limit in these tests: generous, so a loaded CI machine does not time out an import.
TIMEOUT = 30


def fingerprints(folder):
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in folder.iterdir()
    }


def edited(exercise, role, changes, markdown=None):
    """A copy of a generated notebook with some code cells' sources replaced."""
    path = (
        INSTRUCTOR_DIR if role == "solution" else EXERCISES_DIR
    ) / f"{exercise}_exercises.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        for start, replacement in changes.items():
            if cell.cell_type == "code" and cell.source.startswith(start):
                cell.source = replacement
        if (
            markdown
            and cell.cell_type == "markdown"
            and "otter_answer_cell" in cell.metadata.get("tags", [])
        ):
            cell.source = markdown
    return notebook


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["submission"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def graded_folder(tmp_path_factory):
    """Every exercise's solution and unanswered copy, and broken notebooks,
    graded by the command line.
    """
    require_sandbox()
    folder = tmp_path_factory.mktemp("submissions")
    for exercise in EXERCISES:
        shutil.copy(
            INSTRUCTOR_DIR / f"{exercise}_exercises.ipynb", folder / f"{exercise}_solution.ipynb"
        )
        shutil.copy(
            EXERCISES_DIR / f"{exercise}_exercises.ipynb", folder / f"{exercise}_unanswered.ipynb"
        )
    text = (EXERCISES_DIR / "provenance_exercises.ipynb").read_text(encoding="utf-8")
    (folder / "c_corrupt.ipynb").write_text(text[: len(text) // 3], encoding="utf-8")
    loop = edited(
        "provenance",
        "solution",
        {
            "# BEGIN SOLUTION NO PROMPT\npassage =": "while True:\n    pass",
            "placeholder_documents =": "placeholder_documents = 1 / 0",
        },
    )
    nbformat.write(loop, folder / "d_endless_loop.ipynb")
    partial = edited(
        "provenance",
        "student",
        {
            "most_shared_pair = ...": "most_shared_pair = 5",
            "independent_denials = ...": "independent_denials = 3",
            "orphan_pronoun_line = ...": "orphan_pronoun_line = 6",
        },
        markdown=WRITTEN_ANSWER,
    )
    nbformat.write(partial, folder / "e_partial.ipynb")
    (folder / "g_no_cells.ipynb").write_text(
        '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', encoding="utf-8"
    )
    (folder / "notes.txt").write_text("not a notebook, not graded", encoding="utf-8")
    before = fingerprints(folder)
    out = tmp_path_factory.mktemp("out") / "gradebook.csv"
    started = time.monotonic()
    status = main(
        [
            str(folder),
            "--out",
            str(out),
            "--timeout",
            str(TIMEOUT),
            "--max-time",
            "300",
            "--jobs",
            "2",
            "--lms",
            "canvas",
            "--identity",
            r"^(?P<id>.+)_(solution|unanswered)\.ipynb$",
        ]
    )
    seconds = time.monotonic() - started
    return {
        "folder": folder,
        "before": before,
        "status": status,
        "rows": read_csv(out),
        "out": out,
        "seconds": seconds,
    }


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_solution_scores_full_marks_on_both_data_sets_and_every_unanswered_copy_zero(
    exercise, graded_folder
):
    rows = graded_folder["rows"]
    key = load_key(exercise)
    solution, unanswered = rows[f"{exercise}_solution.ipynb"], rows[f"{exercise}_unanswered.ipynb"]
    possible = str(sum(q["points"] for q in key["questions"]))
    assert (solution["exercise"], solution["total"], solution["possible"]) == (
        exercise,
        possible,
        possible,
    ), solution["problems"]
    for question in key["questions"]:
        assert solution[f"q{question['id']} held on"] == (
            RIGHT_ON_BOTH if question["graded_on"] == "variant" else RIGHT_ON_STORED
        )
        assert unanswered[f"q{question['id']} held on"] == "unanswered"
    assert (unanswered["status"], unanswered["total"], unanswered["problems"]) == (
        "graded",
        "0",
        "",
    )
    per_exercise = read_csv(graded_folder["out"].with_name(f"gradebook_{exercise}.csv"))
    assert per_exercise[f"{exercise}_solution.ipynb"]["total"] == possible


def test_the_gradebook_has_a_row_per_submission_a_column_per_question_and_a_total(graded_folder):
    assert graded_folder["status"] == 0
    rows = graded_folder["rows"]
    assert len(rows) == 2 * len(EXERCISES) + 4
    key = load_key("provenance")
    header = list(
        read_csv(graded_folder["out"].with_name("gradebook_provenance.csv"))[
            "provenance_solution.ipynb"
        ]
    )
    assert header[3 : 3 + len(key["questions"])] == [f"q{q['id']}" for q in key["questions"]]
    assert {"total", "possible", "q5.11 (written)", "q5.1 held on", "problems"} <= set(header)


def test_a_corrupt_or_empty_notebook_gets_a_row_saying_so(graded_folder):
    rows = graded_folder["rows"]
    assert rows["c_corrupt.ipynb"]["status"] == "not graded"
    assert "not valid JSON" in rows["c_corrupt.ipynb"]["problems"]
    assert rows["c_corrupt.ipynb"]["total"] == ""
    assert rows["g_no_cells.ipynb"]["problems"] == "the notebook has no cells"


def test_an_endless_loop_is_stopped_and_the_rest_of_the_notebook_still_graded(graded_folder):
    row = graded_folder["rows"]["d_endless_loop.ipynb"]
    assert row["status"] == "graded, with problems"
    assert f"ran longer than {TIMEOUT} s and was stopped" in row["problems"]
    assert "raised ZeroDivisionError: division by zero" in row["problems"]
    # The loop replaced 5.2's cell and 5.6 raises: every other answer still counts.
    assert (row["q5.2"], row["q5.6"], row["q5.1"], row["q5.4"]) == ("0", "0", "1", "1")
    assert row["total"] == str(int(row["possible"]) - 2)


def test_partly_answered_notebook_scores_its_right_typed_reading_answer_and_counts_its_written_one(
    graded_folder,
):
    row = graded_folder["rows"]["e_partial.ipynb"]
    # 5.1 is not a pair; 5.5's typed 3 is wrong; 5.8's typed 6 is right, and
    # 5.8 is a reading question.
    assert (row["q5.1"], row["q5.5"], row["q5.8"]) == ("0", "0", "1")
    assert row["q5.1 held on"] == "wrong form" and row["q5.5 held on"] == "wrong"
    assert row["q5.8 held on"] == RIGHT_ON_STORED
    assert row["q5.11 (written)"] == f"to grade: {len(WRITTEN_ANSWER.split())} words"


def test_submissions_are_never_modified(graded_folder):
    assert fingerprints(graded_folder["folder"]) == graded_folder["before"]
    assert "WARNING" not in " ".join(row["problems"] for row in graded_folder["rows"].values())


def test_the_summary_and_the_lms_file_are_written_beside_the_gradebook(graded_folder):
    summary = graded_folder["out"].with_name("gradebook_summary.txt").read_text(encoding="utf-8")
    assert f"Graded {2 * len(EXERCISES) + 4} submission(s)" in summary
    assert "bubblewrap sandbox" in summary and "--variant-seed" in summary
    assert "c_corrupt.ipynb: not graded" in summary
    assert "5.11, 5.12: grade by hand" in summary
    canvas = list(
        csv.reader(graded_folder["out"].with_name("gradebook_canvas.csv").open(encoding="utf-8"))
    )
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    people = {line[2]: line for line in canvas[1:]}
    assert sorted(people) == sorted(EXERCISES)
    # Each "student" handed in a solution and an unanswered copy: a
    # collision, reported, never merged.
    column = next(i for i, name in enumerate(canvas[0]) if name.startswith("provenance ("))
    assert people["provenance"][column] == ""
    assert (
        "identity 'provenance' is given by 2 provenance submissions: provenance_solution.ipynb ("
        in summary
        and "not merged" in summary
    )


def test_a_submission_that_ignores_interrupts_is_killed_with_its_kernel(tmp_path):
    require_sandbox()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["sourcekit"] = {"exercise": "provenance"}
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "while True:\n    try:\n        while True:\n            pass\n"
            "    except KeyboardInterrupt:\n        pass"
        )
    ]
    nbformat.write(notebook, tmp_path / "stubborn.ipynb")
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    started = time.monotonic()
    _, [row], _ = grade_folder(tmp_path, timeout=2, max_time=15, jobs=2)
    assert time.monotonic() - started < 240
    assert row.status == "not graded" or sum(row.scores.values()) == 0
    assert "still running after 15 s, so it was stopped" in " ".join(row.problems)
    time.sleep(1)
    left = {p.pid for p in psutil.Process().children(recursive=True)} - before
    assert not left, "the killed submission's kernel is still running"


def test_a_folder_that_is_not_there_or_holds_no_notebooks_is_a_message(tmp_path, capsys):
    assert main([str(tmp_path / "missing")]) == 2
    assert "is not a folder of submissions" in capsys.readouterr().err
    assert main([str(tmp_path)]) == 2
    assert "no .ipynb files" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["=1+1.ipynb", "+SUM(A1)", "-2+3", "@cmd", "\tx"])
def test_cells_a_spreadsheet_would_run_are_quoted(text):
    assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe("a_solution.ipynb") == "a_solution.ipynb"
