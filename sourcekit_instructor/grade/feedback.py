"""Feedback returned to each student: one offline HTML page per submission,
and all of them in one zip.

``make feedback`` (``python -m sourcekit_instructor.grade.feedback --out
gradebook.csv``) reads what one grading run left beside its gradebook: the
gradebook (merged or not), each submission's answers (``<out>_answers.json``,
written by ``make grade``), the written answers and the grades entered in
``make review``. For every question the page gives the student's answer,
whether it earned its points, said in words (including "right on the stored
tables, not on the relabelled copy"), and the course's teaching feedback for
that answer: the very text ``check()`` prints in the notebook
(:func:`sourcekit.checks.judge`, unsealed with the key), so the self-check
and the grade never tell a student two different things. Written questions
show the rubric criteria met, the points and the instructor's comment.

Every piece of student text is escaped (:func:`html.escape`) and the page
forbids scripts (a Content-Security-Policy that allows none), so an answer
holding HTML, a script or a spreadsheet formula is shown as the text it is.
"""

import argparse
import csv
import html
import json
import re
import sys
import zipfile
from pathlib import Path

from sourcekit.checks import UNANSWERED, judge, load_key

from .account import (
    RIGHT_ON_BOTH,
    RIGHT_ON_STORED,
    TYPED_ANSWER,
    UNREADABLE,
    VARIANT_NOT_CHECKED,
    WRONG,
    WRONG_FORM,
)
from .account import (
    UNANSWERED as NOT_ANSWERED,
)
from .written import rubrics_of, written_answers_path

#: What the gradebook's "held on" column says (the verdicts of :mod:`.account`),
#: in words for the student.
HELD_WORDS = {
    RIGHT_ON_STORED: "Right.",
    RIGHT_ON_BOTH: "Right: it holds on the stored tables and on the relabelled copy.",
    TYPED_ANSWER: (
        "Right on the stored tables, not on the relabelled copy: this question asks you to "
        "compute its answer, and the same code, run on a copy of the tables with the documents "
        "relabelled and the rows shuffled, did not give that copy's answer (a typed-in value, or "
        "code that names a document or row by its stored id), so it earned no points."
    ),
    VARIANT_NOT_CHECKED: (
        "Right on the stored tables (this question could not be checked on the relabelled copy)."
    ),
    WRONG: "Not right.",
    NOT_ANSWERED: "Not answered.",
    WRONG_FORM: "Not in the form the question asks for.",
    UNREADABLE: "The answer could not be read after the notebook ran.",
}


def answers_file_path(out: Path) -> Path:
    """Where ``make grade --out OUT`` keeps each submission's exported answers: beside OUT."""
    out = Path(out)
    return out.with_name(f"{out.stem}_answers.json")


def write_answers(rows, path: Path) -> None:
    """{submission: {question id: exported entry}} for the feedback pages and the class report."""
    data = {
        row.submission: {"exercise": row.exercise, "answers": row.answers}
        for row in rows
        if row.answers
    }
    Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def teaching_feedback(question: dict, key: dict, exercise: str, entry) -> str:
    """The message ``check()`` gives for this answer in the notebook."""
    if not entry or entry.get("unanswered"):
        value = UNANSWERED
    elif "value" in entry:
        value = entry["value"]
    else:
        return (
            f"Question {question['id']}: the answer could not be read "
            f"({entry.get('unreadable', 'unknown reason')})."
        )
    return judge(question, key["salt"], exercise, value).message


def shown(entry) -> str:
    """The student's answer as they would recognise it (Python-like), as plain text."""
    if not entry or entry.get("unanswered"):
        return "(not answered)"
    if "value" not in entry:
        return "(could not be read)"
    return (
        repr(entry["value"])
        if not isinstance(entry["value"], list)
        else "[" + ", ".join(repr(v) for v in entry["value"]) + "]"
    )


def _number(text):
    try:
        return float(str(text).lstrip("'"))
    except ValueError:
        return None


def _fmt(x) -> str:
    return f"{x:g}"


