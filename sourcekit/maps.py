"""Map-like charts of the places and the distances the documents give.

There is no basemap: a map tile would be a second, unreferenced source of
facts (borders, names) that the course cannot check. Instead, places are
plotted from their cited coordinates on longitude/latitude axes corrected for
latitude (see :func:`sourcekit.geo.lonlat_aspect`), labelled with both names.
"""

import textwrap

import pandas as pd

from .charts import (
    FIGURE_WIDTH,
    OKABE_ITO,
    TEXT_SIZE,
    TITLE_SIZE,
    make_room_for_labels,
    new_figure,
)
from .geo import both_names, great_circle_km, lonlat_aspect
from .names import VOICES

#: Marker shape by kind of place, so the map needs no colour to be read.
#: A white box behind text that a reference line may cross.
_TEXT_BOX = dict(facecolor="white", edgecolor="none", pad=1.0)

KIND_MARKERS = {"city": "o", "town": "s", "village": "^", "corridor": "D", "region": "P"}


def _label_sides(places: pd.DataFrame, close_degrees: float = 0.2) -> dict:
    """Put each label right of its point, except the western one of a close pair.

    Two places a few kilometres apart (Shusha/Shushi and
    Stepanakert/Khankendi) would otherwise print their names over each other;
    sending the western name to the left keeps both readable.
    """
    coords = [
        (pid, float(lon), float(lat))
        for pid, lon, lat in places[["place_id", "longitude", "latitude"]].itertuples(index=False)
    ]
    sides = {}
    for pid, lon, lat in coords:
        close_to_east = [
            x
            for other, x, y in coords
            if other != pid and abs(x - lon) + abs(y - lat) < close_degrees and x > lon
        ]
        sides[pid] = "left" if close_to_east else "right"
    return sides


def _wrap_names(label: str, width: int = 22) -> str:
    """Put a long list of names on two lines, breaking after the slash nearest the middle.

    "Lachin corridor/Lachin/Berdzor" becomes "Lachin corridor/" over
    "Lachin/Berdzor": every name stays, and the label takes half the width.
    """
    slashes = [i for i, c in enumerate(label) if c == "/"]
    if len(label) <= width or not slashes:
        return label
    cut = min(slashes, key=lambda i: abs(i - len(label) / 2)) + 1
    return label[:cut] + "\n" + label[cut:]


def plot_places(
    places: pd.DataFrame, route=(), route_label="", ax=None, width=FIGURE_WIDTH, height=5.0
):
    """Plot ``places`` by longitude and latitude, labelled with both names.

    ``route`` is an optional sequence of place ids joined by a dotted line in
    that order -- a schematic link, drawn straight between points, never a
    road's real path. Marker shape shows the kind of place. Returns the axes.
    """
    if places.empty:
        raise ValueError("no places to plot: check the filter that selected them")
    if ax is None:
        _, ax = new_figure(width, height)
    indexed = places.set_index("place_id")
    missing = [pid for pid in route if pid not in indexed.index]
    if missing:
        raise KeyError(f"route names places that are not plotted: {', '.join(missing)}")
    if len(route) >= 2:
        ax.plot(
            indexed.loc[list(route), "longitude"].astype(float),
            indexed.loc[list(route), "latitude"].astype(float),
            linestyle=":",
            linewidth=2,
            color=OKABE_ITO["grey"],
            label=route_label or None,
            zorder=1,
        )
    for kind, group in places.groupby("kind", sort=False):
        ax.scatter(
            group["longitude"].astype(float),
            group["latitude"].astype(float),
            marker=KIND_MARKERS.get(kind, "o"),
            s=55,
            color=OKABE_ITO["black"],
            edgecolor="white",
            linewidth=0.8,
            label=kind,
            zorder=3,
        )
    sides = _label_sides(places)
    labels = []
    for _, place in places.iterrows():
        side = sides[place["place_id"]]
        labels.append(
            ax.annotate(
                _wrap_names(both_names(place)),
                (float(place["longitude"]), float(place["latitude"])),
                xytext=(7 if side == "right" else -7, 0),
                textcoords="offset points",
                ha="left" if side == "right" else "right",
                va="center",
                fontsize=TEXT_SIZE,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=0.5),
            )
        )
    ax.set_aspect(lonlat_aspect(places["latitude"]))
    ax.set_xlabel("longitude (° E)")
    ax.set_ylabel("latitude (° N)")
    ax.margins(0.12)
    # Below the axes: inside them, the legend covered the northernmost points on a phone.
    # A long route label goes on two lines so that the legend is no wider than the chart.
    handles, names = ax.get_legend_handles_labels()
    ax.legend(
        handles,
        [textwrap.fill(name, 26) for name in names],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=2,
        fontsize=TEXT_SIZE,
    )
    make_room_for_labels(ax, labels)
    return ax


