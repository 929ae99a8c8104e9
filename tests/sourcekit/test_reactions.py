"""The reaction chapter's counts are the CSV's counts, and its quotations are the documents' words.

Counts are checked against the CSV read without the package; every chart
mark is traced back to the rows it stands for; dates keep the precision the
document gives; and a passage shown as a quotation is a verbatim sentence of
its document, found by the package rather than retyped.
"""

import calendar
import re
from collections import Counter

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from sourcekit import load_reactions, source_texts
from sourcekit.charts import side_colour
from sourcekit.explorer import static_explorer, views_by
from sourcekit.reactions import (
    ALLIANCE_PHRASES,
    as_markdown,
    count_table,
    country_side,
    dated_reactions,
    describe_reactions,
    passage_keys,
    passages_mentioning,
    plot_count_matrix,
    plot_reaction_matrix,
    plot_reaction_timeline,
    plot_reactions_per_source,
    reactions_per_source,
    sentence_of_each_row,
)
from tests.conftest import read_csv_rows


@pytest.fixture(scope="module")
def reactions():
    return load_reactions()


def csv_rows():
    return read_csv_rows("reactions.csv")


def marks(fig):
    """Every gid-carrying mark of a figure's first axes, by gid."""
    ax = fig.axes[0]
    return {
        artist.get_gid(): artist
        for artist in list(ax.lines) + list(ax.collections)
        if artist.get_gid()
    }


# --- counts ---------------------------------------------------------------------------


def test_rows_per_document_match_the_csv(reactions):
    expected = Counter(row["source_id"] for row in csv_rows())
    per_source = reactions_per_source(reactions)
    assert per_source["reactions"].to_dict() == dict(expected)
    assert per_source["share of all rows"].sum() == pytest.approx(1, abs=0.01)


def test_every_cell_of_a_count_table_matches_the_csv(reactions):
    expected = Counter((row["country"], row["reaction_kind"]) for row in csv_rows())
    table = count_table(reactions, "country", "reaction_kind")
    assert int(table.to_numpy().sum()) == len(csv_rows())
    for (country, kind), count in expected.items():
        assert table.loc[country, kind] == count, f"{country} / {kind}"


def test_countries_are_grouped_by_side_parties_first(reactions):
    order = list(count_table(reactions, "country", "reaction_kind").index)
    rank = {"Azerbaijani": 0, "Armenian": 1, "Turkish": 2, "Russian": 3, "third party": 4}
    ranks = [rank[country_side(country)] for country in order]
    assert ranks == sorted(ranks), f"countries out of side order: {order}"


def test_the_matrix_draws_one_mark_per_non_empty_cell_with_its_count_written(reactions):
    table = count_table(reactions, "country", "reaction_kind")
    fig = plot_reaction_matrix(reactions)
    drawn = marks(fig)
    expected = {
        f"{country}|{kind}"
        for country in table.index
        for kind in table.columns
        if table.loc[country, kind]
    }
    assert set(drawn) == expected, "a mark for every count above zero, none for zero"
    written = sorted(
        int(text.get_text()) for text in fig.axes[0].texts if text.get_text().isdigit()
    )
    assert written == sorted(int(v) for v in table.to_numpy().ravel() if v)


def test_the_matrix_colours_each_country_by_its_side(reactions):
    drawn = marks(plot_reaction_matrix(reactions))
    for gid, mark in drawn.items():
        country = gid.split("|")[0]
        colour = matplotlib.colors.to_hex(mark.get_facecolor()[0])
        assert colour.lower() == side_colour(country_side(country)).lower(), gid


def test_the_per_document_chart_ends_with_each_documents_total(reactions):
    fig = plot_reactions_per_source(reactions)
    drawn = marks(fig)
    expected = Counter(row["source_id"] for row in csv_rows())
    totals = {gid.split("|")[1]: gid for gid in drawn if gid.startswith("all kinds of actor|")}
    assert set(totals) == set(expected)
    # The written count beside each total marker is the CSV's count.
    texts = {
        round(t.xy[0]): int(t.get_text())
        for t in fig.axes[0].texts
        if t.xy[1] == len(count_table(reactions, "actor_kind", "source_id"))
    }
    assert sorted(texts.values()) == sorted(expected.values())


def test_an_empty_selection_is_a_clear_error(reactions):
    with pytest.raises(ValueError, match="empty"):
        plot_count_matrix(count_table(reactions.iloc[0:0], "country", "reaction_kind"))


