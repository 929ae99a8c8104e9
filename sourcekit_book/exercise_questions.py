"""Make each exercise question stand out from the prose around it.

The exercise notebooks (generated from the masters in ``exercises/source/``)
open each question with a bold "**Question 2.1**" at the start of a plain
paragraph, so on the page a question looks like any other paragraph and a
student scrolling for "the next question" has nothing to catch the eye. The
paragraph is given the class ``course-question`` (styled in
``_static/course.css``) at build time, so the masters stay as they are.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx

#: A paragraph that opens with a bold "Question N.N" (the otter-assign layout of the exercises).
QUESTION_PARAGRAPH = re.compile(r"<p>(?=<strong>Question \d+(?:\.\d+)*</strong>)")


def mark_question_paragraphs(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Give every paragraph that opens with a bold "Question N.N" the class ``course-question``."""
    body = context.get("body")
    if body and "<strong>Question " in body:
        context["body"] = QUESTION_PARAGRAPH.sub('<p class="course-question">', body)
