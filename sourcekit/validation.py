"""Read a CSV in ``data/`` strictly, so a defect is reported where it is.

pandas would happily read a misspelled date as text or a missing column as
NaN and fail three cells later with a traceback. Here every row is checked
against its :class:`~sourcekit.schema.Table` first, and the first defect is
raised as a :class:`~sourcekit.errors.DataError` naming file, line and column.
"""

import csv
import re
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import DataError
from .schema import Table

_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?\d+(\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _display_path(path: Path) -> str:
    """``data/x.csv`` for the project's own files, the full path otherwise."""
    parts = path.parts
    if len(parts) >= 2 and parts[-2] == "data":
        return "data/" + parts[-1]
    return str(path)


def _check_value(column, raw, where):
    """Return the converted value of one cell, or raise with what was expected."""
    if raw == "":
        if column.required:
            raise where(f"is empty; expected {_expected(column)}")
        return None
    if raw != raw.strip():
        raise where(f"has leading or trailing spaces: {raw!r}")
    kind = column.kind
    if kind == "int":
        if not _INT.fullmatch(raw):
            raise where(f"expected a whole number like 1200 (no commas), got {raw!r}")
        return int(raw)
    if kind == "float":
        if not _FLOAT.fullmatch(raw):
            raise where(f"expected a number like 15 or 9.3, got {raw!r}")
        return float(raw)
    if kind == "date":
        try:
            if not _ISO_DATE.fullmatch(raw):
                raise ValueError
            return date.fromisoformat(raw)
        except ValueError:
            raise where(f"expected an ISO date like 2020-11-08, got {raw!r}") from None
    if kind == "choice" and raw not in column.choices:
        allowed = ", ".join(repr(c) for c in column.choices)
        raise where(f"expected one of {allowed}, got {raw!r}")
    if kind == "sha256" and not _SHA256.fullmatch(raw):
        raise where(f"expected 64 lower-case hex digits, got {raw!r}")
    if kind == "id" and any(ch.isspace() for ch in raw):
        raise where(f"expected an id without spaces, got {raw!r}")
    return raw


def _expected(column):
    return {
        "int": "a whole number",
        "float": "a number",
        "date": "an ISO date like 2020-11-08",
        "choice": "one of " + ", ".join(repr(c) for c in column.choices),
        "source_id": "a source id like '002'",
        "quote": "a verbatim passage from the source",
    }.get(column.kind, "a value")


def read_table(path, table: Table, source_texts=None) -> pd.DataFrame:
    """Read and validate one table; return it with the documented dtypes.

    ``source_texts`` maps source id to document text. When given, each
    ``source_id`` must be one of its keys and each ``quote`` an exact
    substring of that document.
    """
    path = Path(path)
    shown = _display_path(path)
    if not path.exists():
        raise DataError(shown, "file not found")
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            numbered = list(_read_rows(handle, table, shown, source_texts))
    except UnicodeDecodeError as exc:
        raise DataError(shown, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise DataError(shown, f"is not well-formed CSV: {exc}") from None

    frame = pd.DataFrame([values for _, values in numbered], columns=table.column_names)
    for column in table.columns:
        if column.dtype == "datetime64[ns]":
            frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[ns]")
        else:
            frame[column.name] = frame[column.name].astype(column.dtype)
    # Line numbers let later checks (file hashes, place keys) point at the row.
    frame.attrs["lines"] = [line for line, _ in numbered]
    frame.attrs["file"] = shown
    return frame


def _read_rows(handle, table, shown, source_texts):
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(shown, "is empty; expected a header row") from None
    expected = table.column_names
    for name in expected:
        if name not in header:
            raise DataError(
                shown,
                f"missing column '{name}'; expected columns: {', '.join(expected)}",
                line=1,
                column=name,
            )
    for name in header:
        if name not in expected:
            raise DataError(
                shown,
                f"unexpected column '{name}'; expected columns: {', '.join(expected)}",
                line=1,
                column=name,
            )
    if header != expected:
        raise DataError(
            shown, f"columns are out of order; expected: {', '.join(expected)}", line=1
        )

    seen_ids = {}
    line = reader.line_num + 1  # the line the next record starts on
    for record in reader:
        start = line
        line = reader.line_num + 1
        if not any(field.strip() for field in record):
            continue
        if len(record) != len(expected):
            raise DataError(
                shown,
                f"has {len(record)} fields, expected {len(expected)} (is a "
                "comma inside an unquoted value?)",
                line=start,
            )
        values = {}
        for column, raw in zip(table.columns, record):

            def where(message, column=column):
                return DataError(shown, message, line=start, column=column.name)

            values[column.name] = _check_value(column, raw, where)
        _check_row(table, values, start, shown, seen_ids, source_texts)
        yield start, values


def _check_row(table, values, line, shown, seen_ids, source_texts):
    row_id = values[table.id_column]
    if row_id in seen_ids:
        raise DataError(
            shown,
            f"duplicate id {row_id!r} (first on line {seen_ids[row_id]})",
            line=line,
            column=table.id_column,
        )
    seen_ids[row_id] = line
    for low, high in table.ordered_pairs:
        if values[low] is not None and values[high] is not None and values[low] > values[high]:
            raise DataError(
                shown,
                f"{low} ({values[low]}) is greater than {high} ({values[high]})",
                line=line,
                column=low,
            )
    if source_texts is None or "source_id" not in values:
        return
    source_id = values["source_id"]
    if source_id not in source_texts:
        known = ", ".join(sorted(source_texts))
        raise DataError(
            shown,
            f"unknown source id {source_id!r}; known ids: {known}",
            line=line,
            column="source_id",
        )
    quote = values.get("quote")
    if quote is not None and quote not in source_texts[source_id]:
        raise DataError(
            shown,
            f"quote not found verbatim in source {source_id}: {_shorten(quote)!r}",
            line=line,
            column="quote",
        )


def _shorten(text, limit=80):
    return text if len(text) <= limit else text[: limit - 1] + "…"
