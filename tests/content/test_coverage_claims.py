"""A sentence counts as coded only if the table rows quote nearly all of it, not one clause of it.

The first rule (any quote sharing 20 characters with a sentence codes it) let
sentences count as coded whose main claim was in no row: the row held the
sentence's date clause, and the claim beside it was tabled nowhere.
"""

import csv

import pandas as pd

import sourcekit
from sourcekit import schema
from sourcekit.coverage import MIN_COVERED_SHARE, covered_share, sentence_spans, sentence_status


def _frames_with_timeline_quotes(source_id, quotes):
    frames = {
        table.file: pd.DataFrame(columns=table.column_names) for table in schema.QUOTED_TABLES
    }
    frames[schema.TIMELINE.file] = pd.DataFrame(
        [
            {"event_id": f"T{n:02d}", "source_id": source_id, "quote": quote}
            for n, quote in enumerate(quotes, start=1)
        ]
    )
    return frames


def test_a_quote_of_one_clause_does_not_code_the_sentence():
    text = (
        "The army started to disintegrate and two days after the battle,"
        " the minister announced a ceasefire."
    )
    result = sentence_status(
        {"999": text},
        _frames_with_timeline_quotes(
            "999", ["two days after the battle, the minister announced a ceasefire."]
        ),
    )
    assert list(result["status"]) == ["neither"]
    assert list(result["rows"]) == ["timeline.csv:T01"], (
        "the partial row is still named, so a reader sees which part is tabled"
    )


def test_quotes_that_together_cover_the_sentence_code_it():
    text = (
        "[12] The army started to disintegrate and two days after the battle,"
        " the minister announced a ceasefire."
    )
    quotes = [
        "The army started to disintegrate",
        "two days after the battle, the minister announced a ceasefire.",
    ]
    result = sentence_status({"999": text}, _frames_with_timeline_quotes("999", quotes))
    assert list(result["status"]) == ["coded"]


def test_footnote_markers_do_not_count_as_words_of_the_sentence():
    text = "[203][204] The army started to disintegrate.[205]"
    start, end, sentence = sentence_spans(text)[0]
    quote_start = text.index("The army")
    share = covered_share(
        (start, end, sentence),
        [(quote_start, quote_start + len("The army started to disintegrate."))],
    )
    assert share == 1.0


def test_a_real_sentence_coded_only_in_part_is_caught_when_dropped_from_the_list(data_copy):
    """000's 'The Armenian army started to disintegrate': T56 quotes only its ceasefire clause."""
    path = data_copy / schema.UNCODED_SENTENCES.file
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    dropped = next(r for r in rows if "started to disintegrate" in r["quote"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=schema.UNCODED_SENTENCES.column_names, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(r for r in rows if r is not dropped)
    after = sentence_status(sourcekit.source_texts(), sourcekit.load_all_tables())
    neither = after[after["status"] == "neither"]
    assert list(neither["text"]) == [dropped["quote"]]
    assert "timeline.csv:T" in neither["rows"].iloc[0]
    assert neither["share quoted"].iloc[0] < MIN_COVERED_SHARE


def test_every_coded_sentence_is_quoted_nearly_whole():
    status = sentence_status(sourcekit.source_texts(), sourcekit.load_all_tables())
    coded = status[status["status"] == "coded"]
    assert (coded["share quoted"] >= MIN_COVERED_SHARE).all()
