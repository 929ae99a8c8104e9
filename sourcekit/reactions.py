"""Who reacted, how and when, as the documents report it.

``reactions.csv`` has one row per actor per document. Counting its rows
measures what the documents chose to report, not how the world reacted: an
encyclopedia sentence that lists Turkish congratulations adds one row per
name, while a news report that says "international powers have made repeated
attempts" adds none. So every count here can be split by document, and the
charts say which document each number comes from.

Used by the chapter "International reaction"; the functions take the frame
returned by :func:`sourcekit.load_reactions`, or read the documents through
:func:`sourcekit.read_source_text`, so nothing is retyped.
"""

import re
import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from . import schema
from .charts import FIGURE_WIDTH, OKABE_ITO, TEXT_SIZE, side_colour, side_marker
from .data import source_texts
from .text import split_sentences, whole_word_pattern

#: The side each country's actors are drawn in, so a Turkish reaction has the
#: same colour and marker as a Turkish claim anywhere in the book. Countries
#: not listed (and international bodies) are "third party". Nagorno-Karabakh's
#: authorities are drawn with the Armenian side, as casualty_claims.csv does.
COUNTRY_SIDES = {
    "Armenia": "Armenian",
    "Nagorno-Karabakh": "Armenian",
    "Azerbaijan": "Azerbaijani",
    "Russia": "Russian",
    "Turkey": "Turkish",
}

#: Phrases in which the documents describe who stands with whom. They are
#: search keys, not quotations: the passages shown are read from the texts.
ALLIANCE_PHRASES = (
    "military alliance",
    "ally",
    "allied to Armenia",
    "ties with and sells arms to both sides",
    "Turkish support",
    "strongly supporting",
    "Minsk Group",
    "Ankara and Moscow compete",
)

_REACTION_KINDS = next(c.choices for c in schema.REACTIONS.columns if c.name == "reaction_kind")
_ACTOR_KINDS = next(c.choices for c in schema.REACTIONS.columns if c.name == "actor_kind")


def country_side(country: str) -> str:
    """The side a country's actors are coloured as; "third party" for everyone else."""
    return COUNTRY_SIDES.get(country, "third party")


def reactions_per_source(reactions: pd.DataFrame) -> pd.DataFrame:
    """How many reaction rows each document contributes, and its share of all rows."""
    counts = reactions["source_id"].value_counts().sort_index()
    frame = pd.DataFrame({"reactions": counts.astype(int)})
    frame["share of all rows"] = (frame["reactions"] / frame["reactions"].sum()).round(3)
    frame.index.name = "document"
    return frame


def count_table(reactions: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """A count of reaction rows by two columns, in a stable, readable order.

    Reaction kinds and actor kinds keep the order the schema lists them in;
    countries are grouped by side (the two parties first, then the others)
    and then by how many rows they have.
    """
    table = pd.crosstab(reactions[rows], reactions[columns])
    table = table.reindex(
        index=_order(table.index, rows, table.sum(axis=1)),
        columns=_order(table.columns, columns, table.sum(axis=0)),
    )
    table.index.name, table.columns.name = rows, columns
    return table


def _order(labels, column, totals):
    if column == "reaction_kind":
        return [kind for kind in _REACTION_KINDS if kind in labels]
    if column == "actor_kind":
        return [kind for kind in _ACTOR_KINDS if kind in labels]
    if column == "country":
        rank = {"Azerbaijani": 0, "Armenian": 1, "Turkish": 2, "Russian": 3}
        return sorted(
            labels, key=lambda label: (rank.get(country_side(label), 4), -totals[label], label)
        )
    return sorted(labels)


def plot_count_matrix(
    table: pd.DataFrame, title: str = None, row_sides: dict = None, totals_label: str = None
):
    """Draw a table of counts as a grid of markers with the count written beside each.

    Marker area grows with the count, and the number is always written, so
    the chart reads without colour. ``row_sides`` maps each row label to a
    side, giving that row the side's colour and marker; without it every
    marker is the book's neutral grey. Empty cells stay empty. With
    ``totals_label``, a last row in black gives each column's total.
    """
    if table.empty:
        raise ValueError("no reactions to draw: the selection is empty")
    if totals_label:
        table = pd.concat([table, table.sum(axis=0).to_frame(totals_label).T])
    n_rows, n_columns = table.shape
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 0.4 * n_rows + 2.3), layout="constrained")
    largest = max(int(table.to_numpy().max()), 1)
    for y, (label, counts) in enumerate(table.iterrows()):
        side = (row_sides or {}).get(label)
        colour = (
            side_colour(side) if side else OKABE_ITO["black" if label == totals_label else "grey"]
        )
        marker = side_marker(side) if side else "o"
        for x, count in enumerate(counts):
            if count == 0:
                continue
            ax.scatter(
                [x],
                [y],
                s=40 + 220 * (count / largest) ** 0.5,
                color=colour,
                marker=marker,
                zorder=3,
                gid=f"{label}|{table.columns[x]}",
            )
            ax.annotate(
                str(int(count)),
                xy=(x, y),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=TEXT_SIZE,
            )
    column_labels = [str(c) for c in table.columns]
    # Long column names are turned so that they do not run into each other.
    turn = max(len(label) for label in column_labels) > 6
    ax.set_xticks(
        range(n_columns),
        column_labels,
        rotation=65 if turn else 0,
        ha="left" if turn else "center",
        rotation_mode="anchor",
        fontsize=TEXT_SIZE,
    )
    ax.set_yticks(
        range(n_rows), [textwrap.fill(str(r), 22) for r in table.index], fontsize=TEXT_SIZE
    )
    ax.set_xlim(-0.6, n_columns - 0.1)
    ax.set_ylim(n_rows - 0.5, -0.6)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.grid(color=OKABE_ITO["grey"], alpha=0.2, linewidth=0.8)
    ax.set_axisbelow(True)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_xlabel(title, fontsize=TEXT_SIZE)
    return fig


