"""Build the course package as a wheel, once per build, for the downloads to carry.

A downloaded chapter runs in a folder with nothing of the repository, so it
needs the package *and* the course files the package reads (tables,
documents, quizzes, answer keys). ``pyproject.toml`` maps those folders into
the package as package data (see ``sourcekit/paths.py``); this module builds
the wheel from a scratch copy of exactly the files the build reads, so that
no ``build/`` or ``*.egg-info`` folder is left in the checkout, and with
``--no-build-isolation`` so that the pinned setuptools of ``requirements.txt``
builds it, offline.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def course_file_folders(project_root: Path) -> list[str]:
    """The folders ``pyproject.toml`` maps into the package (``data``, ``chapters/quizzes``,
    ...).
    """
    config = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))
    folders = config["tool"]["setuptools"].get("package-dir", {}).values()
    # data/sources is inside data/: keep only the outermost folders.
    return sorted(f for f in folders if not any(f != g and f.startswith(g + "/") for g in folders))


#: The packages of a checkout that are the instructor's or the build's, never a student's.
NOT_FOR_STUDENTS = ("sourcekit_book", "sourcekit_instructor")


def students_pyproject(project_root: Path) -> str:
    """``pyproject.toml`` with the instructor's and the build's packages left out of its list.

    The checkout installs all three packages; the download wheel carries only
    the students' library and its course files.
    """
    text = (project_root / "pyproject.toml").read_text(encoding="utf-8")
    kept = [
        line
        for line in text.splitlines(keepends=True)
        if not any(
            line.strip().strip('",') == name or line.strip().startswith(f'"{name}.')
            for name in NOT_FOR_STUDENTS
        )
    ]
    return "".join(kept)


def wheel_inputs(project_root: Path) -> list[Path]:
    """Every file the wheel is built from, in a fixed order."""
    files = [project_root / "pyproject.toml"]
    for folder in ["sourcekit", *course_file_folders(project_root)]:
        files += sorted(
            p
            for p in (project_root / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        )
    return files


def inputs_fingerprint(project_root: Path) -> str:
    digest = hashlib.sha256()
    for path in wheel_inputs(project_root):
        digest.update(
            path.relative_to(project_root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
        )
    return digest.hexdigest()


def build_course_wheel(project_root: Path, destination: Path) -> Path:
    """Build ``sourcekit-<version>-py3-none-any.whl`` into ``destination``; return its path.

    A wheel built before from the same files (same fingerprint) is reused, so a
    rebuild after a prose edit does not pay for pip again.
    """
    destination.mkdir(parents=True, exist_ok=True)
    fingerprint = inputs_fingerprint(project_root)
    stamp = destination / "inputs.sha256"
    previous = list(destination.glob("sourcekit-*.whl"))
    if (
        len(previous) == 1
        and stamp.is_file()
        and stamp.read_text(encoding="utf-8").strip() == fingerprint
    ):
        return previous[0]
    for old in previous:
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="sourcekit-wheel-") as scratch:
        stage = Path(scratch) / "course"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(project_root / "sourcekit", stage / "sourcekit", ignore=ignore)
        (stage / "pyproject.toml").write_text(students_pyproject(project_root), encoding="utf-8")
        for folder in course_file_folders(project_root):
            shutil.copytree(project_root / folder, stage / folder, ignore=ignore)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--disable-pip-version-check",
                "--wheel-dir",
                str(Path(scratch) / "wheel"),
                str(stage),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(
                "building the course wheel failed:\n" + (result.stdout + result.stderr)[-3000:]
            )
        (wheel,) = (Path(scratch) / "wheel").glob("sourcekit-*.whl")
        target = destination / wheel.name
        shutil.copy2(wheel, target)
    stamp.write_text(fingerprint + "\n", encoding="utf-8")
    return target


def pinned_requirements(roots: list[str]) -> list[str]:
    """``name==version`` for ``roots`` and everything they need, as installed in this environment.

    The build environment is exactly ``requirements.txt``, so these are its
    pins, cut down to what a downloaded notebook needs (no Jupyter Book, no
    test tools).
    """
    pins: dict[str, str] = {}
    walked: set[tuple[str, str]] = set()  # (distribution, extra) pairs already followed
    pending = [Requirement(root) for root in roots]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        distribution = metadata.distribution(requirement.name)
        pins[name] = f"{distribution.metadata['Name']}=={distribution.version}"
        for extra in ["", *sorted(requirement.extras)]:
            if (name, extra) in walked:
                continue
            walked.add((name, extra))
            for needed in map(Requirement, distribution.requires or []):
                if needed.marker is None or needed.marker.evaluate({"extra": extra}):
                    pending.append(needed)
    return sorted(pins.values(), key=str.lower)
