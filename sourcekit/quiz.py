"""Self-check quizzes that work in the published page with no kernel.

jupyterquiz writes its questions and JavaScript inline into the cell output,
so the quiz answers in the static HTML as well as in a live notebook. The
questions live in ``chapters/quizzes/<name>.json`` (jupyterquiz's own format:
each answer carries its feedback), not in the notebook, so a chapter's code
cell stays one line.
"""

import hashlib
import json
import re

from .paths import PROJECT_ROOT

QUIZ_DIR = PROJECT_ROOT / "chapters" / "quizzes"


#: The verdict the book's stylesheet (``_static/course.css``, ``.Feedback.correct::before`` and
#: ``.Feedback.incorrect::before``) prints before every piece of feedback. The verdict is said
#: in that one place; feedback that opened with one too would print it twice ("Right. Right.").
VERDICT_WORDS = re.compile(
    r"^\s*(right|yes|correct|exactly|no|not quite|not so|wrong|incorrect|not this one)\b[.,:;!]?",
    re.IGNORECASE,
)


def load_quiz(name: str) -> list:
    """The questions of one chapter's self-check, checked for feedback on every answer.

    Feedback explains; it does not open with a verdict ("Right.", "Yes.", "Not quite:"),
    because the stylesheet already prints one before it (see :data:`VERDICT_WORDS`).
    """
    path = QUIZ_DIR / f"{name}.json"
    questions = json.loads(path.read_text(encoding="utf-8"))
    for number, question in enumerate(questions, start=1):
        for answer in question.get("answers", []):
            feedback = answer.get("feedback")
            if not feedback:
                raise ValueError(
                    f"{path.name}, question {number}: every answer needs feedback, "
                    f"'{answer.get('answer')}' has none"
                )
            verdict = VERDICT_WORDS.match(feedback)
            if verdict:
                raise ValueError(
                    f"{path.name}, question {number}: the feedback on "
                    f"'{answer.get('answer')}' opens with "
                    f"{verdict.group(0).strip()!r}, but the page already prints the verdict "
                    "before it: start with the reason"
                )
    return questions


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def right_answer_positions(questions: list, name: str = "", taken=()) -> list[int]:
    """Where each question's right answer goes among its options (0 = first).

    Written questions tend to put the right answer first, and a reader learns
    the pattern instead of the content. Here the questions are ranked by a
    digest of their wording (salted with the chapter's ``name``), and the k-th
    in that ranking puts its right answer at position k (modulo its number of
    options): positions spread evenly over a chapter's questions, in an order
    unrelated to the order on the page, and the same on every build
    (reproducible pages, stable site checks).

    ``taken`` are the position lists other chapters already use: a reader who
    has done one chapter's quiz should not find the same sequence in the next,
    nor the same first position as the chapter before (see :func:`book_positions`).
    """

    def positions_for(salt: int) -> list[int]:
        ranking = sorted(
            range(len(questions)),
            key=lambda i: _digest(f"{name}\0{salt}\0{questions[i].get('question', '')}"),
        )
        positions = [0] * len(questions)
        for rank, index in enumerate(ranking):
            positions[index] = rank % max(len(questions[index].get("answers", [])), 1)
        return positions

    taken = [list(p) for p in taken]

    def acceptable(positions, strict):
        steps = {b - a for a, b in zip(positions, positions[1:])}
        # A ranking that happens to follow the page (first, second, third...) is a pattern too.
        if len(questions) >= 3 and (steps <= {1} or steps <= {-1}):
            return False
        if strict and (
            positions in taken
            or (taken and positions and taken[-1] and positions[0] == taken[-1][0])
        ):
            return False
        return True

    for strict in (True, False):
        for salt in range(64):
            positions = positions_for(salt)
            if acceptable(positions, strict):
                return positions
    return positions


def book_positions() -> dict:
    """{chapter: right-answer positions} for every quiz,
    chosen in file-name order so no two chapters share a sequence.
    """
    chosen = {}
    for path in sorted(QUIZ_DIR.glob("*.json")):
        chosen[path.stem] = right_answer_positions(
            load_quiz(path.stem), path.stem, chosen.values()
        )
    return chosen


def order_answers(question: dict, position: int) -> dict:
    """``question`` with its right answer moved to ``position``.

    The wrong answers keep their order relative to each other. A question with
    more or fewer than one right answer is ordered by a digest of each answer
    instead. The quiz file is never rewritten: the order is made at display.
    """
    answers = list(question.get("answers", []))
    right = [answer for answer in answers if answer.get("correct")]
    if len(right) == 1:
        wrong = [answer for answer in answers if not answer.get("correct")]
        wrong.insert(min(position, len(wrong)), right[0])
        answers = wrong
    else:
        stem = str(question.get("question", ""))
        answers.sort(key=lambda answer: _digest(stem + "\0" + str(answer.get("answer"))))
    return {**question, "answers": answers}


def ordered_quiz(name: str) -> list:
    """A chapter's self-check questions, each right answer at its position
    (:func:`book_positions`).
    """
    questions = load_quiz(name)
    positions = book_positions().get(name) or right_answer_positions(questions, name)
    return [order_answers(q, p) for q, p in zip(questions, positions)]


def show_self_check(name: str) -> None:
    """Display a chapter's self-check quiz, each right answer at its own position.

    jupyterquiz's own shuffle would change the order on every page load (and
    every build); :func:`order_answers` fixes one order per question instead.
    The book's stylesheet (``_static/course.css``) gives the quiz the book's
    colours, in light and dark mode.
    """
    from IPython.display import Javascript, display
    from jupyterquiz import display_quiz

    display(Javascript(NO_MATHJAX_FROM_A_CDN))
    display_quiz(ordered_quiz(name), shuffle_answers=False, max_width=720)


#: Runs before each quiz's own script. jupyterquiz typesets its questions with MathJax 3 when the
#: page has a ``window.MathJax``, and when that object has no ``typeset()`` (a MathJax still
#: loading, or a configuration object another extension set) it loads MathJax from
#: cdn.jsdelivr.net: a request to another host, in class or at home. The course has no maths
#: (``sourcekit_book/maths_guard.py``), so a ``typeset()`` that does nothing is all a quiz
#: needs; a page with no MathJax, or a working one, is left as it is.
NO_MATHJAX_FROM_A_CDN = """
(function () {
  var mathjax = window.MathJax;
  if (mathjax && typeof mathjax === 'object' && typeof mathjax.typeset !== 'function') {
    mathjax.typeset = function () {};
  }
})();
"""
