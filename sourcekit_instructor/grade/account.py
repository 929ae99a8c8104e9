"""The one account of grading: what runs, where, on which data, and what the gradebook says.

The instructor's manual and guides (``exercises/guides/_grading.md`` includes
the page ``make exercises`` writes from :func:`account_markdown`), the README's
grading paragraph (:data:`SUMMARY`, between the ``grading account`` markers,
rewritten by ``make exercises``) and the grader's ``--help``
(:func:`account_text`) are all made from :data:`SUMMARY` and :data:`ACCOUNT` below,
so they cannot drift apart. The verdicts the
gradebook writes are defined here too, and the grader (:mod:`.score`) uses
these very strings.
"""

import re
import textwrap

from .. import MASTERS_DIR

#: The verdicts a question's "held on" column can hold (the grader writes exactly these).
RIGHT_ON_STORED = "correct (reading question, stored tables)"
RIGHT_ON_BOTH = "correct on the stored tables and the relabelled copy"
TYPED_ANSWER = "right on the stored tables, wrong on the relabelled copy: a typed answer?"
VARIANT_NOT_CHECKED = (
    "correct on the stored tables (the relabelled copy could not be checked: see the summary)"
)
WRONG = "wrong"
UNANSWERED = "unanswered"
UNREADABLE = "unreadable"
WRONG_FORM = "wrong form"

#: The course's variant seed, kept with the masters (not published to students): the same
#: relabelled copy on every grading run, so the same notebook always gets the same grade.
SEED_FILE = MASTERS_DIR / "variant_seed.txt"


def course_variant_seed() -> int:
    """The seed in :data:`SEED_FILE` (its first line holding a whole number); else ValueError."""
    try:
        lines = SEED_FILE.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ValueError(
            f"no course variant seed: {SEED_FILE} is missing"
            " (put a whole number in it, or pass --variant-seed N)"
        ) from None
    for line in lines:
        if re.fullmatch(r"\s*\d+\s*", line):
            return int(line)
    raise ValueError(
        f"{SEED_FILE} holds no whole number on a line of its own (the course's variant seed)"
    )


#: The account in brief: the README's grading paragraph, and the first lines of the others.
SUMMARY = """\
Each submission runs in a bubblewrap sandbox twice: on the stored tables and on the course's
relabelled copy of them (the documents' ids swapped, rows shuffled, row ids renumbered; the same
copy on every run, so the same notebook always gets the same grade). A reading question is judged
on the stored tables, so a correct answer typed in from reading scores; a computation question,
whose prompt says "Compute it", must be right on both, and a typed value is reported as "right on
the stored tables, wrong on the relabelled copy: a typed answer?", never as a bare 0. The
gradebook gives each question's points and that verdict in words; the instructor's manual (and
`python -m sourcekit_instructor.grade --help`) says what each column means and how to read a zero.
"""

