"""Written answers that share a long passage with another text:
flagged for the instructor to judge.

Built on the course's own text-reuse functions (:mod:`sourcekit.textreuse`,
the ones students use to find which document copies which), so the grader
and the course mean the same thing by "a shared passage": a maximal run of
identical words, compared case-insensitively.

An answer is flagged when it shares at least ``min_words`` consecutive words
with another student's answer to the same question, with the model answer,
or with one of the documents, *unless that passage stands inside quotation
marks in the answer*: quoting a document is what the course asks for, and
two students quoting the same sentence is not a copy. A flag is a pointer,
never a verdict; the view shows the passage so the instructor can judge.

For speed with a large class, pairs are found from an index of
``min_words``-word runs, so only answers that share a run are compared.
"""

from collections import defaultdict

from sourcekit.text import quoted_spans as quoted_spans_in_line
from sourcekit.textreuse import shared_passages, words

#: Shortest shared run flagged: long enough that a common phrase does not explain it.
MIN_WORDS = 12


def quoted_spans(text: str) -> list:
    """(start, end) of every quotation in ``text``, by the course's one rule, line by line.

    :func:`sourcekit.text.quoted_spans` is the rule every page of the course
    uses for what stands inside quotation marks; an answer is read with it a
    line at a time.
    """
    spans, offset = [], 0
    for line in text.splitlines(keepends=True):
        spans += [(offset + start, offset + end) for start, end in quoted_spans_in_line(line)]
        offset += len(line)
    return spans


def _unquoted_words(text: str, start: int, end: int, spans) -> int:
    """How many words of ``text[start:end]`` stand outside every quotation."""
    return sum(
        1
        for w in words(text[start:end])
        if not any(s <= start + w.start and start + w.end <= e for s, e in spans)
    )


def _grams(text: str, n: int) -> set:
    forms = [w.form for w in words(text)]
    return {tuple(forms[i : i + n]) for i in range(len(forms) - n + 1)}


def flag_answers(
    answers: dict, model_answer: str = "", documents=None, min_words: int = MIN_WORDS
) -> dict:
    """{answer key: [flag]} for every answer sharing an unquoted passage of ``min_words``+ words.

    ``answers`` maps an opaque key to the answer's text; ``documents`` maps a
    source id to its text. A flag is a dict: ``with`` ("another answer",
    "the model answer", "document 002"), ``other`` (the other answer's key,
    or None), ``words`` (the passage's length) and ``passage`` (as this
    answer writes it). Longest passage first.
    """
    others = {("model", None): model_answer} if model_answer else {}
    for source_id, text in (documents or {}).items():
        others[("document", source_id)] = text
    index = defaultdict(set)  # n-gram -> texts holding it
    for key, text in answers.items():
        for gram in _grams(text, min_words):
            index[gram].add(("answer", key))
    for key, text in others.items():
        for gram in _grams(text, min_words):
            index[gram].add(key)
    candidates = defaultdict(set)
    for holders in index.values():
        mine = [h[1] for h in holders if h[0] == "answer"]
        if not mine or len(holders) < 2:
            continue
        for key in mine:
            candidates[key].update(h for h in holders if h != ("answer", key))
    flags = {}
    for key, partners in candidates.items():
        text = answers[key]
        spans = quoted_spans(text)
        found = []
        for kind, other in sorted(partners, key=lambda p: (p[0], str(p[1]))):
            other_text = answers[other] if kind == "answer" else others[(kind, other)]
            for passage in shared_passages(text, other_text, min_words=min_words):
                if _unquoted_words(text, passage.start_a, passage.end_a, spans) < min_words:
                    continue  # quoted in this answer: what the course asks for
                label = {
                    "answer": "another answer",
                    "model": "the model answer",
                    "document": f"document {other}",
                }[kind]
                found.append(
                    {
                        "with": label,
                        "other": other if kind == "answer" else None,
                        "words": passage.words,
                        "passage": passage.text_a,
                    }
                )
                break  # the longest passage per partner is enough to show
        if found:
            flags[key] = sorted(found, key=lambda f: -f["words"])
    return flags
