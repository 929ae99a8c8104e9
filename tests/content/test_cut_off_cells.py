"""No table cell a reader sees is cut short.

pandas shortens a cell to 50 characters ("Sentences are extracted and out of
context; fo...") and drops the middle rows of a long table unless told not to.
On this course's pages the cells are evidence: head notes, quoted sentences,
the data dictionary. The fast tests prove the package switches the cutting off
and that the detector can fail; the last test reads every page of the built
book.
"""

import re
from html.parser import HTMLParser

import pandas as pd

import sourcekit  # noqa: F401  (importing the package sets the display options)
from sourcekit.display import WHOLE_TABLE_OPTIONS
from sourcekit.paths import PROJECT_ROOT

ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")


class _Cells(HTMLParser):
    """The text of every <td> and <th> on a page, with the table's position on the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells, self._depth, self._buffer, self._tables = [], 0, [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._tables += 1
        if tag in ("td", "th"):
            self._depth += 1
            self._buffer = []

    def handle_data(self, data):
        if self._depth:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._depth:
            self._depth -= 1
            self.cells.append((self._tables, " ".join("".join(self._buffer).split())))


def authors_texts() -> str:
    """Texts in which an ellipsis is the author's own ("Row id, C01, C02, ..."), not a cut."""
    files = list((PROJECT_ROOT / "data").rglob("*.csv")) + list(
        (PROJECT_ROOT / "data" / "sources").glob("*.txt")
    )
    files.append(PROJECT_ROOT / "sourcekit" / "schema.py")
    return "\n".join(" ".join(f.read_text(encoding="utf-8").split()) for f in files)


def cut_cells(page_html: str, known: str) -> list:
    """(table number, cell text) for each cell that ends in an ellipsis nobody wrote.

    A cell that is only an ellipsis is a row or column pandas dropped; a cell
    ending in one is a cut cell unless its last sentence, ellipsis included,
    is found in the data or the schema, where an author wrote it ("string,
    required. Row id, C01, C02, ..." ends with the schema's "Row id, C01, C02,
    ..."). A cut falls mid-word ("fo..."), so its last sentence is nobody's.
    """
    parser = _Cells()
    parser.feed(page_html)
    found = []
    for table, text in parser.cells:
        if not ELLIPSIS.search(text):
            continue
        last_sentence = re.split(r"(?<=[.!?]) ", text)[-1]
        if ELLIPSIS.sub("", last_sentence).strip() and last_sentence in known:
            continue
        found.append((table, text))
    return found


def test_importing_the_package_switches_off_every_cutting_display_option():
    for option, value in WHOLE_TABLE_OPTIONS.items():
        assert pd.get_option(option) == value, option


def test_a_long_cell_and_a_long_table_render_whole():
    sentence = (
        "Sentences are extracted and out of context; footnote numbers "
        "point to sources we do not have."
    )
    frame = pd.DataFrame({"watch for": [sentence] * 80})
    html = frame._repr_html_()
    assert html.count(sentence) == 80
    assert cut_cells(html, "") == []


def test_the_detector_finds_what_pandas_cuts_by_default():
    sentence = (
        "Sentences are extracted and out of context; footnote numbers "
        "point to sources we do not have."
    )
    frame = pd.DataFrame({"watch for": [sentence] * 80})
    with pd.option_context("display.max_colwidth", 50, "display.max_rows", 60):
        html = frame._repr_html_()
    found = [text for _, text in cut_cells(html, authors_texts())]
    assert "Sentences are extracted and out of context; fo..." in found
    assert "..." in found  # the dropped middle rows


def test_the_detector_lets_an_authors_own_ellipsis_stand():
    html = "<table><tr><td>string, required. Row id, C01, C02, ...</td></tr></table>"
    assert cut_cells(html, authors_texts()) == []
    assert cut_cells(html, "") == [(1, "string, required. Row id, C01, C02, ...")]
    cut = "<table><tr><td>Not named in the text. The course's collecto...</td></tr></table>"
    assert cut_cells(cut, authors_texts()) == [
        (1, "Not named in the text. The course's collecto...")
    ]


def test_no_page_of_the_built_book_shows_a_cut_off_table_cell(built_site):
    known = authors_texts()
    pages = sorted(p for p in built_site.rglob("*.html") if "_static" not in p.parts)
    assert len(pages) >= 10, f"only {len(pages)} pages in {built_site}"
    problems = []
    for page in pages:
        for table, text in cut_cells(page.read_text(encoding="utf-8"), known):
            problems.append(f"  {page.relative_to(built_site)}, table {table}: {text[-70:]!r}")
    assert not problems, (
        f"{len(problems)} table cells are cut short (show them whole; see sourcekit.display):\n"
        + "\n".join(problems[:40])
    )
