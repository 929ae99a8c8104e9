"""The casualty chapter's charts draw what the documents' words allow, and no more.

Each figure is one row on the chart with a marker at the bound its wording
sets; a bound the document leaves out is drawn as an open arrow to the edge of
the axis, never as a number; figures from different wars never share an axis;
and working back from a later total is arithmetic on the CSV, not a number
typed into the chapter.
"""

import re

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from sourcekit import load_casualty_claims, source_texts
from sourcekit.casualties import (
    EXCLUSIVE_QUALIFIERS,
    axis_limits,
    claim_quotes,
    claim_wording,
    claims_overview,
    describe_claims,
    explorer_views,
    part_of_claims,
    plot_claim_ranges,
    plot_running_total_check,
    range_segments,
    running_total_check,
)
from sourcekit.paths import PROJECT_ROOT
from tests.conftest import read_csv_rows


@pytest.fixture(scope="module")
def claims():
    return load_casualty_claims()


@pytest.fixture(scope="module")
def claims_2020(claims):
    return claims[claims["conflict"] == "2020 war"]


def csv_rows():
    return read_csv_rows("casualty_claims.csv")


def artists_by_gid(fig):
    """Every line and annotation in the figure that carries a gid, by gid."""
    found = {}
    for ax in fig.axes:
        for artist in list(ax.lines) + list(ax.texts) + list(ax.collections):
            if artist.get_gid():
                found[artist.get_gid()] = (ax, artist)
    return found


# --- the range chart ---------------------------------------------------------------


def test_the_range_chart_draws_one_marker_per_figure_at_its_stated_bound(claims_2020):
    fig = plot_claim_ranges(claims_2020)
    found = artists_by_gid(fig)
    rows = [row for row in csv_rows() if row["conflict"] == "2020 war"]
    assert {row["claim_id"] for row in rows} <= set(found)
    markers = [gid for gid in found if re.fullmatch(r"C\d+", gid)]
    assert len(markers) == len(rows), "one marker per figure, no more"
    for row in rows:
        _, marker = found[row["claim_id"]]
        bound = int(row["value_min"] or row["value_max"])
        assert list(marker.get_xdata()) == [bound], (
            f"{row['claim_id']}: marker should sit at {bound}"
        )


def test_open_ends_run_to_the_edge_of_the_axis_and_stated_ends_do_not(claims_2020):
    fig = plot_claim_ranges(claims_2020)
    found = artists_by_gid(fig)
    low, high = axis_limits(claims_2020)
    for row in csv_rows():
        if row["conflict"] != "2020 war":
            continue
        claim_id = row["claim_id"]
        open_right, open_left = f"{claim_id}-open-right", f"{claim_id}-open-left"
        if row["value_max"] == "":
            _, arrow = found[open_right]
            assert arrow.xy[0] == high and arrow.xyann[0] == int(row["value_min"]), (
                f"{claim_id}: 'at least' should run from its floor to the right edge"
            )
        else:
            assert open_right not in found, (
                f"{claim_id}: a figure with a ceiling was drawn open to the right"
            )
        if row["value_min"] == "":
            _, arrow = found[open_left]
            assert arrow.xy[0] == low and arrow.xyann[0] == int(row["value_max"]), (
                f"{claim_id}: 'nearly' should run from its ceiling to the left edge"
            )
        else:
            assert open_left not in found, (
                f"{claim_id}: a figure with a floor was drawn open to the left"
            )


def test_open_arrows_are_dashed_so_openness_is_not_shown_by_colour_alone(claims_2020):
    found = artists_by_gid(plot_claim_ranges(claims_2020))
    arrows = [artist for gid, (_, artist) in found.items() if "-open-" in gid]
    assert arrows
    for arrow in arrows:
        assert arrow.arrow_patch.get_linestyle() not in ("-", "solid")


