"""Run one submission on a fresh kernel and report its verdicts as JSON (one process per submission).

The gradebook (:mod:`.gradebook`) starts this module as a separate process
for each submission, on a *copy* of the notebook in a scratch folder, so
that a submission that hangs can be killed, process tree and all, without
stopping the others, and so that nothing a submission does can touch the
original file.

The submission's code cells run in order with errors allowed (one broken
cell must not cost every later answer); a cell that runs longer than the
time limit is interrupted and recorded. Then one more cell, added here,
calls :func:`sourcekit.checks.grade_answers` in the same kernel: grading
applies exactly the checks the student ran while working.

Usage (by the gradebook, not by hand)::

    python -m sourcekit.grading.worker NOTEBOOK EXERCISE TIMEOUT
"""

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

RESULT_MARK = "<<<SOURCEKIT-RESULT>>>"
_GRADE_MARK = "<<<SOURCEKIT-GRADE>>>"

_GRADE_CELL = (
    "import dataclasses as _sk_dataclasses, json as _sk_json\n"
    "from sourcekit.checks import grade_answers as _sk_grade_answers\n"
    "print({mark!r} + _sk_json.dumps([_sk_dataclasses.asdict(v) for v in _sk_grade_answers({exercise!r}, globals())]))"
)


def _first_line(text: str) -> str:
    lines = [line for line in str(text).splitlines() if line.strip()]
    return lines[0][:160] if lines else ""


def run_submission(path: Path, exercise: str, timeout: float) -> dict:
    """Execute the code cells of the notebook at ``path``; return verdicts and problems."""
    submitted = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in submitted.cells if cell.get("cell_type") == "code"]
    runnable = nbformat.v4.new_notebook()
    runnable.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    runnable.cells = [nbformat.v4.new_code_cell(cell.get("source", "")) for cell in code_cells]
    runnable.cells.append(nbformat.v4.new_code_cell(_GRADE_CELL.format(mark=_GRADE_MARK, exercise=exercise)))
    client = NotebookClient(
        runnable,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "Timeout", "evalue": f"stopped after {timeout:g} s"},
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    problems = []
    try:
        client.execute()
    except DeadKernelError:
        problems.append("the kernel died while running the notebook (did a cell call exit() or use up the memory?)")
    for number, cell in enumerate(runnable.cells[:-1], start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                # The interrupt nbclient sends on a timeout surfaces as KeyboardInterrupt.
                if output.get("ename") in ("Timeout", "KeyboardInterrupt"):
                    problems.append(f"code cell {number} ran longer than {timeout:g} s and was stopped (an endless loop?)")
                else:
                    problems.append(f"code cell {number} raised {output.get('ename')}: {_first_line(output.get('evalue', ''))}")
    verdicts = None
    for output in runnable.cells[-1].get("outputs", []):
        text = output.get("text", "")
        if output.get("name") == "stdout" and _GRADE_MARK in text:
            verdicts = json.loads(text.split(_GRADE_MARK, 1)[1])
        elif output.get("output_type") == "error":
            problems.append(f"the grading cell failed: {output.get('ename')}: {_first_line(output.get('evalue', ''))}")
    return {"verdicts": verdicts, "problems": problems}


def main(argv=None) -> int:
    path, exercise, timeout = (argv or sys.argv[1:])[:3]
    try:
        result = run_submission(Path(path), exercise, float(timeout))
    except Exception as error:  # reported in the gradebook row, not as a traceback
        result = {"verdicts": None, "problems": [f"could not run the notebook: {type(error).__name__}: {_first_line(error)}"]}
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

