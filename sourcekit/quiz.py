"""Self-check quizzes that work in the published page with no kernel.

jupyterquiz writes its questions and JavaScript inline into the cell output,
so the quiz answers in the static HTML as well as in a live notebook. The
questions live in ``chapters/quizzes/<name>.json`` (jupyterquiz's own format:
each answer carries its feedback), not in the notebook, so a chapter's code
cell stays one line.
"""

import json

from .paths import PROJECT_ROOT

QUIZ_DIR = PROJECT_ROOT / "chapters" / "quizzes"


def load_quiz(name: str) -> list:
    """The questions of one chapter's self-check, checked for feedback on every answer."""
    path = QUIZ_DIR / f"{name}.json"
    questions = json.loads(path.read_text(encoding="utf-8"))
    for number, question in enumerate(questions, start=1):
        for answer in question.get("answers", []):
            if not answer.get("feedback"):
                raise ValueError(f"{path.name}, question {number}: every answer needs feedback, '{answer.get('answer')}' has none")
    return questions


def show_self_check(name: str) -> None:
    """Display a chapter's self-check quiz (answers keep their order)."""
    from jupyterquiz import display_quiz

    display_quiz(load_quiz(name), shuffle_answers=False, max_width=720)
