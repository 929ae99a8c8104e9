"""``python -m sourcekit_instructor.grade``: grade a folder of submissions into gradebooks
(``make grade``).
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

from sourcekit.checks import MissingKeyError

from ..review.store import review_db_path
from . import cgroups
from . import sandbox as sandboxes
from .account import account_text
from .feedback import answers_file_path, write_answers
from .merge import merge as merge_written
from .reports import LMS_COLUMNS, summary, write_gradebook, write_lms
from .score import _known_exercises, grade_folder
from .submissions import one_line, other_files
from .written import collect_written, write_written_answers, written_answers_path


def sandbox_limits() -> str:
    """One line for the summary: how this machine limits each sandbox as a whole, in words."""
    group = cgroups.mechanism()
    limits = (
        f"{sandboxes.MEMORY_BYTES / 2**30:g} GB of memory and {sandboxes.MAX_PROCESSES} "
        "processes for all its processes together, and one CPU share"
    )
    where = (
        f"Limits per sandbox: {limits}, by {group.label} ({group.why})"
        if group.kind != "none"
        else f"Limits per sandbox: per process only ({group.why})"
    )
    userns = (
        "; it cannot make user namespaces (bubblewrap --disable-userns)"
        if sandboxes.own_user_namespace()
        else (
            "; this machine does not let the sandbox's user have a user namespace of its own, so "
            "the sandbox cannot be stopped from making one"
        )
    )
    return where + userns + "."


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sourcekit_instructor.grade",
        description="Grade a folder of submitted exercise notebooks into gradebook CSVs.",
        epilog=account_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "submissions", type=Path, help="folder holding the submitted .ipynb files (never modified)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("gradebook.csv"),
        help=(
            "combined gradebook CSV (default: gradebook.csv); "
            "per-exercise ones are written beside it"
        ),
    )
    parser.add_argument(
        "--exercise",
        help="exercise for notebooks that do not say which one they are (e.g. provenance)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60,
        help="seconds one cell may run before it is interrupted (default 60)",
    )
    parser.add_argument(
        "--max-time",
        type=float,
        default=600,
        help=(
            "seconds one run of a submission may take before it is killed with "
            "everything it started (default 600)"
        ),
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="submissions graded at once (default: number of cores)",
    )
    parser.add_argument(
        "--variant-seed",
        type=int,
        help=(
            "seed of the relabelled copy (default: the course's, in "
            "exercises/source/variant_seed.txt, so every run gives the same "
            "grades; printed in the summary)"
        ),
    )
    parser.add_argument(
        "--lms",
        choices=sorted(LMS_COLUMNS),
        help="also write the totals in the columns this LMS imports",
    )
    parser.add_argument(
        "--identity",
        default=r"(?P<id>[^_.]+)",
        help=(
            r"regular expression taking the student's id from the file name "
            r"(default: up to the first _ or .)"
        ),
    )
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help=(
            "run submissions WITHOUT isolation, when no sandbox is "
            "available (the gradebook says so)"
        ),
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        re.compile(args.identity)
    except re.error as error:
        print(
            f"error: --identity {args.identity!r} is not a regular expression ({error})",
            file=sys.stderr,
        )
        return 2
    if args.exercise is not None and args.exercise not in _known_exercises():
        print(
            f"error: --exercise {one_line(args.exercise)[:60]!r} is not one of the exercises "
            f"({', '.join(_known_exercises())})",
            file=sys.stderr,
        )
        return 2
    if not args.no_sandbox:
        try:
            sandboxes.check_available()
        except sandboxes.SandboxUnavailable as error:
            print(
                f"error: no sandbox for the submissions: {error}.\n"
                "Refusing to run students' code without isolation; pass --no-sandbox (make "
                "grade NO_SANDBOX=1) to do it anyway.",
                file=sys.stderr,
            )
            return 2
    try:
        expected, rows, seed = grade_folder(
            args.submissions,
            args.exercise,
            args.timeout,
            args.max_time,
            args.jobs,
            sandboxed=not args.no_sandbox,
            variant_seed=args.variant_seed,
        )
    except (FileNotFoundError, ValueError, MissingKeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.no_sandbox:
        for row in rows:
            row.problems.append("graded WITHOUT a sandbox (--no-sandbox)")
    written = [args.out]
    write_gradebook(rows, expected, args.out)
    if len(expected) > 1:
        for name in sorted(expected):
            path = args.out.with_name(f"{args.out.stem}_{name}{args.out.suffix or '.csv'}")
            write_gradebook([r for r in rows if r.exercise == name], {name: expected[name]}, path)
            written.append(path)
    # Every written answer's text, for grading by question (make review) and the feedback pages.
    answers_path = written_answers_path(args.out)
    write_written_answers(
        collect_written(args.submissions, rows, expected, args.identity), answers_path
    )
    written.append(answers_path)
    write_answers(rows, answers_file_path(args.out))
    written.append(answers_file_path(args.out))
    lms_problems = []
    if args.lms:
        path = args.out.with_name(f"{args.out.stem}_{args.lms}.csv")
        lms_problems = write_lms(rows, expected, path, args.lms, args.identity)
        written.append(path)
    origin = (
        "chosen with --variant-seed"
        if args.variant_seed is not None
        else (
            "the course's seed, from exercises/source/variant_seed.txt; another with "
            "--variant-seed N"
        )
    )
    text = summary(
        expected, rows, time.monotonic() - started, args.jobs, seed, not args.no_sandbox, origin
    )
    if not args.no_sandbox:
        text += "\n" + sandbox_limits()
    ignored = other_files(args.submissions)
    if ignored:
        text += (
            "\nNot named *.ipynb, so not graded: "
            f"{', '.join(ignored[:20])}{' and more' if len(ignored) > 20 else ''}."
        )
    # Grades entered in `make review` for an earlier run are folded in again (see merge.py).
    if review_db_path(args.out).exists():
        merged, merge_lines = merge_written(args.out, args.lms, args.identity)
        written += [p for p in merged if p not in written]
        text += "\n" + "\n".join(merge_lines)
    if lms_problems:
        text += "\n" + "\n".join(f"  {args.lms}: {one_line(p)}" for p in lms_problems)
    summary_path = args.out.with_name(args.out.stem + "_summary.txt")
    summary_path.write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"Wrote {', '.join(str(p) for p in written)} and {summary_path}.")
    return 0
