"""The repository is a repo2docker / BinderHub / JupyterHub source as it stands.

No container runtime here, so these tests check what repo2docker reads and
does, step by step: the files it looks for, what they install, and what
``postBuild`` leaves in the environment. ``make lab-check`` drives JupyterLab
in an environment built from the same requirements.txt, and
tests/test_downloads.py runs every chapter in a fresh one.
"""

import os
import stat
import subprocess
import sys
import tomllib

import pytest

from sourcekit.paths import PROJECT_ROOT

REQUIREMENTS = (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()


def test_repo2docker_reads_the_top_level_files_there_is_no_binder_folder():
    # repo2docker uses binder/ or .binder/ instead of the top level when either exists.
    assert not (PROJECT_ROOT / "binder").exists() and not (PROJECT_ROOT / ".binder").exists()
    for name in ("requirements.txt", "runtime.txt", "postBuild"):
        assert (PROJECT_ROOT / name).is_file(), name


def test_runtime_txt_asks_for_the_python_the_pins_were_resolved_on():
    runtime = (PROJECT_ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}" == "python-3.11"
    requires = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert requires == ">=3.11"


def test_requirements_install_jupyterlab_jupytext_and_the_course_package():
    pinned = {line.split("==")[0].lower() for line in REQUIREMENTS if "==" in line}
    assert {"jupyterlab", "jupytext", "ipywidgets", "jupyterlab_widgets", "ipykernel"} <= pinned
    # repo2docker installs a requirements.txt that refers to the repository after copying it in.
    assert "-e ." in REQUIREMENTS
    assert not [line for line in REQUIREMENTS if line and not line.startswith(("#", "-e")) and "==" not in line]


def test_postbuild_is_executable_and_gives_lab_the_course_settings(tmp_path):
    post_build = PROJECT_ROOT / "postBuild"
    assert post_build.stat().st_mode & stat.S_IXUSR
    env = {**os.environ, "NB_PYTHON_PREFIX": str(tmp_path)}
    result = subprocess.run(["bash", str(post_build)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    installed = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "open_chapters_as_notebooks.json"
    assert installed.read_bytes() == (PROJECT_ROOT / "jupyter" / "open_chapters_as_notebooks.json").read_bytes()


def test_the_lab_settings_open_myst_chapters_as_jupytext_notebooks():
    import json

    settings = json.loads((PROJECT_ROOT / "jupyter" / "open_chapters_as_notebooks.json").read_text(encoding="utf-8"))
    viewers = settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"


def test_jupytext_pairs_chapters_with_notebooks_that_git_ignores():
    config = tomllib.loads((PROJECT_ROOT / "jupytext.toml").read_text(encoding="utf-8"))
    assert config["formats"] == {"chapters/": "md:myst", "lab_notebooks/": "ipynb"}
    assert "lab_notebooks/" in (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


@pytest.mark.slow
def test_jupytext_server_extension_is_enabled_in_the_environment():
    result = subprocess.run([sys.executable, "-m", "jupyter", "server", "extension", "list"], capture_output=True, text=True)
    listing = result.stdout + result.stderr
    assert "jupytext" in listing and "enabled" in listing
