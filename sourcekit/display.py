"""Show documents and tables on a page without a wall of code.

Cells on the documents and data pages call these; the HTML they return is
escaped, so a document's own characters are shown as they are and nothing in
a text can be mistaken for markup.
"""

import html
import re

import pandas as pd

from . import schema
from .data import load_source_manifest, read_source_text

#: pandas' display options that cut what a reader sees: a cell longer than ``max_colwidth``
#: (50 characters by default) ends in "...", and a table longer than ``max_rows`` loses its
#: middle rows. The course's tables are evidence (head notes, quoted sentences, the data
#: dictionary), so no display may shorten them; long cells wrap instead (see _static/course.css).
WHOLE_TABLE_OPTIONS = {
    "display.max_colwidth": None,
    "display.max_rows": None,
    "display.max_columns": None,
    "display.width": None,
}


def show_tables_whole() -> None:
    """Set pandas to show every row, column and character of every table.

    Called once when ``sourcekit`` is imported, so every chapter and exercise
    notebook that uses the package shows its evidence uncut without each page
    having to remember to.
    """
    for option, value in WHOLE_TABLE_OPTIONS.items():
        pd.set_option(option, value)


def words_in_quote(quote: str, pattern: str) -> str:
    """The part of a row's verbatim ``quote`` that ``pattern`` (a regular expression) matches.

    Prose may put only a document's own words inside quotation marks. A phrase
    rebuilt from a table's columns ("15 km") is the course's wording, not the
    document's ("15km (9 miles)"), so a chapter that quotes a detail of a row
    takes the words from the row's quote with this, and a quote that lacks
    them stops the build with a message instead of printing something else.
    """
    match = re.search(pattern, quote)
    if not match:
        raise ValueError(f"the quote does not contain words matching {pattern!r}: {quote[:80]!r}")
    return match.group(0)


def document_html(source_id: str) -> str:
    """The document's full text as HTML paragraphs, one per line of the file."""
    text = read_source_text(source_id)
    paragraphs = [line for line in text.splitlines() if line.strip()]
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in paragraphs)
    return (
        '<blockquote class="source-document" lang="en" '
        f'aria-label="Text of document {source_id}">\n'
        f"{body}\n</blockquote>"
    )


def is_earliest_possible_date(date_basis: str) -> bool:
    """Whether the manifest's date is only the earliest date the document can have.

    An undated document is dated by its latest event (000, 003); its head note
    must not print that under a plain "Date", as if the document stated it.
    The manifest's ``date_basis`` says so in its own words, starting with
    "Earliest possible date".
    """
    return str(date_basis).strip().lower().startswith("earliest possible date")


def date_kind(date_basis: str) -> str:
    """What the manifest's date of a document is, read from the start of its ``date_basis``.

    Only a date printed in the text is the document's own ("stated in the
    text"). A date the course works out from the text's words ("on Sunday") is
    the course's inference, and so is the earliest date an undated text can
    have; a table that labelled those "the document's date" would say more
    than the document does.
    """
    basis = str(date_basis).strip().lower()
    if is_earliest_possible_date(basis):
        return "earliest possible (the course's inference)"
    if basis.startswith("stated in the text"):
        return "stated in the text"
    return "worked out by the course"


def head_note(source_id: str) -> pd.DataFrame:
    """The manifest's facts about one document, as a two-column table."""
    manifest = load_source_manifest().set_index("source_id")
    row = manifest.loc[source_id]
    date_format = {"day": "%-d %B %Y", "month": "%B %Y", "year": "%Y"}[row["date_precision"]]
    kind = date_kind(row["date_basis"])
    if kind == "stated in the text":
        date_label = "Date"
    elif is_earliest_possible_date(row["date_basis"]):
        date_label = "Earliest possible date"
    else:
        date_label = "Date, as the course works it out"
    fields = {
        "Published by": row["outlet"],
        "How we know who": row["outlet_basis"],
        "Title": row["title"],
        date_label: f"{row['date']:{date_format}}",
        "How we know when": row["date_basis"],
        "Kind of document": row["kind"],
        "Language": row["language"],
        "Watch for": row["watch_for"],
        "Rights": row["rights"],
        "Credit": row["attribution"],
    }
    return pd.DataFrame({"about this document": fields}).rename_axis(f"document {source_id}")


def data_dictionary(table: schema.Table) -> pd.DataFrame:
    """One row per column of ``table``: its name, then its dtype, whether required, and meaning.

    Two columns, not four: the meaning is the long text a reader needs, and at
    phone width (390 px) separate dtype and "required" columns left it a sliver
    or pushed it off the screen. Each cell reads "string, required. Row id ...".
    """
    rows = []
    for column in table.columns:
        meaning = column.meaning
        if column.choices:
            meaning += " Allowed: " + column.allowed + "."
        required = "required" if column.required else "optional"
        rows.append(
            {
                "column": column.name,
                "dtype, whether required, and meaning": f"{column.dtype}, {required}. {meaning}",
            }
        )
    return pd.DataFrame(rows).set_index("column")
