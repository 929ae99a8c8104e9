"""A chapter in JupyterLab reads as in the book, and running it never changes the course's files.

``make lab-check`` sees the result in a browser; these tests hold the parts
one at a time: the rewriting of the chapters' MyST (``sourcekit.lab_text``),
the glued values in the kernel (``sourcekit.glue``), the contents manager that
saves aside (``sourcekit.lab_contents``) and the quizzes' MathJax guard.
"""

import asyncio
import json
import re
import shutil
import subprocess

import nbformat
import pytest
from IPython.display import Markdown

from sourcekit.glue import Glue, format_glued
from sourcekit.lab_text import (
    ROLE,
    course_targets,
    glued_values,
    read_chapter,
    readable_notebook,
)
from sourcekit.paths import PROJECT_ROOT

CHAPTERS = sorted(
    path.relative_to(PROJECT_ROOT).as_posix() for path in (PROJECT_ROOT / "chapters").glob("*.md")
)
MYST_MARKUP = re.compile(
    r"\{[a-z]+(:[a-z]+)?\}`|^(```+|:::+)\{|^\([\w.:-]+\)=\s*$|^:(class|name):", re.M
)


def text_of(notebook) -> str:
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_in_lab_only_jupyterlab_myst_markup_is_left(chapter):
    notebook = readable_notebook(read_chapter(PROJECT_ROOT / chapter), chapter)
    text = text_of(notebook)
    roles = {match.group("role") for match in ROLE.finditer(text)}
    assert roles <= {"eval"}, f"{chapter}: roles Lab cannot draw: {sorted(roles - {'eval'})}"
    assert "{glue" not in text
    for match in ROLE.finditer(text):
        assert re.fullmatch(
            r'glue\.value\("[\w-]+"(, "[^"]*")?(, markdown=True)?\)', match.group("content")
        ), match.group(0)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_without_jupyterlab_myst_and_with_the_values_no_markup_is_left(chapter):
    source = read_chapter(PROJECT_ROOT / chapter)
    names = {
        match.group("content").partition(":")[0]
        for match in ROLE.finditer(text_of(source))
        if match.group("role").startswith("glue")
    }
    notebook = readable_notebook(source, chapter, glued={name: 1 for name in names}, plain=True)
    text = text_of(notebook)
    assert not MYST_MARKUP.search(text), MYST_MARKUP.search(text).group(0)
    assert "not computed" not in text


def test_the_code_a_student_runs_is_the_chapters_code():
    chapter = "chapters/background.md"
    source = read_chapter(PROJECT_ROOT / chapter)
    readable = readable_notebook(read_chapter(PROJECT_ROOT / chapter), chapter)
    assert [c.source for c in readable.cells if c.cell_type == "code"] == [
        c.source for c in source.cells if c.cell_type == "code"
    ]


def test_references_become_links_with_the_books_words():
    notebook = readable_notebook(
        read_chapter(PROJECT_ROOT / "chapters/background.md"), "chapters/background.md"
    )
    text = text_of(notebook)
    assert "([document 002](../chapters/documents.md#doc-002))" in text
    assert (
        "[About the data](../chapters/about_the_data.md)" in text or "about_the_data.md)" in text
    )
    assert "[Fig. 1.2](#fig-distance-claims)" in text


def test_figures_are_numbered_as_the_book_numbers_them():
    targets = course_targets()
    # Chapter number from _toc.yml's numbered part, then the figure's place in the chapter.
    assert targets["fig-places-map"].number == "1.1"
    assert targets["fig-names-explorer"].number == "1.4"
    assert targets["fig-battle-timeline"].number == "2.1"
    built = PROJECT_ROOT / "_build" / "html" / "chapters"
    if not built.is_dir():
        pytest.skip("no built book to compare with (make book)")
    for label, target in targets.items():
        if target.number is None:
            continue
        page = (built / (target.chapter.split("/")[-1][:-3] + ".html")).read_text(encoding="utf-8")
        assert re.search(
            rf'id="{re.escape(label)}".*?caption-number">Fig\. {re.escape(target.number)} <',
            page,
            re.S,
        ), label


