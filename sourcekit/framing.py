"""How each document frames the capture: as a condition, as someone's claim, or as fact.

Close reading at scale, with the rule written down so you can argue with it.
A sentence is *about the capture* if it has a capture word (taken, captured,
seized, control of, fallen, loss, liberated, victory, ...) and names the city
(Shusha, Shushi, "the city", "the town") or opens with "If". It is then sorted
by the first rule that fits:

1. **conditional** -- it contains "If" or "would be": the document does not
   commit ("If accurate, this would be a major strategic victory").
2. **attributed** -- it has a reporting verb (said, announced, denied,
   according to, ...), or the capture word stands inside quotation marks
   (the headline "Azerbaijan 'takes key town'"): the document tells you the
   words are someone else's.
3. **stated as fact** -- neither: the document says it in its own voice
   ("The capture of Shushi is a great victory for Azerbaijan").

A rule like this is a reading aid, not a verdict. It cannot tell an
attribution inside a quotation from the document's own voice, and it reads
one sentence at a time, so "If accurate" counts only because its sentence
also says "victory". :func:`capture_sentences` returns every sentence with
the cue that decided it, so each call can be checked against the text.
"""

import re

import pandas as pd

from .charts import FIGURE_WIDTH, TEXT_SIZE
from .text import quoted_spans, split_sentences

#: Words that say the city was (or was not) taken. "taken place" is excluded:
#: "the most ferocious combat had taken place" is not about a capture.
CAPTURE_WORDS = re.compile(
    r"\b(taken(?! place)|take|takes|taking|captur\w*|seiz\w*|gained control|control (?:of|over)|"
    r"fallen|loss|liberat\w*|retak\w*|victory|returned to)\b",
    re.IGNORECASE,
)

#: Ways the documents refer to the city itself.
CITY_WORDS = re.compile(r"\b(Shusha|Shushi|city|town)\b")

#: A sentence that opens with "If" is about the claim just made, even without naming the city.
OPENS_WITH_IF = re.compile(r"^\W*If\b")

#: Cues of a conditional: the document does not commit to the capture.
CONDITIONAL_CUES = re.compile(r"\bIf\b|\bwould be\b")

#: Reporting verbs: the document attributes the claim to someone.
ATTRIBUTION_CUES = re.compile(
    r"\b(said|says|say|announced|announces|according to|claim(?:s|ed)?|told|stated|wrote|writes|"
    r"reports?|reported|reporting|denied|deny|denies|insisting|added|reiterated|labeling)\b",
    re.IGNORECASE,
)

#: The three framings, from least to most committed.
FRAMINGS = ("conditional", "attributed", "stated as fact")


def classify_framing(sentence: str) -> tuple:
    """Return ``(framing, cue)`` for a sentence about the capture, by the module's rule.

    ``cue`` is what decided it: "If", "would be", a reporting verb such as
    "said", or "quotation marks" when every capture word in the sentence is
    inside quotes; "" when no cue was found and the sentence counts as stated
    as fact.
    """
    conditional = CONDITIONAL_CUES.search(sentence)
    if conditional:
        return "conditional", conditional.group(0)
    attribution = ATTRIBUTION_CUES.search(sentence)
    if attribution:
        return "attributed", attribution.group(0)
    spans = quoted_spans(sentence)
    capture_words = list(CAPTURE_WORDS.finditer(sentence))
    if capture_words and all(
        any(a <= word.start() < b for a, b in spans) for word in capture_words
    ):
        return "attributed", "quotation marks"
    return "stated as fact", ""


def is_about_the_capture(sentence: str) -> bool:
    """Whether a sentence speaks of the city being taken, by the module's rule."""
    return bool(CAPTURE_WORDS.search(sentence)) and bool(
        CITY_WORDS.search(sentence) or OPENS_WITH_IF.search(sentence)
    )


def capture_sentences(texts=None) -> pd.DataFrame:
    """Every sentence about the capture in each document, with its framing and cue.

    ``texts`` maps source id to text (default: the five documents). Columns:
    ``source_id``, ``framing`` (one of :data:`FRAMINGS`), ``cue``, ``sentence``.
    """
    if texts is None:
        from .data import source_texts

        texts = source_texts()
    rows = []
    for source_id, text in sorted(texts.items()):
        for sentence in split_sentences(text):
            if is_about_the_capture(sentence):
                framing, cue = classify_framing(sentence)
                rows.append(
                    {"source_id": source_id, "framing": framing, "cue": cue, "sentence": sentence}
                )
    frame = pd.DataFrame(rows, columns=["source_id", "framing", "cue", "sentence"])
    return frame.astype("string")


def framing_counts(sentences: pd.DataFrame, source_ids=None) -> pd.DataFrame:
    """Count sentences per document and framing; every framing and document gets a column/row.

    A document with no sentence of a kind shows 0, not a missing row, so a
    chart of it shows the absence.
    """
    source_ids = (
        sorted(sentences["source_id"].unique()) if source_ids is None else list(source_ids)
    )
    counts = pd.crosstab(sentences["source_id"], sentences["framing"])
    counts = counts.reindex(index=source_ids, columns=list(FRAMINGS), fill_value=0)
    counts.index.name, counts.columns.name = "source_id", "framing"
    return counts.astype("int64")


#: Fill and hatch of each framing: light to dark as the document commits
#: more, with a hatch so the bars can be told apart without colour.
FRAMING_STYLE = {
    "conditional": {"color": "#F0E442", "hatch": "//", "text": "black"},
    "attributed": {"color": "#56B4E9", "hatch": "..", "text": "black"},
    "stated as fact": {"color": "#000000", "hatch": "", "text": "white"},
}


def plot_framing_counts(counts: pd.DataFrame, ax=None, width=FIGURE_WIDTH, height=3.2):
    """Stacked bars: how many capture sentences of each framing each document has.

    ``counts`` is :func:`framing_counts`. Each segment is labelled with its
    count, so the chart reads without the legend or colour. Returns the axes.
    """
    from .charts import new_figure

    if ax is None:
        _, ax = new_figure(width, height)
    rows = list(counts.index)[::-1]  # first document at the top
    left = [0] * len(rows)
    for framing in FRAMINGS:
        style = FRAMING_STYLE[framing]
        values = [int(counts.at[sid, framing]) for sid in rows]
        ax.barh(
            range(len(rows)),
            values,
            left=left,
            height=0.6,
            color=style["color"],
            hatch=style["hatch"],
            edgecolor="#000000",
            linewidth=0.6,
            label=framing,
        )
        for y, (start, value) in enumerate(zip(left, values)):
            if value:
                ax.text(
                    start + value / 2,
                    y,
                    str(value),
                    ha="center",
                    va="center",
                    fontsize=TEXT_SIZE,
                    color=style["text"],
                    bbox=None
                    if style["text"] == "white"
                    else dict(facecolor="white", edgecolor="none", pad=0.8),
                )
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(range(len(rows)), rows)
    ax.set_ylabel("document")
    ax.set_xlabel("sentences about the capture")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.25), ncol=2, fontsize=TEXT_SIZE)
    return ax
