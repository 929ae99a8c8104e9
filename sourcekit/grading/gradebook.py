"""Grade a folder of submitted exercise notebooks into gradebooks an instructor can trust.

``make grade SUBMISSIONS=dir`` or ``python -m sourcekit.grading dir --out
gradebook.csv``. What it promises, because every submitted notebook is
hostile input and an instructor grading sixty of them at midnight needs it:

* **The judge never runs where the student's code runs.** Each submission
  runs on a fresh kernel in a sandbox (:mod:`.sandbox`); all that leaves it
  is its answer variables as plain JSON (:mod:`.answers`). Reading, comparing
  and scoring happen here, in the grader's process, against answers the
  grader computed itself by running the instructor's solutions. No score
  exceeds its question's points.
* **Grades that require the work.** Every submission runs twice: on the
  stored tables and on a hidden variant (:mod:`.variants`: documents
  relabelled, rows shuffled, row ids renumbered). A question scores only if
  its answer holds on both; the gradebook says, per question, where it held.
* **One bad submission never spoils a run.** A file that is not a notebook,
  an old-format notebook (converted), a notebook whose exercise cannot be
  told (flagged), a cell that loops (interrupted after ``--timeout``), a run
  that never ends (killed after ``--max-time``, with everything it started),
  a forged or broken result: each gets its row and a ``problems`` entry; the
  gradebooks are always written, and the exit status is 0 when every
  submission got a row.
* **Nothing is modified.** Submissions are read and copied, never written;
  the sandbox sees a private copy only. Cells a spreadsheet would run as a
  formula are escaped.
* **Mixed folders.** Each notebook is graded against its own exercise; one
  gradebook per exercise, one combined, and optionally one in the columns
  Canvas or Moodle import (``--lms``, ``--identity``).

Written questions are not scored here: their column says how many words the
student wrote, for grading by hand with the rubric in the instructor guide.
"""

import argparse
import concurrent.futures
import csv
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import KEY_DIR, MissingKeyError, load_key
from ..paths import data_dir
from . import INSTRUCTOR_DIR, MASTERS_DIR
from . import sandbox as sandboxes
from .answers import canonical_or_none, judge_plain, read_results
from .variants import make_variant

#: The placeholder otter assign puts in a written answer's cell.
WRITTEN_PLACEHOLDER = "_Type your answer here, replacing this text._"
#: Largest submission file read (a notebook of a few hundred kB is normal).
MAX_NOTEBOOK_BYTES = 20 * 2**20
#: What each question's "held" column can say.
HELD = {(True, True): "both", (True, False): "stored data only", (False, True): "variant only", (False, False): "neither"}


@dataclass
class Row:
    """One submission's line in the gradebook."""

    submission: str
    exercise: str = ""
    status: str = "graded"
    scores: dict = field(default_factory=dict)
    held: dict = field(default_factory=dict)
    written: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------
# Reading a submission
# --------------------------------------------------------------------------


def _read_notebook(path: Path):
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


def _source(cell) -> str:
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
            match = _CHECKER_CALL.search(_source(cell))
            if match:
                return match.group(1)
    return None


def written_answers(notebook: dict) -> list:
    """Word counts of the written-answer cells, in order (0 if still the placeholder)."""
    counts = []
    for cell in notebook["cells"]:
        tags = (cell.get("metadata") or {}).get("tags") or [] if isinstance(cell.get("metadata"), dict) else []
        if cell.get("cell_type") == "markdown" and isinstance(tags, list) and "otter_answer_cell" in tags:
            text = _source(cell).replace(WRITTEN_PLACEHOLDER, "")
            counts.append(len(text.split()))
    return counts


def prepare(notebook: dict, variables, folder: Path) -> Path:
    """Write ``folder/run.json``: the notebook's code cells in order and the answer variables to export."""
    cells = [_source(cell) for cell in notebook["cells"] if cell.get("cell_type") == "code"]
    path = Path(folder) / "run.json"
    path.write_text(json.dumps({"cells": cells, "variables": list(variables)}), encoding="utf-8")
    os.chmod(folder, 0o755)
    os.chmod(path, 0o644)
    return path


