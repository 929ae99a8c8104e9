"""The built site's print views, search index, root page and landing page (issue 19, 5 and 6).

``make site-check`` prints the chapters with explorers to PDF in Chromium; these
are the fast checks on the HTML the build wrote.
"""

import json
import re

import pytest

CHAPTERS_WITH_EXPLORERS = [
    "background",
    "the_battle",
    "casualty_reporting",
    "international_reaction",
]


def search_index(built_site):
    text = (built_site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def pages_with(index, term):
    found = index["terms"].get(term, [])
    found = found if isinstance(found, list) else [found]
    return {index["docnames"][number] for number in found}


def test_search_finds_the_documents_and_not_the_code(built_site):
    index = search_index(built_site)
    # Repetowicz is quoted in the documents; a chapter's code also filtered on his name.
    assert "chapters/documents" in pages_with(index, "repetowicz")
    # Names that appear only in code cells are not in the index at all.
    for code_only in ("load_source_manifest", "static_explorer", "use_book_style"):
        assert not pages_with(index, code_only), code_only


@pytest.mark.parametrize("chapter", CHAPTERS_WITH_EXPLORERS)
def test_every_explorer_view_has_a_printed_figure(built_site, chapter):
    html = (built_site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<div class="course-print-views">(.*?)</div>', html, flags=re.S)
    assert blocks, f"{chapter}: no printed views"
    state = json.loads(
        re.search(
            r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
            html,
            flags=re.S,
        ).group(1)
    )["state"]
    explorers = [
        m for m in state.values() if "static-explorer" in m["state"].get("_dom_classes", [])
    ]
    assert len(blocks) == len(explorers), chapter
    for block, explorer in zip(blocks, explorers):
        menu = state[explorer["state"]["children"][0].removeprefix("IPY_MODEL_")]["state"]
        captions = re.findall(r"<strong>(.*?)</strong>", block)
        assert len(captions) == len(menu["_options_labels"]) >= 2, chapter
        for source in re.findall(r'<img src="([^"]+)"', block):
            assert (built_site / "chapters" / source).resolve().is_file(), source
        assert 'loading="lazy"' in block  # a screen visit does not fetch them


@pytest.mark.parametrize("chapter", CHAPTERS_WITH_EXPLORERS)
def test_the_set_up_cell_is_marked_to_fold_away_in_print(built_site, chapter):
    html = (built_site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    marked = html.split('<div class="cell docutils container course-setup-cell">')
    assert len(marked) == 2, chapter
    assert '<span class="kn">import</span>' in marked[1][:3000]


def test_print_css_hides_screen_notes_and_prints_captions_dark(built_site):
    css = (built_site / "_static" / "print.css").read_text(encoding="utf-8")
    assert re.search(r"\.course-scroll-hint[^{]*\{\s*display:\s*none", css)
    assert re.search(r"figcaption[^{]*\{\s*color:\s*#000", css)


def test_the_root_page_names_the_favicon(built_site):
    root = (built_site / "index.html").read_text(encoding="utf-8")
    icon = re.search(r'<link rel="icon" href="([^"]+)"', root)
    assert icon and (built_site / icon.group(1)).is_file()
    assert re.search(r'http-equiv="Refresh" content="0; url=intro.html"', root)


def test_the_intro_links_each_of_the_four_chapters(built_site):
    intro = (built_site / "intro.html").read_text(encoding="utf-8")
    item = re.search(r"Four chapters:(.*?)</li>", intro, flags=re.S).group(1)
    for chapter in CHAPTERS_WITH_EXPLORERS:
        assert f'href="chapters/{chapter}.html"' in item, chapter
