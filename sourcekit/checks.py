"""Check a student's answer and say why it is right, or what to look at next.

Every exercise notebook ends each question with a check cell, ``check("5.1")``.
The check looks up the question's answer variable in the notebook, reads it
in the form the question asks for (a list of source ids, a whole number, ...)
and prints one of four kinds of feedback:

* **correct**: says so, and why it matters for reading the sources;
* **a likely mistake**: a hint written for that particular wrong answer (a
  copy counted as an independent witness, a substring count that also
  matched "Shushan");
* **the wrong form**: what form is expected, with an example;
* **not answered yet**: the variable is still ``...`` or was never set.

It never raises: an answer that breaks the check (an object whose ``len``
fails, say) gets a message too, because a traceback teaches nothing.

Answers are never stored in a student's notebook or in this package. Each
exercise's key, ``exercises/keys/<exercise>.json``, is generated from the
master notebook's solutions and holds only salted SHA-256 digests of the
*normalised* answers (ids sorted, text case-folded, numbers as integers), so
a student can compare an answer with the key but not read the key. The
feedback on an answer, which often names it, is sealed with that answer
(:func:`seal`): it can be read by giving the answer, not by opening the key.

The check is *formative*: it teaches, it does not grade. The answer spaces
are small and the key is public, so a loop over ``check()`` or a search of
the digests can find an answer; the gradebook therefore never uses these
keys. Grading (:mod:`sourcekit_instructor.grade`) runs each submission in a
sandbox that cannot see the keys, on the stored data and on a relabelled
copy, and judges the exported answers with the same readers
(:func:`read_answer`) against answers it computes from the instructor's
solutions: the forms and their messages are shared, the verdict is not.

The check predicts the grade all the same. A reading question (``graded_on:
stored`` in the key) is graded on the stored data, so what the check calls
correct scores. A computation question (``graded_on: variant``) is graded on
the relabelled copy too, where a typed value is wrong: when its answer is
right but the cell that set it typed it in (:func:`typed_in`, from the
notebook's input history), the check says so at once. Answers the grader
cannot carry out of the sandbox (a generator, ``filter``, ``map``,
``reversed``: read once, they are gone) are refused here too, in the same
words (:func:`one_shot_problem`).
"""

import ast
import hashlib
import json
import math
import numbers
import os
import re
import sys
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .paths import PROJECT_ROOT

KEY_DIR = PROJECT_ROOT / "exercises" / "keys"
#: Environment variable naming another folder of keys (the generator's scratch copies).
KEY_DIR_VARIABLE = "SHUSHA_EXERCISE_KEYS"

#: The four moves of Reading Like a Historian; every question names the one it practises.
MOVES = ("sourcing", "contextualization", "corroboration", "close reading")


class AnswerFormError(ValueError):
    """The answer is not in the form the question asks for; the message says what is wrong."""


# --------------------------------------------------------------------------
# Reading an answer in the form a question asks for
# --------------------------------------------------------------------------


def _is_text(value):
    return isinstance(value, str)


def _describe(value) -> str:
    """A short, safe description of a value for a feedback message."""
    kind = type(value).__name__
    try:
        shown = repr(value)
    except Exception:  # a repr that raises is still something to describe
        return f"a {kind}"
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"a {kind} ({shown})"


#: What the check and the grader both say of a generator, ``filter``, ``map`` or ``reversed``
#: answer: it can be read only once (the check would use it up, leaving nothing for the grade).
ONE_SHOT_ANSWER = (
    "a {kind} can be read only once (checking it would use it up): wrap it in list(...)"
)


def one_shot_problem(value):
    """The message for an answer that is a one-shot iterator, or None for any other value.

    Shared with the grader's export (:mod:`sourcekit_instructor.grade.inside.export`),
    so the check and the grade accept and refuse the same answer forms.
    """
    import collections.abc

    if isinstance(value, collections.abc.Iterator) and not isinstance(value, (str, bytes)):
        return ONE_SHOT_ANSWER.format(kind=type(value).__name__)
    return None