def test_a_bound_the_toll_does_not_reach_is_hollow_and_a_reached_one_filled(claims_2020):
    found = artists_by_gid(plot_claim_ranges(claims_2020))
    for row in csv_rows():
        if row["conflict"] != "2020 war":
            continue
        _, marker = found[row["claim_id"]]
        hollow = marker.get_markerfacecolor() == "white"
        assert hollow == (row["qualifier"] in EXCLUSIVE_QUALIFIERS), (
            f"{row['claim_id']} ({row['qualifier']})"
        )


def test_range_segments_never_invent_a_bound(claims_2020):
    limits = (7, 70_000)
    segments = range_segments(claims_2020, limits).set_index("claim_id")
    for row in csv_rows():
        if row["conflict"] != "2020 war":
            continue
        segment = segments.loc[row["claim_id"]]
        assert segment["open_left"] == (row["value_min"] == "")
        assert segment["open_right"] == (row["value_max"] == "")
        assert segment["start"] == (limits[0] if row["value_min"] == "" else int(row["value_min"]))
        assert segment["end"] == (limits[1] if row["value_max"] == "" else int(row["value_max"]))


def test_axis_limits_are_powers_of_ten_around_the_stated_bounds(claims_2020):
    low, high = axis_limits(claims_2020)
    stated = [
        int(v)
        for row in csv_rows()
        if row["conflict"] == "2020 war"
        for v in (row["value_min"], row["value_max"])
        if v
    ]
    assert low <= min(stated) < low * 10
    assert high / 10 <= max(stated) < high


def test_figures_from_different_wars_are_refused_one_axis(claims):
    with pytest.raises(ValueError, match="different wars"):
        plot_claim_ranges(claims)


def test_an_empty_selection_is_a_clear_error(claims):
    with pytest.raises(ValueError, match="selection is empty"):
        plot_claim_ranges(claims.iloc[0:0])


# --- words and parts -------------------------------------------------------------------


def test_each_figure_is_worded_as_the_document_words_it(claims):
    texts = source_texts()
    for _, row in claims.iterrows():
        wording = claim_wording(row)
        assert wording.lower() in row["quote"].lower(), (
            f"{row['claim_id']}: {wording!r} is not in its quote"
        )
        assert row["quote"] in texts[row["source_id"]]


def test_a_part_is_linked_to_the_whole_that_contains_it(claims):
    part_of = part_of_claims(claims)
    rows = claims.set_index("claim_id")
    linked = part_of.dropna()
    assert len(linked) >= 1
    for part, whole in linked.items():
        assert rows.loc[part, "quote"] == rows.loc[whole, "quote"], (
            "whole and part come from one sentence"
        )
        assert rows.loc[part, "value_stated"] < rows.loc[whole, "value_stated"]
        assert rows.loc[part, "counted_group"] == rows.loc[whole, "counted_group"]
    # A figure alone in its sentence is part of nothing.
    alone = [cid for cid, quote in rows["quote"].items() if (rows["quote"] == quote).sum() == 1]
    assert all(pd.isna(part_of[cid]) for cid in alone)


def test_the_overview_has_one_row_per_figure_in_the_csv(claims):
    overview = claims_overview(claims)
    assert list(overview.index) == [row["claim_id"] for row in csv_rows()]
    assert (overview["document"] == [row["source_id"] for row in csv_rows()]).all()


def test_the_alt_text_names_every_figure_and_its_document(claims_2020):
    text = describe_claims(claims_2020)
    for _, row in claims_2020.iterrows():
        assert claim_wording(row) in text
        assert f"document {row['source_id']}" in text
    assert text.startswith(f"{len(claims_2020)} figures")


def test_claim_quotes_names_an_unknown_claim(claims):
    with pytest.raises(KeyError, match="C99"):
        claim_quotes(claims, ["C01", "C99"])


# --- working back from a later total -------------------------------------------------------


