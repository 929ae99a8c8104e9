"""Which sentences of the documents the tables rest on, and which they leave out.

The course promises that every sentence stating a fact, figure, date, name or
claim can be found again from a table row, or is listed in
``uncoded_sentences.csv`` with the reason it was left out. This module checks
that promise sentence by sentence, with the same splitter the chapters use
(:func:`sourcekit.text.split_sentences`), and counts it per document for the
About-the-data page.
"""

import re

import pandas as pd

from . import schema
from .text import split_sentences

#: A row's quote reaches a sentence if the two share at least this many
#: characters of the document, or the whole of the shorter one: enough to
#: rule out a quote that only brushes the sentence's first or last word.
MIN_SHARED_CHARACTERS = 20

#: A sentence is coded only if the quotes that reach it, together, cover at
#: least this share of its letters and digits (footnote markers such as
#: ``[54]`` left out). Reaching a sentence is not enough: a row quoting one
#: clause ("two days after the battle, ... announced the signing") leaves the
#: sentence's other claims ("The Armenian army started to disintegrate")
#: in no table. Nearly all, not all: a sentence's opening connective ("In the
#: meanwhile,") carries no claim of its own.
MIN_COVERED_SHARE = 0.9

_FOOTNOTE_MARKER = re.compile(r"\[\d+\]")


def sentence_spans(text: str) -> list:
    """(start, end, sentence) for each sentence of ``text``, in order."""
    spans, position = [], 0
    for sentence in split_sentences(text):
        start = text.index(sentence, position)
        spans.append((start, start + len(sentence), sentence))
        position = start + len(sentence)
    return spans


def _quote_spans(text: str, quote: str):
    start = text.find(quote)
    while start != -1:
        yield start, start + len(quote)
        start = text.find(quote, start + 1)


def _reaches(span, quote_span) -> bool:
    shared = min(span[1], quote_span[1]) - max(span[0], quote_span[0])
    shorter = min(span[1] - span[0], quote_span[1] - quote_span[0])
    return shared >= min(MIN_SHARED_CHARACTERS, shorter) and shared > 0


def covered_share(span, quote_spans) -> float:
    """The share of a sentence's letters and digits (footnote markers
    aside) inside ``quote_spans``.

    ``span`` is (start, end, sentence) from :func:`sentence_spans`; the quote
    spans are (start, end) positions in the same document.
    """
    start, end, sentence = span
    markers = {
        start + i for m in _FOOTNOTE_MARKER.finditer(sentence) for i in range(m.start(), m.end())
    }
    counted = [
        start + i
        for i, character in enumerate(sentence)
        if character.isalnum() and start + i not in markers
    ]
    if not counted:
        return 0.0
    inside = sum(1 for position in counted if any(a <= position < b for a, b in quote_spans))
    return inside / len(counted)


def _coded_quotes(frames: dict) -> dict:
    """source id -> list of (table file, row id, quote) over every quoted table."""
    quotes = {}
    for table in schema.QUOTED_TABLES:
        if table is schema.UNCODED_SENTENCES:
            continue
        frame = frames[table.file]
        for row in frame.itertuples(index=False):
            row = row._asdict()
            if row.get("source_id") is None or row.get("quote") is None:
                continue
            quotes.setdefault(str(row["source_id"]), []).append(
                (table.file, str(row[table.id_column]), str(row["quote"]))
            )
    return quotes


def sentence_status(texts: dict, frames: dict) -> pd.DataFrame:
    """One row per sentence of every document: coded (by which rows), listed as uncoded,
    or neither.

    A sentence is coded when the rows' quotes that reach it cover nearly all of
    it (:data:`MIN_COVERED_SHARE`); ``rows`` names every row that reaches it
    and ``share quoted`` says how much of it they cover, so a sentence only
    partly quoted shows which rows hold part of it and why it still counts
    as uncoded.

    ``texts`` maps source id to text; ``frames`` maps each table's file name
    to its loaded frame (:func:`sourcekit.data.load_all_tables`).
    """
    coded = _coded_quotes(frames)
    uncoded = frames[schema.UNCODED_SENTENCES.file]
    rows = []
    for source_id, text in sorted(texts.items()):
        listed = uncoded[uncoded["source_id"] == source_id]
        listed_spans = [
            (span, row.reason_kind, row.sentence_id)
            for row in listed.itertuples(index=False)
            for span in _quote_spans(text, row.quote)
        ]
        quote_spans = [
            (span, f"{file}:{row_id}")
            for file, row_id, quote in coded.get(source_id, [])
            for span in _quote_spans(text, quote)
        ]
        for number, (start, end, sentence) in enumerate(sentence_spans(text), start=1):
            reaching = [
                (span, where) for span, where in quote_spans if _reaches((start, end), span)
            ]
            by = [where for span, where in reaching]
            share = covered_share((start, end, sentence), [span for span, where in reaching])
            listed_as = [
                (kind, sid)
                for span, kind, sid in listed_spans
                if span[0] <= start and end <= span[1]
            ]
            if by and share >= MIN_COVERED_SHARE:
                status = "coded"
            elif listed_as:
                status = "uncoded: " + listed_as[0][0]
            else:
                status = "neither"
            rows.append(
                {
                    "source_id": source_id,
                    "sentence": number,
                    "status": status,
                    "rows": "; ".join(dict.fromkeys(by)),
                    "share quoted": round(share, 2),
                    "uncoded_id": listed_as[0][1] if listed_as else "",
                    "text": sentence,
                }
            )
    return pd.DataFrame(rows).astype(
        {
            "source_id": "string",
            "status": "string",
            "rows": "string",
            "uncoded_id": "string",
            "text": "string",
        }
    )


def coverage_by_document(status: pd.DataFrame) -> pd.DataFrame:
    """Per document: sentences, how many carry a claim, how many of those a table row reaches.

    A sentence listed as uncoded with reason kind "no claim" (a headline, an
    embed notice, a caption that states nothing) does not count as
    claim-bearing; one listed as "claim not tabled" does, and lowers the
    share coded. "coded or listed %" is the share of claim-bearing sentences
    that are coded or listed with a reason: the promise, checked by a test,
    is 100 %.
    """
    frame = status.assign(
        claim_bearing=status["status"] != "uncoded: no claim",
        coded=status["status"] == "coded",
        listed=status["status"] == "uncoded: claim not tabled",
        neither=status["status"] == "neither",
    )
    table = frame.groupby("source_id").agg(
        sentences=("sentence", "size"),
        claim_bearing=("claim_bearing", "sum"),
        coded=("coded", "sum"),
        listed_with_a_reason=("listed", "sum"),
        neither=("neither", "sum"),
    )
    table.loc["all"] = table.sum()
    table = table.astype("int64")
    table["coded %"] = (100 * table["coded"] / table["claim_bearing"]).round(1)
    table["coded or listed %"] = (
        100 * (table["coded"] + table["listed_with_a_reason"]) / table["claim_bearing"]
    ).round(1)
    table.index.name = "document"
    return table.rename(
        columns={"claim_bearing": "claim-bearing", "listed_with_a_reason": "listed"}
    )