# --------------------------------------------------------------------------
# Running a notebook: in the sandbox, or (refused unless asked) without one
# --------------------------------------------------------------------------


@dataclass
class Runner:
    """How notebooks are run in this grading run: sandboxed (the default) or not, and the limits."""

    timeout: float = 60
    max_time: float = 600
    sandboxed: bool = True
    memory: int = sandboxes.MEMORY_BYTES
    variant_data: Path = None

    def run_on(self, notebook: dict, variables, data_sets) -> list:
        """[(answers, problems)] of ``notebook`` run once on each data set, in one sandbox.

        One worker runs them one after another, each run forked fresh from the
        worker's clean state (see :mod:`.worker`), each limited to ``max_time``.
        """
        data_sets = [Path(data) for data in data_sets]
        with tempfile.TemporaryDirectory(prefix="grade-") as private:
            prepare(notebook, variables, Path(private))
            if self.sandboxed:
                with sandboxes.claimed_uid() as uid:
                    outcome = sandboxes.run(Path(private), data_sets, uid, self.timeout, self.max_time, memory=self.memory)
            else:
                outcome = _run_unsandboxed(Path(private), data_sets, self.timeout, self.max_time)
        runs = read_results(outcome.result, variables, len(data_sets))
        first_problems = runs[0][1]
        if outcome.timed_out:
            first_problems.insert(0, f"still running after {self.max_time * len(data_sets) + 60:g} s in all, so the sandbox was stopped with everything in it")
        elif not outcome.result:
            tail = [line for line in outcome.output_tail.splitlines() if line.strip()]
            why = tail[-1][:160] if tail else f"exit status {outcome.returncode}"
            first_problems.insert(0, f"the run ended without a result ({why})")
        if outcome.output_bytes > sandboxes.OUTPUT_BYTES:
            first_problems.append(f"wrote {outcome.output_bytes / 2**20:.0f} MB straight to its output streams; it was discarded")
        return runs


def _run_unsandboxed(private: Path, data_sets, timeout: float, max_time: float):
    """The same runs with no isolation at all (``--no-sandbox``): its own session, killed as a group."""
    env = {**os.environ, "SHUSHA_COURSE_DATA": str(data_sets[0].resolve()), "MPLBACKEND": "agg"}
    work = private / "work"
    work.mkdir()

    def argv(result_fd):
        return [sys.executable, "-m", "sourcekit.grading.worker", str(private / "run.json"), f"{timeout:g}", f"{max_time:g}",
                str(work), *[str(data.resolve()) for data in data_sets], "--result-fd", str(result_fd)]

    return sandboxes.run_worker(argv, max_time * len(data_sets) + 60, cwd=work, env=env)


# --------------------------------------------------------------------------
# What a right answer is: the instructor's solutions, run by the grader
# --------------------------------------------------------------------------


@dataclass
class Expected:
    """One exercise's key as the grader needs it: questions, and the accepted answers per data set."""

    exercise: str
    questions: list
    written: list
    stored: dict  # question id -> list of accepted canonical answers on the stored data
    variant: dict  # the same on the variant (empty list: the solution could not answer there)
    problems: list = field(default_factory=list)
    variant_problems: list = field(default_factory=list)

    @property
    def possible(self):
        return sum(q.get("points", 1) for q in self.questions)

    def fixed(self, qid) -> bool:
        """True if this variant does not change the answer (a judgement, or a count that relabelling keeps)."""
        return bool(self.variant.get(qid)) and self.variant[qid][:1] == self.stored[qid][:1]


def _also_accepted(exercise: str) -> dict:
    """{question id: [extra accepted values]} from the master's ``also_accept`` (spellings, not data)."""
    from .generate import read_master

    path = Path(MASTERS_DIR) / f"{exercise}_exercises.md"
    if not path.exists():
        return {}
    return {q["name"]: list(q.get("also_accept", ())) for q in read_master(path).auto}


