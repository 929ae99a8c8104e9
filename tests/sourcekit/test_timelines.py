"""Timeline charts draw one mark per report, never more precision than the document gave."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from sourcekit import load_source_manifest, load_timeline
from sourcekit.timelines import (
    date_span,
    describe_document_coverage,
    event_label,
    event_labels,
    event_order,
    plot_document_coverage,
    plot_event_timeline,
    plot_reports_matrix,
    report_groups,
    reports_matrix,
)

DOCUMENTS = ["000", "001", "002", "003", "004"]


def test_a_day_is_a_point_a_month_and_a_year_are_spans():
    assert date_span("2020-11-08", "day") == (
        pd.Timestamp("2020-11-08"),
        pd.Timestamp("2020-11-08"),
    )
    assert date_span("2020-10-01", "month") == (
        pd.Timestamp("2020-10-01"),
        pd.Timestamp("2020-10-31"),
    )
    assert date_span("1994-01-01", "year") == (
        pd.Timestamp("1994-01-01"),
        pd.Timestamp("1994-12-31"),
    )
    with pytest.raises(ValueError, match="day, month or year"):
        date_span("2020-10-01", "week")


def test_event_labels_keep_names_and_abbreviations_and_lower_case_common_words():
    context = (
        "Aliyev announces ... the NKAO votes ... fighting continues ... Babayan says "
        "Shusha/Shushi is a battlefield"
    )
    assert event_label("aliyev_announces_capture", context) == "Aliyev announces capture"
    assert event_label("nkao_secession_vote", context) == "NKAO secession vote"
    assert (
        event_label("babayan_says_shushi_is_battlefield", context)
        == "Babayan says Shushi is battlefield"
    )
    assert (
        event_label("armenian_govt_says_fighting_continues", context)
        == "Armenian govt says fighting continues"
    )


def test_report_groups_list_every_document_that_reports_an_event_on_a_date():
    timeline = load_timeline()
    groups = report_groups(timeline)
    # Every report is in exactly one group: nothing dropped, nothing doubled.
    assert sum(len(g.split()) for g in groups["documents"]) == len(timeline)
    announcement = groups[
        (groups["event_key"] == "aliyev_announces_capture")
        & (groups["reporter_side"] == "Azerbaijani")
    ]
    expected = sorted(
        timeline.loc[
            (timeline["event_key"] == "aliyev_announces_capture")
            & (timeline["reporter_side"] == "Azerbaijani"),
            "source_id",
        ]
    )
    assert announcement["documents"].tolist() == [" ".join(expected)]


def _marks(ax):
    """(x, y) of every single-point marker drawn on the axes."""
    return [
        line
        for line in ax.get_lines()
        if len(line.get_xdata()) == 1 and line.get_marker() not in (None, "None", "")
    ]


def test_the_timeline_draws_one_mark_per_group_and_a_span_for_month_dates():
    timeline = load_timeline()
    battle = timeline[
        timeline["event_key"].isin(
            ["cathedral_targeting_accusation", "ceasefire_signed", "aliyev_announces_capture"]
        )
    ]
    ax = plot_event_timeline(battle)
    assert len(_marks(ax)) == len(report_groups(battle))
    spans = [line for line in ax.get_lines() if len(line.get_xdata()) == 2]
    assert len(spans) == (battle["date_precision"] != "day").sum()
    labels = sorted(t.get_text() for t in ax.texts if t.get_text()[:1].isdigit())
    assert labels == sorted(report_groups(battle)["documents"])


def test_the_ceasefire_row_shows_both_of_document_000s_dates():
    timeline = load_timeline()
    ceasefire = timeline[timeline["event_key"] == "ceasefire_signed"]
    ax = plot_event_timeline(ceasefire)
    xs = sorted({pd.Timestamp(line.get_xdata()[0]) for line in _marks(ax)})
    assert len(xs) == ceasefire["date"].nunique() == 2


def test_unknown_event_keys_and_empty_tables_are_refused_clearly():
    timeline = load_timeline()
    with pytest.raises(KeyError, match="not in the table: no_such_event"):
        plot_event_timeline(timeline, order=["aliyev_announces_capture", "no_such_event"])
    with pytest.raises(ValueError, match="no events to plot"):
        plot_event_timeline(timeline.iloc[0:0])


def test_the_reports_matrix_marks_silence_as_well_as_reports():
    timeline = load_timeline()
    keys = ["aliyev_announces_capture", "armenian_denial"]
    matrix = reports_matrix(timeline[timeline["event_key"].isin(keys)], DOCUMENTS, order=keys)
    assert list(matrix.columns) == DOCUMENTS
    for key in keys:
        reporters = set(timeline.loc[timeline["event_key"] == key, "source_id"])
        assert {sid for sid in DOCUMENTS if matrix.at[key, sid]} == reporters
    ax = plot_reports_matrix(timeline[timeline["event_key"].isin(keys)], DOCUMENTS, order=keys)
    dashes = [t for t in ax.texts if t.get_text() == "–"]
    assert len(_marks(ax)) + len(dashes) == len(keys) * len(DOCUMENTS)


def test_each_coverage_view_colours_exactly_that_documents_reports():
    timeline = load_timeline()
    order = event_order(timeline[timeline["date"] >= "2020-11-08"])
    for sid in load_source_manifest()["source_id"]:
        ax = plot_document_coverage(timeline, sid, order=order)
        coloured = [line for line in _marks(ax) if line.get_markersize() > 5]
        mine = timeline[(timeline["source_id"] == sid) & timeline["event_key"].isin(order)]
        assert len(coloured) == len(mine), sid
        assert f"reports {mine['event_key'].nunique()} of these {len(order)}" in ax.get_title(
            loc="left"
        )
        text = describe_document_coverage(timeline, sid, order)
        labels = event_labels(timeline[timeline["event_key"].isin(order)])
        for key in mine["event_key"].unique():
            assert labels[key] in text
        plt.close("all")


@pytest.mark.slow
def test_no_coverage_mark_hides_another_of_the_same_document():
    # Document 000 dates the ceasefire 9 and 10 November in two voices: a day apart on the axis,
    # the two marks would sit on top of each other without the nudge.
    timeline = load_timeline()
    order = event_order(timeline[timeline["date"] >= "2020-11-08"])
    for sid in load_source_manifest()["source_id"]:
        ax = plot_document_coverage(timeline, sid, order=order)
        ax.figure.canvas.draw()
        # Rows alike in date and side (004 has four of one event) share one mark: count it once.
        centres = sorted(
            {
                tuple(
                    ax.transData.transform(
                        (matplotlib.dates.date2num(line.get_xdata()[0]), line.get_ydata()[0])
                    ).round(3)
                )
                for line in _marks(ax)
                if line.get_markersize() > 5
            }
        )
        points_to_px = ax.figure.dpi / 72
        for i, a in enumerate(centres):
            for b in centres[i + 1 :]:
                distance = ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
                assert distance >= 9 * points_to_px, (
                    f"document {sid}: two marks {distance:.0f} px apart"
                )
        plt.close("all")
