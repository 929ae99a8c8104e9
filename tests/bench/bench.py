"""Benchmark the book's build against its floor, and weigh its pages (``make bench``).

A benchmark, not a test: it prints a Markdown table for docs/performance.md and exits 0
unless a step *fails*; targets that are missed are marked in the table.

Everything runs on a scratch copy of the project in a temporary folder, so the
real chapters are never edited and no build collides with anyone else's:

* floor: a Sphinx-only build with execution off, plus each notebook's own
  execution time (``jupyter execute``, one at a time); the floor estimate is
  Sphinx-only + sum(execution) / number of cores;
* clean build (no execution cache), with notebooks executed in parallel by
  ``sourcekit_book.parallel_execution`` and, for comparison, one after another;
* no-op rebuild; rebuild after a prose edit (must execute nothing); rebuild
  after a code-cell edit (must execute that one notebook);
* ``make test`` (the pytest suite, building into a fresh folder);
* page weight: each page's HTML plus the images it loads itself, leaving out
  the theme's shared assets; and which pages load the 1.9 MB widget manager.

Usage: .venv/bin/python tests/bench/bench.py [--repeat 2] [--skip-test-suite] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
JUPYTER_BOOK = VENV_BIN / "jupyter-book"
JUPYTER = VENV_BIN / "jupyter"
JUPYTEXT = VENV_BIN / "jupytext"

#: Targets from the issue.
CLEAN_OVER_FLOOR_MAX = 1.5
NOOP_SECONDS_MAX = 3.0
WIDGET_SCRIPT = "_static/widgets/embed.js"

#: What a scratch copy leaves out (the vendored node_modules is linked, not copied).
IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "_build", "node_modules", ".pytest_cache", ".jupyter_cache", "__pycache__"
)


class BenchError(RuntimeError):
    """A step of the benchmark failed; the message says which and why."""


def run(
    command: list, cwd: Path, env: dict | None = None, check: bool = True
) -> tuple[float, str]:
    """Run a command; return (seconds, combined output)."""
    start = time.perf_counter()
    result = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    output = result.stdout + result.stderr
    if check and result.returncode != 0:
        tail = "\n".join(
            line
            for line in output.splitlines()
            if "WARNING" in line or "ERROR" in line or "Error" in line
        )[-3000:]
        raise BenchError(
            f"`{' '.join(str(c) for c in command)}` failed (exit {result.returncode}) in "
            f"{cwd}:\n{tail or output[-3000:]}"
        )
    return seconds, output


def scratch_copy(root: Path, name: str) -> Path:
    """A copy of the project to build and edit, sharing the vendored widget manager."""
    copy = root / name
    shutil.copytree(PROJECT, copy, ignore=IGNORED, symlinks=True)
    vendored = PROJECT / "_vendor" / "node_modules"
    if vendored.is_dir():
        (copy / "_vendor" / "node_modules").symlink_to(vendored, target_is_directory=True)
    return copy


def build(
    project: Path, output: Path, *extra: str, env: dict | None = None, strict: bool = True
) -> tuple[float, str]:
    flags = ["-W", "-n", "--keep-going"] if strict else []
    return run(
        [JUPYTER_BOOK, "build", project, *flags, *extra, "--path-output", output],
        cwd=project,
        env=env,
    )


def executions(log: str) -> dict:
    """How many notebooks a build ran, and how many it took from the cache."""
    return {
        "executed": len(re.findall(r"Executed notebook in", log))
        + sum(int(n) for n in re.findall(r"executing (\d+) notebooks", log)),
        "cached": len(re.findall(r"Using cached notebook", log)),
    }


# --- which pages are notebooks that the build executes -------------------------------------------


def toc_files(project: Path) -> list[Path]:
    toc = yaml.safe_load((project / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", toc.get("chapters", [])))
    paths = []
    for name in found:
        for suffix in ("", ".md", ".ipynb"):
            path = project / f"{name}{suffix}"
            if path.is_file():
                paths.append(path)
                break
    return paths


def executed_notebooks(project: Path) -> list[Path]:
    """Pages the build executes: notebooks not switched off by metadata or exclude patterns."""
    import json

    config = yaml.safe_load((project / "_config.yml").read_text(encoding="utf-8"))
    excluded = (config.get("execute") or {}).get("exclude_patterns") or []
    notebooks = []
    for path in toc_files(project):
        relative = path.relative_to(project).as_posix()
        if any(Path(relative).match(pattern) for pattern in excluded):
            continue
        if path.suffix == ".ipynb":
            metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        else:
            text = path.read_text(encoding="utf-8")
            match = re.match(r"---\n(.*?)\n---\n", text, re.S)
            metadata = yaml.safe_load(match.group(1)) if match else {}
            if not metadata or "kernelspec" not in metadata:
                continue  # plain Markdown page
        if (metadata.get("mystnb") or {}).get("execution_mode") == "off":
            continue
        notebooks.append(path)
    return notebooks


def execution_times(project: Path) -> dict:
    """Each executed notebook's own run time on a fresh kernel, one at a time (jupyter execute)."""
    times = {}
    for path in executed_notebooks(project):
        target = path
        if path.suffix != ".ipynb":
            target = path.with_name(f"{path.stem}.bench.ipynb")
            run([JUPYTEXT, "--quiet", "--to", "ipynb", "--output", target, path], cwd=path.parent)
        seconds, _ = run([JUPYTER, "execute", "--timeout=600", target.name], cwd=path.parent)
        times[path.relative_to(project).as_posix()] = seconds
        if target != path:
            target.unlink()
    return times


