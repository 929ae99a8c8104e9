"""Execute the notebooks a build needs in parallel, before Sphinx reads them.

This fills the same jupyter-cache that myst-nb's ``cache`` mode then reads from,
because Jupyter Book's command line gives Sphinx no ``-j`` option and a clean
build would otherwise run every notebook one after another.
"""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _execute_one(notebook, cwd: str, timeout: int | None, allow_errors: bool):
    """Run one notebook on a fresh kernel (in a worker process); return it with its outputs."""
    import tempfile

    from jupyter_cache.executors.utils import single_nb_execution

    with tempfile.TemporaryDirectory() as temporary:
        result = single_nb_execution(
            notebook,
            cwd=cwd or temporary,
            timeout=timeout,
            allow_errors=allow_errors,
            meta_override=True,
        )
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
        if any(
            PurePosixPath(path.as_posix()).match(pattern)
            for pattern in config.execution_excludepatterns
        ):
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
        # SHUSHA_SERIAL_EXECUTION=1: leave execution to myst-nb alone (make bench compares both).
        return
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
                logger.info(
                    "%s: parallel execution failed (%s); myst-nb will run it", docname, error
                )
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
