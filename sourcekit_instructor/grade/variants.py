"""Hidden variants of ``data/``: the same evidence under other labels, so a typed-in answer fails.

A computation question's grade should need the computation, not a copy of its
answer. The grader runs every submission twice: on the stored tables and on a *variant*, a copy of
``data/`` in which

* the five documents' ids are relabelled by a permutation that moves every
  id (in every ``source_id`` column, in every column that holds lists of
  source ids, in the manifest and in the documents' file names, which become
  neutral, ``004-document.txt``);
* the rows of every table are shuffled;
* numbered row ids (``C01``, ``R12``, ``T05``...) are renumbered.

The documents' texts are not touched (their quotes and SHA-256 must still
match), so a computation on the variant answers as it would on the stored
data under the new labels, while an answer typed in from the stored data
usually does not. The grader's expected answer on the variant comes from
running the instructor's solution code on the same variant; nothing here knows
any answer.

Everything is driven by the table declarations in :mod:`sourcekit.schema`,
so added rows, tables or columns need no change here. The seed is the
course's (``exercises/source/variant_seed.txt``, see :mod:`.account`), so every
grading run uses the same variant; ``--variant-seed`` chooses another, and
the summary prints the one used.
"""

import csv
import random
import re
import shutil
from pathlib import Path

from sourcekit import schema

#: A row id the variant may renumber: a capital-letter prefix and digits.
_NUMBERED_ID = re.compile(r"([A-Z]+)(\d+)")
#: A cell holding one or more source ids separated by ';' (e.g. places.mentioned_in).
_ID_LIST = re.compile(r"\s*\d{3}\s*(;\s*\d{3}\s*)*")


def _read(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], [row for row in rows[1:] if any(cell.strip() for cell in row)]


def _write(path: Path, header, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def derangement(items, rng: random.Random) -> dict:
    """A mapping that moves every item (items must be at least two)."""
    items = list(items)
    while True:
        shuffled = items[:]
        rng.shuffle(shuffled)
        if all(a != b for a, b in zip(items, shuffled)):
            return dict(zip(items, shuffled))


def all_derangements(items) -> list:
    """Every mapping that moves every item, in a fixed order (44 of them for five documents)."""
    import itertools

    items = list(items)
    return [
        dict(zip(items, order))
        for order in itertools.permutations(items)
        if all(a != b for a, b in zip(items, order))
    ]


def _relabel_list(cell: str, relabel: dict) -> str:
    parts = [part.strip() for part in cell.split(";")]
    return ";".join(relabel.get(part, part) for part in parts)


def make_variant(source: Path, destination: Path, seed: int, relabel: dict = None) -> dict:
    """Write a variant of the data folder ``source`` into ``destination``; return its relabelling.

    ``destination`` must not exist yet. The returned dict maps each stored
    source id to its id in the variant (for the instructor's eyes only).
    ``relabel`` fixes that mapping (the tests try every derangement); by
    default the seed draws it. The seed also shuffles rows and row ids.
    """
    source, destination = Path(source), Path(destination)
    rng = random.Random(seed)
    header, manifest = _read(source / schema.SOURCES.file)
    id_at, file_at = header.index(schema.SOURCES.id_column), header.index("file")
    ids = [row[id_at] for row in manifest]
    drawn = derangement(ids, rng)
    relabel = dict(relabel) if relabel is not None else drawn
    (destination / "sources").mkdir(parents=True)
    for row in manifest:
        old_id, old_file = row[id_at], row[file_at]
        # A neutral name: the stored names say which outlet is which, and
        # would undo the relabelling.
        new_file = f"{relabel[old_id]}-document.txt"
        shutil.copyfile(source / "sources" / old_file, destination / "sources" / new_file)
        row[id_at], row[file_at] = relabel[old_id], new_file
    rng.shuffle(manifest)
    _write(destination / schema.SOURCES.file, header, manifest)
    known = set(ids)
    for table in schema.ALL_TABLES:
        if table is schema.SOURCES or not (source / table.file).exists():
            continue
        header, rows = _read(source / table.file)
        kinds = {column.name: column.kind for column in table.columns}
        for position, name in enumerate(header):
            values = [row[position] for row in rows if position < len(row)]
            holds_id_lists = (
                kinds.get(name) == "text"
                and values
                and all(
                    not v.strip()
                    or (_ID_LIST.fullmatch(v) and all(p.strip() in known for p in v.split(";")))
                    for v in values
                )
            )
            if kinds.get(name) == "source_id":
                for row in rows:
                    row[position] = relabel.get(row[position], row[position])
            elif holds_id_lists:
                for row in rows:
                    if row[position].strip():
                        row[position] = _relabel_list(row[position], relabel)
        position = header.index(table.id_column)
        numbered = [_NUMBERED_ID.fullmatch(row[position]) for row in rows]
        if rows and all(numbered) and len({m.group(1) for m in numbered}) == 1:
            width = max(len(m.group(2)) for m in numbered)
            new_ids = [
                f"{numbered[0].group(1)}{number:0{width}d}" for number in range(1, len(rows) + 1)
            ]
            rng.shuffle(new_ids)
            for row, new_id in zip(rows, new_ids):
                row[position] = new_id
        rng.shuffle(rows)
        _write(destination / table.file, header, rows)
    for extra in source.iterdir():  # anything else in data/ (a README, say) comes along unchanged
        if not (destination / extra.name).exists():
            (shutil.copytree if extra.is_dir() else shutil.copyfile)(
                extra, destination / extra.name
            )
    return relabel
