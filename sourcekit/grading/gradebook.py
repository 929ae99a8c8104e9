"""Grade a folder of submitted exercise notebooks into a gradebook CSV.

``make grade SUBMISSIONS=dir`` or ``python -m sourcekit.grading dir --out
gradebook.csv`` writes one row per submission, one column per question and
the total, and prints a short summary (also saved beside the CSV).

What it promises, because an instructor grading sixty notebooks at midnight
needs it:

* **Submissions are never modified.** Each is hashed, copied into a scratch
  folder and run there; the hash is checked again afterwards and any change
  is reported.
* **One bad submission never stops the rest.** A file that is not JSON, is
  not a notebook, has no cells, belongs to another exercise, raises in a
  cell or loops forever gets a row saying what was wrong. A cell that runs
  longer than ``--timeout`` seconds is interrupted and the rest of the
  notebook is still graded; a submission still running after ``--max-time``
  seconds is killed with its kernel.
* **Several at once.** Submissions run in parallel, one kernel each, on as
  many workers as the machine has cores (``--jobs``).

Written questions are not scored here: their column says how many words the
student wrote, for grading by hand with the rubric in the instructor guide.
"""

import argparse
import concurrent.futures
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from ..checks import MissingKeyError, load_key
from .worker import RESULT_MARK

#: The placeholder otter assign puts in a written answer's cell.
WRITTEN_PLACEHOLDER = "_Type your answer here, replacing this text._"


@dataclass
class Row:
    """One submission's line in the gradebook."""

    submission: str
    exercise: str = ""
    status: str = "graded"
    scores: dict = field(default_factory=dict)
    written: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _read_notebook(path: Path):
    """(notebook dict, None) or (None, what is wrong with the file)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, "not a notebook: the file is not UTF-8 text"
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"not a notebook: the file is not valid JSON ({error.msg}, line {error.lineno}, column {error.colno}); it may be cut short or damaged"
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return None, "not a notebook: the JSON has no list of cells"
    if not notebook["cells"]:
        return None, "the notebook has no cells"
    return notebook, None


def exercise_of(notebook: dict):
    """The exercise a submitted notebook belongs to, from the metadata the generator wrote."""
    metadata = notebook.get("metadata", {})
    return (metadata.get("sourcekit") or {}).get("exercise") if isinstance(metadata, dict) else None


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def written_answers(notebook: dict) -> list:
    """Word counts of the written-answer cells, in order (0 if still the placeholder)."""
    counts = []
    for cell in notebook["cells"]:
        tags = (cell.get("metadata") or {}).get("tags") or []
        if cell.get("cell_type") == "markdown" and "otter_answer_cell" in tags:
            text = _source(cell).replace(WRITTEN_PLACEHOLDER, "")
            counts.append(len(text.split()))
    return counts


def _kill_tree(process: subprocess.Popen) -> None:
    """Kill a worker and everything it started (its kernel runs in a session of its own)."""
    try:
        parent = psutil.Process(process.pid)
        victims = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for victim in victims:
        try:
            victim.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(victims, timeout=5)


def grade_one(path: Path, exercise: str, key: dict, timeout: float, max_time: float) -> Row:
    """Grade one submission; every problem ends up in the row, never as an exception."""
    row = Row(submission=Path(path).name)
    notebook, problem = _read_notebook(path)
    if problem:
        row.status, row.problems = "not graded", [problem]
        return row
    row.exercise = exercise_of(notebook) or ""
    if row.exercise and row.exercise != exercise:
        row.status, row.problems = "not graded", [f"this is the {row.exercise!r} notebook, not {exercise!r}"]
        return row
    row.exercise = exercise
    written_ids = key.get("written", [])
    counts = written_answers(notebook)
    for index, qid in enumerate(written_ids):
        words = counts[index] if index < len(counts) else 0
        row.written[qid] = f"to grade: {words} words" if words else "blank"
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        copy = Path(scratch) / "submission.ipynb"
        shutil.copyfile(path, copy)
        command = [sys.executable, "-m", "sourcekit.grading.worker", str(copy), exercise, str(timeout)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=scratch)
        try:
            stdout, stderr = process.communicate(timeout=max_time)
        except subprocess.TimeoutExpired:
            _kill_tree(process)
            process.communicate()
            row.status, row.problems = "not graded", [f"still running after {max_time:g} s, so it was stopped (an endless loop that ignores interrupts?)"]
            return row
    if RESULT_MARK not in stdout:
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        row.status, row.problems = "not graded", [f"the grading process failed: {tail[:200]}"]
        return row
    result = json.loads(stdout.split(RESULT_MARK, 1)[1])
    row.problems = result["problems"]
    if result["verdicts"] is None:
        row.status = "not graded"
        return row
    row.scores = {v["question"]: v["score"] for v in result["verdicts"]}
    if row.problems:
        row.status = "graded, with problems"
    return row


def _key_with_written(exercise: str) -> dict:
    key = load_key(exercise)
    key.setdefault("written", [])
    return key


def grade_folder(folder: Path, exercise=None, timeout: float = 60, max_time: float = 600, jobs=None):
    """Grade every ``*.ipynb`` in ``folder``; return (exercise, key, rows) in file-name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of submissions")
    paths = sorted(p for p in folder.iterdir() if p.suffix == ".ipynb" and p.is_file())
    if not paths:
        raise FileNotFoundError(f"no .ipynb files in {folder}")
    if exercise is None:
        found = Counter()
        for path in paths:
            notebook, _ = _read_notebook(path)
            if notebook and exercise_of(notebook):
                found[exercise_of(notebook)] += 1
        if not found:
            raise ValueError("no submission says which exercise it is (metadata missing): pass --exercise NAME")
        exercise = found.most_common(1)[0][0]
    key = _key_with_written(exercise)
    before = {path: sha256_of(path) for path in paths}
    jobs = jobs or os.cpu_count() or 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        rows = list(pool.map(lambda p: grade_one(p, exercise, key, timeout, max_time), paths))
    for path, row in zip(paths, rows):
        if sha256_of(path) != before[path]:
            row.problems.append("WARNING: the submitted file changed while it was being graded")
    return exercise, key, rows


