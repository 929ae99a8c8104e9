"""Names are counted as whole words, so 'Shushakend' and 'Shushan' are not the city."""

from sourcekit import count_name_forms, name_usage_table, read_source_text


def test_shusha_inside_a_village_name_is_not_counted():
    assert count_name_forms("Chanakchi, Signag, Shushakend, and Dashalty", ["Shusha"]) == {"Shusha": 0}


def test_shushi_inside_a_first_name_is_not_counted():
    text = "Armenian defence ministry spokeswoman Shushan Stepanyan said"
    assert count_name_forms(text, ["Shushi", "Shusha"]) == {"Shushi": 0, "Shusha": 0}


def test_possessives_and_punctuation_still_count():
    assert count_name_forms("Shusha’s fall; Shushi, the city. (Shusha)", ["Shusha", "Shushi"]) == {"Shusha": 2, "Shushi": 1}


def test_karabakh_inside_nagorno_karabakh_is_counted_once():
    counts = count_name_forms("Nagorno-Karabakh and Karabakh and Nagorno Karabakh", ["Nagorno-Karabakh", "Nagorno Karabakh", "Karabakh"])
    assert counts == {"Nagorno-Karabakh": 1, "Nagorno Karabakh": 1, "Karabakh": 1}


def test_whole_word_counts_differ_from_naive_substring_counts_in_document_001():
    text = read_source_text("001")
    whole = count_name_forms(text, ["Shusha"])["Shusha"]
    assert text.count("Shusha") == whole + text.count("Shushan")


def test_name_usage_table_has_a_row_per_document_and_form():
    table = name_usage_table()
    assert set(table["source_id"]) == {"000", "001", "002", "003", "004"}
    shusha = table[(table.form == "Shushi")].set_index("source_id")["count"]
    assert shusha["004"] > 0 and shusha["000"] == 0
