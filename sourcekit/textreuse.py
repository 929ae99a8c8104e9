"""Which document repeats which: shared word sequences between texts.

Two reports that share a long run of identical words did not find those
words independently: one copied the other, or both copied a third text
(a wire story, a press release). For a historian that matters, because a
copy is not a second witness. Counting "three documents say so" when two of
them are the same text counts one witness twice.

Two measures, both on words rather than characters, so that line breaks,
spacing and curly versus straight quotation marks do not hide a copy:

* **n-gram overlap** (:func:`ngram_overlap`, :func:`overlap_table`): how many
  runs of *n* consecutive words two texts share. Five words is long enough
  that ordinary phrases ("in the Nagorno-Karabakh region") rarely explain a
  match, and short enough to survive light editing.
* **shared passages** (:func:`shared_passages`, :func:`shared_passages_table`):
  the maximal runs of identical words two texts have in common, returned as
  the verbatim text of *each* document, so that a passage can be quoted and
  the small edits around it (a changed spelling, an added clause) compared.

Words are compared case-insensitively, with curly apostrophes made straight;
nothing else is normalised, so "defence" and "defense" stay different words:
a copy that changes spelling shows up as a break in the shared passage, which
is itself evidence of editing.
"""

import itertools
import re
from dataclasses import dataclass

import pandas as pd

#: A word: letters or digits, with inner apostrophes ("country's", "it’s").
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class Word:
    """One word of a text: its comparison form and where it stands in the text."""

    form: str
    start: int
    end: int


def words(text: str) -> list:
    """The words of ``text`` in order, each with its character span.

    The comparison form is case-folded with curly apostrophes made straight,
    so "Aliyev’s" in one document matches "Aliyev's" in another.

    >>> [w.form for w in words("Shusha’s fall. SHUSHI!")]
    ["shusha's", 'fall', 'shushi']
    """
    if not isinstance(text, str):
        raise TypeError(f"expected the text of a document as a string, got {type(text).__name__}")
    return [
        Word(m.group().casefold().replace("’", "'"), m.start(), m.end())
        for m in _WORD.finditer(text)
    ]


