"""Reading a master: the one file per exercise that the copies,
the key and the grader all come from.

A master is a MyST Markdown notebook (jupytext) in Otter Assign's format; the
question format (every key of a ``# BEGIN QUESTION`` cell) is documented once,
in ``docs/question-format.md``. The generator (:mod:`.assign`) and the grader
(:mod:`.grade`, for a question's extra accepted spellings) both read masters
through :func:`read_master`.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import yaml

from sourcekit.checks import MOVES


class GenerationError(RuntimeError):
    """A master cannot be turned into its copies; the message names the master and the problem."""


@dataclass
class Master:
    """A parsed master: its notebook, exercise name, and question configs."""

    path: Path
    notebook: nbformat.NotebookNode
    exercise: str
    auto: list = field(default_factory=list)
    written: list = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.path.stem


def _raw_config(cell, marker):
    """The YAML of a raw ``# <marker>`` cell, or None for any other cell."""
    if cell.cell_type != "raw":
        return None
    lines = cell.source.splitlines()
    if not lines or not re.match(rf"#\s+{marker}\s*$", lines[0], flags=re.IGNORECASE):
        return None
    return yaml.safe_load("\n".join(lines[1:])) or {}


def read_master(path: Path) -> Master:
    """Parse a master and check its questions are complete before anything runs."""
    notebook = jupytext.read(path, fmt="md:myst")
    configs = [
        c
        for c in (_raw_config(cell, "ASSIGNMENT CONFIG") for cell in notebook.cells)
        if c is not None
    ]
    if len(configs) != 1 or not configs[0].get("name"):
        raise GenerationError(
            f"{path.name}: needs exactly one '# ASSIGNMENT CONFIG' raw cell with a name"
        )
    master = Master(path, notebook, str(configs[0]["name"]))
    if path.stem != f"{master.exercise}_exercises":
        raise GenerationError(
            f"{path.name}: the file should be named "
            f"{master.exercise}_exercises.md after its exercise name"
        )
    for cell in notebook.cells:
        config = _raw_config(cell, "BEGIN QUESTION")
        if config is None:
            continue
        config["name"] = str(config.get("name", ""))
        if config.get("move") not in MOVES:
            raise GenerationError(
                f"{path.name}, question {config['name']}: move must be one of {', '.join(MOVES)}"
            )
        (master.written if config.get("manual") else master.auto).append(config)
    names = [q["name"] for q in master.auto + master.written]
    if len(set(names)) != len(names):
        raise GenerationError(f"{path.name}: question names must be unique, got {names}")
    return master
