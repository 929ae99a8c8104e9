"""Shared fixtures: a scratch copy of data/ that a test may break on purpose."""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sourcekit.paths import PROJECT_ROOT


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ that the loaders read instead of the real one."""
    copy = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", copy)
    monkeypatch.setenv("SHUSHA_COURSE_DATA", str(copy))
    return copy


@pytest.fixture(autouse=True)
def close_figures():
    """Close every matplotlib figure a test opened, so figures do not pile up across tests."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def read_csv_rows(file: str) -> list:
    """A table in data/ read with the csv module alone, so tests do not grade
    the package with itself.
    """
    with (PROJECT_ROOT / "data" / file).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rewrite_line(path: Path, line_number: int, transform):
    """Apply ``transform`` to one line of a CSV (1-based, header is line 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().split("\n")
    lines[line_number - 1] = transform(lines[line_number - 1])
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(lines))


JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


@pytest.fixture(scope="session")
def built_site():
    """Build the book once per test session; return the HTML folder.

    SHUSHA_BUILD_OUTPUT, if set, is a folder to build into instead of the
    project's own _build (so that two people testing at once do not collide).
    """
    output = Path(os.environ.get("SHUSHA_BUILD_OUTPUT", PROJECT_ROOT))
    result = subprocess.run(
        [
            str(JUPYTER_BOOK),
            "build",
            str(PROJECT_ROOT),
            "-W",
            "-n",
            "--keep-going",
            "--path-output",
            str(output),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    if result.returncode != 0:
        # Show the warnings, not the CLI's own traceback.
        lines = [
            line
            for line in (result.stdout + result.stderr).splitlines()
            if "WARNING" in line or "ERROR" in line
        ]
        pytest.fail(
            "book build failed:\n"
            + "\n".join(lines[-40:] or (result.stdout + result.stderr).splitlines()[-40:])
        )
    return output / "_build" / "html"


#: Fixtures whose users are slow by nature: the book build (about a minute, more on a cold cache).
SLOW_FIXTURES = {"built_site"}


def pytest_collection_modifyitems(items):
    """Mark the slow tests the marker cannot reach by hand, and run the built-site tests last.

    Tests that use the book-build fixture and the nbval items (each exercise notebook run on a
    fresh kernel) are slow by what they are; every other slow test carries ``@pytest.mark.slow``
    in its own file. ``make test-fast`` deselects them all.
    """
    for item in items:
        if (
            SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
            or item.nodeid.endswith(".ipynb")
            or "ipynb::" in item.nodeid
        ):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: "built_site" in getattr(item, "fixturenames", ()))


def require_sandbox():
    """Skip (with the reason) a test that grades in the sandbox where it cannot start; fail in CI.

    The sandbox switches each submission to an unprivileged user id of its own, which needs root,
    and it needs bubblewrap. A developer's `make test` as a normal user skips these tests and says
    why; CI (which runs as root) must run them, so there a missing sandbox is a failure.
    """
    from sourcekit_instructor.grade.sandbox import SandboxUnavailable, check_available

    try:
        check_available()
    except SandboxUnavailable as why:
        if os.environ.get("CI"):
            pytest.fail(
                f"CI must run the sandboxed grading tests, but the sandbox is unavailable: {why}"
            )
        pytest.skip(
            f"grading sandbox unavailable here ({why}); these tests run as root, as CI does"
        )
