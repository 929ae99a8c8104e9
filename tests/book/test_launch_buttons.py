"""Launch buttons: off by default, and once a course sets them, right on every notebook page.

The book is built a second time with a configuration that sets a public
repository and the three hubs (as a course would in ``_config.yml``), into a
scratch folder, reading its outputs from the main build's execution cache (so
nothing is executed again).
"""

import html
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from sourcekit.paths import PROJECT_ROOT
from tests.conftest import JUPYTER_BOOK

#: Slow (a second build of the book): `make test-fast` leaves these out.
pytestmark = pytest.mark.slow

REPOSITORY = "https://github.com/example-course/shusha-sources"
HUBS = {
    "binderhub_url": "https://mybinder.org",
    "jupyterhub_url": "https://hub.example.edu",
    "colab_url": "https://colab.research.google.com",
}
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
NOTEBOOK_PAGES = [f"chapters/{c}" for c in CHAPTERS] + [
    f"exercises/{e}_exercises" for e in EXERCISES
]
BUTTON_TEXT = re.compile(r'<span class="btn__text-container">(Binder|JupyterHub|Colab)</span>')


def build_with(config_changes: dict, output: Path) -> subprocess.CompletedProcess:
    config = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))
    for key, value in config_changes.items():
        if key == "sphinx_config":
            config["sphinx"]["config"].update(value)
        else:
            config.setdefault(key, {}).update(value)
    config_file = output / "_config.yml"
    output.mkdir(parents=True, exist_ok=True)
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    return subprocess.run(
        [
            str(JUPYTER_BOOK),
            "build",
            str(PROJECT_ROOT),
            "--config",
            str(config_file),
            "--path-output",
            str(output),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )


def launch_links(page_html: str) -> dict:
    """The theme's launch buttons on a page: {"Binder": url, ...}, read link by link."""
    links = {}
    for chunk in page_html.split('<a href="')[1:]:
        url, _, rest = chunk.partition('"')
        name = BUTTON_TEXT.search(rest.split("</a>", 1)[0])
        if name:
            links[name.group(1)] = html.unescape(url)
    return links


def test_the_launch_buttons_are_off_by_default():
    config = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert set(HUBS) <= set(config["launch_buttons"]) and not any(
        config["launch_buttons"][key] for key in HUBS
    )
    assert not config["repository"]["url"]


def test_the_published_pages_have_no_launch_button(built_site):
    assert not launch_links(
        (built_site / "chapters" / "background.html").read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def site_with_launch_buttons(built_site, tmp_path_factory):
    output = tmp_path_factory.mktemp("launch-build")
    cache = {"nb_execution_cache_path": str(built_site.parent / ".jupyter_cache")}
    result = build_with(
        {
            "repository": {"url": REPOSITORY, "branch": "main"},
            "launch_buttons": HUBS,
            "sphinx_config": cache,
        },
        output,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return output / "_build" / "html"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_setting_the_hubs_puts_launch_buttons_on_every_notebook_page_pointing_at_its_file(
    site_with_launch_buttons, page
):
    links = launch_links((site_with_launch_buttons / f"{page}.html").read_text(encoding="utf-8"))
    source = next(
        path for path in (f"{page}.md", f"{page}.ipynb") if (PROJECT_ROOT / path).is_file()
    )
    repository_name = REPOSITORY.rsplit("/", 1)[1]

    binder = urlparse(links["Binder"])
    assert f"{binder.scheme}://{binder.netloc}" == HUBS["binderhub_url"]
    assert binder.path == "/v2/gh/example-course/shusha-sources/main"
    assert parse_qs(binder.query)["urlpath"] == [f"lab/tree/{source}"]

    # nbgitpuller: the hub copies the repository into the student's home, then opens the file.
    hub = urlparse(links["JupyterHub"])
    assert (
        f"{hub.scheme}://{hub.netloc}{hub.path}"
        == f"{HUBS['jupyterhub_url']}/hub/user-redirect/git-pull"
    )
    query = parse_qs(hub.query)
    assert query["repo"] == [REPOSITORY] and query["branch"] == ["main"]
    assert query["urlpath"] == [f"lab/tree/{repository_name}/{source}"]

    if source.endswith(".ipynb"):
        assert (
            links["Colab"]
            == f"{HUBS['colab_url']}/github/example-course/shusha-sources/blob/main/{source}"
        )
    else:
        # Colab opens only .ipynb files from a repository; a chapter goes to Colab as its .zip.
        assert "Colab" not in links


def test_the_launch_build_still_offers_the_executed_notebook_with_its_outputs(
    site_with_launch_buttons,
):
    """The theme's launch code copies an output-less notebook over the download;
    it is written again.
    """
    import json

    page = (site_with_launch_buttons / "chapters" / "background.html").read_text(encoding="utf-8")
    assert (
        "_sources/chapters/background.ipynb" in page and "_sources/chapters/background.zip" in page
    )
    notebook = json.loads(
        (site_with_launch_buttons / "_sources" / "chapters" / "background.ipynb").read_text(
            encoding="utf-8"
        )
    )
    assert any(cell.get("outputs") for cell in notebook["cells"] if cell["cell_type"] == "code")


def test_a_hub_without_a_repository_stops_the_build_saying_what_to_set(tmp_path):
    result = build_with(
        {
            "launch_buttons": {"binderhub_url": "https://mybinder.org"},
            "execute": {"execute_notebooks": "off"},
        },
        tmp_path,
    )
    assert result.returncode != 0
    assert "set repository.url" in result.stdout + result.stderr
