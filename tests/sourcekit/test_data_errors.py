"""A defective table is refused with one message naming file, line, column and what was expected.

Each test breaks a copy of data/ in one way and checks the loader's message.
"""

import pytest

import sourcekit
from sourcekit import DataError
from tests.conftest import rewrite_line


def replace_field(index, new_value):
    """Return a transform that sets field ``index`` of a simple CSV line."""
    import csv
    import io

    def transform(line):
        fields = next(csv.reader([line]))
        fields[index] = new_value
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        return out.getvalue()

    return transform


def column_index(path, name):
    with path.open(encoding="utf-8") as handle:
        return handle.readline().rstrip("\n").split(",").index(name)


def assert_refused(load, file, line, column, expected):
    with pytest.raises(DataError) as caught:
        load()
    message = str(caught.value)
    assert message.startswith(f"data/{file}, line {line}, column '{column}':"), message
    assert expected in message, message


def test_a_bad_date_is_refused_with_its_line(data_copy):
    path = data_copy / "timeline.csv"
    rewrite_line(path, 4, replace_field(column_index(path, "date"), "8 Nov 2020"))
    assert_refused(
        sourcekit.load_timeline,
        "timeline.csv",
        4,
        "date",
        "expected an ISO date like 2020-11-08, got '8 Nov 2020'",
    )


def test_an_impossible_date_is_refused(data_copy):
    path = data_copy / "casualty_claims.csv"
    rewrite_line(path, 2, replace_field(column_index(path, "as_of"), "2020-11-31"))
    assert_refused(
        sourcekit.load_casualty_claims, "casualty_claims.csv", 2, "as_of", "expected an ISO date"
    )


def test_an_unknown_source_id_is_refused(data_copy):
    path = data_copy / "reactions.csv"
    rewrite_line(path, 3, replace_field(column_index(path, "source_id"), "007"))
    assert_refused(
        sourcekit.load_reactions,
        "reactions.csv",
        3,
        "source_id",
        "unknown source id '007'; known ids: 000, 001, 002, 003, 004",
    )


def test_a_quote_not_in_its_source_is_refused(data_copy):
    path = data_copy / "casualty_claims.csv"
    rewrite_line(
        path,
        3,
        replace_field(column_index(path, "quote"), "nearly 2,000 of its defence forces have died"),
    )
    assert_refused(
        sourcekit.load_casualty_claims,
        "casualty_claims.csv",
        3,
        "quote",
        "quote not found verbatim in source",
    )


def test_a_quote_with_straightened_apostrophes_is_refused(data_copy):
    """Verbatim means verbatim: a curly apostrophe retyped as a straight
    one is a different text.
    """
    path = data_copy / "distance_claims.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    assert "’" in text
    lines = text.split("\n")
    line = next(i for i, csv_line in enumerate(lines, start=1) if "’" in csv_line)
    rewrite_line(path, line, lambda csv_line: csv_line.replace("’", "'"))
    assert_refused(
        sourcekit.load_distance_claims, "distance_claims.csv", line, "quote", "not found verbatim"
    )


def test_a_missing_column_is_refused(data_copy):
    path = data_copy / "places.csv"
    header = path.read_text(encoding="utf-8").split("\n")[0]
    rewrite_line(path, 1, lambda csv_line: csv_line.replace(",reference", ",ref"))
    assert "reference" in header
    assert_refused(
        sourcekit.load_places, "places.csv", 1, "reference", "missing column 'reference'"
    )


def test_min_above_max_is_refused(data_copy):
    path = data_copy / "casualty_claims.csv"
    transform_min = replace_field(column_index(path, "value_min"), "500")
    transform_max = replace_field(column_index(path, "value_max"), "400")
    rewrite_line(path, 2, lambda csv_line: transform_max(transform_min(csv_line)))
    assert_refused(
        sourcekit.load_casualty_claims,
        "casualty_claims.csv",
        2,
        "value_min",
        "value_min (500) is greater than value_max (400)",
    )


def test_a_number_with_a_thousands_comma_is_refused(data_copy):
    path = data_copy / "casualty_claims.csv"
    rewrite_line(path, 2, replace_field(column_index(path, "value_stated"), "1,000"))
    assert_refused(
        sourcekit.load_casualty_claims,
        "casualty_claims.csv",
        2,
        "value_stated",
        "expected a whole number like 1200 (no commas), got '1,000'",
    )


def test_a_value_outside_its_choices_is_refused(data_copy):
    path = data_copy / "casualty_claims.csv"
    rewrite_line(path, 2, replace_field(column_index(path, "counted_group"), "soldiers"))
    assert_refused(
        sourcekit.load_casualty_claims,
        "casualty_claims.csv",
        2,
        "counted_group",
        "expected one of 'military', 'civilian', 'all', got 'soldiers'",
    )


def test_a_row_with_too_many_fields_is_refused(data_copy):
    path = data_copy / "places.csv"
    rewrite_line(path, 5, lambda csv_line: csv_line + ",extra")
    with pytest.raises(DataError, match=r"data/places.csv, line 5: has 9 fields, expected 8"):
        sourcekit.load_places()


def test_a_duplicate_id_is_refused(data_copy):
    path = data_copy / "timeline.csv"
    first_id = path.read_text(encoding="utf-8").split("\n")[1].split(",")[0]
    rewrite_line(path, 3, replace_field(0, first_id))
    assert_refused(
        sourcekit.load_timeline,
        "timeline.csv",
        3,
        "event_id",
        f"duplicate id '{first_id}' (first on line 2)",
    )


def test_a_changed_document_is_refused_by_its_fingerprint(data_copy):
    document = next((data_copy / "sources").glob("002-*.txt"))
    document.write_bytes(document.read_bytes().replace(b"nearly 1,200", b"nearly 1,300"))
    with pytest.raises(
        DataError,
        match=(
            r"data/sources.csv, line 4, column 'sha256': SHA-256 of "
            r"002-.* the document has changed"
        ),
    ):
        sourcekit.load_casualty_claims()


def test_a_distance_to_an_unknown_place_is_refused(data_copy):
    path = data_copy / "distance_claims.csv"
    rewrite_line(path, 2, replace_field(column_index(path, "to_place"), "khankendi_typo"))
    assert_refused(
        sourcekit.load_distance_claims,
        "distance_claims.csv",
        2,
        "to_place",
        "unknown place 'khankendi_typo'",
    )


def test_a_file_that_is_not_utf8_is_refused(data_copy):
    path = data_copy / "places.csv"
    path.write_bytes(
        path.read_bytes().replace("Shushi".encode(), "Shushi\xe9".encode("latin-1"), 1)
    )
    with pytest.raises(DataError, match=r"data/places.csv: is not UTF-8 text"):
        sourcekit.load_places()
