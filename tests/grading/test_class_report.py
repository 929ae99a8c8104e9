"""The class report: charts with alt text and their tables, the move profile,
numbers that match the gradebook.
"""

import csv
import random
import re
from html.parser import HTMLParser

import pytest

from sourcekit.checks import MOVES, load_key
from sourcekit_instructor.grade.class_report import class_tables, write_class_report
from sourcekit_instructor.grade.feedback import Cycle, answers_file_path, write_answers
from sourcekit_instructor.review.store import GradeStore, review_db_path

from .class_fixture import gradebook_rows, write_gradebooks, write_records, written_records

pytestmark = pytest.mark.slow  # matplotlib draws four charts: about ten seconds


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.headings, self.in_heading = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        self.in_heading = tag == "h2"

    def handle_data(self, data):
        if self.in_heading:
            self.headings.append(data)
            self.in_heading = False


def test_report_has_charts_with_alt_text_a_move_profile_and_the_gradebooks_numbers(tmp_path):
    out = tmp_path / "gradebook.csv"
    records = written_records(12, exercises=("background", "provenance"))
    write_records(records, out)
    rows = gradebook_rows(records)
    write_gradebooks(rows, out)
    write_answers(rows, answers_file_path(out))
    store, rng = GradeStore(review_db_path(out)), random.Random(3)
    graded = records[::2]
    for record in graded:
        store.update(
            record["submission"],
            record["question"],
            criteria=[
                i for i in range(5 if record["question"] == "5.12" else 4) if rng.random() < 0.5
            ],
        )
    store.close()

    path = write_class_report(out)
    page = path.read_text(encoding="utf-8")
    reader = Images()
    reader.feed(page)
    assert len(reader.images) == 4 and all(
        i["src"].startswith("data:image/png;base64,") and len(i["alt"]) > 40 for i in reader.images
    )
    assert reader.headings == [
        "Distribution of totals",
        "Per question: share right, and where it held",
        "Most common wrong answers",
        "Rubric criteria most often missed",
        "Profile by move",
    ]
    assert page.count("The table behind this chart") == 4
    assert "http" not in page.replace("http-equiv", ""), "offline: nothing fetched from anywhere"

    # The numbers, recomputed here from the gradebook CSV and the grades file,
    # independently of the report.
    with open(out, newline="", encoding="utf-8") as handle:
        book = list(csv.DictReader(handle))
    tables = class_tables(Cycle(out))
    for entry in tables["questions"]:
        mine = [r for r in book if r["exercise"] == entry["exercise"]]
        right = sum(1 for r in mine if float(r[f"q{entry['question']}"]) >= 1)
        assert (entry["answers"], entry["right"]) == (len(mine), right)
        assert (
            f"<td>{entry['question']}</td><td>{entry['move']}</td><td>{len(mine)}</td><td>{right}</td>"
            in page
        )
    auto = {m: [0.0, 0.0] for m in MOVES}
    for exercise in ("background", "provenance"):
        for question in load_key(exercise)["questions"]:
            for r in (r for r in book if r["exercise"] == exercise):
                auto[question["move"]][0] += float(r[f"q{question['id']}"])
                auto[question["move"]][1] += question.get("points", 1)
    written = {m: [0.0, 0.0] for m in MOVES}
    moves_of = {"1.9": "contextualization", "5.11": "sourcing", "5.12": "corroboration"}
    store = GradeStore(review_db_path(out))
    for (submission, qid), grade in store.all().items():
        written[moves_of[qid]][0] += len(
            [i for i in grade["criteria"] if i < (5 if qid == "5.12" else 4)]
        )
        written[moves_of[qid]][1] += 5 if qid == "5.12" else 4
    store.close()
    for entry in tables["moves"]:
        move = entry["move"]
        assert (entry["auto earned"], entry["auto possible"]) == tuple(auto[move]), move
        assert (entry["written earned"], entry["written possible"]) == tuple(written[move]), move
        total = sum(auto[move]) and round(
            100 * (auto[move][0] + written[move][0]) / (auto[move][1] + written[move][1]), 1
        )
        assert entry["share of points"] == total
        assert re.search(rf"<td>{move}</td>(<td>[^<]*</td>){{4}}<td>{total}</td>", page)
    assert {m["move"] for m in tables["moves"]} == set(MOVES)
    assert tables["wrong"] and all(
        w["count"] >= 2 and w["feedback"].startswith(f"Question {w['question']}: not")
        for w in tables["wrong"]
    )
    assert sum(1 for t in tables["totals"]) == len(book)
