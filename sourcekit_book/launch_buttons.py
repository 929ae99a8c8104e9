"""Launch buttons (BinderHub, JupyterHub, Colab): off until a course names its public repository.

sphinx-book-theme draws the buttons from ``launch_buttons`` and ``repository``
in ``_config.yml``. Three things are wrong for this book if left to the theme:

* with a hub URL set and no ``repository.url``, the theme falls back to Jupyter
  Book's default repository (the links open someone else's project) or fails
  on an empty one; the build stops instead, saying which setting is missing;
* on a page written as MyST Markdown, the theme copies myst-nb's notebook over
  ``_sources/<page>.ipynb``, and that copy has no outputs when it came from
  the cache: the executed copy with outputs is written again;
* Colab opens only ``.ipynb`` files from a repository, and a chapter is a
  ``.md`` file there, so the Colab button is kept only on notebook pages (the
  exercises); a chapter's ``.zip`` download is the way to take it to Colab.

Binder and JupyterHub links open the page's own file in JupyterLab, where the
course's settings (``jupyter/``, installed by ``postBuild``) open a chapter as
a notebook. ``tests/test_launch_buttons.py`` builds the book with the settings
turned on and checks every link.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError

from .downloads import download_notebook, executed_notebook, notebook_with_outputs

HUB_KEYS = ("binderhub_url", "jupyterhub_url", "colab_url")
#: Jupyter Book's own default, which a course that never set a repository would link to.
JUPYTER_BOOK_DEFAULT_REPOSITORY = "https://github.com/executablebooks/jupyter-book"


def launch_settings(app: Sphinx) -> dict:
    return app.config.html_theme_options.get("launch_buttons", {}) or {}


def require_repository_for_launch_buttons(app: Sphinx) -> None:
    """Stop the build when a hub is set but the repository its links would open is not."""
    hubs = [key for key in HUB_KEYS if launch_settings(app).get(key)]
    if not hubs:
        return
    repository = (app.config.html_theme_options.get("repository_url") or "").strip().rstrip("/")
    if (
        not repository.startswith("https://github.com/")
        or repository == JUPYTER_BOOK_DEFAULT_REPOSITORY
    ):
        raise ConfigError(
            f"_config.yml sets launch_buttons {', '.join(hubs)} but repository.url "
            f"is {repository or 'empty'!r}: "
            "set repository.url to the course's public GitHub repository (and repository.branch), "
            "or leave the launch_buttons URLs empty"
        )


def repair_launch_buttons(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """After the theme's launch buttons: outputs back in the .ipynb download,
    Colab only on notebooks.
    """
    if (
        app.builder.format != "html"
        or doctree is None
        or not any(launch_settings(app).get(key) for key in HUB_KEYS)
    ):
        return
    if context.get("page_source_suffix") != ".ipynb":
        notebook = executed_notebook(app, pagename)
        if notebook is not None:
            destination = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
            destination.write_text(
                download_notebook(app, pagename, notebook_with_outputs(app, notebook)),
                encoding="utf-8",
            )
        for group in context.get("header_buttons", []):
            if group.get("label") == "launch-buttons":
                group["buttons"] = [
                    button for button in group["buttons"] if button.get("text") != "Colab"
                ]
