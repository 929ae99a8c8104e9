"""The site's root ``index.html``: a page that sends the reader to the book, with its icon.

sphinx-external-toc writes a bare one-line redirect there when none exists, so
a browser opening the site's root asked for ``/favicon.ico``, which the site
does not have (a 404 on every first visit). This writes the redirect first, as
a small HTML page naming the course's icon and linking to the first page for a
browser that does not follow the redirect.
"""

from __future__ import annotations

import html
from pathlib import Path

from sphinx.application import Sphinx

REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Refresh" content="0; url={target}" />
<title>{title}</title>
{icon}</head>
<body><p><a href="{target}">{title}</a></p></body>
</html>
"""


def write_root_redirect(app: Sphinx, exception: Exception | None) -> None:
    """Write (or replace the bare one-line) ``index.html`` that redirects to the root page."""
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    path = Path(app.outdir) / "index.html"
    if path.exists() and "<html" in path.read_text(encoding="utf-8"):
        return  # already ours
    favicon = app.config.html_favicon or ""
    icon = (
        f'<link rel="icon" href="_static/{html.escape(Path(favicon).name)}">\n' if favicon else ""
    )
    path.write_text(
        REDIRECT_PAGE.format(
            target=f"{app.config.root_doc}.html",
            title=html.escape(app.config.html_title or app.config.project),
            icon=icon,
        ),
        encoding="utf-8",
    )
