"""Judgement questions need their judgement: nothing published gives the judgement away.

Issue 18: of the questions marked `needs_move`, some were given away by a heading ("One article,
two tolls"), a preamble ("a pronoun that has nobody to refer to"), the manifest's `watch_for`, or
a `needs_move` note that stated the answer ("decide that neither ... is its dateline"). The note
is printed in the published instructor guide, so it must say which judgement a question needs,
not what the judgement comes to.
"""

import re
from pathlib import Path

import pytest

from sourcekit.paths import PROJECT_ROOT
from sourcekit_instructor import master_paths
from sourcekit_instructor.masters import read_master


@pytest.fixture(scope="module")
def masters():
    return {m.exercise: m for m in map(read_master, master_paths())}


def judgement_questions(masters):
    return [(m, q) for m in masters.values() for q in m.auto if "needs_move" in q]


def typed_choice(master, question):
    """The right option of a choice question, read from its solution line in the master."""
    text = master.path.read_text(encoding="utf-8")
    match = re.search(
        rf'^{re.escape(question["variable"])} = "([^"]+)"\s+# SOLUTION', text, flags=re.MULTILINE
    )
    return match.group(1) if match else None


def preamble(master, question) -> str:
    """The master's text between the previous question and this one's config: heading, lead-in."""
    text = master.path.read_text(encoding="utf-8")
    start = text.index(f'name: "{question["name"]}"')
    before = text.rfind("# END QUESTION", 0, start)
    return text[before if before >= 0 else 0 : start]


def published_pages() -> list:
    pages = list((PROJECT_ROOT / "chapters").glob("*.md")) + list(
        (PROJECT_ROOT / "chapters" / "quizzes").glob("*.json")
    )
    guides = PROJECT_ROOT / "exercises" / "guides"
    # The generated question lists print each prompt with its options; all else is checked.
    pages += [p for p in guides.rglob("*.md") if "_generated" not in p.parts]
    pages += [
        guides / "_generated" / f"{m.stem.removesuffix('_exercises')}_rubric.md"
        for m in map(Path, master_paths())
    ]
    return pages + [PROJECT_ROOT / "intro.md", PROJECT_ROOT / "data" / "sources.csv"]


def flat(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


def note_states_an_outcome(note: str) -> bool:
    """True for a note that says what to conclude ("decide that ...") rather than what to judge."""
    return bool(re.search(r"\bdecide that\b|\bnotice that\b|\bsee that\b", note))


def test_no_needs_move_note_states_what_to_conclude(masters):
    for master, question in judgement_questions(masters):
        assert not note_states_an_outcome(question["needs_move"]), (
            f"{master.exercise} {question['name']}: {question['needs_move']!r}"
        )


def test_the_note_check_can_fail():
    assert note_states_an_outcome("Tell the date: decide that neither November is its dateline.")
    assert not note_states_an_outcome(
        "Tell the date: read where each November stands and decide what the date rests on."
    )


def test_no_published_page_or_note_writes_out_the_right_option_of_a_judgement_question(masters):
    pages = {page: flat(page.read_text(encoding="utf-8")) for page in published_pages()}
    checked = 0
    for master, question in judgement_questions(masters):
        right = typed_choice(master, question)
        if question["form"] != "choice" or right is None:
            continue
        checked += 1
        assert flat(right) not in flat(question["needs_move"]), (
            f"{question['name']}: the note gives the answer"
        )
        assert flat(right) not in flat(preamble(master, question)), (
            f"{question['name']}: the heading or lead-in gives the answer"
        )
        for page, text in pages.items():
            assert flat(right) not in text, (
                f"{question['name']}: {page.relative_to(PROJECT_ROOT)} writes out the right option"
                f" {right!r}"
            )
    assert checked >= 5, "the check found too few choice questions to mean anything"


def test_the_headings_and_lead_ins_of_the_reworked_questions_give_nothing_away(masters):
    # The giveaways issue 18 names, by their words.
    by_name = {q["name"]: (m, q) for m, q in judgement_questions(masters)}
    assert "two tolls" not in flat(preamble(*by_name["3.8"]))
    assert "nobody to refer to" not in flat(preamble(*by_name["5.8"]))
    manifest = flat((PROJECT_ROOT / "data" / "sources.csv").read_text(encoding="utf-8"))
    assert "no antecedent" not in manifest
    assert "a speaker the text does not name" not in flat(
        (PROJECT_ROOT / "chapters" / "casualty_reporting.md").read_text(encoding="utf-8")
    )


def test_the_reworked_questions_do_not_prescribe_their_computation(masters):
    # A prompt that says how to compute the answer (remove the quoted passages and count; test
    # whether each row's year is in its quote) turns the judgement into a lookup.
    by_name = {q["name"]: (m, q) for m, q in judgement_questions(masters)}
    for name in ("1.1", "1.3", "1.6", "3.8", "4.5", "5.8"):
        master, question = by_name[name]
        text = master.path.read_text(encoding="utf-8")
        prompt = text[text.index(f"**Question {name}**") :].split("```", 1)[0]
        for recipe in (
            "search each text",
            "after you remove the quoted",
            "found by testing",
            "computed from `reactions`",
        ):
            assert recipe not in prompt, (
                f"{name}: the prompt prescribes the computation ({recipe!r})"
            )
