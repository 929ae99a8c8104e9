"""Who made the course, its version, its licences, how to cite it, and each document's rights."""

import re
import tomllib

from sourcekit import load_source_manifest
from sourcekit.paths import PROJECT_ROOT

VERSION = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"
]


def test_citation_file_gives_the_version_pyproject_gives():
    citation = (PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", citation, re.M)
    match = re.search(r'^version: "?([^"\n]+)"?$', citation, re.M)
    assert match and match.group(1) == VERSION, (
        f"CITATION.cff says {match and match.group(1)!r}, pyproject.toml {VERSION!r}"
    )


def test_content_and_code_are_licensed_separately():
    code = (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    content = (PROJECT_ROOT / "LICENSE-content.txt").read_text(encoding="utf-8")
    assert code.startswith("MIT License") and "Permission is hereby granted" in code
    assert "Attribution-ShareAlike 4.0 International Public License" in content
    assert "data/sources/" in content and "NOT covered" in content


def test_every_document_has_its_rights_and_attribution():
    manifest = load_source_manifest().set_index("source_id")
    for source_id, row in manifest.iterrows():
        assert row["rights"].strip() and row["attribution"].strip(), (
            f"document {source_id}: rights or attribution missing"
        )
    encyclopedia = manifest.loc["000"]
    assert "CC BY-SA" in encyclopedia["rights"]
    for needed in (
        "Battle of Shusha (2020)",
        "Wikipedia contributors",
        "https://en.wikipedia.org/wiki/",
        "creativecommons.org/licenses/by-sa",
    ):
        assert needed in encyclopedia["attribution"], (
            f"document 000's attribution lacks {needed!r}"
        )
    for source_id in ("001", "002", "003", "004"):
        row = manifest.loc[source_id]
        assert "Copyright" in row["rights"] and "teaching" in row["rights"], (
            f"document {source_id}: say whose copyright and why it is reproduced"
        )
        assert "November 2020" in row["attribution"], (
            f"document {source_id}: the attribution gives no date"
        )
    assert (
        "Al Jazeera" in manifest.loc["001", "attribution"]
        and "BBC" in manifest.loc["002", "attribution"]
    )


def test_every_page_footer_names_version_licences_and_citation(built_site):
    pages = [
        p
        for p in built_site.rglob("*.html")
        if not p.relative_to(built_site).parts[0].startswith("_")
    ]
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if 'http-equiv="Refresh"' in text or 'http-equiv="refresh"' in text:
            continue
        footer = re.search(r'<p class="course-credits">(.*?)</p>', text, re.S)
        assert footer, f"{page.relative_to(built_site)}: no credits in the footer"
        for needed in (
            f"version {VERSION}",
            "CC BY-SA 4.0",
            "MIT",
            "CITATION.cff",
            "LICENSE-content.txt",
        ):
            assert needed in footer.group(1), (
                f"{page.relative_to(built_site)}: the footer lacks {needed!r}"
            )
    for published in ("LICENSE.txt", "LICENSE-content.txt", "CITATION.cff"):
        assert (built_site / published).is_file(), f"{published} is not published with the site"
    intro = (built_site / "intro.html").read_text(encoding="utf-8")
    assert intro.count('class="course-credits"') >= 2, (
        "the landing page does not give the credits in its text"
    )


def test_documents_page_shows_each_documents_rights(built_site):
    page = (built_site / "chapters" / "documents.html").read_text(encoding="utf-8")
    assert page.count(">Rights<") >= 5 and page.count(">Credit<") >= 5
    assert "Wikipedia contributors" in page
