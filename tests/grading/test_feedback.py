"""Feedback pages: one per submission, every question with its result and the feedback check()
gives; hostile text shown as text.
"""

import re
import zipfile
from html.parser import HTMLParser

from sourcekit.checks import judge, load_key
from sourcekit_instructor.grade.account import RIGHT_ON_BOTH, TYPED_ANSWER
from sourcekit_instructor.grade.feedback import answers_file_path, write_answers, write_feedback
from sourcekit_instructor.review.store import GradeStore, review_db_path

from .class_fixture import gradebook_rows, write_gradebooks, write_records, written_records

HOSTILE = (
    '<script>alert(1)</script><img src=x onerror="alert(2)"> '
    '=HYPERLINK("http://x.example","click") </main><b>bold</b>'
)


class Reader(HTMLParser):
    """The tags and the text a browser would see."""

    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def read_page(text):
    reader = Reader()
    reader.feed(text)
    return reader.tags, "".join(reader.text)


def test_one_page_per_submission_with_every_question_its_result_and_feedback(tmp_path):
    out = tmp_path / "gradebook.csv"
    records = written_records(5, exercises=("background", "the_battle"), blank_every=4)
    records[0]["text"] = HOSTILE
    write_records(records, out)
    rows = gradebook_rows(records)
    hostile_row = rows[1]
    hostile_row.answers["1.1"] = {"value": HOSTILE}
    hostile_row.scores["1.1"], hostile_row.held["1.1"] = 0, "wrong form"
    write_gradebooks(rows, out)
    write_answers(rows, answers_file_path(out))
    store = GradeStore(review_db_path(out))
    store.update(
        records[0]["submission"],
        "1.9",
        criteria=[0, 3],
        comment="Attribute the 1994 truce to 001. <i>not markup</i>",
    )
    store.close()

    folder, archive, names = write_feedback(out)
    assert len(names) == len(rows) == len(set(names))
    with zipfile.ZipFile(archive) as bundle:
        assert sorted(bundle.namelist()) == sorted(names)
    for row, name in zip(rows, names):
        assert name.startswith(re.search(r"_(\d+)_", row.submission).group(1) + "_"), (
            "named by student"
        )
        tags, text = read_page((folder / name).read_text(encoding="utf-8"))
        assert "script" not in tags and "img" not in tags
        key = load_key(row.exercise)
        for question in key["questions"]:
            qid = question["id"]
            assert f"Question {qid} (" in text
            expected = judge(
                question,
                key["salt"],
                row.exercise,
                row.answers[qid]["value"] if "value" in row.answers[qid] else None,
            ).message
            assert f"Feedback: {expected}" in text, (
                f"{row.submission} {qid}: the same words check() gives"
            )
            points = question.get("points", 1)
            got = row.scores[qid]
            assert f"{got:g} of {points:g} point" in text
        written = [r for r in records if r["submission"] == row.submission]
        for record in written:
            assert f"Question {record['question']} (" in text and ", written," in text
    # Words for where an answer held, including the relabelled copy.
    held_texts = {held: [] for held in (RIGHT_ON_BOTH, TYPED_ANSWER)}
    for row, name in zip(rows, names):
        for qid, held in row.held.items():
            if held in held_texts:
                held_texts[held].append((folder / name).read_text(encoding="utf-8"))
    assert held_texts[TYPED_ANSWER], "the fixture has an answer right on the stored tables only"
    assert all(
        "Right on the stored tables, not on the relabelled copy" in t
        for t in held_texts[TYPED_ANSWER]
    )
    assert all(
        "Right: it holds on the stored tables and on the relabelled copy." in t
        for t in held_texts[RIGHT_ON_BOTH]
    )

    # The graded written answer: criteria met, points, comment; the hostile one shown as text.
    first = (folder / names[0]).read_text(encoding="utf-8")
    tags, text = read_page(first)
    assert HOSTILE in text, "the hostile answer is shown, as the text it is"
    assert (
        "2 of 4 points." in text
        and "Met: accurate comparison from the data" in text
        and "Not met: reads the population sentences" in text
    )
    assert "Attribute the 1994 truce to 001. <i>not markup</i>" in text and "i" not in tags
    assert "default-src 'none'" in first, "the page allows no script at all"
    tags, text = read_page((folder / names[1]).read_text(encoding="utf-8"))
    assert HOSTILE in text and "script" not in tags, (
        "a hostile auto-graded answer, and check()'s message quoting it, are text"
    )
    assert "Not yet graded." in text and "1.9 not yet graded" in text
