"""Each loader returns exactly the documented columns, with the documented dtypes."""

import pandas as pd
import pytest

import sourcekit
from sourcekit import schema

LOADERS = {
    schema.SOURCES: sourcekit.load_source_manifest,
    schema.CASUALTY_CLAIMS: sourcekit.load_casualty_claims,
    schema.TIMELINE: sourcekit.load_timeline,
    schema.REACTIONS: sourcekit.load_reactions,
    schema.PLACES: sourcekit.load_places,
    schema.DISTANCE_CLAIMS: sourcekit.load_distance_claims,
    schema.UNCODED_SENTENCES: sourcekit.load_uncoded_sentences,
}


@pytest.mark.parametrize("table", list(LOADERS), ids=lambda t: t.file)
def test_loader_returns_the_documented_columns_and_dtypes(table):
    frame = LOADERS[table]()
    assert list(frame.columns) == table.column_names
    assert {c: str(t) for c, t in frame.dtypes.items()} == table.dtypes
    assert len(frame) > 0


def test_casualty_ranges_follow_their_qualifier():
    """'at least' sets only a floor, 'nearly' only a ceiling, a bare figure both."""
    claims = sourcekit.load_casualty_claims()
    for row in claims.itertuples():
        if row.qualifier in ("at least", "more than"):
            assert row.value_min == row.value_stated and pd.isna(row.value_max), row.claim_id
        elif row.qualifier in ("nearly", "almost"):
            assert row.value_max == row.value_stated and pd.isna(row.value_min), row.claim_id
        else:
            assert row.value_min == row.value_max == row.value_stated, row.claim_id


def test_timeline_is_in_date_order_and_spans_1988_to_2021():
    timeline = sourcekit.load_timeline()
    assert timeline["date"].is_monotonic_increasing
    assert timeline["date"].min().year == 1988
    assert timeline["date"].max().year == 2021


def test_the_documents_disagree_on_the_distance_to_stepanakert():
    """The teaching point of the distance table: the documents do not give one figure."""
    claims = sourcekit.load_distance_claims()
    pair = claims[(claims.from_place == "shusha") & (claims.to_place == "stepanakert")]
    assert pair["source_id"].nunique() >= 3
    assert pair["km_max"].dropna().nunique() >= 2


def test_read_source_text_names_the_known_ids_when_asked_for_an_unknown_one():
    with pytest.raises(KeyError, match="known ids: 000, 001, 002, 003, 004"):
        sourcekit.read_source_text("009")
