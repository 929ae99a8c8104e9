"""A small Sphinx extension that makes the published book complete without a network.

The book is read from ``_build/html`` as often as from a web server, sometimes
in a classroom with no internet. Out of the box, a Jupyter Book page with
widgets loads the widget manager from a public CDN (and the explorers are then
a blank gap offline), and a page has no executed notebook to take away. This
extension, listed in ``_config.yml`` under ``sphinx.extra_extensions``:

* copies the vendored widget manager (``@jupyter-widgets/html-manager``,
  fetched by ``npm ci`` in ``_vendor/``; see ``_vendor/README.md``) into the
  site as ``_static/widgets/``. It is copied here rather than listed in
  ``html_static_path`` because Jupyter Book adds *every* ``.js`` file of every
  static path to *every* page once a ``_static/`` folder exists, and this script
  weighs 1.9 MB: myst-nb adds it (``nb_ipywidgets_js``) only to pages that have
  widgets.
* offers each chapter's executed notebook as an ``.ipynb`` download, through
  the theme's own download button, so a student can run a chapter in plain
  Jupyter or Colab without jupytext.
* fails the build (a warning, and the build runs with ``-W``) on a page with
  mathematics: MathJax would load from a CDN and the course ships no MathJax.
* keeps chapter pages within their weight budget: chart PNGs (inline, in
  ``_images/``, and the explorer views saved in a page's widget state) are
  re-encoded as near-lossless 256-colour PNGs, and the explorer views are
  served as image files instead of base64 text inside the page.
* lets headings wrap at the slash of a double name ("Stepanakert/Khankendi")
  instead of mid-word on a phone.
* repairs two accessibility faults in the markup of the tools themselves
  (a script registered twice, a mislabelled toggle); the theme's own are
  repaired by ``_static/accessibility.js``.
* re-runs every notebook when what the notebooks read changes (the package,
  ``data/``, the quizzes): myst-nb's cache keys a notebook on its own code
  only, so without this a fixed loader or a corrected CSV row would leave old
  figures in the site until someone deleted the cache by hand.
* executes the notebooks a build needs in parallel before Sphinx reads them,
  filling the same jupyter-cache that myst-nb's ``cache`` mode then reads from,
  because Jupyter Book's command line gives Sphinx no ``-j`` option and a clean
  build would otherwise run every notebook one after another.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where ``npm ci`` in ``_vendor/`` puts the widget manager's prebuilt bundle.
WIDGET_MANAGER_DIST = Path("_vendor", "node_modules", "@jupyter-widgets", "html-manager", "dist")
#: The folder under the site's ``_static/`` that serves it (``nb_ipywidgets_js`` points here).
WIDGET_STATIC_FOLDER = "widgets"
#: The bundle, its licence notice, and the web fonts it loads from its own folder.
#: (Browsers take the first format they support in the bundle's @font-face list:
#: woff2 everywhere today, woff as a fallback; the eot/ttf/svg copies are left out.)
WIDGET_FILE_PATTERNS = ("embed.js", "embed.js.LICENSE.txt", "*.woff2", "*.woff")

#: myst-nb writes each executed notebook here, relative to the HTML output folder's parent.
EXECUTED_NOTEBOOKS_FOLDER = "jupyter_execute"


# --- the vendored widget manager ------------------------------------------------------


def widget_manager_files(srcdir: Path) -> list[Path]:
    """The vendored widget-manager files to publish, or [] if ``npm ci`` has not run."""
    dist = srcdir / WIDGET_MANAGER_DIST
    if not (dist / "embed.js").is_file():
        return []
    files = []
    for pattern in WIDGET_FILE_PATTERNS:
        files.extend(sorted(dist.glob(pattern)))
    return files


def check_widget_manager_is_vendored(app: Sphinx) -> None:
    """Say how to fetch the widget manager when it is missing, before any page is built."""
    if app.builder.format != "html":
        return
    if not widget_manager_files(Path(app.srcdir)):
        logger.warning(
            "the widget manager is not vendored (%s is missing), so pages with widgets would "
            "show a blank gap: run `make vendor` (npm ci in _vendor/) and build again",
            WIDGET_MANAGER_DIST / "embed.js",
        )


def copy_widget_manager(app: Sphinx, exception: Exception | None) -> None:
    """Copy the vendored widget manager into ``_static/widgets/`` of the built site."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / WIDGET_STATIC_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for source in widget_manager_files(Path(app.srcdir)):
        destination = target / source.name
        stat = source.stat()
        if destination.exists() and destination.stat().st_size == stat.st_size and destination.stat().st_mtime >= stat.st_mtime:
            continue  # unchanged since the last build
        shutil.copy2(source, destination)


