"""The written questions: each student's text, and each question's rubric and model answer.

``make grade`` writes every written answer to ``<out>_written_answers.json``
beside the gradebook, so that grading them (``make review``, in
:mod:`sourcekit_instructor.review`) never opens a notebook by hand. The rubric
and the model answer are read from the master, the one place they are
written: the manual question's solution block holds a ``**Rubric (N
points).**`` list, one ``- **1 point: label**: what earns it`` line per
criterion, and a ``**Model answer.**`` paragraph.

The masters give a move to each question, not to each criterion: a
criterion counts for its question's move.
"""

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import MASTERS_DIR
from ..masters import _raw_config, read_master
from .submissions import WRITTEN_PLACEHOLDER, cell_source, read_notebook

#: A rubric line: ``- **2 points: label**`` or ``- **1 point: label** rest``,
#: the text going on below.
_CRITERION = re.compile(
    r"^- \*\*(?P<points>\d+(?:\.\d+)?) points?:\s*(?P<label>[^*]+?)\*\*:?\s*(?P<rest>.*)$"
)


def written_texts(notebook: dict) -> list:
    """The text of each written-answer cell, in order ('' if blank or still the placeholder)."""
    texts = []
    for cell in notebook["cells"]:
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        tags = metadata.get("tags") or []
        if (
            cell.get("cell_type") == "markdown"
            and isinstance(tags, list)
            and "otter_answer_cell" in tags
        ):
            texts.append(cell_source(cell).replace(WRITTEN_PLACEHOLDER, "").strip())
    return texts


@dataclass
class Criterion:
    label: str
    points: float
    text: str


@dataclass
class Rubric:
    """One written question as the grader needs it."""

    exercise: str
    question: str
    points: float
    move: str
    prompt: str
    criteria: list = field(default_factory=list)
    model_answer: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _blocks_between(cells, start_index):
    """The markdown cells from a question's BEGIN QUESTION to its END QUESTION
    (or the next question).
    """
    for cell in cells[start_index + 1 :]:
        first = cell.source.splitlines()[0] if cell.source else ""
        if cell.cell_type == "raw" and re.match(r"#\s+(END|BEGIN) QUESTION", first, re.IGNORECASE):
            return
        yield cell


def parse_rubric(markdown: str):
    """(criteria, model answer) from a solution block's Markdown."""
    criteria, model, current, in_model = [], [], None, False
    for line in markdown.splitlines():
        match = _CRITERION.match(line)
        if match:
            current = Criterion(
                match["label"].strip().rstrip(":"), float(match["points"]), match["rest"].strip()
            )
            criteria.append(current)
            in_model = False
        elif line.startswith("**Model answer.**"):
            in_model, current = True, None
            model.append(line[len("**Model answer.**") :].strip())
        elif in_model:
            model.append(line)
        elif current is not None and line.startswith("  "):
            current.text = (current.text + " " + line.strip()).strip()
        elif not line.strip():
            current = None
    return criteria, "\n".join(model).strip()


def rubrics_of(exercise: str, masters_dir=None) -> dict:
    """{question id: Rubric} for the written questions of one exercise, read from its master."""
    path = Path(masters_dir or MASTERS_DIR) / f"{exercise}_exercises.md"
    master = read_master(path)
    cells = master.notebook.cells
    found = {}
    for index, cell in enumerate(cells):
        config = _raw_config(cell, "BEGIN QUESTION")
        if config is None or not config.get("manual"):
            continue
        prompt, solution, inside = [], [], False
        for block in _blocks_between(cells, index):
            first = block.source.splitlines()[0] if block.source else ""
            if block.cell_type == "raw" and re.match(r"#\s+BEGIN SOLUTION", first, re.IGNORECASE):
                inside = True
            elif block.cell_type == "raw" and re.match(r"#\s+END SOLUTION", first, re.IGNORECASE):
                inside = False
            elif block.cell_type == "markdown":
                (solution if inside else prompt).append(block.source)
        criteria, model = parse_rubric("\n\n".join(solution))
        found[str(config["name"])] = Rubric(
            exercise,
            str(config["name"]),
            float(config.get("points", 1)),
            str(config.get("move", "")),
            "\n\n".join(prompt).strip(),
            criteria,
            model,
        )
    return found


def student_of(submission: str, identity: str) -> str:
    """The student id the identity pattern takes from a file name, or '' if it does not match."""
    match = re.search(identity, submission)
    if not match:
        return ""
    named = match.groupdict()
    for group in ("user_id", "id"):
        if named.get(group):
            return named[group]
    return match.group(1) if match.groups() else match.group(0)


def collect_written(folder: Path, rows, expected_by_exercise: dict, identity: str) -> list:
    """One record per written question of each submission read: who, which question, the text."""
    records = []
    for row in rows:
        expected = expected_by_exercise.get(row.exercise)
        if expected is None or not expected.written:
            continue
        notebook, problem = read_notebook(Path(folder) / row.submission)
        texts = written_texts(notebook) if notebook is not None else []
        del notebook  # one parsed notebook at a time, never the last one beside the next
        for index, qid in enumerate(expected.written):
            text = texts[index] if index < len(texts) else ""
            records.append(
                {
                    "submission": row.submission,
                    "student": student_of(row.submission, identity),
                    "exercise": row.exercise,
                    "question": qid,
                    "text": text,
                    "words": len(text.split()),
                }
            )
    return records


def written_answers_path(out: Path) -> Path:
    """Where ``make grade --out OUT`` puts the written answers: beside OUT, named after it."""
    out = Path(out)
    return out.with_name(f"{out.stem}_written_answers.json")


def write_written_answers(records: list, path: Path) -> None:
    Path(path).write_text(
        json.dumps({"answers": records}, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def read_written_answers(path: Path) -> list:
    """The records ``make grade`` wrote; a clear error if the file is missing or not ours."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run `make grade SUBMISSIONS=folder` first (it writes the "
            "written answers beside the gradebook)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        answers = data["answers"]
        assert isinstance(answers, list) and all(
            {"submission", "exercise", "question", "text"} <= set(a) for a in answers
        )
    except (ValueError, KeyError, TypeError, AssertionError):
        raise ValueError(f"{path} is not a written-answers file made by `make grade`") from None
    return answers
