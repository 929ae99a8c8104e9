"""The course's promise: every row rests on a verbatim passage of a real document."""

import csv
import hashlib

import pytest

from sourcekit import schema
from sourcekit.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
QUOTED_TABLES = [t for t in schema.ALL_TABLES if "quote" in t.column_names]


def raw_rows(table):
    with (DATA / table.file).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def texts_by_id():
    texts = {}
    for row in raw_rows(schema.SOURCES):
        with (DATA / "sources" / row["file"]).open(encoding="utf-8", newline="") as handle:
            texts[row["source_id"]] = handle.read()
    return texts


def test_the_manifest_lists_the_five_documents_in_data_sources():
    rows = raw_rows(schema.SOURCES)
    assert [r["source_id"] for r in rows] == ["000", "001", "002", "003", "004"]
    on_disk = sorted(p.name for p in (DATA / "sources").glob("*.txt"))
    assert sorted(r["file"] for r in rows) == on_disk


def test_each_documents_sha256_matches_the_manifest():
    for row in raw_rows(schema.SOURCES):
        digest = hashlib.sha256((DATA / "sources" / row["file"]).read_bytes()).hexdigest()
        assert digest == row["sha256"], row["file"]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
def test_documents_are_byte_identical_to_the_seeds():
    seeds = {p.name[:3]: p.read_bytes() for p in SEEDS.glob("0*.txt")}
    for row in raw_rows(schema.SOURCES):
        assert (DATA / "sources" / row["file"]).read_bytes() == seeds[row["source_id"]], row[
            "file"
        ]


@pytest.mark.parametrize("table", QUOTED_TABLES, ids=lambda t: t.file)
def test_every_quote_is_verbatim_in_its_source(table):
    texts = texts_by_id()
    rows = raw_rows(table)
    assert rows, f"{table.file} has no rows"
    missing = [
        (row[table.id_column], row["quote"][:60])
        for row in rows
        if row["source_id"] not in texts or row["quote"] not in texts[row["source_id"]]
    ]
    assert missing == []


@pytest.mark.parametrize("table", QUOTED_TABLES, ids=lambda t: t.file)
def test_every_source_id_exists(table):
    known = set(texts_by_id())
    assert {row["source_id"] for row in raw_rows(table)} <= known


def test_every_place_carries_a_public_reference_for_its_coordinates():
    for row in raw_rows(schema.PLACES):
        assert row["reference"].startswith("https://"), row["place_id"]


def test_mentioned_in_agrees_with_the_texts():
    """Each place's mentioned_in lists exactly the documents that name it as a whole word."""
    from sourcekit.names import count_name_forms

    texts = texts_by_id()
    for row in raw_rows(schema.PLACES):
        names = [row["name"]] + [n for n in row["other_names"].split("; ") if n]
        found = {sid for sid, text in texts.items() if any(count_name_forms(text, names).values())}
        listed = {s for s in row["mentioned_in"].split(";") if s}
        assert listed == found, row["place_id"]
