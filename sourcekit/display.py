"""Show documents and tables on a page without a wall of code.

Cells on the documents and data pages call these; the HTML they return is
escaped, so a document's own characters are shown as they are and nothing in
a text can be mistaken for markup.
"""

import html

import pandas as pd

from . import schema
from .data import load_source_manifest, read_source_text


def document_html(source_id: str) -> str:
    """The document's full text as HTML paragraphs, one per line of the file."""
    text = read_source_text(source_id)
    paragraphs = [line for line in text.splitlines() if line.strip()]
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in paragraphs)
    return (
        f'<blockquote class="source-document" lang="en" aria-label="Text of document {source_id}">\n'
        f"{body}\n</blockquote>"
    )


def head_note(source_id: str) -> pd.DataFrame:
    """The manifest's facts about one document, as a two-column table."""
    manifest = load_source_manifest().set_index("source_id")
    row = manifest.loc[source_id]
    date_format = {"day": "%d %B %Y", "month": "%B %Y", "year": "%Y"}[row["date_precision"]]
    fields = {
        "Published by": row["outlet"],
        "How we know who": row["outlet_basis"],
        "Title": row["title"],
        "Date": f"{row['date']:{date_format}}",
        "How we know when": row["date_basis"],
        "Kind of document": row["kind"],
        "Language": row["language"],
        "Watch for": row["watch_for"],
        "Rights": row["rights"],
        "Credit": row["attribution"],
    }
    return pd.DataFrame({"about this document": fields}).rename_axis(f"document {source_id}")


def data_dictionary(table: schema.Table) -> pd.DataFrame:
    """One row per column of ``table``: name, dtype, whether required, meaning."""
    rows = []
    for column in table.columns:
        meaning = column.meaning
        if column.choices:
            meaning += " Allowed: " + ", ".join(column.choices) + "."
        rows.append(
            {
                "column": column.name,
                "dtype": column.dtype,
                "required": "yes" if column.required else "no",
                "meaning": meaning,
            }
        )
    return pd.DataFrame(rows).set_index("column")