def sync_project_static_files(app: Sphinx, exception: Exception | None) -> None:
    """Publish an edit to ``_static/`` even when no page changed.

    Sphinx copies static files only when it writes at least one page, so an
    edit to the course's CSS or JavaScript alone would never reach the site
    on an incremental build.
    """
    if exception is not None or app.builder.format != "html":
        return
    source_root = Path(app.srcdir) / "_static"
    if not source_root.is_dir():
        return
    target_root = Path(app.outdir) / "_static"
    for source in source_root.rglob("*"):
        if not source.is_file():
            continue
        destination = target_root / source.relative_to(source_root)
        if destination.is_file() and destination.read_bytes() == source.read_bytes():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)


# --- executed notebooks to take away -------------------------------------------------------


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


# --- no maths without MathJax ------------------------------------------------------------------


def refuse_maths_without_mathjax(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Fail the strict build on a page with maths: MathJax would come from a CDN."""
    if app.builder.format != "html" or doctree is None:
        return
    domain = app.env.get_domain("math")
    if domain.has_equations(pagename) and "://" in str(app.config.mathjax_path):
        logger.warning(
            "page %s has mathematics, so it would load MathJax from %s and the site would not work "
            "offline; write the formula in words, or vendor MathJax in _vendor/ and set mathjax_path",
            pagename,
            app.config.mathjax_path,
        )


# --- each script once ------------------------------------------------------------------------------


def drop_duplicate_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Include each script and stylesheet once per page.

    sphinx-thebe and sphinx-togglebutton register their inline configuration
    scripts twice under Jupyter Book; the second ``const THEBE_JS_URL`` is a
    JavaScript error on every page ("Identifier has already been declared").
    """
    for key in ("script_files", "css_files"):
        assets = context.get(key)
        if not assets:
            continue
        seen, unique = set(), []
        for asset in assets:
            # The same inline script is registered once with filename None and once with "".
            filename = getattr(asset, "filename", asset) or ""
            attributes = getattr(asset, "attributes", {})
            identity = (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))
            if identity not in seen:
                seen.add(identity)
                unique.append(asset)
        context[key] = unique


# --- hidden outputs named by what they show -----------------------------------------------------------

#: myst-nb's summary for a hidden cell output ("hide-output" tag), and what it becomes.
HIDDEN_OUTPUT_SUMMARY = '<summary aria-label="Toggle hidden content">'


