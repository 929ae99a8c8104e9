"""The instructor edition: the students' book plus the pages that must never be published.

The public site (``make book``, ``_config.yml`` and ``_toc.yml``) carries no
rubric, no model answer and no note that states or narrows an answer. The
instructor guides and the instructor manual are built as a second book from the
same sources (``make instructor-guide``) into ``_build/instructor/``, with a
configuration and table of contents written here from the students' ones, so
the two editions cannot drift apart:

* the configuration is ``_config.yml`` with the instructor pages no longer
  excluded, an "instructor edition" title and banner, and the students' build's
  execution cache (so the chapters are not run a second time);
* the table of contents is ``instructors/_toc_parts.yml``'s root page (the
  instructor manual, ``instructors/index.md``), then the students' book (its
  root page first), then the parts ``instructors/_toc_parts.yml`` adds.

Usage: ``python -m sourcekit_book.editions OUT`` writes ``OUT/_config.yml``
and ``OUT/_toc.yml``; the Makefile then builds with them.
"""

import sys
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: What the students' configuration excludes that the instructor edition publishes.
INSTRUCTOR_ONLY = ("exercises/guides", "instructors")
#: Inside those, what is never a page of its own (the guides' generated tables are included).
STILL_EXCLUDED = ("exercises/guides/_*", "instructors/_*")
BANNER = (
    "Instructor edition: rubrics, model answers and answer notes. "
    "Do not publish it or share it with students."
)


def instructor_config(project_root: Path = PROJECT_ROOT) -> dict:
    config = yaml.safe_load((project_root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config['title']} (instructor edition)"
    excluded = [p for p in config.get("exclude_patterns", []) if p not in INSTRUCTOR_ONLY]
    config["exclude_patterns"] = excluded + [p for p in STILL_EXCLUDED if p not in excluded]
    execute = config.setdefault("execute", {})
    execute["cache"] = str(project_root / "_build" / ".jupyter_cache")
    config.setdefault("html", {})["announcement"] = BANNER
    return config


def instructor_toc(project_root: Path = PROJECT_ROOT) -> dict:
    students = yaml.safe_load((project_root / "_toc.yml").read_text(encoding="utf-8"))
    extra = yaml.safe_load(
        (project_root / "instructors" / "_toc_parts.yml").read_text(encoding="utf-8")
    )
    parts = [dict(part) for part in students["parts"]]
    parts[0]["chapters"] = [{"file": students["root"]}, *parts[0]["chapters"]]
    return {"format": students["format"], "root": extra["root"], "parts": parts + extra["parts"]}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m sourcekit_book.editions OUT_FOLDER", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    header = (
        "# Written by `make instructor-guide` (sourcekit_book/editions.py) from the students' one:"
        " edit that, not this.\n"
    )
    (out / "_config.yml").write_text(
        header + yaml.safe_dump(instructor_config(), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    (out / "_toc.yml").write_text(
        header + yaml.safe_dump(instructor_toc(), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
