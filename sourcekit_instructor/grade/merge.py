"""Folding the written grades (``make review``) into the gradebooks and the LMS file:
one gradebook with everything.

``make merge`` (``python -m sourcekit_instructor.grade.merge --out gradebook.csv``)
reads the gradebooks ``make grade`` wrote and the grades file beside them,
and rewrites them in place; ``make grade`` does the same by itself when it
finds a grades file, so re-grading never loses the written scores. Running
it twice gives the same files.

What each written question's column says:

* its points, once the instructor has entered anything for it in the view;
* ``0 (blank)`` when the student wrote nothing (nothing to judge);
* ``not yet graded`` otherwise: **never 0**.

Four columns are added: ``written`` (points so far), ``written possible``,
``total with written`` and ``possible with written``; the total with written
says ``not yet graded`` while any written question of the row is. In the LMS
file the exercise's column header gives its full points (auto + written);
a student with a written question not yet graded gets an empty cell (the
LMS then leaves the grade as it was), and the merge lists who they are.

Identity patterns for the file names the LMSs give (``--identity``):

* **Canvas**, "Download submissions":
  ``doejane_123456_7654321_background_exercises.ipynb`` (``doejane_LATE_...``
  when late) is the login-like name, Canvas's numeric **user id**, the
  submission's attachment id, then the file's own name. ``doejane`` is not
  the SIS id; use ``^[^_]+_(?:LATE_)?(?P<user_id>\\d+)_``: the group named
  ``user_id`` fills Canvas's ``ID`` column, which its grade import matches.
  (A group named ``id`` fills ``SIS User ID``, for names that carry it.)
* **Moodle**, "Download all submissions":
  ``Jane Doe_4217_assignsubmission_file_background_exercises.ipynb`` is the
  full name, the assignment's **participant number**, then the plugin. Use
  ``_(?P<participant>\\d+)_assignsubmission_``: a group named
  ``participant`` writes, per exercise, the assignment's offline grading
  worksheet columns (``Identifier`` = ``Participant 4217``, ``Grade``), to
  upload in that assignment ("Upload grading worksheet"). A group named
  ``id`` writes the gradebook import with an ``ID number`` column instead.
"""

import argparse
import csv
import json
import re
import sys
from pathlib import Path

from .reports import as_number, spreadsheet_safe
from .written import rubrics_of, written_answers_path

NOT_GRADED = "not yet graded"
ADDED = ["written", "written possible", "total with written", "possible with written"]
CANVAS_PATTERN = r"^[^_]+_(?:LATE_)?(?P<user_id>\d+)_"
MOODLE_PATTERN = r"_(?P<participant>\d+)_assignsubmission_"


def _written_column(qid: str) -> str:
    return f"q{qid} (written)"


class WrittenGrades:
    """The written grades of one grading run: the review's grades file and
    the answers' word counts.
    """

    def __init__(self, out: Path, masters_dir=None):
        from ..review.store import GradeStore, review_db_path

        self.points = {}  # exercise -> {question: (possible, [criterion points])}
        self.masters_dir = masters_dir
        db = review_db_path(out)
        self.grades = {}
        if db.exists():
            store = GradeStore(db)
            self.grades = store.all()
            store.close()
        answers = written_answers_path(out)
        self.blank = set()
        if answers.exists():
            for record in json.loads(answers.read_text(encoding="utf-8"))["answers"]:
                if not record["text"].strip():
                    self.blank.add((record["submission"], record["question"]))

    def rubric_points(self, exercise: str) -> dict:
        if exercise not in self.points:
            try:
                rubrics = rubrics_of(exercise, self.masters_dir)
            except FileNotFoundError:
                rubrics = {}
            self.points[exercise] = {
                q: (r.points, [c.points for c in r.criteria]) for q, r in rubrics.items()
            }
        return self.points[exercise]

    def score(self, submission: str, exercise: str, qid: str):
        """Points (a number) or NOT_GRADED for one written answer."""
        from ..review.store import points_of

        possible, criteria = self.rubric_points(exercise).get(qid, (0, []))
        grade = self.grades.get((submission, qid))
        if grade and grade["graded"]:
            return points_of(criteria, grade["criteria"], grade["adjust"], possible)
        if (submission, qid) in self.blank:
            return 0.0
        return NOT_GRADED


def _number(text):
    try:
        return float(str(text).lstrip("'"))
    except ValueError:
        return None


def merge_rows(header: list, rows: list, grades: WrittenGrades):
    """(header, rows as dicts) with the written scores folded in; idempotent."""
    header = [h for h in header if h not in ADDED]
    at = header.index("problems") if "problems" in header else len(header)
    header = header[:at] + ADDED + header[at:]
    written_columns = [h for h in header if h.endswith(" (written)")]
    merged = []
    for row in rows:
        row = dict(row)
        exercise = row.get("exercise", "")
        mine = grades.rubric_points(exercise) if exercise else {}
        scores, pending = [], []
        for column in written_columns:
            qid = column[1 : -len(" (written)")]
            if qid not in mine:
                continue
            score = grades.score(row["submission"], exercise, qid)
            if score == NOT_GRADED:
                pending.append(qid)
                row[column] = NOT_GRADED
            else:
                scores.append(score)
                row[column] = (
                    as_number(score)
                    if (row["submission"], qid) not in grades.blank
                    or grades.grades.get((row["submission"], qid))
                    else "0 (blank)"
                )
        possible_written = sum(p for p, _ in mine.values())
        auto, auto_possible = _number(row.get("total", "")), _number(row.get("possible", ""))
        row["written"] = as_number(sum(scores)) if mine else ""
        row["written possible"] = as_number(possible_written) if mine else ""
        row["possible with written"] = (
            as_number((auto_possible or 0) + possible_written) if auto_possible is not None else ""
        )
        if auto is None:
            row["total with written"] = ""
        elif pending:
            row["total with written"] = f"{NOT_GRADED} ({', '.join(pending)})"
        else:
            row["total with written"] = as_number(auto + sum(scores))
        merged.append(row)
    return header, merged


