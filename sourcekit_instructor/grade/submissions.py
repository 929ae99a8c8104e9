"""Reading a folder of submissions: which files, what each notebook is, what it answered in words.

Everything here reads; nothing writes. A file that is not a notebook is
described in words (the row's problem), never raised.
"""

import hashlib
import json
import re
from pathlib import Path

#: The placeholder otter assign puts in a written answer's cell.
WRITTEN_PLACEHOLDER = "_Type your answer here, replacing this text._"
#: Largest submission file read (a notebook of a few hundred kB is normal).
MAX_NOTEBOOK_BYTES = 20 * 2**20


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()




def read_notebook(path: Path):
    """(notebook as nbformat 4 dict, None) or (None, what is wrong with the file)."""
    import nbformat

    try:
        if Path(path).stat().st_size > MAX_NOTEBOOK_BYTES:
            return None, f"not graded: the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, "the file disappeared before it could be read"
    except UnicodeDecodeError:
        return None, "not a notebook: the file is not UTF-8 text"
    except OSError as error:
        return None, f"the file could not be read ({error.strerror})"
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"not a notebook: the file is not valid JSON ({error.msg}, line {error.lineno}, column {error.colno}); it may be cut short or damaged"
    except RecursionError:
        return None, "not a notebook: the JSON is nested too deeply"
    if not isinstance(notebook, dict):
        return None, "not a notebook: the JSON is not an object"
    if notebook.get("nbformat") == 3 or "worksheets" in notebook:
        try:
            notebook = json.loads(nbformat.writes(nbformat.convert(nbformat.reads(text, as_version=3), 4)))
        except Exception as error:
            return None, f"an old (nbformat 3) notebook that could not be converted: {type(error).__name__}"
    if not isinstance(notebook.get("cells"), list):
        return None, "not a notebook: the JSON has no list of cells"
    if not notebook["cells"]:
        return None, "the notebook has no cells"
    if not all(isinstance(cell, dict) for cell in notebook["cells"]):
        return None, "not a notebook: a cell is not a JSON object"
    return notebook, None


def cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(str(part) for part in source) if isinstance(source, list) else str(source)


_CHECKER_CALL = re.compile(r"""answer_checker\(\s*["']([A-Za-z_]\w*)["']\s*\)""")


def exercise_of(notebook: dict):
    """The exercise a notebook belongs to: the generator's metadata, else its ``answer_checker("...")`` call."""
    metadata = notebook.get("metadata", {})
    named = (metadata.get("sourcekit") or {}).get("exercise") if isinstance(metadata, dict) and isinstance(metadata.get("sourcekit"), dict) else None
    if isinstance(named, str) and named:
        return named
    for cell in notebook["cells"]:
        if cell.get("cell_type") == "code":
            match = _CHECKER_CALL.search(cell_source(cell))
            if match:
                return match.group(1)
    return None


def written_answers(notebook: dict) -> list:
    """Word counts of the written-answer cells, in order (0 if still the placeholder)."""
    counts = []
    for cell in notebook["cells"]:
        tags = (cell.get("metadata") or {}).get("tags") or [] if isinstance(cell.get("metadata"), dict) else []
        if cell.get("cell_type") == "markdown" and isinstance(tags, list) and "otter_answer_cell" in tags:
            text = cell_source(cell).replace(WRITTEN_PLACEHOLDER, "")
            counts.append(len(text.split()))
    return counts


def list_submissions(folder: Path) -> list:
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of submissions")
    paths = sorted(p for p in folder.iterdir() if p.suffix == ".ipynb" and p.is_file() and not p.is_symlink())
    if not paths:
        raise FileNotFoundError(f"no .ipynb files in {folder}")
    return paths