def plot_reaction_matrix(reactions: pd.DataFrame, title: str = None):
    """Reactions counted by country (rows, coloured by side) and kind of reaction (columns)."""
    table = count_table(reactions, "country", "reaction_kind")
    return plot_count_matrix(
        table, title=title, row_sides={country: country_side(country) for country in table.index}
    )


def plot_reactions_per_source(reactions: pd.DataFrame):
    """Reactions counted by kind of actor (rows) and the document that reports them (columns).

    The last row, each document's total, shows how unevenly the documents
    contribute; the rows above show what kind of actor each one tends to name.
    """
    table = count_table(reactions, "actor_kind", "source_id")
    return plot_count_matrix(table, title="document", totals_label="all kinds of actor")


def dated_reactions(reactions: pd.DataFrame) -> pd.DataFrame:
    """The reactions the text ties to a date, with the span that date allows.

    A date known to the day is a point (start = end); one known only to the
    month spans the whole month, so a chart never shows more precision than
    the document gives.
    """
    dated = reactions[reactions["date"].notna()].copy()
    ends = {
        "day": pd.offsets.Day(0),
        "month": pd.offsets.MonthEnd(0),
        "year": pd.offsets.YearEnd(0),
    }
    dated["start"] = dated["date"]
    dated["end"] = [
        when + ends[precision] for when, precision in zip(dated["date"], dated["date_precision"])
    ]
    dated = dated.sort_values(["start", "end", "reaction_id"], kind="stable").reset_index(
        drop=True
    )
    return dated[
        [
            "reaction_id",
            "source_id",
            "actor",
            "country",
            "reaction_kind",
            "date_precision",
            "start",
            "end",
            "summary",
        ]
    ]


def plot_reaction_timeline(reactions: pd.DataFrame):
    """One row per dated reaction: a point for a day, a bar for a month.

    Rows are labelled with the country and the document; the kind of
    reaction is written beside each mark. The title counts the reactions
    that carry no date, which the chart cannot place.
    """
    dated = dated_reactions(reactions)
    if dated.empty:
        raise ValueError(
            "none of these reactions carries a date, so there is nothing to place on a timeline"
        )
    undated = len(reactions) - len(dated)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 0.37 * len(dated) + 2.0), layout="constrained")
    first, last = dated["start"].min(), dated["end"].max()
    middle = first + (last - first) / 2
    for y, row in dated.iterrows():
        side = country_side(row["country"])
        colour = side_colour(side)
        if row["date_precision"] == "day":
            ax.plot(
                [row["start"]],
                [y],
                marker=side_marker(side),
                color=colour,
                markersize=8,
                linestyle="none",
                gid=row["reaction_id"],
            )
            anchor = row["start"]
        else:
            ax.plot(
                [row["start"], row["end"]],
                [y, y],
                color=colour,
                linewidth=4,
                marker="|",
                markersize=11,
                markeredgewidth=2,
                solid_capstyle="butt",
                gid=row["reaction_id"],
            )
            anchor = row["end"] if row["start"] < middle else row["start"]
        left = anchor > middle
        ax.annotate(
            row["reaction_kind"],
            xy=(anchor, y),
            xytext=(-8 if left else 8, 0),
            textcoords="offset points",
            ha="right" if left else "left",
            va="center",
            fontsize=TEXT_SIZE,
        )
    ax.set_yticks(
        range(len(dated)),
        [f"{country} · {source}" for country, source in zip(dated["country"], dated["source_id"])],
        fontsize=TEXT_SIZE,
    )
    ax.set_ylim(len(dated) - 0.4, -0.6)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.tick_params(axis="x", labelsize=TEXT_SIZE)
    ax.set_xlim(first - pd.Timedelta(days=6), last + pd.Timedelta(days=6))
    ax.grid(axis="x", color=OKABE_ITO["grey"], alpha=0.25)
    ax.set_axisbelow(True)
    ax.set_title(
        f"{len(dated)} of {len(reactions)} reactions are dated,\n{undated} are not",
        loc="left",
        fontsize=TEXT_SIZE,
    )
    legend = [
        Line2D(
            [],
            [],
            marker="o",
            color=OKABE_ITO["black"],
            linestyle="none",
            markersize=7,
            label="dated to the day",
        ),
        Line2D(
            [],
            [],
            marker="|",
            color=OKABE_ITO["black"],
            linewidth=4,
            markersize=10,
            markeredgewidth=2,
            label="dated to the month only",
        ),
    ]
    fig.legend(handles=legend, loc="outside lower center", ncol=2, fontsize=TEXT_SIZE)
    return fig


