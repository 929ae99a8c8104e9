"""No self-check or feedback states a count or ranking of table rows that the data can change.

A quiz premise such as "Turkey has more rows in the reactions table than any
other country" was true once and false after one row was recoded; the key
computed from the table moved, the sentence did not. Counts and rankings of
the tables belong in code (a glued number, a key computed from the data), never
in fixed text. This test reads every fixed text a student or teacher is told
as the right answer or as feedback: the chapter quizzes (questions, answers,
feedback) and, in the exercise masters, each question's ``correct``, hints,
``otherwise`` and ``needs_move`` and the rubric and model answer of each
written question. A question asked ("Which country has the most rows?") is
not a statement, so sentences ending in "?" are skipped.
"""

import json
import re

import pytest
import yaml

from sourcekit.paths import PROJECT_ROOT
from sourcekit.text import split_sentences

QUIZ_DIR = PROJECT_ROOT / "chapters" / "quizzes"
MASTERS_DIR = PROJECT_ROOT / "exercises" / "source"

#: What a table holds, as the texts name it.
_TABLE_THINGS = (
    r"(rows?|reactions|entries|claims|events|statements|denials"
    r"|congratulations|celebrations|protests)"
)

#: Each pattern, with what it catches. A sentence matching any one states a count or ranking.
COUNT_PATTERNS = {
    "a ranking of table rows": re.compile(
        rf"\b(more|most|fewer|fewest|as many) {_TABLE_THINGS}\b|\bthe largest number of\b", re.I
    ),
    "a ranking by rows": re.compile(
        r"\bthe top (country|line)\b|\bclose behind\b|\b(first|second|top) in value_counts\b", re.I
    ),
    "a count of rows": re.compile(
        rf"\b\d[\d,]* (of|out of) (its |the |their )?\d[\d,]*\b|\b\d[\d,]* {_TABLE_THINGS}\b", re.I
    ),
    "a share of rows": re.compile(
        rf"\b(mostly|almost all|nearly all|most of|the majority of|the bulk of)\b"
        rf".*\b{_TABLE_THINGS}\b"
        rf"|\b{_TABLE_THINGS}\b.*\b(mostly|almost all|nearly all|most of|the majority of)\b",
        re.I,
    ),
}


def count_statements(text: str) -> list:
    """(kind, sentence) for each declarative sentence of ``text`` stating a count or ranking."""
    found = []
    for sentence in split_sentences(" ".join(str(text).split())):
        if sentence.rstrip(" \"'”’)").endswith("?"):
            continue
        for kind, pattern in COUNT_PATTERNS.items():
            if pattern.search(sentence):
                found.append((kind, sentence))
                break
    return found


def quiz_texts():
    """(where, text) for every question, answer and feedback of the chapter quizzes."""
    for path in sorted(QUIZ_DIR.glob("*.json")):
        for number, question in enumerate(json.loads(path.read_text(encoding="utf-8")), start=1):
            yield f"{path.name} question {number}", question.get("question", "")
            for answer in question.get("answers", []):
                yield f"{path.name} question {number} answer", answer.get("answer", "")
                yield f"{path.name} question {number} feedback", answer.get("feedback", "")


def _raw_cells(markdown: str):
    return re.findall(r"```\{raw-cell\}\n(.*?)```", markdown, flags=re.S)


def master_texts():
    """(where, text) for each question's feedback and each written question's rubric and model."""
    for path in sorted(MASTERS_DIR.glob("*_exercises.md")):
        markdown = path.read_text(encoding="utf-8")
        for block in _raw_cells(markdown):
            if not block.lstrip().upper().startswith("# BEGIN QUESTION"):
                continue
            config = yaml.safe_load(block.split("\n", 1)[1]) or {}
            where = f"{path.name} question {config.get('name')}"
            for key in ("correct", "otherwise", "needs_move"):
                if config.get(key):
                    yield f"{where} {key}", config[key]
            for hint in config.get("hints") or []:
                yield f"{where} hint", hint.get("say", "")
        # The markdown between '# BEGIN SOLUTION' and '# END SOLUTION': rubrics, model answers.
        for solution in re.findall(
            r"# BEGIN SOLUTION\n```\n(.*?)```\{raw-cell\}\n# END SOLUTION", markdown, flags=re.S
        ):
            prose = re.sub(r"```\{code-cell\}.*?```", " ", solution, flags=re.S)
            if prose.strip():
                yield f"{path.name} written answer", prose


def test_no_quiz_or_feedback_states_a_count_the_data_can_change():
    texts = list(quiz_texts()) + list(master_texts())
    assert len(texts) > 100, "the scan found too few texts: has the quiz or master format changed?"
    found = [
        (where, kind, sentence)
        for where, text in texts
        for kind, sentence in count_statements(text)
    ]
    assert not found, (
        "fixed text states a count or ranking of table rows; compute it in code or drop it:\n"
        + "\n".join(f"  {where} ({kind}): {sentence}" for where, kind, sentence in found)
    )


@pytest.mark.parametrize(
    "old_text",
    [
        # The reaction quiz's premise, false once Armenia had more rows than Turkey.
        "Turkey has more rows in the reactions table than any other country."
        " What does that tell you first?",
        # Its right answer's feedback.
        "Right. Count by document before you count by country: one sentence of the"
        " encyclopedia article makes most of Turkey's rows.",
        # Exercise 4.2's feedback, tied to the key of one version of the table.
        "Armenia has the most rows, but look at the whole of value_counts():"
        " Azerbaijan and Turkey come close behind.",
        # 4.9's rubric, which the table contradicted.
        "Armenian reactions are mostly denials and protests.",
        "17 of 26 Armenian rows are statements.",
    ],
)
def test_the_scan_catches_the_counts_it_was_written_for(old_text):
    assert count_statements(old_text), old_text


@pytest.mark.parametrize(
    "fine_text",
    [
        "Which country has the most rows in reactions?",
        "Count by document before you count by country.",
        "At least 1,000 people have died in the fighting, according to 001.",
        "That document 000 lists many Turkish figures by name, one row each.",
    ],
)
def test_the_scan_leaves_questions_and_document_figures_alone(fine_text):
    assert not count_statements(fine_text), fine_text
