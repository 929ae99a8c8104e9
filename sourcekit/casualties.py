"""Casualty figures drawn as what the words allow: ranges, not points.

A news report rarely gives a death toll as one number. "At least 1,000" sets
a floor and no ceiling; "nearly 1,200" sets a ceiling and no floor; only a
bare figure is a point. ``casualty_claims.csv`` records each figure as the
bounds its wording allows (``value_min``, ``value_max``, empty where the text
sets none), and everything here reads those bounds. A missing bound is never
filled in: it is drawn as an open end (a dashed arrow running off to the edge
of the axis), so a reader can see at once which figures are floors, which are
ceilings and which are counts.

Used by the chapter "Casualty reporting"; the functions take the frame
returned by :func:`sourcekit.load_casualty_claims` so that every number on a
chart comes from the CSV.
"""

import math
import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from .charts import (
    FIGURE_WIDTH,
    OKABE_ITO,
    TEXT_SIZE,
    TITLE_SIZE,
    make_room_for_labels,
    side_colour,
    side_marker,
)

#: Qualifiers whose number is a bound the true figure does not reach
#: ("more than 80" excludes 80, "nearly 1,200" excludes 1,200). They are
#: drawn with a hollow marker, like an open circle on a school number line.
EXCLUSIVE_QUALIFIERS = ("more than", "nearly", "almost")

#: The order and headings of the counted groups, broadest first.
GROUP_TITLES = {"all": "All deaths", "military": "Military deaths", "civilian": "Civilian deaths"}


def format_count(value) -> str:
    """A count with thousands separators, as the documents write it: 1,221."""
    return f"{int(value):,}"


def claim_wording(row) -> str:
    """The figure as the document words it: "nearly 1,200", "at least 1,000", "21"."""
    number = format_count(row["value_stated"])
    return number if row["qualifier"] == "exact" else f"{row['qualifier']} {number}"


def format_as_of(when, precision) -> str:
    """A date no more precise than the source allows: "8 Nov 2020" or "Oct 2020"."""
    when = pd.Timestamp(when)
    if precision == "day":
        return f"{when.day} {when:%b %Y}"
    if precision == "month":
        return f"{when:%b %Y}"
    return f"{when:%Y}"


def short_claimant(claimant: str, width: int = 16) -> str:
    """The claimant's name without its gloss, wrapped for a narrow chart.

    "Vladimir Putin, President of Russia" becomes "Vladimir Putin";
    "analysts (unnamed)" becomes "analysts". The full name stays in the table.
    """
    name = claimant.split(",")[0].split(" (")[0].strip()
    return "\n".join(textwrap.wrap(name, width=width)) or claimant


def part_of_claims(claims: pd.DataFrame) -> pd.Series:
    """For each figure that is part of a larger one, the id of the larger one.

    Two figures are whole and part when the same sentence of the same document
    gives both, about the same group and side: "more than 80 civilians ...
    including 21 in a missile strike", or "44 ... raising the death toll of the
    military to 1,221". Shown beside the part, so it is not read as a rival count.
    """
    parts = {}
    for row in claims.itertuples(index=False):
        wholes = claims[
            (claims["source_id"] == row.source_id)
            & (claims["quote"] == row.quote)
            & (claims["counted_group"] == row.counted_group)
            & (claims["counted_side"] == row.counted_side)
            & (claims["value_stated"] > row.value_stated)
        ]
        parts[row.claim_id] = wholes["claim_id"].iloc[0] if len(wholes) else pd.NA
    return pd.Series(parts, name="part_of", dtype="string")


def claims_overview(claims: pd.DataFrame) -> pd.DataFrame:
    """One readable row per figure: the words, who says it, who is counted, as of when.

    The span each figure covers (``period``) is left to the full table: it is
    long, and this one has to fit a phone.
    """
    part_of = part_of_claims(claims)
    wording = claims.set_index("claim_id").apply(claim_wording, axis=1)
    rows = []
    for row in claims.itertuples(index=False):
        whole = part_of[row.claim_id]
        rows.append(
            {
                "claim": row.claim_id,
                "document": row.source_id,
                "figure": wording[row.claim_id],
                "who is counted": f"{row.counted_group}, {row.counted_side}",
                "claimed by": row.claimant,
                "as of": format_as_of(row.as_of, row.as_of_precision),
                "part of": "" if pd.isna(whole) else f"{whole} ({wording[whole]})",
                "war": row.conflict,
            }
        )
    return pd.DataFrame(rows).set_index("claim")


