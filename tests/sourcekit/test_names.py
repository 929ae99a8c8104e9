"""Names are counted as whole words, so 'Shushakend' and 'Shushan' are not the city."""

import pytest

from sourcekit import count_name_forms, name_usage_table, read_source_text, source_texts
from sourcekit.names import (
    NAME_FORMS,
    VOICES,
    count_name_forms_by_voice,
    name_occurrences,
    name_usage_by_voice,
)
from sourcekit.text import quoted_spans


def test_shusha_inside_a_village_name_is_not_counted():
    assert count_name_forms("Chanakchi, Signag, Shushakend, and Dashalty", ["Shusha"]) == {
        "Shusha": 0
    }


def test_shushi_inside_a_first_name_is_not_counted():
    text = "Armenian defence ministry spokeswoman Shushan Stepanyan said"
    assert count_name_forms(text, ["Shushi", "Shusha"]) == {"Shushi": 0, "Shusha": 0}


def test_possessives_and_punctuation_still_count():
    assert count_name_forms("Shusha’s fall; Shushi, the city. (Shusha)", ["Shusha", "Shushi"]) == {
        "Shusha": 2,
        "Shushi": 1,
    }


def test_karabakh_inside_nagorno_karabakh_is_counted_once():
    counts = count_name_forms(
        "Nagorno-Karabakh and Karabakh and Nagorno Karabakh",
        ["Nagorno-Karabakh", "Nagorno Karabakh", "Karabakh"],
    )
    assert counts == {"Nagorno-Karabakh": 1, "Nagorno Karabakh": 1, "Karabakh": 1}


def test_whole_word_counts_differ_from_naive_substring_counts_in_document_001():
    text = read_source_text("001")
    whole = count_name_forms(text, ["Shusha"])["Shusha"]
    assert text.count("Shusha") == whole + text.count("Shushan")


def test_name_usage_table_has_a_row_per_document_and_form_with_its_voices():
    table = name_usage_table()
    assert set(table["source_id"]) == {"000", "001", "002", "003", "004"}
    assert not table.duplicated(["source_id", "referent", "form"]).any()
    assert (table[list(VOICES)].sum(axis=1) == table["count"]).all()
    shushi = table[(table.form == "Shushi")].set_index("source_id")["count"]
    assert shushi["004"] > 0 and shushi["000"] == 0


def test_the_long_table_has_a_voice_column_with_the_same_counts():
    long = name_usage_by_voice()
    assert set(long["voice"]) == set(VOICES)
    wide = name_usage_table().melt(
        id_vars=["source_id", "referent", "form"],
        value_vars=list(VOICES),
        var_name="voice",
        value_name="n",
    )
    merged = long.merge(wide, on=["source_id", "referent", "form", "voice"])
    assert len(merged) == len(long) and (merged["count"] == merged["n"]).all()


def test_the_voices_add_up_to_the_whole_word_count():
    for source_id, text in source_texts().items():
        for forms in NAME_FORMS.values():
            by_voice = count_name_forms_by_voice(text, forms)
            for form, total in count_name_forms(text, forms).items():
                assert sum(by_voice[(form, voice)] for voice in VOICES) == total, (source_id, form)


@pytest.mark.parametrize(
    "sentence,voice",
    [
        (
            "“With great pride and joy, I inform you that the town of Shusha "
            "has been liberated,” Aliyev said.",
            "inside quotation",
        ),
        (
            'President Aliyev said the "liberation" of Shusha would "go down in history".',
            "reported speech",
        ),
        ("Shusha has cultural significance for both sides.", "narrator"),
        ("Azerbaijan has taken Shusha, according to the country's president.", "reported speech"),
    ],
)
def test_each_voice_is_told_apart(sentence, voice):
    assert [v for _, v, _ in name_occurrences(sentence, ["Shusha"])] == [voice]


def test_a_quotation_broken_across_lines_is_still_a_quotation():
    # Document 000's extract opens a quotation on one line and closes it at the start of the next.
    text = (
        'He called it an "almost hand-to-hand battle in Shusha.\n'
        '"[156] He said Shusha was a "historic moment.'
    )
    assert [v for _, v, _ in name_occurrences(text, ["Shusha"])] == [
        "inside quotation",
        "reported speech",
    ]
    assert quoted_spans("Shushi.” Then Shusha") == [(0, 8)]


def test_document_003_uses_shusha_only_inside_quotations():
    """The course's example: 003's own sentences say Shushi;
    'Shusha' is only in Aliyev's quoted words.
    """
    table = name_usage_table().set_index(["source_id", "form"])
    shusha_003 = table.loc[("003", "Shusha")]
    assert shusha_003["count"] > 0 and shusha_003["count"] == shusha_003["inside quotation"]
    assert table.loc[("003", "Shushi"), "narrator"] > 0
