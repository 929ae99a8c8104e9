"""The build is a test: the whole book builds with warnings as errors and every cell runs.

This is the slowest test (it executes every chapter on a fresh kernel unless the
execution cache already holds the current code), so it runs last.
"""


def test_the_book_builds_with_warnings_as_errors(built_site):
    assert (built_site / "index.html").exists()


def test_the_landing_documents_and_data_pages_are_in_the_site(built_site):
    for page in ("intro.html", "chapters/documents.html", "chapters/about_the_data.html"):
        assert (built_site / page).exists(), page


def test_every_document_text_is_readable_on_the_documents_page(built_site):
    page = (built_site / "chapters" / "documents.html").read_text(encoding="utf-8")
    for source_id in ("000", "001", "002", "003", "004"):
        assert f'aria-label="Text of document {source_id}"' in page
    assert "Shushan Stepanyan" in page