def axis_limits(claims: pd.DataFrame) -> tuple:
    """Powers of ten just outside every stated bound, for a logarithmic axis.

    Open ends run to these limits, so the limits are set by the numbers the
    documents give and never by a bound they leave out.
    """
    stated = pd.concat([claims["value_min"], claims["value_max"]]).dropna()
    if stated.empty:
        raise ValueError("no figure has a stated bound, so there is nothing to draw")
    low = 10 ** math.floor(math.log10(max(int(stated.min()), 1)))
    high = 10 ** math.ceil(math.log10(int(stated.max()) + 1))
    return low, high


def range_segments(claims: pd.DataFrame, limits: tuple) -> pd.DataFrame:
    """Where each figure's bar starts and ends, and which ends are open.

    A bound the text sets is a closed end at that value; a bound it does not
    set is an open end at the axis limit. An exact figure is a bar of length
    zero (drawn as a point).
    """
    low_limit, high_limit = limits
    rows = []
    for row in claims.itertuples(index=False):
        open_left = pd.isna(row.value_min)
        open_right = pd.isna(row.value_max)
        rows.append(
            {
                "claim_id": row.claim_id,
                "start": low_limit if open_left else int(row.value_min),
                "end": high_limit if open_right else int(row.value_max),
                "open_left": open_left,
                "open_right": open_right,
                "bound_included": row.qualifier not in EXCLUSIVE_QUALIFIERS,
            }
        )
    return pd.DataFrame(rows)


def _ordered(claims):
    order = {group: position for position, group in enumerate(GROUP_TITLES)}
    return claims.assign(_group=claims["counted_group"].map(order)).sort_values(
        ["_group", "as_of", "source_id", "value_stated"],
        ascending=[True, True, True, False],
        kind="stable",
    )


def _group_title(group_claims):
    group = group_claims["counted_group"].iloc[0]
    sides = sorted(set(group_claims["counted_side"]))
    if sides == ["both"]:
        whose = "both sides"
    else:
        whose = " and ".join(sides) + " side" + ("s" if len(sides) > 1 else "")
    return f"{GROUP_TITLES.get(group, group)}, {whose}"


def _draw_one_range(ax, y, row, segment, part_label, limits):
    colour = side_colour(row["claimant_side"])
    marker = side_marker(row["claimant_side"])
    bound = segment["end"] if segment["open_left"] else segment["start"]
    style = {"color": colour, "linewidth": 2.2}
    if segment["open_left"] or segment["open_right"]:
        # The open end: a dashed arrow to the edge of the axis, because the
        # document sets no bound on this side.
        tail = segment["start"] if segment["open_left"] else segment["end"]
        ax.annotate(
            "",
            xy=(tail, y),
            xytext=(bound, y),
            arrowprops={
                "arrowstyle": "-|>",
                "linestyle": (0, (3, 2)),
                "color": colour,
                "linewidth": 1.6,
                "shrinkA": 0,
                "shrinkB": 0,
            },
            gid=f"{row['claim_id']}-open-{'left' if segment['open_left'] else 'right'}",
        )
    else:
        ax.plot(
            [segment["start"], segment["end"]],
            [y, y],
            solid_capstyle="butt",
            **style,
            gid=f"{row['claim_id']}-bar",
        )
    face = colour if segment["bound_included"] else "white"
    ax.plot(
        [bound],
        [y],
        marker=marker,
        markersize=9,
        markerfacecolor=face,
        markeredgecolor=colour,
        markeredgewidth=1.8,
        linestyle="none",
        gid=row["claim_id"],
        zorder=3,
    )
    label = claim_wording(row) + (f" (part of {part_label})" if part_label else "")
    # The words go on the side of the marker away from the arrow, so that
    # words and arrows never overlap; when an arrow to the right starts too
    # near the left edge for the words to fit before it, they go under it.
    low, high = limits
    room_on_left = math.log10(bound / low) / math.log10(high / low) > 0.35
    if not segment["open_right"]:
        offset, align = (9, 0), {"ha": "left", "va": "center"}
    elif room_on_left:
        offset, align = (-9, 0), {"ha": "right", "va": "center"}
    else:
        offset, align = (2, -8), {"ha": "left", "va": "top"}
    ax.annotate(
        label,
        xy=(bound, y),
        xytext=offset,
        textcoords="offset points",
        fontsize=TEXT_SIZE,
        **align,
    )
    # Who says it, in which document, as of when: a line above the bar rather
    # than a y-axis label, so the axis keeps the whole width on a phone.
    ax.annotate(
        f"{short_claimant(row['claimant'], width=200)} ({row['source_id']}, "
        f"{format_as_of(row['as_of'], row['as_of_precision'])})",
        xy=(0, y),
        xycoords=("axes fraction", "data"),
        xytext=(0, 10),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=TEXT_SIZE,
        color=OKABE_ITO["black"],
    )


