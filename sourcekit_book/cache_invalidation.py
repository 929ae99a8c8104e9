"""Re-run every notebook when what the notebooks read changes (the package, ``data/``,
the quizzes).

myst-nb's cache keys a notebook on its own code only, so without this a fixed
loader or a corrected CSV row would leave old figures in the site until someone
deleted the cache by hand.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

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
        logger.info(
            "the package or data/ changed since notebooks were cached: executing them again"
        )
        get_cache(str(cache_path)).clear_cache()
    cache_path.mkdir(parents=True, exist_ok=True)
    record.write_text(fingerprint + "\n", encoding="ascii")
    return sorted(env.found_docs - set(added))
