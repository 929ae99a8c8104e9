"""Timeline charts: which document reports which event, when, and on whose word.

``timeline.csv`` has one row per event *per document*, so one event (the
8 November announcement) can appear five times and one document can date the
same event two ways (the ceasefire in document 000). These charts keep that
shape visible: every report is its own mark, coloured and shaped by the side of
whoever the document says reported it, and labelled with the document's id.

A date known only to the month or the year ("last month", "in 1994") is drawn
as a bar across that month or year, not as a point on its first day: a point
would claim a precision the document never gave.
"""

import re

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation

from .charts import FIGURE_WIDTH, OKABE_ITO, TEXT_SIZE, new_figure, side_colour, side_marker

#: Short words in event keys that are ordinary English, not abbreviations.
_SHORT_WORDS = {
    "a",
    "an",
    "and",
    "at",
    "by",
    "for",
    "in",
    "is",
    "of",
    "on",
    "or",
    "the",
    "to",
    "up",
}


def date_span(date, precision: str) -> tuple:
    """The first and last day a date of this precision can mean.

    ``date_span(2020-10-01, "month")`` is 1 to 31 October 2020; a "day" date
    is that day alone. Unknown precisions raise ValueError.
    """
    start = pd.Timestamp(date)
    if precision == "day":
        return start, start
    if precision == "month":
        return start, start + pd.offsets.MonthEnd(0)
    if precision == "year":
        return start, start + pd.offsets.YearEnd(0)
    raise ValueError(f"unknown date precision {precision!r}; expected day, month or year")


def event_label(event_key: str, context: str = "") -> str:
    """A readable label for an event key: ``"armenian_denial"`` -> ``"Armenian denial"``.

    A token that ``context`` writes in capitals ("NKAO", "UN"), or a
    two-letter token that is not an ordinary word ("nk"), is an abbreviation
    and goes in capitals. A word is capitalised
    when ``context`` (the events' descriptions) writes it with a capital inside
    a sentence and never in lower case, so names come out as names ("Aliyev",
    "Shushi") without a hand-made list, and "fighting" stays lower case.
    """
    out = []
    for position, word in enumerate(event_key.split("_")):
        if (
            word.isalpha()
            and word not in _SHORT_WORDS
            and (len(word) == 2 or re.search(rf"\b{word.upper()}\b", context))
        ):
            out.append(word.upper())
        elif position == 0 or _is_name(word, context):
            out.append(word.capitalize())
        else:
            out.append(word)
    return " ".join(out)


def _is_name(word: str, context: str) -> bool:
    inside_sentence = re.search(rf"(?:[\w,;:'’()-] |/){word.capitalize()}\b", context)
    lower_case = re.search(rf"\b{word}\b", context)
    return bool(inside_sentence) and not lower_case


def event_labels(timeline: pd.DataFrame) -> dict:
    """Map each event key in ``timeline`` to its readable label."""
    context = " ".join(
        " ".join(timeline[column].astype(str)) for column in ("event", "reported_by", "quote")
    )
    return {key: event_label(key, context) for key in timeline["event_key"].unique()}


def event_order(timeline: pd.DataFrame) -> list:
    """Event keys in the order of their earliest report (ties keep table order)."""
    first = timeline.groupby("event_key", sort=False)["date"].min()
    return list(first.sort_values(kind="stable").index)


def report_groups(timeline: pd.DataFrame) -> pd.DataFrame:
    """One row per event, date, precision and reporting side, listing the documents.

    This is what the timeline chart draws: reports of one event on the same
    date by the same side share one mark, labelled with all their document ids.
    """
    groups = (
        timeline.groupby(["event_key", "date", "date_precision", "reporter_side"], sort=False)[
            "source_id"
        ]
        .agg(lambda ids: " ".join(sorted(ids)))
        .rename("documents")
        .reset_index()
    )
    return groups


