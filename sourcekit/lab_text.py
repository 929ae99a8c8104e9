"""A chapter's MyST text, made to read in JupyterLab as it reads in the book.

The book (Sphinx, myst-nb) resolves cross-references across pages, numbers the
figures, sets captions under them and pastes glued values into the prose.
JupyterLab renders each notebook on its own: jupyterlab-myst draws admonitions
and inline expressions, but knows neither the other chapters' labels, nor the
book's figure numbers, nor myst-nb's ``glue``. So a chapter opened in Lab
(``sourcekit.lab_contents``) is rewritten here, in memory, never on disk:

* ``{ref}`` and ``{doc}`` become Markdown links to the chapter file that holds
  the label, with the book's words (the role's text, or the target's title);
* ``{numref}`` becomes "Fig. 2.1", numbered as the book numbers it (chapter
  number from ``_toc.yml``, figure number in reading order);
* a figure's caption, kept in its code cell's metadata, becomes a text cell
  under the figure, "Fig. 2.1 The places near ...";
* ``{glue:text}`name:spec``` becomes the inline expression
  ``{eval}`glue.value("name", "spec")```, which jupyterlab-myst asks the
  kernel for when the text cell runs (``sourcekit.glue`` keeps the values; a
  value must be glued by a cell above the text, as Run All runs in order);
  given the values (a notebook already executed), the value itself is pasted;
* the book's ``hide-output`` tag folds the same stored outputs when the
  chapter opens (running the cell shows its new output, as Lab does).

With ``plain=True`` (a reader with no jupyterlab-myst: classic Jupyter, Colab)
admonitions become quoted blocks with a bold title and ``(label)=`` targets are
dropped, so nothing is left as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from .paths import PROJECT_ROOT

#: ``{role}`content``` anywhere in a text cell (MyST's inline role syntax).
ROLE = re.compile(r"\{(?P<role>[a-z]+(?::[a-z]+)?)\}`(?P<content>[^`]*)`")
#: ``text <target>`` inside a role.
TEXT_AND_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
#: ``(label)=`` on a line of its own.
TARGET_LINE = re.compile(r"^\((?P<label>[\w.:-]+)\)=[ \t]*$", re.M)
#: A fenced directive: ```{name} argument ... ``` or :::{name} ... :::.
DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}[ \t]*(?P<argument>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S,
)
#: Tags the book uses, and the Lab cell metadata that folds the same part. Only outputs: a cell
#: whose code is folded shows no execution count in Lab, and a reader who runs the chapter should
#: see what runs (the book hides a self-check's one line of code; Lab shows it).
FOLDING_TAGS = {
    "hide-output": ("outputs_hidden", True),
    "remove-output": ("outputs_hidden", True),
}
FIGURE_PREFIX = "Fig."


@dataclass(frozen=True)
class Target:
    """Where a label points: the chapter (``chapters/<name>.md``) and the words the book shows."""

    chapter: str
    title: str
    number: str | None = None  # "1.2" for a numbered figure


def read_chapter(path: Path):
    import jupytext

    return jupytext.read(path, fmt="md:myst")


def chapter_numbers(root: Path = PROJECT_ROOT) -> dict[str, int]:
    """Each numbered chapter's number, as the book numbers it (``numbered: true`` parts)."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    numbers: dict[str, int] = {}
    for part in toc.get("parts", []):
        if not part.get("numbered"):
            continue
        for entry in part.get("chapters", []):
            numbers[entry["file"]] = len(numbers) + 1
    return numbers


def _first_heading(text: str) -> str | None:
    match = re.search(r"^#{1,6}\s+(.+?)\s*$", text, re.M)
    return match.group(1) if match else None


def figure_metadata(cell) -> dict:
    """myst-nb's ``figure`` options of a code cell (``caption``, ``name``), or {}."""
    return (cell.get("metadata", {}).get("mystnb") or {}).get("figure") or {}


