"""A made-up class for the grading-cycle tests and benchmark:
written answers without running sandboxes.

Each student's written answer is assembled, with a seeded random generator,
from sentences of the kind a student writes (attributed, quoting a document
in quotation marks), so honest answers differ from each other; a planted copy
is a verbatim copy of another student's answer, as the similarity flag must
find. The names are fictitious and the ids made up.
"""

import json
import random
from pathlib import Path

from sourcekit_instructor.grade.account import RIGHT_ON_BOTH, RIGHT_ON_STORED, TYPED_ANSWER, WRONG
from sourcekit_instructor.grade.written import rubrics_of

EXERCISES = (
    "background",
    "the_battle",
    "casualty_reporting",
    "international_reaction",
    "provenance",
)

OPENINGS = [
    "Document {a} says that {claim}, while {b} gives a different account.",
    "According to {a}, {claim}; {b} does not repeat this.",
    "In my reading, {a} reports that {claim} but names no source for it.",
    "The report {a} claims that {claim}, and {b} leaves this out entirely.",
    "Only {a} states that {claim}, so I would not count it twice with {b}.",
]
CLAIMS = [
    "the city was taken on 8 November",
    "the fighting went on for several days",
    "the figures come from one side",
    "the population had fled during the earlier war",
    "the announcement came before any confirmation",
    "the Minsk Group brokered a truce in 1994",
    "the numbers are not broken down by city",
    "the government did not release military figures",
    "the reaction abroad was mostly cautious",
]
MIDDLES = [
    "A reader of {a} alone would picture the conflict as {adj}.",
    "This matters because {a} was written {when}, before the other reports.",
    "I think the difference comes from who is speaking in each text, and when they spoke.",
    "Neither text explains where its number comes from, which makes a comparison hard.",
    "Because {a} and {b} share wording, they may not be independent witnesses.",
    "The word {word} appears only inside a quotation from an official in {a}.",
    "We cannot tell from these documents alone which account is right.",
]
ADJECTIVES = [
    "one-sided",
    "already settled",
    "a local dispute",
    "a short episode",
    "a matter of numbers",
]
WHENS = ["on the same day", "a day later", "in the first hours", "after the ceasefire"]
WORDS = ['"liberated"', '"occupied"', '"heroic"', '"terrorists"']
FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Davit",
    "Elif",
    "Farid",
    "Gohar",
    "Hugo",
    "Ines",
    "Jamal",
    "Kamila",
    "Lev",
    "Mariam",
    "Nika",
    "Olga",
    "Pavel",
]
LAST = [
    "Aliyeva",
    "Brown",
    "Chen",
    "Davtyan",
    "Ersoy",
    "Fischer",
    "Grigoryan",
    "Huseynov",
    "Ivanova",
    "Jones",
    "Kim",
    "Lopez",
]


#: Words dropped into an answer every few words, so that two honest answers built from the same
#: sentence patterns do not share a twelve-word run (real students do not write from templates).
FILLERS = [
    "indeed",
    "clearly",
    "perhaps",
    "also",
    "here",
    "again",
    "really",
    "though",
    "still",
    "then",
    "in short",
    "to me",
    "at least",
    "as such",
    "on balance",
    "in fact",
    "above all",
    "of course",
    "so",
    "now",
    "first",
    "moreover",
    "besides",
    "likewise",
    "granted",
    "admittedly",
    "notably",
    "broadly",
    "overall",
    "plainly",
    "arguably",
    "frankly",
    "equally",
    "oddly",
    "sadly",
    "surely",
    "honestly",
    "simply",
    "mostly",
    "partly",
    "roughly",
    "openly",
    "rather",
    "largely",
    "fairly",
    "quite",
    "evidently",
    "apparently",
    "seemingly",
    "truly",
]


def _vary(rng: random.Random, text: str) -> str:
    words, out, gap = text.split(), [], rng.randrange(2, 5)
    for word in words:
        out.append(word)
        gap -= 1
        if gap == 0:
            out.append(rng.choice(FILLERS))
            gap = rng.randrange(2, 5)
    return " ".join(out)


def honest_answer(rng: random.Random, words_wanted: int = 180) -> str:
    ids = ["000", "001", "002", "003", "004"]
    sentences = []
    while sum(len(s.split()) for s in sentences) < words_wanted:
        a, b = rng.sample(ids, 2)
        template = rng.choice(OPENINGS if not sentences or rng.random() < 0.4 else MIDDLES)
        sentences.append(
            template.format(
                a=a,
                b=b,
                claim=rng.choice(CLAIMS),
                adj=rng.choice(ADJECTIVES),
                when=rng.choice(WHENS),
                word=rng.choice(WORDS),
            )
        )
    return _vary(rng, " ".join(sentences))


def students(count: int, seed: int = 2026) -> list:
    """(canvas-style file prefix, student id, display name) for ``count`` made-up students."""
    rng = random.Random(seed)
    people = []
    for n in range(count):
        first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST) + n) % len(LAST)]
        user_id = 100000 + n * 7 + rng.randrange(7)
        people.append((f"{last}{first}".lower().replace("-", ""), str(user_id), f"{first} {last}"))
    return people