def plot_distance_claims(
    claims: pd.DataFrame, source_ids, ax=None, width=FIGURE_WIDTH, height=3.4
):
    """One row per document: the distance it gives, beside the straight line.

    ``claims`` is :func:`sourcekit.geo.distance_claims_with_great_circle` for
    one pair of places; ``source_ids`` lists every document, so a document
    that gives no distance shows as such instead of vanishing. A claim with
    no number ("a few kilometers") is written out in words with no bar: a bar
    would need a number the document never gave. Returns the axes.
    """
    pairs = set(zip(claims["from_place"], claims["to_place"]))
    if len(pairs) != 1:
        raise ValueError(f"plot one pair of places at a time; got {len(pairs)}: {sorted(pairs)}")
    if ax is None:
        _, ax = new_figure(width, height)
    from_place, to_place = pairs.pop()
    straight = great_circle_km(from_place, to_place)
    rows = list(source_ids)[::-1]  # first document at the top
    by_source = {sid: group for sid, group in claims.groupby("source_id")}
    top = max([float(v) for v in claims["km_max"].dropna()] + [straight]) * 1.05
    for y, source_id in enumerate(rows):
        group = by_source.get(source_id)
        if group is None:
            ax.text(
                0.3,
                y,
                "gives no distance",
                va="center",
                fontsize=TEXT_SIZE,
                style="italic",
                bbox=_TEXT_BOX,
                zorder=4,
            )
            continue
        for _, claim in group.iterrows():
            if pd.isna(claim["km_max"]) and pd.isna(claim["km_min"]):
                ax.text(
                    0.3,
                    y,
                    f"“{claim['words']}”: no number",
                    va="center",
                    fontsize=TEXT_SIZE,
                    bbox=_TEXT_BOX,
                    zorder=4,
                )
                continue
            low = float(claim["km_min"]) if not pd.isna(claim["km_min"]) else 0.0
            high = float(claim["km_max"]) if not pd.isna(claim["km_max"]) else top
            ax.barh(
                y,
                high,
                height=0.55,
                color=OKABE_ITO["sky blue"],
                edgecolor=OKABE_ITO["black"],
                linewidth=0.6,
            )
            if high > low:  # a range: mark the part the wording leaves open
                ax.barh(
                    y,
                    high - low,
                    left=low,
                    height=0.55,
                    color="white",
                    hatch="//",
                    edgecolor=OKABE_ITO["black"],
                    linewidth=0.6,
                )
            ax.text(high + top * 0.015, y, f"“{claim['words']}”", va="center", fontsize=TEXT_SIZE)
    ax.axvline(straight, color=OKABE_ITO["vermillion"], linewidth=2, linestyle="--")
    ax.text(
        straight,
        len(rows) - 0.45,
        f"  straight line: {straight:.1f} km",
        fontsize=TEXT_SIZE,
        va="bottom",
        ha="left",
    )
    ax.set_yticks(range(len(rows)), rows)
    ax.set_ylabel("document")
    ax.set_ylim(-0.6, len(rows) + 0.4)
    ax.set_xlim(0, top * 2.2)
    ax.set_xlabel("kilometres")
    return ax


#: Fills and hatches for the name forms of one referent (not sides: a name is
#: not a side, whatever the intro's table says about who prefers which).
_FORM_STYLES = [
    {"color": OKABE_ITO["sky blue"], "hatch": ""},
    {"color": OKABE_ITO["yellow"], "hatch": "//"},
    {"color": "#FFFFFF", "hatch": ".."},
    {"color": OKABE_ITO["grey"], "hatch": ""},
]


