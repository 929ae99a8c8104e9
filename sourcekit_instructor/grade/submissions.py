"""Reading a folder of submissions: which files, what each notebook is, what it answered in words.

Everything here reads; nothing writes. A file that is not a notebook is
described in words (the row's problem), never raised.
"""

import hashlib
import json
import os
import re
import stat
import unicodedata
from pathlib import Path

#: The placeholder otter assign puts in a written answer's cell.
WRITTEN_PLACEHOLDER = "_Type your answer here, replacing this text._"
#: Largest submission file read (a notebook of a few hundred kB is normal).
MAX_NOTEBOOK_BYTES = 20 * 2**20


def one_line(text) -> str:
    """Submission text as one line that says what it holds: safe to write into the summary,
    a CSV or an LMS file.

    A file name or a problem string comes from the submission; a newline (or any other line or
    control character) in it could start a line of its own in the summary, forging a verdict on
    a classmate. Each such character is written as its escape (``\\n``, ``\\x00``, ``\\u2028``),
    and bytes of a file name that are not UTF-8 as ``\\xe9``.
    """
    text = str(text).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(
        repr(c)[1:-1] if unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs") else c for c in text
    )


def display_name(path: Path) -> str:
    """The submission's file name as the gradebook shows it (see :func:`one_line`)."""
    return one_line(os.fsdecode(Path(path).name))


def not_a_file(path: Path):
    """Why ``path`` is not graded if it is not a regular file (never followed, never opened),
    else None.
    """
    try:
        mode = os.lstat(path).st_mode
    except OSError as error:
        return f"not graded: the entry could not be read ({error.strerror})"
    if stat.S_ISREG(mode):
        return None
    what = {
        stat.S_ISLNK: "a symbolic link (links are not followed: submit the notebook itself)",
        stat.S_ISDIR: "a folder, not a notebook file",
        stat.S_ISFIFO: "a named pipe (FIFO), not a file",
        stat.S_ISSOCK: "a socket, not a file",
    }
    return "not graded: " + next(
        (words for test, words in what.items() if test(mode)),
        "a device or other special file, not a notebook file",
    )


def _read_regular(path: Path, cap: int) -> bytes:
    """The bytes of a regular file, opened without following a link or waiting on a pipe;
    OSError otherwise.
    """
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise IsADirectoryError(0, "not a regular file")
        if info.st_size > cap:
            raise OverflowError
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read(cap + 1)
    finally:
        os.close(handle)


def sha256_of(path: Path):
    """The SHA-256 of a regular file's bytes, or None for anything else."""
    try:
        return hashlib.sha256(_read_regular(path, MAX_NOTEBOOK_BYTES * 4)).hexdigest()
    except (OSError, OverflowError):
        return None


def read_notebook(path: Path):
    """(notebook as nbformat 4 dict, None) or (None, what is wrong with the file)."""
    import nbformat

    problem = not_a_file(path)
    if problem:
        return None, problem
    try:
        data = _read_regular(path, MAX_NOTEBOOK_BYTES)
        if len(data) > MAX_NOTEBOOK_BYTES:
            raise OverflowError
        text = data.decode("utf-8")
    except OverflowError:
        return None, f"not graded: the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
    except FileNotFoundError:
        return None, "the file disappeared before it could be read"
    except UnicodeDecodeError:
        return None, "not a notebook: the file is not UTF-8 text"
    except OSError as error:
        return None, f"the file could not be read ({error.strerror})"
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        return (
            None,
            f"not a notebook: the file is not valid JSON ({error.msg}, line {error.lineno}, "
            f"column {error.colno}); it may be cut short or damaged",
        )
    except RecursionError:
        return None, "not a notebook: the JSON is nested too deeply"
    if not isinstance(notebook, dict):
        return None, "not a notebook: the JSON is not an object"
    if notebook.get("nbformat") == 3 or "worksheets" in notebook:
        try:
            notebook = json.loads(
                nbformat.writes(nbformat.convert(nbformat.reads(text, as_version=3), 4))
            )
        except Exception as error:
            return (
                None,
                "an old (nbformat 3) notebook that could not be "
                f"converted: {type(error).__name__}",
            )
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


