"""Serve the vendored widget manager from the site itself, only on pages that need it.

Out of the box a page with widgets loads ``@jupyter-widgets/html-manager`` from a
public CDN, and the explorers are a blank gap offline. ``npm ci`` in ``_vendor/``
fetches it (see ``_vendor/README.md``); this module copies it into the site as
``_static/widgets/``. It is copied here rather than listed in ``html_static_path``
because Jupyter Book adds *every* ``.js`` file of every static path to *every*
page once a ``_static/`` folder exists, and this script weighs 1.9 MB: myst-nb
adds it (``nb_ipywidgets_js``) only to pages that have widgets.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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


#: The widget manager's schema validator, created with ajv's default (strict) options, and the
#: same with ``allowUnionTypes``: the widget-state schema uses a union type (``"type": [..]``),
#: which strict ajv accepts but reports with a console warning on every widget page. The option
#: only silences that report; every schema is validated as before.
AJV_STRICT_CONSTRUCTION = "gt=new(ft()),mt=gt.compile(pt)"
AJV_UNION_TYPES_ALLOWED = "gt=new(ft())({allowUnionTypes:!0}),mt=gt.compile(pt)"


def without_strict_mode_warning(script: bytes) -> bytes:
    """The bundle with its validator told that the schema's union types are intended."""
    text = script.decode("utf-8")
    if AJV_STRICT_CONSTRUCTION not in text:
        logger.warning(
            "the vendored widget manager no longer creates its validator as %r; its strict-mode "
            "warning is not silenced (see sourcekit_book/widget_manager.py)",
            AJV_STRICT_CONSTRUCTION,
        )
        return script
    return text.replace(AJV_STRICT_CONSTRUCTION, AJV_UNION_TYPES_ALLOWED, 1).encode("utf-8")


def copy_widget_manager(app: Sphinx, exception: Exception | None) -> None:
    """Copy the vendored widget manager into ``_static/widgets/`` of the built site."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / WIDGET_STATIC_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for source in widget_manager_files(Path(app.srcdir)):
        destination = target / source.name
        if source.name == "embed.js":
            script = without_strict_mode_warning(source.read_bytes())
            if not destination.exists() or destination.read_bytes() != script:
                destination.write_bytes(script)
            continue
        stat = source.stat()
        if (
            destination.exists()
            and destination.stat().st_size == stat.st_size
            and destination.stat().st_mtime >= stat.st_mtime
        ):
            continue  # unchanged since the last build
        shutil.copy2(source, destination)
