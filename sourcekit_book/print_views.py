"""A printed chapter is a handout: every explorer view on paper, the set-up code folded away.

An explorer (``sourcekit.explorer.static_explorer``) shows one view at a time
under a dropdown; on paper the dropdown is dead and only the first view would
print, though the text asks the reader to choose views and compare them. The
page's saved widget state holds every view, so each explorer gets, after its
widget, a block of all its views one after another, each captioned with its
menu choice: hidden on screen, shown in print (``_static/print.css``). The
images are the files the widget already uses, loaded lazily so that a screen
visit never fetches them; ``_static/print-views.js`` loads them before printing.

A chapter's first cell, when it is the set-up code (its imports), is marked so
that print folds it away with a line saying so.
"""

from __future__ import annotations

import html
import json
import re

from sphinx.application import Sphinx

from .png_compaction import WIDGET_STATE_TYPE

#: The script that places a widget in the page, naming its model.
WIDGET_VIEW = re.compile(
    r'<script type="application/vnd.jupyter.widget-view\+json">(\{.*?\})</script>', re.S
)
#: A code cell of myst-nb's HTML, and the start of its code.
CODE_CELL = re.compile(
    r'<div class="cell docutils container">\s*'
    r'<div class="cell_input docutils container">(.{0,800})',
    re.S,
)


def _model(state: dict, reference: str) -> dict:
    return state.get(reference.removeprefix("IPY_MODEL_"), {}).get("state", {})


def explorer_views(widget_state: dict) -> dict:
    """{explorer model id: (menu label, [(choice, image src, alt text)])}, one per explorer."""
    state = widget_state.get("state", {})
    explorers = {}
    for model_id, model in state.items():
        attributes = model.get("state", {})
        if model.get("model_name") != "VBoxModel" or "static-explorer" not in attributes.get(
            "_dom_classes", []
        ):
            continue
        children = attributes.get("children", [])
        if len(children) != 2:
            continue
        menu, stack = (_model(state, child) for child in children)
        choices = menu.get("_options_labels", [])
        views = []
        for choice, page in zip(choices, stack.get("children", [])):
            value = _model(state, page).get("value", "")
            src = re.search(r'src="([^"]+)"', value)
            alt = re.search(r'alt="([^"]*)"', value)
            if src:
                views.append((choice, src.group(1), alt.group(1) if alt else ""))
        if views:
            explorers[model_id] = (menu.get("description", ""), views)
    return explorers


def print_block(label: str, views: list) -> str:
    """The print-only block of an explorer's views, one after another, each named by its choice."""
    figures = "".join(
        f'<figure><img src="{src}" alt="{alt}" loading="lazy">'
        f"<figcaption>{html.escape(label)} <strong>{html.escape(choice)}</strong></figcaption>"
        "</figure>"
        for choice, src, alt in views
    )
    intro = f"On paper, every view of the explorer above, one after another ({len(views)} views):"
    intro = f'<p class="course-print-views-intro">{intro}</p>'
    return f'<div class="course-print-views">{intro}{figures}</div>'


def print_every_explorer_view(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Add each explorer's print-only block of views after its widget, and mark the set-up cell."""
    if app.builder.format != "html" or doctree is None or not context.get("body"):
        return
    body = context["body"]
    first = CODE_CELL.search(body)
    code_start = first.group(1).split("</pre>")[0] if first else ""
    if re.search(r'<span class="kn">(import|from)</span>', code_start) and pagename.startswith(
        "chapters/"
    ):
        start = first.start()
        body = body[:start] + body[start:].replace(
            '<div class="cell docutils container">',
            '<div class="cell docutils container course-setup-cell">',
            1,
        )
    for script in context.get("script_files") or []:
        attributes = getattr(script, "attributes", {})
        if attributes.get("type") != WIDGET_STATE_TYPE:
            continue
        explorers = explorer_views(json.loads(attributes.get("body", "{}")))

        def add_views(match):
            model_id = json.loads(match.group(1)).get("model_id")
            if model_id not in explorers:
                return match.group(0)
            return match.group(0) + print_block(*explorers[model_id])

        body = WIDGET_VIEW.sub(add_views, body)
    context["body"] = body