def _lanes(ax, labels_top_down, fontsize=TEXT_SIZE, rows=None):
    """Write each row's label above its lane instead of as a y tick label.

    Event labels are long; as tick labels they would take half the width of a
    phone screen. Written above the lane they leave the full width to the data.
    ``rows`` gives each lane's height, top down (default: one unit apart).
    """
    n = len(labels_top_down)
    rows = [n - 1 - i for i in range(n)] if rows is None else list(rows)
    for y, label in zip(rows, labels_top_down):
        ax.text(
            0.0,
            y + 0.42,
            label,
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            fontsize=fontsize,
            color=OKABE_ITO["black"],
        )
    ax.set_yticks(rows)
    ax.set_yticklabels([])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(min(rows) - 0.5, max(rows) + 0.8)
    ax.spines["left"].set_visible(False)
    ax.grid(axis="y", color=OKABE_ITO["grey"], alpha=0.25)


def _date_axis(ax, date_format):
    locator = mdates.AutoDateLocator(minticks=3, maxticks=5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter(date_format))


def _side_legend(ax, sides, spans=False, extra=(), below_inches=0.45):
    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker=side_marker(side),
            markersize=8,
            markerfacecolor=side_colour(side),
            markeredgecolor=OKABE_ITO["black"],
            label=_side_name(side),
        )
        for side in sides
    ]
    if spans:
        handles.append(Patch(facecolor=OKABE_ITO["grey"], alpha=0.35, label="month or year only"))
    handles.extend(extra)
    # Below the chart (half an inch under the axes, clear of the tick labels),
    # outside the data, so it never hides a mark.
    below = ax.transAxes + ScaledTranslation(0, -below_inches, ax.figure.dpi_scale_trans)
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 0.0),
        bbox_transform=below,
        ncol=2,
        fontsize=TEXT_SIZE,
        title="reported by",
        title_fontsize=TEXT_SIZE,
        alignment="left",
    )


def _side_name(side):
    return {"document": "the document itself", "third party": "a third party"}.get(
        side, f"{side} side"
    )


#: Extra height, in rows, under a row whose marks are nudged apart.
_NUDGED_ROOM = 0.35


def plot_event_timeline(
    timeline: pd.DataFrame,
    order=None,
    ax=None,
    width=FIGURE_WIDTH,
    height=None,
    date_format="%-d %b",
):
    """Dot chart of events over time: one row per event, one mark per report.

    Each mark is coloured and shaped by the reporting side and labelled with
    the ids of the documents that report it. Reports of one event by
    different sides on the same date are nudged apart vertically; the earliest
    of several dates in a row is labelled on its left, so two close dates (the
    ceasefire on 9 or 10 November) do not print over each other.
    ``order`` lists event keys top to bottom (default: by first date).
    """
    if timeline.empty:
        raise ValueError("no events to plot: check the filter that selected them")
    order = event_order(timeline) if order is None else list(order)
    unknown = sorted(set(order) - set(timeline["event_key"]))
    if unknown:
        raise KeyError(f"event keys not in the table: {', '.join(unknown)}")
    timeline = timeline[timeline["event_key"].isin(order)]
    groups = report_groups(timeline)
    # A row whose marks are nudged apart gets room below it for the lower mark's label,
    # so that the label stays clear of the next row's name.
    nudged = set(
        groups.groupby("event_key")["reporter_side"].nunique().loc[lambda sides: sides > 1].index
    )
    row_of, y = {}, 0.0
    for key in reversed(order):
        y += _NUDGED_ROOM if key in nudged else 0.0
        row_of[key] = y
        y += 1.0
    if ax is None:
        _, ax = new_figure(width, height or 0.5 * y + 1.6)
    labels = event_labels(timeline)
    any_span = False
    for key, in_row in groups.groupby("event_key", sort=False):
        sides = list(dict.fromkeys(in_row["reporter_side"]))
        first_date = in_row["date"].min()
        several_dates = in_row["date"].nunique() > 1
        for _, group in in_row.iterrows():
            nudge = 0.0 if len(sides) == 1 else -sides.index(group["reporter_side"]) * 0.3
            y = row_of[key] + nudge
            start, end = date_span(group["date"], group["date_precision"])
            colour, marker = (
                side_colour(group["reporter_side"]),
                side_marker(group["reporter_side"]),
            )
            if end > start:
                any_span = True
                ax.plot(
                    [start, end],
                    [y, y],
                    linewidth=7,
                    color=colour,
                    alpha=0.35,
                    solid_capstyle="butt",
                )
                x = start + (end - start) / 2
            else:
                x = start
            ax.plot(
                [x],
                [y],
                linestyle="",
                marker=marker,
                markersize=8,
                color=colour,
                markeredgecolor=OKABE_ITO["black"],
                zorder=3,
            )
            left = several_dates and group["date"] == first_date
            ax.annotate(
                group["documents"],
                (mdates.date2num(end if not left else start), y),
                xytext=(-7 if left else 7, 0),
                textcoords="offset points",
                va="center",
                ha="right" if left else "left",
                fontsize=TEXT_SIZE,
            )
    _lanes(ax, [labels[key] for key in order], rows=[row_of[key] for key in order])
    _date_axis(ax, date_format)
    ax.margins(x=0.1)
    _side_legend(ax, list(dict.fromkeys(groups["reporter_side"])), spans=any_span)
    return ax