def collect_targets(chapter_file: str, notebook, number: int | None) -> dict[str, Target]:
    """Every label one chapter defines: ``(label)=`` before a heading, and its figures' names."""
    targets: dict[str, Target] = {}
    title = None
    figures = 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            title = title or _first_heading(cell.source)
            for match in TARGET_LINE.finditer(cell.source):
                heading = _first_heading(cell.source[match.end() :]) or match.group("label")
                targets[match.group("label")] = Target(chapter_file, heading)
        elif cell.cell_type == "code":
            figure = figure_metadata(cell)
            if figure.get("name"):
                figures += 1
                figure_number = f"{number}.{figures}" if number else str(figures)
                targets[figure["name"]] = Target(
                    chapter_file, str(figure.get("caption", "")), figure_number
                )
    targets[f"__doc__:{Path(chapter_file).stem}"] = Target(
        chapter_file, title or Path(chapter_file).stem
    )
    return targets


@lru_cache(maxsize=4)
def _course_targets(root: Path, fingerprint: tuple) -> dict[str, Target]:
    numbers = chapter_numbers(root)
    targets: dict[str, Target] = {}
    for path in sorted((root / "chapters").glob("*.md")):
        chapter_file = path.relative_to(root).as_posix()
        targets.update(
            collect_targets(chapter_file, read_chapter(path), numbers.get(chapter_file[:-3]))
        )
    return targets


def course_targets(root: Path = PROJECT_ROOT) -> dict[str, Target]:
    """Every label of every chapter, re-read when a chapter or ``_toc.yml`` changes."""
    files = [root / "_toc.yml", *sorted((root / "chapters").glob("*.md"))]
    return _course_targets(root, tuple((str(p), p.stat().st_mtime_ns) for p in files))


def relative_link(from_chapter: str, target: Target, label: str | None) -> str:
    """A link that works from the chapter and from its copy in ``lab_notebooks/``.

    ``../chapters/x.md#label``, or ``#label`` within the chapter itself.
    """
    anchor = f"#{label}" if label else ""
    if target.chapter == from_chapter:
        return anchor or "#"
    return f"../{target.chapter}{anchor}"


def _markdown_link(text: str, href: str | None) -> str:
    text = text.replace("[", "\\[").replace("]", "\\]")
    return f"[{text}]({href})" if href else text


class Rewriter:
    """Rewrites one chapter's text cells; ``glued`` maps glue names to values when known."""

    def __init__(
        self,
        chapter_file: str,
        targets: dict[str, Target],
        glued: dict[str, Any] | None = None,
        plain: bool = False,
        link: Callable[[str, Target, str | None], str] | None = relative_link,
    ) -> None:
        self.chapter_file = chapter_file
        self.targets = targets
        self.glued = glued
        self.plain = plain
        self.link = link

    def role(self, match: re.Match) -> str:
        role, content = match.group("role"), match.group("content")
        parts = TEXT_AND_TARGET.match(content)
        text, target = (parts.group("text"), parts.group("target")) if parts else (None, content)
        if role == "ref":
            found = self.targets.get(target)
            if found is None:
                return text or target
            return _markdown_link(text or found.title, self.href(found, target))
        if role == "numref":
            found = self.targets.get(target)
            if found is None or found.number is None:
                return text or target
            words = (
                (text or f"{FIGURE_PREFIX} %s")
                .replace("%s", found.number)
                .replace("{number}", found.number)
            )
            return _markdown_link(words, self.href(found, target))
        if role == "doc":
            stem = Path(target).stem
            found = self.targets.get(f"__doc__:{stem}")
            if found is None:
                return text or stem
            return _markdown_link(text or found.title, self.href(found, None))
        if role in ("glue", "glue:text", "glue:md", "glue:any"):
            return self.glue(role, content)
        return text or target  # any other role: its words, never its markup

    def href(self, target: Target, label: str | None) -> str | None:
        """The link for a target, or None (the words alone) when there is nowhere to link to."""
        return self.link(self.chapter_file, target, label) if self.link else None

    def glue(self, role: str, content: str) -> str:
        from .glue import format_glued

        name, _, spec = content.partition(":")
        markdown = role == "glue:md"
        if self.glued is not None:
            if name not in self.glued:
                return f"[{name}: not computed]"
            return format_glued(self.glued[name], "" if markdown else spec)
        arguments = [f'"{name}"']
        if spec and not markdown:
            arguments.append(f'"{spec}"')
        if markdown:
            arguments.append("markdown=True")
        return "{eval}`glue.value(" + ", ".join(arguments) + ")`"

    def directive(self, match: re.Match) -> str:
        name, argument, body = (
            match.group("name"),
            match.group("argument").strip(),
            match.group("body"),
        )
        options = re.match(r"^((?::[\w-]+:[^\n]*\n)*)", body)
        body = body[options.end() :].lstrip("\n") if options else body
        if not self.plain and name in (
            "admonition",
            "note",
            "warning",
            "tip",
            "important",
            "caution",
            "attention",
            "danger",
            "error",
            "hint",
            "seealso",
        ):
            return match.group(0)  # jupyterlab-myst draws these as the book does
        title = argument or name.capitalize()
        quoted = "\n".join(
            f"> {line}" if line.strip() else ">" for line in body.rstrip("\n").split("\n")
        )
        return f"> **{title}**\n>\n{quoted}"

    def text(self, source: str) -> str:
        source = DIRECTIVE.sub(self.directive, source)
        source = ROLE.sub(self.role, source)
        if self.plain:
            source = TARGET_LINE.sub("", source).lstrip("\n")
        return source


