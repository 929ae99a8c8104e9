"""What the site build promises beyond "it builds": offline assets, notebooks to take away."""

import json
import re

import pytest

CHAPTERS = [
    "documents",
    "about_the_data",
    "background",
    "the_battle",
    "casualty_reporting",
    "international_reaction",
]
EXTERNAL_ASSET = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(?:https?:)?//", re.I)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_offers_its_executed_notebook_with_outputs(built_site, chapter):
    page = (built_site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    assert f"_sources/chapters/{chapter}.ipynb" in page
    notebook = json.loads(
        (built_site / "_sources" / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8")
    )
    code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code_cells and any(c["outputs"] for c in code_cells), "the download has no outputs"
    assert "jupytext" not in notebook["metadata"], "the download should be a plain notebook"


def test_no_page_loads_an_asset_from_another_host(built_site):
    offenders = [
        str(page.relative_to(built_site))
        for page in built_site.rglob("*.html")
        if EXTERNAL_ASSET.search(page.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_widget_manager_is_served_locally_and_only_where_there_are_widgets(built_site):
    assert (built_site / "_static" / "widgets" / "embed.js").stat().st_size > 1_000_000
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        has_widgets = "application/vnd.jupyter.widget-state+json" in text
        loads_manager = "widgets/embed.js" in text
        assert has_widgets == loads_manager, page.relative_to(built_site)


def test_a_change_to_the_package_or_data_changes_the_notebook_inputs_fingerprint(tmp_path):
    """The execution cache is cleared when what notebooks read changes, not only their code."""
    from sourcekit_book.cache_invalidation import notebook_inputs_fingerprint

    (tmp_path / "sourcekit").mkdir()
    (tmp_path / "data").mkdir()
    module = tmp_path / "sourcekit" / "loaders.py"
    module.write_text("VALUE = 1\n")
    (tmp_path / "data" / "table.csv").write_text("a\n1\n")
    before = notebook_inputs_fingerprint(tmp_path)
    assert notebook_inputs_fingerprint(tmp_path) == before
    module.write_text("VALUE = 2\n")
    after_code = notebook_inputs_fingerprint(tmp_path)
    (tmp_path / "data" / "table.csv").write_text("a\n2\n")
    assert len({before, after_code, notebook_inputs_fingerprint(tmp_path)}) == 3


def test_an_edit_to_the_grader_or_the_build_re_executes_no_chapter(tmp_path):
    """Only the students' library, the data and the quizzes key the execution cache.

    The instructor's and the build's packages are not read by any chapter, so an edit there must
    leave the fingerprint (and with it every cached chapter) as it was.
    """
    from sourcekit_book.cache_invalidation import notebook_inputs_fingerprint

    for folder in ("sourcekit", "sourcekit_instructor/grade", "sourcekit_book", "data"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "sourcekit" / "loaders.py").write_text("VALUE = 1\n")
    grader = tmp_path / "sourcekit_instructor" / "grade" / "score.py"
    build = tmp_path / "sourcekit_book" / "downloads.py"
    grader.write_text("# a comment\n")
    build.write_text("# a comment\n")
    before = notebook_inputs_fingerprint(tmp_path)
    grader.write_text("# another comment\n")
    build.write_text("# another comment\n")
    assert notebook_inputs_fingerprint(tmp_path) == before
