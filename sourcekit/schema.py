"""The documented shape of every table in ``data/``.

One declaration per table drives both validation (``validation.py``) and the
dtypes the loaders return, so the data dictionary page, the loaders and the
tests cannot drift apart: the dictionary page renders these declarations.
"""

from dataclasses import dataclass, field

#: Allowed values of enumerated columns, shared by several tables, each with
#: what it means: a value nobody has defined is a value two people read two ways.
PRECISION_MEANINGS = {
    "day": "the date is known to the day",
    "month": "known only to the month; the date is the first of the month",
    "year": "known only to the year; the date is 1 January",
}
PRECISIONS = tuple(PRECISION_MEANINGS)

#: Whose dead a figure counts.
COUNTED_SIDE_MEANINGS = {
    "Armenian": "Armenians: Armenia's or Nagorno-Karabakh's forces or civilians",
    "Azerbaijani": "Azerbaijanis: Azerbaijan's forces or civilians",
    "both": "the dead of both sides together",
    "unspecified": "the text does not say whose dead",
}
SIDES = tuple(COUNTED_SIDE_MEANINGS)

#: Whose position a speaker (a claimant, a reporter) speaks for. A side is a
#: party to the war or a state, never a nationality: a Russian newspaper that
#: speaks for no government is not the Kremlin, and is coded "third party".
#: The same definitions serve casualty_claims.claimant_side and
#: timeline.reporter_side, so the two columns cannot drift apart.
SPEAKER_SIDE_MEANINGS = {
    "Armenian": (
        "speaks for the Armenian side of the war: Armenia's or Nagorno-Karabakh's "
        "authorities, officials or forces"
    ),
    "Azerbaijani": (
        "speaks for the Azerbaijani side of the war: Azerbaijan's authorities, officials or forces"
    ),
    "Russian": (
        "speaks for the Russian state: its president, the Kremlin, its ministries or forces (not "
        "a Russian newspaper or citizen)"
    ),
    "Turkish": "speaks for the Turkish state: its president, ministries or forces",
    "third party": (
        "speaks for no party to the war and no state: international bodies, the press, news "
        "agencies and journalists of any country, unnamed analysts"
    ),
    "outlet": "the document's own voice: the figure is not attributed to anyone",
    "document": "the document's own voice: the event is told without attributing it to anyone",
}

#: How a date is known; "relative" and "inferred" dates are the course's own
#: reasoning, not the document's words, and say so.
DATE_BASIS_MEANINGS = {
    "stated": 'the text writes the date ("On 9 November", "In February 1988")',
    "relative": (
        'the course\'s inference from a relative word in the text ("on Sunday", "last month", "a '
        'day after", "28 years ago") counted from the document\'s own date'
    ),
    "inferred": (
        "the course's inference: the text gives no date for this event; the row takes the "
        "date of the day the document reports (8 November for the news of that day) or of "
        "an event the sentence ties it to"
    ),
}

#: How the date a casualty figure stands at is known.
AS_OF_BASIS_MEANINGS = {
    "document date": (
        "the figure is given in the present tense; it stands at the document's own date"
    ),
    "stated": "the text writes the date of the figure",
    "relative": (
        'the course\'s inference from a relative word ("last month", "on Monday") '
        "counted from the document's own date"
    ),
    "course's inference": (
        "the text does not date the figure; the course dates it by reasoning given in as_of_note"
    ),
}


@dataclass(frozen=True)
class Column:
    """One column: its name, what kind of value it holds, and what it means.

    ``kind`` is one of ``id``, ``source_id``, ``text``, ``quote``, ``int``,
    ``float``, ``date``, ``choice``, ``sha256``. ``required`` columns may not
    be empty. ``choices`` lists the allowed values of a ``choice`` column and
    ``definitions`` says what each one means (the data dictionary prints them;
    a test requires one for every value).
    """

    name: str
    kind: str
    meaning: str
    required: bool = True
    choices: tuple = ()
    definitions: tuple = ()

    @property
    def allowed(self) -> str:
        """The allowed values, each with its definition, as one readable string."""
        meanings = dict(self.definitions)
        return "; ".join(
            f"'{value}': {meanings[value]}" if value in meanings else f"'{value}'"
            for value in self.choices
        )

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


def choice(name: str, meaning: str, definitions: dict, required: bool = True) -> Column:
    """A ``choice`` column whose allowed values are the keys of ``definitions``."""
    return Column(
        name,
        "choice",
        meaning,
        required=required,
        choices=tuple(definitions),
        definitions=tuple(definitions.items()),
    )


def _quote_columns():
    return (
        Column(
            "source_id",
            "source_id",
            "Id of the document the row comes from (000-004); see the manifest.",
        ),
        Column(
            "quote",
            "quote",
            "The passage the row rests on, copied verbatim: an exact "
            "substring of the document's text.",
        ),
    )