STYLE = """\
body{font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;max-width:48rem;margin:1rem auto;\
padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem;border-top:1px solid \
#8a8a8a;padding-top:.75rem}
.answer{white-space:pre-wrap;background:#f4f4f4;padding:.5rem;border-radius:4px;\
font-family:ui-monospace,monospace}
.written{font-family:inherit}.result{font-weight:600}\
.comment{border-left:4px solid #0b5cad;padding-left:.5rem}"""


def page(title: str, body: list) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src '
        "'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


class Cycle:
    """What one grading run left beside ``out``: gradebook rows, answers, written texts,
    review grades.
    """

    def __init__(self, out: Path, masters_dir=None):
        from ..review.store import GradeStore, review_db_path

        self.out = Path(out)
        if not self.out.exists():
            raise FileNotFoundError(
                f"{self.out} does not exist: run `make grade SUBMISSIONS=folder` first"
            )
        with open(self.out, newline="", encoding="utf-8") as handle:
            self.rows = list(csv.DictReader(handle))
        answers = answers_file_path(self.out)
        self.answers = json.loads(answers.read_text(encoding="utf-8")) if answers.exists() else {}
        texts = written_answers_path(self.out)
        self.texts, self.students = {}, {}
        if texts.exists():
            for record in json.loads(texts.read_text(encoding="utf-8"))["answers"]:
                self.texts[(record["submission"], record["question"])] = record["text"]
                if record.get("student"):
                    self.students[record["submission"]] = record["student"]
        db = review_db_path(self.out)
        self.grades = {}
        if db.exists():
            store = GradeStore(db)
            self.grades = store.all()
            store.close()
        self.keys, self.rubrics = {}, {}
        for exercise in sorted({r["exercise"] for r in self.rows if r.get("exercise")}):
            try:
                self.keys[exercise] = load_key(exercise)
                self.rubrics[exercise] = rubrics_of(exercise, masters_dir)
            except (LookupError, FileNotFoundError):
                continue

    def written_result(self, submission: str, exercise: str, qid: str):
        """(points or None if not yet graded, ticked criteria indexes, comment)."""
        from ..review.store import points_of

        rubric = self.rubrics[exercise][qid]
        grade = self.grades.get((submission, qid))
        if grade and grade["graded"]:
            return (
                points_of(
                    [c.points for c in rubric.criteria],
                    grade["criteria"],
                    grade["adjust"],
                    rubric.points,
                ),
                grade["criteria"],
                grade["comment"],
            )
        if not self.texts.get((submission, qid), "").strip() and (submission, qid) in self.texts:
            return 0.0, [], ""
        return None, [], ""