def _as_sequence(value, what: str) -> list:
    """A list from a list, tuple, set, dict view, range, NumPy array or pandas Series/Index;
    else AnswerFormError.
    """
    if one_shot_problem(value):
        raise AnswerFormError(f"expected {what}, but {one_shot_problem(value)}")
    if _is_text(value):
        parts = [part for part in re.split(r"[\s,;]+", str(value)) if part]
        if len(parts) > 1:
            # "001, 003" typed as one string: show the same items, each a string of its own.
            suggestion = "[" + ", ".join(repr(part) for part in parts) + "]"
            raise AnswerFormError(
                f"expected {what}, but got one piece of text {value!r}: make each item a string "
                f"of its own, in a list, like {suggestion}"
            )
        raise AnswerFormError(
            f"expected {what}, but got a single piece of text {value!r}: put "
            f"it in a list, like [{value!r}]"
        )
    if isinstance(value, dict):
        raise AnswerFormError(f"expected {what}, but got a dict; give the values in a list")
    if isinstance(value, (numbers.Number, bool)) or value is None:
        raise AnswerFormError(f"expected {what}, but got {_describe(value)}")
    if hasattr(value, "tolist") and callable(
        value.tolist
    ):  # NumPy arrays, pandas Series and Index
        value = value.tolist()
    try:
        items = list(value)
    except TypeError:
        raise AnswerFormError(f"expected {what}, but got {_describe(value)}") from None
    return items


def _as_text(value, what: str = "a piece of text in quotes") -> str:
    if hasattr(value, "item") and not _is_text(value) and getattr(value, "ndim", 1) == 0:
        value = value.item()  # a NumPy string scalar
    if not _is_text(value):
        raise AnswerFormError(f"expected {what}, but got {_describe(value)}")
    return value


@lru_cache(maxsize=1)
def known_source_ids() -> tuple:
    """The ids of the five documents, read from the manifest (not typed here)."""
    from .data import load_source_manifest

    return tuple(sorted(load_source_manifest()["source_id"]))


def _source_id(value) -> str:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        raise AnswerFormError(
            f"source ids are text with three digits, like '{value:03d}', not the number "
            f"{value}: put quotes around them"
        )
    text = _as_text(value, "a source id like '002'").strip()
    if re.fullmatch(r"\d{1,2}", text):
        raise AnswerFormError(
            f"source ids have three digits: write '{int(text):03d}', not {text!r}"
        )
    if text not in known_source_ids():
        raise AnswerFormError(
            f"{text!r} is not a source id; the documents are "
            f"{', '.join(repr(i) for i in known_source_ids())}"
        )
    return text


def _row_id(prefix: str):
    def read(value) -> str:
        text = _as_text(value, f"a row id like '{prefix}01'").strip().upper()
        if not re.fullmatch(rf"{re.escape(prefix)}\d+", text):
            raise AnswerFormError(
                f"{value!r} is not a row id of this table; they look "
                f"like '{prefix}01', '{prefix}12'"
            )
        return text

    return read


def _whole_number(value) -> int:
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0 and not _is_text(value):
        value = value.item()  # NumPy scalars
    if isinstance(value, bool):
        raise AnswerFormError(f"expected a whole number, but got {value} (True/False)")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if math.isnan(value):
            raise AnswerFormError(
                "expected a whole number, but got NaN (a missing value): check the "
                "rows you selected are not empty"
            )
        if float(value).is_integer():
            return int(value)
        raise AnswerFormError(
            f"expected a whole number, but got {value}: round it first, e.g. round({value})"
        )
    if _is_text(value):
        raise AnswerFormError(f"expected a number, but got the text {value!r}: remove the quotes")
    raise AnswerFormError(f"expected a whole number, but got {_describe(value)}")


def _normalise_text(value: str) -> str:
    text = " ".join(value.split()).casefold()
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    return text.strip(" .\"'")


@dataclass(frozen=True)
class Form:
    """A kind of answer: how to describe it, give an example, and read it.

    ``read`` turns a student's value into a canonical, JSON-serialisable
    value (so that equal answers have equal digests) or raises
    AnswerFormError saying what is wrong. ``examples`` are tried in order;
    a question shows the first one that is not its own answer.
    """

    name: str
    description: str
    examples: tuple
    read: object


def _read_source_ids(value):
    items = _as_sequence(value, "a list of source ids")
    return sorted({_source_id(item) for item in items})


def _read_pair(value):
    items = _as_sequence(value, "a pair of source ids")
    if len(items) != 2:
        raise AnswerFormError(
            f"expected a pair of two source ids, like ('000', '004'), but got {len(items)} item(s)"
        )
    pair = sorted(_source_id(item) for item in items)
    if pair[0] == pair[1]:
        raise AnswerFormError("a pair needs two different documents")
    return pair


def _read_pairs(value):
    items = _as_sequence(value, "a list of pairs of source ids")
    return sorted({tuple(_read_pair(item)) for item in items})