SOURCES = Table(
    file="sources.csv",
    description="The manifest of the five documents: what each is and how we know.",
    id_column="source_id",
    derivation=(
        "Written by hand from each document's own text; the SHA-256 is of the file in "
        "data/sources/ and is checked on load."
    ),
    columns=(
        Column("source_id", "id", "Three-digit id, 000-004, also the start of the file name."),
        Column("file", "text", "File name under data/sources/."),
        Column(
            "outlet",
            "text",
            "Who published it, as far as the evidence shows, or 'not stated in the text'.",
        ),
        Column("outlet_basis", "text", "The evidence for the outlet."),
        Column(
            "title",
            "text",
            "The headline or article title as it stands in the document, or a description "
            "in brackets where there is none.",
        ),
        Column(
            "date", "date", "Publication date (or the earliest date it can have been written)."
        ),
        choice("date_precision", "How precise the date is.", PRECISION_MEANINGS),
        Column("date_basis", "text", "How the date is known: the words in the text that fix it."),
        Column("language", "text", "Language of the text we have."),
        Column("kind", "text", "What kind of document it is."),
        Column("watch_for", "text", "What a careful reader should watch for."),
        Column(
            "sha256",
            "sha256",
            "SHA-256 of the file's bytes; the loader refuses a file that does not match.",
        ),
        Column(
            "rights",
            "text",
            "Who holds the rights to the text and on what basis the course reproduces it: its "
            "licence, or for a copyright text the teaching purpose it is reproduced for.",
        ),
        Column(
            "attribution",
            "text",
            "The credit the text must carry wherever it is shown: title, author or outlet, date, "
            "and for a licensed text the link to it and to its licence.",
        ),
    ),
)

CASUALTY_CLAIMS = Table(
    file="casualty_claims.csv",
    description=(
        "Every casualty figure the documents give, as a range with who "
        "claims it, about whom, as of when."
    ),
    id_column="claim_id",
    derivation=(
        "One row per figure per document, read from the text. 'at least N' and 'more than "
        "N' give value_min = N with no upper bound; 'nearly N' and 'almost N' give "
        "value_max = N with no lower bound; a bare figure gives value_min = value_max. "
        "Bounds the text does not give stay empty."
    ),
    ordered_pairs=(("value_min", "value_max"),),
    columns=(
        Column("claim_id", "id", "Row id, C01, C02, ..."),
        Column("source_id", "source_id", "Document the figure appears in."),
        Column("value_stated", "int", "The number as written."),
        choice(
            "qualifier",
            "The hedge word attached to the number.",
            {
                "exact": "a bare figure, no hedge word",
                "at least": '"at least N": N is a floor',
                "more than": '"more than N": N is a floor',
                "nearly": '"nearly N": N is a ceiling',
                "almost": '"almost N": N is a ceiling',
            },
        ),
        Column(
            "value_min",
            "int",
            "Lowest value the wording allows, empty if the text sets none.",
            required=False,
        ),
        Column(
            "value_max",
            "int",
            "Highest value the wording allows, empty if the text sets none.",
            required=False,
        ),
        Column("unit", "text", "What is counted (deaths)."),
        choice(
            "counted_group",
            "Who is counted.",
            {
                "military": "soldiers or defence forces only",
                "civilian": "civilians only",
                "all": (
                    "everyone killed: the text names no group, and the course reads that as "
                    "soldiers and civilians together (the course's reading, not the text's words)"
                ),
            },
        ),
        choice("counted_side", "Whose dead are counted.", COUNTED_SIDE_MEANINGS),
        Column("claimant", "text", "Who makes the claim, as the document attributes it."),
        choice(
            "claimant_side",
            "Whose position the claimant speaks for (a side is a party "
            "or a state, not a nationality).",
            {
                k: SPEAKER_SIDE_MEANINGS[k]
                for k in ("Armenian", "Azerbaijani", "Russian", "third party", "outlet")
            },
        ),
        Column("as_of", "date", "The date the figure stands at."),
        choice("as_of_precision", "How precise as_of is.", PRECISION_MEANINGS),
        choice("as_of_basis", "How as_of is known.", AS_OF_BASIS_MEANINGS),
        Column(
            "as_of_note",
            "text",
            "The reasoning behind an as_of the text does not write, labelled as the course's; "
            "empty where the text writes the date or the figure stands at the document's date.",
            required=False,
        ),
        Column("period", "text", "The span the count covers."),
        choice(
            "conflict",
            "Which war the figure is about.",
            {
                "2020 war": "the fighting that began on 27 September 2020",
                "1988-1994 war": "the first war over the region, which ended with the 1994 truce",
            },
        ),
        _quote_columns()[1],
    ),
)