def readable_notebook(
    notebook,
    chapter_file: str,
    glued: dict[str, Any] | None = None,
    plain: bool = False,
    root: Path = PROJECT_ROOT,
    link: Callable[[str, Target, str | None], str] | None = relative_link,
):
    """``notebook`` (a chapter read by jupytext), its MyST readable outside the book (in place).

    ``link=None`` keeps a reference's words without a link (a download, where the other
    chapters are not beside the notebook).
    """
    import nbformat

    rewriter = Rewriter(chapter_file, course_targets(root), glued, plain, link)
    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = rewriter.text(cell.source)
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        for tag in tags:
            if tag in FOLDING_TAGS:
                key, value = FOLDING_TAGS[tag]
                cell.metadata.setdefault("jupyter", {})[key] = value
        figure = figure_metadata(cell)
        if figure.get("caption"):
            found = rewriter.targets.get(figure.get("name", ""))
            number = f"{FIGURE_PREFIX} {found.number}" if found and found.number else FIGURE_PREFIX
            caption = rewriter.text(" ".join(str(figure["caption"]).split()))
            lead = "" if plain or not figure.get("name") else f"({figure['name']})=\n"
            cells.append(
                nbformat.v4.new_markdown_cell(
                    f"{lead}**{number}** {caption}",
                    metadata={"course": {"caption_of": figure.get("name", "")}},
                )
            )
    notebook.cells = cells
    return notebook


def glued_values(notebook) -> dict[str, Any]:
    """The values an executed notebook glued (myst-nb's outputs), as ``{glue:...}`` reads them.

    A number or a string comes back from its ``text/plain`` (a ``repr``); a
    Markdown passage as an IPython ``Markdown`` object.
    """
    import ast

    from IPython.display import Markdown

    values: dict[str, Any] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if not scrapbook:
                continue
            prefix = scrapbook.get("mime_prefix", "")
            data = {
                key[len(prefix) :]: value
                for key, value in output.get("data", {}).items()
                if key.startswith(prefix)
            }
            if "text/markdown" in data:
                values[scrapbook["name"]] = Markdown(data["text/markdown"])
                continue
            text = data.get("text/plain", "")
            try:
                values[scrapbook["name"]] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[scrapbook["name"]] = text
    return values


def expected_glue_texts(chapter_file: str, root: Path = PROJECT_ROOT) -> list[str]:
    """What a reader must see for each ``{glue:...}`` of a chapter, run here with nbclient.

    ``make lab-check`` looks for each of these in the chapter as JupyterLab
    draws it, where the values come from the kernel through jupyterlab-myst: the
    same values reached another way. Markdown escapes are removed, as a reader
    sees the text.
    """
    from nbclient import NotebookClient

    path = root / chapter_file
    notebook = read_chapter(path)
    NotebookClient(
        notebook,
        timeout=240,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    rewriter = Rewriter(chapter_file, {}, glued_values(notebook))
    texts = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for match in ROLE.finditer(cell.source):
            if match.group("role").startswith("glue"):
                texts.append(
                    re.sub(
                        r"\\(.)", r"\1", rewriter.glue(match.group("role"), match.group("content"))
                    )
                )
    return texts