def _read_whole_number_pair(value):
    items = _as_sequence(value, "a pair of whole numbers")
    if len(items) != 2:
        raise AnswerFormError(
            f"expected two whole numbers, (lowest, highest), but got {len(items)} item(s)"
        )
    return [_whole_number(item) for item in items]


def _read_text(value):
    text = _normalise_text(_as_text(value))
    if not text:
        raise AnswerFormError("the text is empty")
    return text


def _read_texts(value):
    return sorted({_read_text(item) for item in _as_sequence(value, "a list of pieces of text")})


def _read_word(value):
    text = _read_text(value)
    if " " in text:
        raise AnswerFormError(f"expected a single word, but got {value!r}")
    return text


FORMS = {
    form.name: form
    for form in (
        Form("source_id", "one source id, as text", ("'000'", "'004'"), _source_id),
        Form(
            "source_ids",
            "a list of source ids",
            ("['000', '004']", "['001', '002']"),
            _read_source_ids,
        ),
        Form(
            "source_id_pair",
            "a pair of two source ids",
            ("('000', '004')", "('001', '002')"),
            _read_pair,
        ),
        Form(
            "source_id_pairs",
            "a list of pairs of source ids",
            ("[('000', '004'), ('001', '002')]", "[('000', '001')]"),
            _read_pairs,
        ),
        Form("whole_number", "a whole number (an int, no quotes)", ("7", "12"), _whole_number),
        Form(
            "whole_number_pair",
            "two whole numbers, (lowest, highest)",
            ("(10, 20)", "(1, 2)"),
            _read_whole_number_pair,
        ),
        Form("text", "a piece of text in quotes", ("'the Kremlin'", "'Al Jazeera'"), _read_text),
        Form(
            "texts",
            "a list of pieces of text",
            ("['Russian']", "['third party', 'outlet']"),
            _read_texts,
        ),
        Form("word", "a single word in quotes", ("'soldiers'", "'city'"), _read_word),
        Form(
            "claim_id", "one claim id from casualty_claims.csv", ("'C01'", "'C02'"), _row_id("C")
        ),
        Form(
            "reaction_id", "one reaction id from reactions.csv", ("'R01'", "'R02'"), _row_id("R")
        ),
        Form("event_id", "one event id from timeline.csv", ("'T01'", "'T02'"), _row_id("T")),
    )
}


def _read_ids_of(prefix, what):
    one = _row_id(prefix)

    def read(value):
        return sorted({one(item) for item in _as_sequence(value, what)})

    return read


def _read_whole_numbers(value):
    """A list of whole numbers (e.g. the numbers of sentences in a printed list), sorted,
    each once.
    """
    return sorted({_whole_number(item) for item in _as_sequence(value, "a list of whole numbers")})


FORMS["whole_numbers"] = Form(
    "whole_numbers", "a list of whole numbers", ("[1, 3]", "[2]"), _read_whole_numbers
)


for _prefix, _name, _what in (
    ("C", "claim_ids", "a list of claim ids"),
    ("R", "reaction_ids", "a list of reaction ids"),
    ("T", "event_ids", "a list of event ids"),
):
    FORMS[_name] = Form(
        _name,
        f"{_what}",
        (f"['{_prefix}01', '{_prefix}02']", f"['{_prefix}03']"),
        _read_ids_of(_prefix, _what),
    )


def read_answer(value, form: str, choices=()):
    """The canonical form of ``value`` as an answer of kind ``form``;
    AnswerFormError if it is not one.

    ``form`` is a key of :data:`FORMS`, or ``"choice"`` with ``choices``, the
    allowed options (compared case-insensitively).
    """
    if form == "choice":
        text = _read_text(value)
        allowed = {_normalise_text(c): c for c in choices}
        if text not in allowed:
            raise AnswerFormError(
                f"{value!r} is not one of the options: {', '.join(repr(c) for c in choices)}"
            )
        return text
    return FORMS[form].read(value)


def describe_form(form: str, choices=()) -> str:
    """The words a feedback message uses for what a question expects."""
    if form == "choice":
        return "one of " + ", ".join(repr(c) for c in choices)
    return FORMS[form].description


def _payload(canonical) -> str:
    return json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(salt: str, exercise: str, question: str, canonical) -> str:
    """Salted SHA-256 of a canonical answer: comparable, not readable."""
    return hashlib.sha256(
        f"{salt}|{exercise}|{question}|{_payload(canonical)}".encode("utf-8")
    ).hexdigest()


