"""The self-checks test the content, not a pattern: the right answer's position varies,
reproducibly.
"""

import json
from collections import Counter

import pytest

from sourcekit.quiz import QUIZ_DIR, load_quiz, order_answers, ordered_quiz, right_answer_positions

QUIZZES = sorted(path.stem for path in QUIZ_DIR.glob("*.json"))


def right_positions(questions):
    return [[bool(a.get("correct")) for a in q["answers"]].index(True) for q in questions]


@pytest.mark.parametrize("name", QUIZZES)
def test_right_answers_do_not_sit_in_one_position_within_a_chapter(name):
    positions = right_positions(ordered_quiz(name))
    assert len(set(positions)) > 1, f"{name}: every right answer is option {positions[0] + 1}"


def test_no_position_holds_most_right_answers_across_the_book():
    positions = Counter(p for name in QUIZZES for p in right_positions(ordered_quiz(name)))
    total = sum(positions.values())
    assert max(positions.values()) <= total / 2, f"right answers by position: {dict(positions)}"


@pytest.mark.parametrize("name", QUIZZES)
def test_ordering_keeps_every_answer_and_its_feedback_and_is_reproducible(name):
    original = load_quiz(name)
    ordered = ordered_quiz(name)
    assert ordered == ordered_quiz(name)
    for before, after in zip(original, ordered):
        assert sorted(json.dumps(a, sort_keys=True) for a in before["answers"]) == sorted(
            json.dumps(a, sort_keys=True) for a in after["answers"]
        )
    # The quiz file itself is never reordered.
    assert json.loads((QUIZ_DIR / f"{name}.json").read_text(encoding="utf-8")) == original


def test_the_position_can_be_anything_and_wrong_answers_keep_their_order():
    question = {
        "question": "q",
        "answers": [{"answer": "right", "correct": True}, {"answer": "a"}, {"answer": "b"}],
    }
    assert [a["answer"] for a in order_answers(question, 2)["answers"]] == ["a", "b", "right"]
    assert [a["answer"] for a in order_answers(question, 1)["answers"]] == ["a", "right", "b"]


def test_positions_do_not_simply_climb_down_the_page():
    questions = [
        {"question": f"question {i}", "answers": [{"answer": str(j)} for j in range(3)]}
        for i in range(3)
    ]
    positions = right_answer_positions(questions)
    assert positions not in ([0, 1, 2], [2, 1, 0])
    assert sorted(positions) == [0, 1, 2]
