"""No published page gives the answers away: the students' site and tree carry no instructor text.

The instructor-only texts are collected from the masters themselves, so a new question or a
rewritten rubric is covered without editing this test: every written question's solution cells
(its rubric and model answer), and every auto-graded question's ``needs_move`` note (which states
or narrows its answer) and ``correct`` feedback (which explains it). Each text is cut into
windows of consecutive words; a window that also appears in a page students are meant to read
(the chapters, the documents, the student copies of the exercises) is not evidence of a leak and
is set aside. Then every file of the built students' site is read (its pages, its ``_sources``,
its search index, every download, and every file inside each ``.zip`` and the wheel inside it),
and so is every file of the students' tree, and no window may appear in any of them.

The scan is proved able to fail on the instructor edition, which must contain every rubric, model
answer and answer note (the correct-answer feedback is in the keys, unlocked by the right
answer): if a guide page were put back in the students' ``_toc.yml``, the same scan finds its
text in the students' site.
"""

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sourcekit.paths import PROJECT_ROOT
from sourcekit_instructor import master_paths
from sourcekit_instructor.masters import _raw_config, read_master
from sourcekit_instructor.student_tree import write_tree

#: Consecutive words a leak must share with an instructor-only text to count.
WINDOW = 8
TEXT_SUFFIXES = {
    ".html",
    ".js",
    ".json",
    ".txt",
    ".md",
    ".ipynb",
    ".py",
    ".csv",
    ".yml",
    ".toml",
    ".cfg",
    "",
}


def words(text: str) -> list:
    """Lower-case words, no markup, punctuation or HTML entities: rendered and source match."""
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return re.findall(r"[a-z0-9]+", text.lower())


def windows(text: str) -> set:
    found = words(text)
    return {" ".join(found[i : i + WINDOW]) for i in range(max(0, len(found) - WINDOW + 1))}


def instructor_texts() -> dict:
    """{label: text} of every rubric, model answer, needs_move note and correct feedback."""
    texts = {}
    for path in master_paths():
        master = read_master(path)
        for question in master.auto:
            for field in ("needs_move", "correct"):
                if question.get(field):
                    texts[f"{path.stem} {question['name']} {field}"] = str(question[field])
        inside, question = False, None
        for cell in master.notebook.cells:
            config = _raw_config(cell, "BEGIN QUESTION")
            if config is not None:
                question = config
                continue
            if cell.cell_type == "raw" and re.match(r"#\s+BEGIN SOLUTION", cell.source):
                inside = True
            elif cell.cell_type == "raw" and re.match(r"#\s+END SOLUTION", cell.source):
                inside = False
            elif inside and cell.cell_type == "markdown" and question and question.get("manual"):
                texts[f"{path.stem} {question['name']} rubric and model answer"] = (
                    texts.get(f"{path.stem} {question['name']} rubric and model answer", "")
                    + "\n"
                    + cell.source
                )
    return texts


def public_windows() -> set:
    """Windows of the pages students are meant to read: an instructor text may quote them."""
    found = set()
    # The chapters with their self-check quizzes, the documents, the students' library (its
    # docstrings are on no page, but a download carries them): a chapter may teach what an exercise
    # then practises, and whether it says too much is a question about that chapter, not about
    # publishing.
    for path in [
        *(PROJECT_ROOT / "chapters").rglob("*.md"),
        *(PROJECT_ROOT / "chapters" / "quizzes").glob("*.json"),
        *(PROJECT_ROOT / "data" / "sources").glob("*.txt"),
        *(PROJECT_ROOT / "sourcekit").rglob("*.py"),
        PROJECT_ROOT / "intro.md",
    ]:
        found |= windows(path.read_text(encoding="utf-8"))
    for path in (PROJECT_ROOT / "exercises").glob("*_exercises.ipynb"):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        found |= windows(
            " ".join(
                "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                for c in notebook["cells"]
            )
        )
    for path in (PROJECT_ROOT / "data").glob("*.csv"):
        found |= windows(path.read_text(encoding="utf-8"))
    # What check() says in clear to any wrong answer (the key's "otherwise", a hint on method) is
    # written for students; everything else a key says is unlocked only by an answer.
    for path in (PROJECT_ROOT / "exercises" / "keys").glob("*.json"):
        for question in json.loads(path.read_text(encoding="utf-8"))["questions"]:
            found |= windows(str(question.get("otherwise", "")))
    return found