TIMELINE = Table(
    file="timeline.csv",
    description=(
        "Every dated event in the documents, one row per event per document, so "
        "reports of one event can be compared."
    ),
    id_column="event_id",
    derivation=(
        "Dates written in the text are 'stated'; dates worked out from 'on Sunday', 'last "
        "month' or 'a day after' and the document's own date are 'relative'; events the text "
        "does not date take the day the document reports and are 'inferred'. 'relative' and "
        "'inferred' dates are the course's inferences, not the documents' words. Rows about "
        "the same event share an event_key. reporter_side says whose position the reporter "
        "speaks for: a newspaper or a journalist of any country is 'third party', never the "
        "side of its country's government."
    ),
    columns=(
        Column(
            "event_id",
            "id",
            "Row id, T01, T02, ...: T01-T63 were numbered in date order, later rows are "
            "appended; the loader sorts by date.",
        ),
        Column("event_key", "text", "Key shared by rows that report the same event."),
        Column(
            "date", "date", "When it happened (first of the month or year for coarser precision)."
        ),
        choice("date_precision", "How precise the date is.", PRECISION_MEANINGS),
        choice("date_basis", "How the date is known.", DATE_BASIS_MEANINGS),
        Column("event", "text", "Short neutral description, attributed where it is a claim."),
        choice(
            "event_kind",
            "What kind of event.",
            {
                "political": "announcements, statements, votes and changes of office or control",
                "military": "fighting, strikes and reports of them",
                "casualties": "a death toll announced or reported",
                "diplomatic": (
                    "talks, truces, ceasefires, mediation, congratulations between states"
                ),
                "public reaction": "crowds, celebrations, protests, civilians on the move",
                "aftermath": "what happened after the ceasefire of 9-10 November 2020",
            },
        ),
        Column("reported_by", "text", "Who the document says reports or claims it."),
        choice(
            "reporter_side",
            "Whose position the reporter speaks for (a side is a party "
            "or a state, not a nationality).",
            {
                k: SPEAKER_SIDE_MEANINGS[k]
                for k in (
                    "Azerbaijani",
                    "Armenian",
                    "Russian",
                    "Turkish",
                    "third party",
                    "document",
                )
            },
        ),
        *_quote_columns(),
    ),
)

REACTIONS = Table(
    file="reactions.csv",
    description=(
        "Every reaction to the battle for Shusha/Shushi, to the announcement that it had been "
        "taken, or to its loss, that the documents report: who, when, what kind."
    ),
    id_column="reaction_id",
    derivation=(
        "One row per actor and statement per document; where an official says several things in "
        "one passage, each line is a row, the loaded lines as well as the conciliatory ones. A "
        "date is given only where the text ties the reaction to one. Events of the wider war "
        "(truces, ceasefires, mediation, the UN's warning, the helicopter shot down on 9 "
        "November, the peacekeepers' posts) are not reactions to the battle: they are in "
        "timeline.csv. country is whose the document says the actor is, never where the "
        "reaction took place: 'Azerbaijanis in Moscow' are Azerbaijan, and a Brooklyn rally "
        "whose people the document does not name is 'not stated in the document'. A "
        "journalist's own words are coded to her outlet as 'the press (outlet)', drawn as a "
        "third party, not to the country she reports from."
    ),
    columns=(
        Column("reaction_id", "id", "Row id, R01, R02, ..."),
        Column("actor", "text", "Who reacted, as named."),
        Column("actor_role", "text", "Their role as the document gives it."),
        Column(
            "country",
            "text",
            "Country (or international body) the document says the actor belongs to; "
            "'the press (outlet)' for a journalist's own words, 'not stated in the "
            "document' where it does not say.",
        ),
        choice(
            "actor_kind",
            "What kind of actor.",
            {
                "head of state or government": (
                    "a president, prime minister or self-declared president"
                ),
                "government official": (
                    "a minister, spokesperson, adviser, mayor or unnamed officials"
                ),
                "legislator": "a member or speaker of a parliament",
                "diplomat": "an ambassador",
                "political party": "a party or its leader or spokesperson",
                "public": "crowds, residents, protesters, people not named",
                "organisation": "a government, ministry or other body speaking as a whole",
                "military": "armed forces or a unit of them",
                "public figure": (
                    "a named person without a current office: former "
                    "office-holders, actors, journalists"
                ),
                "sports club": "a sports club",
            },
        ),
        Column("date", "date", "When, if the text says.", required=False),
        choice("date_precision", "How precise the date is.", PRECISION_MEANINGS, required=False),
        choice(
            "reaction_kind",
            "What kind of reaction.",
            {
                "congratulation": "congratulates Azerbaijan, its people or its president",
                "celebration": "crowds or people celebrate",
                "protest": "people protest",
                "denial": "denies that the city has been taken, or denies an allegation",
                "statement": (
                    "says something about the battle, the city or its "
                    "loss that is none of the above"
                ),
                "offer of support": "offers help or support after the capture",
            },
        ),
        Column("summary", "text", "Short neutral description."),
        *_quote_columns(),
    ),
)

