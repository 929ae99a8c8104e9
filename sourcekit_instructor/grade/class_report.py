"""A class report to look at: one offline HTML page of charts,
each with alt text and the table behind it.

``make class-report`` (``python -m sourcekit_instructor.grade.class_report --out
gradebook.csv``) reads one grading run (the same files as :mod:`.feedback`)
and writes ``<out>_class_report.html``:

1. the distribution of totals, per exercise (auto-graded plus the written
   points graded so far, as a share of the points they could give);
2. per question, the share right and where the answers held (stored tables
   and relabelled copy, stored tables only, ...);
3. the most common wrong answers to each question, with the feedback they
   triggered (the same text ``check()`` gives): the misconceptions to
   discuss next class;
4. the rubric criteria most often missed in the written answers graded so far;
5. a profile by move: for sourcing, contextualization, corroboration and
   close reading, the share of points the class earned on the items that
   train it, auto-graded questions and written rubric criteria together
   (a criterion counts for its question's move, the one the master names).

Charts are drawn with matplotlib from these tables and embedded as PNG
(base64), so the page is one file that opens offline. Every number on the
page is computed from the gradebook, the answers file and the grades file.
"""

import argparse
import base64
import html
import io
import sys
from collections import Counter
from pathlib import Path

from sourcekit.checks import MOVES

from .account import (
    RIGHT_ON_BOTH,
    RIGHT_ON_STORED,
    TYPED_ANSWER,
    UNANSWERED,
    UNREADABLE,
    VARIANT_NOT_CHECKED,
    WRONG,
    WRONG_FORM,
)
from .feedback import Cycle, shown, teaching_feedback

HELD_ORDER = [
    RIGHT_ON_BOTH,
    RIGHT_ON_STORED,
    TYPED_ANSWER,
    VARIANT_NOT_CHECKED,
    WRONG,
    WRONG_FORM,
    UNREADABLE,
    UNANSWERED,
]


def _number(text):
    try:
        return float(str(text).lstrip("'"))
    except ValueError:
        return None


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


def class_tables(cycle: Cycle) -> dict:
    """Every table the report shows, as plain lists of dicts
    (the tests compare them with the gradebook).
    """
    graded_rows = [
        r
        for r in cycle.rows
        if r.get("exercise") in cycle.keys and str(r.get("status", "")).startswith("graded")
    ]
    totals, questions, wrong, missed = [], [], [], []
    move_points = {
        m: {
            "auto earned": 0.0,
            "auto possible": 0.0,
            "written earned": 0.0,
            "written possible": 0.0,
        }
        for m in MOVES
    }
    for exercise in sorted(cycle.keys):
        key, mine = cycle.keys[exercise], [r for r in graded_rows if r["exercise"] == exercise]
        if not mine:
            continue
        rubrics = cycle.rubrics.get(exercise, {})
        for row in mine:
            earned, possible = (
                _number(row.get("total")) or 0.0,
                _number(row.get("possible")) or 0.0,
            )
            for qid, rubric in rubrics.items():
                points, _, _ = cycle.written_result(row["submission"], exercise, qid)
                if points is not None:
                    earned, possible = earned + points, possible + rubric.points
            totals.append(
                {
                    "exercise": exercise,
                    "submission": row["submission"],
                    "earned": earned,
                    "possible": possible,
                    "percent": _pct(earned, possible),
                }
            )
        for question in key["questions"]:
            qid, points, move = question["id"], question.get("points", 1), question.get("move", "")
            held = Counter(row.get(f"q{qid} held on", "") for row in mine)
            right = sum(1 for row in mine if (_number(row.get(f"q{qid}")) or 0) >= points)
            questions.append(
                {
                    "exercise": exercise,
                    "question": qid,
                    "move": move,
                    "answers": len(mine),
                    "right": right,
                    "share right": _pct(right, len(mine)),
                    **{h: held.get(h, 0) for h in HELD_ORDER},
                    "other": sum(c for h, c in held.items() if h not in HELD_ORDER),
                }
            )
            if move in move_points:
                move_points[move]["auto earned"] += sum(
                    min(points, _number(row.get(f"q{qid}")) or 0) for row in mine
                )
                move_points[move]["auto possible"] += points * len(mine)
            values, entry_of = Counter(), {}
            for row in mine:
                if (_number(row.get(f"q{qid}")) or 0) >= points or row.get(
                    f"q{qid} held on"
                ) == TYPED_ANSWER:
                    # Right, or right on the stored tables: not a wrong answer (another lesson).
                    continue
                entry = cycle.answers.get(row["submission"], {}).get("answers", {}).get(qid)
                if entry and "value" in entry:
                    values[shown(entry)] += 1
                    entry_of.setdefault(shown(entry), entry)
            for answer, count in values.most_common(3):
                if count < 2:
                    break
                wrong.append(
                    {
                        "exercise": exercise,
                        "question": qid,
                        "answer": answer,
                        "count": count,
                        "share": _pct(count, len(mine)),
                        "feedback": teaching_feedback(question, key, exercise, entry_of[answer]),
                    }
                )
        for qid, rubric in sorted(rubrics.items()):
            graded = [(row, cycle.grades.get((row["submission"], qid))) for row in mine]
            graded = [(row, g) for row, g in graded if g and g["graded"]]
            for index, criterion in enumerate(rubric.criteria):
                met = sum(1 for _, g in graded if index in g["criteria"])
                missed.append(
                    {
                        "exercise": exercise,
                        "question": qid,
                        "criterion": criterion.label,
                        "move": rubric.move,
                        "graded": len(graded),
                        "missed": len(graded) - met,
                        "share missed": _pct(len(graded) - met, len(graded)),
                    }
                )
                if rubric.move in move_points:
                    move_points[rubric.move]["written earned"] += criterion.points * met
                    move_points[rubric.move]["written possible"] += criterion.points * len(graded)
    moves = []
    for move, p in move_points.items():
        earned, possible = (
            p["auto earned"] + p["written earned"],
            p["auto possible"] + p["written possible"],
        )
        moves.append(
            {
                "move": move,
                **{k: round(v, 2) for k, v in p.items()},
                "share of points": _pct(earned, possible),
            }
        )
    missed.sort(key=lambda m: (-m["share missed"], m["exercise"], m["question"]))
    return {
        "totals": totals,
        "questions": questions,
        "wrong": wrong,
        "missed": missed,
        "moves": moves,
    }


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _table(rows: list, columns: list, caption: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(r.get(c, '')))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _figure(png: str, alt: str, caption: str, table: str) -> str:
    return (
        f'<figure><img src="data:image/png;base64,{png}" alt="{html.escape(alt, quote=True)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>\n"
        f"<details><summary>The table behind this chart</summary>{table}</details>"
    )


