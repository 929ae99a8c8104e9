"""Run one prepared notebook on a fresh kernel, inside the sandbox, and send back its answers.

The grader (:mod:`.gradebook`) prepares ``run.ipynb``: the submission's code
cells in order, then one cell that exports the answer variables as plain
JSON (:func:`sourcekit.grading.answers.export_answers`). This module runs
inside the sandbox (:mod:`.sandbox`), as an unprivileged user, beside the
student's kernel: it executes the cells with errors allowed (one broken cell
must not cost every later answer), interrupts a cell that runs longer than
the time limit, and writes one JSON object to the result pipe it was given:
the exported answers file (as text) and the problems it saw.

Nothing here judges an answer: the answers are judged by the grader, in its
own process, against answers it computed itself. A notebook that tampers
with this module or with the result pipe can change only its own answers.

Usage (by the sandbox, not by hand)::

    python -m sourcekit.grading.worker NOTEBOOK TIMEOUT RESULT_FD [ANSWERS_FILE]
"""

import json
import os
import sys
from pathlib import Path

#: Where the export cell writes the answers (the sandbox's private tmpfs).
ANSWERS_FILE = "/submission/work/.answers.json"
MAX_ANSWERS_BYTES = 2_000_000
MAX_PROBLEMS = 20


def _first_line(text) -> str:
    lines = [line for line in str(text).splitlines() if line.strip()]
    return lines[0][:160] if lines else ""


def export_cell_source(variables, path: str = ANSWERS_FILE) -> str:
    """The last cell of a prepared notebook: export ``variables`` to ``path``."""
    return (
        "from sourcekit.grading.answers import export_answers as _sourcekit_export_answers\n"
        f"_sourcekit_export_answers(globals(), {list(variables)!r}, {path!r})"
    )


def run_notebook(path: Path, timeout: float) -> list:
    """Execute the prepared notebook at ``path``; return the problems seen, in order."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    runnable = nbformat.read(path, as_version=4)
    client = NotebookClient(
        runnable,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "Timeout", "evalue": f"stopped after {timeout:g} s"},
        record_timing=False,
        startup_timeout=120,
        resources={"metadata": {"path": os.getcwd()}},
    )
    problems = []
    try:
        client.execute()
    except DeadKernelError:
        problems.append("the kernel died while running the notebook (did a cell call exit(), or use up the memory?)")
    for number, cell in enumerate(runnable.cells[:-1], start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                # The interrupt nbclient sends on a timeout surfaces as KeyboardInterrupt.
                if output.get("ename") in ("Timeout", "KeyboardInterrupt"):
                    problems.append(f"code cell {number} ran longer than {timeout:g} s and was stopped (an endless loop?)")
                elif output.get("ename") == "MemoryError":
                    problems.append(f"code cell {number} ran out of memory (the sandbox allows about 3 GB)")
                else:
                    problems.append(f"code cell {number} raised {output.get('ename')}: {_first_line(output.get('evalue', ''))}")
    for output in runnable.cells[-1].get("outputs", []) if runnable.cells else []:
        if output.get("output_type") == "error":
            problems.append(f"exporting the answers failed: {output.get('ename')}: {_first_line(output.get('evalue', ''))}")
    return problems


def _answers_text(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_ANSWERS_BYTES + 1)
    except OSError:
        return None
    return data.decode("utf-8", "replace") if len(data) <= MAX_ANSWERS_BYTES else None


def main(argv=None) -> int:
    arguments = list(argv or sys.argv[1:])
    path, timeout, descriptor = arguments[:3]
    answers = arguments[3] if len(arguments) > 3 else ANSWERS_FILE
    try:
        problems = run_notebook(Path(path), float(timeout))
    except Exception as error:  # reported in the gradebook row, not as a traceback
        problems = [f"could not run the notebook: {type(error).__name__}: {_first_line(error)}"]
    result = {"answers": _answers_text(answers), "problems": problems[:MAX_PROBLEMS]}
    with os.fdopen(int(descriptor), "w", encoding="utf-8") as channel:
        channel.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