def expected_answers(exercise: str, runner: Runner, variant_data: Path) -> Expected:
    """Run the instructor copy on the stored data and on the variant; its answers are the key."""
    key = load_key(exercise)
    questions = key["questions"]
    variables = [q["variable"] for q in questions]
    solution, problem = _read_notebook(Path(INSTRUCTOR_DIR) / f"{exercise}_exercises.ipynb")
    if problem:
        raise MissingKeyError(f"the instructor copy of {exercise!r} cannot be read ({problem}); regenerate with `make exercises`")
    extra = _also_accepted(exercise)
    expected = Expected(exercise, questions, list(key.get("written", [])), {}, {})
    runs = runner.run_on(solution, variables, [data_dir(), variant_data])
    for (label, into), (answers, problems) in zip((("stored data", expected.stored), ("variant", expected.variant)), runs):
        for question in questions:
            answer = canonical_or_none(question, answers.get(question["variable"]))
            if answer is None:
                expected.problems.append(f"{exercise} {question['id']}: the instructor's solution gives no readable answer on the {label}")
                into[question["id"]] = []
                continue
            into[question["id"]] = [answer]
        expected.problems += [f"{exercise} solutions on the {label}: {p}" for p in problems]
        if into is expected.variant:
            expected.variant_problems = list(problems)
    for question in questions:
        qid = question["id"]
        # A spelling the master also accepts holds on the variant only where the answer does not move.
        alternatives = [c for c in (canonical_or_none(question, {"value": v}) for v in extra.get(qid, ())) if c is not None]
        expected.stored[qid] = expected.stored[qid] + alternatives if expected.stored[qid] else []
        if expected.fixed(qid):
            expected.variant[qid] = expected.variant[qid] + alternatives
    if not any(expected.stored.values()):
        raise MissingKeyError(f"the instructor's solutions of {exercise!r} gave no readable answer at all: {'; '.join(expected.problems[:3])}")
    return expected


# --------------------------------------------------------------------------
# Grading
# --------------------------------------------------------------------------


def grade_one(path: Path, notebook, exercise, expected: Expected, runner: Runner) -> Row:
    """Grade one submission already read; every problem ends up in the row, never as an exception."""
    row = Row(submission=Path(path).name, exercise=exercise)
    variables = [q["variable"] for q in expected.questions]
    counts = written_answers(notebook)
    for index, qid in enumerate(expected.written):
        words = counts[index] if index < len(counts) else 0
        row.written[qid] = f"to grade: {words} words" if words else "blank"
    (stored, problems), (variant, variant_problems) = runner.run_on(notebook, variables, [data_dir(), runner.variant_data])
    row.problems += problems
    # A problem the instructor's own solution also has on the variant (a cell that names a document
    # by its stored id, say) is the variant's, not the student's.
    row.problems += [f"on the variant: {p}" for p in variant_problems if p not in row.problems and p not in expected.variant_problems]
    if not stored and not variant:
        row.status = "not graded"
        return row
    for question in expected.questions:
        qid, points = question["id"], question.get("points", 1)
        on_stored = judge_plain(question, stored.get(question["variable"]), expected.stored[qid])
        checkable = bool(expected.variant.get(qid))
        on_variant = judge_plain(question, variant.get(question["variable"]), expected.variant[qid]) if checkable else None
        held_variant = on_variant.correct if checkable else on_stored.correct
        row.scores[qid] = min(points, points if on_stored.correct and held_variant else 0)
        if on_stored.status in ("unanswered", "unreadable", "form"):
            row.held[qid] = on_stored.status if on_stored.status != "form" else "wrong form"
            if on_stored.status != "unanswered":
                row.problems.append(f"{qid}: {on_stored.status}: {on_stored.detail}"[:200])
        elif not checkable:
            row.held[qid] = ("stored data" if on_stored.correct else "neither") + " (variant not checkable)"
        else:
            row.held[qid] = HELD[(on_stored.correct, on_variant.correct)]
    if row.problems:
        row.status = "graded, with problems"
    return row


def _submissions(folder: Path) -> list:
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of submissions")
    paths = sorted(p for p in folder.iterdir() if p.suffix == ".ipynb" and p.is_file() and not p.is_symlink())
    if not paths:
        raise FileNotFoundError(f"no .ipynb files in {folder}")
    return paths