def plot_claim_ranges(claims: pd.DataFrame, limits: tuple = None, title: str = None):
    """Draw every figure in ``claims`` as a range on one logarithmic axis.

    One row per figure, grouped into panels by who is counted (all deaths,
    military, civilian). Colour and marker shape say which side the claimant
    belongs to (the book's palette); a filled marker is a figure the wording
    allows, a hollow one a bound it does not reach ("more than", "nearly");
    a dashed arrow is a side the document leaves open. The words of the
    document are written beside each marker, and a line above each bar names
    the claimant, the document and the date the figure stands at.

    ``limits`` fixes the axis (use one pair for several charts so they can be
    compared); by default it is the powers of ten around the stated bounds.
    Returns the figure; each marker's artist carries the claim id as ``gid``.
    """
    if claims.empty:
        raise ValueError("no casualty figures to draw: the selection is empty")
    wars = set(claims["conflict"])
    if len(wars) > 1:
        raise ValueError(
            f"figures from different wars ({', '.join(sorted(wars))}) should not share an "
            "axis; draw each war on its own"
        )
    limits = limits or axis_limits(claims)
    claims = _ordered(claims)
    groups = [group for _, group in claims.groupby("_group", sort=True)]
    part_of = part_of_claims(claims)
    wording = claims.set_index("claim_id").apply(claim_wording, axis=1)
    heights = [len(group) for group in groups]
    fig, axes = plt.subplots(
        len(groups),
        1,
        sharex=True,
        squeeze=False,
        layout="constrained",
        figsize=(FIGURE_WIDTH, 0.7 * sum(heights) + 0.5 * len(groups) + 1.1),
        gridspec_kw={"height_ratios": [h + 0.3 for h in heights]},
    )
    for ax, group in zip(axes[:, 0], groups):
        segments = range_segments(group, limits).set_index("claim_id")
        for y, (_, row) in enumerate(group.iterrows()):
            whole = part_of[row["claim_id"]]
            _draw_one_range(
                ax,
                y,
                row,
                segments.loc[row["claim_id"]],
                None if pd.isna(whole) else wording[whole],
                limits,
            )
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_ylim(len(group) - 0.55, -0.95)
        ax.set_title(_group_title(group), loc="left", fontsize=TITLE_SIZE)
        ax.grid(axis="x", color=OKABE_ITO["grey"], alpha=0.25, linewidth=0.8)
        ax.set_axisbelow(True)
    bottom = axes[-1, 0]
    bottom.set_xscale("log")
    bottom.set_xlim(*limits)
    bottom.xaxis.set_major_locator(LogLocator(base=10))
    bottom.xaxis.set_major_formatter(FuncFormatter(lambda value, _: format_count(value)))
    bottom.xaxis.set_minor_formatter(NullFormatter())
    bottom.set_xlabel(
        f"deaths in the {claims['conflict'].iloc[0]}\n"
        "(logarithmic scale: each step is ten times the last)",
        fontsize=TEXT_SIZE,
    )
    if title:
        fig.suptitle(title, x=0.02, ha="left", fontsize=TITLE_SIZE, fontweight="bold")
    fig.legend(
        handles=_legend_handles(claims),
        loc="outside lower center",
        ncol=2,
        fontsize=TEXT_SIZE,
        handlelength=2.2,
        columnspacing=1.2,
    )
    return fig


