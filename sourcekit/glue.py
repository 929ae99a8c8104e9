"""``glue`` for a downloaded chapter, without Jupyter Book's myst-nb and its Sphinx.

The chapters store values for their prose with ``myst_nb.glue``; the book
reads them back at build time. A student running a downloaded chapter only
needs the call to work: myst-nb would add about 100 MB and 40 packages
(Sphinx, docutils, SQLAlchemy) to their environment for it. So the download's
notebook imports this ``glue`` instead (``sourcekit_book/downloads.py``
rewrites the one import line), which records the value exactly as myst-nb's
does (same output, same metadata), and is myst-nb's own when it is installed.
"""

from __future__ import annotations

from typing import Any

#: myst-nb's prefix for a value stored but not shown (``display=False``).
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Store ``variable``'s displayed form under ``name`` in the cell's output, as myst-nb does."""
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