def feedback_page(cycle: Cycle, row: dict) -> str:
    """One submission's page."""
    esc = html.escape
    submission, exercise = row["submission"], row.get("exercise", "")
    title = f"Feedback: {exercise.replace('_', ' ')} exercises"
    body = [f"<h1>{esc(title)}</h1>", f"<p>Submission: <code>{esc(submission)}</code></p>"]
    key = cycle.keys.get(exercise)
    if key is None or not row.get("status", "").startswith("graded"):
        body.append(
            "<p>This submission was not graded: "
            f"{esc(row.get('problems', '') or 'its exercise is unknown')}. "
            "Please ask your instructor.</p>"
        )
        return page(title, body)
    auto, auto_possible = _number(row.get("total")), _number(row.get("possible"))
    entries = cycle.answers.get(submission, {}).get("answers", {})
    written_points, written_possible, pending = 0.0, 0.0, []
    sections = []
    for question in key["questions"]:
        qid, points = question["id"], question.get("points", 1)
        held = row.get(f"q{qid} held on", "")
        score = _number(row.get(f"q{qid}", "")) or 0
        result = HELD_WORDS.get(held, f"Where it held: {held}." if held else "")
        sections += [
            f'<section aria-labelledby="q-{esc(qid)}">',
            f'<h2 id="q-{esc(qid)}">Question {esc(qid)} ({esc(question.get("move", ""))}, '
            f"{_fmt(points)} point{'s' if points != 1 else ''})</h2>",
            "<p>Your answer:</p>",
            f'<div class="answer">{esc(shown(entries.get(qid)))}</div>',
            f'<p class="result">{esc(result)} {_fmt(score)} of {_fmt(points)} '
            f"point{'s' if points != 1 else ''}.</p>",
            "<p>Feedback: "
            f"{esc(teaching_feedback(question, key, exercise, entries.get(qid)))}</p>",
            "</section>",
        ]
    for qid, rubric in sorted(cycle.rubrics.get(exercise, {}).items()):
        points, ticked, comment = cycle.written_result(submission, exercise, qid)
        written_possible += rubric.points
        text = cycle.texts.get((submission, qid), "")
        sections += [
            f'<section aria-labelledby="q-{esc(qid)}">',
            f'<h2 id="q-{esc(qid)}">Question {esc(qid)} ({esc(rubric.move)}, written, '
            f"{_fmt(rubric.points)} points)</h2>",
            "<p>Your answer:</p>",
            '<div class="answer '
            f'written">{esc(text) if text.strip() else "(blank: nothing written)"}</div>',
        ]
        if points is None:
            pending.append(qid)
            sections.append('<p class="result">Not yet graded.</p>')
        else:
            written_points += points
            sections.append(
                f'<p class="result">{_fmt(points)} of {_fmt(rubric.points)} points.</p>'
            )
            items = "".join(
                f"<li>{'Met' if i in ticked else 'Not met'}: <strong>{esc(c.label)}</strong> "
                f"({_fmt(c.points)} point{'s' if c.points != 1 else ''}): {esc(c.text)}</li>"
                for i, c in enumerate(rubric.criteria)
            )
            sections.append(f"<p>The rubric:</p><ul>{items}</ul>")
            if comment.strip():
                sections.append(
                    '<div class="comment"><p>Your instructor\'s '
                    f"comment:</p><p>{esc(comment)}</p></div>"
                )
        sections.append("</section>")
    if auto is not None:
        total = (
            f"{_fmt(auto + written_points)} of "
            f"{_fmt((auto_possible or 0) + written_possible)} points"
            if not pending
            else (
                f"{_fmt(auto)} of {_fmt(auto_possible or 0)} points on the auto-graded "
                f"questions; written question(s) {', '.join(pending)} not yet graded"
            )
        )
        body.append(f"<p><strong>Total:</strong> {esc(total)}.</p>")
    body.append(
        "<p>Each auto-graded answer was checked twice: on the course's stored tables, and on a "
        "copy of them with the documents relabelled and the rows shuffled, so that an answer "
        "earns its points only when the code that produced it works on both. The feedback is the "
        "same text the notebook's <code>check()</code> gives.</p>"
    )
    return page(title, body + sections)


def _file_name(cycle: Cycle, submission: str) -> str:
    student = cycle.students.get(submission)
    stem = Path(submission).stem
    name = f"{student}_{stem}" if student else stem
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:150] + ".html"


def write_feedback(out: Path, masters_dir=None) -> tuple:
    """Write one page per submission into ``<out>_feedback/`` and all of them
    into ``<out>_feedback.zip``.
    """
    cycle = Cycle(out, masters_dir)
    folder = cycle.out.with_name(f"{cycle.out.stem}_feedback")
    folder.mkdir(exist_ok=True)
    names = []
    for row in cycle.rows:
        name = _file_name(cycle, row["submission"])
        (folder / name).write_text(feedback_page(cycle, row), encoding="utf-8")
        names.append(name)
    archive = cycle.out.with_name(f"{cycle.out.stem}_feedback.zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in names:
            bundle.write(folder / name, name)
    return folder, archive, names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sourcekit_instructor.grade.feedback",
        description=(
            "One offline feedback page per submission, and a zip of them, from a grading run."
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("gradebook.csv"),
        help="the gradebook `make grade` wrote (default gradebook.csv)",
    )
    args = parser.parse_args(argv)
    try:
        folder, archive, names = write_feedback(args.out)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {len(names)} feedback page(s) in {folder} and {archive}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
