"""The framing rule sorts sentences as its docstring says, and shows its cue for checking."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from sourcekit import read_source_text
from sourcekit.framing import (
    FRAMINGS,
    capture_sentences,
    classify_framing,
    framing_counts,
    is_about_the_capture,
    plot_framing_counts,
    split_sentences,
)


@pytest.mark.parametrize(
    "sentence, framing, cue",
    [
        ("If accurate, this would be a major strategic victory.", "conditional", "If"),
        ("Taking the town would be a major victory.", "conditional", "would be"),
        ("Aliyev said his forces had taken Shusha.", "attributed", "said"),
        ("Azerbaijan 'takes key town' in Armenia conflict", "attributed", "quotation marks"),
        ("The capture of Shushi is a great victory for Azerbaijan.", "stated as fact", ""),
    ],
)
def test_each_framing_is_decided_by_its_cue(sentence, framing, cue):
    assert classify_framing(sentence) == (framing, cue)


def test_an_apostrophe_is_not_a_quotation_mark():
    assert classify_framing("The country's forces took the city's heights, a victory.") == (
        "stated as fact",
        "",
    )


def test_sentences_about_other_things_are_left_out():
    assert not is_about_the_capture(
        "The most ferocious combat had taken place around Shusha overnight."
    )
    assert not is_about_the_capture("Certainly there is a feeling of loss here.")
    assert is_about_the_capture("If taken, it could serve as a staging post.")


def test_sentences_split_at_full_stops_and_lines_but_not_inside_a_quote():
    text = "He said “It is over.” Then he left.\nA new line. Mr. Putin spoke."
    assert split_sentences(text) == [
        "He said “It is over.”",
        "Then he left.",
        "A new line.",
        "Mr. Putin spoke.",
    ]


def test_every_sentence_found_is_verbatim_in_its_document():
    sentences = capture_sentences()
    assert set(sentences["framing"]) <= set(FRAMINGS)
    for row in sentences.itertuples():
        assert row.sentence in read_source_text(row.source_id)


def test_the_hedges_the_chapter_discusses_are_found_where_they_are():
    sentences = capture_sentences()

    def framing_of(source_id, start):
        rows = sentences[
            (sentences["source_id"] == source_id) & sentences["sentence"].str.startswith(start)
        ]
        assert len(rows) == 1, (source_id, start)
        return rows.iloc[0]["framing"]

    assert framing_of("001", "If accurate") == "conditional"
    assert framing_of("003", "If indeed") == "conditional"
    assert framing_of("004", "The capture of Shushi is a great victory") == "stated as fact"


def test_counts_give_every_document_every_framing_even_when_zero():
    counts = framing_counts(capture_sentences(), ["000", "001", "002", "003", "004", "999"])
    assert list(counts.columns) == list(FRAMINGS)
    assert counts.loc["999"].sum() == 0
    assert counts.values.sum() == len(capture_sentences())


def test_the_chart_labels_each_segment_with_its_count():
    counts = framing_counts(capture_sentences(), ["000", "001", "002", "003", "004"])
    ax = plot_framing_counts(counts)
    labels = sorted(int(t.get_text()) for t in ax.texts)
    assert labels == sorted(int(v) for v in counts.values.ravel() if v)
    plt.close("all")
