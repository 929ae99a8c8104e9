"""Search finds the course's prose, not its code.

Sphinx indexes every word of a page, code cells included, and its search
ranks the pages that match equally: searching "Repetowicz" listed a chapter
whose code filters on his name before the documents page, where his words
are. The index is fed a copy of each page without its code cells' input (their
outputs, tables and charts, stay), so a search finds a page for what it says.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx


def without_code_cells(doctree: nodes.document) -> nodes.document:
    """A copy of ``doctree`` without its code cells' input (myst-nb's ``cell_input``)."""
    copy = doctree.deepcopy()
    for node in list(copy.findall(nodes.container)):
        if "cell_input" in node.get("classes", []) and node.parent is not None:
            node.parent.remove(node)
    return copy


def index_prose_only(app: Sphinx) -> None:
    """Have the HTML builder index each page without its code cells."""
    builder = app.builder
    if builder.format != "html" or not hasattr(builder, "index_page"):
        return
    index_page = builder.index_page

    def index_page_without_code(pagename: str, doctree: nodes.document, title: str) -> None:
        index_page(pagename, without_code_cells(doctree), title)

    builder.index_page = index_page_without_code
