"""The course's promise: every sentence of every document is coded in a table
or listed with a reason.
"""

import csv

import pytest

import sourcekit
from sourcekit import schema
from sourcekit.coverage import coverage_by_document, sentence_status
from sourcekit.text import split_sentences


@pytest.fixture(scope="module")
def status():
    return sentence_status(sourcekit.source_texts(), sourcekit.load_all_tables())


def test_every_sentence_is_coded_or_listed_with_a_reason(status):
    neither = status[status["status"] == "neither"]
    assert neither.empty, (
        "sentences neither coded in a table nor listed in data/uncoded_sentences.csv:\n"
        + "\n".join(
            f"  {row.source_id} sentence {row.sentence}: {row.text}"
            for row in neither.itertuples()
        )
    )


def test_every_listed_quote_is_one_whole_sentence_of_its_document():
    texts = sourcekit.source_texts()
    for row in sourcekit.load_uncoded_sentences().itertuples():
        assert row.quote in split_sentences(texts[row.source_id]), (row.sentence_id, row.quote)


def test_no_listed_sentence_is_also_coded(status):
    """A sentence that a table row now reaches must leave the list, or the list goes stale."""
    listed = set(sourcekit.load_uncoded_sentences()["sentence_id"])
    still_listed = set(status.loc[status["uncoded_id"] != "", "uncoded_id"])
    coded_and_listed = status[(status["status"] == "coded") & (status["uncoded_id"] != "")]
    assert coded_and_listed.empty, list(coded_and_listed["uncoded_id"])
    assert listed == still_listed, (
        f"listed sentences that match no sentence: {sorted(listed - still_listed)}"
    )


def test_a_sentence_dropped_from_the_list_is_caught(data_copy):
    path = data_copy / schema.UNCODED_SENTENCES.file
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    dropped = next(r for r in rows if r["reason_kind"] == "claim not tabled")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=schema.UNCODED_SENTENCES.column_names, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(r for r in rows if r is not dropped)
    after = sentence_status(sourcekit.source_texts(), sourcekit.load_all_tables())
    assert list(after.loc[after["status"] == "neither", "text"]) == [dropped["quote"]]


def test_a_quote_that_only_brushes_a_sentence_does_not_code_it():
    text = "First sentence is here and long enough. Second sentence follows it."
    frames = {table.file: None for table in schema.ALL_TABLES}
    import pandas as pd

    for table in schema.QUOTED_TABLES:
        frames[table.file] = pd.DataFrame(columns=table.column_names)
    frames[schema.TIMELINE.file] = pd.DataFrame(
        [{"event_id": "T01", "source_id": "999", "quote": "enough. Second"}]
    )
    result = sentence_status({"999": text}, frames)
    assert list(result["status"]) == ["neither", "neither"]


def test_coverage_counts_add_up_and_every_claim_is_accounted_for(status):
    table = coverage_by_document(status)
    assert list(table.index) == ["000", "001", "002", "003", "004", "all"]
    assert (table["sentences"] >= table["claim-bearing"]).all()
    assert (table["coded"] + table["listed"] == table["claim-bearing"]).all()
    assert (table["coded or listed %"] == 100.0).all()
    assert table.loc["all", "sentences"] == sum(
        len(split_sentences(t)) for t in sourcekit.source_texts().values()
    )
