"""The documented shape of every table in ``data/``.

One declaration per table drives both validation (``validation.py``) and the
dtypes the loaders return, so the data dictionary page, the loaders and the
tests cannot drift apart: the dictionary page renders these declarations.
"""

from dataclasses import dataclass, field

#: Allowed values of enumerated columns, shared by several tables.
PRECISIONS = ("day", "month", "year")
SIDES = ("Armenian", "Azerbaijani", "both", "unspecified")


@dataclass(frozen=True)
class Column:
    """One column: its name, what kind of value it holds, and what it means.

    ``kind`` is one of ``id``, ``source_id``, ``text``, ``quote``, ``int``,
    ``float``, ``date``, ``choice``, ``sha256``. ``required`` columns may not
    be empty. ``choices`` lists the allowed values of a ``choice`` column.
    """

    name: str
    kind: str
    meaning: str
    required: bool = True
    choices: tuple = ()

    @property
    def dtype(self) -> str:
        """The pandas dtype the loader gives this column."""
        return {
            "int": "Int64",
            "float": "Float64",
            "date": "datetime64[ns]",
        }.get(self.kind, "string")


@dataclass(frozen=True)
class Table:
    """A CSV file in ``data/`` and the rules each of its rows must meet."""

    file: str
    description: str
    columns: tuple
    id_column: str
    derivation: str = ""
    #: (low column, high column) pairs where low must not exceed high.
    ordered_pairs: tuple = field(default_factory=tuple)

    @property
    def column_names(self):
        return [c.name for c in self.columns]

    @property
    def dtypes(self):
        return {c.name: c.dtype for c in self.columns}


def _quote_columns():
    return (
        Column("source_id", "source_id", "Id of the document the row comes from (000-004); see the manifest."),
        Column("quote", "quote", "The passage the row rests on, copied verbatim: an exact substring of the document's text."),
    )


SOURCES = Table(
    file="sources.csv",
    description="The manifest of the five documents: what each is and how we know.",
    id_column="source_id",
    derivation="Written by hand from each document's own text; the SHA-256 is of the file in data/sources/ and is checked on load.",
    columns=(
        Column("source_id", "id", "Three-digit id, 000-004, also the start of the file name."),
        Column("file", "text", "File name under data/sources/."),
        Column("outlet", "text", "Who published it, as far as the evidence shows, or 'not stated in the text'."),
        Column("outlet_basis", "text", "The evidence for the outlet."),
        Column("title", "text", "The headline or article title as it stands in the document, or a description in brackets where there is none."),
        Column("date", "date", "Publication date (or the earliest date it can have been written)."),
        Column("date_precision", "choice", "How precise the date is.", choices=PRECISIONS),
        Column("date_basis", "text", "How the date is known: the words in the text that fix it."),
        Column("language", "text", "Language of the text we have."),
        Column("kind", "text", "What kind of document it is."),
        Column("watch_for", "text", "What a careful reader should watch for."),
        Column("sha256", "sha256", "SHA-256 of the file's bytes; the loader refuses a file that does not match."),
        Column("rights", "text", "Who holds the rights to the text and on what basis the course reproduces it: its licence, or for a copyright text the teaching purpose it is reproduced for."),
        Column("attribution", "text", "The credit the text must carry wherever it is shown: title, author or outlet, date, and for a licensed text the link to it and to its licence."),
    ),
)

CASUALTY_CLAIMS = Table(
    file="casualty_claims.csv",
    description="Every casualty figure the documents give, as a range with who claims it, about whom, as of when.",
    id_column="claim_id",
    derivation="One row per figure per document, read from the text. 'at least N' and 'more than N' give value_min = N with no upper bound; 'nearly N' and 'almost N' give value_max = N with no lower bound; a bare figure gives value_min = value_max. Bounds the text does not give stay empty.",
    ordered_pairs=(("value_min", "value_max"),),
    columns=(
        Column("claim_id", "id", "Row id, C01, C02, ..."),
        Column("source_id", "source_id", "Document the figure appears in."),
        Column("value_stated", "int", "The number as written."),
        Column("qualifier", "choice", "The hedge word attached to the number.", choices=("exact", "at least", "more than", "nearly", "almost")),
        Column("value_min", "int", "Lowest value the wording allows, empty if the text sets none.", required=False),
        Column("value_max", "int", "Highest value the wording allows, empty if the text sets none.", required=False),
        Column("unit", "text", "What is counted (deaths)."),
        Column("counted_group", "choice", "Who is counted.", choices=("military", "civilian", "all")),
        Column("counted_side", "choice", "Whose dead are counted.", choices=SIDES),
        Column("claimant", "text", "Who makes the claim, as the document attributes it."),
        Column("claimant_side", "choice", "Which side the claimant belongs to.", choices=("Armenian", "Azerbaijani", "Russian", "third party", "outlet")),
        Column("as_of", "date", "The date the figure stands at."),
        Column("as_of_precision", "choice", "How precise as_of is.", choices=PRECISIONS),
        Column("period", "text", "The span the count covers."),
        Column("conflict", "choice", "Which war the figure is about.", choices=("2020 war", "1988-1994 war")),
        _quote_columns()[1],
    ),
)