def merge_file(path: Path, grades: WrittenGrades) -> list:
    """Rewrite one gradebook CSV with the written scores; returns its merged rows."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    if "submission" not in header or "exercise" not in header:
        raise ValueError(
            f"{path} is not a gradebook written by `make grade` (no "
            "submission and exercise columns)"
        )
    header, rows = merge_rows(header, rows, grades)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    k: spreadsheet_safe(v) if isinstance(v, str) and not v.startswith("'") else v
                    for k, v in row.items()
                }
            )
    return rows


def _person(submission: str, pattern):
    match = pattern.search(submission)
    if not match:
        return None, None
    named = {k: v for k, v in match.groupdict().items() if v}
    for kind in ("user_id", "participant", "id"):
        if kind in named:
            return kind, named[kind]
    return "id", match.group(1) if match.groups() else match.group(0)


def write_lms_with_written(rows: list, out: Path, lms: str, identity: str) -> tuple:
    """The LMS file(s) with auto + written per exercise; returns (paths written,
    problems to report).
    """
    pattern = re.compile(identity)
    possible, people, problems, kinds = {}, {}, [], set()
    for row in rows:
        exercise = row.get("exercise")
        if not exercise or row.get("possible with written") in ("", None):
            continue
        possible[exercise] = row["possible with written"]
        kind, person = _person(row["submission"], pattern)
        if person is None:
            problems.append(
                f"{row['submission']}: the file name does not match the identity pattern "
                f"{identity!r}; left out of the {lms} file"
            )
            continue
        kinds.add(kind)
        total = row.get("total with written", "")
        if isinstance(total, str) and total.startswith(NOT_GRADED):
            problems.append(
                f"{row['submission']}: {total}; its {exercise} cell "
                f"is left empty in the {lms} file"
            )
            total = ""
        previous = people.setdefault(person, {}).get(exercise)
        if previous not in (None, "") and total != "":
            problems.append(
                f"{row['submission']}: a second {exercise} submission for "
                f"{person}; the higher total is kept"
            )
            total = max(total, previous)
        people[person][exercise] = total if total != "" or previous is None else previous
    exercises = sorted(possible)
    stem = Path(out).with_name(f"{Path(out).stem}_{lms}")
    if lms == "moodle" and kinds == {"participant"}:
        paths = []
        for exercise in exercises:
            path = stem.with_name(f"{stem.name}_{exercise}.csv")
            with open(path, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["Identifier", "Grade", "Maximum grade"])
                for person in sorted(people, key=lambda p: int(p) if p.isdigit() else p):
                    if exercise in people[person]:
                        writer.writerow(
                            [f"Participant {person}", people[person][exercise], possible[exercise]]
                        )
            paths.append(path)
        return paths, problems
    path = stem.with_suffix(".csv")
    header = (
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
        if lms == "canvas"
        else ["ID number"]
    ) + [f"{e} ({possible[e]} points)" for e in exercises]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for person in sorted(people):
            if lms == "canvas":
                ids = ["", person, "", "", ""] if "user_id" in kinds else ["", "", person, "", ""]
            else:
                ids = [person]
            writer.writerow(
                [spreadsheet_safe(c) for c in ids] + [people[person].get(e, "") for e in exercises]
            )
    return [path], problems


def merge(out: Path, lms=None, identity=None, masters_dir=None) -> tuple:
    """Merge every gradebook of one grading run; returns (files written,
    lines for the instructor).
    """
    out = Path(out)
    if not out.exists():
        raise FileNotFoundError(f"{out} does not exist: run `make grade SUBMISSIONS=folder` first")
    grades = WrittenGrades(out, masters_dir)
    rows = merge_file(out, grades)
    written = [out]
    for exercise in sorted({r["exercise"] for r in rows if r.get("exercise")}):
        path = out.with_name(f"{out.stem}_{exercise}{out.suffix or '.csv'}")
        if path.exists():
            merge_file(path, grades)
            written.append(path)
    pending = [r for r in rows if str(r.get("total with written", "")).startswith(NOT_GRADED)]
    lines = [
        f"Written answers: {len(rows) - len(pending)} of {len(rows)} submission(s) fully graded; "
        f"{len(pending)} with a written question not yet graded."
    ]
    if lms:
        paths, problems = write_lms_with_written(
            rows, out, lms, identity or (CANVAS_PATTERN if lms == "canvas" else MOODLE_PATTERN)
        )
        written += paths
        lines += [f"  {lms}: {p}" for p in problems]
    return written, lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sourcekit_instructor.grade.merge",
        description=(
            "Fold the written grades of `make review` into the gradebooks and the LMS file."
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("gradebook.csv"),
        help="the combined gradebook `make grade` wrote (default gradebook.csv)",
    )
    parser.add_argument(
        "--lms",
        choices=["canvas", "moodle"],
        help="also write the LMS file with auto + written totals",
    )
    parser.add_argument(
        "--identity",
        help=(
            "regular expression taking the student from the file name (default for canvas "
            f"{CANVAS_PATTERN!r}, for moodle {MOODLE_PATTERN!r})"
        ),
    )
    args = parser.parse_args(argv)
    if args.identity:
        try:
            re.compile(args.identity)
        except re.error as error:
            print(
                f"error: --identity {args.identity!r} is not a regular expression ({error})",
                file=sys.stderr,
            )
            return 2
    try:
        written, lines = merge(args.out, args.lms, args.identity)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    print(f"Wrote {', '.join(str(p) for p in written)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