def write_gradebook(rows, key: dict, out: Path) -> None:
    """The CSV: one row per submission, one column per question, the total."""
    auto = [q["id"] for q in key["questions"]]
    possible = sum(q.get("points", 1) for q in key["questions"])
    header = ["submission", "exercise", "status"] + [f"q{qid}" for qid in auto] + ["total", "possible"] + [f"q{qid} (written)" for qid in key["written"]] + ["problems"]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            graded = bool(row.scores)
            scores = [_number(row.scores.get(qid, 0)) if graded else "" for qid in auto]
            total = _number(sum(row.scores.values())) if graded else ""
            written = [row.written.get(qid, "") for qid in key["written"]]
            writer.writerow([row.submission, row.exercise, row.status, *scores, total, _number(possible), *written, "; ".join(row.problems)])


def _number(value):
    return int(value) if float(value).is_integer() else round(value, 2)


def summary(exercise: str, key: dict, rows, seconds: float, jobs: int) -> str:
    """A few lines for the instructor: how many graded, what went wrong, how each question went."""
    graded = [r for r in rows if r.scores]
    possible = sum(q.get("points", 1) for q in key["questions"])
    lines = [f"Graded {len(rows)} submission(s) of the {exercise!r} exercise in {seconds:.1f} s with {jobs} worker(s)."]
    statuses = Counter(r.status for r in rows)
    lines.append("Status: " + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items())) + ".")
    if graded:
        mean = sum(sum(r.scores.values()) for r in graded) / len(graded)
        lines.append(f"Mean auto-graded total: {mean:.1f} of {possible} (over {len(graded)} graded).")
        shares = []
        for question in key["questions"]:
            right = sum(1 for r in graded if r.scores.get(question["id"], 0) >= question.get("points", 1))
            shares.append(f"{question['id']}: {100 * right / len(graded):.0f}%")
        lines.append("Answered correctly: " + ", ".join(shares) + ".")
    for row in rows:
        if row.status != "graded":
            lines.append(f"  {row.submission}: {row.status}: {'; '.join(row.problems)}")
    if key["written"]:
        lines.append(f"Written question(s) {', '.join(key['written'])}: grade by hand with the rubric in the instructor guide.")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sourcekit.grading", description="Grade a folder of submitted exercise notebooks into a gradebook CSV.")
    parser.add_argument("submissions", type=Path, help="folder holding the submitted .ipynb files (never modified)")
    parser.add_argument("--out", type=Path, default=Path("gradebook.csv"), help="gradebook CSV to write (default: gradebook.csv)")
    parser.add_argument("--exercise", help="exercise name, if the notebooks' metadata does not say (e.g. provenance)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds one cell may run before it is interrupted (default 60)")
    parser.add_argument("--max-time", type=float, default=600, help="seconds one submission may take in all before it is killed (default 600)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once (default: number of cores)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        exercise, key, rows = grade_folder(args.submissions, args.exercise, args.timeout, args.max_time, args.jobs)
    except (FileNotFoundError, ValueError, MissingKeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write_gradebook(rows, key, args.out)
    text = summary(exercise, key, rows, time.monotonic() - started, args.jobs)
    summary_path = args.out.with_name(args.out.stem + "_summary.txt")
    summary_path.write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"Wrote {args.out} and {summary_path}.")
    return 0
