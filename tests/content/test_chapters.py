"""Every chapter keeps the course's promises to its readers.

These tests hold for all four chapter pages (whoever writes them): each opens
with a central question and the documents it uses, closes with what the
sources disagree on; every chart has alt text that says something, a caption,
a name, and its table one click away; loaded words appear only inside
quotation marks; and each explorer is numbered and captioned like a figure
and carries one pre-rendered view per option, so it works in the published
page with no kernel.

The source-level tests are fast; the ones that read the built HTML use the
session's ``built_site`` fixture and run last.
"""

import json
import re
from html.parser import HTMLParser

import pytest
import yaml

from sourcekit.paths import PROJECT_ROOT

CHAPTER_PART = "Chapters"


def chapter_stems() -> list:
    """The chapter files listed in _toc.yml under the "Chapters" part,
    e.g. 'chapters/background'.
    """
    toc = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        if part.get("caption") == CHAPTER_PART:
            return [entry["file"] for entry in part["chapters"]]
    raise AssertionError(f"_toc.yml has no part captioned {CHAPTER_PART!r}")


CHAPTERS = chapter_stems()


def chapter_source(stem: str) -> str:
    return (PROJECT_ROOT / f"{stem}.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# Reading a MyST notebook: code cells (with their metadata) and narrative.
# --------------------------------------------------------------------------

_FENCE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S
)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def code_cells(markdown: str) -> list:
    """Every ``{code-cell}`` as a dict: ``metadata`` (parsed YAML,
    tags included) and ``source``.
    """
    cells = []
    for match in _FENCE.finditer(_FRONT_MATTER.sub("", markdown)):
        if not match.group("info").strip().startswith("{code-cell}"):
            continue
        body = match.group("body")
        metadata = {}
        if body.startswith("---\n"):
            end = body.index("\n---\n", 4)
            metadata = yaml.safe_load(body[4:end]) or {}
            body = body[end + 5 :]
        else:
            options = []
            while body.startswith(":"):
                line, _, body = body.partition("\n")
                options.append(line[1:])
            metadata = yaml.safe_load("\n".join(options)) or {} if options else {}
        cells.append({"metadata": metadata, "source": body})
    return cells


def narrative_text(markdown: str) -> str:
    """What a reader reads as prose: everything but code.

    Drops the front matter, the bodies of code cells and other code blocks,
    inline code (which also removes role targets such as ``doc-000``), labels
    and comments. Keeps the metadata of code cells, because captions and alt
    text are read (or heard) by readers, and keeps the contents of directives
    such as admonitions.
    """
    text = _FRONT_MATTER.sub("", markdown)

    def keep_prose(match):
        info = match.group("info").strip()
        body = match.group("body")
        if info.startswith("{code-cell}"):
            if body.startswith("---\n"):
                return body[4 : body.index("\n---\n", 4)] + "\n"
            return "\n"
        if not info.startswith("{") or info.startswith(("{code", "{literalinclude", "{raw")):
            return "\n"
        return narrative_text(body) + "\n"

    text = _FENCE.sub(keep_prose, text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"^\([\w-]+\)=\s*$", " ", text, flags=re.M)
    return text


# Quoted passages: straight or curly double quotes, curly single quotes, and
# straight single quotes that open after and close before a non-letter, so an
# apostrophe ("Azerbaijan's", "documents'") opens or closes nothing. A quote may
# wrap onto the next line but not run across a blank line.
_QUOTED = re.compile(
    r'"[^"\n]*(?:\n(?!\s*\n)[^"\n]*)*"'
    r"|“[^”]*?”"
    r"|‘[^’]*?’(?!\w)"
    r"|(?<![\w'])'[^'\n]*(?:\n(?!\s*\n)[^'\n]*)*'(?![\w'])"
)

#: Words that carry one side's judgement. They may appear only inside quotation
#: marks, with their speaker; the standard in intro.md names the first four.
LOADED_WORDS = re.compile(
    r"\b(liberat(?:e|ed|es|ing|ion|ions|or|ors)|occup(?:ied|ation|ations|ier|iers|ying)|junta|juntas|"
    r"terroris(?:t|ts|m)|separatists?|mercenar(?:y|ies)|aggressors?|genocide|puppet)\b",
    re.IGNORECASE,
)


