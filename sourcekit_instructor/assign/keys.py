"""Build an exercise's answer key from its solutions, inside the kernel that ran them.

The generator runs the instructor copy (solutions in place) on a fresh
kernel, then calls :func:`build_key` in that same kernel: every answer is
read from the solution's own variables, so the key is computed from
``data/`` by the master's code and never typed by hand. Hints for likely
mistakes are given in the master either as a literal ``value`` or as
``code`` evaluated in the solution namespace (a substring count, a copy
counted twice), so they follow the data too.

The key holds digests, not answers (see :mod:`sourcekit.checks`): the
feedback for each accepted answer and each hinted mistake is sealed with that
answer, because "why this is right" usually says what "this" is.

Before the key is returned it is tested against itself: each solution must
be judged correct, and each hint's wrong answer must be judged wrong *with
that hint*. A hint that equals the answer, or two hints that collide, stop
the generation with a message naming the question.
"""

import hashlib

from sourcekit.checks import FORMS, MOVES, AnswerFormError, digest, judge, read_answer, seal

#: Keys every auto-graded question needs in its ``# BEGIN QUESTION`` block.
REQUIRED = ("name", "move", "variable", "form", "correct", "hints", "otherwise", "graded_on")
#: How a question is graded (docs/question-format.md): a reading question on the stored tables
#: only, a computation question on the stored tables and on the relabelled copy.
GRADED_ON = ("stored", "variant")


class KeyBuildError(ValueError):
    """A question in a master cannot be turned into a key; the message says which and why."""


def salt_for(exercise: str) -> str:
    """A fixed salt per exercise, so regenerating gives the same key
    (and no two exercises share one).
    """
    return hashlib.sha256(f"shusha-shushi-exercises/{exercise}".encode()).hexdigest()[:16]


def _canonical(question, value, what):
    try:
        return read_answer(value, question["form"], question.get("choices", ()))
    except AnswerFormError as problem:
        raise KeyBuildError(
            f"question {question['name']}: {what} is not a valid answer: {problem}"
        ) from None


def validate_question(question: dict) -> None:
    """Raise KeyBuildError if an auto-graded question's config is incomplete."""
    name = question.get("name", "?")
    missing = [key for key in REQUIRED if key not in question]
    if missing:
        raise KeyBuildError(
            f"question {name}: missing {', '.join(missing)} in its BEGIN QUESTION block"
        )
    if question["move"] not in MOVES:
        raise KeyBuildError(
            f"question {name}: move {question['move']!r} is not one of {', '.join(MOVES)}"
        )
    if question["graded_on"] not in GRADED_ON:
        raise KeyBuildError(
            f"question {name}: graded_on must be one of "
            f"{', '.join(GRADED_ON)}, not {question['graded_on']!r}"
        )
    for alternative in question.get("also_accept", ()):
        if isinstance(alternative, dict) and set(alternative) != {"value", "say"}:
            raise KeyBuildError(
                f"question {name}: an also_accept entry is a value, "
                "or has exactly 'value' and 'say'"
            )
    if question["form"] != "choice" and question["form"] not in FORMS:
        raise KeyBuildError(f"question {name}: unknown form {question['form']!r}")
    if question["form"] == "choice" and not question.get("choices"):
        raise KeyBuildError(f"question {name}: a 'choice' question needs its choices")
    if not question["hints"]:
        raise KeyBuildError(
            f"question {name}: give at least one likely wrong answer with its hint"
        )
    for hint in question["hints"]:
        if ("value" in hint) == ("code" in hint) or "say" not in hint:
            raise KeyBuildError(
                f"question {name}: each hint needs 'say' and exactly one of 'value' or 'code'"
            )