def _claim_label(side: str) -> str:
    """A legend entry for a claimant's side, short enough for two columns on a phone:
    "Russian claim".
    """
    return {
        "third party": "third-party claim",
        "outlet": "the outlet's claim",
        "document": "the document's claim",
    }.get(side, f"{side} claim")


def _legend_handles(claims):
    sides = list(dict.fromkeys(claims["claimant_side"]))
    handles = [
        Line2D(
            [],
            [],
            marker=side_marker(side),
            color=side_colour(side),
            linestyle="none",
            markersize=8,
            label=_claim_label(side),
        )
        for side in sides
    ]
    grey = OKABE_ITO["black"]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            color=grey,
            markerfacecolor="white",
            linestyle="none",
            markersize=8,
            label="bound not reached",
        ),
        Line2D([], [], color=grey, linestyle=(0, (3, 2)), label="no bound given"),
    ]
    return handles


def describe_claims(claims: pd.DataFrame) -> str:
    """A sentence listing each figure with who claims it and as of when.

    Written from the data, for alt text: a reader who cannot see the chart
    hears the same figures, in the same words, as one who can.
    """
    if claims.empty:
        return "No casualty figures."
    parts = []
    part_of = part_of_claims(claims)
    wording = claims.set_index("claim_id").apply(claim_wording, axis=1)
    for _, row in _ordered(claims).iterrows():
        whole = part_of[row["claim_id"]]
        parts.append(
            f"according to {short_claimant(row['claimant'], width=200)}, {claim_wording(row)}"
            + ("" if pd.isna(whole) else f", part of the {wording[whole]}")
            + (
                f" (document {row['source_id']}, as of "
                f"{format_as_of(row['as_of'], row['as_of_precision'])})"
            )
        )
    groups = "; ".join(
        dict.fromkeys(_group_title(group) for _, group in _ordered(claims).groupby("_group"))
    )
    wars = ", ".join(sorted(set(claims["conflict"])))
    count = len(claims)
    return (
        f"{count} figure{'s' if count != 1 else ''} for the {wars} ({groups}), each drawn as "
        "the range its wording allows: " + "; ".join(parts) + "."
    )


def running_total_check(
    claims: pd.DataFrame, total_id: str, new_id: str, earlier_id: str
) -> pd.Series:
    """Work back from a later running total to the day before, and test an earlier figure.

    When a document says "44 died, raising the toll to 1,221", the toll before
    those 44 was 1,221 - 44. If another document gave a figure a day earlier,
    this says whether that figure's wording allows the worked-back number.
    It cannot prove the two counts are the same count; it can only show that
    they do not contradict each other (or that they do).
    """
    rows = claims.set_index("claim_id")
    for claim_id in (total_id, new_id, earlier_id):
        if claim_id not in rows.index:
            raise KeyError(
                f"no claim {claim_id!r} in the casualty table; known ids: {', '.join(rows.index)}"
            )
    total, new, earlier = rows.loc[total_id], rows.loc[new_id], rows.loc[earlier_id]
    for name, row in (("new", new), ("earlier", earlier)):
        if (row["counted_group"], row["counted_side"]) != (
            total["counted_group"],
            total["counted_side"],
        ):
            raise ValueError(
                f"{name} figure counts {row['counted_group']} deaths on the "
                f"{row['counted_side']} side; the total counts {total['counted_group']} deaths "
                f"on the {total['counted_side']} side"
            )
    if (
        pd.isna(total["value_min"])
        or total["value_min"] != total["value_max"]
        or new["value_min"] != new["value_max"]
    ):
        raise ValueError("working back needs an exact total and an exact number of new deaths")
    if earlier["as_of"] > total["as_of"]:
        raise ValueError(
            f"the earlier figure ({earlier_id}) is dated after the total ({total_id})"
        )
    implied = int(total["value_min"]) - int(new["value_min"])
    low, high = earlier["value_min"], earlier["value_max"]
    exclusive = earlier["qualifier"] in EXCLUSIVE_QUALIFIERS
    above_low = pd.isna(low) or (implied > low if exclusive else implied >= low)
    below_high = pd.isna(high) or (implied < high if exclusive else implied <= high)
    nearest_bound = high if not pd.isna(high) else low
    return pd.Series(
        {
            "total": int(total["value_min"]),
            "total_claim": total_id,
            "new": int(new["value_min"]),
            "new_claim": new_id,
            "implied_earlier": implied,
            "earlier_claim": earlier_id,
            "earlier_wording": claim_wording(earlier),
            "fits": bool(above_low and below_high),
            "distance_to_bound": abs(int(nearest_bound) - implied),
        },
        name="working back",
        dtype=object,
    )