def unquoted(text: str) -> str:
    """``text`` with every quoted passage blanked out."""
    return _QUOTED.sub(" ", text)


def loaded_word_hits(text: str) -> list:
    """(word, context) for each loaded word outside quotation marks in ``text``."""
    bare = unquoted(text)
    return [
        (m.group(0), " ".join(bare[max(0, m.start() - 60) : m.end() + 60].split()))
        for m in LOADED_WORDS.finditer(bare)
    ]


def quiz_strings(path) -> str:
    """All reader-facing text of a jupyterquiz file: questions, answers, feedback."""
    parts = []
    for question in json.loads(path.read_text(encoding="utf-8")):
        parts.append(question.get("question", ""))
        for answer in question.get("answers", []):
            parts += [answer.get("answer", ""), answer.get("feedback", "")]
    return "\n\n".join(parts)


# --------------------------------------------------------------------------
# The scanner can fail: tests of the test.
# --------------------------------------------------------------------------


def test_the_scanner_flags_a_bare_loaded_word():
    assert [w for w, _ in loaded_word_hits("On 8 November the town was liberated.")] == [
        "liberated"
    ]
    assert [w for w, _ in loaded_word_hits("The occupied territories, the junta.")] == [
        "occupied",
        "junta",
    ]


@pytest.mark.parametrize(
    "sample",
    [
        'Aliyev said the town "has been liberated".',
        "Aliyev said the town “has been liberated”.",
        "Erdoğan spoke of ‘the occupied lands’.",
        "The BBC wrote of the 'separatist' region.",
        'Hajiyev spoke of "its criminal junta\nregime" in document 003.',
    ],
)
def test_the_scanner_ignores_loaded_words_inside_quotation_marks(sample):
    assert loaded_word_hits(sample) == []


def test_apostrophes_do_not_hide_a_loaded_word():
    sample = "Azerbaijan's forces liberated the town, the documents' authors say."
    assert [w for w, _ in loaded_word_hits(sample)] == ["liberated"]


def test_a_quotation_does_not_run_across_a_blank_line():
    sample = 'An unclosed " quote.\n\nThe occupied city.'
    assert [w for w, _ in loaded_word_hits(sample)] == ["occupied"]


def test_the_scanner_skips_code_but_reads_captions_and_alt_text():
    sample = (
        "Prose.\n\n```{code-cell} ipython3\n---\nmystnb:\n  figure:\n"
        "    caption: The liberated city.\n---\n"
        'occupied = "junta"\n```\n\nAnd `terrorist` in inline code.\n'
    )
    assert [w for w, _ in loaded_word_hits(narrative_text(sample))] == ["liberated"]


def test_the_scanner_reads_inside_admonitions():
    sample = "```{admonition} What the sources disagree on\nThe occupied town.\n```\n"
    assert [w for w, _ in loaded_word_hits(narrative_text(sample))] == ["occupied"]


# --------------------------------------------------------------------------
# The chapters' sources.
# --------------------------------------------------------------------------

NARRATIVE_FILES = sorted(
    {f"{stem}.md" for stem in CHAPTERS}
    | {p.relative_to(PROJECT_ROOT).as_posix() for p in (PROJECT_ROOT / "chapters").glob("*.md")}
    | {"intro.md"}
    # The exercises' masters (the student copies are generated from them)
    # and the instructor guides.
    | {
        p.relative_to(PROJECT_ROOT).as_posix()
        for p in (PROJECT_ROOT / "exercises" / "source").glob("*.md")
    }
    | {
        p.relative_to(PROJECT_ROOT).as_posix()
        for p in (PROJECT_ROOT / "exercises" / "guides").glob("*.md")
    }
    | {p.relative_to(PROJECT_ROOT).as_posix() for p in (PROJECT_ROOT / "instructors").glob("*.md")}
)