def grade_folder(folder: Path, exercise=None, timeout: float = 60, max_time: float = 600, jobs=None, sandboxed: bool = True, variant_seed=None):
    """Grade every ``*.ipynb`` in ``folder``; return (expected per exercise, rows in file-name order, seed).

    ``exercise`` is used for notebooks that do not say which exercise they
    are; a notebook that says is always graded against its own.
    """
    paths = _submissions(folder)
    before = {}
    for path in paths:
        try:
            before[path] = sha256_of(path)
        except OSError:
            before[path] = None
    read = {path: _read_notebook(path) for path in paths}
    belongs = {}
    for path, (notebook, problem) in read.items():
        if notebook is not None:
            belongs[path] = exercise_of(notebook) or exercise
    wanted = sorted({name for name in belongs.values() if name})
    seed = variant_seed if variant_seed is not None else secrets.randbelow(2**31)
    runner = Runner(timeout=timeout, max_time=max_time, sandboxed=sandboxed)
    jobs = max(1, jobs or os.cpu_count() or 1)
    rows = {}
    with tempfile.TemporaryDirectory(prefix="grade-variant-") as scratch:
        runner.variant_data = Path(scratch) / "data"
        make_variant(data_dir(), runner.variant_data, seed)
        for root, dirs, files in os.walk(scratch):
            os.chmod(root, 0o755)
            for name in files:
                os.chmod(Path(root) / name, 0o644)
        expected = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {}
            for name in wanted:
                try:
                    load_key(name)
                except MissingKeyError:
                    continue
                futures[pool.submit(expected_answers, name, runner, runner.variant_data)] = name
            unanswerable = {}
            for future in concurrent.futures.as_completed(futures):
                try:
                    expected[futures[future]] = future.result()
                except Exception as error:  # the instructor's side failing must still give every row
                    unanswerable[futures[future]] = f"{type(error).__name__}: {str(error)[:200]}"
            graded = {}
            for path in paths:
                notebook, problem = read[path]
                name = belongs.get(path)
                if problem:
                    rows[path] = Row(Path(path).name, status="not graded", problems=[problem])
                elif not name:
                    rows[path] = Row(Path(path).name, status="not graded", problems=["cannot tell which exercise this is (its metadata and its answer_checker line are missing): grade it with --exercise NAME"])
                elif name in unanswerable:
                    rows[path] = Row(Path(path).name, exercise=name, status="not graded", problems=[f"the grader could not work out the right answers of {name!r}: {unanswerable[name]}"])
                elif name not in expected:
                    rows[path] = Row(Path(path).name, exercise=name, status="not graded", problems=[f"there is no exercise {name!r} (known: {', '.join(_known_exercises())})"])
                else:
                    graded[pool.submit(_guarded, grade_one, path, notebook, name, expected[name], runner)] = path
            for future, path in graded.items():
                rows[path] = future.result()
    for path in paths:
        try:
            now = sha256_of(path)
        except OSError:
            now = None
        if now != before[path]:
            rows[path].problems.append("WARNING: the submitted file changed or vanished while it was being graded")
    return expected, [rows[path] for path in paths], seed


def _guarded(grade, path, notebook, name, expected, runner) -> Row:
    try:
        return grade(path, notebook, name, expected, runner)
    except Exception as error:  # a grader bug on one submission is that submission's row, not a crash
        return Row(Path(path).name, exercise=name, status="not graded", problems=[f"grading failed: {type(error).__name__}: {str(error)[:160]}"])


def _known_exercises() -> list:
    return sorted(p.stem for p in Path(KEY_DIR).glob("*.json"))


# --------------------------------------------------------------------------
# Writing the gradebooks
# --------------------------------------------------------------------------


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet will show, not run: text starting with = + - @ (or a tab) is quoted with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _number(value):
    return int(value) if float(value).is_integer() else round(value, 2)


def _total(row: Row, expected: Expected):
    """The row's total, from scores clipped to each question's points."""
    return sum(min(q.get("points", 1), max(0, row.scores.get(q["id"], 0))) for q in expected.questions)


