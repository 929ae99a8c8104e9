"""Every chapter's and exercise's .zip download runs in an empty folder, as its README says.

The promise to a student at home: unpack the .zip anywhere, run the README's
``pip install`` line in a fresh virtual environment, and the notebook runs top to
bottom, reading its tables from the course wheel inside the .zip (nothing of the
repository is on the path). One fresh environment serves every download, but the
course wheel only ever gets into it through a download's own instructions, and
each download's instructions are run before its notebook.
"""

import json
import os
import shlex
import subprocess
import venv
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sourcekit.paths import PROJECT_ROOT

CHAPTERS = ["documents", "about_the_data", "background", "the_battle", "casualty_reporting", "international_reaction"]
EXERCISES = ["background", "the_battle", "casualty_reporting", "international_reaction", "provenance"]
DOWNLOADS = [f"chapters/{name}" for name in CHAPTERS] + [f"exercises/{name}_exercises" for name in EXERCISES]

#: Run inside the fresh environment: execute one notebook, report errors as one JSON line.
RUN_NOTEBOOK = """
import json, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
for cell in notebook.cells:
    if cell.cell_type == "code":
        cell.outputs = []
try:
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    error = None
except CellExecutionError as exc:
    error = str(exc)[-2000:]
import sourcekit

#: Slow (a fresh virtual environment per download set, every notebook run): `make test-fast` leaves these out.
pytestmark = pytest.mark.slow
texts = [
    "".join(output.get("text", "")) if isinstance(output.get("text", ""), (list, str)) else ""
    for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
]
kinds = sorted({mime for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", []) for mime in output.get("data", {})})
print(json.dumps({"error": error, "package": sourcekit.__file__, "texts": texts, "kinds": kinds}))
"""


def clean_environment(scratch: Path) -> dict:
    """The environment of a student's shell: no override pointing back into the repository."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SHUSHA_", "PYTHON", "VIRTUAL_ENV", "JUPYTER", "MPL"))}
    env["HOME"] = str(scratch / "home")
    (scratch / "home").mkdir(exist_ok=True)
    return env


@pytest.fixture(scope="session")
def fresh_environment(tmp_path_factory):
    """A new virtual environment outside the repository, with nothing installed yet."""
    root = tmp_path_factory.mktemp("download-venv")
    assert PROJECT_ROOT not in root.parents
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    return root


@pytest.fixture(scope="session")
def download_runs(built_site, fresh_environment, tmp_path_factory):
    """Each download unpacked in its own empty folder, its README followed, its notebook run.

    The READMEs are followed one after another (each installs the course wheel
    from its own folder); the notebooks then run two at a time, one kernel each,
    to keep the test's CI time down. Also runs the instructor's solutions to
    Exercise 1 beside its download (see the last test).
    """
    jobs = {}
    followed = {}  # (README's pip lines, requirements.txt, wheel bytes) -> the download that ran them
    for page in DOWNLOADS:
        folder = unpack(built_site, page, tmp_path_factory.mktemp("download"))
        instructions = install_instructions(folder)
        # pip on an environment that already holds exactly these pins and this wheel changes
        # nothing, so a download whose instructions and wheel are byte-identical to one already
        # followed is not followed again (a chapter and an exercise are always followed).
        kind = page.split("/")[0]
        if (instructions, kind) not in followed:
            follow_readme(folder, fresh_environment)
            followed[(instructions, kind)] = page
        jobs[page] = (folder, folder / f"{Path(page).name}.ipynb")
    assert len({instructions for instructions, _ in followed}) == 1, "the downloads install different things"
    folder = jobs["exercises/background_exercises"][0]
    solutions = folder / "solutions.ipynb"
    solutions.write_bytes((PROJECT_ROOT / "exercises" / "instructor" / "background_exercises.ipynb").read_bytes())
    jobs["solutions"] = (folder, solutions)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run_notebook, folder, notebook, fresh_environment) for name, (folder, notebook) in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def unpack(built_site: Path, page: str, where: Path) -> Path:
    download = built_site / "_sources" / f"{page}.zip"
    assert download.is_file(), f"{page} offers no .zip download"
    with zipfile.ZipFile(download) as bundle:
        bundle.extractall(where)
    (folder,) = where.iterdir()
    return folder


def install_instructions(folder: Path) -> tuple:
    """What a download's README has pip install: its lines, its requirements.txt and its wheel."""
    lines = tuple(line for line in (folder / "README.txt").read_text(encoding="utf-8").splitlines() if line.startswith("pip install"))
    (wheel,) = folder.glob("*.whl")
    return lines, (folder / "requirements.txt").read_bytes(), wheel.name, wheel.read_bytes()


