"""The glossary defines the course's working terms once, and every chapter links to it.

Issue 18 ("What teachers still lack"): the terms (the four moves, independence, statement against
interest, attribution, reported speech, hedge, de facto, self-declared, the two names of each
place) are defined with Sphinx's glossary and linked with {term} where a chapter first uses them.
The strict build (-W -n) already fails on a {term} that names no glossary entry; these tests say
so without a build, and check the definitions the course depends on.
"""

import re

import pytest
import yaml

from sourcekit.paths import PROJECT_ROOT

GLOSSARY = PROJECT_ROOT / "chapters" / "glossary.md"
CHAPTERS = ("background", "the_battle", "casualty_reporting", "international_reaction")

#: Every term the issue asks the glossary to define, as a reader would look it up.
REQUIRED_TERMS = (
    "sourcing",
    "contextualization",
    "corroboration",
    "close reading",
    "independence",
    "statement against interest",
    "attribution",
    "reported speech",
    "hedge",
    "de facto",
    "self-declared",
    "shusha",
    "shushi",
    "stepanakert",
    "khankendi",
    "nagorno-karabakh",
    "artsakh",
)

#: ```{glossary} ... ``` blocks of a MyST page.
GLOSSARY_BLOCK = re.compile(r"^```\{glossary\}[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
#: {term}`text` or {term}`text <target>`.
TERM_ROLE = re.compile(r"\{term\}`([^`<]*?)(?:\s*<([^>`]+)>)?`")


def glossary_entries(text: str) -> dict:
    """{term, lower-cased: its definition} for every term of every glossary block in ``text``.

    In a Sphinx glossary a term is a line at the block's left margin; consecutive term lines
    share the indented definition that follows them.
    """
    entries = {}
    for block in GLOSSARY_BLOCK.findall(text):
        pending, definition = [], []

        def close():
            for term in pending:
                entries[term.lower()] = " ".join(" ".join(definition).split())

        for line in block.splitlines():
            if line and not line[0].isspace():
                if definition:
                    close()
                    pending, definition = [], []
                pending.append(line.strip())
            elif line.strip():
                definition.append(line.strip())
        close()
    return entries


def term_targets(text: str) -> list:
    """The glossary term each {term} role in ``text`` points to, lower-cased as Sphinx compares."""
    return [(target or shown).strip().lower() for shown, target in TERM_ROLE.findall(text)]


def unresolved_terms(text: str, entries: dict) -> list:
    return [target for target in term_targets(text) if target not in entries]


@pytest.fixture(scope="module")
def entries():
    return glossary_entries(GLOSSARY.read_text(encoding="utf-8"))


def test_the_glossary_is_in_the_book_in_the_reading_the_sources_part():
    toc = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p.get("caption") == "Reading the sources")
    assert "chapters/glossary" in [entry["file"] for entry in part["chapters"]]


def test_the_glossary_defines_every_working_term_once(entries):
    missing = [term for term in REQUIRED_TERMS if term not in entries]
    assert not missing, f"the glossary does not define {missing}"
    text = GLOSSARY.read_text(encoding="utf-8")
    blocks = "\n".join(GLOSSARY_BLOCK.findall(text))
    term_lines = [
        line.strip().lower() for line in blocks.splitlines() if line and not line[0].isspace()
    ]
    assert len(term_lines) == len(set(term_lines)), "a term is defined twice"
    for term in REQUIRED_TERMS:
        assert len(entries[term].split()) >= 8, f"{term!r} has no real definition"


def test_statement_against_interest_has_one_definition_that_leaves_putin_on_neither_side(entries):
    definition = entries["statement against interest"]
    assert "concedes what the speaker's own side would rather deny" in definition
    assert "Putin" in definition and "neither" in definition


def test_each_place_keeps_both_of_its_names_in_one_entry(entries):
    for one, other in (
        ("shusha", "shushi"),
        ("stepanakert", "khankendi"),
        ("nagorno-karabakh", "artsakh"),
    ):
        assert entries[one] == entries[other], f"{one} and {other} should share one definition"
        assert "Armenian" in entries[one] and (
            "Azerbaijani" in entries[one] or "international" in entries[one]
        )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_links_to_the_glossary_and_every_link_resolves(chapter, entries):
    text = (PROJECT_ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    targets = term_targets(text)
    assert targets, f"{chapter} links no term to the glossary"
    assert not unresolved_terms(text, entries), (
        f"{chapter}: {unresolved_terms(text, entries)} are not glossary terms"
    )
    # Each term is linked where the chapter first uses it, once; not on every use.
    assert len(targets) == len(set(targets)), f"{chapter} links a term more than once: {targets}"


def test_every_term_link_in_the_book_resolves(entries):
    pages = list((PROJECT_ROOT / "chapters").glob("*.md")) + list(
        (PROJECT_ROOT / "exercises" / "guides").rglob("*.md")
    )
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not unresolved_terms(text, entries), (
            f"{page.relative_to(PROJECT_ROOT)}: {unresolved_terms(text, entries)}"
        )


def test_the_link_check_can_fail(entries):
    assert unresolved_terms(
        "a {term}`sourcing` and a {term}`hedged <hedge>` and {term}`witness`", entries
    ) == ["witness"]
    assert term_targets("{term}`Close reading` {term}`attributes <attribution>`") == [
        "close reading",
        "attribution",
    ]
    assert glossary_entries("```{glossary}\nA\nB\n  one two\n\nC\n  three\n```\n") == {
        "a": "one two",
        "b": "one two",
        "c": "three",
    }