def test_each_caption_is_a_text_cell_under_its_figure():
    notebook = readable_notebook(
        read_chapter(PROJECT_ROOT / "chapters/background.md"), "chapters/background.md"
    )
    for index, cell in enumerate(notebook.cells):
        figure = (cell.get("metadata", {}).get("mystnb") or {}).get("figure")
        if figure:
            caption = notebook.cells[index + 1]
            assert caption.cell_type == "markdown" and caption.source.split("\n")[-1].startswith(
                "**Fig. 1."
            )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_chapter_that_glues_imports_the_glue_lab_can_ask(chapter):
    text = (PROJECT_ROOT / chapter).read_text(encoding="utf-8")
    if "{glue" in text:
        assert "from sourcekit.glue import glue" in text and "from myst_nb import glue" not in text


def test_glue_value_gives_the_text_the_book_prints(monkeypatch):
    import myst_nb

    published = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: published.append(name))
    glue = Glue()
    glue("km", 6.2831, display=False)
    glue("words", "15km (9 miles)", display=False)
    assert published == ["km", "words"]  # myst-nb still gets every value, for the book
    assert repr(glue.value("km", ".1f")) == "6.3"
    assert repr(glue.value("words")) == "15km (9 miles)"  # no quotes, as in the book
    assert "run the code cells above" in repr(glue.value("not-yet"))
    glue("passage", Markdown("a \\*quoted\\* passage"), display=False)
    assert (
        repr(glue.value("passage", markdown=True)) == "a *quoted* passage"
    )  # inline text, escapes gone


def test_glued_values_are_read_back_from_myst_nbs_outputs():
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"application/papermill.record/text/plain": "6.2831"},
            metadata={"scrapbook": {"name": "km", "mime_prefix": "application/papermill.record/"}},
        ),
        nbformat.v4.new_output(
            "display_data",
            data={"application/papermill.record/text/plain": "'15km'"},
            metadata={
                "scrapbook": {"name": "words", "mime_prefix": "application/papermill.record/"}
            },
        ),
        nbformat.v4.new_output(
            "display_data",
            data={
                "application/papermill.record/text/markdown": "a \\*b\\*",
                "application/papermill.record/text/plain": "<Markdown>",
            },
            metadata={"scrapbook": {"name": "md", "mime_prefix": "application/papermill.record/"}},
        ),
    ]
    values = glued_values(nbformat.v4.new_notebook(cells=[cell]))
    assert format_glued(values["km"], ".1f") == "6.3"
    assert format_glued(values["words"]) == "15km"
    assert format_glued(values["md"]) == "a \\*b\\*"


# The contents manager, on a copy of the course's folders.


@pytest.fixture
def course_copy(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "exercises").mkdir()
    shutil.copy(PROJECT_ROOT / "chapters" / "background.md", tmp_path / "chapters")
    shutil.copy(PROJECT_ROOT / "exercises" / "background_exercises.ipynb", tmp_path / "exercises")
    (tmp_path / "notes.ipynb").write_text(
        nbformat.writes(nbformat.v4.new_notebook()), encoding="utf-8"
    )
    return tmp_path


def contents_manager(root):
    from sourcekit.lab_contents import CourseContentsManager

    return CourseContentsManager(root_dir=str(root))