@pytest.mark.parametrize("relative_path", NARRATIVE_FILES)
def test_no_narrative_uses_a_loaded_word_outside_quotation_marks(relative_path):
    hits = loaded_word_hits(
        narrative_text((PROJECT_ROOT / relative_path).read_text(encoding="utf-8"))
    )
    assert not hits, (
        f"{relative_path}: loaded words outside quotation marks "
        "(quote them, with their speaker):\n"
        + "\n".join(f"  {word!r} in: ...{context}..." for word, context in hits)
    )


@pytest.mark.parametrize(
    "path", sorted((PROJECT_ROOT / "chapters" / "quizzes").glob("*.json")), ids=lambda p: p.name
)
def test_no_self_check_uses_a_loaded_word_outside_quotation_marks(path):
    hits = loaded_word_hits(quiz_strings(path))
    assert not hits, f"{path.name}: " + "; ".join(f"{w!r} in ...{c}..." for w, c in hits)


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_chapter_opens_with_its_question_objectives_and_documents(stem):
    source = chapter_source(stem)
    before_code = narrative_text(source.split("```{code-cell}")[0])
    assert re.search(r"^##\s+Overview\s*$", source, re.M), f"{stem}: no '## Overview' section"
    assert re.search(r"central question", before_code, re.I), (
        f"{stem}: the overview states no central question"
    )
    assert re.search(r"you will be able to|objectives|you will learn", before_code, re.I), (
        f"{stem}: no learning objectives in the overview"
    )
    assert re.search(r"\{ref\}`[^`]*doc-00\d>?`", source.split("```{code-cell}")[0]), (
        f"{stem}: the overview links no document (doc-00N)"
    )


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_chapter_closes_with_what_the_sources_disagree_on_and_a_summary(stem):
    source = chapter_source(stem)
    admonition = re.search(
        r"^(`{3,}|:{3,})\{admonition\}[^\n]*disagree[^\n]*\n(.*?)^\1", source, re.M | re.S | re.I
    )
    assert admonition, f"{stem}: no admonition titled with what the sources disagree on"
    assert len(set(re.findall(r"\b00[0-4]\b", admonition.group(2)))) >= 2, (
        f"{stem}: the disagreement admonition should set at least two "
        "documents' versions side by side, by id"
    )
    assert re.search(r"^##\s+Summary\s*$", source, re.M), f"{stem}: no '## Summary' section"


def is_explorer(cell) -> bool:
    return "static_explorer(" in cell["source"]


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_chart_has_alt_text_caption_name_and_its_table_folded_below(stem):
    source = chapter_source(stem)
    cells = code_cells(source)
    # Explorers are captioned figures too, but their alt text is per view
    # (checked in the built page).
    charts = [
        i
        for i, cell in enumerate(cells)
        if (cell["metadata"].get("mystnb") or {}).get("figure") and not is_explorer(cell)
    ]
    assert len(charts) >= 2, (
        f"{stem}: {len(charts)} chart(s) with a figure caption; the chapter needs at least two"
    )
    for i in charts:
        options = cells[i]["metadata"]["mystnb"]
        alt = str((options.get("image") or {}).get("alt", ""))
        name = options["figure"].get("name", "")
        assert options["figure"].get("caption"), f"{stem}, chart {name or i}: no caption"
        assert name, f"{stem}, chart {i}: no name to refer to with {{numref}}"
        assert len(alt.split()) >= 8, (
            f"{stem}, {name}: alt text should state what the chart shows, got {alt!r}"
        )
        assert not re.match(r"(a |the )?(chart|figure|plot|graph|image)\.?$", alt.strip(), re.I), (
            f"{stem}, {name}: alt text says nothing: {alt!r}"
        )
        assert f"{{numref}}`{name}`" in source, (
            f"{stem}: {name} is never referred to in the text with {{numref}}"
        )
        following = cells[i + 1] if i + 1 < len(cells) else {"metadata": {}}
        tags = following["metadata"].get("tags", [])
        assert {"hide-output", "hide-cell"} & set(tags), (
            f"{stem}, {name}: the next cell should show the chart's table, folded "
            "(tags: hide-output or hide-cell)"
        )


#: Contested places and the names the course gives together (intro.md, "A note on names").
BOTH_NAMES = ("Shusha/Shushi", "Stepanakert/Khankendi")


