"""Merging the written grades into the gradebooks and LMS files: auto + written,
ungraded marked, never zeroed.
"""

import csv
import re

from sourcekit_instructor.grade.merge import CANVAS_PATTERN, MOODLE_PATTERN, NOT_GRADED, merge
from sourcekit_instructor.grade.written import student_of
from sourcekit_instructor.review.store import GradeStore, review_db_path

from .class_fixture import gradebook_rows, write_gradebooks, write_records, written_records


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_identity_patterns_for_the_file_names_canvas_and_moodle_give():
    # Canvas: login-like name, Canvas user id, attachment id, the file's name; LATE
    # after the name when late.
    assert (
        student_of("doejane_123456_7654321_background_exercises.ipynb", CANVAS_PATTERN) == "123456"
    )
    assert (
        student_of("doejane_LATE_123456_7654321_background_exercises.ipynb", CANVAS_PATTERN)
        == "123456"
    )
    # Moodle: full name (spaces kept), participant number, the submission plugin, the file's name.
    assert (
        student_of(
            "Jane Doe_4217_assignsubmission_file_background_exercises.ipynb", MOODLE_PATTERN
        )
        == "4217"
    )
    assert (
        student_of(
            "Ana_Maria Li_88_assignsubmission_file_provenance_exercises.ipynb", MOODLE_PATTERN
        )
        == "88"
    )


def _class(tmp_path, count=6):
    out = tmp_path / "gradebook.csv"
    records = written_records(count, exercises=("background", "provenance"), blank_every=5)
    write_records(records, out)
    rows = gradebook_rows(records)
    expected = write_gradebooks(rows, out)
    return out, records, rows, expected


def test_merge_folds_written_points_into_every_gradebook_and_the_canvas_file(tmp_path):
    out, records, rows, expected = _class(tmp_path)
    background = [r for r in rows if r.exercise == "background"]
    store = GradeStore(review_db_path(out))
    store.update(background[0].submission, "1.9", criteria=[0, 1], adjust=0.5)  # 2.5 of 4
    store.update(background[1].submission, "1.9", criteria=[0, 1, 2, 3], comment="Fine")  # 4 of 4
    store.update(background[2].submission, "1.9", criteria=[0, 1, 2, 3], adjust=3)  # clipped to 4
    store.close()
    blank = {r["submission"] for r in records if not r["text"]}
    files, lines = merge(out, "canvas", CANVAS_PATTERN)
    assert (
        out in files
        and out.with_name("gradebook_background.csv") in files
        and out.with_name("gradebook_canvas.csv") in files
    )
    merged = {r["submission"]: r for r in read(out)}
    auto = {r.submission: sum(r.scores.values()) for r in rows}
    b = merged[background[0].submission]
    assert b["q1.9 (written)"] == "2.5" and b["written"] == "2.5" and b["written possible"] == "4"
    assert float(b["total with written"]) == auto[background[0].submission] + 2.5
    assert float(b["possible with written"]) == expected["background"].possible + 4
    assert merged[background[2].submission]["q1.9 (written)"] == "4", (
        "points never exceed the question's"
    )
    for row in background[3:]:
        cell = merged[row.submission]["q1.9 (written)"]
        if row.submission in blank:
            assert cell == "0 (blank)"
        else:
            assert (
                cell == NOT_GRADED
                and merged[row.submission]["total with written"] == f"{NOT_GRADED} (1.9)"
            ), "ungraded is marked, never 0"
    for row in rows:
        if row.exercise == "provenance":
            cells = [
                merged[row.submission]["q5.11 (written)"],
                merged[row.submission]["q5.12 (written)"],
            ]
            assert all(c in (NOT_GRADED, "0 (blank)") for c in cells)
    # The per-exercise gradebook says the same.
    per_exercise = {r["submission"]: r for r in read(out.with_name("gradebook_background.csv"))}
    assert per_exercise[background[0].submission]["total with written"] == b["total with written"]
    # Canvas: matched on Canvas's user id (the ID column), header with full
    # points, ungraded left empty.
    canvas = read(out.with_name("gradebook_canvas.csv"))
    header = list(canvas[0])
    assert f"background ({expected['background'].possible + 4} points)" in header
    assert f"provenance ({expected['provenance'].possible + 9} points)" in header
    by_id = {r["ID"]: r for r in canvas}
    assert all(r["SIS User ID"] == "" for r in canvas)
    first = re.match(CANVAS_PATTERN, background[0].submission)["user_id"]
    assert (
        float(by_id[first][f"background ({expected['background'].possible + 4} points)"])
        == auto[background[0].submission] + 2.5
    )
    pending = [r for r in background[3:] if r.submission not in blank]
    assert pending and all(
        by_id[re.match(CANVAS_PATTERN, r.submission)["user_id"]][
            f"background ({expected['background'].possible + 4} points)"
        ]
        == ""
        for r in pending
    )
    assert any("not yet graded" in line for line in lines)
    # Merging again changes nothing.
    before = {p: p.read_bytes() for p in files}
    merge(out, "canvas", CANVAS_PATTERN)
    assert {p: p.read_bytes() for p in files} == before


def test_moodle_file_names_give_a_grading_worksheet_per_exercise(tmp_path):
    out = tmp_path / "gradebook.csv"
    records = written_records(3, exercises=("background",))
    for n, record in enumerate(records):
        record["submission"] = (
            f"Student {n}_{4200 + n}_assignsubmission_file_background_exercises.ipynb"
        )
    write_records(records, out)
    rows = gradebook_rows(records)
    write_gradebooks(rows, out)
    store = GradeStore(review_db_path(out))
    for row in rows:
        store.update(row.submission, "1.9", criteria=[0])
    store.close()
    files, _ = merge(out, "moodle")
    sheet = read(out.with_name("gradebook_moodle_background.csv"))
    assert [r["Identifier"] for r in sheet] == [
        "Participant 4200",
        "Participant 4201",
        "Participant 4202",
    ]
    assert [float(r["Grade"]) for r in sheet] == [sum(r.scores.values()) + 1 for r in rows]


def test_make_grades_own_canvas_file_puts_canvas_user_id_in_the_id_column(tmp_path):
    from sourcekit_instructor.grade.reports import write_lms

    records = written_records(2, exercises=("background",))
    rows = gradebook_rows(records)
    expected = write_gradebooks(rows, tmp_path / "gradebook.csv")
    problems = write_lms(rows, expected, tmp_path / "canvas.csv", "canvas", CANVAS_PATTERN)
    canvas = read(tmp_path / "canvas.csv")
    assert problems == []
    assert sorted(r["ID"] for r in canvas) == sorted(r["student"] for r in records) and all(
        r["SIS User ID"] == "" for r in canvas
    )
