"""Glue a chapter's computed values into its text: in the book, in JupyterLab and in a download.

In the book, myst-nb's ``glue`` stores a value in the cell's output and the
prose pastes it with ``{glue:text}`name``` when the page is built. JupyterLab
has no build: the chapter opens as a notebook (``sourcekit.lab_text`` rewrites
each ``{glue:...}`` role as a jupyterlab-myst inline expression), and the
kernel has to answer that expression with the same value. So the chapters
import :data:`glue` from here: it calls myst-nb's ``glue`` unchanged, and also
keeps the value in this kernel, where ``glue.value("name", ".1f")`` gives it
back formatted as the book formats it. A downloaded chapter has no myst-nb:
there :func:`record` stores the value as myst-nb would.
"""

from __future__ import annotations

import re
from typing import Any

#: myst-nb's prefix for a value stored but not shown (``display=False``).
GLUE_PREFIX = "application/papermill.record/"


class GluedText:
    """A glued value as the text the book shows, without the quotes a ``repr`` would add.

    jupyterlab-myst renders an inline expression's ``text/plain``; IPython's
    ``text/plain`` of a string is its ``repr``, quotes and escapes included.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


class Glue:
    """``glue(name, value, display=False)`` as in myst-nb, keeping each value in this kernel."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, name: str, value: Any, display: bool = True) -> None:
        self.values[name] = value
        record(name, value, display=display)

    def value(self, name: str, spec: str = "", markdown: bool = False) -> Any:
        """The value glued as ``name``, as ``{glue:text}`name:spec``` (or ``{glue:md}``) shows it.

        A name not glued yet (its cell has not run in this kernel) gives a
        sentence saying so, not a traceback inside a sentence of the chapter.
        """
        if name not in self.values:
            return GluedText(f"[{name}: run the code cells above, then this text cell]")
        value = self.values[name]
        if markdown:
            # A passage glued as Markdown (sourcekit.reaction_plots.as_markdown: a quotation with
            # its markup characters escaped) comes back as its text: jupyterlab-myst draws a
            # Markdown result as a block of its own, which would break the sentence quoting it.
            return GluedText(re.sub(r"\\(.)", r"\1", format_glued(value)))
        return GluedText(format_glued(value, spec))


def format_glued(value: Any, spec: str = "") -> str:
    """``value`` as the book's ``{glue:text}`name:spec``` prints it: formatted, or plain text."""
    if spec:
        try:
            return format(value, spec)
        except (TypeError, ValueError):
            return str(value)  # the value unformatted beats an error inside a sentence
    if hasattr(value, "data") and isinstance(getattr(value, "data"), str):
        return value.data  # an IPython display object (Markdown): its text
    return str(value)


def record(name: str, variable: Any, display: bool = True) -> None:
    """Store ``variable``'s displayed form under ``name`` in the cell's output, as myst-nb does.

    A downloaded chapter runs without Jupyter Book's myst-nb (it would add about 100 MB and 40
    packages to a student's environment), so where it is missing the value is recorded the way
    myst-nb records it (same output, same metadata); where it is installed, it is myst-nb's own.
    """
    try:
        from myst_nb import glue as myst_nb_glue
    except ImportError:
        pass
    else:
        myst_nb_glue(name, variable, display=display)
        return
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipython_display

    mimebundle, metadata = format_display_data(variable)
    mime_prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=mime_prefix)
    ipython_display(
        {mime_prefix + key: value for key, value in mimebundle.items()},
        raw=True,
        metadata=metadata,
    )


#: The chapters' ``glue``: ``from sourcekit.glue import glue``.
glue = Glue()
