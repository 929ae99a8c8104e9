"""The students' tree: what a hub copies into every student's home, nothing of the instructor's.

``make student-tree`` (``python -m sourcekit_instructor.student_tree OUT``)
writes a folder an nbgitpuller link or a hub's image can point at: the
chapters, the tables and documents, the student copies of the exercises with
the keys their ``check()`` reads (salted digests, as every download's wheel
carries), the course package ``sourcekit``, and the files a hub builds from.
It is an allow-list: a file is in the tree only if a rule below names it, so a
new instructor file never leaks by default. Never in it: the masters
(``exercises/source/``), the instructor copies (``exercises/instructor/``),
the instructor guides (``exercises/guides/``), the instructor edition
(``instructors/``), the grader and the build's packages.
"""

import shutil
import sys
from pathlib import Path

from sourcekit_book.course_wheel import students_pyproject

from . import PROJECT_ROOT

#: (folder, glob) pairs copied with their layout; folders are searched recursively with rglob.
INCLUDED = (
    ("chapters", "*.md"),
    ("chapters/quizzes", "*.json"),
    ("data", "*.csv"),
    ("data", "*.txt"),
    ("data", "*.md"),
    ("exercises", "*_exercises.ipynb"),
    ("exercises/keys", "*.json"),
    ("sourcekit", "*.py"),
    ("jupyter", "*"),
)
#: Single files at the top of the repository.
TOP_FILES = (
    "intro.md",
    "jupytext.toml",
    "requirements.txt",
    "runtime.txt",
    "postBuild",
    "LICENSE",
    "LICENSE-content.txt",
    "CITATION.cff",
)
#: Folders whose files are never copied, whatever the rules above say.
NEVER = (
    "exercises/source",
    "exercises/instructor",
    "exercises/guides",
    "instructors",
    "sourcekit_instructor",
    "sourcekit_book",
    "tests",
    "_build",
    ".venv",
)

README = """# {title}: the students' copy

This folder is what a course hub gives each student: the chapters (`chapters/`, MyST Markdown
that JupyterLab opens as notebooks), the five documents and the tables (`data/`), and the
exercise notebooks (`exercises/`). Open a chapter or an exercise and run it; each exercise's
`check()` cells tell you whether an answer is right.

Made by `make student-tree` from the course repository; changes made here are overwritten by the
next update, but your own work in your hub's copy is kept by nbgitpuller.
"""


def student_files(project_root: Path = PROJECT_ROOT) -> list:
    """Every file of the repository the students' tree holds, relative to the repository."""
    chosen = set()
    for folder, pattern in INCLUDED:
        base = project_root / folder
        found = (
            base.rglob(pattern)
            if folder in ("data", "jupyter", "sourcekit")
            else base.glob(pattern)
        )
        chosen |= {
            p.relative_to(project_root)
            for p in found
            if p.is_file() and "__pycache__" not in p.parts
        }
    chosen |= {Path(name) for name in TOP_FILES if (project_root / name).is_file()}
    return sorted(
        p
        for p in chosen
        if not any(p.as_posix() == n or p.as_posix().startswith(n + "/") for n in NEVER)
    )


def write_tree(out: Path, project_root: Path = PROJECT_ROOT) -> list:
    """Write the students' tree into ``out`` (emptied first); return the files written."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    files = student_files(project_root)
    for relative in files:
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(project_root / relative, out / relative)
    # The package list without the instructor's and the build's packages, which are not here.
    (out / "pyproject.toml").write_text(students_pyproject(project_root), encoding="utf-8")
    import yaml

    title = yaml.safe_load((project_root / "_config.yml").read_text(encoding="utf-8")).get(
        "title", "The course"
    )
    (out / "README.md").write_text(README.format(title=title), encoding="utf-8")
    return files + [Path("pyproject.toml"), Path("README.md")]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m sourcekit_instructor.student_tree OUT_FOLDER", file=sys.stderr)
        return 2
    files = write_tree(Path(argv[0]))
    print(
        f"Wrote the students' tree ({len(files)} files) to {argv[0]}: "
        "no master, instructor copy, guide or grader."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