def build_key(exercise: str, questions: list, namespace: dict) -> dict:
    """The key of one exercise: digests of the solutions' answers, hints, forms and examples.

    ``questions`` are the auto-graded questions' configs from the master;
    ``namespace`` is the globals of the kernel that ran the solutions.
    """
    salt = salt_for(exercise)
    entries = []
    for question in questions:
        validate_question(question)
        qid = str(question["name"])
        if question["variable"] not in namespace:
            raise KeyBuildError(
                f"question {qid}: the solution never sets {question['variable']!r}"
            )
        answer = _canonical(
            question, namespace[question["variable"]], f"the solution's {question['variable']}"
        )
        correct = " ".join(question["correct"].split())
        # Each other defensible reading is accepted with its own feedback ("say"),
        # naming the reading it takes.
        accepted = [(answer, correct)]
        for alternative in question.get("also_accept", ()):
            value, say = (
                (alternative["value"], " ".join(alternative["say"].split()))
                if isinstance(alternative, dict)
                else (alternative, correct)
            )
            accepted.append((_canonical(question, value, f"also_accept value {value!r}"), say))
        accept_by_digest = {}
        for value, says in accepted:
            accept_by_digest.setdefault(
                digest(salt, exercise, qid, value), seal(says, salt, exercise, qid, value)
            )
        accept = sorted(accept_by_digest)
        hints = []
        for hint in question["hints"]:
            if "code" in hint:
                try:
                    wrong = eval(hint["code"], dict(namespace))  # noqa: S307 - the master's own code
                except Exception as error:
                    raise KeyBuildError(
                        f"question {qid}: hint code {hint['code']!r} raised "
                        f"{type(error).__name__}: {error}"
                    ) from None
            else:
                wrong = hint["value"]
            wrong_canonical = _canonical(question, wrong, f"hint value {wrong!r}")
            wrong_digest = digest(salt, exercise, qid, wrong_canonical)
            if wrong_digest in accept:
                raise KeyBuildError(
                    f"question {qid}: the hint {hint['say'][:40]!r}... "
                    "is for an answer that is correct"
                )
            if any(wrong_digest == other["digest"] for other in hints):
                raise KeyBuildError(f"question {qid}: two hints are for the same wrong answer")
            hints.append(
                {
                    "digest": wrong_digest,
                    "says": seal(
                        " ".join(hint["say"].split()), salt, exercise, qid, wrong_canonical
                    ),
                }
            )
        examples = FORMS[question["form"]].examples if question["form"] != "choice" else ()
        example = None
        for candidate in examples:
            # An example equal to the answer would give it away: use the next one.
            canonical = read_answer(eval(candidate), question["form"])  # noqa: S307 - our literals
            if digest(salt, exercise, qid, canonical) not in accept:
                example = candidate
                break
        entry = {
            "id": qid,
            "variable": question["variable"],
            "form": question["form"],
            "move": question["move"],
            "points": question.get("points", 1),
            "graded_on": question["graded_on"],
            "accept": [{"digest": d, "says": accept_by_digest[d]} for d in accept],
            "hints": hints,
            "otherwise": " ".join(question["otherwise"].split()),
        }
        if question["form"] == "choice":
            entry["choices"] = list(question["choices"])
        if example:
            entry["example"] = example
        entries.append(entry)
    key = {"exercise": exercise, "salt": salt, "questions": entries}
    _self_test(key, questions, namespace)
    return key


def _self_test(key: dict, questions: list, namespace: dict) -> None:
    """Each solution is judged correct; each hint's answer is judged wrong with that hint."""
    for entry, question in zip(key["questions"], questions):
        verdict = judge(entry, key["salt"], key["exercise"], namespace[question["variable"]])
        if verdict.status != "correct":
            raise KeyBuildError(
                f"question {entry['id']}: the solution is not judged correct: {verdict.message}"
            )
        for spec in question["hints"]:
            wrong = eval(spec["code"], dict(namespace)) if "code" in spec else spec["value"]  # noqa: S307
            verdict = judge(entry, key["salt"], key["exercise"], wrong)
            say = " ".join(spec["say"].split())
            if verdict.status != "wrong" or say not in verdict.message:
                raise KeyBuildError(
                    f"question {entry['id']}: the wrong answer for hint "
                    f"{say[:40]!r} is not judged wrong with it"
                )