def write_gradebook(rows, expected_by_exercise: dict, out: Path) -> None:
    """One row per submission; per question its score and where its answer held; total; written; problems."""
    exercises = [expected_by_exercise[name] for name in sorted(expected_by_exercise)]
    questions = [q for e in exercises for q in e.questions]
    written = [w for e in exercises for w in e.written]
    header = ["submission", "exercise", "status"] + [f"q{q['id']}" for q in questions] + ["total", "possible"]
    header += [f"q{q['id']} held on" for q in questions] + [f"q{w} (written)" for w in written] + ["problems"]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            mine = expected_by_exercise.get(row.exercise)
            graded = bool(row.scores) and mine is not None
            own = {q["id"] for q in mine.questions} if mine else set()
            scores = [_number(min(q.get("points", 1), row.scores.get(q["id"], 0))) if graded and q["id"] in own else "" for q in questions]
            total = _number(_total(row, mine)) if graded else ""
            possible = _number(mine.possible) if mine else ""
            held = [row.held.get(q["id"], "") for q in questions]
            texts = [row.written.get(w, "") for w in written]
            cells = [row.submission, row.exercise, row.status, *scores, total, possible, *held, *texts, "; ".join(row.problems)]
            writer.writerow([spreadsheet_safe(cell) for cell in cells])


LMS_COLUMNS = {
    # Canvas matches rows on "SIS User ID" (or "ID"); the four leading columns are the ones its export has.
    "canvas": ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
    # Moodle's grade import maps one column to a user field (choose "ID number") and the others to grade items.
    "moodle": ["ID number"],
}


def write_lms(rows, expected_by_exercise: dict, out: Path, lms: str, identity: str) -> list:
    """One row per student, one column per exercise (its auto-graded total); returns problems to report.

    ``identity`` is a regular expression with a group named ``id`` (or a
    first group) applied to each submission's file name, e.g.
    ``(?P<id>[^_]+)_`` for ``s1234_provenance.ipynb``.
    """
    pattern = re.compile(identity)
    exercises = sorted(expected_by_exercise)
    people, problems = {}, []
    for row in rows:
        match = pattern.search(row.submission)
        if not match:
            problems.append(f"{row.submission}: the file name does not match the identity pattern {identity!r}; left out of the {lms} file")
            continue
        person = match.groupdict().get("id") or (match.group(1) if match.groups() else match.group(0))
        if row.exercise in expected_by_exercise and row.scores:
            previous = people.setdefault(person, {}).get(row.exercise)
            if previous is not None:
                problems.append(f"{row.submission}: a second {row.exercise} submission for {person}; the higher total is kept")
            total = _number(_total(row, expected_by_exercise[row.exercise]))
            people[person][row.exercise] = max(total, previous) if previous is not None else total
        else:
            people.setdefault(person, {})
    lead = LMS_COLUMNS[lms]
    header = lead + [f"{name} ({_number(expected_by_exercise[name].possible)} points)" for name in exercises]
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for person in sorted(people):
            ids = ["", "", person, "", ""] if lms == "canvas" else [person]
            writer.writerow([spreadsheet_safe(cell) for cell in ids + [people[person].get(name, "") for name in exercises]])
    return problems