def name_hidden_outputs_by_their_text(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Let a folded output's toggle be named by the words it shows.

    myst-nb labels the toggle "Toggle hidden content" while it shows "Show
    code cell output": a screen-reader user hears a name a voice-control user
    cannot say (axe-core label-content-name-mismatch, WCAG 2.5.3). Without the
    aria-label the name is the visible text, which already says what it does.
    """
    body = context.get("body")
    if body and HIDDEN_OUTPUT_SUMMARY in body:
        context["body"] = body.replace(HIDDEN_OUTPUT_SUMMARY, "<summary>")


# --- both names, broken at the slash ----------------------------------------------------------------------

HEADING = re.compile(r"(<h[1-6][^>]*>)(.*?)(</h[1-6]>)", re.S)
TAG = re.compile(r"(<[^>]+>)")
NAME_SLASH = re.compile(r"(?<=\w)/(?=\w)")


def allow_breaks_between_names(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
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
        text = "".join(part if part.startswith("<") else NAME_SLASH.sub("/<wbr>", part) for part in parts)
        return match.group(1) + text + match.group(3)

    context["body"] = HEADING.sub(heading, body)


# --- lighter chart images ------------------------------------------------------------------------------

#: A re-encoded image may differ from the original by at most this much in any colour channel (0-255).
PNG_MAX_CHANNEL_DIFFERENCE = 8
#: The script type under which myst-nb saves a page's widget state.
WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
#: An inline PNG in a page's HTML or widget state.
INLINE_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


def compact_chart_png(data: bytes) -> bytes:
    """The same chart as a 256-colour palette PNG, when that is smaller and faithful.

    A matplotlib chart has a few flat colours plus their anti-aliased edges, so
    a 256-colour palette (maximum-coverage quantisation, no dithering) keeps
    every pixel within a level or two of the original at about a third of the
    size; that is what keeps a chapter with explorers (every view is embedded
    in the page) under its page-weight budget. An image with transparency, one
    already in palette form, or one the palette would visibly change is
    returned unchanged.
    """
    from PIL import Image, ImageChops

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:
        return data
    if image.format != "PNG" or image.mode not in ("RGB", "RGBA"):
        return data
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255:
        return data  # transparency: keep as drawn
    rgb = image.convert("RGB")
    palette = rgb.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    difference = ImageChops.difference(rgb, palette.convert("RGB")).getextrema()
    if max(high for _, high in difference) > PNG_MAX_CHANNEL_DIFFERENCE:
        return data
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG")
    compacted = buffer.getvalue()
    return compacted if len(compacted) < len(data) else data


def compact_inline_pngs(text: str) -> str:
    """``text`` with every inline base64 PNG re-encoded by :func:`compact_chart_png`."""

    def replace(match):
        original = base64.b64decode(match.group(1))
        return "data:image/png;base64," + base64.b64encode(compact_chart_png(original)).decode("ascii")

    return INLINE_PNG.sub(replace, text)


def widget_images_to_files(app: Sphinx, pagename: str, state: str, pathto) -> str:
    """``state`` (a page's saved widget state) with each inline PNG moved to a file in ``_images/``.

    An explorer embeds every view in the page; as base64 text each image is a
    third larger than the file, and the page's HTML must be read whole before
    anything shows. As files (named by their content, so an unchanged view
    keeps its name) they cost their size once, and the views still work
    offline. The downloadable notebook keeps its images inside it.
    """
    folder = Path(app.outdir) / "_images"
    folder.mkdir(parents=True, exist_ok=True)

    def replace(match):
        image = compact_chart_png(base64.b64decode(match.group(1)))
        name = f"widget-{hashlib.sha256(image).hexdigest()[:32]}.png"
        path = folder / name
        if not path.exists():
            path.write_bytes(image)
        return pathto(f"_images/{name}", 1)

    return INLINE_PNG.sub(replace, state)


def compact_page_pngs(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Lighten the charts embedded in a page: inline in its HTML, or in its widgets' saved state."""
    if app.builder.format != "html" or doctree is None:
        return
    body = context.get("body")
    if body and "data:image/png;base64," in body:
        context["body"] = compact_inline_pngs(body)
    for index, script in enumerate(context.get("script_files") or []):
        attributes = getattr(script, "attributes", {})
        script_body = attributes.get("body", "")
        if attributes.get("type") == WIDGET_STATE_TYPE and "data:image/png;base64," in script_body:
            from sphinx.builders.html._assets import _JavaScript

            context["script_files"][index] = _JavaScript(
                script.filename,
                priority=script.priority,
                **{**attributes, "body": widget_images_to_files(app, pagename, script_body, context["pathto"])},
            )


def compact_image_files(app: Sphinx, exception: Exception | None) -> None:
    """Lighten the chart files the pages load from ``_images/`` (each file once: palette PNGs are skipped)."""
    if exception is not None or app.builder.format != "html":
        return
    for path in (Path(app.outdir) / "_images").glob("*.png"):
        data = path.read_bytes()
        if len(data) > 25 and data[25] == 3:
            continue  # colour type 3: already a palette PNG
        compacted = compact_chart_png(data)
        if compacted is not data:
            path.write_bytes(compacted)


# --- re-running notebooks when their inputs change ------------------------------------------

#: What the notebooks read besides their own code, relative to the book's folder.
NOTEBOOK_INPUTS = ("sourcekit", "data", "chapters/quizzes")
#: The file in myst-nb's cache folder that records the inputs the cache was filled from.
INPUTS_FINGERPRINT_FILE = "sourcekit-inputs.sha256"


def notebook_inputs_fingerprint(srcdir: Path) -> str:
    """SHA-256 over every file the notebooks read besides their own code."""
    digest = hashlib.sha256()
    for folder in NOTEBOOK_INPUTS:
        for path in sorted((Path(srcdir) / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(srcdir).as_posix().encode())
                digest.update(b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def rerun_notebooks_when_inputs_change(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Clear the execution cache and re-read every page if the package or data changed.

    Returns the docnames Sphinx must read again (all of them after a change,
    none otherwise); the cleared cache makes myst-nb execute each notebook anew.
    """
    from jupyter_cache import get_cache

    cache_path = Path(env.mystnb_config.execution_cache_path or ".jupyter_cache")
    fingerprint = notebook_inputs_fingerprint(Path(app.srcdir))
    record = cache_path / INPUTS_FINGERPRINT_FILE
    previous = record.read_text(encoding="ascii").strip() if record.is_file() else None
    if previous == fingerprint:
        return []
    if cache_path.exists():
        logger.info("the package or data/ changed since notebooks were cached: executing them again")
        get_cache(str(cache_path)).clear_cache()
    cache_path.mkdir(parents=True, exist_ok=True)
    record.write_text(fingerprint + "\n", encoding="ascii")
    return sorted(env.found_docs - set(added))


# --- parallel execution into myst-nb's cache -------------------------------------------------------


def _execute_one(notebook, cwd: str, timeout: int | None, allow_errors: bool):
    """Run one notebook on a fresh kernel (in a worker process); return it with its outputs."""
    import tempfile

    from jupyter_cache.executors.utils import single_nb_execution

    with tempfile.TemporaryDirectory() as temporary:
        result = single_nb_execution(notebook, cwd=cwd or temporary, timeout=timeout, allow_errors=allow_errors, meta_override=True)
    return notebook, result.time, result.err is None


def notebooks_to_execute(app: Sphinx, docnames: list[str]) -> list[tuple[str, Path, dict, object]]:
    """The notebooks among ``docnames`` that myst-nb would execute because the cache lacks them.

    Mirrors myst-nb's own decisions (reader, kernel aliases, notebook-level
    ``mystnb`` overrides, execution exclude patterns), so a notebook that
    myst-nb would not run (``execution_mode: "off"``, an exercise's student
    copy, say) is not run here either.
    """
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader

    nb_config = app.env.mystnb_config
    if nb_config.execution_mode != "cache":
        return []
    cache = get_cache(nb_config.execution_cache_path or ".jupyter_cache")
    wanted = []
    for docname in docnames:
        path = Path(app.env.doc2path(docname))
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), app.env.myst_config, nb_config, text)
        if reader is None:
            continue  # plain Markdown, not a notebook
        notebook = reader.read(text)
        config = nb_config
        if nb_config.metadata_key in notebook.metadata:
            overrides = dict(notebook.metadata[nb_config.metadata_key])
            overrides.pop("output_folder", None)
            try:
                config = nb_config.copy(**overrides)
            except Exception:  # myst-nb reports bad metadata itself when it reads the page
                continue
        if config.execution_mode != "cache":
            continue
        if any(PurePosixPath(path.as_posix()).match(pattern) for pattern in config.execution_excludepatterns):
            continue
        kernel = notebook.metadata.get("kernelspec", {}).get("name")
        for pattern, alias in (config.kernel_rgx_aliases or {}).items():
            if kernel is not None and re.fullmatch(pattern, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
        try:
            cache.match_cache_notebook(notebook)
            continue  # already cached: myst-nb will merge the stored outputs
        except KeyError:
            pass
        wanted.append((docname, path, reader.read_fmt, notebook, config))
    return wanted


def execute_notebooks_in_parallel(app: Sphinx, env, docnames: list[str]) -> None:
    """Fill myst-nb's jupyter-cache with every notebook this build must run, several at a time.

    A notebook that fails is simply not cached: myst-nb then runs it again
    while reading the page and reports the error with its traceback, exactly
    as it would without this step.
    """
    if app.builder.format != "html" or os.environ.get("SHUSHA_SERIAL_EXECUTION"):
        return  # SHUSHA_SERIAL_EXECUTION=1: leave execution to myst-nb alone (make bench compares both)
    try:
        wanted = notebooks_to_execute(app, list(docnames))
    except Exception as error:  # never let the speed-up break a build: myst-nb executes as usual
        logger.info("parallel execution skipped: %s", error)
        return
    workers = min(len(wanted), os.cpu_count() or 1)
    if workers < 2:
        return  # nothing to gain: myst-nb runs the one notebook itself
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(app.env.mystnb_config.execution_cache_path or ".jupyter_cache")
    logger.info("executing %d notebooks, %d at a time", len(wanted), workers)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {
            pool.submit(
                _execute_one,
                notebook,
                str(path.parent) if not config.execution_in_temp else None,
                config.execution_timeout,
                config.execution_allow_errors,
            ): (docname, path, read_fmt)
            for docname, path, read_fmt, notebook, config in wanted
        }
        for future, (docname, path, read_fmt) in futures.items():
            try:
                notebook, seconds, succeeded = future.result()
            except Exception as error:
                logger.info("%s: parallel execution failed (%s); myst-nb will run it", docname, error)
                continue
            if not succeeded:
                continue
            record = cache.add_nb_to_project(str(path), read_data=read_fmt)
            cache.cache_notebook_bundle(
                CacheBundleIn(notebook, record.uri, data={"execution_seconds": seconds}),
                check_validity=False,
                overwrite=True,
            )
    logger.info("executed %d notebooks in %.1f s", len(wanted), time.perf_counter() - start)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", check_widget_manager_is_vendored)
    app.connect("env-get-outdated", rerun_notebooks_when_inputs_change)
    app.connect("env-before-read-docs", execute_notebooks_in_parallel)
    # Before sphinx-book-theme builds its header buttons (priority 501).
    app.connect("html-page-context", offer_executed_notebook, priority=400)
    app.connect("html-page-context", refuse_maths_without_mathjax)
    app.connect("html-page-context", drop_duplicate_assets, priority=900)
    app.connect("html-page-context", name_hidden_outputs_by_their_text)
    app.connect("html-page-context", allow_breaks_between_names)
    # After myst-nb has added the page's widget state (priority 500).
    app.connect("html-page-context", compact_page_pngs, priority=800)
    app.connect("build-finished", copy_widget_manager)
    app.connect("build-finished", sync_project_static_files)
    app.connect("build-finished", compact_image_files)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