# --- page weight ---------------------------------------------------------------------------------


class ImageSources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and attrs.get("src"):
            self.sources.append(attrs["src"])
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])


def page_weights(html_root: Path) -> list[dict]:
    """Each page's own weight: its HTML (inline images included) plus the image files it loads."""
    rows = []
    for page in sorted(html_root.rglob("*.html")):
        relative = page.relative_to(html_root).as_posix()
        if (
            relative.split("/")[0] in ("_static", "_sources", "_images")
            or relative == "index.html"
        ):
            continue
        text = page.read_text(encoding="utf-8")
        parser = ImageSources()
        parser.feed(text)
        # Images in <img> tags, and those the page's widgets show (named inside the widget state).
        sources = {
            src for src in parser.sources if not src.startswith("data:") and "://" not in src
        }
        sources |= set(re.findall(r"(?:\.\./)*_images/[\w.-]+\.(?:png|jpe?g|gif|svg)", text))
        image_bytes = 0
        for src in sources:
            image = (page.parent / src.split("?")[0]).resolve()
            if image.is_file() and "_static" not in image.parts:
                image_bytes += image.stat().st_size
        has_widgets = "application/vnd.jupyter.widget-state+json" in text
        loads_manager = any(
            src.split("?")[0].endswith(WIDGET_SCRIPT.split("/", 1)[1]) for src in parser.scripts
        )
        rows.append(
            {
                "page": relative,
                "html_kb": page.stat().st_size / 1024,
                "images_kb": image_bytes / 1024,
                "total_kb": (page.stat().st_size + image_bytes) / 1024,
                "has_widgets": has_widgets,
                "loads_manager": loads_manager,
            }
        )
    return rows


# --- the run -------------------------------------------------------------------------------------


def machine() -> str:
    cores = os.cpu_count() or 1
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    model = ""
    try:
        model = (
            re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
        )
    except (OSError, AttributeError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cores} cores{memory}{f' ({model})' if model else ''}, "
        f"{platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}; load average at start {load:.1f}"
    )


