"""Generate every exercise's student copy, instructor copy, key and guide tables from its master.

One command, ``make exercises`` (``python -m sourcekit_instructor.assign``),
turns each master ``exercises/source/<name>_exercises.md`` into:

* ``exercises/<name>_exercises.ipynb``: the **student copy** the book
  publishes. ``otter assign`` strips the solutions (lines ending
  ``# SOLUTION``, ``# BEGIN SOLUTION`` blocks, the rubrics of written
  questions); the copy is then run on a fresh kernel so its stored outputs
  are what a student sees before answering (nbval re-checks them).
* ``exercises/instructor/<name>_exercises.ipynb``: the **instructor copy**,
  solutions and rubrics in place, run so each check cell shows "correct".
* ``exercises/keys/<name>.json``: the **answer key**, salted digests only,
  computed in the kernel that ran the solutions (see :mod:`.keys`).
* ``exercises/guides/_generated/<name>_{questions,rubric}.md``: the tables
  the instructor guide pages include (moves, forms, points, rubrics; never
  an auto-graded answer).

Masters are MyST Markdown notebooks (jupytext) in Otter Assign's format, with
this course's extra question keys; the format is documented once, in
``docs/question-format.md``.

Nothing a student saved is overwritten: a copy whose cells no longer match
the fingerprint the generator recorded in it (someone typed in it) is kept
beside the new one as ``<name>.ipynb.saved-<time>`` before it is replaced.
"""

import argparse
import concurrent.futures
import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from sourcekit.checks import KEY_DIR_VARIABLE

from .. import EXERCISES_DIR, INSTRUCTOR_DIR, master_paths
from ..grade.account import SUMMARY, account_markdown
from ..masters import GenerationError, Master, read_master

KEY_MARK = "<<<SOURCEKIT-KEY>>>"
#: Per-cell time limit when running a master's solutions (they are small).
CELL_TIMEOUT = 120
#: Fixed language_info: the kernel's own records the Python patch version,
#: which would make a copy generated on another machine differ.
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


def _otter_assign(master: Master, workdir: Path):
    """Run ``otter assign`` on the master; return (student, instructor) notebooks."""
    source = workdir / f"{master.stem}.ipynb"
    nbformat.write(master.notebook, source)
    result = subprocess.run(
        [sys.executable, "-m", "otter", "assign", str(source), str(workdir / "dist")],
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).strip().splitlines()
        raise GenerationError(
            f"{master.path.name}: otter assign failed:\n" + "\n".join(lines[-12:])
        )
    student = nbformat.read(workdir / "dist" / "student" / source.name, as_version=4)
    instructor = nbformat.read(workdir / "dist" / "autograder" / source.name, as_version=4)
    return student, instructor


_QUESTION_COMMENT = re.compile(r"<!-- (BEGIN|END) QUESTION -->\n*")


def _tidy(notebook, master: Master, role: str):
    """Deterministic ids and metadata; drop otter's export markers and empty cells."""
    notebook = copy.deepcopy(notebook)
    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _QUESTION_COMMENT.sub("", cell.source).strip("\n")
        if cell.source.strip():
            cells.append(cell)
    for index, cell in enumerate(cells):
        cell["id"] = f"{master.exercise}-{role}-{index:03d}"
    notebook.cells = cells
    metadata = notebook.metadata
    for key in ("otter", "jupytext"):
        metadata.pop(key, None)
    metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    metadata["language_info"] = dict(LANGUAGE_INFO)
    metadata["sourcekit"] = {
        "exercise": master.exercise,
        "role": role,
        "master": f"exercises/source/{master.path.name}",
    }
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    return notebook


def _execute(notebook, cwd: Path, key_dir: Path):
    """Run a notebook top to bottom on a fresh kernel that reads keys from ``key_dir``."""
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute(env={**os.environ, KEY_DIR_VARIABLE: str(key_dir)})
    notebook.metadata["language_info"] = dict(LANGUAGE_INFO)
    return notebook


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _cell_error(error: CellExecutionError) -> str:
    """The failing cell's error line (and a few before it), without terminal colours."""
    lines = [line for line in _ANSI.sub("", str(error)).strip().splitlines() if line.strip()]
    return "\n".join(lines[-4:])


