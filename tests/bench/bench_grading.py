"""Grading speed against its floors, as a Markdown table (a benchmark, not a test).

``make bench-grading`` (or ``python tests/bench/bench_grading.py --count 200``) grades COUNT
submissions (every exercise's solution and unanswered copy, repeated: mixed exercises,
solutions and blanks) the way ``make grade`` does: sandboxed, on the stored data and on a
hidden variant, two at a time. Beside it, measured in the same run on the same machine:

* a bare kernel start that runs ``import pandas, matplotlib`` (what no run can go below);
* ``jupyter nbconvert --execute`` of the same notebooks, one after another (a plain run, no
  sandbox, no variant).

Grading runs each submission twice (stored data, variant), so the fair comparison is per
notebook run. The load average is printed because the figures mean little without it.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sourcekit_instructor import EXERCISES_DIR, INSTRUCTOR_DIR  # noqa: E402
from sourcekit_instructor.grade.cli import main as grade  # noqa: E402

EXERCISES = (
    "background",
    "the_battle",
    "casualty_reporting",
    "international_reaction",
    "provenance",
)


def kernel_floor(starts: int) -> float:
    """Seconds per fresh kernel that imports pandas and matplotlib and answers."""
    from jupyter_client.manager import start_new_kernel

    started = time.monotonic()
    for _ in range(starts):
        manager, client = start_new_kernel(kernel_name="python3")
        try:
            client.execute_interactive("import pandas, matplotlib", timeout=120)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    return (time.monotonic() - started) / starts


def nbconvert_floor(notebooks, scratch: Path) -> float:
    """Seconds per notebook for ``jupyter nbconvert --execute``, one at a time."""
    started = time.monotonic()
    for index, notebook in enumerate(notebooks):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "jupyter",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--allow-errors",
                "--output",
                str(scratch / f"out{index}.ipynb"),
                str(notebook),
            ],
            check=True,
            capture_output=True,
            cwd=notebook.parent,
        )
    return (time.monotonic() - started) / len(notebooks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, default=200, help="submissions to grade (default 200)"
    )
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    load_before = os.getloadavg()
    sources = [INSTRUCTOR_DIR / f"{e}_exercises.ipynb" for e in EXERCISES] + [
        EXERCISES_DIR / f"{e}_exercises.ipynb" for e in EXERCISES
    ]
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        scratch = Path(scratch)
        folder = scratch / "submissions"
        folder.mkdir()
        for number in range(args.count):
            source = sources[number % len(sources)]
            shutil.copy(source, folder / f"s{number:03d}_{source.stem}.ipynb")
        kernel = kernel_floor(5)
        nbconvert = nbconvert_floor(sources, scratch)
        started = time.monotonic()
        status = grade(
            [str(folder), "--out", str(scratch / "gradebook.csv"), "--jobs", str(args.jobs)]
        )
        seconds = time.monotonic() - started
    load_after = os.getloadavg()
    per_submission = seconds / args.count
    per_run = per_submission * args.jobs / 2  # two runs per submission, `jobs` at a time
    print(
        f"| Measure ({args.count} submissions, {args.jobs} jobs, "
        f"{os.cpu_count()} cores) | Seconds |"
    )
    print("| --- | --- |")
    print(
        f"| Bare kernel start + `import pandas, matplotlib` (per kernel, serial) | {kernel:.2f} |"
    )
    print(f"| `jupyter nbconvert --execute` (per notebook, serial) | {nbconvert:.2f} |")
    print(
        f"| Grading, whole run (sandboxed, stored data + variant, exit {status}) | {seconds:.0f} |"
    )
    print(f"| Grading, wall time per submission | {per_submission:.2f} |")
    print(
        f"| Grading, per notebook run per job (2 runs per submission) | {per_run:.2f} "
        f"({per_run / nbconvert:.2f}x nbconvert) |"
    )
    print(f"\nLoad average before: {load_before[0]:.1f}, after: {load_after[0]:.1f} (1-minute).")
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