# --- dates ------------------------------------------------------------------------------


def test_only_dated_reactions_are_placed_and_each_keeps_its_precision(reactions):
    dated = dated_reactions(reactions).set_index("reaction_id")
    rows = {row["reaction_id"]: row for row in csv_rows() if row["date"]}
    assert set(dated.index) == set(rows)
    for reaction_id, row in rows.items():
        start, end = dated.loc[reaction_id, "start"], dated.loc[reaction_id, "end"]
        assert start == pd.Timestamp(row["date"])
        if row["date_precision"] == "day":
            assert end == start
        elif row["date_precision"] == "month":
            assert (start.day, end.day) == (1, calendar.monthrange(start.year, start.month)[1]), (
                f"{reaction_id}: a month-dated reaction should span the whole month"
            )


def test_the_timeline_draws_a_point_for_a_day_and_a_bar_for_a_month(reactions):
    fig = plot_reaction_timeline(reactions)
    drawn = marks(fig)
    dated = dated_reactions(reactions).set_index("reaction_id")
    assert set(drawn) == set(dated.index)
    for reaction_id, line in drawn.items():
        points = len(line.get_xdata())
        assert points == (1 if dated.loc[reaction_id, "date_precision"] == "day" else 2), (
            reaction_id
        )
    undated = sum(1 for row in csv_rows() if not row["date"])
    assert f"{undated} are not" in fig.axes[0].get_title(loc="left")


# --- passages read from the documents ------------------------------------------------------------


def test_every_alliance_passage_is_a_verbatim_sentence_of_its_document():
    texts = source_texts()
    passages = passages_mentioning()
    assert set(ALLIANCE_PHRASES) <= {
        p for phrases in passages["phrases"] for p in phrases.split("; ")
    }
    for row in passages.itertuples():
        assert row.passage in texts[row.document], (
            f"document {row.document}: passage not verbatim: {row.passage[:60]!r}"
        )
        for phrase in row.phrases.split("; "):
            assert re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", row.passage)


def test_a_phrase_no_document_contains_is_an_error_not_a_silent_gap():
    with pytest.raises(ValueError, match="'eternal friendship'"):
        passages_mentioning(("military alliance", "eternal friendship"))


def test_passage_keys_are_unique_and_number_repeated_phrases():
    passages = passages_mentioning(("peacekeepers",))
    keys = passage_keys(passages, prefix="peace")
    assert len(keys) == len(passages)
    repeated = passages["document"].value_counts()
    for document, count in repeated.items():
        if count > 1:
            assert f"peace-{document}-peacekeepers-2" in keys


def test_each_reaction_row_is_traced_to_the_sentence_its_quote_starts_in(reactions):
    texts = source_texts()
    sentences = sentence_of_each_row(reactions)
    for row in reactions.itertuples():
        text, sentence = texts[row.source_id], sentences[row.reaction_id]
        start = text.find(sentence)
        assert start >= 0
        assert start <= text.find(row.quote) < start + len(sentence), row.reaction_id


def test_a_glued_quotation_keeps_footnote_markers_and_stars_as_characters():
    assert (
        as_markdown("accidentally[267] shot *down*").data == r"accidentally\[267\] shot \*down\*"
    )


# --- alt text and the explorer ---------------------------------------------------------------


def test_the_alt_text_counts_each_country_from_the_data(reactions):
    part = reactions[reactions["source_id"] == "001"]
    text = describe_reactions(part)
    assert text.startswith(f"{len(part)} reactions reported in document 001")
    for country, count in part["country"].value_counts().items():
        assert f"{country} {count} (" in text


def test_views_by_draws_one_view_per_document_in_the_order_given(reactions):
    labels = {source_id: f"document {source_id}" for source_id in ("004", "000")}
    views, alt_texts = views_by(
        reactions,
        "source_id",
        draw=plot_reaction_matrix,
        describe=describe_reactions,
        labels=labels,
    )
    assert list(views) == ["document 004", "document 000"]
    assert alt_texts["document 004"].startswith("1 reaction reported in document 004")
    explorer = static_explorer(views, "Show:", alt_texts)
    dropdown, stack = explorer.children
    assert len(stack.children) == len(dropdown.options) == 2


def test_views_by_refuses_a_view_with_no_rows(reactions):
    with pytest.raises(ValueError, match="'009'"):
        views_by(
            reactions,
            "source_id",
            draw=plot_reaction_matrix,
            describe=describe_reactions,
            labels={"009": "document 009"},
        )