def explorer_caption_problems(cell) -> list:
    """Why an explorer cell's caption fails the course's standard; [] when it passes."""
    figure = (cell["metadata"].get("mystnb") or {}).get("figure") or {}
    caption, name = " ".join(str(figure.get("caption", "")).split()), figure.get("name", "")
    problems = []
    if not caption:
        problems.append("no caption (mystnb: figure: caption), so it has no number either")
    elif len(caption.split()) < 15:
        problems.append(
            f"the caption should say what the explorer shows and from which table, got {caption!r}"
        )
    if not name:
        problems.append("no name (mystnb: figure: name) for the text to refer to with {numref}")
    for pair in BOTH_NAMES:
        for single in pair.split("/"):
            if re.search(rf"\b{single}\b", caption.replace(pair, "")):
                problems.append(f"the caption names {single} alone; give both names, {pair}")
    return problems


def test_the_explorer_caption_check_rejects_a_missing_short_or_one_sided_caption():
    cell = {"source": 'static_explorer(views, "Show:", alts)', "metadata": {}}
    assert explorer_caption_problems(cell)
    cell["metadata"] = {"mystnb": {"figure": {"caption": "Explorer: names.", "name": "fig-x"}}}
    assert any("say what" in p for p in explorer_caption_problems(cell))
    cell["metadata"]["mystnb"]["figure"]["caption"] = (
        "Explorer: the names each document uses for Shusha, one view per referent, counted "
        "from the texts of the documents."
    )
    assert any("Shusha alone" in p for p in explorer_caption_problems(cell))
    cell["metadata"]["mystnb"]["figure"]["caption"] = cell["metadata"]["mystnb"]["figure"][
        "caption"
    ].replace("Shusha", "Shusha/Shushi")
    assert explorer_caption_problems(cell) == []


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_explorer_has_a_numbered_caption_the_text_refers_to(stem):
    source = chapter_source(stem)
    explorers = [cell for cell in code_cells(source) if is_explorer(cell)]
    assert explorers, f"{stem}: no explorer"
    for cell in explorers:
        problems = explorer_caption_problems(cell)
        assert not problems, f"{stem}: explorer cell: " + "; ".join(problems)
        name = cell["metadata"]["mystnb"]["figure"]["name"]
        assert f"{{numref}}`{name}`" in source, (
            f"{stem}: explorer {name} is never referred to in the text with {{numref}}"
        )


@pytest.mark.parametrize("stem", CHAPTERS)
def test_imports_live_in_one_cell_at_the_top(stem):
    cells = code_cells(chapter_source(stem))
    assert cells, f"{stem}: no code cells"
    late = [
        i
        for i, cell in enumerate(cells[1:], start=1)
        if re.search(r"^\s*(import|from\s+\S+\s+import)\s", cell["source"], re.M)
    ]
    assert not late, f"{stem}: imports in code cells {late}; keep them in the first cell"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_chapter_has_a_kernel_free_explorer_and_a_self_check(stem):
    source = chapter_source(stem)
    code = "\n".join(cell["source"] for cell in code_cells(source))
    assert "static_explorer(" in code, f"{stem}: no explorer (sourcekit.explorer.static_explorer)"
    for callback in ("interact(", "interactive_output(", "interactive(", ".observe("):
        assert callback not in code, (
            f"{stem}: {callback} needs a kernel and does nothing in the published page"
        )
    name = stem.split("/")[-1]
    quiz_cells = [
        cell for cell in code_cells(source) if f'show_self_check("{name}")' in cell["source"]
    ]
    assert quiz_cells, f'{stem}: no show_self_check("{name}") cell'
    assert "remove-input" in quiz_cells[0]["metadata"].get("tags", []), (
        f"{stem}: tag the self-check cell remove-input"
    )


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_self_check_has_two_to_four_multiple_choice_questions_with_feedback(stem):
    path = PROJECT_ROOT / "chapters" / "quizzes" / f"{stem.split('/')[-1]}.json"
    assert path.exists(), f"no self-check file {path.relative_to(PROJECT_ROOT)}"
    questions = json.loads(path.read_text(encoding="utf-8"))
    assert 2 <= len(questions) <= 4, f"{path.name}: {len(questions)} questions, expected 2 to 4"
    for number, question in enumerate(questions, start=1):
        assert question.get("type") == "multiple_choice", (
            f"{path.name}, question {number}: type should be multiple_choice"
        )
        answers = question.get("answers", [])
        assert len(answers) >= 2, f"{path.name}, question {number}: needs at least two answers"
        assert sum(bool(a.get("correct")) for a in answers) == 1, (
            f"{path.name}, question {number}: exactly one answer should be correct"
        )
        for answer in answers:
            assert len(str(answer.get("feedback", "")).split()) >= 5, (
                f"{path.name}, question {number}: answer "
                f"{answer.get('answer')!r} needs feedback that says why"
            )


