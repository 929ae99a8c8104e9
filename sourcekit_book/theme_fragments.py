"""Keep the themes' Jinja template fragments out of the published site.

pydata-sphinx-theme and sphinx-book-theme keep a template macro file in their
static folder (``webpack-macros.html``, ``sbt-webpack-macros.html``), so Sphinx
publishes each as ``_static/<name>.html``: a page of raw template code that a
visitor (or a search engine) can open, with 8 failed requests and 2 axe
violations each. They are template code, used at build time only.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

#: The theme files that are template code, not pages, relative to the site's root.
TEMPLATE_FRAGMENTS = ("_static/webpack-macros.html", "_static/sbt-webpack-macros.html")


def remove_template_fragments(app: Sphinx, exception: Exception | None) -> None:
    """Delete the themes' template fragments from the built site."""
    if exception is not None or app.builder.format != "html":
        return
    for fragment in TEMPLATE_FRAGMENTS:
        (Path(app.outdir) / fragment).unlink(missing_ok=True)
