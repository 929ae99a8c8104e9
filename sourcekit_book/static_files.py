"""Publish an edit to the course's own ``_static/`` files even when no page changed."""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx


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