TIMELINE = Table(
    file="timeline.csv",
    description="Every dated event in the documents, one row per event per document, so reports of one event can be compared.",
    id_column="event_id",
    derivation="Dates written in the text are 'stated'; dates worked out from 'on Sunday', 'last month' or 'a day after' and the document's own date are 'relative'. Rows about the same event share an event_key.",
    columns=(
        Column("event_id", "id", "Row id, T01, T02, ... in date order."),
        Column("event_key", "text", "Key shared by rows that report the same event."),
        Column("date", "date", "When it happened (first of the month or year for coarser precision)."),
        Column("date_precision", "choice", "How precise the date is.", choices=PRECISIONS),
        Column("date_basis", "choice", "How the date is known.", choices=("stated", "relative", "inferred")),
        Column("event", "text", "Short neutral description, attributed where it is a claim."),
        Column("event_kind", "choice", "What kind of event.", choices=("political", "military", "casualties", "diplomatic", "public reaction", "aftermath")),
        Column("reported_by", "text", "Who the document says reports or claims it."),
        Column("reporter_side", "choice", "Which side the reporter belongs to.", choices=("Azerbaijani", "Armenian", "Russian", "Turkish", "third party", "document")),
        *_quote_columns(),
    ),
)

REACTIONS = Table(
    file="reactions.csv",
    description="Every international or public reaction the documents report: who, when, what kind.",
    id_column="reaction_id",
    derivation="One row per actor per document. A date is given only where the text ties the reaction to one.",
    columns=(
        Column("reaction_id", "id", "Row id, R01, R02, ..."),
        Column("actor", "text", "Who reacted, as named."),
        Column("actor_role", "text", "Their role as the document gives it."),
        Column("country", "text", "Country (or international body) the actor belongs to."),
        Column("actor_kind", "choice", "What kind of actor.", choices=("head of state or government", "government official", "legislator", "diplomat", "political party", "public", "organisation", "military", "public figure", "sports club")),
        Column("date", "date", "When, if the text says.", required=False),
        Column("date_precision", "choice", "How precise the date is.", required=False, choices=PRECISIONS),
        Column("reaction_kind", "choice", "What kind of reaction.", choices=("congratulation", "celebration", "protest", "denial", "statement", "mediation", "peacekeeping", "incident", "offer of support")),
        Column("summary", "text", "Short neutral description."),
        *_quote_columns(),
    ),
)

PLACES = Table(
    file="places.csv",
    description="The places the documents name, with coordinates from a cited public reference.",
    id_column="place_id",
    derivation="Coordinates are facts from outside the documents: each row carries the public reference they were taken from. mentioned_in is checked against the texts by whole-word search.",
    columns=(
        Column("place_id", "id", "Short key used by other tables."),
        Column("name", "text", "The name the documents mostly use."),
        Column("other_names", "text", "Other names, separated by '; '.", required=False),
        Column("kind", "choice", "What kind of place.", choices=("city", "town", "village", "region", "corridor")),
        Column("latitude", "float", "Decimal degrees north."),
        Column("longitude", "float", "Decimal degrees east."),
        Column("reference", "text", "The public reference for the coordinates."),
        Column("mentioned_in", "text", "Ids of the documents that name the place, separated by ';'.", required=False),
    ),
)

DISTANCE_CLAIMS = Table(
    file="distance_claims.csv",
    description="Every distance between two places that a document gives.",
    id_column="claim_id",
    derivation="Bounds are set only where the text gives a number; 'a few kilometers' keeps empty bounds.",
    ordered_pairs=(("km_min", "km_max"),),
    columns=(
        Column("claim_id", "id", "Row id, D01, D02, ..."),
        Column("source_id", "source_id", "Document the distance appears in."),
        Column("from_place", "text", "place_id of one end (see places.csv)."),
        Column("to_place", "text", "place_id of the other end."),
        Column("value_stated", "float", "The number as written, empty if the text gives words only.", required=False),
        Column("unit_stated", "text", "The unit or words used."),
        Column("km_min", "float", "Lower bound in km, empty if the text sets none.", required=False),
        Column("km_max", "float", "Upper bound in km, empty if the text sets none.", required=False),
        Column("qualifier", "choice", "The hedge attached to the distance.", choices=("exact", "about", "only about", "a few")),
        Column("quote", "quote", "The passage, verbatim."),
    ),
)

ALL_TABLES = (SOURCES, CASUALTY_CLAIMS, TIMELINE, REACTIONS, PLACES, DISTANCE_CLAIMS)