@pytest.fixture(scope="module")
def secrets() -> dict:
    """{label: windows of that text not found in any student page}; texts with none are dropped."""
    public = public_windows()
    kept = {label: windows(text) - public for label, text in instructor_texts().items()}
    assert kept, "no instructor-only text found in the masters: the collection is broken"
    assert any("rubric and model answer" in label for label in kept) and any(
        "needs_move" in label for label in kept
    )
    return {label: found for label, found in kept.items() if found}


def file_texts(path: Path, name: str = ""):
    """(name, text) of a file, and of every member of a zip (or wheel) inside it, recursively."""
    name = name or str(path)
    data = path.read_bytes() if isinstance(path, Path) else path
    yield from _texts_of(name, data)


def _texts_of(name: str, data: bytes):
    if name.endswith((".zip", ".whl")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield from _texts_of(f"{name}!{member}", archive.read(member))
    elif Path(name).suffix in TEXT_SUFFIXES:
        yield name, data.decode("utf-8", "replace")


def leaks(folder: Path, secrets: dict) -> list:
    """(file, label) of every instructor-only text found in a file under ``folder``."""
    index = {window: label for label, found in secrets.items() for window in found}
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for name, text in file_texts(path):
            for window in windows(text) & index.keys():
                found.append((name, index[window]))
    return sorted(set(found))


def test_the_students_toc_and_config_leave_the_instructor_pages_out():
    import yaml

    toc = yaml.safe_load((PROJECT_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    stack = list(toc["parts"])
    while stack:
        entry = stack.pop()
        pages += [entry["file"]] if "file" in entry else []
        stack += entry.get("chapters", []) + entry.get("sections", [])
    assert pages and not [p for p in pages if p.startswith(("exercises/guides", "instructors"))], (
        pages
    )
    config = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert {"exercises/guides", "instructors", "exercises/source", "exercises/instructor"} <= set(
        config["exclude_patterns"]
    )


def test_the_built_students_site_search_index_and_downloads_carry_no_instructor_text(
    built_site, secrets
):
    index = (built_site / "searchindex.js").read_text(encoding="utf-8")
    assert "exercises/guides" not in index and "instructors/" not in index
    assert not list(built_site.rglob("guides")) and not (built_site / "instructors").exists()
    found = leaks(built_site, secrets)
    assert not found, "instructor-only text in the published site:\n" + "\n".join(
        f"  {f}: {label}" for f, label in found[:30]
    )


def test_the_students_tree_carries_no_master_instructor_copy_guide_or_instructor_text(
    tmp_path, secrets
):
    tree = tmp_path / "student-tree"
    write_tree(tree)
    names = {p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file()}
    assert not [
        n
        for n in names
        if n.startswith(
            (
                "exercises/source",
                "exercises/instructor",
                "exercises/guides",
                "instructors",
                "sourcekit_instructor",
                "sourcekit_book",
            )
        )
    ]
    assert {
        "requirements.txt",
        "postBuild",
        "runtime.txt",
        "pyproject.toml",
        "exercises/provenance_exercises.ipynb",
        "exercises/keys/provenance.json",
        "chapters/background.md",
    } <= names
    import tomllib

    packages = tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]
    assert "sourcekit" in packages and not [
        p for p in packages if p.startswith(("sourcekit_instructor", "sourcekit_book"))
    ]
    found = leaks(tree, secrets)
    assert not found, "instructor-only text in the students' tree:\n" + "\n".join(
        f"  {f}: {label}" for f, label in found[:30]
    )


@pytest.mark.slow
def test_the_scan_finds_every_instructor_text_in_the_instructor_edition(tmp_path, secrets):
    """The proof that the scan can fail: the instructor edition holds every text it looks for."""
    out = tmp_path / "instructor"
    subprocess.run(
        [sys.executable, "-m", "sourcekit_book.editions", str(out)], check=True, cwd=PROJECT_ROOT
    )
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run(
        [
            str(jupyter_book),
            "build",
            str(PROJECT_ROOT),
            "-W",
            "-n",
            "--keep-going",
            "--config",
            str(out / "_config.yml"),
            "--toc",
            str(out / "_toc.yml"),
            "--path-output",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, "\n".join((done.stdout + done.stderr).splitlines()[-30:])
    html = out / "_build" / "html"
    assert (html / "instructors" / "index.html").is_file() and (
        html / "exercises" / "guides" / "provenance.html"
    ).is_file()
    found = {label for _, label in leaks(html, secrets)}
    # Every rubric, model answer and answer note; the correct feedback is the key's, for check().
    missing = sorted(label for label in set(secrets) - found if not label.endswith(" correct"))
    assert not missing, (
        f"the scan did not find these instructor texts in the instructor edition: {missing}"
    )