@pytest.mark.parametrize(
    "path", ["chapters/background.md", "exercises/background_exercises.ipynb"]
)
def test_saving_a_course_file_writes_lab_notebooks_and_leaves_the_file_as_it_was(
    course_copy, path
):
    manager = contents_manager(course_copy)
    original = (course_copy / path).read_bytes()

    async def open_change_save():
        model = await manager.get(path, content=True, type="notebook")
        notebook = model["content"]
        assert "lab_notebooks/" in notebook.cells[0].source  # the note says where saves go
        notebook.cells.append(nbformat.v4.new_code_cell("print('my own cell')"))
        saved = await manager.save(
            {"type": "notebook", "format": "json", "content": notebook}, path
        )
        return saved, await manager.get(path, content=True, type="notebook")

    saved, reopened = asyncio.run(open_change_save())
    assert (course_copy / path).read_bytes() == original
    copy = course_copy / "lab_notebooks" / (path.split("/")[-1].rsplit(".", 1)[0] + ".ipynb")
    kept = nbformat.read(copy, as_version=4)
    assert kept.cells[-1].source == "print('my own cell')"
    assert not any("saves_note" in json.dumps(cell.get("metadata", {})) for cell in kept.cells)
    assert saved["path"] == path and saved["content"] is None
    # Opened again, the course's file is the course's text, and the note points to the saved copy.
    assert "You have a saved version" in reopened["content"].cells[0].source
    assert reopened["content"].cells[-1].source != "print('my own cell')"


def test_other_files_save_as_usual(course_copy):
    manager = contents_manager(course_copy)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("mine")])
    asyncio.run(
        manager.save({"type": "notebook", "format": "json", "content": notebook}, "notes.ipynb")
    )
    assert nbformat.read(course_copy / "notes.ipynb", as_version=4).cells[0].source == "mine"
    assert not (course_copy / "lab_notebooks").exists()


# The quizzes' guard against MathJax from a CDN, run as the browser runs it (Node).


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.parametrize(
    "mathjax, typeset_after",
    [
        (
            "{ version: '3.2.2' }",
            "function",
        ),  # a MathJax 3 without typeset(): jupyterquiz would load one from a CDN
        ("undefined", "undefined"),  # no MathJax: jupyterquiz loads none, and none is made
        ("{ version: '3.2.2', typeset: 42 }", "function"),
    ],
)
def test_the_quiz_guard_gives_mathjax_a_typeset_that_asks_nobody(mathjax, typeset_after):
    from sourcekit.quiz import NO_MATHJAX_FROM_A_CDN

    script = (
        f"const window = {{ MathJax: {mathjax} }};\n{NO_MATHJAX_FROM_A_CDN}\n"
        "console.log(window.MathJax === undefined ? 'undefined' : typeof window.MathJax.typeset);"
    )
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == typeset_after


def test_the_guard_is_displayed_before_each_quiz(monkeypatch):
    import IPython.display
    import jupyterquiz

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(("display", obj)))
    monkeypatch.setattr(
        jupyterquiz, "display_quiz", lambda *args, **kwargs: shown.append(("quiz", None))
    )
    from sourcekit.quiz import NO_MATHJAX_FROM_A_CDN, show_self_check

    show_self_check("background")
    assert [kind for kind, _ in shown] == ["display", "quiz"]
    assert shown[0][1].data == NO_MATHJAX_FROM_A_CDN


# A downloaded chapter (the built site's .ipynb): read without the book, in any notebook viewer.


@pytest.mark.parametrize(
    "chapter", ["background", "the_battle", "casualty_reporting", "international_reaction"]
)
def test_a_downloaded_chapter_has_no_markup_and_every_value_pasted(built_site, chapter):
    downloaded = nbformat.read(
        built_site / "_sources" / "chapters" / f"{chapter}.ipynb", as_version=4
    )
    text = text_of(downloaded)
    assert not MYST_MARKUP.search(text), MYST_MARKUP.search(text).group(0)
    assert "not computed" not in text and "glue.value" not in text
    source = text_of(read_chapter(PROJECT_ROOT / "chapters" / f"{chapter}.md"))
    values = glued_values(downloaded)
    for match in ROLE.finditer(source):
        if match.group("role").startswith("glue"):
            name, _, spec = match.group("content").partition(":")
            shown = format_glued(values[name], "" if match.group("role") == "glue:md" else spec)
            assert shown in text, f"{chapter}: {name} ({shown!r}) is not in the downloaded text"