def word_ngrams(text: str, n: int = 5) -> set:
    """The set of runs of ``n`` consecutive words in ``text`` (as tuples of words)."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number of words, 1 or more; got {n!r}")
    forms = [w.form for w in words(text)]
    return {tuple(forms[i : i + n]) for i in range(len(forms) - n + 1)}


def ngram_overlap(text_a: str, text_b: str, n: int = 5) -> dict:
    """How much of two texts is made of the same ``n``-word runs.

    Returns a dict with ``shared`` (the number of distinct n-grams in both),
    ``share_of_a`` and ``share_of_b`` (the fraction of each text's distinct
    n-grams that the other text also has: containment, which shows *which*
    text is mostly made of the other) and ``jaccard`` (shared over the union:
    one symmetric number for ranking pairs).
    """
    grams_a, grams_b = word_ngrams(text_a, n), word_ngrams(text_b, n)
    shared = grams_a & grams_b
    union = grams_a | grams_b
    return {
        "shared": len(shared),
        "share_of_a": len(shared) / len(grams_a) if grams_a else 0.0,
        "share_of_b": len(shared) / len(grams_b) if grams_b else 0.0,
        "jaccard": len(shared) / len(union) if union else 0.0,
    }


def overlap_table(texts: dict, n: int = 5) -> pd.DataFrame:
    """One row per pair of documents: shared ``n``-grams and containment both ways.

    ``texts`` maps a source id to its text (e.g. ``sourcekit.source_texts()``).
    Rows are sorted with the most similar pair (highest Jaccard) first;
    ``share_of_a`` is the fraction of document ``a``'s n-grams also in ``b``.
    """
    rows = []
    for a, b in itertools.combinations(sorted(texts), 2):
        rows.append({"a": a, "b": b, **ngram_overlap(texts[a], texts[b], n)})
    frame = pd.DataFrame(rows, columns=["a", "b", "shared", "share_of_a", "share_of_b", "jaccard"])
    frame = frame.sort_values(["jaccard", "a", "b"], ascending=[False, True, True], kind="stable")
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class SharedPassage:
    """A maximal run of identical words found in two texts.

    ``text_a`` and ``text_b`` are the passage exactly as each document writes
    it (punctuation and quotation marks included), so either can be quoted.
    """

    words: int
    start_a: int
    end_a: int
    start_b: int
    end_b: int
    text_a: str
    text_b: str


def shared_passages(text_a: str, text_b: str, min_words: int = 8) -> list:
    """Every maximal run of at least ``min_words`` identical words in both texts.

    A run is maximal when it cannot be extended by one more word at either end
    in both texts at once. Runs are returned longest first (ties in order of
    position in ``text_a``). Found from ``min_words``-gram seeds, so the cost
    grows with the text lengths, not their product.
    """
    if not isinstance(min_words, int) or min_words < 1:
        raise ValueError(
            f"min_words must be a whole number of words, 1 or more; got {min_words!r}"
        )
    words_a, words_b = words(text_a), words(text_b)
    forms_a = [w.form for w in words_a]
    forms_b = [w.form for w in words_b]
    seeds = {}
    for j in range(len(forms_b) - min_words + 1):
        seeds.setdefault(tuple(forms_b[j : j + min_words]), []).append(j)
    found = []
    for i in range(len(forms_a) - min_words + 1):
        for j in seeds.get(tuple(forms_a[i : i + min_words]), ()):
            if i > 0 and j > 0 and forms_a[i - 1] == forms_b[j - 1]:
                continue  # the middle of a run that started earlier
            length = min_words
            while (
                i + length < len(forms_a)
                and j + length < len(forms_b)
                and forms_a[i + length] == forms_b[j + length]
            ):
                length += 1
            a0, a1 = words_a[i].start, words_a[i + length - 1].end
            b0, b1 = words_b[j].start, words_b[j + length - 1].end
            found.append(SharedPassage(length, a0, a1, b0, b1, text_a[a0:a1], text_b[b0:b1]))
    found.sort(key=lambda p: (-p.words, p.start_a, p.start_b))
    return found


def longest_shared_passage(text_a: str, text_b: str, min_words: int = 8):
    """The longest run of at least ``min_words`` identical words in both texts,
    or None if there is none.

    The same default as :func:`shared_passages`, so ``longest_shared_passage(a, b)``
    and ``shared_passages(a, b)[0]`` always name the same passage (the first
    raises IndexError where the second returns None).
    """
    passages = shared_passages(text_a, text_b, min_words=min_words)
    return passages[0] if passages else None


def shared_passages_table(texts: dict, min_words: int = 8) -> pd.DataFrame:
    """Every shared passage of ``min_words`` or more words, for every pair of documents.

    One row per passage: the pair (``a``, ``b``), its length in ``words`` and
    the passage as each document writes it. Longest passages first.
    """
    rows = []
    for a, b in itertools.combinations(sorted(texts), 2):
        for passage in shared_passages(texts[a], texts[b], min_words=min_words):
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "words": passage.words,
                    "passage_in_a": passage.text_a,
                    "passage_in_b": passage.text_b,
                }
            )
    frame = pd.DataFrame(rows, columns=["a", "b", "words", "passage_in_a", "passage_in_b"])
    frame = frame.sort_values(["words", "a", "b"], ascending=[False, True, True], kind="stable")
    return frame.reset_index(drop=True)


def reuse_summary(texts: dict, n: int = 5, min_words: int = 8) -> pd.DataFrame:
    """Per pair: shared n-grams, containment, and the number and length of shared passages.

    The table to start from when asking which documents are independent.
    """
    overlap = overlap_table(texts, n=n).set_index(["a", "b"])
    passages = shared_passages_table(texts, min_words=min_words)
    grouped = passages.groupby(["a", "b"])["words"]
    overlap["passages"] = grouped.size().reindex(overlap.index, fill_value=0).astype("int64")
    overlap["longest_passage_words"] = (
        grouped.max().reindex(overlap.index, fill_value=0).astype("int64")
    )
    return overlap.reset_index()
