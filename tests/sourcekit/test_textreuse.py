"""Text reuse: shared word runs and passages are found, quoted verbatim,
and only when they exist.
"""

import pytest

from sourcekit import source_texts
from sourcekit.textreuse import (
    longest_shared_passage,
    ngram_overlap,
    overlap_table,
    reuse_summary,
    shared_passages,
    shared_passages_table,
    word_ngrams,
    words,
)

PASSAGE = "the fortress city withstands the blows of the adversary, he said on Sunday"


def test_words_are_compared_case_folded_with_straight_apostrophes_and_keep_their_spans():
    text = "Aliyev’s FORCES, Aliyev's forces"
    found = words(text)
    assert [w.form for w in found] == ["aliyev's", "forces", "aliyev's", "forces"]
    assert [text[w.start : w.end] for w in found] == ["Aliyev’s", "FORCES", "Aliyev's", "forces"]


def test_spelling_is_not_normalised_so_an_edited_copy_shows_a_break():
    assert word_ngrams("the defence ministry", 3) != word_ngrams("the defense ministry", 3)


def test_word_ngrams_are_the_runs_of_n_consecutive_words():
    assert word_ngrams("a b c d", 2) == {("a", "b"), ("b", "c"), ("c", "d")}
    assert word_ngrams("a b", 5) == set()


def test_overlap_is_1_for_a_copy_0_for_unrelated_texts_and_shows_which_text_contains_the_other():
    assert ngram_overlap(PASSAGE, PASSAGE, 3)["jaccard"] == 1
    assert ngram_overlap(PASSAGE, "nothing in common with it at all here", 3)["shared"] == 0
    longer = PASSAGE + " and many more words that the shorter text does not have at all"
    overlap = ngram_overlap(PASSAGE, longer, 3)
    assert overlap["share_of_a"] == 1 and overlap["share_of_b"] < 0.6


def test_a_shared_passage_is_found_in_full_and_quoted_as_each_text_writes_it():
    text_a = f"Reports differ. “{PASSAGE}.” More text follows here."
    text_b = f'Quite another opening sentence: "{PASSAGE.upper()}" and then something else.'
    [passage] = shared_passages(text_a, text_b, min_words=8)
    assert passage.words == len(words(PASSAGE))
    assert passage.text_a == PASSAGE and passage.text_b == PASSAGE.upper()
    assert text_a[passage.start_a : passage.end_a] == passage.text_a
    assert text_b[passage.start_b : passage.end_b] == passage.text_b


def test_one_changed_word_splits_a_passage_and_short_runs_are_not_reported():
    edited = PASSAGE.replace("blows", "strikes")
    found = shared_passages(PASSAGE, edited, min_words=4)
    assert [p.text_a for p in found] == [
        "of the adversary, he said on Sunday",
        "the fortress city withstands the",
    ]
    assert shared_passages(PASSAGE, edited, min_words=8) == []
    assert longest_shared_passage("one two three", "four five six") is None


def test_passages_are_listed_longest_first():
    text_a = "alpha beta gamma delta epsilon zeta eta theta. " + PASSAGE
    text_b = PASSAGE + ". alpha beta gamma delta epsilon zeta eta theta"
    found = shared_passages(text_a, text_b, min_words=5)
    assert [p.words for p in found] == sorted((p.words for p in found), reverse=True)
    assert found[0].text_a == PASSAGE


def test_bad_arguments_get_a_message_not_a_traceback_from_deep_inside():
    with pytest.raises(TypeError, match="expected the text of a document as a string"):
        words(None)
    with pytest.raises(ValueError, match="whole number of words"):
        word_ngrams("a b c", 0)
    with pytest.raises(ValueError, match="whole number of words"):
        shared_passages("a", "b", min_words=0)


@pytest.fixture(scope="module")
def texts():
    return source_texts()


def test_every_pair_of_documents_is_compared_once(texts):
    table = overlap_table(texts)
    assert len(table) == len(texts) * (len(texts) - 1) // 2
    assert all(a < b for a, b in zip(table["a"], table["b"]))
    assert list(table["jaccard"]) == sorted(table["jaccard"], reverse=True)


def test_every_shared_passage_between_the_documents_is_verbatim_in_both(texts):
    table = shared_passages_table(texts)
    assert len(table) > 0
    for row in table.itertuples():
        assert row.passage_in_a in texts[row.a]
        assert row.passage_in_b in texts[row.b]
        assert len(words(row.passage_in_a)) == row.words >= 8


def test_the_reuse_the_manifest_notes_between_001_and_003_is_the_largest(texts):
    # The manifest's watch_for column says 003 "shares many sentences with 001".
    summary = reuse_summary(texts)
    top = summary.sort_values("shared", ascending=False).iloc[0]
    assert (top["a"], top["b"]) == ("001", "003")
    assert top["longest_passage_words"] == summary["longest_passage_words"].max()
