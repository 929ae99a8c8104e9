"""Every chapter's and exercise's .zip download runs in an empty folder, as its README says.

The promise to a student at home: unpack the .zip anywhere, follow the README's
commands for macOS/Linux in order (make a virtual environment, activate it, pip
install, open the notebook app), and the notebook runs top to bottom, reading its
tables from the course wheel inside the .zip (nothing of the repository is on the
path), its links lead to files of the download or to the published site, and the
environment is about the size the README says. The first download's README is
followed to the letter in a fresh folder (its own ``.venv``, made by the system's
``python3``); every other download's pip line is run into that same environment
(the course wheel only ever gets into it through a download's own instructions).
The ``.ipynb`` offered alone runs where the course package is, and elsewhere stops
at its first cell with a message saying what to download instead.
"""

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sourcekit.paths import PROJECT_ROOT

#: Slow (a fresh virtual environment per download set, every notebook run): `make
#: test-fast` leaves these out.
pytestmark = pytest.mark.slow

CHAPTERS = [
    "documents",
    "about_the_data",
    "background",
    "the_battle",
    "casualty_reporting",
    "international_reaction",
]
EXERCISES = [
    "background",
    "the_battle",
    "casualty_reporting",
    "international_reaction",
    "provenance",
]
DOWNLOADS = [f"chapters/{name}" for name in CHAPTERS] + [
    f"exercises/{name}_exercises" for name in EXERCISES
]

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
texts = [
    "".join(output.get("text", "")) if isinstance(output.get("text", ""), (list, str)) else ""
    for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
]
kinds = sorted({mime for cell in notebook.cells if cell.cell_type == "code" for output in \
cell.get("outputs", []) for mime in output.get("data", {})})
print(json.dumps({"error": error, "package": sourcekit.__file__, "texts": texts, "kinds": kinds}))
"""


def clean_environment(scratch: Path) -> dict:
    """The environment of a student's shell: no override pointing back into the repository."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SHUSHA_", "PYTHON", "VIRTUAL_ENV", "JUPYTER", "MPL"))
    }
    env["HOME"] = str(scratch / "home")
    (scratch / "home").mkdir(exist_ok=True)
    return env


@pytest.fixture(scope="session")
def fresh_environment(built_site, tmp_path_factory):
    """The first download unpacked in a fresh folder, its README's
    macOS/Linux commands run in order.

    Returns the folder that holds the environment (``.venv``), which the README's
    first command made and its third filled.
    """
    root = tmp_path_factory.mktemp("download-venv")
    assert PROJECT_ROOT not in root.parents
    folder = unpack(built_site, DOWNLOADS[0], root)
    follow_readme_to_the_letter(folder)
    return folder