def plot_running_total_check(claims: pd.DataFrame, check):
    """Draw a later total, the new deaths it adds, and the earlier figure
    beside the worked-back value.

    Two dates on the x axis; the earlier document's figure is drawn with its
    open end (a ceiling with no floor, for "nearly"), and the worked-back
    value is drawn as a star labelled as computed, not as anyone's claim.
    """
    rows = claims.set_index("claim_id")
    total, earlier = rows.loc[check["total_claim"]], rows.loc[check["earlier_claim"]]
    values = [check["total"], check["implied_earlier"]] + [
        int(v) for v in (earlier["value_min"], earlier["value_max"]) if not pd.isna(v)
    ]
    margin = max(20, (max(values) - min(values)) * 0.6)
    bottom, top = min(values) - 2 * margin, max(values) + margin
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 4.4), layout="constrained")
    dates = [
        format_as_of(earlier["as_of"], earlier["as_of_precision"]),
        format_as_of(total["as_of"], total["as_of_precision"]),
    ]
    x_earlier, x_total = 0.0, 1.0

    # The earlier figure, with its open end running off the bottom of the axis.
    colour = side_colour(earlier["claimant_side"])
    bound = earlier["value_max"] if pd.isna(earlier["value_min"]) else earlier["value_min"]
    open_down = pd.isna(earlier["value_min"])
    ax.annotate(
        "",
        xy=(x_earlier - 0.1, bottom if open_down else top),
        xytext=(x_earlier - 0.1, int(bound)),
        arrowprops={
            "arrowstyle": "-|>",
            "linestyle": (0, (3, 2)),
            "color": colour,
            "linewidth": 1.6,
            "shrinkA": 0,
            "shrinkB": 0,
        },
        gid=f"{check['earlier_claim']}-open-{'down' if open_down else 'up'}",
    )
    included = earlier["qualifier"] not in EXCLUSIVE_QUALIFIERS
    ax.plot(
        [x_earlier - 0.1],
        [int(bound)],
        marker=side_marker(earlier["claimant_side"]),
        markersize=10,
        linestyle="none",
        markerfacecolor=colour if included else "white",
        markeredgecolor=colour,
        markeredgewidth=1.8,
        gid=check["earlier_claim"],
        zorder=3,
    )
    labels = []
    labels.append(
        ax.annotate(
            f"{check['earlier_wording']}\n(document {earlier['source_id']})",
            xy=(x_earlier - 0.1, int(bound)),
            xytext=(0, 10),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=TEXT_SIZE,
        )
    )

    # The later total.
    colour = side_colour(total["claimant_side"])
    ax.plot(
        [x_total],
        [check["total"]],
        marker=side_marker(total["claimant_side"]),
        markersize=10,
        color=colour,
        linestyle="none",
        gid=check["total_claim"],
        zorder=3,
    )
    labels.append(
        ax.annotate(
            f"{format_count(check['total'])}\n(document {total['source_id']})",
            xy=(x_total, check["total"]),
            xytext=(10, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=TEXT_SIZE,
        )
    )

    # Working back: the total minus the new deaths.
    ax.annotate(
        "",
        xy=(x_earlier + 0.1, check["implied_earlier"]),
        xytext=(x_total, check["total"]),
        arrowprops={
            "arrowstyle": "-|>",
            "color": OKABE_ITO["black"],
            "linewidth": 1.2,
            "shrinkA": 6,
            "shrinkB": 6,
        },
    )
    middle = ((x_earlier + 0.1 + x_total) / 2, (check["implied_earlier"] + check["total"]) / 2)
    labels.append(
        ax.annotate(
            f"minus {format_count(check['new'])} new deaths",
            xy=middle,
            xytext=(4, -14),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=TEXT_SIZE,
        )
    )
    ax.plot(
        [x_earlier + 0.1],
        [check["implied_earlier"]],
        marker="*",
        markersize=14,
        color=OKABE_ITO["black"],
        linestyle="none",
        gid="implied-earlier",
        zorder=3,
    )
    labels.append(
        ax.annotate(
            f"{format_count(check['total'])} − {format_count(check['new'])}\n"
            f"= {format_count(check['implied_earlier'])} (computed)",
            xy=(x_earlier + 0.1, check["implied_earlier"]),
            xytext=(10, -4),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=TEXT_SIZE,
        )
    )

    ax.set_xticks([x_earlier, x_total], dates)
    ax.set_xlim(-0.7, 1.6)
    ax.set_ylim(bottom, top)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_count(value)))
    ax.set_ylabel(
        f"{total['counted_group']} deaths, {total['counted_side']} side", fontsize=TEXT_SIZE
    )
    ax.grid(axis="y", color=OKABE_ITO["grey"], alpha=0.25)
    ax.set_axisbelow(True)
    # The y limits stay: the open end's arrow runs to the bottom one.
    make_room_for_labels(ax, labels, axis="x")
    return fig