def _keystream(salt, exercise, question, canonical, length):
    secret = hashlib.sha256(
        f"{salt}|{exercise}|{question}|feedback|{_payload(canonical)}".encode("utf-8")
    ).digest()
    blocks = (
        hashlib.sha256(secret + counter.to_bytes(4, "big")).digest()
        for counter in range(length // 32 + 1)
    )
    return b"".join(blocks)[:length]


def seal(message: str, salt: str, exercise: str, question: str, canonical) -> str:
    """``message`` made readable only with ``canonical``, the answer it is feedback on.

    The feedback on an answer (why it is right; the hint for a particular
    mistake) often says what the answer is, so the key stores it sealed with
    a keystream derived from that answer: a student reads it by giving the
    answer, not by opening the key file. (A keystream from SHA-256, enough to
    keep feedback out of sight; not a cipher for secrets.)
    """
    data = message.encode("utf-8")
    return bytes(
        a ^ b for a, b in zip(data, _keystream(salt, exercise, question, canonical, len(data)))
    ).hex()


def unseal(sealed: str, salt: str, exercise: str, question: str, canonical) -> str:
    """The message :func:`seal` sealed with the same answer."""
    data = bytes.fromhex(sealed)
    return bytes(
        a ^ b for a, b in zip(data, _keystream(salt, exercise, question, canonical, len(data)))
    ).decode("utf-8")


# --------------------------------------------------------------------------
# Keys and feedback
# --------------------------------------------------------------------------


class MissingKeyError(LookupError):
    """An exercise or question has no key (the notebook and the keys are out of step)."""


def load_key(exercise: str, key_dir=None) -> dict:
    """The generated key of one exercise (digests, hints, forms; no plain answers)."""
    path = Path(key_dir or os.environ.get(KEY_DIR_VARIABLE) or KEY_DIR) / f"{exercise}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MissingKeyError(
            f"no answer key for exercise {exercise!r} (expected {path}); regenerate the "
            "exercises with `make exercises`"
        ) from None


@dataclass(frozen=True)
class Verdict:
    """The result of checking one answer: ``status`` is correct, wrong, form or unanswered."""

    question: str
    status: str
    message: str
    points: float
    score: float


UNANSWERED = object()


def _is_unanswered(value) -> bool:
    return value is UNANSWERED or value is Ellipsis or value is None


def judge(question: dict, salt: str, exercise: str, value) -> Verdict:
    """Check ``value`` against one question of a key; never raises for a student's value."""
    label = f"Question {question['id']}"
    points = question.get("points", 1)
    variable = question["variable"]
    expected = describe_form(question["form"], question.get("choices", ()))
    example = question.get("example")
    if _is_unanswered(value):
        return Verdict(
            question["id"],
            "unanswered",
            f"{label}: not answered yet. Set `{variable}` in the cell above (replace the ...), "
            "run that cell, then run this one.",
            points,
            0,
        )
    try:
        canonical = read_answer(value, question["form"], question.get("choices", ()))
    except AnswerFormError as problem:
        tail = f" Expected {expected}" + (f", for example {example}." if example else ".")
        return Verdict(
            question["id"],
            "form",
            f"{label}: not in the expected form: {problem}.{tail}",
            points,
            0,
        )
    except Exception as error:  # the student's object broke while being read
        return Verdict(
            question["id"],
            "form",
            f"{label}: could not read this answer ({type(error).__name__}: "
            f"{error}). Expected {expected}.",
            points,
            0,
        )
    answer_digest = digest(salt, exercise, question["id"], canonical)
    for accepted in question["accept"]:
        if answer_digest == accepted["digest"]:
            says = unseal(accepted["says"], salt, exercise, question["id"], canonical)
            return Verdict(question["id"], "correct", f"{label}: correct. {says}", points, points)
    for hint in question.get("hints", ()):
        if answer_digest == hint["digest"]:
            says = unseal(hint["says"], salt, exercise, question["id"], canonical)
            return Verdict(question["id"], "wrong", f"{label}: not yet. {says}", points, 0)
    return Verdict(
        question["id"], "wrong", f"{label}: not yet. {question['otherwise']}", points, 0
    )


#: Calls that leave a typed-in value typed in: ``sorted(['001', '004'])`` is still typed.
_WRAPPERS = {"sorted", "list", "tuple", "set", "frozenset", "int", "float", "str", "round"}


