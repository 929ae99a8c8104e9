"""How each document names the city, the regional capital, the region and the sides,
and in whose voice.

Names are counted as whole words. A plain substring count is wrong here in
instructive ways: "Shusha" is inside both "Shushakend" (a village) and
"Shushan" (a spokeswoman's first name); "Karabakh" is inside
"Nagorno-Karabakh"; "Azeri" is inside "Azeris".

Each occurrence is also given a *voice*, because the course teaches that who
uses a name matters as much as how often it is used:

- ``inside quotation``: between quotation marks, so the words are (the
  document says) someone else's: "we returned to Shusha", Aliyev is quoted;
- ``reported speech``: outside quotation marks, in a sentence that attributes
  what it says to someone ("Aliyev said ... taken Shusha", "according to");
- ``narrator``: the document's own sentences.

The rule reads one sentence at a time, so a gloss the narrator adds inside a
sentence of reported speech ("Shusha, known as Shushi in Armenian") is
counted as reported speech: the counts are a first reading, and the
sentences are there to check them.
"""

import re

import pandas as pd

from .text import quoted_spans, split_sentences, whole_word_pattern

#: The name forms compared, grouped by what they refer to. Each group's forms
#: are matched together, longest first, so "Nagorno-Karabakh" is counted once
#: and not again as "Karabakh".
NAME_FORMS = {
    "the city": ("Shusha", "Shushi"),
    "the regional capital": ("Stepanakert", "Khankendi"),
    "the region": ("Nagorno-Karabakh", "Nagorno Karabakh", "Karabakh", "Artsakh"),
    "Azerbaijani people": ("Azerbaijani", "Azerbaijanis", "Azeri", "Azeris"),
    "Armenian people": ("Armenian", "Armenians"),
}

#: The three voices, in the order tables and charts show them.
VOICES = ("narrator", "reported speech", "inside quotation")

#: Words that attribute a sentence to a speaker. A sentence holding one of them
#: (outside its quotations) is reported speech.
SPEECH_MARKERS = re.compile(
    r"\b(said|says|say|saying|told|tell|announced|announces|stated|stating|claimed|claims|"
    r"reported|reports|wrote|denied|deny|accused|accuse|insisting|insisted|added|noted|"
    r"promised|pledged|pledging|called|described|decried|according to|qualified)\b"
)


def _inside(position, spans):
    return any(start <= position < end for start, end in spans)


def name_occurrences(text: str, forms) -> list:
    """(form, voice, sentence) for every whole-word occurrence of ``forms`` in ``text``."""
    pattern = whole_word_pattern(forms)
    found = []
    for line in text.splitlines():
        spans = quoted_spans(line)
        position = 0
        for sentence in split_sentences(line):
            offset = line.index(sentence, position)
            position = offset + len(sentence)
            outside = "".join(
                ch if not _inside(offset + k, spans) else " " for k, ch in enumerate(sentence)
            )
            attributed = bool(SPEECH_MARKERS.search(outside))
            for match in pattern.finditer(sentence):
                if _inside(offset + match.start(1), spans):
                    voice = "inside quotation"
                elif attributed:
                    voice = "reported speech"
                else:
                    voice = "narrator"
                found.append((match.group(1), voice, sentence))
    return found


def count_name_forms(text: str, forms) -> dict:
    """Count each of ``forms`` in ``text`` as a whole word; return form -> count.

    >>> count_name_forms("Shusha, Shushakend and Shushan Stepanyan", ["Shusha", "Shushi"])
    {'Shusha': 1, 'Shushi': 0}
    """
    counts = {form: 0 for form in forms}
    for match in whole_word_pattern(forms).finditer(text):
        counts[match.group(1)] += 1
    return counts


def count_name_forms_by_voice(text: str, forms) -> dict:
    """Count each of ``forms`` in ``text`` by voice; return (form, voice) -> count,
    zeros included.
    """
    counts = {(form, voice): 0 for form in forms for voice in VOICES}
    for form, voice, _ in name_occurrences(text, forms):
        counts[(form, voice)] += 1
    return counts


def name_usage_by_voice(texts=None) -> pd.DataFrame:
    """One row per document, referent, name form and voice, with its whole-word count.

    ``texts`` maps source id to text; by default, the five documents.
    """
    if texts is None:
        from .data import source_texts

        texts = source_texts()
    rows = []
    for source_id, text in sorted(texts.items()):
        for referent, forms in NAME_FORMS.items():
            for (form, voice), count in count_name_forms_by_voice(text, forms).items():
                rows.append(
                    {
                        "source_id": source_id,
                        "referent": referent,
                        "form": form,
                        "voice": voice,
                        "count": count,
                    }
                )
    frame = pd.DataFrame(rows)
    return frame.astype(
        {
            "source_id": "string",
            "referent": "string",
            "form": "string",
            "voice": "string",
            "count": "int64",
        }
    )


def name_usage_table(texts=None) -> pd.DataFrame:
    """One row per document, referent and name form: its whole-word ``count``,
    and that count split by voice.

    The columns ``narrator``, ``reported speech`` and ``inside quotation``
    add up to ``count``. ``texts`` maps source id to text; by default, the
    five documents. :func:`name_usage_by_voice` gives the same counts with one
    row per voice.
    """
    long = name_usage_by_voice(texts)
    wide = long.pivot_table(
        index=["source_id", "referent", "form"],
        columns="voice",
        values="count",
        aggfunc="sum",
        sort=False,
    )
    wide = wide.reindex(columns=list(VOICES)).fillna(0).astype("int64")
    wide.insert(0, "count", wide.sum(axis=1))
    wide.columns.name = None
    return wide.reset_index().astype(
        {"source_id": "string", "referent": "string", "form": "string"}
    )