ACCOUNT = f"""\
**What runs, and where.** `make grade SUBMISSIONS=folder` (or `python -m sourcekit_instructor.grade
folder --out gradebook.csv`) grades every `.ipynb` file in the folder; the files are read, never
changed. A folder may mix the five exercises: each notebook is graded against the exercise its
metadata names (else its `answer_checker("...")` line, else `--exercise NAME`). Each submission's
code cells run, in order, in a bubblewrap sandbox (no network, no view of the keys, the other
submissions or the gradebook) with a fresh IPython shell per run, errors allowed (one broken cell
costs only the answers that need it), each cell stopped after `--timeout` seconds (60) and each
run after `--max-time` (600). Only the answer variables leave the sandbox, as plain values; the
grader judges them in its own process against answers it computes by running the instructor's
solutions on the same data.

**On which data.** Every submission runs twice: on the stored tables in `data/`, and on a
*relabelled copy*: the same documents and rows, with the five documents' ids swapped (every
document gets another's id), the rows shuffled and the row ids (`C01`, `R12`, ...) renumbered.
The copy is the same on every run (its seed is the course's, in
`exercises/source/variant_seed.txt`, printed in the summary), so grading a folder twice gives
the same gradebook; `--variant-seed N` grades on another copy. Each auto-graded question has a
kind, set in its master (`graded_on`) and told to the students:

* a **reading question** (`graded_on: stored`) asks for a reading or a judgement; it is judged on
  the stored tables only, so a correct answer typed in from reading scores full marks;
* a **computation question** (`graded_on: variant`) says in its prompt "Compute it: your code is
  run again on a copy of the tables with the documents relabelled". It scores only if the answer
  is right on both; a typed value is right on the stored tables only. The students' `check()`
  says so when the answer is correct but was typed.

Written questions are not scored: grade them by hand with the rubric in the instructor guide.

**The gradebook.** `gradebook.csv` has one row per file, and with several exercises also
`gradebook_<exercise>.csv` for each. Its columns:

* `submission`, `exercise`: the file's name and the exercise it was graded as;
* `status`: `graded`, `graded, with problems` (see `problems`) or `not graded` (the file could not
  be run at all; `problems` says why);
* `q1.1`, `q1.2`, ...: the points per auto-graded question (each is worth its `points`, 1 by
  default); `total` and `possible`;
* `q1.1 held on`, ...: the verdict behind each score, in words:
  `{RIGHT_ON_STORED}`; `{RIGHT_ON_BOTH}`;
  `{TYPED_ANSWER}` (0 points: the value is right, but it did not come from code that works on
  other tables); `{WRONG}`; `{UNANSWERED}` (still `...`, or never set); `{UNREADABLE}` or
  `{WRONG_FORM}` (the value could not be read as the question's form: `problems` says why);
* `q1.9 (written)`, ...: how many words the student wrote, or `blank`;
* `problems`: what went wrong in the run (a cell that raised or ran too long, an answer that
  could not be read), each naming its cell or question; `on the relabelled copy: ...` marks a
  problem that happened only there.

`gradebook_summary.txt` gives the run's seed, the statuses, the mean total and the share right
per question, how many computation answers were right on the stored tables only, and every
problem; with `--lms canvas` or `--lms moodle` a third file has one row per student and one
column per exercise.

**How to read a zero.** Look at the question's `held on` column. `{WRONG}`: the answer was read
and is not one the key accepts (the student's `check()` said "not yet" too). `{TYPED_ANSWER}`:
the value is right, but it was typed in, or the code leans on what the relabelling changes (a
document's stored id such as `'003'`, a row id such as `'C09'`); `check()` warned the student of
a typed value when they checked it. `{UNANSWERED}`, `{UNREADABLE}`, `{WRONG_FORM}`: read
`problems`, which
also names any cell that raised before the answer was set. A `not graded` row scores nothing
and says why.
"""


def account_markdown() -> str:
    """The account as a Markdown page section (the guides include it)."""
    note = (
        "% Generated by `make exercises` from sourcekit_instructor/grade/account.py:"
        " edit that, not this file.\n\n"
    )
    return note + SUMMARY + "\n" + ACCOUNT


def account_text(width: int = 88) -> str:
    """The account as plain text for ``--help``: Markdown marks dropped, lines re-filled."""
    text = re.sub(
        r"`([^`]*)`",
        lambda match: f"'{match.group(1)}'" if '"' in match.group(1) else f'"{match.group(1)}"',
        (SUMMARY + "\n" + ACCOUNT).replace("**", ""),
    )
    paragraphs = []
    for block in re.split(r"\n(?=\* )|\n\n", text):
        block = " ".join(block.split())
        if block.startswith("* "):
            paragraphs.append(
                textwrap.fill(block, width, initial_indent="", subsequent_indent="  ")
            )
        elif block:
            paragraphs.append(("\n" if paragraphs else "") + textwrap.fill(block, width))
    return "\n".join(paragraphs)