def _assigned_value(tree, variable):
    """The last expression a parsed cell assigns to ``variable`` (also in ``a, b = x, y``),
    or None.
    """
    found = None
    for node in ast.walk(tree):
        pairs = []
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, (ast.Tuple, ast.List))
                    and isinstance(node.value, (ast.Tuple, ast.List))
                    and len(target.elts) == len(node.value.elts)
                ):
                    pairs += list(zip(target.elts, node.value.elts))
                else:
                    pairs.append((target, node.value))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            pairs.append((node.target, node.value))
        for target, value in pairs:
            if isinstance(target, ast.Name) and target.id == variable:
                if found is None or (node.lineno, node.col_offset) >= (
                    found[0].lineno,
                    found[0].col_offset,
                ):
                    found = (node, value)
    return found[1] if found else None


def _is_typed(value, history, depth=0) -> bool:
    """True if an expression is a literal, a literal wrapped in sorted()/list()...,
    or a name typed so.
    """
    try:
        ast.literal_eval(value)
        return True
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        pass
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in _WRAPPERS
        and len(value.args) == 1
        and not value.keywords
    ):
        return _is_typed(value.args[0], history, depth + 1)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)) and value.elts:
        return all(_is_typed(item, history, depth + 1) for item in value.elts)
    if isinstance(value, ast.Name) and depth < 5:
        source = _last_assignment(value.id, history)
        return source is not None and _is_typed(source, history, depth + 1)
    return False


def _last_assignment(variable, history):
    """The expression the latest cell in ``history`` that assigns ``variable`` gives it,
    or None.
    """
    for source in reversed(history):
        if not isinstance(source, str) or variable not in source:
            continue
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        value = _assigned_value(tree, variable)
        if value is not None:
            return value
    return None


def typed_in(variable: str, namespace: dict):
    """True if the cell that last set ``variable`` gave it a typed value rather than computing it.

    Read from the notebook's input history (IPython's ``In``), which the
    kernel keeps in the namespace; None when there is no history to read (the
    check then says nothing about it). The grader does not use this: it runs
    computation questions again on a relabelled copy, where a typed value is
    wrong. This only lets ``check()`` say so before the grade does.
    """
    history = namespace.get("In", namespace.get("_ih"))
    if not isinstance(history, list):
        return None
    value = _last_assignment(variable, history)
    if value is None:
        return None
    return _is_typed(value, history)


def _print_wrapped(message: str) -> None:
    # One write, so the message arrives as one output however the kernel flushes.
    sys.stdout.write(
        textwrap.fill(message, width=76, break_long_words=False, break_on_hyphens=False) + "\n"
    )


class AnswerChecker:
    """The ``check`` function of one exercise notebook.

    ``check("5.1")`` finds the question's answer variable in the notebook's
    namespace (so an unset variable is "not answered yet", not a NameError),
    prints feedback and returns None (a returned value would become part of
    the cell's output).
    """

    def __init__(self, exercise: str, key_dir=None):
        self.exercise = exercise
        self._key_dir = key_dir
        self._key = None

    def _load(self):
        if self._key is None:
            self._key = load_key(self.exercise, self._key_dir)
        return self._key

    def __call__(self, question_id: str, namespace=None) -> None:
        try:
            key = self._load()
            questions = {q["id"]: q for q in key["questions"]}
            if question_id not in questions:
                _print_wrapped(
                    f"There is no auto-checked question {question_id!r} in this exercise; the "
                    f"questions are {', '.join(questions)}."
                )
                return None
            question = questions[question_id]
            if namespace is None:
                namespace = sys._getframe(1).f_globals
            value = namespace.get(question["variable"], UNANSWERED)
            verdict = judge(question, key["salt"], self.exercise, value)
            message = verdict.message
            if (
                question.get("graded_on") == "variant"
                and verdict.status == "correct"
                and typed_in(question["variable"], namespace)
            ):
                # Said first, so that a student who reads only the first
                # line is not told "correct".
                why = message.split(": correct. ", 1)[-1]
                message = (
                    f"Question {question_id}: right on these tables, but "
                    f"`{question['variable']}` is typed in, not"
                    " computed. This is a computation question: the grader runs "
                    "your code again on a copy of the"
                    " tables with the documents relabelled, where a typed value will "
                    "not hold and scores 0. Compute"
                    f" it with code, as the question asks. (Why the value is right: {why})"
                )
            _print_wrapped(message)
        except MissingKeyError as error:
            _print_wrapped(str(error))
        except Exception as error:  # a broken key file must not become a traceback wall either
            _print_wrapped(
                f"The check itself failed ({type(error).__name__}: {error}); tell your instructor."
            )
        return None

    def __repr__(self):
        return f"<answer checker for the {self.exercise!r} exercise>"


def answer_checker(exercise: str) -> AnswerChecker:
    """The check function of an exercise notebook: ``check = answer_checker("provenance")``."""
    return AnswerChecker(exercise)