def written_records(
    count: int, exercises=EXERCISES, seed: int = 2026, blank_every: int = 0, plant_copy=None
) -> list:
    """Records as ``make grade`` writes them, for ``count`` students and each
    exercise's written questions.

    Files are named as Canvas's "Download submissions" names them:
    ``<lastfirst>_<user id>_<submission id>_<exercise>_exercises.ipynb``.
    ``plant_copy=(copier index, source index)`` makes one student's answers
    verbatim copies of another's.
    """
    rng = random.Random(seed)
    records = []
    for exercise in exercises:
        for qid in rubrics_of(exercise):
            texts = []
            for index, (prefix, user_id, _name) in enumerate(students(count, seed)):
                text = (
                    ""
                    if blank_every and index % blank_every == blank_every - 1
                    else honest_answer(rng, rng.randrange(120, 240))
                )
                texts.append(text)
            if plant_copy:
                copier, source = plant_copy
                texts[copier] = texts[source]
            for index, (prefix, user_id, _name) in enumerate(students(count, seed)):
                submission = f"{prefix}_{user_id}_{7000000 + index}_{exercise}_exercises.ipynb"
                records.append(
                    {
                        "submission": submission,
                        "student": user_id,
                        "exercise": exercise,
                        "question": qid,
                        "text": texts[index],
                        "words": len(texts[index].split()),
                    }
                )
    return records


def write_records(records: list, out: Path) -> Path:
    """Write the records where ``make grade --out out`` would; returns that path."""
    path = Path(out).with_name(f"{Path(out).stem}_written_answers.json")
    path.write_text(json.dumps({"answers": records}, indent=1), encoding="utf-8")
    return path


def expected_of(exercise: str):
    """The grader's view of one exercise's key, without running the solutions
    (merge and reports need no more).
    """
    from sourcekit.checks import load_key
    from sourcekit_instructor.grade.expected import Expected

    key = load_key(exercise)
    return Expected(exercise, key["questions"], list(key.get("written", [])), {}, {})


def _candidates(question: dict) -> list:
    """Plain values worth trying for one question (its form's small space),
    to find its right and hinted answers.
    """
    import itertools

    ids = ["000", "001", "002", "003", "004"]
    form = question["form"]
    if form == "whole_number":
        return list(range(0, 3000))
    if form == "source_id":
        return ids
    if form == "source_ids":
        return [list(c) for n in range(0, 6) for c in itertools.combinations(ids, n)]
    if form == "source_id_pair":
        return [list(c) for c in itertools.combinations(ids, 2)]
    if form == "choice":
        return list(question.get("choices", ()))
    if form == "reaction_id":
        return [f"R{n:02d}" for n in range(1, 100)]
    return []


def known_answers(exercise: str) -> dict:
    """{question id: {"right": [values], "hinted": [values]}},
    found by trying every value of small forms.

    The key holds digests only; trying the whole (small) space of a form
    finds the values it accepts and those with a teaching hint (the common
    wrong answers), so the fixture's students answer as real ones do.
    Questions of large forms (free text) get no right value here.
    """
    from sourcekit.checks import digest, load_key, read_answer

    key = load_key(exercise)
    found = {}
    for question in key["questions"]:
        accept = {a["digest"] for a in question["accept"]}
        hints = {h["digest"] for h in question.get("hints", ())}
        right, hinted = [], []
        for value in _candidates(question):
            try:
                canonical = read_answer(value, question["form"], question.get("choices", ()))
            except Exception:
                continue
            d = digest(key["salt"], exercise, question["id"], canonical)
            (right if d in accept else hinted if d in hints else []).append(value)
        found[question["id"]] = {"right": right, "hinted": hinted}
    return found


_KNOWN = {}


def gradebook_rows(records: list, seed: int = 7) -> list:
    """One gradebook Row per submission in ``records``: answers drawn (seeded) from right,
    hinted and other values.

    A question whose right value the fixture cannot find is answered wrongly
    or left unanswered, never scored right without a right answer.
    """
    from sourcekit_instructor.grade.score import Row

    rng = random.Random(seed)
    rows, seen = [], {}
    for record in records:
        if record["submission"] in seen:
            row = seen[record["submission"]]
        else:
            exercise = record["exercise"]
            known = _KNOWN.setdefault(exercise, known_answers(exercise))
            row = Row(record["submission"], exercise)
            for question in expected_of(exercise).questions:
                qid, points, draw = question["id"], question.get("points", 1), rng.random()
                right, hinted = known[qid]["right"], known[qid]["hinted"]
                if right and draw < 0.65:
                    row.answers[qid], row.scores[qid] = {"value": right[0]}, points
                    if question.get("graded_on") == "stored":
                        row.held[qid] = RIGHT_ON_STORED
                    else:
                        row.held[qid] = RIGHT_ON_BOTH if rng.random() < 0.7 else TYPED_ANSWER
                    if row.held[qid] == TYPED_ANSWER:
                        row.scores[qid] = 0
                elif draw < 0.9:
                    value = (
                        rng.choice(hinted)
                        if hinted and rng.random() < 0.8
                        else (
                            "not a real answer"
                            if question["form"] in ("text", "word")
                            else 999999
                            if "number" in question["form"]
                            else "999"
                        )
                    )
                    row.answers[qid], row.scores[qid], row.held[qid] = {"value": value}, 0, WRONG
                else:
                    row.answers[qid], row.scores[qid], row.held[qid] = (
                        {"unanswered": True},
                        0,
                        "unanswered",
                    )
            seen[record["submission"]] = row
            rows.append(row)
        row.written[record["question"]] = (
            f"to grade: {record['words']} words" if record["words"] else "blank"
        )
    return rows


def write_gradebooks(rows: list, out: Path) -> dict:
    """The combined and per-exercise gradebooks as ``make grade`` writes them;
    returns {exercise: Expected}.
    """
    from sourcekit_instructor.grade.reports import write_gradebook

    expected = {name: expected_of(name) for name in sorted({r.exercise for r in rows})}
    write_gradebook(rows, expected, out)
    if len(expected) > 1:
        for name in expected:
            write_gradebook(
                [r for r in rows if r.exercise == name],
                {name: expected[name]},
                Path(out).with_name(f"{Path(out).stem}_{name}.csv"),
            )
    return expected