def _coalesce_streams(notebook):
    """Merge consecutive stdout (or stderr) outputs of a cell into one.

    A kernel may deliver one print() as several stream messages depending on
    timing; merged, the stored outputs are the same on every run.
    """
    for cell in notebook.cells:
        merged = []
        for output in cell.get("outputs", []):
            if (
                merged
                and output.get("output_type") == "stream"
                and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")
            ):
                merged[-1]["text"] += output["text"]
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged
    return notebook


def fingerprint(notebook) -> str:
    """SHA-256 of a notebook's cells (type, source, outputs):
    changes when anyone edits or re-runs it.
    """
    cells = [
        {"type": c.cell_type, "source": c.source, "outputs": c.get("outputs", [])}
        for c in notebook.cells
    ]
    return hashlib.sha256(
        json.dumps(cells, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def _stamp(notebook):
    _coalesce_streams(notebook)
    notebook.metadata["sourcekit"]["generated_cells_sha256"] = fingerprint(notebook)
    return nbformat.writes(notebook) + "\n"


def check_rhythm(notebook, master: Master) -> None:
    """Every auto-graded question: bold numbered prompt naming its move, scaffold,
    then check cell.
    """
    cells = notebook.cells
    for question in master.auto:
        qid = question["name"]
        prompt = [
            i
            for i, c in enumerate(cells)
            if c.cell_type == "markdown" and c.source.startswith(f"**Question {qid}**")
        ]
        if len(prompt) != 1:
            raise GenerationError(
                f"{master.path.name}: expected one prompt starting "
                f"'**Question {qid}**', found {len(prompt)}"
            )
        start = prompt[0]
        if question["move"] not in cells[start].source.split("\n")[0]:
            raise GenerationError(
                f"{master.path.name}, question {qid}: the prompt's first line should name "
                f"its move, {question['move']!r}"
            )
        scaffold = next(
            (i for i in range(start + 1, len(cells)) if cells[i].cell_type == "code"), None
        )
        check = f'check("{qid}")'
        if (
            scaffold is None
            or scaffold + 1 >= len(cells)
            or cells[scaffold + 1].source.strip() != check
        ):
            raise GenerationError(
                f"{master.path.name}, question {qid}: the prompt must be followed by one "
                f"scaffold cell and then `{check}`"
            )
        says_compute = COMPUTE_IT in " ".join(cells[start].source.split())
        if (question.get("graded_on") == "variant") != says_compute:
            raise GenerationError(
                f"{master.path.name}, question {qid}: a computation question (graded_on: "
                f"variant), and only such a question, says in its prompt {COMPUTE_IT!r}"
            )
        if not re.search(
            rf"^{re.escape(question['variable'])} = (\.\.\.|None)\s*$",
            cells[scaffold].source,
            flags=re.MULTILINE,
        ):
            raise GenerationError(
                f"{master.path.name}, question {qid}: the student's scaffold should set "
                f"`{question['variable']} = ...`"
            )


#: What a computation question's prompt tells the student before the answer cell
#: (docs/question-format.md).
COMPUTE_IT = (
    "Compute it: your code is run again on a copy of the tables with the documents relabelled."
)

#: "**Question 5.1** *(corroboration)*. " at the start of a prompt.
_PROMPT_PREFIX = re.compile(r"^\*\*Question [\d.]+\*\*\s+\*\([^)]*\)\*\.\s*")


def _one_line(markdown: str) -> str:
    """Markdown folded onto one line, to sit in a list item."""
    return " ".join(markdown.split())


def _guide_tables(master: Master, instructor) -> dict:
    """Markdown the guide page includes: the list of questions and the written questions' rubrics.

    Each question is one list item (a list, not a table, so that the full question text reads on
    a phone): its number, move, points and the form of its answer, the question as students read
    it, and whether it needs its move (the master's ``needs_move`` field, saying which judgement;
    "no" when the answer follows from a pre-coded column or a computation the prompt describes).
    Never the answer itself: the guides are published with the book. Model answers of the
    written questions are in the rubric file, from the master's solution cells.
    """
    rows = []
    from sourcekit.checks import describe_form

    prompts = {}
    for cell in instructor.cells:
        match = (
            re.match(r"\*\*Question (\d+\.\d+)\*\*", cell.source)
            if cell.cell_type == "markdown"
            else None
        )
        if match:
            prompts[match.group(1)] = cell
    for question in sorted(
        master.auto + master.written, key=lambda q: [int(p) for p in q["name"].split(".")]
    ):
        prompt = _one_line(_PROMPT_PREFIX.sub("", prompts[question["name"]].source))
        points = question.get("points", 1)
        answer = (
            "written, graded by hand with the rubric below"
            if question.get("manual")
            else f"answer: {describe_form(question['form'], question.get('choices', ()))}"
        )
        item = (
            f"- **{question['name']}** ({question['move']}; {points} "
            f"point{'s' if points != 1 else ''}; {_one_line(answer)}). {prompt}"
        )
        if not question.get("manual"):
            needs = (
                f"yes. {_one_line(question['needs_move'])}"
                if question.get("needs_move")
                else "no."
            )
            item += f"\n\n  *Needs its move:* {needs}"
            item += "\n\n  *Graded on:* " + (
                "the stored tables and the relabelled copy (a computation "
                "question: a typed answer scores 0)."
                if question.get("graded_on") == "variant"
                else "the stored tables (a reading question: a typed correct answer scores)."
            )
        rows.append(item)
    rubric = []
    for question in master.written:
        cells = instructor.cells
        start = next(i for i, c in enumerate(cells) if c is prompts[question["name"]])
        rubric.append(
            f"### Question {question['name']} "
            f"({question.get('points', 1)} points, {question['move']})\n"
        )
        rubric.append(_PROMPT_PREFIX.sub("", cells[start].source).strip() + "\n")
        for cell in cells[start + 1 :]:
            if (
                cell.cell_type != "markdown"
                or "otter_assign_solution_cell" not in cell.metadata.get("tags", [])
            ):
                if "otter_answer_cell" in cell.metadata.get("tags", []):
                    continue
                break
            rubric.append(cell.source.strip() + "\n")
    note = (
        "% Generated by `make exercises` from the master notebook: edit "
        "the master, not this file.\n\n"
    )
    return {
        f"{master.exercise}_questions.md": note + "\n\n".join(rows) + "\n",
        f"{master.exercise}_rubric.md": note + "\n".join(rubric),
    }


_CHECK_CELL = re.compile(r'check\("[\d.]+"\)')


def _run_solutions_and_build_key(instructor, master: Master, key_dir: Path) -> dict:
    """Run the instructor copy in one kernel: solutions, then the key, then the check cells.

    The key is built (and self-tested, see :mod:`.keys`) in the kernel that
    ran the solutions, written to ``key_dir``, and only then are the check
    cells run, so the instructor copy shows each solution judged "correct".
    Execution counts are renumbered afterwards to read top to bottom.
    """
    client = NotebookClient(
        instructor,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(INSTRUCTOR_DIR)}},
    )
    checks = [
        i
        for i, cell in enumerate(instructor.cells)
        if cell.cell_type == "code" and _CHECK_CELL.fullmatch(cell.source.strip())
    ]
    key_cell = nbformat.v4.new_code_cell(
        "import json as _json\n"
        "from sourcekit_instructor.assign.keys import build_key as _build_key\n"
        f"print({KEY_MARK!r} + _json.dumps(_build_key({master.exercise!r}, "
        f"_json.loads({json.dumps(master.auto)!r}), globals())))"
    )
    try:
        with client.setup_kernel(env={**os.environ, KEY_DIR_VARIABLE: str(key_dir)}):
            for index, cell in enumerate(instructor.cells):
                if cell.cell_type == "code" and index not in checks:
                    client.execute_cell(cell, index)
            instructor.cells.append(key_cell)
            client.execute_cell(key_cell, len(instructor.cells) - 1)
            instructor.cells.pop()
            output = "".join(
                o.get("text", "") for o in key_cell.outputs if o.get("name") == "stdout"
            )
            key = json.loads(output.split(KEY_MARK, 1)[1])
            key["written"] = [q["name"] for q in master.written]
            key_dir.mkdir(parents=True, exist_ok=True)
            (key_dir / f"{master.exercise}.json").write_text(
                json.dumps(key, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                encoding="utf-8",
            )
            for index in checks:
                client.execute_cell(instructor.cells[index], index)
    except CellExecutionError as error:
        raise GenerationError(
            f"{master.path.name}: the solutions do not run, or their key fails its "
            f"self-test:\n{_cell_error(error)}"
        ) from None
    count = 0
    for cell in instructor.cells:
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if output.get("output_type") == "execute_result":
                    output["execution_count"] = count
    instructor.metadata["language_info"] = dict(LANGUAGE_INFO)
    return key


def render(master_path: Path, key_dir: Path) -> dict:
    """Generate one master's files; return {path relative to exercises/: text}.

    The key is written into ``key_dir`` before the student copy runs, since
    its check cells read it. Nothing else is written.
    """
    master = read_master(master_path)
    with tempfile.TemporaryDirectory(prefix=f"generate-{master.exercise}-") as scratch:
        student, instructor = _otter_assign(master, Path(scratch))
    student, instructor = (
        _tidy(student, master, "student"),
        _tidy(instructor, master, "instructor"),
    )
    check_rhythm(student, master)

    key = _run_solutions_and_build_key(instructor, master, Path(key_dir))
    notes = _mark_answers_that_cannot_vary(key, instructor)
    key_text = json.dumps(key, indent=1, ensure_ascii=False, sort_keys=True) + "\n"

    try:
        _execute(student, EXERCISES_DIR, key_dir)
    except CellExecutionError as error:
        raise GenerationError(
            f"{master_path.name}: the student copy does not run unanswered:\n{_cell_error(error)}"
        ) from None

    files = {
        f"{master.stem}.ipynb": _stamp(student),
        f"instructor/{master.stem}.ipynb": _stamp(instructor),
        f"keys/{master.exercise}.json": key_text,
    }
    for name, text in _guide_tables(master, instructor).items():
        files[f"guides/_generated/{name}"] = text
    files[f"guides/_generated/{master.exercise}_questions.md"] += notes
    return files


def _mark_answers_that_cannot_vary(key: dict, instructor) -> str:
    """Run the solutions on the course's relabelled copy as the grader will;
    record and check what it does.

    The instructor copy is run once more on the stored data and once on the
    relabelled copy the grader uses by default (the course's seed, see
    :mod:`..grade.account`). Each question's key entry records
    ``"on_variant"``: ``"changes"``, ``"same"`` or ``"not checkable"``. A
    computation question whose solution gives no readable answer there stops
    the generation: it would be graded on the stored data alone. One whose
    answer the copy does not change gets a line in the guide (there a typed
    answer would hold). Reading questions are graded on the stored tables, so
    for them this is only a record.
    """
    from sourcekit.paths import data_dir

    from ..grade.account import course_variant_seed
    from ..grade.judge import canonical_or_none
    from ..grade.runner import Runner
    from ..grade.variants import make_variant

    runner = Runner(timeout=CELL_TIMEOUT, max_time=600, sandboxed=False)
    variables = [q["variable"] for q in key["questions"]]
    notebook = {
        "cells": [{"cell_type": c.cell_type, "source": c.source} for c in instructor.cells]
    }
    with tempfile.TemporaryDirectory(prefix="generate-variant-") as scratch:
        make_variant(data_dir(), Path(scratch) / "data", course_variant_seed())
        (stored, _), (variant, problems) = runner.run_on(
            notebook, variables, [data_dir(), Path(scratch) / "data"]
        )
    same, unchecked = [], []
    for question in key["questions"]:
        on_stored = canonical_or_none(question, stored.get(question["variable"]))
        on_variant = canonical_or_none(question, variant.get(question["variable"]))
        computation = question.get("graded_on") == "variant"
        if on_variant is None:
            question["on_variant"] = "not checkable"
            if computation:
                unchecked.append(question["id"])
        elif on_variant == on_stored:
            question["on_variant"] = "same"
            if computation:
                same.append(question["id"])
        else:
            question["on_variant"] = "changes"
    if unchecked or problems:
        raise GenerationError(
            f"{key['exercise']}: on the course's relabelled copy the solutions give no answer "
            f"for {', '.join(unchecked) or 'no question'}"
            + (f" ({'; '.join(problems[:3])})" if problems else "")
            + ": find documents by what they are (document_id(...)), not by their stored ids"
        )
    if same:
        return (
            f"\nThe course's relabelled copy does not change the answer of {', '.join(same)}, so "
            "there a typed answer would hold: choose another seed in "
            "exercises/source/variant_seed.txt.\n"
        )
    return ""


def overview_table(masters) -> str:
    """The instructor index's table of exercises, counted from the masters themselves."""
    rows = [
        "| Exercise | Moves practised | Auto-graded questions | Written | Guide |",
        "| --- | --- | --- | --- | --- |",
    ]
    parsed = sorted(
        (read_master(path) for path in masters),
        key=lambda m: [int(p) for p in (m.auto + m.written)[0]["name"].split(".")],
    )
    for master in parsed:
        moves = []
        for question in master.auto + master.written:
            if question["move"] not in moves:
                moves.append(question["move"])
        rows.append(
            f"| {{doc}}`../{master.stem}` | {', '.join(moves)} | {len(master.auto)} | "
            f"{len(master.written)} | {{doc}}`{master.exercise}` |"
        )
    note = "% Generated by `make exercises` from the masters: edit the masters, not this file.\n\n"
    return note + "\n".join(rows) + "\n"


def render_all(masters=None, key_dir=None, jobs=2) -> dict:
    """Render several masters in parallel; {relative path: text} for all of them."""
    masters = list(masters or master_paths())
    if not masters:
        raise GenerationError(f"no masters found in {EXERCISES_DIR / 'source'}")
    files = {}
    with tempfile.TemporaryDirectory(prefix="generate-keys-") as scratch:
        key_dir = Path(key_dir or scratch)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for rendered in pool.map(lambda path: render(path, key_dir), masters):
                files.update(rendered)
    files["guides/_generated/overview.md"] = overview_table(master_paths())
    files["guides/_generated/grading.md"] = account_markdown()
    readme = Path(EXERCISES_DIR).parent / "README.md"
    if readme.exists():
        files["../README.md"] = readme_with_account(readme.read_text(encoding="utf-8"))
    return files


README_MARKS = (
    "<!-- grading account: written by `make exercises` from "
    "sourcekit_instructor/grade/account.py -->",
    "<!-- end of the grading account -->",
)


def readme_with_account(text: str) -> str:
    """The README with the block between :data:`README_MARKS` replaced by the grading account."""
    begin, end = README_MARKS
    if begin not in text or end not in text:
        raise GenerationError(
            f"README.md has no grading account block (the lines {begin!r} and {end!r})"
        )
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{SUMMARY}{end}{tail}"


def is_pristine(path: Path) -> bool:
    """True if a generated notebook is exactly as the generator left it
    (nobody has saved work in it).
    """
    try:
        notebook = nbformat.read(path, as_version=4)
        return notebook.metadata["sourcekit"]["generated_cells_sha256"] == fingerprint(notebook)
    except Exception:
        return False


def write_files(files: dict, root: Path = EXERCISES_DIR) -> list:
    """Write generated files under ``root``; never overwrite a notebook someone has worked in.

    Returns one line per file saying what happened.
    """
    report = []
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for relative, text in sorted(files.items()):
        path = Path(root) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            report.append(f"unchanged  {relative}")
            continue
        if path.exists() and path.suffix == ".ipynb" and not is_pristine(path):
            saved = path.with_name(f"{path.name}.saved-{stamp}")
            shutil.copy2(path, saved)
            report.append(
                f"KEPT       {relative} had changes the generator did not make; "
                f"they are saved in {saved.name}"
            )
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
        report.append(f"written    {relative}")
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sourcekit_instructor.assign",
        description=(
            "Generate the exercises' student and instructor copies, keys and "
            "guide tables from their masters."
        ),
    )
    parser.add_argument(
        "names", nargs="*", help="exercise names (default: every master in exercises/source/)"
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="masters generated at once"
    )
    args = parser.parse_args(argv)
    masters = master_paths()
    if args.names:
        wanted = {f"{name}_exercises" for name in args.names}
        unknown = wanted - {m.stem for m in masters}
        if unknown:
            print(
                f"no master for {', '.join(sorted(unknown))}; masters: "
                f"{', '.join(m.stem for m in masters)}",
                file=sys.stderr,
            )
            return 2
        masters = [m for m in masters if m.stem in wanted]
    try:
        files = render_all(masters, jobs=args.jobs)
    except GenerationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for line in write_files(files):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
