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
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?][”\"])|(?<=[.!?]))(?<!\bMr\.)(?<!\bSt\.)\s+(?=[“\"A-Z\[])")


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
