"""Writing what grading found: the gradebook CSVs, the LMS import file and the summary."""

import csv
import re
from collections import Counter
from pathlib import Path

from .account import TYPED_ANSWER
from .expected import Expected
from .score import Row
from .submissions import one_line

#: The longest problem text written for one row's problem (a forged result may carry any length).
MAX_PROBLEM_CHARS = 300


def problems_text(row: Row) -> str:
    """The row's problems on one line: each escaped
    (:func:`.submissions.one_line`) and cut short.
    """
    return "; ".join(one_line(p)[:MAX_PROBLEM_CHARS] for p in row.problems)


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet will show, not run: text starting with = + - @
    (or a tab) is quoted with '.
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_number(value):
    return int(value) if float(value).is_integer() else round(value, 2)


def total_of(row: Row, expected: Expected):
    """The row's total, from scores clipped to each question's points."""
    return sum(
        min(q.get("points", 1), max(0, row.scores.get(q["id"], 0))) for q in expected.questions
    )


def write_gradebook(rows, expected_by_exercise: dict, out: Path) -> None:
    """One row per submission; per question its score and where its answer held; total; written;
    problems.
    """
    exercises = [expected_by_exercise[name] for name in sorted(expected_by_exercise)]
    questions = [q for e in exercises for q in e.questions]
    written = [w for e in exercises for w in e.written]
    header = (
        ["submission", "exercise", "status"]
        + [f"q{q['id']}" for q in questions]
        + ["total", "possible"]
    )
    header += (
        [f"q{q['id']} held on" for q in questions]
        + [f"q{w} (written)" for w in written]
        + ["problems"]
    )
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            mine = expected_by_exercise.get(row.exercise)
            graded = bool(row.scores) and mine is not None
            own = {q["id"] for q in mine.questions} if mine else set()
            scores = [
                as_number(min(q.get("points", 1), row.scores.get(q["id"], 0)))
                if graded and q["id"] in own
                else ""
                for q in questions
            ]
            total = as_number(total_of(row, mine)) if graded else ""
            possible = as_number(mine.possible) if mine else ""
            held = [row.held.get(q["id"], "") for q in questions]
            texts = [row.written.get(w, "") for w in written]
            cells = [
                one_line(row.submission),
                one_line(row.exercise),
                row.status,
                *scores,
                total,
                possible,
                *held,
                *texts,
                problems_text(row),
            ]
            writer.writerow([spreadsheet_safe(cell) for cell in cells])


LMS_COLUMNS = {
    # Canvas matches rows on "SIS User ID" (or "ID"); the four leading columns are
    # the ones its export has.
    "canvas": ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
    # Moodle's grade import maps one column to a user field (choose "ID number") and
    # the others to grade items.
    "moodle": ["ID number"],
}


def write_lms(rows, expected_by_exercise: dict, out: Path, lms: str, identity: str) -> list:
    """One row per student, one column per exercise (its auto-graded total);
    returns problems to report.

    ``identity`` is a regular expression with a group named ``id`` (or a
    first group) applied to each submission's file name, e.g.
    ``(?P<id>[^_]+)_`` for ``s1234_provenance.ipynb``. Two submissions of one
    exercise that give the same identity (two students whose names collide, or
    one student's two files) are never merged: that cell is left blank and the
    problem names both files, for the instructor to settle by hand.
    """
    pattern = re.compile(identity)
    exercises = sorted(expected_by_exercise)
    people, problems, claims = {}, [], {}
    for row in rows:
        name = one_line(row.submission)
        match = pattern.search(name)
        if not match:
            problems.append(
                f"{name}: the file name does not match the identity pattern "
                f"{identity!r}; left out of the {lms} file"
            )
            continue
        person = (
            match.groupdict().get("id")
            or match.groupdict().get("user_id")
            or (match.group(1) if match.groups() else match.group(0))
        )
        people.setdefault(person, {})
        if row.exercise in expected_by_exercise and row.scores:
            claims.setdefault((person, row.exercise), []).append(
                (name, as_number(total_of(row, expected_by_exercise[row.exercise])))
            )
    for (person, exercise), claimed in sorted(claims.items()):
        if len(claimed) == 1:
            people[person][exercise] = claimed[0][1]
        else:
            files = ", ".join(f"{name} ({total})" for name, total in claimed)
            problems.append(
                f"identity {person!r} is given by {len(claimed)} {exercise} "
                f"submissions: {files}; not merged: its {exercise} cell is left "
                "blank, enter the right score by hand"
            )
    lead = LMS_COLUMNS[lms]
    header = lead + [
        f"{name} ({as_number(expected_by_exercise[name].possible)} points)" for name in exercises
    ]
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for person in sorted(people):
            # A group named user_id is Canvas's numeric user id (its download's
            # file names): the ID column.
            ids = (
                (
                    ["", person, "", "", ""]
                    if "user_id" in pattern.groupindex
                    else ["", "", person, "", ""]
                )
                if lms == "canvas"
                else [person]
            )
            writer.writerow(
                [
                    spreadsheet_safe(cell)
                    for cell in ids + [people[person].get(name, "") for name in exercises]
                ]
            )
    return problems


