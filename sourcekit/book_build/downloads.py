"""Offer each chapter's executed notebook as an ``.ipynb`` download.

Through the theme's own download button, so a student can run a chapter in
plain Jupyter or Colab without jupytext.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

#: myst-nb writes each executed notebook here, relative to the HTML output folder's parent.
EXECUTED_NOTEBOOKS_FOLDER = "jupyter_execute"


def executed_notebook(app: Sphinx, pagename: str) -> Path | None:
    """The copy of a page's notebook that myst-nb wrote, if the page is an executed notebook."""
    from myst_nb.sphinx_ import NbMetadataCollector

    if NbMetadataCollector.get_exec_data(app.env, pagename) is None:
        return None  # not a notebook, or not executed
    path = Path(app.outdir).parent / EXECUTED_NOTEBOOKS_FOLDER / f"{pagename}.ipynb"
    return path if path.is_file() else None


def notebook_with_outputs(app: Sphinx, path: Path) -> str:
    """The notebook at ``path`` with its outputs, as ``.ipynb`` text.

    myst-nb writes ``jupyter_execute/<page>.ipynb`` *without* outputs when it
    takes them from the cache (it merges them into a copy), so the outputs are
    merged here from the same jupyter-cache. Build-internal metadata (myst-nb's
    line map, jupytext's header) is dropped: the download is a plain notebook.
    """
    import nbformat
    from jupyter_cache import get_cache

    notebook = nbformat.read(path, as_version=4)
    try:
        cache = get_cache(app.env.mystnb_config.execution_cache_path or ".jupyter_cache")
        _, notebook = cache.merge_match_into_notebook(notebook)
    except KeyError:
        pass  # executed by myst-nb in this build: the file already has its outputs
    for key in ("source_map", "jupytext"):
        notebook.metadata.pop(key, None)
    return nbformat.writes(notebook)


def offer_executed_notebook(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Publish a text-notebook page's executed ``.ipynb`` and let the theme's download button offer it.

    sphinx-book-theme lists ``_sources/<context['ipynb_source']>`` under its
    download button as ".ipynb". A page written as ``.ipynb`` (the exercises)
    already offers its own source there, the student copy, so only pages
    written as MyST Markdown get the executed copy.
    """
    if app.builder.format != "html" or doctree is None:
        return
    if context.get("page_source_suffix") == ".ipynb":
        return
    notebook = executed_notebook(app, pagename)
    if notebook is None:
        return
    destination = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(notebook_with_outputs(app, notebook), encoding="utf-8")
    context["ipynb_source"] = f"{pagename}.ipynb"