def test_working_back_subtracts_the_new_deaths_from_the_later_total(claims):
    rows = {row["claim_id"]: row for row in csv_rows()}
    check = running_total_check(claims, total_id="C09", new_id="C08", earlier_id="C02")
    assert check["implied_earlier"] == int(rows["C09"]["value_stated"]) - int(
        rows["C08"]["value_stated"]
    )
    ceiling = int(rows["C02"]["value_max"])
    assert check["fits"] == (check["implied_earlier"] < ceiling)
    assert check["distance_to_bound"] == ceiling - check["implied_earlier"]


def test_working_back_can_find_a_contradiction(claims):
    """The check is not a rubber stamp: lower the earlier ceiling and it must fail."""
    changed = claims.copy()
    where = changed["claim_id"] == "C02"
    changed.loc[where, "value_max"] = 1_100
    changed.loc[where, "value_stated"] = 1_100
    assert not running_total_check(changed, total_id="C09", new_id="C08", earlier_id="C02")["fits"]


def test_working_back_refuses_figures_that_count_different_people(claims):
    with pytest.raises(ValueError, match="civilian"):
        running_total_check(claims, total_id="C09", new_id="C08", earlier_id="C03")
    with pytest.raises(KeyError, match="C77"):
        running_total_check(claims, total_id="C09", new_id="C08", earlier_id="C77")


def test_the_working_back_chart_marks_the_computed_value_apart_from_the_claims(claims):
    check = running_total_check(claims, total_id="C09", new_id="C08", earlier_id="C02")
    found = artists_by_gid(plot_running_total_check(claims, check))
    assert list(found["implied-earlier"][1].get_ydata()) == [check["implied_earlier"]]
    assert list(found["C09"][1].get_ydata()) == [check["total"]]
    assert "C02-open-down" in found, "'nearly' has no floor, so its arrow runs down off the axis"


# --- the explorer -----------------------------------------------------------------------


def test_the_explorer_has_one_view_per_counted_group_and_one_per_other_war(claims):
    views, alt_texts = explorer_views(claims)
    current = claims[claims["conflict"] == "2020 war"]
    other_wars = set(claims["conflict"]) - {"2020 war"}
    assert len(views) == current["counted_group"].nunique() + len(other_wars)
    assert set(views) == set(alt_texts)
    for option, fig in views.items():
        drawn = {gid for gid in artists_by_gid(fig) if re.fullmatch(r"C\d+", gid)}
        if option.startswith("2020 war"):
            group = option.removeprefix("2020 war: ").split()[0]
            expected = set(current.loc[current["counted_group"] == group, "claim_id"])
        else:
            expected = set(claims.loc[claims["conflict"] == option.split(" (")[0], "claim_id"])
        assert drawn == expected, f"{option}: drew {sorted(drawn)}, expected {sorted(expected)}"
        assert all(
            f"document {sid}" in alt_texts[option]
            for sid in claims.loc[claims["claim_id"].isin(expected), "source_id"]
        )


# --- the chapter's own prose ------------------------------------------------------------

_CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```", re.S | re.M)


def quotations(markdown):
    """The passages the chapter's prose puts in double quotation marks."""
    prose = _CODE_CELL.sub(" ", markdown.split("\n---\n", 1)[1])
    prose = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", prose)  # roles such as {ref} and {glue:text}
    prose = re.sub(r"`[^`]*`", " ", prose)
    spans = re.findall(r'"([^"]+)"|“([^”]+)”', prose)
    return [" ".join((a or b).split()) for a, b in spans if (a or b).strip()]


@pytest.mark.parametrize("chapter", ["casualty_reporting", "international_reaction"])
def test_every_quotation_in_the_chapter_prose_is_verbatim_in_a_document(chapter):
    markdown = (PROJECT_ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    texts = [" ".join(text.replace("’", "'").split()) for text in source_texts().values()]
    quoted = quotations(markdown)
    assert quoted, "the chapter quotes no document at all"
    missing = [q for q in quoted if not any(q.replace("’", "'") in text for text in texts)]
    assert not missing, f"{chapter}: quoted words not found verbatim in any document: {missing}"
