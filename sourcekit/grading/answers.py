"""What leaves a submission's kernel (its answers, as plain JSON) and how the grader judges them.

The only thing the grader takes from a submission's run is a small JSON
file: for each answer variable of the exercise, its value as numbers,
strings, booleans and lists (after converting NumPy and pandas values), or
a note that it is unanswered or could not be read. Whatever the notebook
does, it can only change its *own answers* in that file, which it could do
anyway by typing them. So:

* :func:`export_answers` runs inside the student's run (the worker calls it
  after the last cell) and writes the file, each value converted by :func:`plain`
  within fixed bounds (depth, items, characters, digits);
* :func:`read_results` runs in the grader's own process and trusts nothing:
  size cap, only the expected variables, only JSON of the allowed shapes;
  anything else is an unreadable answer or a problem line;
* :func:`judge_plain` compares a plain value with the answers the grader
  computed itself from the instructor's solutions (never with anything the
  submission's kernel had), and scores at most the question's points.
"""

import json
import math
import numbers
from dataclasses import dataclass
from pathlib import Path

from ..checks import AnswerFormError, describe_form, read_answer

#: Bounds on one exported value: deeper, longer or bigger values are "unreadable".
MAX_DEPTH = 4
MAX_ITEMS = 500
MAX_CHARS = 2000
MAX_DIGITS = 18
#: Bytes of the answers file the grader will read at most.
MAX_FILE_BYTES = 2_000_000


class Unreadable(ValueError):
    """A value that cannot leave the kernel as a plain answer; the message says why."""


def plain(value, depth: int = 0):
    """``value`` as JSON-ready numbers, text, booleans and lists, or Unreadable.

    NumPy scalars and arrays and pandas Series and Index become Python
    values and lists; tuples and sets become lists (sets sorted, so equal
    sets export equally); dicts and other objects are unreadable, since no
    question asks for one.
    """
    if depth > MAX_DEPTH:
        raise Unreadable("nested too deeply")
    if value is None or value is Ellipsis:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if len(value) > MAX_CHARS:
            raise Unreadable(f"a text of {len(value)} characters (at most {MAX_CHARS})")
        return value
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # NumPy scalars
        try:
            value = value.item()
        except Exception:
            raise Unreadable(f"a {type(value).__name__} that could not be converted") from None
        return plain(value, depth)
    if isinstance(value, numbers.Integral):
        number = int(value)
        if abs(number) >= 10**MAX_DIGITS:
            raise Unreadable(f"a whole number with more than {MAX_DIGITS} digits")
        return number
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise Unreadable("not a finite number (NaN or infinity): check the rows you selected are not empty")
        return number
    if isinstance(value, dict):
        raise Unreadable("a dict; the questions ask for a value or a list")
    if hasattr(value, "tolist") and callable(value.tolist):  # arrays, Series, Index
        try:
            value = value.tolist()
        except Exception:
            raise Unreadable(f"a {type(value).__name__} that could not be converted") from None
        if not isinstance(value, (list, tuple)):
            return plain(value, depth)
    if isinstance(value, (list, tuple, set, frozenset)):
        if len(value) > MAX_ITEMS:
            raise Unreadable(f"a collection of {len(value)} items (at most {MAX_ITEMS})")
        items = [plain(item, depth + 1) for item in value]
        if isinstance(value, (set, frozenset)):
            items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        return items
    raise Unreadable(f"a {type(value).__name__}, which is not a number, a text or a list")


def export_answers(namespace: dict, variables, path) -> None:
    """Write the answers file: {variable: {"value": v} | {"unanswered": true} | {"unreadable": why}}."""
    exported = {}
    for name in variables:
        if name not in namespace:
            exported[name] = {"unanswered": True}
            continue
        try:
            value = plain(namespace[name])
        except Unreadable as why:
            exported[name] = {"unreadable": str(why)}
        except Exception as error:  # an object that breaks while being read is that answer's problem only
            exported[name] = {"unreadable": f"reading it raised {type(error).__name__}"}
        else:
            exported[name] = {"unanswered": True} if value is None else {"value": value}
    Path(path).write_text(json.dumps(exported, allow_nan=False), encoding="utf-8")


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
        return {}, "the run left no answers (the kernel died, or was stopped, before the last cell)"
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
        elif isinstance(entry, dict) and set(entry) == {"unreadable"} and isinstance(entry["unreadable"], str):
            answers[name] = {"unreadable": entry["unreadable"][:160]}
        else:
            answers[name] = {"unreadable": "its exported value is not in a readable form"}
    return answers, None


def read_results(data: bytes, variables, count: int) -> list:
    """[(answers, problems)] for each of ``count`` runs, from the bytes a worker sent back, trusting nothing.

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
        return [({}, ["the run's result could not be read (broken or forged), so no answer was taken from it"]) for _ in range(count)]
    return [read_result(run, variables) for run in runs]


def read_result(result, variables):
    """(answers, problems) from one run's entry of the result, read without trusting it.

    ``answers`` maps each expected variable to an entry (``{"value": v}``,
    ``{"unanswered": True}`` or ``{"unreadable": why}``); anything missing or
    malformed becomes a problem line instead, never an exception.
    """
    variables = list(variables)
    if not isinstance(result, dict):
        return {}, ["the run's result could not be read (broken or forged), so no answer was taken from it"]
    problems = result.get("problems")
    problems = [str(p)[:200] for p in problems[:20] if isinstance(p, str)] if isinstance(problems, list) else ["the run's list of problems could not be read"]
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
        return Judged("form", f"{problem} (expected {describe_form(question['form'], question.get('choices', ()))})")
    except Exception as error:
        return Judged("form", f"could not be read ({type(error).__name__})")
    return Judged("correct") if any(canonical == good for good in accepted) else Judged("wrong")