def summary(
    expected_by_exercise: dict,
    rows,
    seconds: float,
    jobs: int,
    seed: int,
    sandboxed: bool,
    seed_origin: str = "the course's seed; another with --variant-seed N",
) -> str:
    """A few lines for the instructor: how many graded, what went wrong, how each question went."""
    names = ", ".join(repr(n) for n in sorted(expected_by_exercise)) or "no known"
    lines = [
        f"Graded {len(rows)} submission(s) of the {names} exercise(s) in "
        f"{seconds:.1f} s with {jobs} worker(s)."
    ]
    lines.append(
        (
            "Each ran in a bubblewrap sandbox"
            if sandboxed
            else "WARNING: run with --no-sandbox: submissions ran WITHOUT isolation"
        )
        + (
            ", on the stored tables and on the relabelled copy made "
            f"with seed {seed} ({seed_origin})."
        )
    )
    statuses = Counter(r.status for r in rows)
    lines.append(
        "Status: "
        + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        + "."
    )
    for name in sorted(expected_by_exercise):
        expected = expected_by_exercise[name]
        graded = [r for r in rows if r.exercise == name and r.scores]
        if graded:
            mean = sum(total_of(r, expected) for r in graded) / len(graded)
            lines.append(
                f"{name}: mean auto-graded total {mean:.1f} of "
                f"{as_number(expected.possible)} (over {len(graded)} graded)."
            )
            shares = [
                f"{q['id']}: {100 * share_right(graded, q):.0f}%" for q in expected.questions
            ]
            lines.append("  Answered correctly: " + ", ".join(shares) + ".")
        computing = [q for q in expected.questions if q.get("graded_on", "variant") == "variant"]
        reading = [
            q["id"] for q in expected.questions if q.get("graded_on", "variant") == "stored"
        ]
        if reading:
            lines.append(
                "  Reading questions (judged on the stored tables; a typed answer "
                f"scores): {', '.join(reading)}."
            )
        if computing:
            lines.append(
                "  Computation questions (judged on the stored tables and the relabelled copy): "
                f"{', '.join(q['id'] for q in computing)}."
            )
            typed = [
                (q["id"], sum(1 for r in graded if r.held.get(q["id"]) == TYPED_ANSWER))
                for q in computing
            ]
            typed = [f"{qid} ({count})" for qid, count in typed if count]
            if typed:
                lines.append(
                    "  Right on the stored tables, wrong on the relabelled copy (a typed "
                    f"answer?), per question: {', '.join(typed)}."
                )
            fixed = [q["id"] for q in computing if expected.fixed(q["id"])]
            if fixed:
                lines.append(
                    f"  This relabelled copy does not change the answer of {', '.join(fixed)}: "
                    "there a typed answer holds too."
                )
            unchecked = [q["id"] for q in computing if not expected.variant.get(q["id"])]
            if unchecked:
                lines.append(
                    "  WARNING: the instructor's solution gave no answer on the relabelled copy "
                    f"for {', '.join(unchecked)}, so they were judged on the stored tables alone."
                )
        for problem in expected.problems:
            lines.append(f"  WARNING: {problem}")
        if expected.written:
            lines.append(
                f"  Written question(s) {', '.join(expected.written)}: grade by hand with the "
                "rubric in the instructor guide."
            )
    for row in rows:
        if row.status != "graded":
            lines.append(f"  {one_line(row.submission)}: {row.status}: {problems_text(row)}")
    return "\n".join(lines)


def share_right(rows, question) -> float:
    """The share of ``rows`` (graded submissions) that earned all of ``question``'s points."""
    points = question.get("points", 1)
    return sum(1 for row in rows if row.scores.get(question["id"], 0) >= points) / len(rows)