def reports_matrix(timeline: pd.DataFrame, source_ids, order=None) -> pd.DataFrame:
    """Event x document table of who reports what: the reporting side, or "".

    ``source_ids`` lists every document, so one that reports nothing still
    gets a column of blanks: silence is part of the comparison.
    """
    order = event_order(timeline) if order is None else list(order)
    table = pd.DataFrame("", index=order, columns=list(source_ids), dtype="string")
    for row in timeline.itertuples(index=False):
        if row.event_key in table.index and row.source_id in table.columns:
            previous = table.at[row.event_key, row.source_id]
            table.at[row.event_key, row.source_id] = (
                row.reporter_side if not previous else f"{previous}; {row.reporter_side}"
            )
    table.index.name = "event_key"
    return table


def plot_reports_matrix(
    timeline: pd.DataFrame, source_ids, order=None, ax=None, width=FIGURE_WIDTH, height=None
):
    """Which document reports which event: a mark where it does, a dash where not.

    Marks take the colour and shape of the side the document says made the
    claim, so a row shows at a glance which documents carry a claim and which
    leave it out. Returns the axes.
    """
    matrix = reports_matrix(timeline, source_ids, order)
    if ax is None:
        _, ax = new_figure(width, height or 0.5 * len(matrix) + 1.6)
    labels = event_labels(timeline)
    n = len(matrix)
    sides_seen = []
    for i, key in enumerate(matrix.index):
        y = n - 1 - i
        for j, source_id in enumerate(matrix.columns):
            side = matrix.at[key, source_id]
            if not side:
                ax.text(
                    j,
                    y,
                    "–",
                    ha="center",
                    va="center",
                    color=OKABE_ITO["grey"],
                    fontsize=TEXT_SIZE,
                )
                continue
            side = side.split("; ")[0]
            sides_seen.append(side)
            ax.plot(
                [j],
                [y],
                linestyle="",
                marker=side_marker(side),
                markersize=11,
                color=side_colour(side),
                markeredgecolor=OKABE_ITO["black"],
            )
    _lanes(ax, [labels[key] for key in matrix.index])
    ax.set_xticks(range(len(matrix.columns)), list(matrix.columns))
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("document")
    ax.set_xlim(-0.5, len(matrix.columns) - 0.5)
    ax.spines[["bottom", "left"]].set_visible(False)
    ax.tick_params(axis="x", length=0)
    dash = Line2D(
        [],
        [],
        linestyle="",
        marker="$–$",
        markersize=8,
        color=OKABE_ITO["grey"],
        label="not reported",
    )
    _side_legend(ax, list(dict.fromkeys(sides_seen)), extra=[dash], below_inches=0.1)
    return ax


