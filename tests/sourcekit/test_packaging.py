"""The course package installs with its data: what pyproject.toml lists is what there is.

The wheel a download carries is built from these settings (sourcekit_book/
course_wheel.py); tests/test_downloads.py installs and runs it. These checks are
the fast ones: the package list is complete, the mapped folders exist, and an
installed copy reads its own packaged files, not a checkout's.
"""

import shutil
import subprocess
import sys
import tomllib

import pytest

from sourcekit.paths import PROJECT_ROOT

SETUPTOOLS = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]


def test_every_subpackage_of_sourcekit_is_listed_for_the_wheel():
    code_packages = {
        ".".join(init.parent.relative_to(PROJECT_ROOT).parts)
        for init in (PROJECT_ROOT / "sourcekit").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert code_packages <= set(SETUPTOOLS["packages"])


def test_every_packaged_course_folder_exists_and_has_its_files():
    for package, folder in SETUPTOOLS["package-dir"].items():
        assert package in SETUPTOOLS["packages"], package
        patterns = SETUPTOOLS["package-data"][package]
        assert any(next((PROJECT_ROOT / folder).glob(pattern), None) for pattern in patterns), (
            folder
        )


@pytest.mark.slow
def test_an_installed_copy_reads_its_packaged_files_and_the_override_still_wins(tmp_path):
    site = tmp_path / "site-packages"
    shutil.copytree(
        PROJECT_ROOT / "sourcekit",
        site / "sourcekit",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for package, folder in SETUPTOOLS["package-dir"].items():
        target = site.joinpath(*package.split("."))
        if not target.exists():
            shutil.copytree(PROJECT_ROOT / folder, target)
    probe = (
        "from sourcekit.paths import PROJECT_ROOT, data_dir; "
        "print(PROJECT_ROOT); print(data_dir())"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    lines = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert lines == [
        str(site / "sourcekit" / "_course"),
        str(site / "sourcekit" / "_course" / "data"),
    ]
    env["SHUSHA_COURSE_DATA"] = str(tmp_path / "elsewhere")
    lines = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert lines[1] == str(tmp_path / "elsewhere")


def test_the_checkout_reads_the_top_level_folders():
    assert (PROJECT_ROOT / "data" / "sources.csv").is_file()
    assert not (PROJECT_ROOT / "sourcekit" / "_course").exists()


@pytest.mark.slow
def test_the_course_wheel_is_built_once_and_reused_while_its_files_are_unchanged(tmp_path):
    import zipfile

    from sourcekit_book.course_wheel import build_course_wheel

    wheel = build_course_wheel(PROJECT_ROOT, tmp_path)
    built_at = wheel.stat().st_mtime_ns
    assert (
        build_course_wheel(PROJECT_ROOT, tmp_path) == wheel
        and wheel.stat().st_mtime_ns == built_at
    )
    names = zipfile.ZipFile(wheel).namelist()
    assert (
        "sourcekit/_course/data/sources.csv" in names
        and "sourcekit/_course/exercises/keys/background.json" in names
    )
    assert not [name for name in names if "instructor" in name or name.endswith(".ipynb")]
    # The students' library only: neither the grader nor the build machinery goes home with them.
    packages = {name.split("/")[0] for name in names if name.endswith(".py")}
    assert packages == {"sourcekit"}, packages
    (tmp_path / "inputs.sha256").write_text("a different set of files\n", encoding="utf-8")
    assert build_course_wheel(PROJECT_ROOT, tmp_path).stat().st_mtime_ns != built_at
