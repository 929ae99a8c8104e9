"""Grade a folder of submitted exercise notebooks into gradebooks an instructor can trust.

``make grade SUBMISSIONS=dir`` or ``python -m sourcekit_instructor.grade dir --out
gradebook.csv``. What it promises, because every submitted notebook is
hostile input and an instructor grading sixty of them at midnight needs it:

* **The judge never runs where the student's code runs.** Each submission
  runs on a fresh kernel in a sandbox (:mod:`.sandbox`); all that leaves it
  is its answer variables as plain JSON (:mod:`.answers`). Reading, comparing
  and scoring happen here, in the grader's process, against answers the
  grader computed itself by running the instructor's solutions. No score
  exceeds its question's points.
* **Grades that measure what each question asks.** Every submission runs
  twice: on the stored tables and on a relabelled copy (:mod:`.variants`:
  documents relabelled, rows shuffled, row ids renumbered; the same copy on
  every run unless ``--variant-seed`` chooses another). A reading question
  is judged on the stored tables, so a typed correct answer scores; a
  computation question scores only if its answer holds on both, and a
  verdict in words says which (:mod:`.account`).
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

import concurrent.futures
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sourcekit.checks import KEY_DIR, load_key
from sourcekit.paths import data_dir

from .account import (
    RIGHT_ON_BOTH,
    RIGHT_ON_STORED,
    TYPED_ANSWER,
    UNANSWERED,
    UNREADABLE,
    VARIANT_NOT_CHECKED,
    WRONG,
    WRONG_FORM,
    course_variant_seed,
)
from .expected import Expected, expected_answers
from .judge import judge_plain
from .runner import Runner
from .submissions import (
    display_name,
    exercise_of,
    exercise_problems,
    list_submissions,
    read_notebook,
    sha256_of,
    shown_name,
    written_answers,
)
from .variants import make_variant


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
    answers: dict = field(
        default_factory=dict
    )  # question id -> its exported entry on the stored data (feedback pages)


def grade_one(path: Path, notebook, exercise, expected: Expected, runner: Runner) -> Row:
    """Grade one submission already read; every problem ends up in the row,
    never as an exception.
    """
    row = Row(submission=display_name(path), exercise=exercise)
    variables = [q["variable"] for q in expected.questions]
    counts = written_answers(notebook)
    for index, qid in enumerate(expected.written):
        words = counts[index] if index < len(counts) else 0
        row.written[qid] = f"to grade: {words} words" if words else "blank"
    (stored, problems), (variant, variant_problems) = runner.run_on(
        notebook, variables, [data_dir(), runner.variant_data]
    )
    row.problems += problems
    if not stored and not variant:
        row.status = "not graded"
        return row
    row.answers = {q["id"]: stored.get(q["variable"]) for q in expected.questions}
    for question in expected.questions:
        qid, points = question["id"], question.get("points", 1)
        verdict, right = _verdict(question, stored, variant, expected, row.problems)
        row.held[qid] = verdict
        row.scores[qid] = points if right else 0
    # What went wrong only on the relabelled copy matters where it cost a computation
    # answer; a cell that looks a document up by its stored id for a reading question
    # may fail there at no cost.
    if TYPED_ANSWER in row.held.values() or (variant_problems and not variant):
        row.problems += [
            f"on the relabelled copy: {p}"
            for p in variant_problems
            if p not in problems and p not in expected.variant_problems
        ]
    if row.problems:
        row.status = "graded, with problems"
    return row


def _verdict(question: dict, stored: dict, variant: dict, expected: Expected, problems: list):
    """(the question's verdict in words, whether it scores) for one submission;
    see :mod:`.account`.

    A reading question (``graded_on: stored``) is judged on the stored tables
    alone, so a typed correct answer scores. A computation question
    (``graded_on: variant``) scores only if its answer is right on the stored
    tables and on the relabelled copy; right on the first and wrong on the
    second is said in words, never left as a bare 0.
    """
    qid = question["id"]
    on_stored = judge_plain(question, stored.get(question["variable"]), expected.stored[qid])
    if on_stored.status in ("unanswered", "unreadable", "form"):
        if on_stored.status != "unanswered":
            problems.append(f"{qid}: {on_stored.status}: {on_stored.detail}"[:200])
        return {"unanswered": UNANSWERED, "unreadable": UNREADABLE, "form": WRONG_FORM}[
            on_stored.status
        ], False
    if not on_stored.correct:
        return WRONG, False
    if question.get("graded_on", "variant") == "stored":
        return RIGHT_ON_STORED, True
    if not expected.variant.get(
        qid
    ):  # the instructor's solution had no answer there (a warning in the summary)
        return VARIANT_NOT_CHECKED, True
    on_variant = judge_plain(question, variant.get(question["variable"]), expected.variant[qid])
    if on_variant.correct:
        return RIGHT_ON_BOTH, True
    if on_variant.status != "wrong":
        problems.append(
            f"{qid}: on the relabelled copy: "
            f"{on_variant.status}{': ' + on_variant.detail if on_variant.detail else ''}"[:200]
        )
    return TYPED_ANSWER, False


def grade_folder(
    folder: Path,
    exercise=None,
    timeout: float = 60,
    max_time: float = 600,
    jobs=None,
    sandboxed: bool = True,
    variant_seed=None,
):
    """Grade every ``*.ipynb`` in ``folder``; return (expected per exercise,
    rows in file-name order, seed).

    ``exercise`` is used for notebooks that do not say which exercise they
    are; a notebook that says is always graded against its own. An exercise name
    is only ever one of the known exercises: any other (a NUL byte, 300
    characters) is a row's problem, never a file path.

    Notebooks are streamed, never all held at once: a first pass reads each one
    only to learn its exercise and fingerprint, then drops it; each grading job
    reads its notebook again, runs it and drops it.
    """
    paths = list_submissions(folder)
    known = _known_exercises()
    variables_of = {}
    for name in known:
        try:
            variables_of[name] = [q["variable"] for q in load_key(name)["questions"]]
        except Exception:  # a broken key is reported when that exercise is graded
            variables_of[name] = []
    before, belongs, rows, notes = {}, {}, {}, {}
    for path in paths:
        before[path] = sha256_of(path)
        notebook, problem = read_notebook(path)
        if problem:
            rows[path] = Row(display_name(path), status="not graded", problems=[problem])
            continue
        name = exercise_of(notebook) or exercise
        if not name:
            rows[path] = Row(
                display_name(path),
                status="not graded",
                problems=[
                    "cannot tell which exercise this is (its metadata and its answer_checker "
                    "line are missing): grade it with --exercise NAME"
                ],
            )
        elif name not in known:
            rows[path] = Row(
                display_name(path),
                status="not graded",
                problems=[f"there is no exercise {shown_name(name)} (known: {', '.join(known)})"],
            )
        else:
            belongs[path] = name
            notes[path] = exercise_problems(notebook, name, variables_of)
        del notebook
        _give_memory_back()
    wanted = sorted(set(belongs.values()))
    seed = variant_seed if variant_seed is not None else course_variant_seed()
    runner = Runner(timeout=timeout, max_time=max_time, sandboxed=sandboxed)
    jobs = max(1, jobs or os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="grade-variant-") as scratch:
        runner.variant_data = Path(scratch) / "data"
        # The variant stays in this private folder (mode 0700, the grader's alone): each sandbox
        # reads its own copy, made its user's alone (see runner.py), never a world-readable one.
        make_variant(data_dir(), runner.variant_data, seed)
        for root, dirs, files in os.walk(scratch):
            os.chmod(root, 0o700)
            for name in files:
                os.chmod(Path(root) / name, 0o600)
        expected = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {
                pool.submit(expected_answers, name, runner, runner.variant_data): name
                for name in wanted
            }
            unanswerable = {}
            for future in concurrent.futures.as_completed(futures):
                try:
                    expected[futures[future]] = future.result()
                except (
                    Exception
                ) as error:  # the instructor's side failing must still give every row
                    unanswerable[futures[future]] = f"{type(error).__name__}: {str(error)[:200]}"
            graded = {}
            for path, name in belongs.items():
                if name in unanswerable:
                    rows[path] = Row(
                        display_name(path),
                        exercise=name,
                        status="not graded",
                        problems=[
                            "the grader could not work out the right answers of "
                            f"{name!r}: {unanswerable[name]}"
                        ],
                    )
                else:
                    graded[
                        pool.submit(
                            _read_and_grade,
                            path,
                            before[path],
                            name,
                            expected[name],
                            runner,
                            notes[path],
                        )
                    ] = path
            for future, path in graded.items():
                rows[path] = future.result()
    for path in paths:
        if before[path] is not None and sha256_of(path) != before[path]:
            rows[path].problems.append(
                "WARNING: the submitted file changed or vanished while it was being graded"
            )
    return expected, [rows[path] for path in paths], seed


def _read_and_grade(
    path: Path, fingerprint, name: str, expected: Expected, runner: Runner, notes: list
) -> Row:
    """One grading job: read the notebook again, grade it, let it go (only the row is kept)."""
    notebook, problem = read_notebook(path)
    if problem or sha256_of(path) != fingerprint:
        return Row(
            display_name(path),
            exercise=name,
            status="not graded",
            problems=[problem or "WARNING: the submitted file changed while it was being graded"],
        )
    row = _guarded(grade_one, path, notebook, name, expected, runner)
    del notebook
    _give_memory_back()
    row.problems[:0] = notes
    if notes and row.status == "graded":
        row.status = "graded, with problems"
    return row


def _give_memory_back() -> None:
    """Return the memory of a notebook just dropped to the system
    (glibc keeps freed heap per thread).
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _guarded(grade, path, notebook, name, expected, runner) -> Row:
    try:
        return grade(path, notebook, name, expected, runner)
    except (
        Exception
    ) as error:  # a grader bug on one submission is that submission's row, not a crash
        return Row(
            display_name(path),
            exercise=name,
            status="not graded",
            problems=[f"grading failed: {type(error).__name__}: {str(error)[:160]}"],
        )


def _known_exercises() -> list:
    return sorted(p.stem for p in Path(KEY_DIR).glob("*.json"))
