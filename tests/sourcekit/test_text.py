"""One rule for sentences and whole words, shared by every page that reads the texts."""

from sourcekit import read_source_text
from sourcekit.text import split_sentences, whole_word_pattern


def test_a_stray_closing_quote_at_a_line_start_is_left_out():
    """Document 000's extract has lines that open with the previous sentence's closing quote."""
    assert split_sentences('"[156] He reiterated this.') == ["[156] He reiterated this."]
    assert split_sentences("” He left. “Yes,” she said.") == ["He left.", "“Yes,” she said."]


def test_a_balanced_opening_quote_is_kept():
    assert split_sentences('"We returned," he said.') == ['"We returned," he said.']


def test_every_sentence_is_an_exact_substring_of_its_document():
    for source_id in ("000", "001", "002", "003", "004"):
        text = read_source_text(source_id)
        assert all(sentence in text for sentence in split_sentences(text)), source_id


def test_whole_words_only():
    pattern = whole_word_pattern(["Karabakh", "Nagorno-Karabakh"])
    assert [m.group(1) for m in pattern.finditer("Nagorno-Karabakh, Karabakh; Karabakhi")] == [
        "Nagorno-Karabakh",
        "Karabakh",
    ]