# --------------------------------------------------------------------------
# The built pages.
# --------------------------------------------------------------------------


class _PageParser(HTMLParser):
    """Collect the <img> tags, <figure>s and widget-state scripts of the page's main content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images, self.figures, self.widget_states, self.widget_views = [], [], [], []
        self._open_figures, self._in_caption = [], False
        self._script = None
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        elif tag == "figure":
            self.figures.append(
                {"id": attrs.get("id", ""), "caption": False, "caption_text": "", "widget": False}
            )
            self._open_figures.append(self.figures[-1])
        elif tag == "figcaption" and self._open_figures:
            self._open_figures[-1]["caption"] = True
            self._in_caption = True
        elif tag == "script" and attrs.get("type") in (
            "application/vnd.jupyter.widget-state+json",
            "application/vnd.jupyter.widget-view+json",
        ):
            self._script, self._buffer = attrs["type"], []

    def handle_data(self, data):
        if self._script:
            self._buffer.append(data)
        elif self._in_caption:
            self._open_figures[-1]["caption_text"] += data

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in_caption = False
        elif tag == "figure" and self._open_figures:
            self._open_figures.pop()
        if tag == "script" and self._script:
            if self._script.endswith("view+json") and self._open_figures:
                self._open_figures[-1]["widget"] = True
            payload = json.loads("".join(self._buffer))
            (
                self.widget_states if self._script.endswith("state+json") else self.widget_views
            ).append(payload)
            self._script = None


def parse_page(built_site, stem):
    page = built_site / f"{stem}.html"
    assert page.exists(), f"{stem}.html was not built"
    parser = _PageParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser, page.read_text(encoding="utf-8")


_PATH_LIKE = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|svg|gif|webp)$|^_images/|^data:", re.I)


def alt_text_problem(alt):
    """Why an alt text fails the course's standard, or None if it passes."""
    if alt is None or not alt.strip():
        return "empty"
    if _PATH_LIKE.search(alt.strip()):
        return f"a file path, not a description: {alt!r}"
    if len(alt.split()) < 6:
        return f"too short to state a finding: {alt!r}"
    return None


@pytest.mark.parametrize("alt", ["", "../_images/3f2a.png", "chart", "A chart."])
def test_the_alt_text_check_rejects_empty_paths_and_placeholders(alt):
    assert alt_text_problem(alt)


def test_the_alt_text_check_accepts_a_sentence_that_states_a_finding():
    assert alt_text_problem("Every document's distance is longer than the straight line.") is None


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_chapter_page_shows_its_figures_with_alt_text_that_states_something(built_site, stem):
    parsed, html = parse_page(built_site, stem)
    numbered = [f for f in parsed.figures if f["id"] and f["caption"]]
    assert len(numbered) >= 2, (
        f"{stem}.html: {len(numbered)} captioned, named figures; expected at least two"
    )
    content_images = [img for img in parsed.images if "logo" not in img.get("class", "")]
    assert content_images, f"{stem}.html: no images"
    for img in content_images:
        problem = alt_text_problem(img.get("alt"))
        assert problem is None, (
            f"{stem}.html: <img src={img.get('src', '')[:60]!r}> alt text is {problem}"
        )
    assert "&lt;Figure size" not in html and "&lt;Axes" not in html, (
        f"{stem}.html: a stray matplotlib repr is printed under a chart"
    )