def plot_name_forms(usage: pd.DataFrame, referent: str, ax=None, width=FIGURE_WIDTH, height=None):
    """How often each document uses each name for one referent, as grouped bars.

    ``usage`` is :func:`sourcekit.name_usage_table`. Each bar is split by
    voice, in the order of :data:`sourcekit.names.VOICES`: the document's own
    voice in full colour, reported speech paler, inside quotation palest. Every
    bar is labelled with its name form, its count and the count in each voice,
    "Shusha 15 (7 · 7 · 1)", with the key to the brackets under the title
    (zeros included: a name a document never uses is the finding), so the
    chart needs no legend and no reading depends on the shades. The labels are
    short so that they fit beside the bars on a phone. Returns the axes.
    """
    rows = usage[usage["referent"] == referent]
    if rows.empty:
        known = ", ".join(sorted(usage["referent"].unique()))
        raise KeyError(f"no referent {referent!r}; known referents: {known}")
    forms = list(dict.fromkeys(rows["form"]))
    documents = sorted(rows["source_id"].unique())
    if ax is None:
        _, ax = new_figure(width, height or (0.28 * len(forms) + 0.25) * len(documents) + 0.9)
    by_voice = _counts_by_voice(rows)
    totals = by_voice.sum(axis=1)
    bar = 0.8 / len(forms)
    top = max(int(totals.max()), 1)
    labels = []
    for f, form in enumerate(forms):
        style = _FORM_STYLES[f % len(_FORM_STYLES)]
        for d, source_id in enumerate(documents):
            y = (len(documents) - 1 - d) + 0.4 - bar * (f + 0.5)
            left = 0
            for voice, alpha in zip(VOICES, _VOICE_ALPHAS):
                width_of_voice = int(by_voice.loc[(source_id, form), voice])
                ax.barh(
                    y,
                    width_of_voice,
                    left=left,
                    height=bar * 0.9,
                    color=style["color"],
                    alpha=alpha,
                    hatch=style["hatch"],
                    edgecolor=OKABE_ITO["black"],
                    linewidth=0.5,
                )
                left += width_of_voice
            value = int(totals.loc[(source_id, form)])
            labels.append(
                ax.text(
                    value + top * 0.02,
                    y,
                    f"{form} {value}{_voice_split(by_voice.loc[(source_id, form)])}",
                    va="center",
                    fontsize=TEXT_SIZE,
                )
            )
    ax.set_yticks(range(len(documents)), documents[::-1])
    ax.set_ylabel("document")
    ax.set_xlabel("times used (whole words)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, top * 1.6)
    # The title, and under it the key to the brackets; the title is lifted to make room.
    ax.set_title(f"Names for {referent}", loc="left", fontsize=TITLE_SIZE, pad=TEXT_SIZE * 1.3 + 8)
    ax.annotate(
        "in brackets: own voice · reported · quoted",
        xy=(0, 1),
        xycoords="axes fraction",
        xytext=(0, 5),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=TEXT_SIZE,
    )
    make_room_for_labels(ax, labels, axis="x")
    return ax


def describe_name_forms(usage: pd.DataFrame, referent: str) -> str:
    """The counts behind :func:`plot_name_forms`, as one sentence for alt text.

    Written from the same rows as the picture, so what a screen reader says
    cannot drift from what the chart shows.
    """
    rows = usage[usage["referent"] == referent]
    if rows.empty:
        raise KeyError(f"no referent {referent!r}")
    by_voice = _counts_by_voice(rows)
    parts = []
    for source_id in sorted(rows["source_id"].unique()):
        forms = ", ".join(
            f"{form} "
            f"{int(by_voice.loc[(source_id, form)].sum())}"
            f"{_voice_split(by_voice.loc[(source_id, form)], long=True)}"
            for form in dict.fromkeys(rows["form"])
        )
        parts.append(f"document {source_id}: {forms}")
    return (
        f"Times each document uses each name for {referent}, and in whose voice. "
        + "; ".join(parts)
        + "."
    )


#: Shades of a form's colour for each voice: own voice, reported speech, inside quotation.
_VOICE_ALPHAS = (1.0, 0.55, 0.22)


def _counts_by_voice(rows: pd.DataFrame) -> pd.DataFrame:
    """(source_id, form) -> one column per voice, zeros where a voice never occurs."""
    return rows.set_index(["source_id", "form"])[list(VOICES)].astype(int)


def _voice_split(counts, long=False) -> str:
    """' (2 · 1 · 3)' for a non-zero count, in the order own voice, reported, quoted; '' for zero.

    ``long`` spells it out for alt text: ' (2 in its own voice, 1 in reported speech,
    3 inside quotation)'.
    """
    if int(counts.sum()) == 0:
        return ""
    if not long:
        return " (" + " · ".join(str(int(counts[voice])) for voice in VOICES) + ")"
    words = ("in its own voice", "in reported speech", "inside quotation")
    return (
        " ("
        + ", ".join(f"{int(counts[voice])} {word}" for voice, word in zip(VOICES, words))
        + ")"
    )
