"""Say on every page who made the course, its version, its licences, how to cite it,
where to report a problem.

A reader who lands on any page (from a search, a shared link) should be able to
tell whose work it is and on what terms it may be reused, without the README,
which the site does not publish. The version is read from ``pyproject.toml``,
its one source of truth (``CITATION.cff`` is held to it by a test). The
repository and "report a problem" links come from ``_config.yml``
(``sphinx.config.course_repository_url`` and ``course_report_problem_url``);
while they are unset the footer leaves them out rather than point nowhere.
The licence texts and ``CITATION.cff`` are published with the site, so the
footer's links work offline too.
"""

from __future__ import annotations

import html
import shutil
import tomllib
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx

#: Files at the project's root published at the site's root, under the names the footer links to.
PUBLISHED_FILES = {
    "LICENSE": "LICENSE.txt",
    "LICENSE-content.txt": "LICENSE-content.txt",
    "CITATION.cff": "CITATION.cff",
}
CONTENT_LICENCE = ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
CODE_LICENCE = "MIT"


def course_version(srcdir: Path) -> str:
    """The course's version, from ``pyproject.toml`` (the one place it is written)."""
    with open(Path(srcdir) / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def report_problem_url(config) -> str:
    """Where to report a problem: the configured address, else the repository's issues, else ''."""
    if config.course_report_problem_url:
        return config.course_report_problem_url
    repository = (config.course_repository_url or "").rstrip("/")
    if repository.startswith(
        ("https://github.com/", "https://gitlab.com/", "https://codeberg.org/")
    ):
        return repository + "/issues"
    return ""


def credits_html(app: Sphinx, prefix: str, documents_page: str) -> str:
    """The credits as HTML; ``prefix`` leads from the page to the site's root,
    ``documents_page`` to the documents page.
    """
    config = app.config
    link = lambda href, text: f'<a href="{html.escape(href)}">{html.escape(text)}</a>'  # noqa: E731
    parts = [
        f"{html.escape(config.html_title or config.project)}, version "
        f"{html.escape(course_version(Path(app.srcdir)))}, by {html.escape(config.author)}.",
        f"Text, data and exercises: {link(prefix + 'LICENSE-content.txt', CONTENT_LICENCE[0])};"
        f" code: {link(prefix + 'LICENSE.txt', CODE_LICENCE)};"
        f" the five documents keep their own rights ({link(documents_page, 'the documents')}).",
        f"How to cite: {link(prefix + 'CITATION.cff', 'CITATION.cff')}.",
    ]
    if config.course_repository_url:
        parts.append(
            f"Source: {link(config.course_repository_url, config.course_repository_url)}."
        )
    problem = report_problem_url(config)
    if problem:
        parts.append(f"{link(problem, 'Report a problem')}.")
    return '<p class="course-credits">' + " ".join(parts) + "</p>"


def show_credits_in_footer(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Put the credits in every page's footer (sphinx-book-theme's ``extra_footer`` slot)."""
    if app.builder.format != "html":
        return
    prefix = "../" * pagename.count("/")
    documents = (
        context["pathto"]("chapters/documents")
        if "chapters/documents" in app.env.found_docs
        else prefix + "index.html"
    )
    context["theme_extra_footer"] = credits_html(app, prefix, documents)


class CourseCredits(Directive):
    """``{course-credits}``: the same credits as the footer, as a paragraph of the page
    (the landing page).
    """

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        depth = env.docname.count("/")
        prefix = "../" * depth
        documents = prefix + "chapters/documents.html"
        return [nodes.raw("", credits_html(env.app, prefix, documents), format="html")]


def publish_licences_and_citation(app: Sphinx, exception: Exception | None) -> None:
    """Copy the licence texts and ``CITATION.cff`` to the site's root, where the credits link."""
    if exception is not None or app.builder.format != "html":
        return
    for source, published in PUBLISHED_FILES.items():
        path = Path(app.srcdir) / source
        if path.is_file():
            shutil.copyfile(path, Path(app.outdir) / published)
