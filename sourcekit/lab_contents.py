"""JupyterLab's file access for the course: the course's files are read, never written.

``make lab`` (and a hub, through ``postBuild``) sets Jupyter's contents manager
to :class:`CourseContentsManager`, jupytext's own with two changes for the
course's files, the chapters ``chapters/<name>.md`` and the exercises
``exercises/<name>.ipynb``:

* **Opening** one gives the course's text made readable in Lab
  (``sourcekit.lab_text``: links for cross-references, figure numbers and
  captions, glued values), under a note saying where saves go.
* **Saving** one (Ctrl+S, or Lab's autosave) writes the notebook, outputs and
  the student's edits included, to ``lab_notebooks/<name>.ipynb`` (ignored by
  git) and leaves the course's file as it was: ``git status`` stays clean and
  the next ``git pull`` goes through. Opening the course's file again gives the
  course's text; the student's copy is opened from ``lab_notebooks/``.

Every other file (a student's copy included) is read and written as usual.
"""

from __future__ import annotations

import copy
import os
from pathlib import PurePosixPath

from jupytext import AsyncTextFileContentsManager

#: Where saves of the course's files go, relative to the server's root (the course folder).
COPIES_FOLDER = "lab_notebooks"
#: Cell metadata key marking the note this manager adds (removed again on save).
NOTE_KEY = "course"


def course_file_kind(path: str) -> str | None:
    """'chapter' for ``chapters/<name>.md``, 'exercise' for ``exercises/<name>.ipynb``, or None."""
    parts = PurePosixPath(path.strip("/")).parts
    if len(parts) != 2:
        return None
    folder, name = parts
    if folder == "chapters" and name.endswith(".md"):
        return "chapter"
    if folder == "exercises" and name.endswith(".ipynb"):
        return "exercise"
    return None


def copy_path(path: str) -> str:
    """Where a save of the course's file ``path`` goes: ``lab_notebooks/<name>.ipynb``."""
    return f"{COPIES_FOLDER}/{PurePosixPath(path).stem}.ipynb"


def saves_note(path: str, copy_exists: bool):
    """The first cell of a course file opened in Lab: where its saves go."""
    import nbformat

    copy = copy_path(path)
    text = (
        f"*This is the course's `{path}`. Run it and change it as you like: when you save (or Lab "
        f"saves for you), your version, with its outputs, goes to [`{copy}`](../{copy}), which is "
        f"yours and is never part of the course's files. This file itself is never changed.*"
    )
    if copy_exists:
        text += (
            f" *You have a saved version: open [`{copy}`](../{copy}) to go on from where you"
            " stopped.*"
        )
    return nbformat.v4.new_markdown_cell(text, metadata={NOTE_KEY: {"saves_note": True}})


class CourseContentsManager(AsyncTextFileContentsManager):
    """jupytext's contents manager: course chapters and exercises open readable and save aside."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        kind = course_file_kind(path)
        if kind is None or not content or model.get("type") != "notebook":
            return model
        notebook = model["content"]
        if kind == "chapter":
            from .lab_text import readable_notebook

            readable_notebook(notebook, path.strip("/"))
        notebook.cells.insert(0, saves_note(path.strip("/"), await self._exists(copy_path(path))))
        return model

    async def _exists(self, path: str) -> bool:
        result = self.file_exists(path)
        return await result if hasattr(result, "__await__") else result

    async def save(self, model, path=""):
        if course_file_kind(path) is None or model.get("type") != "notebook":
            return await super().save(model, path)
        import nbformat

        notebook = nbformat.from_dict(copy.deepcopy(model["content"]))
        notebook.cells = [
            cell
            for cell in notebook.cells
            if NOTE_KEY not in cell.get("metadata", {})
            or not cell.metadata[NOTE_KEY].get("saves_note")
        ]
        notebook.metadata.pop(
            "jupytext", None
        )  # the copy is a plain notebook, not paired with any text file
        os.makedirs(self._get_os_path(COPIES_FOLDER), exist_ok=True)
        await super().save(
            {"type": "notebook", "format": "json", "content": notebook}, copy_path(path)
        )
        self.log.info(
            "course file %s saved as %s; the course's file is unchanged", path, copy_path(path)
        )
        # Lab compares this model's time with the file's on its next save: the course's file,
        # untouched.
        return await super().get(path, content=False)