def describe_reactions(reactions: pd.DataFrame) -> str:
    """A sentence counting reactions by country and kind, for alt text."""
    if reactions.empty:
        return "No reactions."
    table = count_table(reactions, "country", "reaction_kind")
    parts = []
    for country, counts in table.iterrows():
        kinds = ", ".join(f"{kind} {int(n)}" for kind, n in counts.items() if n)
        parts.append(f"{country} {int(counts.sum())} ({kinds})")
    total = len(reactions)
    sources = sorted(set(reactions["source_id"]))
    where = f"document {sources[0]}" if len(sources) == 1 else "documents " + ", ".join(sources)
    return (
        f"{total} reaction{'s' if total != 1 else ''} reported in {where}, by country and kind: "
        + "; ".join(parts)
        + "."
    )


def passages_mentioning(phrases=ALLIANCE_PHRASES) -> pd.DataFrame:
    """Every sentence in the five documents that contains one of ``phrases``, as a whole word.

    The passages are read from the stored texts, so what a page shows is what
    the document says, and a phrase that no longer appears anywhere raises
    an error instead of silently disappearing from the page.
    """
    texts = source_texts()
    patterns = {phrase: whole_word_pattern([phrase]) for phrase in phrases}
    rows, found = [], set()
    for source_id, text in texts.items():
        for sentence in split_sentences(text):
            matched = [phrase for phrase, pattern in patterns.items() if pattern.search(sentence)]
            if matched:
                found.update(matched)
                rows.append(
                    {"document": source_id, "phrases": "; ".join(matched), "passage": sentence}
                )
    missing = [phrase for phrase in phrases if phrase not in found]
    if missing:
        raise ValueError(f"not found in any document: {', '.join(repr(p) for p in missing)}")
    return pd.DataFrame(rows)


def show_passages(passages: pd.DataFrame):
    """Passages as a left-aligned table with the full text (pandas would cut it at 50 characters).

    Only the document and the passage are shown: a third column squeezes the
    text into a ribbon on a phone.
    """
    return (
        passages[["document", "passage"]]
        .style.hide(axis="index")
        .set_properties(**{"text-align": "left", "white-space": "normal"})
        .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    )


def passage_keys(passages: pd.DataFrame, prefix: str = "passage") -> dict:
    """Name each passage by its document and phrase, for the chapter's prose to quote.

    ``passage-001-military-alliance`` is the sentence of document 001 that
    contains "military alliance" (``-2`` and so on for later sentences with
    the same phrase). A chapter glues these names (myst-nb
    ``glue``) and quotes them with ``{glue:text}``, so the words on the page
    are read from the document, never retyped.
    """
    keys = {}
    for row in passages.itertuples(index=False):
        for phrase in row.phrases.split("; "):
            key = (
                f"{prefix}-{row.document}-{re.sub(r'[^a-z0-9]+', '-', phrase.lower()).strip('-')}"
            )
            # A phrase found in several sentences of one document: -2, -3, ... in text order.
            number, unique = 1, key
            while unique in keys:
                number += 1
                unique = f"{key}-{number}"
            keys[unique] = row.passage
    return keys


def sentence_of_each_row(reactions: pd.DataFrame) -> pd.Series:
    """The sentence of its document that each reaction row's quote starts in.

    Counting rows per sentence shows how much of a table one sentence can
    make: a single list of names becomes one row per name.
    """
    texts = source_texts()
    spans = {}
    for source_id, text in texts.items():
        position, found = 0, []
        for sentence in split_sentences(text):
            start = text.find(sentence, position)
            found.append((start, start + len(sentence), sentence))
            position = start + len(sentence)
        spans[source_id] = found
    sentences = {}
    for row in reactions.itertuples(index=False):
        start = texts[row.source_id].find(row.quote)
        sentences[row.reaction_id] = next(
            (sentence for low, high, sentence in spans[row.source_id] if low <= start < high),
            row.quote,
        )
    return pd.Series(sentences, name="sentence")


def as_markdown(text: str):
    """A passage as inline Markdown with every markup character escaped.

    Glued this way (and pasted with ``{glue:md}``), a quotation reads as plain
    text in the page, where ``{glue:text}`` would set it in bold; and a
    footnote marker such as ``[267]`` or a stray ``*`` stays a character.
    """
    from IPython.display import Markdown

    return Markdown(re.sub(r"([\\`*_{}\[\]()<>#+!|~-])", r"\\\1", text))