def _explorers(widget_state):
    """(dropdown state, stack state, link states, model table) for each
    static explorer on a page.
    """
    models = widget_state["state"]
    found = []
    for model_id, model in models.items():
        state = model["state"]
        if model["model_name"] != "VBoxModel" or "static-explorer" not in state.get(
            "_dom_classes", []
        ):
            continue
        children = [ref.removeprefix("IPY_MODEL_") for ref in state["children"]]
        kinds = {models[c]["model_name"]: models[c]["state"] for c in children}
        ids = {models[c]["model_name"]: c for c in children}
        links = [m["state"] for m in models.values() if m["model_name"] == "LinkModel"]
        found.append((kinds.get("DropdownModel"), kinds.get("StackModel"), links, models, ids))
    return found


def check_explorers(parsed, where):
    """Fail unless every static explorer in a parsed page works without a kernel.

    Each needs its Dropdown jslinked (index -> selected_index) to a Stack that
    holds exactly one view per option, each view an image with alt text that
    states something, no two views the same picture.
    """
    assert parsed.widget_states, (
        f"{where}: no embedded widget state, so no explorer can work without a kernel"
    )
    explorers = [e for state in parsed.widget_states for e in _explorers(state)]
    assert explorers, f"{where}: no static explorer in the embedded widget state"
    for dropdown, stack, links, models, ids in explorers:
        assert dropdown and stack, f"{where}: an explorer lacks its Dropdown or its Stack"
        options = dropdown["_options_labels"]
        views = stack["children"]
        assert len(views) == len(options), (
            f"{where}: {len(options)} options but {len(views)} views"
        )
        linked = [
            link
            for link in links
            if link["source"] == [f"IPY_MODEL_{ids['DropdownModel']}", "index"]
            and link["target"] == [f"IPY_MODEL_{ids['StackModel']}", "selected_index"]
        ]
        assert linked, (
            f"{where}: the dropdown's index is not jslinked to the stack, so "
            "choosing does nothing without a kernel"
        )
        sources = []
        for ref, option in zip(views, options):
            html = models[ref.removeprefix("IPY_MODEL_")]["state"].get("value", "")
            image = re.search(r'<img src="([^"]+)" alt="([^"]*)"', html)
            assert image, f"{where}: the view for {option!r} holds no image"
            problem = alt_text_problem(image.group(2))
            assert problem is None, (
                f"{where}: the view for {option!r} has alt text that is {problem}"
            )
            sources.append(image.group(1))
        assert len(set(sources)) == len(sources), f"{where}: two options show the same picture"
    view_ids = {view["model_id"] for view in parsed.widget_views}
    all_models = {model_id for state in parsed.widget_states for model_id in state["state"]}
    assert view_ids and view_ids <= all_models, (
        f"{where}: a widget view refers to a model missing from the embedded state"
    )


def _embedded_page(explorer):
    """A parsed HTML page embedding ``explorer`` the way a static page does."""
    import io

    import ipywidgets as widgets
    from ipywidgets.embed import dependency_state, embed_minimal_html

    # Only this explorer's models and the links between them: other tests' widgets stay out.
    state = dependency_state([explorer])
    for model_id, model in widgets.Widget.get_manager_state(drop_defaults=False)["state"].items():
        ends = [model["state"].get(end, [None])[0] for end in ("source", "target")]
        if model["model_name"] == "LinkModel" and all(
            str(end).removeprefix("IPY_MODEL_") in state for end in ends
        ):
            state[model_id] = model
    buffer = io.StringIO()
    embed_minimal_html(buffer, views=[explorer], state=state, title="explorer test")
    parser = _PageParser()
    parser.feed(buffer.getvalue())
    return parser


def _tiny_explorer(n_views=2):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sourcekit.explorer import static_explorer

    views, alts = {}, {}
    for i in range(n_views):
        fig, ax = plt.subplots(figsize=(1, 1))
        ax.plot([0, 1], [0, i])
        views[f"option {i}"] = fig
        alts[f"option {i}"] = f"A line rising to {i}, drawn for the explorer test."
    return static_explorer(views, "Show:", alts)


def test_the_explorer_check_passes_a_working_explorer():
    check_explorers(_embedded_page(_tiny_explorer()), "sample")


