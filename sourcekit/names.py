"""How each document names the city, the regional capital, the region and the sides.

Names are counted as whole words. A plain substring count is wrong here in
instructive ways: "Shusha" is inside both "Shushakend" (a village) and
"Shushan" (a spokeswoman's first name); "Karabakh" is inside
"Nagorno-Karabakh"; "Azeri" is inside "Azeris".
"""

import pandas as pd

from .text import whole_word_pattern

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


def count_name_forms(text: str, forms) -> dict:
    """Count each of ``forms`` in ``text`` as a whole word; return form -> count.

    >>> count_name_forms("Shusha, Shushakend and Shushan Stepanyan", ["Shusha", "Shushi"])
    {'Shusha': 1, 'Shushi': 0}
    """
    counts = {form: 0 for form in forms}
    for match in whole_word_pattern(forms).finditer(text):
        counts[match.group(1)] += 1
    return counts


def name_usage_table(texts=None) -> pd.DataFrame:
    """One row per document, referent and name form, with its whole-word count.

    ``texts`` maps source id to text; by default, the five documents.
    """
    if texts is None:
        from .data import source_texts

        texts = source_texts()
    rows = []
    for source_id, text in sorted(texts.items()):
        for referent, forms in NAME_FORMS.items():
            for form, count in count_name_forms(text, forms).items():
                rows.append({"source_id": source_id, "referent": referent, "form": form, "count": count})
    frame = pd.DataFrame(rows)
    return frame.astype({"source_id": "string", "referent": "string", "form": "string", "count": "int64"})
