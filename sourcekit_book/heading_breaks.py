"""Let headings wrap at the slash of a double name
("Stepanakert/Khankendi") instead of mid-word.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx

HEADING = re.compile(r"(<h[1-6][^>]*>)(.*?)(</h[1-6]>)", re.S)
TAG = re.compile(r"(<[^>]+>)")
NAME_SLASH = re.compile(r"(?<=\w)/(?=\w)")


def allow_breaks_between_names(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Let a heading wrap after the slash of a double name ("Stepanakert/<wbr>Khankendi").

    The course gives both names of a place, joined by a slash, and browsers
    do not wrap there: at phone width a large heading with a double name would
    be cut mid-word. Only the text of headings is touched, never a tag or an
    attribute (a link's address keeps its slashes as they are).
    """
    body = context.get("body")
    if not body or "<h" not in body:
        return

    def heading(match):
        parts = TAG.split(match.group(2))
        text = "".join(
            part if part.startswith("<") else NAME_SLASH.sub("/<wbr>", part) for part in parts
        )
        return match.group(1) + text + match.group(3)

    context["body"] = HEADING.sub(heading, body)