def test_the_explorer_check_fails_when_a_view_is_missing():
    explorer = _tiny_explorer(3)
    stack = explorer.children[1]
    stack.children = stack.children[:2]
    with pytest.raises(AssertionError, match="3 options but 2 views"):
        check_explorers(_embedded_page(explorer), "sample")


def test_the_explorer_check_fails_without_the_browser_side_link():
    import ipywidgets as widgets

    working = _tiny_explorer()
    dropdown, stack = working.children
    # The same dropdown and views, boxed without the jslink: choosing would do nothing.
    unlinked = widgets.VBox(
        [
            widgets.Dropdown(options=dropdown.options),
            widgets.Stack(list(stack.children), selected_index=0),
        ]
    )
    unlinked.add_class("static-explorer")
    with pytest.raises(AssertionError, match="not jslinked"):
        check_explorers(_embedded_page(unlinked), "sample")


def test_an_explorer_view_is_no_wider_on_a_desktop_than_the_figures_around_it():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sourcekit.charts import SCREEN_DPI
    from sourcekit.explorer import static_explorer

    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1], [0, 1])
    with matplotlib.rc_context({"savefig.dpi": 150, "savefig.bbox": None}):
        explorer = static_explorer(
            {"a": fig}, "Show:", {"a": "A line rising from left to right, for the test."}
        )
    html = explorer.children[1].children[0].value
    assert "width:100%" in html, "a view should fill a phone's column"
    assert f"max-width:{4 * SCREEN_DPI}px" in html, (
        f"a 4 in view should be at most {4 * SCREEN_DPI} px wide, as a figure is: {html[-80:]}"
    )


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_explorer_embeds_one_view_per_option_for_use_without_a_kernel(built_site, stem):
    parsed, _ = parse_page(built_site, stem)
    check_explorers(parsed, f"{stem}.html")


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_explorer_is_shown_as_a_numbered_captioned_figure(built_site, stem):
    parsed, _ = parse_page(built_site, stem)
    around_widgets = [f for f in parsed.figures if f["widget"]]
    assert len(around_widgets) == len(parsed.widget_views), (
        f"{stem}.html: {len(parsed.widget_views)} widget view(s), "
        f"{len(around_widgets)} inside a <figure>"
    )
    for figure in around_widgets:
        assert figure["id"] and figure["caption"], (
            f"{stem}.html: an explorer's figure has no id or no caption"
        )
        assert re.match(r"\s*Fig\. \d+\.\d+", figure["caption_text"]), (
            f"{stem}.html: the explorer's caption is not numbered: {figure['caption_text'][:80]!r}"
        )


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_chapter_page_carries_its_self_check(built_site, stem):
    _, html = parse_page(built_site, stem)
    questions = json.loads(
        (PROJECT_ROOT / "chapters" / "quizzes" / f"{stem.split('/')[-1]}.json").read_text(
            encoding="utf-8"
        )
    )
    first = questions[0]["question"]
    assert json.dumps(first)[1:40] in html or first[:40] in html, (
        f"{stem}.html: the self-check's first question is not in the page"
    )


# --------------------------------------------------------------------------
# Quoted words are the documents' words.
# --------------------------------------------------------------------------

#: Double-quoted passages in the prose that are not a document's words, each with why.
NOT_QUOTATIONS = {
    "Aliyev said his forces had taken Shusha": "intro.md: an example of the attribution rule",
    "Azerbaijan took Shusha": "intro.md: the counter-example of the attribution rule",
    "great-circle": "background: the name of a distance, not a quotation",
    "nearly N": "casualty self-check: a hedge word with a placeholder number",
    "at least N": "casualty self-check: a hedge word with a placeholder number",
    "almost N": "casualty self-check: a hedge word with a placeholder number",
    "according to document 000": "self-checks: how a student should attribute, not a quotation",
    "denial": (
        "battle self-check: a reading of the statements, put in quotation marks to question it"
    ),
    "announcing": "battle self-check: a word of the question, set against 'signing'",
}

_DOUBLE_QUOTED = re.compile(r'"([^"\n]*(?:\n(?!\s*\n)[^"\n]*)*)"|“([^”]*?)”')


