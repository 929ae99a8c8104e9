"""Each chapter has a 50-minute lesson plan for instructors, and no plan gives answers away.

Issue 18 ("What teachers still lack"): the introduction promises "each chapter takes about one
class session", but the guides planned only the exercise sessions. Each plan gives the
chapter's central question, what to project, which explorer to open and what to ask, an
activity with the documents, and the chapter's self-check as the exit ticket.
"""

import re

import pytest
import yaml

from sourcekit.paths import PROJECT_ROOT
from tests.content.test_chapters import (
    _all_documents,
    loaded_word_hits,
    narrative_text,
    prose_without_code,
    unverified_quotations,
)

CHAPTERS = ("background", "the_battle", "casualty_reporting", "international_reaction")
LESSONS = PROJECT_ROOT / "exercises" / "guides" / "lessons"
ROLE = re.compile(r"\{\w+\}`([^`<]*?)(?:\s*<[^>`]+>)?`")


def lesson(chapter: str) -> str:
    return (LESSONS / f"{chapter}.md").read_text(encoding="utf-8")


def plain(text: str) -> str:
    """Text without roles' targets, emphasis and runs of space, for comparing sentences."""
    return " ".join(ROLE.sub(r"\1", text).replace("*", "").split())


def central_question(chapter: str) -> str:
    text = (PROJECT_ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    paragraph = text.split("**Central question.**", 1)[1].split("\n\n", 1)[0]
    return plain(paragraph)


def minutes(text: str) -> list:
    return [int(m) for m in re.findall(r"^\|\s*(\d+)\s*\|", text, flags=re.MULTILINE)]


def test_the_plans_are_in_the_instructor_edition_and_linked_from_its_index():
    # The instructor edition's own part, never the students' _toc.yml (sourcekit_book/editions.py).
    toc_file = PROJECT_ROOT / "instructors" / "_toc_parts.yml"
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p.get("caption") == "For instructors")
    sections = [s["file"] for entry in part["chapters"] for s in entry.get("sections", [])]
    index = (PROJECT_ROOT / "exercises" / "guides" / "index.md").read_text(encoding="utf-8")
    for chapter in CHAPTERS:
        assert f"exercises/guides/lessons/{chapter}" in sections
        assert f"{{doc}}`lessons/{chapter}`" in index


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_plan_has_what_a_session_needs_in_fifty_minutes(chapter):
    text = lesson(chapter)
    assert sum(minutes(text)) == 50, (
        f"{chapter}: the plan's minutes add up to {sum(minutes(text))}"
    )
    assert central_question(chapter) in plain(text), (
        f"{chapter}: the plan should state the chapter's central question"
    )
    assert "**Project" in text, f"{chapter}: say what to project"
    explorer = re.search(r"\{numref\}`(fig-[\w-]*explorer)`", text)
    assert explorer, f"{chapter}: name the chapter's explorer"
    chapter_text = (PROJECT_ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    assert f"name: {explorer.group(1)}" in chapter_text, (
        f"{chapter}: the explorer {explorer.group(1)} is not this chapter's"
    )
    explorer_row = next(line for line in text.splitlines() if explorer.group(0) in line)
    assert "Ask" in explorer_row, f"{chapter}: say what to ask with the explorer"
    assert "**Activity with the documents**" in text
    assert re.search(r"\*\*Exit ticket: the chapter's self-check\*\*", text)
    for figure in re.findall(r"\{numref\}`(fig-[\w-]+)`", text):
        assert f"name: {figure}" in chapter_text, (
            f"{chapter}: {figure} is not a figure of this chapter"
        )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_plan_uses_a_loaded_word_or_a_quotation_the_documents_do_not_have(chapter):
    text = lesson(chapter)
    assert not loaded_word_hits(narrative_text(text))
    assert not unverified_quotations(prose_without_code(text), _all_documents())


def test_the_minutes_check_can_fail():
    assert sum(minutes("| 5 | a |\n| 40 | b |\n")) == 45
