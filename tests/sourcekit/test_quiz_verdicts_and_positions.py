"""Self-checks say their verdict once, and their right answers repeat no pattern across chapters.

Issue 18 ("Self-checks that teach"): the stylesheet prints "Right." before correct feedback, and
feedback that opened with "Right." too read "Right. Right."; and three chapters' quizzes put
their right answers at the same positions (B, A, C, A).
"""

import json
import re

import pytest

from sourcekit.paths import PROJECT_ROOT
from sourcekit.quiz import (
    QUIZ_DIR,
    VERDICT_WORDS,
    book_positions,
    load_quiz,
    ordered_quiz,
    right_answer_positions,
)

QUIZZES = sorted(path.stem for path in QUIZ_DIR.glob("*.json"))
STYLESHEET = PROJECT_ROOT / "_static" / "course.css"


def right_positions(questions):
    return [[bool(a.get("correct")) for a in q["answers"]].index(True) for q in questions]


def stylesheet_verdicts() -> list:
    """The words the stylesheet prints before quiz feedback (its ::before contents)."""
    css = STYLESHEET.read_text(encoding="utf-8")
    return re.findall(
        r"\.Feedback\.(?:correct|incorrect)::before\s*\{[^}]*content:\s*\"([^\"]*)\"", css
    )


def test_the_verdict_is_printed_in_one_place_the_stylesheet():
    verdicts = stylesheet_verdicts()
    assert len(verdicts) == 2, (
        "the stylesheet should print one verdict for right and one for wrong answers"
    )
    for verdict in verdicts:
        assert VERDICT_WORDS.match(verdict), (
            f"the quiz loader's list of verdict words does not know {verdict!r}"
        )


@pytest.mark.parametrize("name", QUIZZES)
def test_no_feedback_repeats_the_verdict_the_page_prints(name):
    for question in load_quiz(name):
        for answer in question["answers"]:
            assert not VERDICT_WORDS.match(answer["feedback"]), (
                f"{name}: {answer['feedback'][:40]!r}"
            )


def test_feedback_that_opens_with_a_verdict_is_refused(tmp_path, monkeypatch):
    import sourcekit.quiz as quiz

    for feedback in (
        "Right. The counts differ.",
        "Yes. Read it again.",
        "Not quite: read it again.",
        "right, and more",
    ):
        (tmp_path / "toy.json").write_text(
            json.dumps(
                [
                    {
                        "question": "q",
                        "answers": [{"answer": "a", "correct": True, "feedback": feedback}],
                    }
                ]
            )
        )
        monkeypatch.setattr(quiz, "QUIZ_DIR", tmp_path)
        with pytest.raises(ValueError, match="already prints the verdict"):
            quiz.load_quiz("toy")
    (tmp_path / "toy.json").write_text(
        json.dumps(
            [
                {
                    "question": "q",
                    "answers": [
                        {"answer": "a", "correct": True, "feedback": "Rightly or not, it says so."}
                    ],
                }
            ]
        )
    )
    assert quiz.load_quiz("toy")


def test_no_two_chapters_put_their_right_answers_in_the_same_sequence():
    sequences = {name: right_positions(ordered_quiz(name)) for name in QUIZZES}
    as_tuples = [tuple(s) for s in sequences.values()]
    assert len(set(as_tuples)) == len(as_tuples), (
        f"two chapters share a sequence of right answers: {sequences}"
    )


def test_the_first_right_answer_is_not_in_the_same_place_in_every_chapter():
    firsts = [right_positions(ordered_quiz(name))[0] for name in QUIZZES]
    assert len(set(firsts)) > 1, f"every chapter's first right answer is option {firsts[0] + 1}"
    assert all(a != b for a, b in zip(firsts, firsts[1:])), (
        f"two chapters in a row start at the same option: {firsts}"
    )


def test_positions_are_the_books_choice_and_reproducible():
    assert book_positions() == book_positions()
    for name in QUIZZES:
        assert right_positions(ordered_quiz(name)) == book_positions()[name]


def test_a_taken_sequence_is_avoided():
    questions = [
        {"question": f"question {i}", "answers": [{"answer": str(j)} for j in range(3)]}
        for i in range(4)
    ]
    first = right_answer_positions(questions, "one")
    again = right_answer_positions(questions, "one", taken=[first])
    assert again != first and again[0] != first[0]
