"""Written answers: collected from the notebooks, their rubrics read from the masters,
similar ones flagged.
"""

import json
from pathlib import Path

from sourcekit.data import source_texts
from sourcekit_instructor import EXERCISES_DIR
from sourcekit_instructor.grade.score import Row
from sourcekit_instructor.grade.submissions import WRITTEN_PLACEHOLDER
from sourcekit_instructor.grade.written import (
    collect_written,
    read_written_answers,
    rubrics_of,
    student_of,
    write_written_answers,
)
from sourcekit_instructor.review.similar import flag_answers

HONEST_A = (
    "Document 001 says the city was taken on 8 November, according to "
    "Aliyev, while 002 reports that "
    "Armenian officials denied it for a day. Neither gives a casualty figure "
    "for the city itself, so a reader "
    "of only one of them would picture a quick and settled event."
)
HONEST_B = (
    "I compared the three reports. 003 repeats much of 001's wording, so I count "
    "them as one witness, not two. "
    "002 is the only one quoting the Armenian side, who said fighting "
    "continued. The course cannot tell from "
    "these texts who is right."
)


class _Expected:
    written = ["1.9"]


def test_make_grade_collects_each_written_answer_with_its_student(tmp_path):
    notebook = json.loads(
        (Path(EXERCISES_DIR) / "background_exercises.ipynb").read_text(encoding="utf-8")
    )
    cells = [
        c
        for c in notebook["cells"]
        if c["cell_type"] == "markdown"
        and "otter_answer_cell" in c.get("metadata", {}).get("tags", [])
    ]
    assert len(cells) == 1 and WRITTEN_PLACEHOLDER in "".join(cells[0]["source"])
    (tmp_path / "doejane_123456_7654321_background_exercises.ipynb").write_text(
        json.dumps(notebook), encoding="utf-8"
    )
    cells[0]["source"] = ["<script>alert(1)</script> " + HONEST_A]
    (tmp_path / "roebob_222222_7654322_background_exercises.ipynb").write_text(
        json.dumps(notebook), encoding="utf-8"
    )
    rows = [
        Row("doejane_123456_7654321_background_exercises.ipynb", "background"),
        Row("roebob_222222_7654322_background_exercises.ipynb", "background"),
    ]
    records = collect_written(
        tmp_path, rows, {"background": _Expected()}, r"^[^_]+_(?:LATE_)?(?P<user_id>\d+)_"
    )
    assert [(r["student"], r["question"], r["words"]) for r in records] == [
        ("123456", "1.9", 0),
        ("222222", "1.9", len(HONEST_A.split()) + 1),
    ]
    assert records[1]["text"].startswith("<script>"), (
        "the text is kept as written; every page escapes it"
    )
    write_written_answers(records, tmp_path / "gradebook_written_answers.json")
    assert read_written_answers(tmp_path / "gradebook_written_answers.json") == records


def test_the_identity_pattern_prefers_a_named_group():
    assert (
        student_of(
            "doejane_LATE_123456_7654321_background_exercises.ipynb",
            r"^[^_]+_(?:LATE_)?(?P<user_id>\d+)_",
        )
        == "123456"
    )
    assert student_of("s1234_provenance.ipynb", r"(?P<id>[^_.]+)") == "s1234"
    assert student_of("notes.txt", r"^(?P<id>\d+)_") == ""


def test_every_written_question_has_its_rubric_and_model_answer_in_its_master():
    found = {
        f"{name}/{qid}": rubric
        for name in (
            "background",
            "the_battle",
            "casualty_reporting",
            "international_reaction",
            "provenance",
        )
        for qid, rubric in rubrics_of(name).items()
    }
    assert sorted(found) == [
        "background/1.9",
        "casualty_reporting/3.10",
        "international_reaction/4.9",
        "provenance/5.11",
        "provenance/5.12",
        "the_battle/2.10",
    ]
    for key, rubric in found.items():
        assert (
            rubric.criteria
            and rubric.model_answer
            and rubric.prompt.startswith(f"**Question {rubric.question}**")
        ), key
        assert sum(c.points for c in rubric.criteria) == rubric.points, (
            f"{key}: the criteria add up to the question's points"
        )
        assert rubric.move in ("sourcing", "contextualization", "corroboration", "close reading")


def test_a_planted_copy_is_flagged_with_the_shared_passage_and_honest_answers_are_not():
    copy = "My answer. " + HONEST_A
    flags = flag_answers({"a": HONEST_A, "b": HONEST_B, "c": copy})
    assert set(flags) == {"a", "c"}
    assert flags["c"][0]["other"] == "a" and flags["c"][0]["words"] >= 40
    assert flags["c"][0]["passage"].startswith("Document 001 says the city was taken")


def test_a_document_copied_without_quotation_marks_is_flagged_and_a_quotation_is_not():
    text = source_texts()["002"]
    passage = " ".join(text.split()[40:70])
    flags = flag_answers(
        {
            "copied": "In my view, " + passage + " That is all.",
            "quoted": f'002 writes: "{passage}" That is 002\'s claim.',
        },
        documents={"002": text},
    )
    assert list(flags) == ["copied"]
    from_document = [f for f in flags["copied"] if f["with"] == "document 002"]
    assert (
        from_document
        and from_document[0]["words"] >= 25
        and from_document[0]["passage"].split()[:3] == passage.split()[:3]
    )


def test_copying_the_model_answer_is_flagged():
    model = rubrics_of("background")["1.9"].model_answer
    flags = flag_answers({"x": HONEST_B, "y": model.replace('"', "")[:600]}, model_answer=model)
    assert list(flags) == ["y"] and flags["y"][0]["with"] == "the model answer"