def mark(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-test-suite", action="store_true", help="do not time the pytest suite"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch folder and print where it is"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="take the best of this many runs of each clean build (default 2)",
    )
    args = parser.parse_args()
    if not (PROJECT / "_vendor" / "node_modules" / "@jupyter-widgets").is_dir():
        raise BenchError("the widget manager is not vendored: run `make vendor` first")

    cores = os.cpu_count() or 1
    started = dt.datetime.now().astimezone()
    info = machine()
    root = Path(tempfile.mkdtemp(prefix="shusha-bench-"))
    results = {}
    try:
        # The floor: Sphinx alone (execution off), and each notebook's own run time.
        floor_project = scratch_copy(root, "floor")
        config = floor_project / "_config.yml"
        config.write_text(
            re.sub(
                r"execute_notebooks:\s*\S+",
                'execute_notebooks: "off"',
                config.read_text(encoding="utf-8"),
            ),
            encoding="utf-8",
        )
        # On a shared machine other work steals time: every timing is the best of --repeat runs,
        # and the parallel and serial clean builds take turns.
        sphinx_runs, notebook_runs, clean_runs, serial_runs = [], [], [], []
        project = scratch_copy(root, "book")
        for attempt in range(1, args.repeat + 1):
            print(f"[{attempt}/{args.repeat}] floor: Sphinx only, execution off ...", flush=True)
            sphinx_runs.append(
                build(floor_project, root / f"out-floor-{attempt}", strict=False)[0]
            )
            print(
                f"[{attempt}/{args.repeat}] floor: each notebook with jupyter execute ...",
                flush=True,
            )
            notebook_runs.append(execution_times(floor_project))
            print(f"[{attempt}/{args.repeat}] clean build, notebooks in parallel ...", flush=True)
            seconds, log = build(project, root / f"out-book-{attempt}")
            clean_runs.append((seconds, executions(log), root / f"out-book-{attempt}"))
            print(
                f"[{attempt}/{args.repeat}] clean build, notebooks one after another ...",
                flush=True,
            )
            serial_runs.append(
                build(
                    project, root / f"out-serial-{attempt}", env={"SHUSHA_SERIAL_EXECUTION": "1"}
                )[0]
            )
        results["sphinx_only"] = min(sphinx_runs)
        notebook_times = {
            name: min(run[name] for run in notebook_runs) for name in notebook_runs[0]
        }
        total_execution = sum(notebook_times.values())
        floor = results["sphinx_only"] + total_execution / cores
        results["clean"], results["clean_runs"], output = min(clean_runs, key=lambda run: run[0])
        results["clean_serial"] = min(serial_runs)
        results["repeat"] = args.repeat

        # Incremental rebuilds, in the copy (the later steps edit it).
        print("no-op rebuild ...", flush=True)
        noop_runs = [build(project, output) for _ in range(args.repeat)]
        results["noop"] = min(seconds for seconds, _ in noop_runs)
        results["noop_runs"] = executions(noop_runs[-1][1])

        # A prose edit and a code edit, in the first executed chapter of the copy.
        notebooks = executed_notebooks(project)
        chapters = [p for p in notebooks if p.suffix == ".md" and "chapters" in p.parts] or [
            p for p in notebooks if p.suffix == ".md"
        ]
        if not chapters:
            raise BenchError("no MyST Markdown notebook in the table of contents to edit")
        chapter = chapters[-1]
        text = chapter.read_text(encoding="utf-8")
        chapter.write_text(
            text.rstrip("\n") + "\n\nA sentence added by the benchmark.\n", encoding="utf-8"
        )
        print(f"rebuild after a prose edit to {chapter.relative_to(project)} ...", flush=True)
        results["prose"], log = build(project, output)
        results["prose_runs"] = executions(log)
        text = chapter.read_text(encoding="utf-8")
        cell = re.search(r"```\{code-cell\}[^\n]*\n", text)
        if not cell:
            raise BenchError(f"{chapter.name} has no code cell to edit")
        chapter.write_text(
            text[: cell.end()] + "_benchmark_edit = 1\n" + text[cell.end() :], encoding="utf-8"
        )
        print(f"rebuild after a code-cell edit to {chapter.relative_to(project)} ...", flush=True)
        results["code"], log = build(project, output)
        results["code_runs"] = executions(log)
        results["edited"] = chapter.relative_to(project).as_posix()

        weights = page_weights(output / "_build" / "html")

        if not args.skip_test_suite:
            print("make test (pytest, building into a fresh folder) ...", flush=True)
            results["test"], _ = run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                cwd=PROJECT,
                env={"SHUSHA_BUILD_OUTPUT": str(root / "out-test")},
                check=False,
            )
    finally:
        if args.keep:
            print(f"scratch folder kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)

    # --- the table -------------------------------------------------------------------------------
    lines = [
        f"### Build benchmark, {started:%Y-%m-%d %H:%M %Z}",
        "",
        f"Machine: {info}. Each clean-build and floor time is the "
        f"best of {results['repeat']} runs.",
        "",
        "| measure | seconds | ratio to floor | target | met |",
        "| --- | ---: | ---: | --- | --- |",
        f"| Sphinx only (execution off) | {results['sphinx_only']:.1f} | | | |",
        f"| notebooks, each on its own (sum of {len(notebook_times)}) "
        f"| {total_execution:.1f} | | | |",
        f"| **floor** = Sphinx only + sum / {cores} cores | {floor:.1f} | 1.00 | | |",
        f"| clean build, notebooks in parallel ({results['clean_runs']['executed']} executed) | "
        f"{results['clean']:.1f} | {results['clean'] / floor:.2f} | <= {CLEAN_OVER_FLOOR_MAX} x "
        f"floor | {mark(results['clean'] / floor <= CLEAN_OVER_FLOOR_MAX)} |",
        f"| clean build, notebooks one after another | {results['clean_serial']:.1f} | "
        f"{results['clean_serial'] / floor:.2f} | (for comparison) | |",
        f"| no-op rebuild ({results['noop_runs']['executed']} executed) | {results['noop']:.1f} "
        f"| | <= {NOOP_SECONDS_MAX:.0f} s | {mark(results['noop'] <= NOOP_SECONDS_MAX)} |",
        f"| rebuild after a prose edit ({results['prose_runs']['executed']} executed) | "
        f"{results['prose']:.1f} | | executes nothing | "
        f"{mark(results['prose_runs']['executed'] == 0)} |",
        f"| rebuild after a code-cell edit ({results['code_runs']['executed']} executed) | "
        f"{results['code']:.1f} | | executes that notebook only | "
        f"{mark(results['code_runs']['executed'] == 1)} |",
    ]
    if "test" in results:
        lines.append(f"| `make test` (pytest, fresh build folder) | {results['test']:.1f} | | | |")
    lines += [
        "",
        f"Edited chapter: `{results['edited']}` (in a scratch "
        "copy). Each notebook's own run time:",
        "",
    ]
    lines += ["| notebook | seconds |", "| --- | ---: |"]
    lines += [f"| `{name}` | {seconds:.1f} |" for name, seconds in notebook_times.items()]
    lines += [
        "",
        "Page weight, the course's own part: the page's HTML (inline images included) "
        "plus the image files it loads, "
        "without the theme's shared assets. No budget here: the one "
        "budget is the first visit's, which "
        f"`make site-check` enforces (docs/page-weight.md). The widget manager ({WIDGET_SCRIPT}, "
        "1.9 MB) must load only on pages with widgets.",
        "",
        "| page | HTML KB | images KB | total KB | has widgets | loads widget manager |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in weights:
        lines.append(
            f"| `{row['page']}` | {row['html_kb']:.0f} | "
            f"{row['images_kb']:.0f} | {row['total_kb']:.0f} | "
            f"{'yes' if row['has_widgets'] else 'no'} | "
            f"{'yes' if row['loads_manager'] else 'no'}"
            f"{'' if row['loads_manager'] == row['has_widgets'] else ' **(wrong)**'} |"
        )
    print("\n" + "\n".join(lines))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(1)
