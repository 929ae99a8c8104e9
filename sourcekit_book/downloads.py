"""Offer each chapter's notebook as an ``.ipynb`` and as a ``.zip`` that runs anywhere.

Through the theme's own download button. The ``.ipynb`` is the executed
chapter (or the exercise's student copy), for plain Jupyter or Colab without
jupytext; but it imports ``sourcekit`` and reads the course's tables, so on
its own it stops at its first cell. The ``.zip`` beside it is the notebook,
the tables and documents, the course package as a wheel (which carries the
same files as package data, and the exercises' answer keys) and a
``requirements.txt`` pinning the wheel and the exact third-party versions the
book was built with, with a two-line ``README.txt`` saying how to install and
open it. ``tests/test_downloads.py`` unpacks each one outside the repository,
follows its README into a fresh virtual environment and runs the notebook.
"""

from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path

from sphinx.application import Sphinx

from .course_wheel import build_course_wheel, pinned_requirements

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
    make_readable_without_the_book(notebook, path)
    return nbformat.writes(notebook)


def make_readable_without_the_book(notebook, path: Path) -> None:
    """The chapter's MyST as text any notebook viewer shows (``sourcekit.lab_text``, ``plain``).

    A downloaded chapter opens in Lab, classic Jupyter or Colab, with or
    without jupyterlab-myst: cross-references keep their words (the other
    chapters are not in the download), figures get their numbered captions,
    admonitions become quoted blocks with their titles, and each glued value is
    pasted in from the executed notebook's own outputs.
    """
    from sourcekit.lab_text import glued_values, readable_notebook

    chapter_file = f"{path.parent.name}/{path.stem}.md"
    readable_notebook(notebook, chapter_file, glued=glued_values(notebook), plain=True, link=None)


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


# --------------------------------------------------------------------------
# The .zip that runs in an empty folder
# --------------------------------------------------------------------------

#: Besides the wheel's own dependencies, a student at home needs somewhere to open the notebook.
NOTEBOOK_APP = "jupyterlab"

#: The two lines a student follows, in the unpacked folder; the test runs exactly these.
README_TEMPLATE = """\
pip install -r requirements.txt
jupyter lab {notebook}

Run both lines in this folder (in a fresh virtual environment: python -m venv .venv, then activate it).
The first installs the course package (the .whl file here, with the course's tables, documents and
answer keys inside it) and the exact versions of pandas, matplotlib, ipywidgets and Jupyter the
course was built with; the second opens the notebook. In Colab, upload the .whl and run
`%pip install {wheel}` in a first cell. data/ holds the same tables and documents for you to read.
Page on the course site: {page}
"""


def _project_root(app: Sphinx) -> Path:
    return Path(app.srcdir)


def course_wheel(app: Sphinx) -> Path:
    """The course wheel for this build, built the first time a page needs it."""
    wheel = getattr(app, "_course_wheel", None)
    if wheel is None:
        wheel = build_course_wheel(_project_root(app), Path(app.outdir).parent / "course_wheel")
        app._course_wheel = wheel
    return wheel


def download_requirements(app: Sphinx, wheel: Path) -> str:
    """``requirements.txt`` of a download: the wheel, then every third-party pin it needs."""
    pins = getattr(app, "_download_pins", None)
    if pins is None:
        config = tomllib.loads((_project_root(app) / "pyproject.toml").read_text(encoding="utf-8"))
        pins = pinned_requirements([*config["project"]["dependencies"], NOTEBOOK_APP])
        app._download_pins = pins
    header = ["# The course package (the wheel in this folder) and the exact versions the course was built with.", f"./{wheel.name}"]
    return "\n".join(header + pins) + "\n"


def page_notebook_text(app: Sphinx, pagename: str, context: dict) -> str | None:
    """The ``.ipynb`` the page offers: its executed copy, or a notebook page's own source."""
    if context.get("ipynb_source"):
        offered = Path(app.outdir) / "_sources" / context["ipynb_source"]
        if offered.is_file():
            return offered.read_text(encoding="utf-8")
    if context.get("page_source_suffix") == ".ipynb":
        source = Path(app.srcdir) / f"{pagename}.ipynb"
        if source.is_file():
            return source.read_text(encoding="utf-8")
    return None


def write_runnable_zip(app: Sphinx, pagename: str, notebook_text: str) -> Path:
    """Write ``_sources/<page>.zip``: one folder with the notebook, data/, the wheel and the README."""
    wheel = course_wheel(app)
    name = Path(pagename).name
    folder = f"shusha-shushi-{name}"
    destination = Path(app.outdir) / "_sources" / f"{pagename}.zip"
    destination.parent.mkdir(parents=True, exist_ok=True)
    data = _project_root(app) / "data"
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"{folder}/README.txt", README_TEMPLATE.format(notebook=f"{name}.ipynb", wheel=wheel.name, page=f"{pagename}.html"))
        bundle.writestr(f"{folder}/requirements.txt", download_requirements(app, wheel))
        bundle.writestr(f"{folder}/{name}.ipynb", notebook_text)
        bundle.write(wheel, f"{folder}/{wheel.name}")
        for path in sorted(data.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                bundle.write(path, f"{folder}/data/{path.relative_to(data).as_posix()}")
    return destination


def offer_runnable_zip(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Publish a notebook page's ``.zip`` beside its ``.ipynb`` and add it to the download button."""
    if app.builder.format != "html" or doctree is None:
        return
    notebook_text = page_notebook_text(app, pagename, context)
    if notebook_text is None:
        return
    write_runnable_zip(app, pagename, notebook_text)
    url = f"{context['pathto']('_sources', 1)}/{pagename}.zip"
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].insert(1, {
                "type": "link",
                "url": url,
                "text": ".zip",
                "tooltip": "Download the notebook with its data and the course package, to run anywhere",
                "icon": "fas fa-file-zipper",
                "label": "download-zip-button",
            })
