"""What a right answer is: the instructor's solutions, run by the grader on the
stored data and the variant.
"""

from dataclasses import dataclass, field
from pathlib import Path

from sourcekit.checks import MissingKeyError, load_key
from sourcekit.paths import data_dir

from .. import INSTRUCTOR_DIR, MASTERS_DIR
from ..masters import read_master
from .judge import canonical_or_none
from .runner import Runner
from .submissions import read_notebook


@dataclass
class Expected:
    """One exercise's key as the grader needs it: questions,
    and the accepted answers per data set.
    """

    exercise: str
    questions: list
    written: list
    stored: dict  # question id -> list of accepted canonical answers on the stored data
    variant: dict  # the same on the variant (empty list: the solution could not answer there)
    problems: list = field(default_factory=list)
    variant_problems: list = field(default_factory=list)

    @property
    def possible(self):
        return sum(q.get("points", 1) for q in self.questions)

    def fixed(self, qid) -> bool:
        """True if this variant does not change the solution's answer
        (a typed answer would hold there).
        """
        return bool(self.variant.get(qid)) and self.variant[qid][:1] == self.stored[qid][:1]


def _also_accepted(exercise: str) -> dict:
    """{question id: [extra accepted values]} from the master's ``also_accept`` (spellings,
    not data).
    """
    path = Path(MASTERS_DIR) / f"{exercise}_exercises.md"
    if not path.exists():
        return {}
    return {
        q["name"]: [a["value"] if isinstance(a, dict) else a for a in q.get("also_accept", ())]
        for q in read_master(path).auto
    }


def expected_answers(exercise: str, runner: Runner, variant_data: Path) -> Expected:
    """Run the instructor copy on the stored data and on the variant; its answers are the key."""
    key = load_key(exercise)
    questions = key["questions"]
    variables = [q["variable"] for q in questions]
    solution, problem = read_notebook(Path(INSTRUCTOR_DIR) / f"{exercise}_exercises.ipynb")
    if problem:
        raise MissingKeyError(
            f"the instructor copy of {exercise!r} cannot be read ({problem}); "
            "regenerate with `make exercises`"
        )
    extra = _also_accepted(exercise)
    expected = Expected(exercise, questions, list(key.get("written", [])), {}, {})
    runs = runner.run_on(solution, variables, [data_dir(), variant_data])
    for (label, into), (answers, problems) in zip(
        (("stored data", expected.stored), ("relabelled copy", expected.variant)), runs
    ):
        for question in questions:
            answer = canonical_or_none(question, answers.get(question["variable"]))
            if answer is None:
                if label == "relabelled copy" and question.get("graded_on") == "stored":
                    into[
                        question["id"]
                    ] = []  # a reading question is judged on the stored data alone
                    continue
                expected.problems.append(
                    f"{exercise} {question['id']}: the instructor's solution gives no "
                    f"readable answer on the {label}"
                )
                into[question["id"]] = []
                continue
            into[question["id"]] = [answer]
        expected.problems += [f"{exercise} solutions on the {label}: {p}" for p in problems]
        if into is expected.variant:
            expected.variant_problems = list(problems)
    for question in questions:
        qid = question["id"]
        # A spelling the master also accepts holds on the variant only where
        # the answer does not move.
        alternatives = [
            c
            for c in (canonical_or_none(question, {"value": v}) for v in extra.get(qid, ()))
            if c is not None
        ]
        expected.stored[qid] = expected.stored[qid] + alternatives if expected.stored[qid] else []
        if expected.fixed(qid):
            expected.variant[qid] = expected.variant[qid] + alternatives
    if not any(expected.stored.values()):
        raise MissingKeyError(
            f"the instructor's solutions of {exercise!r} gave no readable answer at all: "
            f"{'; '.join(expected.problems[:3])}"
        )
    return expected