def _plain(text: str) -> str:
    """Curly quotes and apostrophes made straight and runs of space made one,
    for comparing words.
    """
    for curly, straight in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("\u00a0", " ")):
        text = text.replace(curly, straight)
    return " ".join(text.split())


def prose_without_code(markdown: str) -> str:
    """What a reader reads as running text: narrative_text without the captions and alt text.

    Captions and alt text describe charts in the course's words (they are
    checked for loaded words above); quotations are checked in the prose.
    """
    text = _FRONT_MATTER.sub("", markdown)
    text = _FENCE.sub(
        lambda m: (
            narrative_text(m.group(0))
            if m.group("info").strip().startswith("{")
            and not m.group("info").strip().startswith(("{code", "{literalinclude", "{raw"))
            else "\n"
        ),
        text,
    )
    return narrative_text(text)


def unverified_quotations(prose: str, documents: str) -> list:
    """Each double-quoted passage of ``prose`` not found word for word in ``documents``.

    A passage may skip words with " ... ": each part must be in the documents.
    A capital at the start (a quote opening the writer's sentence) and the
    punctuation around the quotation marks are not the document's business.
    Passages that hold a glued value are skipped: their words come from the
    data at build time, and their tests are the data's.
    """
    missing = []
    for match in _DOUBLE_QUOTED.finditer(prose):
        passage = _plain(match.group(1) if match.group(1) is not None else match.group(2))
        if "{glue" in passage or not passage.strip(" .,;:") or passage in NOT_QUOTATIONS:
            continue
        for part in re.split(r"\s*(?:\.\.\.|…)\s*", passage):
            part = part.strip(" .,;:?!")
            if not part:
                continue
            if part not in documents and (part[0].swapcase() + part[1:]) not in documents:
                missing.append(passage)
                break
    return missing


def _all_documents() -> str:
    return _plain(
        "\n".join(
            p.read_text(encoding="utf-8")
            for p in sorted((PROJECT_ROOT / "data" / "sources").glob("*.txt"))
        )
    )


def test_the_quotation_check_catches_words_rebuilt_from_columns():
    documents = _all_documents()
    assert unverified_quotations('Document 001 says "15 km".', documents) == ["15 km"]
    assert unverified_quotations('Document 001 says "15km (9 miles)".', documents) == []
    assert (
        unverified_quotations('It "forced ... to flee" and "Two days after the battle"', documents)
        == []
    )


@pytest.mark.parametrize(
    "relative_path",
    ["intro.md"]
    + sorted(
        p.relative_to(PROJECT_ROOT).as_posix() for p in (PROJECT_ROOT / "chapters").glob("*.md")
    ),
)
def test_every_quotation_in_the_prose_is_a_documents_own_words(relative_path):
    prose = prose_without_code((PROJECT_ROOT / relative_path).read_text(encoding="utf-8"))
    missing = unverified_quotations(prose, _all_documents())
    assert not missing, (
        f"{relative_path}: quoted words not found in any document (quote the document exactly, "
        "or drop the quotation marks):\n" + "\n".join(f"  {q[:100]!r}" for q in missing)
    )


@pytest.mark.parametrize(
    "path", sorted((PROJECT_ROOT / "chapters" / "quizzes").glob("*.json")), ids=lambda p: p.name
)
def test_every_quotation_in_a_self_check_is_a_documents_own_words(path):
    missing = unverified_quotations(quiz_strings(path), _all_documents())
    assert not missing, f"{path.name}: quoted words not found in any document:\n" + "\n".join(
        f"  {q[:100]!r}" for q in missing
    )


def test_head_notes_say_when_a_date_is_only_the_earliest_possible():
    from sourcekit.display import head_note

    assert "Earliest possible date" in head_note("000").index
    assert "Earliest possible date" in head_note("003").index
    assert "Date" in head_note("001").index


def test_no_head_note_rests_on_a_file_students_do_not_have():
    from sourcekit import load_source_manifest

    for row in load_source_manifest().itertuples():
        for text in (row.outlet_basis, row.date_basis, row.watch_for):
            assert "README" not in text and "seeds" not in text, (
                f"document {row.source_id}: {text!r}"
            )
