"""Running a notebook's code on data sets: in the sandbox (the default),
or with no isolation when asked.

The grader and the generator (which runs the instructor's solutions on a
variant to mark the questions it changes) both run notebooks this way.
"""

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import sandbox as sandboxes
from .judge import read_results
from .submissions import cell_source

#: The module the sandbox (or the unsandboxed run) starts: the only grading code that runs there.
WORKER_MODULE = "sourcekit_instructor.grade.inside.worker"


def prepare(notebook: dict, variables, folder: Path) -> Path:
    """Write ``folder/run.json``: the notebook's code cells in order and the
    answer variables to export.

    ``folder`` is a private temporary folder (mode 0700); the sandbox's copy of it is made its
    user's alone (:func:`.sandbox.private_folder`), never readable by every user of the machine.
    """
    cells = [cell_source(cell) for cell in notebook["cells"] if cell.get("cell_type") == "code"]
    path = Path(folder) / "run.json"
    path.write_text(json.dumps({"cells": cells, "variables": list(variables)}), encoding="utf-8")
    os.chmod(folder, 0o700)
    os.chmod(path, 0o600)
    return path


def _private_copies(data_sets, private: Path) -> list:
    """The data sets a sandbox reads: the stored tables as they are; any other
    (the hidden variant) copied into ``private``.
    """
    copies = [data_sets[0]]
    for index, data in enumerate(data_sets[1:], start=2):
        copy = private / f"data-{index}"
        shutil.copytree(data, copy)
        copies.append(copy)
    fonts = sandboxes.font_cache()
    if fonts:
        shutil.copy(fonts, private / fonts.name)
    return copies


@dataclass
class Runner:
    """How notebooks are run in this grading run: sandboxed (the default) or not,
    and the limits.
    """

    timeout: float = 60
    max_time: float = 600
    sandboxed: bool = True
    memory: int = sandboxes.MEMORY_BYTES
    variant_data: Path = None

    def run_on(self, notebook: dict, variables, data_sets) -> list:
        """[(answers, problems)] of ``notebook`` run once on each data set, in one sandbox.

        One worker runs them one after another, each run forked fresh from the
        worker's clean state (see :mod:`.worker`), each limited to ``max_time``.
        """
        data_sets = [Path(data) for data in data_sets]
        with tempfile.TemporaryDirectory(prefix="grade-") as private:
            prepare(notebook, variables, Path(private))
            if self.sandboxed:
                copies = _private_copies(data_sets, Path(private))
                with sandboxes.claimed_uid() as uid:
                    sandboxes.private_folder(Path(private), uid)
                    outcome = sandboxes.run(
                        Path(private), copies, uid, self.timeout, self.max_time, memory=self.memory
                    )
            else:
                outcome = _run_unsandboxed(Path(private), data_sets, self.timeout, self.max_time)
        runs = read_results(outcome.result, variables, len(data_sets))
        first_problems = runs[0][1]
        if outcome.timed_out:
            first_problems.insert(
                0,
                f"still running after {self.max_time * len(data_sets) + 60:g} s in all, so the "
                "sandbox was stopped with everything in it",
            )
        elif not outcome.result:
            tail = [line for line in outcome.output_tail.splitlines() if line.strip()]
            why = tail[-1][:160] if tail else f"exit status {outcome.returncode}"
            first_problems.insert(0, f"the run ended without a result ({why})")
        if outcome.output_bytes > sandboxes.OUTPUT_BYTES:
            first_problems.append(
                f"wrote {outcome.output_bytes / 2**20:.0f} MB straight to its "
                "output streams; it was discarded"
            )
        return runs


def _run_unsandboxed(private: Path, data_sets, timeout: float, max_time: float):
    """The same runs with no isolation at all (``--no-sandbox``): its own session,
    killed as a group.
    """
    env = {**os.environ, "SHUSHA_COURSE_DATA": str(data_sets[0].resolve()), "MPLBACKEND": "agg"}
    work = private / "work"
    work.mkdir()

    def argv(result_fd):
        return [
            sys.executable,
            "-m",
            WORKER_MODULE,
            str(private / "run.json"),
            f"{timeout:g}",
            f"{max_time:g}",
            str(work),
            *[str(data.resolve()) for data in data_sets],
            "--result-fd",
            str(result_fd),
        ]

    return sandboxes.run_worker(argv, max_time * len(data_sets) + 60, cwd=work, env=env)
