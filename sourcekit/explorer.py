"""Explorers that work in the published page with no kernel, and in a live notebook.

A callback (``interact``, ``observe``) needs a running kernel, which the
published HTML does not have. Instead every view is rendered in advance into
an ``Image`` widget held by a ``Stack``, and the dropdown's index is linked to
the stack's ``selected_index`` *in the browser* with ``jslink``. The embedded
widget state then carries every view, and switching happens in JavaScript.
"""

import base64
import html
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .charts import SCREEN_DPI

#: The widest a view is shown when its PNG does not say its resolution.
_FALLBACK_MAX_WIDTH = 760


def figure_png(fig) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it (so it is not shown twice)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def display_width(png: bytes) -> int:
    """The CSS width, in px, at which a PNG is shown the size of the book's other charts.

    The chapters' figures appear at :data:`sourcekit.charts.SCREEN_DPI` px to
    the inch; a view saved at a higher resolution (``savefig.dpi``, 150) would
    otherwise fill the column on a desktop, half as large again as the figures
    around it. Read from the PNG's header and its ``pHYs`` resolution, which
    matplotlib writes; a PNG without one gets a fixed maximum width.
    """
    width = int.from_bytes(png[16:20], "big")
    chunk = png.find(b"pHYs")
    if chunk < 0 or png[chunk + 12] != 1:  # unit 1: pixels per metre
        return min(width, _FALLBACK_MAX_WIDTH)
    dpi = int.from_bytes(png[chunk + 4 : chunk + 8], "big") * 0.0254
    return round(width / dpi * SCREEN_DPI)


def static_explorer(views: dict, label: str, alt_texts: dict) -> widgets.VBox:
    """A dropdown that switches between pre-rendered views, with no kernel needed.

    ``views`` maps each option's label to a matplotlib figure (or PNG bytes);
    ``alt_texts`` maps the same labels to a sentence stating what that view
    shows, used as the image's alt text. ``label`` names the dropdown for
    screen readers and sighted readers alike. Each view fills a phone's column
    and, on a wider screen, is shown centred at the size of the chapter's figures
    (:func:`display_width`).
    """
    if set(views) != set(alt_texts):
        raise ValueError("every view needs alt text: the keys of views and alt_texts must match")
    options = list(views)
    pages = []
    for option in options:
        view = views[option]
        png = view if isinstance(view, bytes) else figure_png(view)
        # An HTML widget holding an <img> (rather than an Image widget) so the
        # view carries real alt text in the published page.
        encoded = base64.b64encode(png).decode("ascii")
        pages.append(
            widgets.HTML(
                f'<img src="data:image/png;base64,{encoded}" '
                f'alt="{html.escape(alt_texts[option], quote=True)}" '
                'style="display:block;margin:0 '
                f'auto;width:100%;max-width:{display_width(png)}px;height:auto">'
            )
        )
    dropdown = widgets.Dropdown(
        options=options,
        index=0,
        description=label,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="auto", max_width="100%"),
    )
    stack = widgets.Stack(pages, selected_index=0)
    widgets.jslink((dropdown, "index"), (stack, "selected_index"))
    box = widgets.VBox([dropdown, stack])
    box.add_class("static-explorer")
    return box


def views_by(frame, column: str, draw, describe, labels: dict = None):
    """Split ``frame`` by ``column`` and draw one explorer view per value.

    Returns ``(views, alt_texts)`` ready for :func:`static_explorer`: ``draw``
    turns each part into a matplotlib figure and ``describe`` into the
    sentence used as that view's alt text, so the words a screen reader hears
    come from the same rows as the picture. ``labels`` maps a value to the
    option shown in the dropdown (and fixes the order); by default every
    value is shown as it is, in order of first appearance.
    """
    values = list(labels) if labels else list(dict.fromkeys(frame[column]))
    views, alt_texts = {}, {}
    for value in values:
        part = frame[frame[column] == value]
        if part.empty:
            raise ValueError(f"no rows with {column} == {value!r}, so that view would be empty")
        option = labels[value] if labels else str(value)
        views[option] = draw(part)
        alt_texts[option] = describe(part)
    return views, alt_texts