def exercise_claims(notebook: dict):
    """(what the generator's metadata names, what the first ``answer_checker("...")`` call names);
    None where absent.

    Both are the submission's own text, so anything at all: the grader uses a name only if it
    is one of the known exercises (:func:`exercise_of`).
    """
    metadata = notebook.get("metadata", {})
    named = (
        (metadata.get("sourcekit") or {}).get("exercise")
        if isinstance(metadata, dict) and isinstance(metadata.get("sourcekit"), dict)
        else None
    )
    named = named if isinstance(named, str) and named else None
    checker = None
    for cell in notebook["cells"]:
        if cell.get("cell_type") == "code":
            match = _CHECKER_CALL.search(cell_source(cell))
            if match:
                checker = match.group(1)
                break
    return named, checker


def exercise_of(notebook: dict):
    """The exercise a notebook says it belongs to: the generator's metadata,
    else its ``answer_checker("...")`` call.
    """
    named, checker = exercise_claims(notebook)
    return named or checker


def shown_name(name: str, limit: int = 40) -> str:
    """A name the submission gave, for a message: on one line, quoted, and cut short."""
    text = one_line(name)
    return repr(text[:limit] + ("..." if len(text) > limit else ""))


def answers_set(notebook: dict, variables) -> int:
    """How many of ``variables`` the notebook's code cells assign (a line ``name = ...``)."""
    code = "\n".join(
        cell_source(cell) for cell in notebook["cells"] if cell.get("cell_type") == "code"
    )
    return sum(
        1
        for name in variables
        if re.search(rf"^\s*{re.escape(name)}\s*=(?!=)", code, flags=re.MULTILINE)
    )


def exercise_problems(notebook: dict, name: str, variables_of: dict) -> list:
    """What does not fit in the notebook's claim to be exercise ``name`` (a known one), in words.

    ``variables_of`` is {exercise: its answer variables} for every known exercise. A notebook
    whose metadata and ``answer_checker`` line disagree, or whose cells set none of ``name``'s
    answers but some of another exercise's (the wrong notebook handed in, or its name edited),
    is still graded as ``name``, and the row says so, never a silent zero.
    """
    problems = []
    named, checker = exercise_claims(notebook)
    if named and checker and named != checker:
        problems.append(
            f"its metadata names exercise {shown_name(named)} but its answer_checker line names "
            f"{shown_name(checker)}; graded as {name!r}"
        )
    if not answers_set(notebook, variables_of.get(name, ())):
        counts = {
            other: answers_set(notebook, variables)
            for other, variables in variables_of.items()
            if other != name
        }
        best = max(counts, key=counts.get, default=None)
        if best and counts[best]:
            problems.append(
                f"it says it is exercise {name!r}, but its cells set none of {name!r}'s "
                f"answers and {counts[best]} of {best!r}'s: the wrong notebook, or an edited "
                f"exercise name? Graded as {name!r}"
            )
    return problems


def written_answers(notebook: dict) -> list:
    """Word counts of the written-answer cells, in order (0 if still the placeholder)."""
    counts = []
    for cell in notebook["cells"]:
        tags = (
            (cell.get("metadata") or {}).get("tags") or []
            if isinstance(cell.get("metadata"), dict)
            else []
        )
        if (
            cell.get("cell_type") == "markdown"
            and isinstance(tags, list)
            and "otter_answer_cell" in tags
        ):
            text = cell_source(cell).replace(WRITTEN_PLACEHOLDER, "")
            counts.append(len(text.split()))
    return counts


def list_submissions(folder: Path) -> list:
    """Every entry of ``folder`` named ``*.ipynb`` (any case), whatever it is: each gets a row.

    A symbolic link, a folder, a named pipe named like a notebook is listed too, so that its row
    can say why it was not graded (:func:`not_a_file`) instead of vanishing.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of submissions")
    paths = sorted(
        (p for p in folder.iterdir() if p.name.lower().endswith(".ipynb")),
        key=lambda p: os.fsencode(p.name),
    )
    if not paths:
        raise FileNotFoundError(f"no .ipynb files in {folder}")
    return paths


def other_files(folder: Path) -> list:
    """Names (one line each) of the folder's entries that are not named ``*.ipynb``:
    listed in the summary, not graded.
    """
    return sorted(
        display_name(p) for p in Path(folder).iterdir() if not p.name.lower().endswith(".ipynb")
    )