def readme_block(folder: Path, heading: str) -> list:
    """The commands under a README heading ("macOS or Linux", "Windows"), in order."""
    lines = (folder / "README.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    block = []
    for line in lines[start + 1 :]:
        if not line.strip():
            if block:
                break
            continue
        block.append(line)
    return block


def follow_readme_to_the_letter(folder: Path) -> None:
    """Run the README's macOS/Linux commands in one shell, the app's last;
    check the app serves the notebook.
    """
    commands = readme_block(folder, "macOS or Linux")
    assert [c.split()[:3] for c in commands[:3]] == [
        ["python3", "-m", "venv"],
        ["source", ".venv/bin/activate"],
        ["pip", "install", "-r"],
    ], commands
    *setup, open_app = commands
    # pip's own output is kept short; otherwise these are the README's words.
    script = (
        "set -e\n"
        + "\n".join(
            line + (" --quiet --disable-pip-version-check" if line.startswith("pip ") else "")
            for line in setup
        )
        + "\n"
    )
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=folder,
        env=clean_environment(folder),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, f"the README's commands failed:\n{result.stderr[-3000:]}"
    assert (folder / ".venv" / "bin" / "python").is_file()
    check_app_opens(folder, open_app)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_app_opens(folder: Path, command: str) -> None:
    """Start the README's last command (the notebook app) without a browser,
    and ask it for the notebook.
    """
    port, token = free_port(), "download-test"
    notebook = shlex.split(command)[-1]
    # A student is not root; CI is, and Jupyter refuses root without being told.
    as_root = " --allow-root" if os.geteuid() == 0 else ""
    app = subprocess.Popen(
        [
            "bash",
            "-c",
            f"source .venv/bin/activate && exec {command} --no-browser --ServerApp.port={port} "
            f"--ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}{as_root}",
        ],
        cwd=folder,
        env=clean_environment(folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/contents/{notebook}?token={token}&content=0",
                    timeout=5,
                ) as answer:
                    assert answer.status == 200 and json.load(answer)["type"] == "notebook"
                break
            except OSError:
                assert app.poll() is None, f"{command!r} stopped:\n{app.stderr.read()[-3000:]}"
                assert time.monotonic() < deadline, f"{command!r} did not answer within 120 s"
                time.sleep(1)
    finally:
        app.terminate()
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


def environment_python(environment: Path) -> Path:
    return environment / ".venv" / "bin" / "python"


@pytest.fixture(scope="session")
def download_runs(built_site, fresh_environment, tmp_path_factory):
    """Each download unpacked in its own empty folder, its README followed, its notebook run.

    The READMEs are followed one after another (each installs the course wheel
    from its own folder); the notebooks then run two at a time, one kernel each,
    to keep the test's CI time down. Also runs the instructor's solutions to
    Exercise 1 beside its download (see the last test).
    """
    jobs = {
        DOWNLOADS[0]: (fresh_environment, fresh_environment / f"{Path(DOWNLOADS[0]).name}.ipynb")
    }
    followed = {(install_instructions(fresh_environment), "chapters"): DOWNLOADS[0]}
    for page in DOWNLOADS[1:]:
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
    assert len({instructions for instructions, _ in followed}) == 1, (
        "the downloads install different things"
    )
    folder = jobs["exercises/background_exercises"][0]
    solutions = folder / "solutions.ipynb"
    solutions.write_bytes(
        (PROJECT_ROOT / "exercises" / "instructor" / "background_exercises.ipynb").read_bytes()
    )
    jobs["solutions"] = (folder, solutions)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(run_notebook, folder, notebook, fresh_environment)
            for name, (folder, notebook) in jobs.items()
        }
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
    lines = tuple(
        line for line in readme_block(folder, "macOS or Linux") if line.startswith("pip install")
    )
    (wheel,) = folder.glob("*.whl")
    return lines, (folder / "requirements.txt").read_bytes(), wheel.name, wheel.read_bytes()


def follow_readme(folder: Path, environment: Path) -> None:
    """Run the README's ``pip install`` lines with the fresh environment's pip, in the folder."""
    lines = [
        line for line in readme_block(folder, "macOS or Linux") if line.startswith("pip install")
    ]
    assert lines, "the README says nothing to install"
    python = environment_python(environment)
    for line in lines:
        command = [
            str(python),
            "-m",
            "pip",
            "--disable-pip-version-check",
            "--quiet",
            *shlex.split(line)[1:],
        ]
        result = subprocess.run(
            command, cwd=folder, env=clean_environment(environment), capture_output=True, text=True
        )
        assert result.returncode == 0, f"{line!r} failed:\n{result.stderr[-3000:]}"


def run_notebook(folder: Path, notebook: Path, environment: Path) -> dict:
    python = environment_python(environment)
    result = subprocess.run(
        [str(python), "-c", RUN_NOTEBOOK, str(notebook)],
        cwd=folder,
        env=clean_environment(environment),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_each_download_pins_exactly_what_the_book_was_built_with(built_site):
    pins = {
        line.lower()
        for line in (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line
    }
    for page in DOWNLOADS:
        with zipfile.ZipFile(built_site / "_sources" / f"{page}.zip") as bundle:
            names = bundle.namelist()
            folder = names[0].split("/")[0]
            requirements = bundle.read(f"{folder}/requirements.txt").decode().splitlines()
            lab = bundle.read(f"{folder}/requirements-jupyterlab.txt").decode().splitlines()
        # The classic notebook by default; JupyterLab only from the optional file;
        # never the book's build tools.
        assert any(line.startswith("nbclassic==") for line in requirements) and not any(
            line.lower().startswith("jupyterlab==") for line in requirements
        ), page
        assert any(line.lower().startswith("jupyterlab==") for line in lab) and not [
            line for line in lab if "==" in line and line.lower() not in pins
        ], page
        assert not [
            line
            for line in requirements + lab
            if line.lower().startswith(("myst-nb==", "sphinx==", "jupyter-book=="))
        ], page
        wheel = [name for name in names if name.endswith(".whl")]
        assert len(wheel) == 1 and f"./{Path(wheel[0]).name}" in requirements, page
        third_party = [line for line in requirements if "==" in line]
        assert third_party and not [line for line in third_party if line.lower() not in pins], page
        assert (
            f"{folder}/{Path(page).name}.ipynb" in names and f"{folder}/data/sources.csv" in names
        ), page
        assert not [
            name
            for name in names
            if "instructor" in name or "/keys/" in name and not name.endswith(".whl")
        ], page


def test_every_chapter_page_links_its_zip_beside_its_notebook(built_site):
    for page in DOWNLOADS:
        html = (built_site / f"{page}.html").read_text(encoding="utf-8")
        assert f'_sources/{page}.zip"' in html, page
        assert f'_sources/{page}.ipynb"' in html, page


@pytest.mark.parametrize("page", DOWNLOADS)
def test_a_download_runs_top_to_bottom_in_an_empty_folder(download_runs, fresh_environment, page):
    report = download_runs[page]
    assert report["error"] is None, report["error"]
    assert Path(report["package"]).is_relative_to(fresh_environment), (
        f"sourcekit came from {report['package']}, not the wheel"
    )
    if page.startswith("exercises/"):
        # The unanswered student copy: every check answers, none fails for want of its key.
        assert any("not answered yet" in text for text in report["texts"])
        assert not any("no answer key" in text for text in report["texts"])
    elif page not in ("chapters/documents", "chapters/about_the_data"):
        assert any(kind.endswith("image/png") for kind in report["kinds"]), (
            "a chapter drew no chart"
        )


def test_a_downloaded_exercise_self_check_accepts_the_solutions(download_runs):
    """The keys travel inside the wheel: the instructor's solutions pass the download's check().

    The instructor copy is not in any download; the test puts it beside one to
    prove that the key the wheel carries judges answers, not only blanks.
    """
    report = download_runs["solutions"]
    assert report["error"] is None, report["error"]
    verdicts = [text for text in report["texts"] if text.startswith("Question ")]
    assert verdicts and all(": correct." in text for text in verdicts), verdicts


def unpack_all(built_site: Path, where: Path) -> dict:
    """Every download unpacked (not installed) in its own folder under ``where``: {page:
    folder}.
    """
    folders = {}
    for page in DOWNLOADS:
        target = where / page.replace("/", "__")
        target.mkdir(parents=True)
        folders[page] = unpack(built_site, page, target)
    return folders


def test_the_download_menu_names_each_choice_in_words(built_site):
    """The words are the menu items' own text (a phone shows no tooltip), and say what runs."""
    for page in DOWNLOADS:
        html = (built_site / f"{page}.html").read_text(encoding="utf-8")
        shown = re.findall(r'<span class="btn__text-container">([^<]+)</span>', html)
        assert "Notebook and data, runs anywhere (.zip)" in shown, (page, shown)
        assert "Notebook alone, needs the course package (.ipynb)" in shown, (page, shown)
        assert not [text for text in shown if text.strip() in (".ipynb", ".zip", ".md", ".pdf")], (
            page,
            shown,
        )


def test_each_readme_gives_the_python_version_the_steps_in_order_and_the_page(
    built_site, tmp_path
):
    python = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    for page, folder in unpack_all(built_site, tmp_path).items():
        readme = (folder / "README.txt").read_text(encoding="utf-8")
        notebook = f"{Path(page).name}.ipynb"
        assert python in readme, page
        assert readme_block(folder, "macOS or Linux") == [
            "python3 -m venv .venv",
            "source .venv/bin/activate",
            "pip install -r requirements.txt",
            f"jupyter nbclassic {notebook}",
        ], page
        assert readme_block(folder, "Windows") == [
            "py -m venv .venv",
            r".venv\Scripts\activate",
            "pip install -r requirements.txt",
            f"jupyter nbclassic {notebook}",
        ], page
        # A full link when the site's address (html.baseurl) is set; otherwise the README says so.
        assert (
            re.search(rf"https?://\S+/{re.escape(page)}\.html", readme)
            or "built without the site's address" in readme
        ), page
        assert re.search(r"about (\d+) MB of disk \((\d+) packages\)", readme), page


def test_the_environment_is_about_the_size_the_readme_states(fresh_environment):
    """The README's size is what a student's disk gives up; measured on the environment it made."""
    stated = re.search(
        r"about (\d+) MB of disk \((\d+) packages\)",
        (fresh_environment / "README.txt").read_text(encoding="utf-8"),
    )
    measured = sum(
        path.stat().st_size
        for path in (fresh_environment / ".venv").rglob("*")
        if path.is_file() and not path.is_symlink()
    )
    listed = subprocess.run(
        [
            str(environment_python(fresh_environment)),
            "-m",
            "pip",
            "list",
            "--format=json",
            "--disable-pip-version-check",
        ],
        capture_output=True,
        text=True,
        env=clean_environment(fresh_environment),
    )
    packages = len(json.loads(listed.stdout))
    print(
        f"\ndownload environment: {measured / 1e6:.0f} MB, {packages} packages (README: "
        f"{stated.group(1)} MB, {stated.group(2)} packages)"
    )
    assert 0.75 <= measured / 1e6 / int(stated.group(1)) <= 1.25, (measured, stated.group(0))
    assert abs(packages - int(stated.group(2))) <= 5, (packages, stated.group(0))
    names = {package["name"].lower() for package in json.loads(listed.stdout)}
    assert "nbclassic" in names and not names & {"jupyterlab", "sphinx", "myst-nb"}, (
        "JupyterLab and the book's build tools are optional"
    )


def test_links_in_a_downloaded_notebook_lead_to_its_files_or_the_published_site(
    built_site, tmp_path
):
    for page, folder in unpack_all(built_site, tmp_path).items():
        notebook = json.loads((folder / f"{Path(page).name}.ipynb").read_text(encoding="utf-8"))
        markdown = [
            "".join(cell["source"])
            for cell in notebook["cells"]
            if cell["cell_type"] == "markdown"
        ]
        anchors = {
            re.sub(r"\s+", "-", heading.strip())
            for text in markdown
            for heading in re.findall(r"^#+\s+(.+)$", text, flags=re.M)
        }
        for text in markdown:
            for target in re.findall(r"\[[^\]\n]+\]\(([^)\s]+)\)", text):
                if re.match(r"https?://", target) or target.startswith("mailto:"):
                    continue
                if target.startswith("#"):
                    assert target[1:] in anchors, (
                        f"{page}: link to {target}, no such heading in the notebook"
                    )
                    continue
                assert (folder / target.split("#")[0]).exists(), (
                    f"{page}: link to {target}, which the download does not hold"
                )


def test_the_offered_notebook_runs_where_the_course_package_is_and_explains_where_it_is_not(
    built_site, tmp_path
):
    """The .ipynb offered alone is the download's notebook:
    first a cell that finds the package or says what to get.

    Run here with a bare Python (``-I -S``: no site-packages, so no course
    package), in an empty folder: it must stop with the message, not a traceback.
    It runs where the package is: it is the notebook every download runs above.
    """
    python = shutil.which("python3")
    empty = tmp_path / "empty"
    empty.mkdir()
    folders = unpack_all(built_site, tmp_path / "downloads")
    for page in DOWNLOADS:
        offered = json.loads(
            (built_site / "_sources" / f"{page}.ipynb").read_text(encoding="utf-8")
        )
        in_zip = json.loads(
            (folders[page] / f"{Path(page).name}.ipynb").read_text(encoding="utf-8")
        )
        assert offered["cells"] == in_zip["cells"], (
            f"{page}: the .ipynb offered alone is not the download's notebook"
        )
        guard = offered["cells"][0]
        assert "course-package-check" in guard["metadata"].get("tags", []), page
        assert not [
            cell
            for cell in offered["cells"]
            if cell["cell_type"] == "code" and "from myst_nb" in "".join(cell["source"])
        ], page
        result = subprocess.run(
            [python, "-I", "-S", "-c", "".join(guard["source"])],
            cwd=empty,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0, (
            f"{page}: the first cell did not stop without the course package"
        )
        assert (
            "Notebook and data, runs anywhere (.zip)" in result.stderr
            and "sourcekit" in result.stderr
        ), result.stderr[-1000:]
