"""Which sentences of the documents the tables rest on, and which they leave out.

The course promises that every sentence stating a fact, figure, date, name or
claim can be found again from a table row, or is listed in
``uncoded_sentences.csv`` with the reason it was left out. This module checks
that promise sentence by sentence, with the same splitter the chapters use
(:func:`sourcekit.text.split_sentences`), and counts it per document for the
About-the-data page.
"""

import pandas as pd

from . import schema
from .text import split_sentences

#: A row's quote reaches a sentence if the two share at least this many
#: characters of the document, or the whole of the shorter one: enough to
#: rule out a quote that only brushes the sentence's first or last word.
MIN_SHARED_CHARACTERS = 20


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
            quotes.setdefault(str(row["source_id"]), []).append((table.file, str(row[table.id_column]), str(row["quote"])))
    return quotes


def sentence_status(texts: dict, frames: dict) -> pd.DataFrame:
    """One row per sentence of every document: coded (by which rows), listed as uncoded, or neither.

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
        quote_spans = [(span, f"{file}:{row_id}") for file, row_id, quote in coded.get(source_id, []) for span in _quote_spans(text, quote)]
        for number, (start, end, sentence) in enumerate(sentence_spans(text), start=1):
            by = [where for span, where in quote_spans if _reaches((start, end), span)]
            listed_as = [(kind, sid) for span, kind, sid in listed_spans if span[0] <= start and end <= span[1]]
            if by:
                status = "coded"
            elif listed_as:
                status = "uncoded: " + listed_as[0][0]
            else:
                status = "neither"
            rows.append({
                "source_id": source_id,
                "sentence": number,
                "status": status,
                "rows": "; ".join(dict.fromkeys(by)),
                "uncoded_id": listed_as[0][1] if listed_as else "",
                "text": sentence,
            })
    return pd.DataFrame(rows).astype({"source_id": "string", "status": "string", "rows": "string", "uncoded_id": "string", "text": "string"})


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
    table["coded or listed %"] = (100 * (table["coded"] + table["listed_with_a_reason"]) / table["claim_bearing"]).round(1)
    table.index.name = "document"
    return table.rename(columns={"claim_bearing": "claim-bearing", "listed_with_a_reason": "listed"})