def claim_quotes(claims: pd.DataFrame, claim_ids):
    """The chosen figures' documents side by side with the full sentence each rests on.

    Returned as a styled table so the quotes are shown whole (a plain pandas
    table cuts text at 50 characters).
    """
    rows = claims.set_index("claim_id")
    unknown = [claim_id for claim_id in claim_ids if claim_id not in rows.index]
    if unknown:
        raise KeyError(
            f"no claim {', '.join(map(repr, unknown))} in the casualty table; "
            f"known ids: {', '.join(rows.index)}"
        )
    # Two columns only, so the quotes keep a readable width on a phone.
    table = pd.DataFrame(
        {"document": rows.loc[claim_ids, "source_id"], "quote": rows.loc[claim_ids, "quote"]}
    )
    return table.style.set_properties(
        **{"text-align": "left", "white-space": "normal"}
    ).set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])


def explorer_views(claims: pd.DataFrame):
    """One view per counted group of the 2020 figures, and one per earlier war.

    The 2020 views share one axis, so an open end looks the same in every
    view and a figure can be compared across views; a figure about another
    war gets a view of its own, on its own axis, with the war named on it.
    Returns ``(views, alt_texts)`` for :func:`sourcekit.explorer.static_explorer`.
    """
    from .explorer import views_by

    current = claims[claims["conflict"] == "2020 war"]
    limits = axis_limits(current)
    groups = [group for group in GROUP_TITLES if group in set(current["counted_group"])]
    views, alt_texts = views_by(
        current,
        "counted_group",
        draw=lambda part: plot_claim_ranges(part, limits=limits),
        describe=describe_claims,
        labels={group: f"2020 war: {GROUP_TITLES[group].lower()}" for group in groups},
    )
    for war, part in claims[claims["conflict"] != "2020 war"].groupby("conflict"):
        option = f"{war} (a different war)"
        views[option] = plot_claim_ranges(part)
        alt_texts[option] = describe_claims(part)
    return views, alt_texts
