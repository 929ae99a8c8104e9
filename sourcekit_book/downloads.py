"""Offer each chapter's notebook as an ``.ipynb`` and as a ``.zip`` that runs anywhere.

Through the theme's own download button, whose menu names each choice in
words ("Notebook and data, runs anywhere (.zip)"), not as a bare file ending.
The ``.ipynb`` is the executed chapter (or the exercise's student copy); it
imports ``sourcekit`` and reads the course's tables, so its first cell (added
here) looks for the course package, installs it from a wheel beside the
notebook, or stops with one paragraph saying what to download instead. The
``.zip`` is the same notebook, the tables and documents, the course package as
a wheel (which carries the same files as package data, and the exercises'
answer keys), a ``requirements.txt`` pinning the wheel, the exact third-party
versions the book was built with and the classic notebook, a
``requirements-jupyterlab.txt`` for those who want JupyterLab, and a
``README.txt``: the Python version, the steps in order for macOS/Linux and
Windows, the environment's size and the page's address. Links to other pages
lead to the published site (``html.baseurl``) or to the download's own files.
``tests/book/test_downloads.py`` unpacks each one outside the repository,
follows its README into a fresh virtual environment and runs the notebook.
"""

from __future__ import annotations

import posixpath
import re
import sys
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


def offer_executed_notebook(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Publish a text-notebook page's executed ``.ipynb`` and let the theme's
    download button offer it.

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
    destination.write_text(
        download_notebook(app, pagename, notebook_with_outputs(app, notebook)), encoding="utf-8"
    )
    context["ipynb_source"] = f"{pagename}.ipynb"


# --------------------------------------------------------------------------
# What a downloaded notebook carries: a first cell that finds the course package, links that lead
# somewhere, and no import of the book's own build tools
# --------------------------------------------------------------------------

#: What the download menu calls each choice: what it is and whether it runs, in a student's words.
#: Shown as the menu item's text (a phone shows no hover tooltip), keyed by
#: the theme's button label.
MENU_TEXTS = {
    "download-zip-button": "Notebook and data, runs anywhere (.zip)",
    "download-notebook-button": "Notebook alone, needs the course package (.ipynb)",
    "download-pdf-button": "Print or save as PDF",
}
#: The theme's "source" button: the page's own file, named by its kind.
SOURCE_TEXTS = {
    ".md": "Page source, MyST Markdown text (.md)",
    ".ipynb": "Notebook alone, needs the course package (.ipynb)",
}

#: The import the chapters make for the book (myst-nb stores values for the prose); a download
#: imports the same function from the course package instead (see ``sourcekit/glue.py``).
MYST_NB_GLUE_IMPORT = "from myst_nb import glue"
COURSE_GLUE_IMPORT = "from sourcekit.glue import glue"

#: The first cell of every downloaded notebook. Standard library only, so that it runs where
#: nothing is installed: with the course package present it says nothing; with the course's
#: wheel beside the notebook it installs it; otherwise it stops Run All with one clear paragraph
#: instead of a ModuleNotFoundError at the next cell. (``_render_traceback_`` is IPython's way
#: to show an exception as the lines it returns, with no traceback.)
GUARD_CELL = """\
# Finds the course package (`sourcekit`) this notebook needs, or says how to get it.
import importlib.util, pathlib, subprocess, sys
if importlib.util.find_spec("sourcekit") is None:
    _wheels = sorted(pathlib.Path.cwd().glob("sourcekit-*.whl"))
    if _wheels:
        print(f"Installing the course package from {{_wheels[-1].name}} (a minute or two)...")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", str(_wheels[-1])], \
check=True)
        importlib.invalidate_caches()
    else:
        class CoursePackageMissing(Exception):
            def _render_traceback_(self):
                return [str(self)]
        raise CoursePackageMissing(
            "This notebook needs the course package (sourcekit), which is not installed here.\\n"
            "Download this page's 'Notebook and data, runs anywhere (.zip)' instead, unpack it \
and\\n"
            "follow its README.txt; or put the sourcekit-*.whl file from that .zip beside this\\n"
            "notebook and run this cell again. {where}"
        )
"""

#: Pages of the course a downloaded notebook can stand in for with a file of its own folder,
#: when the course site's address is not known: the documents are in data/sources/, the
#: instructions for running it in README.txt.
LOCAL_STAND_INS = {
    "chapters/documents": "data/sources/",
    "chapters/running_the_course": "README.txt",
}

#: A Markdown link: [text](target).
MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


def site_base_url(app: Sphinx) -> str:
    """The published site's address (``html.baseurl`` in ``_config.yml``),
    or "" while it has none.
    """
    return (app.config.html_baseurl or "").rstrip("/")


def page_url(app: Sphinx, pagename: str, anchor: str = "") -> str:
    """The full address of a page of the published site,
    or "" when the site's address is not set.
    """
    base = site_base_url(app)
    return f"{base}/{pagename}.html{'#' + anchor if anchor else ''}" if base else ""


def document_file_for(app: Sphinx, label: str) -> str | None:
    """``data/sources/<file>`` for a document's label (``doc-003``),
    the text a download carries.
    """
    match = re.fullmatch(r"doc-(\d{3})", label)
    if not match:
        return None
    found = sorted((Path(app.srcdir) / "data" / "sources").glob(f"{match.group(1)}-*.txt"))
    return f"data/sources/{found[0].name}" if found else None


def download_link_target(app: Sphinx, pagename: str, target: str) -> str | None:
    """Where a link of a page's notebook should lead in a download; None to leave it as it is.

    A link to another page (``../chapters/documents.md``) or to a label
    (``#doc-003``) leads nowhere in a notebook opened from a folder. It leads
    to the published page when the site's address is set, else to the file of
    the download that holds the same thing (a document's text, the README), else
    to "" (the link is then written as plain text).
    """
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("data/"):
        return None  # an address (https:, mailto:) or a file the download carries
    labels = app.env.domaindata.get("std", {}).get("labels", {})
    if target.startswith("#"):
        label = target[1:]
        if label not in labels:
            return None  # a heading of the notebook itself: Jupyter makes those anchors
        docname, anchor, _ = labels[label]
        return page_url(app, docname, anchor) or document_file_for(app, label) or ""
    path, _, anchor = target.partition("#")
    docname = posixpath.normpath(posixpath.join(posixpath.dirname(pagename), path))
    docname = re.sub(r"\.(md|ipynb)$", "", docname)
    if docname not in app.env.all_docs:
        return None
    return page_url(app, docname, anchor) or LOCAL_STAND_INS.get(docname, "")


def download_notebook(app: Sphinx, pagename: str, notebook_text: str) -> str:
    """The notebook a page offers for download: guarded, its links repaired, no myst-nb import."""
    import nbformat

    notebook = nbformat.reads(notebook_text, as_version=4)
    url = page_url(app, pagename)
    where = f"The page: {url}" if url else ""
    guard = nbformat.v4.new_code_cell(
        GUARD_CELL.format(where=where).replace(' "\n        )', '"\n        )')
    )
    guard.metadata["tags"] = ["course-package-check"]
    for cell in notebook.cells:
        if cell.cell_type == "code" and MYST_NB_GLUE_IMPORT in cell.source:
            cell.source = re.sub(
                rf"^{re.escape(MYST_NB_GLUE_IMPORT)}$", COURSE_GLUE_IMPORT, cell.source, flags=re.M
            )
        elif cell.cell_type == "markdown":

            def repair(match):
                target = download_link_target(app, pagename, match.group(2))
                if target is None:
                    return match.group(0)
                return (
                    f"[{match.group(1)}]({target})"
                    if target
                    else f"{match.group(1)} (a page of the course site)"
                )

            cell.source = MARKDOWN_LINK.sub(repair, cell.source)
    notebook.cells.insert(0, guard)
    return nbformat.writes(notebook)


def name_download_choices(context: dict) -> None:
    """Say in the download menu's own text what each choice is (a phone never shows a tooltip)."""
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for button in group["buttons"]:
            label = button.get("label", "")
            if label == "download-source-button":
                button["text"] = SOURCE_TEXTS.get(button.get("text", ""), button.get("text", ""))
            elif label in MENU_TEXTS:
                button["text"] = MENU_TEXTS[label]
            button["tooltip"] = (
                ""  # the text says it all; a tooltip repeating it only covers the page after a tap
            )


# --------------------------------------------------------------------------
# The .zip that runs in an empty folder
# --------------------------------------------------------------------------

#: The notebook app a download installs: the classic notebook, the smaller of the two.
NOTEBOOK_APP = "nbclassic"
#: JupyterLab, optional, from a second requirements file.
LAB_APP = "jupyterlab"

#: The steps a student follows, in the unpacked folder; tests/book/test_downloads.py runs the
#: macOS/Linux block line by line.
README_TEMPLATE = """\
Shusha/Shushi 2020: reading the sources -- {title}

This folder runs the {kind} "{title}" on your own computer.

  {notebook}
      the {kind}, as a Jupyter notebook
  {wheel}
      the course package, with the course's tables and documents inside
  requirements.txt
      what to install: the course package and the exact versions of pandas, matplotlib,
      ipywidgets and the classic notebook the course was built with
  requirements-jupyterlab.txt
      the same with JupyterLab instead of the classic notebook (optional, larger)
  data/
      the same tables (CSV files) and the five documents (data/sources/), to read

You need Python {python} (the version the course was built and tested with; check with
`python3 --version`, or `py --version` on Windows). Get it from https://www.python.org/downloads/
Installing takes a few minutes and about {size_mb} MB of disk ({packages} packages). JupyterLab
instead of the classic notebook: about {lab_size_mb} MB ({lab_packages} packages).

Open a terminal in this folder and type these commands, in this order.

macOS or Linux (Terminal):

python3 -m venv .venv
source .venv/bin/activate
pip install -r requirements.txt
jupyter nbclassic {notebook}

Windows (Command Prompt; in PowerShell the second line is .venv\\Scripts\\Activate.ps1):

py -m venv .venv
.venv\\Scripts\\activate
pip install -r requirements.txt
jupyter nbclassic {notebook}

The first line makes a private Python environment in .venv, the second switches to it, the third
installs the course into it, the fourth opens the notebook in your browser (stop it with Ctrl+C
in the terminal). Next time, run only the second and the fourth line.

For JupyterLab instead: `pip install -r requirements-jupyterlab.txt`, then `jupyter lab \
{notebook}`.
In Colab: upload {notebook} and {wheel}, and run `%pip install {wheel}` in a first cell.

{page}
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


def installed_size(pins: list[str]) -> int:
    """Bytes the pinned distributions take installed, as this
    (the build's) environment holds them.
    """
    from importlib import metadata

    total = 0
    for pin in pins:
        distribution = metadata.distribution(pin.split("==")[0])
        for file in distribution.files or []:
            path = Path(distribution.locate_file(file))
            if path.is_file():
                total += path.stat().st_size
    return total


def download_pins(app: Sphinx) -> dict:
    """The third-party pins of the downloads (with the classic notebook,
    and with JupyterLab) and their sizes.
    """
    pins = getattr(app, "_download_pins", None)
    if pins is None:
        config = tomllib.loads((_project_root(app) / "pyproject.toml").read_text(encoding="utf-8"))
        dependencies = config["project"]["dependencies"]
        notebook = pinned_requirements([*dependencies, NOTEBOOK_APP])
        lab = pinned_requirements([*dependencies, LAB_APP])
        pins = {
            "notebook": notebook,
            "lab": lab,
            "notebook_size": installed_size(notebook),
            "lab_size": installed_size(lab),
        }
        app._download_pins = pins
    return pins


def download_requirements(app: Sphinx, wheel: Path) -> str:
    """``requirements.txt`` of a download: the wheel, then every third-party pin it needs."""
    header = [
        "# The course package (the wheel in this folder) and the exact "
        "versions the course was built with.",
        f"./{wheel.name}",
    ]
    return "\n".join(header + download_pins(app)["notebook"]) + "\n"


def download_lab_requirements(app: Sphinx, wheel: Path) -> str:
    """``requirements-jupyterlab.txt``: the same, with JupyterLab as the notebook app."""
    header = [
        "# The course package and the exact versions the course was "
        "built with, JupyterLab as the app.",
        f"./{wheel.name}",
    ]
    return "\n".join(header + download_pins(app)["lab"]) + "\n"


def download_readme(app: Sphinx, pagename: str, title: str, wheel: Path) -> str:
    pins = download_pins(app)
    url = page_url(app, pagename)
    page = (
        f"This page on the course site: {url}"
        if url
        else (
            f"This page on the course site: {pagename}.html in the course's "
            "published site (this copy of the\n"
            "course was built without the site's address, html.baseurl in "
            "_config.yml, so no full link\n"
            "can be given; your teacher can tell you where the site is)."
        )
    )
    name = Path(pagename).name
    return README_TEMPLATE.format(
        title=title,
        kind="exercise" if pagename.startswith("exercises/") else "chapter",
        notebook=f"{name}.ipynb",
        wheel=wheel.name,
        page=page,
        python=f"{sys.version_info.major}.{sys.version_info.minor}",
        size_mb=round(pins["notebook_size"] / 1e6),
        packages=len(pins["notebook"]) + 1,
        lab_size_mb=round(pins["lab_size"] / 1e6),
        lab_packages=len(pins["lab"]) + 1,
    )


def page_notebook_text(app: Sphinx, pagename: str, context: dict) -> str | None:
    """The ``.ipynb`` the page offers: its executed copy, or a notebook page's own source."""
    if context.get("ipynb_source"):
        offered = Path(app.outdir) / "_sources" / context["ipynb_source"]
        if offered.is_file():
            return offered.read_text(encoding="utf-8")
    if context.get("page_source_suffix") == ".ipynb":
        source = Path(app.srcdir) / f"{pagename}.ipynb"
        if source.is_file():
            return download_notebook(app, pagename, source.read_text(encoding="utf-8"))
    return None


def write_runnable_zip(app: Sphinx, pagename: str, title: str, notebook_text: str) -> Path:
    """Write ``_sources/<page>.zip``: one folder with the notebook, data/,
    the wheel and the README.
    """
    wheel = course_wheel(app)
    name = Path(pagename).name
    folder = f"shusha-shushi-{name}"
    destination = Path(app.outdir) / "_sources" / f"{pagename}.zip"
    destination.parent.mkdir(parents=True, exist_ok=True)
    data = _project_root(app) / "data"
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"{folder}/README.txt", download_readme(app, pagename, title, wheel))
        bundle.writestr(f"{folder}/requirements.txt", download_requirements(app, wheel))
        bundle.writestr(
            f"{folder}/requirements-jupyterlab.txt", download_lab_requirements(app, wheel)
        )
        bundle.writestr(f"{folder}/{name}.ipynb", notebook_text)
        bundle.write(wheel, f"{folder}/{wheel.name}")
        for path in sorted(data.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                bundle.write(path, f"{folder}/data/{path.relative_to(data).as_posix()}")
    return destination


def offer_runnable_zip(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Publish a notebook page's ``.zip`` beside its ``.ipynb``, add it to the download button,
    name every choice.
    """
    if app.builder.format != "html" or doctree is None:
        return
    notebook_text = page_notebook_text(app, pagename, context)
    if notebook_text is None:
        return
    if context.get("page_source_suffix") == ".ipynb":
        # Sphinx copies the page's own source to _sources/ after this event: the guarded copy
        # replaces it when the build finishes (offer_guarded_notebook_sources).
        pending = getattr(app.env, "course_guarded_sources", {})
        pending[pagename] = notebook_text
        app.env.course_guarded_sources = pending
    import html as html_module

    title = html_module.unescape(
        re.sub(r"<[^>]+>", "", context.get("title", "") or Path(pagename).name)
    )
    write_runnable_zip(app, pagename, title, notebook_text)
    url = f"{context['pathto']('_sources', 1)}/{pagename}.zip"
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].insert(
                0,
                {
                    "type": "link",
                    "url": url,
                    "text": ".zip",
                    "tooltip": "",
                    "icon": "fas fa-file-zipper",
                    "label": "download-zip-button",
                },
            )
    name_download_choices(context)


def offer_guarded_notebook_sources(app: Sphinx, exception: Exception | None) -> None:
    """Replace the copies of notebook pages' sources in ``_sources/``
    with their guarded download.
    """
    if exception is not None or app.builder.format != "html":
        return
    for pagename, text in getattr(app.env, "course_guarded_sources", {}).items():
        path = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
        if path.parent.is_dir():
            path.write_text(text, encoding="utf-8")