PLACES = Table(
    file="places.csv",
    description="The places the documents name, with coordinates from a cited public reference.",
    id_column="place_id",
    derivation=(
        "Coordinates are facts from outside the documents: each row carries the public reference "
        "they were taken from. mentioned_in is checked against the texts by whole-word search."
    ),
    columns=(
        Column("place_id", "id", "Short key used by other tables."),
        Column("name", "text", "The name the documents mostly use."),
        Column("other_names", "text", "Other names, separated by '; '.", required=False),
        choice(
            "kind",
            "What kind of place.",
            {
                "city": "a city",
                "town": "a town",
                "village": "a village",
                "region": "a region or province",
                "corridor": "a road corridor",
            },
        ),
        Column("latitude", "float", "Decimal degrees north."),
        Column("longitude", "float", "Decimal degrees east."),
        Column("reference", "text", "The public reference for the coordinates."),
        Column(
            "mentioned_in",
            "text",
            "Ids of the documents that name the place, separated by ';'.",
            required=False,
        ),
    ),
)

DISTANCE_CLAIMS = Table(
    file="distance_claims.csv",
    description="Every distance between two places that a document gives.",
    id_column="claim_id",
    derivation=(
        "Bounds are set only where the text gives a number; 'a few kilometers' keeps empty bounds."
    ),
    ordered_pairs=(("km_min", "km_max"),),
    columns=(
        Column("claim_id", "id", "Row id, D01, D02, ..."),
        Column("source_id", "source_id", "Document the distance appears in."),
        Column("from_place", "text", "place_id of one end (see places.csv)."),
        Column("to_place", "text", "place_id of the other end."),
        Column(
            "value_stated",
            "float",
            "The number as written, empty if the text gives words only.",
            required=False,
        ),
        Column("unit_stated", "text", "The unit or words used."),
        Column(
            "km_min", "float", "Lower bound in km, empty if the text sets none.", required=False
        ),
        Column(
            "km_max", "float", "Upper bound in km, empty if the text sets none.", required=False
        ),
        choice(
            "qualifier",
            "The hedge attached to the distance.",
            {
                "exact": "a bare figure, no hedge word",
                "about": '"about N"',
                "only about": '"only about N": the hedge also stresses how near',
                "a few": '"a few": no number, so no bounds',
            },
        ),
        Column("quote", "quote", "The passage, verbatim."),
    ),
)

UNCODED_SENTENCES = Table(
    file="uncoded_sentences.csv",
    description=(
        "The sentences of the documents that no other table's row rests on, each "
        "with the reason it was left out."
    ),
    id_column="sentence_id",
    derivation=(
        "Sentences are those of sourcekit.text.split_sentences. A sentence is coded when the "
        "quotes of rows in the other tables cover nearly all of it (nine tenths of its letters "
        "and digits, footnote markers aside; sourcekit.coverage.MIN_COVERED_SHARE), so a row "
        "quoting one clause does not code the sentence's other claims; every other sentence is "
        "listed here, its quote the whole sentence verbatim. A test fails if a sentence is "
        "neither coded nor listed; the About-the-data page counts both per document."
    ),
    columns=(
        Column("sentence_id", "id", "Row id, U001, U002, ..."),
        Column("source_id", "source_id", "Document the sentence is in."),
        choice(
            "reason_kind",
            "Whether the sentence carries a claim at all.",
            {
                "no claim": (
                    "a headline, section heading, page leftover or embed notice: it states no "
                    "fact, figure, date, name or claim of its own"
                ),
                "claim not tabled": (
                    "it states a fact or claim that no table has a column for (a description, an "
                    "assessment, a comparison); it counts against the share coded"
                ),
            },
        ),
        Column("reason", "text", "Why the sentence is not in a table, in a few words."),
        Column("quote", "quote", "The whole sentence, verbatim."),
    ),
)

ALL_TABLES = (
    SOURCES,
    CASUALTY_CLAIMS,
    TIMELINE,
    REACTIONS,
    PLACES,
    DISTANCE_CLAIMS,
    UNCODED_SENTENCES,
)

#: The tables whose rows rest on a verbatim quote of one document.
QUOTED_TABLES = tuple(
    t for t in ALL_TABLES if "quote" in t.column_names and "source_id" in t.column_names
)