def summary(expected_by_exercise: dict, rows, seconds: float, jobs: int, seed: int, sandboxed: bool) -> str:
    """A few lines for the instructor: how many graded, what went wrong, how each question went."""
    names = ", ".join(repr(n) for n in sorted(expected_by_exercise)) or "no known"
    lines = [f"Graded {len(rows)} submission(s) of the {names} exercise(s) in {seconds:.1f} s with {jobs} worker(s)."]
    lines.append(("Each ran in a bubblewrap sandbox" if sandboxed else "WARNING: run with --no-sandbox: submissions ran WITHOUT isolation") + f", on the stored data and on hidden variant {seed} (repeat with --variant-seed {seed}).")
    statuses = Counter(r.status for r in rows)
    lines.append("Status: " + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items())) + ".")
    for name in sorted(expected_by_exercise):
        expected = expected_by_exercise[name]
        graded = [r for r in rows if r.exercise == name and r.scores]
        if graded:
            mean = sum(_total(r, expected) for r in graded) / len(graded)
            lines.append(f"{name}: mean auto-graded total {mean:.1f} of {_number(expected.possible)} (over {len(graded)} graded).")
            shares = [f"{q['id']}: {100 * sum(1 for r in graded if r.scores.get(q['id'], 0) >= q.get('points', 1)) / len(graded):.0f}%" for q in expected.questions]
            lines.append("  Answered correctly: " + ", ".join(shares) + ".")
        fixed = [q["id"] for q in expected.questions if expected.fixed(q["id"])]
        if fixed:
            lines.append(f"  This variant does not change the answer of {', '.join(fixed)} (a judgement, or a count relabelling keeps): there it cannot tell typed from computed.")
        unchecked = [q["id"] for q in expected.questions if not expected.variant.get(q["id"])]
        if unchecked:
            lines.append(f"  Graded on the stored data alone: {', '.join(unchecked)} (the solution has no answer on this variant; it names a document by its stored id).")
        for problem in expected.problems:
            lines.append(f"  WARNING: {problem}")
        if expected.written:
            lines.append(f"  Written question(s) {', '.join(expected.written)}: grade by hand with the rubric in the instructor guide.")
    for row in rows:
        if row.status != "graded":
            lines.append(f"  {row.submission}: {row.status}: {'; '.join(row.problems)}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sourcekit.grading", description="Grade a folder of submitted exercise notebooks into gradebook CSVs.")
    parser.add_argument("submissions", type=Path, help="folder holding the submitted .ipynb files (never modified)")
    parser.add_argument("--out", type=Path, default=Path("gradebook.csv"), help="combined gradebook CSV (default: gradebook.csv); per-exercise ones are written beside it")
    parser.add_argument("--exercise", help="exercise for notebooks that do not say which one they are (e.g. provenance)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds one cell may run before it is interrupted (default 60)")
    parser.add_argument("--max-time", type=float, default=600, help="seconds one run of a submission may take before it is killed with everything it started (default 600)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once (default: number of cores)")
    parser.add_argument("--variant-seed", type=int, help="seed of the hidden variant (default: a new random one per run, printed in the summary)")
    parser.add_argument("--lms", choices=sorted(LMS_COLUMNS), help="also write the totals in the columns this LMS imports")
    parser.add_argument("--identity", default=r"(?P<id>[^_.]+)", help=r"regular expression taking the student's id from the file name (default: up to the first _ or .)")
    parser.add_argument("--no-sandbox", action="store_true", help="run submissions WITHOUT isolation, when no sandbox is available (the gradebook says so)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        re.compile(args.identity)
    except re.error as error:
        print(f"error: --identity {args.identity!r} is not a regular expression ({error})", file=sys.stderr)
        return 2
    if not args.no_sandbox:
        try:
            sandboxes.check_available()
        except sandboxes.SandboxUnavailable as error:
            print(f"error: no sandbox for the submissions: {error}.\nRefusing to run students' code without isolation; pass --no-sandbox (make grade NO_SANDBOX=1) to do it anyway.", file=sys.stderr)
            return 2
    try:
        expected, rows, seed = grade_folder(args.submissions, args.exercise, args.timeout, args.max_time, args.jobs, sandboxed=not args.no_sandbox, variant_seed=args.variant_seed)
    except (FileNotFoundError, ValueError, MissingKeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.no_sandbox:
        for row in rows:
            row.problems.append("graded WITHOUT a sandbox (--no-sandbox)")
    written = [args.out]
    write_gradebook(rows, expected, args.out)
    if len(expected) > 1:
        for name in sorted(expected):
            path = args.out.with_name(f"{args.out.stem}_{name}{args.out.suffix or '.csv'}")
            write_gradebook([r for r in rows if r.exercise == name], {name: expected[name]}, path)
            written.append(path)
    lms_problems = []
    if args.lms:
        path = args.out.with_name(f"{args.out.stem}_{args.lms}.csv")
        lms_problems = write_lms(rows, expected, path, args.lms, args.identity)
        written.append(path)
    text = summary(expected, rows, time.monotonic() - started, args.jobs, seed, not args.no_sandbox)
    if lms_problems:
        text += "\n" + "\n".join(f"  {args.lms}: {p}" for p in lms_problems)
    summary_path = args.out.with_name(args.out.stem + "_summary.txt")
    summary_path.write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"Wrote {', '.join(str(p) for p in written)} and {summary_path}.")
    return 0
