"""Shared code for "Shusha/Shushi 2020: reading the sources".

The notebooks stay thin: everything more than one page needs -- loading and
validating the source-derived tables, reading the documents, counting names,
comparing texts, drawing charts -- lives here, so that each fact has one
implementation as well as one source of truth (the CSV).
"""

from .data import (
    document_id,
    load_all_tables,
    load_casualty_claims,
    load_distance_claims,
    load_places,
    load_reactions,
    load_source_manifest,
    load_timeline,
    load_uncoded_sentences,
    read_source_text,
    source_texts,
)
from .display import show_tables_whole
from .errors import DataError
from .names import count_name_forms, name_usage_by_voice, name_usage_table

# Every notebook imports the package, so this one call keeps every table a reader sees uncut.
show_tables_whole()

__all__ = [
    "DataError",
    "count_name_forms",
    "document_id",
    "load_all_tables",
    "load_casualty_claims",
    "load_distance_claims",
    "load_places",
    "load_reactions",
    "load_source_manifest",
    "load_timeline",
    "load_uncoded_sentences",
    "name_usage_by_voice",
    "name_usage_table",
    "read_source_text",
    "source_texts",
]