def follow_readme(folder: Path, environment: Path) -> None:
    """Run the README's ``pip install`` lines with the fresh environment's pip, in the folder."""
    lines = [line for line in (folder / "README.txt").read_text(encoding="utf-8").splitlines() if line.startswith("pip install")]
    assert lines, "the README says nothing to install"
    python = environment / "venv" / "bin" / "python"
    for line in lines:
        command = [str(python), "-m", "pip", "--disable-pip-version-check", "--quiet", *shlex.split(line)[1:]]
        result = subprocess.run(command, cwd=folder, env=clean_environment(environment), capture_output=True, text=True)
        assert result.returncode == 0, f"{line!r} failed:\n{result.stderr[-3000:]}"


def run_notebook(folder: Path, notebook: Path, environment: Path) -> dict:
    python = environment / "venv" / "bin" / "python"
    result = subprocess.run(
        [str(python), "-c", RUN_NOTEBOOK, str(notebook)],
        cwd=folder, env=clean_environment(environment), capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_each_download_pins_exactly_what_the_book_was_built_with(built_site):
    pins = {line.lower() for line in (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines() if "==" in line}
    for page in DOWNLOADS:
        with zipfile.ZipFile(built_site / "_sources" / f"{page}.zip") as bundle:
            names = bundle.namelist()
            folder = names[0].split("/")[0]
            requirements = bundle.read(f"{folder}/requirements.txt").decode().splitlines()
        wheel = [name for name in names if name.endswith(".whl")]
        assert len(wheel) == 1 and f"./{Path(wheel[0]).name}" in requirements, page
        third_party = [line for line in requirements if "==" in line]
        assert third_party and not [line for line in third_party if line.lower() not in pins], page
        assert f"{folder}/{Path(page).name}.ipynb" in names and f"{folder}/data/sources.csv" in names, page
        assert not [name for name in names if "instructor" in name or "/keys/" in name and not name.endswith(".whl")], page


def test_every_chapter_page_links_its_zip_beside_its_notebook(built_site):
    for page in DOWNLOADS:
        html = (built_site / f"{page}.html").read_text(encoding="utf-8")
        assert f'_sources/{page}.zip"' in html, page
        assert f'_sources/{page}.ipynb"' in html, page


@pytest.mark.parametrize("page", DOWNLOADS)
def test_a_download_runs_top_to_bottom_in_an_empty_folder(download_runs, fresh_environment, page):
    report = download_runs[page]
    assert report["error"] is None, report["error"]
    assert Path(report["package"]).is_relative_to(fresh_environment), f"sourcekit came from {report['package']}, not the wheel"
    if page.startswith("exercises/"):
        # The unanswered student copy: every check answers, none fails for want of its key.
        assert any("not answered yet" in text for text in report["texts"])
        assert not any("no answer key" in text for text in report["texts"])
    elif page not in ("chapters/documents", "chapters/about_the_data"):
        assert any(kind.endswith("image/png") for kind in report["kinds"]), "a chapter drew no chart"


def test_a_downloaded_exercise_self_check_accepts_the_solutions(download_runs):
    """The keys travel inside the wheel: the instructor's solutions pass the download's check().

    The instructor copy is not in any download; the test puts it beside one to
    prove that the key the wheel carries judges answers, not only blanks.
    """
    report = download_runs["solutions"]
    assert report["error"] is None, report["error"]
    verdicts = [text for text in report["texts"] if text.startswith("Question ")]
    assert verdicts and all(": correct." in text for text in verdicts), verdicts