def render(tables: dict, title: str = "Class report") -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{len(tables['totals'])} graded submission(s). Every number comes from the "
        "gradebook, the exported answers and the written grades entered so far.</p>",
    ]
    # 1. Totals.
    exercises = sorted({t["exercise"] for t in tables["totals"]})
    figure, axis = plt.subplots(figsize=(7, 3.2))
    bins = list(range(0, 101, 10))
    axis.hist(
        [[t["percent"] for t in tables["totals"] if t["exercise"] == e] for e in exercises],
        bins=bins,
        label=exercises,
        stacked=True,
    )
    axis.set_xlabel("share of points earned (%)")
    axis.set_ylabel("submissions")
    axis.legend(fontsize=8)
    summary = []
    rows = []
    for e in exercises:
        values = sorted(t["percent"] for t in tables["totals"] if t["exercise"] == e)
        median = values[len(values) // 2] if values else 0
        summary.append(f"{e}: {len(values)} submissions, median {median:g}%")
        for low in bins[:-1]:
            rows.append(
                {
                    "exercise": e,
                    "from %": low,
                    "to %": low + 10,
                    "submissions": sum(
                        1 for v in values if low <= v < low + 10 or (low == 90 and v == 100)
                    ),
                }
            )
    parts += [
        "<h2>Distribution of totals</h2>",
        _figure(
            _png(figure),
            "Histogram of the share of points each submission earned, stacked by exercise. "
            + "; ".join(summary)
            + ".",
            "Share of points earned per submission (auto-graded plus the "
            "written points graded so far).",
            _table(
                rows,
                ["exercise", "from %", "to %", "submissions"],
                "Submissions per band of 10 points in a hundred",
            ),
        ),
    ]
    plt.close(figure)
    # 2. Questions.
    qs = tables["questions"]
    figure, axis = plt.subplots(figsize=(7, max(3, 0.22 * len(qs))))
    labels = [f"{q['question']}" for q in qs]
    left = [0] * len(qs)
    for held in HELD_ORDER:
        shares = [_pct(q[held], q["answers"]) for q in qs]
        axis.barh(labels, shares, left=left, label=held)
        left = [a + b for a, b in zip(left, shares)]
    axis.invert_yaxis()
    axis.set_xlabel("share of answers (%)")
    axis.legend(fontsize=7, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    hardest = sorted(qs, key=lambda q: q["share right"])[:3]
    parts += [
        "<h2>Per question: share right, and where it held</h2>",
        _figure(
            _png(figure),
            "Stacked bars, one per question, of where the answers held. Hardest: "
            + "; ".join(f"{q['question']} {q['share right']:g}% right" for q in hardest)
            + ".",
            "Where each question's answers held: on the stored tables and the relabelled copy "
            "(right), on one only, or neither.",
            _table(
                qs,
                ["exercise", "question", "move", "answers", "right", "share right"]
                + HELD_ORDER
                + ["other"],
                "Answers per question",
            ),
        ),
    ]
    plt.close(figure)
    # 3. Wrong answers.
    parts += [
        "<h2>Most common wrong answers</h2>",
        "<p>Up to three per question, each given by at least two students, with the feedback "
        "<code>check()</code> gave them: the misconceptions to discuss next class.</p>",
        _table(
            tables["wrong"],
            ["exercise", "question", "answer", "count", "share", "feedback"],
            "Most common wrong answers and their feedback",
        )
        if tables["wrong"]
        else "<p>No wrong answer was given by two students or more.</p>",
    ]
    # 4. Rubric criteria missed.
    missed = [m for m in tables["missed"] if m["graded"]]
    if missed:
        top = missed[:12]
        figure, axis = plt.subplots(figsize=(7, max(2.5, 0.3 * len(top))))
        axis.barh(
            [f"{m['question']}: {m['criterion'][:40]}" for m in top],
            [m["share missed"] for m in top],
            color="#b45309",
        )
        axis.invert_yaxis()
        axis.set_xlabel("share of graded answers missing it (%)")
        parts += [
            "<h2>Rubric criteria most often missed</h2>",
            _figure(
                _png(figure),
                "Bars of the rubric criteria most often missed: "
                + "; ".join(
                    f"{m['question']} {m['criterion']} missed by {m['share missed']:g}%"
                    for m in top[:3]
                )
                + ".",
                "The written questions' rubric criteria, by the share of "
                "graded answers that missed them.",
                _table(
                    missed,
                    [
                        "exercise",
                        "question",
                        "criterion",
                        "move",
                        "graded",
                        "missed",
                        "share missed",
                    ],
                    "Rubric criteria missed",
                ),
            ),
        ]
        plt.close(figure)
    else:
        parts += [
            "<h2>Rubric criteria most often missed</h2>",
            "<p>No written answer has been graded yet (<code>make review</code>).</p>",
        ]
    # 5. Moves.
    moves = tables["moves"]
    figure, axis = plt.subplots(figsize=(7, 2.8))
    axis.barh([m["move"] for m in moves], [m["share of points"] for m in moves], color="#0b5cad")
    axis.invert_yaxis()
    axis.set_xlim(0, 100)
    axis.set_xlabel("share of points earned (%)")
    parts += [
        "<h2>Profile by move</h2>",
        "<p>How the class did on the items that train each historical-thinking move: "
        "auto-graded questions and written rubric criteria (graded so far) together; a "
        "criterion counts for its question's move.</p>",
        _figure(
            _png(figure),
            "Bars, one per move, of the share of points earned: "
            + "; ".join(f"{m['move']} {m['share of points']:g}%" for m in moves)
            + ".",
            "Share of points earned, by move.",
            _table(
                moves,
                [
                    "move",
                    "auto earned",
                    "auto possible",
                    "written earned",
                    "written possible",
                    "share of points",
                ],
                "Points by move",
            ),
        ),
    ]
    plt.close(figure)
    style = (
        "body{font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;max-width:60rem;margin:1rem "
        "auto;padding:0 1rem}img{max-width:100%;height:auto}"
        "table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid "
        "#8a8a8a;padding:.2rem "
        ".4rem;text-align:left;vertical-align:top}caption{text-align:left;font-weight:600}"
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src '
        "'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )


def write_class_report(out: Path, masters_dir=None) -> Path:
    cycle = Cycle(out, masters_dir)
    path = cycle.out.with_name(f"{cycle.out.stem}_class_report.html")
    path.write_text(render(class_tables(cycle)), encoding="utf-8")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sourcekit_instructor.grade.class_report",
        description="One offline HTML page of charts about a graded class.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("gradebook.csv"),
        help="the gradebook `make grade` wrote (default gradebook.csv)",
    )
    args = parser.parse_args(argv)
    try:
        path = write_class_report(args.out)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