def plot_document_coverage(
    timeline: pd.DataFrame,
    source_id: str,
    order=None,
    ax=None,
    width=FIGURE_WIDTH,
    height=None,
    date_format="%-d %b",
):
    """The events one document reports, against all the events in ``timeline``.

    Every event keeps its row in every view (so views can be compared); the
    chosen document's reports are drawn in their side's colour and shape,
    other documents' reports as small grey dots. Used for the per-document
    explorer. Returns the axes.
    """
    order = event_order(timeline) if order is None else list(order)
    timeline = timeline[timeline["event_key"].isin(order)]
    if ax is None:
        _, ax = new_figure(width, height or 0.5 * len(order) + 1.6)
    labels = event_labels(timeline)
    row_of = {key: len(order) - 1 - i for i, key in enumerate(order)}
    others = timeline[timeline["source_id"] != source_id]
    mine = timeline[timeline["source_id"] == source_id]
    for row in others.itertuples(index=False):
        start, end = date_span(row.date, row.date_precision)
        ax.plot(
            [start + (end - start) / 2],
            [row_of[row.event_key]],
            linestyle="",
            marker="o",
            markersize=4,
            color=OKABE_ITO["grey"],
            alpha=0.6,
        )
    # Two reports of one event in the chosen document on different dates or by different sides (the
    # ceasefire, dated 9 and 10 November by two voices in 000) may be a day apart: their marks are
    # spread above and below the row's line, earliest on top, or one hides the other. Rows alike in
    # both share a mark.
    mine = mine.sort_values("date", kind="stable")
    marks = mine[["event_key", "date", "reporter_side"]].drop_duplicates()
    nth = marks.groupby("event_key").cumcount()
    count = marks.groupby("event_key")["date"].transform("size")
    offset_of = dict(zip(map(tuple, marks.to_numpy()), 0.3 * ((count - 1) / 2 - nth)))
    for row in mine.itertuples(index=False):
        start, end = date_span(row.date, row.date_precision)
        y = row_of[row.event_key] + offset_of[(row.event_key, row.date, row.reporter_side)]
        if end > start:
            ax.plot(
                [start, end],
                [y, y],
                linewidth=7,
                color=side_colour(row.reporter_side),
                alpha=0.35,
                solid_capstyle="butt",
            )
        ax.plot(
            [start + (end - start) / 2],
            [y],
            linestyle="",
            marker=side_marker(row.reporter_side),
            markersize=9,
            color=side_colour(row.reporter_side),
            markeredgecolor=OKABE_ITO["black"],
            zorder=3,
        )
    reported = mine["event_key"].nunique()
    ax.set_title(
        f"Document {source_id} reports {reported} of these {len(order)} events",
        loc="left",
        fontsize=TEXT_SIZE,
    )
    _lanes(ax, [labels[key] for key in order])
    _date_axis(ax, date_format)
    ax.margins(x=0.08)
    grey = Line2D(
        [],
        [],
        linestyle="",
        marker="o",
        markersize=4,
        color=OKABE_ITO["grey"],
        label="other documents",
    )
    _side_legend(ax, list(dict.fromkeys(mine["reporter_side"])), extra=[grey])
    return ax


def describe_document_coverage(timeline: pd.DataFrame, source_id: str, order) -> str:
    """The finding of one :func:`plot_document_coverage` view, as a sentence for alt text."""
    order = list(order)
    labels = event_labels(timeline[timeline["event_key"].isin(order)])
    mine = [
        key
        for key in order
        if ((timeline["event_key"] == key) & (timeline["source_id"] == source_id)).any()
    ]
    if not mine:
        return f"Document {source_id} reports none of these {len(order)} events."
    listed = "; ".join(labels[key] for key in mine)
    return f"Document {source_id} reports {len(mine)} of these {len(order)} events: {listed}."
