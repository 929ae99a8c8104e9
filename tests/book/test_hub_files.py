"""The repository is a repo2docker / BinderHub / JupyterHub source as it stands.

No container runtime here, so these tests check what repo2docker reads and
does, step by step: the files it looks for, what they install, and what
``postBuild`` leaves in the environment. ``make lab-check`` drives JupyterLab
in an environment built from the same requirements.txt, and
tests/test_downloads.py runs every chapter in a fresh one.
"""

import json
import os
import stat
import subprocess
import sys
import tomllib

import pytest

from sourcekit.paths import PROJECT_ROOT

CONTENTS_MANAGER = "sourcekit.lab_contents.CourseContentsManager"
REQUIREMENTS = (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()


def test_repo2docker_reads_the_top_level_files_there_is_no_binder_folder():
    # repo2docker uses binder/ or .binder/ instead of the top level when either exists.
    assert not (PROJECT_ROOT / "binder").exists() and not (PROJECT_ROOT / ".binder").exists()
    for name in ("requirements.txt", "runtime.txt", "postBuild"):
        assert (PROJECT_ROOT / name).is_file(), name


def test_runtime_txt_asks_for_the_python_the_pins_were_resolved_on():
    runtime = (PROJECT_ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}" == "python-3.11"
    requires = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]["requires-python"]
    assert requires == ">=3.11"


def test_requirements_install_jupyterlab_jupytext_and_the_course_package():
    pinned = {line.split("==")[0].lower() for line in REQUIREMENTS if "==" in line}
    assert {"jupyterlab", "jupytext", "ipywidgets", "jupyterlab_widgets", "ipykernel"} <= pinned
    # repo2docker installs a requirements.txt that refers to the repository after copying it in.
    assert "-e ." in REQUIREMENTS
    assert not [
        line
        for line in REQUIREMENTS
        if line and not line.startswith(("#", "-e")) and "==" not in line
    ]


def test_postbuild_is_executable_and_gives_lab_the_course_settings(tmp_path):
    post_build = PROJECT_ROOT / "postBuild"
    assert post_build.stat().st_mode & stat.S_IXUSR
    env = {**os.environ, "NB_PYTHON_PREFIX": str(tmp_path)}
    result = subprocess.run(
        ["bash", str(post_build)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    installed = (
        tmp_path
        / "share"
        / "jupyter"
        / "lab"
        / "settings"
        / "overrides.d"
        / "open_chapters_as_notebooks.json"
    )
    assert (
        installed.read_bytes()
        == (PROJECT_ROOT / "jupyter" / "open_chapters_as_notebooks.json").read_bytes()
    )
    # The contents manager that saves the course's files to lab_notebooks/, in the server's config.
    server_config_file = tmp_path / "etc" / "jupyter" / "jupyter_server_config.json"
    server_config = json.loads(server_config_file.read_text(encoding="utf-8"))
    assert server_config["ServerApp"]["contents_manager_class"] == CONTENTS_MANAGER


def test_postbuild_keeps_what_the_servers_config_already_says(tmp_path):
    config = tmp_path / "etc" / "jupyter" / "jupyter_server_config.json"
    config.parent.mkdir(parents=True)
    already = {"ServerApp": {"ip": "0.0.0.0"}, "LabApp": {"x": 1}}
    config.write_text(json.dumps(already), encoding="utf-8")
    env = {**os.environ, "NB_PYTHON_PREFIX": str(tmp_path)}
    post_build = str(PROJECT_ROOT / "postBuild")
    subprocess.run(["bash", post_build], env=env, check=True, capture_output=True)
    merged = json.loads(config.read_text(encoding="utf-8"))
    assert merged["ServerApp"]["ip"] == "0.0.0.0" and merged["LabApp"] == {"x": 1}
    assert merged["ServerApp"]["contents_manager_class"] == CONTENTS_MANAGER


def test_make_lab_uses_the_same_contents_manager_as_the_hub():
    ours_file = PROJECT_ROOT / "jupyter" / "course_server_config.json"
    ours = json.loads(ours_file.read_text(encoding="utf-8"))
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"LAB_CONTENTS_MANAGER := {ours['ServerApp']['contents_manager_class']}" in makefile
    assert "--ServerApp.contents_manager_class=$(LAB_CONTENTS_MANAGER)" in makefile


def test_the_lab_settings_open_myst_chapters_as_jupytext_notebooks():
    settings = json.loads(
        (PROJECT_ROOT / "jupyter" / "open_chapters_as_notebooks.json").read_text(encoding="utf-8")
    )
    viewers = settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"


def test_chapters_are_not_paired_saves_go_to_notebooks_that_git_ignores():
    # A jupytext pairing writes the chapter's .md back on every save (its own layout, not ours):
    # the contents manager saves to lab_notebooks/ instead (tests/sourcekit/test_lab_text.py).
    assert not (PROJECT_ROOT / "jupytext.toml").exists()
    assert (
        "lab_notebooks/" in (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    )


@pytest.mark.slow
def test_jupytext_server_extension_is_enabled_in_the_environment():
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", "list"],
        capture_output=True,
        text=True,
    )
    listing = result.stdout + result.stderr
    assert "jupytext" in listing and "enabled" in listing
