"""Name the toggle of a folded output by the words it shows (WCAG 2.5.3).

The theme's own accessibility faults are repaired by ``_static/accessibility.js``.
"""

from __future__ import annotations

from sphinx.application import Sphinx

#: myst-nb's summary for a hidden cell output ("hide-output" tag), and what it becomes.
HIDDEN_OUTPUT_SUMMARY = '<summary aria-label="Toggle hidden content">'


def name_hidden_outputs_by_their_text(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Let a folded output's toggle be named by the words it shows.

    myst-nb labels the toggle "Toggle hidden content" while it shows "Show
    code cell output": a screen-reader user hears a name a voice-control user
    cannot say (axe-core label-content-name-mismatch, WCAG 2.5.3). Without the
    aria-label the name is the visible text, which already says what it does.
    """
    body = context.get("body")
    if body and HIDDEN_OUTPUT_SUMMARY in body:
        context["body"] = body.replace(HIDDEN_OUTPUT_SUMMARY, "<summary>")
