"""How the grader reads a submission's answers file and judges each answer.

The only thing the grader takes from a submission's run is a small JSON file
(written by :mod:`.inside.export`): for each answer variable, its value as
numbers, strings, booleans and lists, or a note that it is unanswered or could
not be read. Here, in the grader's own process:

* :func:`read_results` trusts nothing: size cap, only the expected variables,
  only JSON of the allowed shapes; anything else is an unreadable answer or a
  problem line;
* :func:`judge_plain` compares a plain value with the answers the grader
  computed itself from the instructor's solutions (never with anything the
  submission's kernel had), and scores at most the question's points.
"""

import json
import math
from dataclasses import dataclass

from sourcekit.checks import AnswerFormError, describe_form, read_answer

from .inside.export import MAX_CHARS, MAX_DEPTH, MAX_DIGITS, MAX_FILE_BYTES, MAX_ITEMS


def _valid_plain(value, depth=0) -> bool:
    if depth > MAX_DEPTH:
        return False
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < 10**MAX_DIGITS
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= MAX_CHARS
    if isinstance(value, list):
        return len(value) <= MAX_ITEMS and all(_valid_plain(item, depth + 1) for item in value)
    return False


def _refuse_constant(token):
    raise ValueError(f"not a number: {token}")


def _entries(text, variables):
    """({variable: entry}, problem or None) from the answers file's text."""
    if text is None:
        return (
            {},
            "the run left no answers (the kernel died, or was stopped, before the last cell)",
        )
    if not isinstance(text, str) or len(text) > MAX_FILE_BYTES:
        return {}, "the answers file is too big or not text; it was not read"
    try:
        entries = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return {}, "the answers file is not valid JSON (was it overwritten by the notebook?)"
    if not isinstance(entries, dict):
        return {}, "the answers file does not hold a table of answers"
    answers = {}
    for name in variables:
        entry = entries.get(name)
        if isinstance(entry, dict) and set(entry) == {"value"} and _valid_plain(entry["value"]):
            answers[name] = {"value": entry["value"]}
        elif isinstance(entry, dict) and entry.get("unanswered") is True and len(entry) == 1:
            answers[name] = {"unanswered": True}
        elif (
            isinstance(entry, dict)
            and set(entry) == {"unreadable"}
            and isinstance(entry["unreadable"], str)
        ):
            answers[name] = {"unreadable": entry["unreadable"][:160]}
        else:
            answers[name] = {"unreadable": "its exported value is not in a readable form"}
    return answers, None


def read_results(data: bytes, variables, count: int) -> list:
    """[(answers, problems)] for each of ``count`` runs, from the bytes a worker sent back,
    trusting nothing.

    The worker sends ``{"runs": [{"answers": text, "problems": [...]}, ...]}``,
    one entry per data set. A result that is not that shape, or holds the wrong
    number of runs, gives every run no answers and a problem line.
    """
    try:
        result = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        result = None
    runs = result.get("runs") if isinstance(result, dict) else None
    if not isinstance(runs, list) or len(runs) != count:
        return [
            (
                {},
                [
                    "the run's result could not be read (broken or forged), "
                    "so no answer was taken from it"
                ],
            )
            for _ in range(count)
        ]
    return [read_result(run, variables) for run in runs]


def read_result(result, variables):
    """(answers, problems) from one run's entry of the result, read without trusting it.

    ``answers`` maps each expected variable to an entry (``{"value": v}``,
    ``{"unanswered": True}`` or ``{"unreadable": why}``); anything missing or
    malformed becomes a problem line instead, never an exception.
    """
    variables = list(variables)
    if not isinstance(result, dict):
        return {}, [
            "the run's result could not be read (broken or forged), so no answer was taken from it"
        ]
    problems = result.get("problems")
    problems = (
        [str(p)[:200] for p in problems[:20] if isinstance(p, str)]
        if isinstance(problems, list)
        else ["the run's list of problems could not be read"]
    )
    answers, problem = _entries(result.get("answers"), variables)
    if problem:
        problems.append(problem)
    return answers, problems


@dataclass(frozen=True)
class Judged:
    """One answer on one run: status is correct, wrong, form, unanswered or unreadable."""

    status: str
    detail: str = ""

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def canonical_or_none(question: dict, entry):
    """The canonical form of an exported entry, or None if it is not a readable answer."""
    if not entry or "value" not in entry:
        return None
    try:
        return read_answer(entry["value"], question["form"], question.get("choices", ()))
    except Exception:
        return None


def judge_plain(question: dict, entry, accepted) -> Judged:
    """Judge one exported entry against ``accepted``, canonical answers the grader computed."""
    if not entry or entry.get("unanswered"):
        return Judged("unanswered")
    if "unreadable" in entry:
        return Judged("unreadable", entry["unreadable"])
    try:
        canonical = read_answer(entry["value"], question["form"], question.get("choices", ()))
    except AnswerFormError as problem:
        return Judged(
            "form",
            f"{problem} (expected {describe_form(question['form'], question.get('choices', ()))})",
        )
    except Exception as error:
        return Judged("form", f"could not be read ({type(error).__name__})")
    return Judged("correct") if any(canonical == good for good in accepted) else Judged("wrong")
