"""Reading the documents' text: whole words and sentences, as exact substrings.

Two chapters read the documents sentence by sentence (how each frames the
capture; which sentences describe alliances) and several tables count names
as whole words; both rules live here once, so a fix to either reaches every
page that uses it.
"""

import re


def whole_word_pattern(forms) -> re.Pattern:
    """A regex matching any of ``forms`` as a whole word, longest form first.

    A letter, digit or hyphen on either side means the form is part of a
    longer word: "Shusha" in "Shushakend", "Karabakh" in "Nagorno-Karabakh".
    Group 1 is the form matched.
    """
    alternatives = sorted(forms, key=len, reverse=True)
    body = "|".join(re.escape(form) for form in alternatives)
    return re.compile(rf"(?<![\w-])({body})(?![\w-])")


# A sentence ends at . ! or ? (a closing quote stays with its sentence) before
# white space and a capital, an opening quote or a footnote bracket; "Mr." and
# "St." end nothing.
_SENTENCE_BREAK = re.compile(
    r"(?:(?<=[.!?][”\"])|(?<=[.!?]))(?<!\bMr\.)(?<!\bSt\.)\s+(?=[“\"A-Z\[])"
)


def _unmatched_leading_quote(piece: str) -> bool:
    """True if ``piece`` opens with a quote mark that closes the previous sentence.

    Lines of an extract (document 000) can open with the closing quotation
    mark of the sentence before them.
    """
    if piece.startswith("”"):
        return piece.count("”") > piece.count("“")
    if piece.startswith('"'):
        return piece.count('"') % 2 == 1
    return False


def split_sentences(text: str) -> list:
    """Split a document into sentences, each an exact substring of ``text``.

    Each line is split at sentence-ending punctuation; a stray closing quote
    at the start of a sentence is left out, so the sentence does not seem to
    open a quotation.
    """
    sentences = []
    for line in text.splitlines():
        for piece in _SENTENCE_BREAK.split(line):
            piece = piece.strip()
            if _unmatched_leading_quote(piece):
                piece = piece[1:].strip()
            if piece:
                sentences.append(piece)
    return sentences


_OPENERS = {"“": "”", "‘": "’", '"': '"'}


def quoted_spans(line: str) -> list:
    """(start, end) of each stretch of ``line`` inside quotation marks:
    the one rule every page uses.

    Curly double quotes pair by direction; straight double quotes pair in
    order. A quotation still open at the end of the line runs to its end (the
    extract of document 000 breaks quotations across lines), and a closing
    mark with no opening before it closes a quotation that began on an
    earlier line or in an earlier sentence. Curly single quotes are read only
    where one opens (‘), so apostrophes (’) stay apostrophes; straight single
    quotes only where one opens after a non-letter and one closes before a
    non-letter (a headline's 'takes key town').
    """
    spans, start, closer = [], None, None
    i = 0
    # A closing mark before any opening one: the quotation began earlier.
    first_close = min((line.find(c) for c in ("”",) if line.find(c) != -1), default=-1)
    first_open = min((line.find(c) for c in ("“",) if line.find(c) != -1), default=len(line))
    if first_close != -1 and first_close < first_open:
        spans.append((0, first_close + 1))
        i = first_close + 1
    elif line.startswith('"') and (line.count('"') % 2 == 1 or line.startswith('"[')):
        # A stray closing mark from the line before: an odd count gives it away, and so
        # does a footnote marker right after it, which in document 000 follows a closing quote.
        i = 1
    while i < len(line):
        ch = line[i]
        if start is None and ch == "'" and (i == 0 or not line[i - 1].isalnum()):
            # A straight single quote opens only after a non-letter and closes only before one
            # (a headline's 'takes key town'), so the apostrophe in "country's" opens nothing.
            close = next(
                (
                    j
                    for j in range(i + 1, len(line))
                    if line[j] == "'" and (j + 1 == len(line) or not line[j + 1].isalnum())
                ),
                None,
            )
            if close is not None:
                spans.append((i, close + 1))
                i = close + 1
                continue
        if start is None and ch in _OPENERS and (ch != "‘" or "’" in line[i + 1 :]):
            start, closer = i, _OPENERS[ch]
        elif start is not None and ch == closer:
            spans.append((start, i + 1))
            start = closer = None
        i += 1
    if start is not None:
        spans.append((start, len(line)))
    return spans
