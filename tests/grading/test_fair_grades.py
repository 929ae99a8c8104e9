"""Fair grades (issue #16): answered as the question asks, a question scores, on every run.

* Every auto-graded question has a kind (``graded_on``): a typed correct answer scores full marks
  on a reading question; on a computation question ``check()`` warns, at once, that a typed value
  will not hold on the relabelled copy, and the gradebook says so in words.
* Grading the same folder twice with the default flags gives byte-identical gradebooks.
* Each instructor solution gives a readable answer on all 44 relabellings of the five documents,
  and honest alternative solutions (another way to compute, lists in another order, a dict's
  keys) score full marks on every one of them.
* ``check()`` and the grader accept and refuse the same answer forms; the text-reuse helpers agree.

The tests that run notebooks (the solutions, or the grader in its sandbox) are marked slow.
"""

import contextlib
import csv
import io
import re
import shutil

import nbformat
import pytest

from sourcekit import document_id, load_source_manifest, source_texts
from sourcekit.checks import AnswerChecker, AnswerFormError, load_key, read_answer
from sourcekit.paths import data_dir
from sourcekit.textreuse import longest_shared_passage, shared_passages
from sourcekit_instructor import EXERCISES_DIR, INSTRUCTOR_DIR, master_paths
from sourcekit_instructor.assign.generate import COMPUTE_IT
from sourcekit_instructor.grade.account import (
    RIGHT_ON_BOTH,
    RIGHT_ON_STORED,
    TYPED_ANSWER,
    course_variant_seed,
)
from sourcekit_instructor.grade.cli import main
from sourcekit_instructor.grade.inside.export import Unreadable, plain
from sourcekit_instructor.grade.judge import canonical_or_none, judge_plain
from sourcekit_instructor.grade.runner import Runner
from sourcekit_instructor.grade.variants import all_derangements, make_variant
from sourcekit_instructor.masters import read_master
from tests.conftest import require_sandbox

EXERCISES = (
    "background",
    "the_battle",
    "casualty_reporting",
    "international_reaction",
    "provenance",
)


def key_questions(exercise):
    return load_key(exercise)["questions"]


def instructor_notebook(exercise):
    return nbformat.read(INSTRUCTOR_DIR / f"{exercise}_exercises.ipynb", as_version=4)


@pytest.fixture(scope="module")
def stored_answers():
    """{exercise: {question id: canonical answer}}: the solutions run on the stored tables."""
    runner = Runner(timeout=120, max_time=600, sandboxed=False)
    answers = {}
    for exercise in EXERCISES:
        questions = key_questions(exercise)
        [(found, problems)] = runner.run_on(
            instructor_notebook(exercise), [q["variable"] for q in questions], [data_dir()]
        )
        assert problems == [], f"{exercise}: the solutions raise on the stored tables: {problems}"
        answers[exercise] = {
            q["id"]: canonical_or_none(q, found.get(q["variable"])) for q in questions
        }
        assert None not in answers[exercise].values(), (
            f"{exercise}: a solution gives no readable answer"
        )
    return answers


def typed_notebook(exercise, answers) -> nbformat.NotebookNode:
    """The student copy with each scaffold `variable = ...` set to the stored answer, typed in."""
    notebook = nbformat.read(EXERCISES_DIR / f"{exercise}_exercises.ipynb", as_version=4)
    typed = {q["variable"]: answers[q["id"]] for q in key_questions(exercise)}
    replaced = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for variable, value in typed.items():
            scaffold = re.compile(rf"^{re.escape(variable)} = \.\.\.\s*$", flags=re.MULTILINE)
            if scaffold.search(cell.source):
                cell.source = scaffold.sub(f"{variable} = {value!r}", cell.source)
                replaced.add(variable)
    assert replaced == set(typed), f"{exercise}: scaffolds not found for {set(typed) - replaced}"
    return notebook


# ---------------------------------------------------------------------------------------------
# Kinds
# ---------------------------------------------------------------------------------------------


def test_every_auto_graded_question_has_a_kind_and_only_computation_prompts_say_compute_it():
    kinds = {}
    for path in master_paths():
        master = read_master(path)
        text = " ".join(path.read_text(encoding="utf-8").split())
        for question in master.auto:
            assert question.get("graded_on") in ("stored", "variant"), (
                f"{path.name} {question['name']}: graded_on missing"
            )
            kinds[question["name"]] = question["graded_on"]
            prompt = re.search(
                rf"\*\*Question {re.escape(question['name'])}\*\*(.*?)```", text
            ).group(1)
            assert (COMPUTE_IT in prompt) == (question["graded_on"] == "variant"), question["name"]
        # "How to work" explains the two kinds once and names the exercise's computation questions.
        assert text.count("Two kinds of checked question") == 1
        mine = [q["name"] for q in master.auto if q["graded_on"] == "variant"]
        section = re.search(
            r"\*\*Two kinds of checked question\.\*\*(.*?)\*\*Data sources", text
        ).group(1)
        assert all(name in section for name in mine), path.name
    for exercise in EXERCISES:
        for question in key_questions(exercise):
            assert question["graded_on"] == kinds[question["id"]]
    # The judgement questions stay reading questions (none of the 20 asks for a computation here).
    judgement = [
        q for path in master_paths() for q in read_master(path).auto if q.get("needs_move")
    ]
    assert len(judgement) == 20 and all(q["graded_on"] == "stored" for q in judgement)


def test_the_course_copy_changes_every_computation_answer():
    """On the default copy a typed value of each computation question is wrong."""
    for exercise in EXERCISES:
        for question in key_questions(exercise):
            if question["graded_on"] == "variant":
                assert question["on_variant"] == "changes", (
                    f"{exercise} {question['id']}: the course's copy keeps its answer"
                )


# ---------------------------------------------------------------------------------------------
# check() predicts the grade
# ---------------------------------------------------------------------------------------------


def checked(exercise, qid, variable, value, cell_source):
    """What check(qid) prints for ``value``, set in a cell whose source is ``cell_source``."""
    namespace = {variable: value, "In": ["", cell_source, f'check("{qid}")']}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        AnswerChecker(exercise)(qid, namespace)
    return " ".join(output.getvalue().split())


@pytest.mark.slow
def test_check_warns_on_a_typed_computation_answer_and_welcomes_a_typed_reading_answer(
    stored_answers,
):
    for exercise in EXERCISES:
        for question in key_questions(exercise):
            value = stored_answers[exercise][question["id"]]
            typed = checked(
                exercise,
                question["id"],
                question["variable"],
                value,
                f"{question['variable']} = {value!r}",
            )
            if question["graded_on"] == "variant":
                assert typed.startswith(
                    f"Question {question['id']}: right on these tables, but"
                ), typed
                assert (
                    "typed in, not computed" in typed
                    and "scores 0" in typed
                    and ": correct." not in typed
                ), typed
                computed = checked(
                    exercise,
                    question["id"],
                    question["variable"],
                    value,
                    f"{question['variable']} = sorted(found)",
                )
                assert ": correct." in computed and "typed in" not in computed
            else:
                assert ": correct." in typed and "typed in" not in typed, typed


def test_a_typed_value_passed_through_a_name_or_sorted_is_still_typed():
    from sourcekit.checks import typed_in

    assert typed_in("x", {"In": ["", "y = ['001', '003']\nx = sorted(y)"]}) is True
    assert typed_in("x", {"In": ["", "x = ('001',\n     '003')"]}) is True
    assert typed_in("x", {"In": ["", "x = tuple(overlap.loc[0, ['a', 'b']])"]}) is False
    assert typed_in("x", {}) is None  # no history: check() says nothing about it


# ---------------------------------------------------------------------------------------------
# The same answer forms in check() and in the grader
# ---------------------------------------------------------------------------------------------


def grader_reads(value, form):
    """What the grader makes of ``value``: its canonical answer, or why it cannot read it."""
    try:
        exported = plain(value)
    except Unreadable as why:
        return ("refused", str(why))
    return ("read", read_answer(exported, form))


def check_reads(value, form):
    try:
        return ("read", read_answer(value, form))
    except AnswerFormError as why:
        return ("refused", str(why))


def test_check_and_grader_accept_the_same_collections_and_refuse_one_shot_iterators_alike():
    ids = ["003", "001"]
    for make in (
        lambda: {i: 1 for i in ids}.keys(),
        lambda: {1: ids[0], 2: ids[1]}.values(),
        lambda: ids,
        lambda: set(ids),
        lambda: tuple(ids),
    ):
        assert (
            check_reads(make(), "source_ids")
            == grader_reads(make(), "source_ids")
            == ("read", ["001", "003"])
        )
    for make in (
        lambda: (i for i in ids),
        lambda: filter(None, ids),
        lambda: map(str, ids),
        lambda: reversed(ids),
        lambda: iter(ids),
    ):
        by_check, by_grader = check_reads(make(), "source_ids"), grader_reads(make(), "source_ids")
        assert by_check[0] == by_grader[0] == "refused"
        assert "can be read only once" in by_check[1] and by_grader[1] in by_check[1]
    assert (
        check_reads(range(3, 5), "whole_numbers")
        == grader_reads(range(3, 5), "whole_numbers")
        == ("read", [3, 4])
    )


def test_longest_shared_passage_is_the_first_shared_passage_for_every_pair_of_documents():
    texts = source_texts()
    for a in sorted(texts):
        for b in sorted(texts):
            if a < b:
                passages = shared_passages(texts[a], texts[b])
                assert longest_shared_passage(texts[a], texts[b]) == (
                    passages[0] if passages else None
                )


def test_document_id_finds_each_document_by_what_it_is_on_any_relabelling(tmp_path, monkeypatch):
    descriptions = {
        "Wikipedia": "000",
        "Al Jazeera": "001",
        "BBC": "002",
        "Aliyev said on Sunday": "003",
        "Armenian Defense Ministry said": "004",
    }
    assert {d: document_id(d) for d in descriptions} == descriptions
    with pytest.raises(ValueError, match="give more of the words"):
        document_id("not stated")
    relabel = make_variant(data_dir(), tmp_path / "data", course_variant_seed())
    monkeypatch.setenv("SHUSHA_COURSE_DATA", str(tmp_path / "data"))
    assert {d: document_id(d) for d in descriptions} == {
        d: relabel[i] for d, i in descriptions.items()
    }
    assert sorted(load_source_manifest()["source_id"]) == sorted(descriptions.values())


# ---------------------------------------------------------------------------------------------
# Typed, computed and blank notebooks graded twice (sandboxed)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graded_twice(tmp_path_factory, stored_answers):
    require_sandbox()
    folder = tmp_path_factory.mktemp("fair-submissions")
    for exercise in EXERCISES:
        nbformat.write(
            typed_notebook(exercise, stored_answers[exercise]), folder / f"{exercise}_typed.ipynb"
        )
        shutil.copy(
            INSTRUCTOR_DIR / f"{exercise}_exercises.ipynb", folder / f"{exercise}_computed.ipynb"
        )
    shutil.copy(EXERCISES_DIR / "provenance_exercises.ipynb", folder / "provenance_blank.ipynb")
    runs = []
    for number in (1, 2):
        out = tmp_path_factory.mktemp(f"fair-out-{number}") / "gradebook.csv"
        assert main([str(folder), "--out", str(out)]) == 0
        runs.append({path.name: path.read_bytes() for path in out.parent.iterdir()})
    with open(out, encoding="utf-8", newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    return runs, rows, (out.parent / "gradebook_summary.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_same_folder_graded_twice_with_default_flags_gives_byte_identical_gradebooks(
    graded_twice,
):
    runs, _, summary = graded_twice
    first, second = runs
    gradebooks = sorted(name for name in first if name.endswith(".csv"))
    assert len(gradebooks) == 1 + len(EXERCISES)
    for name in gradebooks:
        assert first[name] == second[name], f"{name} differs between two runs"
    seed = course_variant_seed()
    assert f"seed {seed}" in summary
    assert "WARNING" not in summary  # no warning about the instructor's solutions


@pytest.mark.slow
def test_a_typed_answer_scores_on_reading_questions_and_is_explained_on_computations(
    graded_twice,
):
    _, rows, summary = graded_twice
    for exercise in EXERCISES:
        typed, computed = rows[f"{exercise}_typed.ipynb"], rows[f"{exercise}_computed.ipynb"]
        assert typed["problems"] == "" and computed["problems"] == ""
        for question in key_questions(exercise):
            qid, points = question["id"], str(question.get("points", 1))
            assert computed[f"q{qid}"] == points
            if question["graded_on"] == "stored":
                assert typed[f"q{qid}"] == points and typed[f"q{qid} held on"] == RIGHT_ON_STORED
                assert computed[f"q{qid} held on"] == RIGHT_ON_STORED
            else:
                assert typed[f"q{qid}"] == "0" and typed[f"q{qid} held on"] == TYPED_ANSWER
                assert computed[f"q{qid} held on"] == RIGHT_ON_BOTH
    assert rows["provenance_blank.ipynb"]["total"] == "0"
    assert (
        "Right on the stored tables, wrong on the relabelled copy (a typed answer?),"
        " per question: 5.1 (1)" in summary
    )


# ---------------------------------------------------------------------------------------------
# Every relabelling (slow: every solution on all 44)
# ---------------------------------------------------------------------------------------------

#: Honest other ways to answer each computation question (and a few reading ones): another method,
#: the order reversed, a dict's keys. Each must score on every relabelling, judged against the
#: instructor's solution on the same data.
ALTERNATIVES = {
    "background": {
        "1.4": "sorted(set(names[names['form'].eq('Khankendi') & names['count'].gt(0)]"
        "['source_id']), reverse=True)",
        "1.5": "{row.source_id for row in fighting_starts.itertuples()"
        " if row.date_precision == 'day'}",
    },
    "the_battle": {
        "2.4": "[row.source_id for row in distance_claims.dropna(subset=['km_min']).itertuples()"
        " if row.km_min > 2 * straight_line_km][::-1]",
        "2.5": "[source_id for source_id in sorted(texts, reverse=True)"
        " if sentence in texts[source_id]]",
    },
    "casualty_reporting": {
        "3.2": "claims[claims['claimant'].str.contains('Putin')].groupby('qualifier')"
        ".get_group('exact')['source_id'].iloc[0]",
    },
    "international_reaction": {
        "4.3": "reactions[reactions['reaction_kind'] == 'congratulation']"
        ".groupby('source_id').groups.keys()",
        "4.6": "sorted(reactions.loc[reactions['quote'].str.contains(r'\\b[Ll]iberat'),"
        " 'reaction_id'], reverse=True)",
    },
    "provenance": {
        "5.1": "(lambda row: (row.b, row.a))"
        "(max(overlap.itertuples(), key=lambda row: row.shared))",
        "5.4": "[(b, a) for a, b in itertools.combinations(sorted(denial_quotes), 2)"
        " if longest_shared_passage(denial_quotes[a], denial_quotes[b], min_words=5)]",
        "5.6": "sorted({s for s, t in texts.items() for line in t.splitlines()"
        " if re.fullmatch(r'\\[\\w+\\]', line)})",
    },
}


@pytest.fixture(scope="module")
def every_relabelling(tmp_path_factory):
    """[(relabelling, data folder)] for all 44 derangements of the five documents' ids."""
    ids = sorted(load_source_manifest()["source_id"])
    relabellings = all_derangements(ids)
    assert len(relabellings) == 44
    root = tmp_path_factory.mktemp("relabellings")
    for number, relabel in enumerate(relabellings):
        make_variant(data_dir(), root / f"copy-{number}", number, relabel=relabel)
    return [(relabel, root / f"copy-{number}") for number, relabel in enumerate(relabellings)]


@pytest.mark.slow
@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_solution_answers_and_every_honest_alternative_scores_on_all_44_relabellings(
    exercise, every_relabelling
):
    relabellings = [relabel for relabel, _ in every_relabelling]
    data_sets = [data_dir()] + [folder for _, folder in every_relabelling]
    runner = Runner(timeout=120, max_time=600, sandboxed=False)
    questions = {q["id"]: q for q in key_questions(exercise)}
    notebook = instructor_notebook(exercise)
    alternatives = ALTERNATIVES.get(exercise, {})
    extra = [
        nbformat.v4.new_code_cell(f"alternative_{qid.replace('.', '_')} = {code}")
        for qid, code in alternatives.items()
    ]
    notebook.cells += extra
    names = [q["variable"] for q in questions.values()] + [
        f"alternative_{qid.replace('.', '_')}" for qid in alternatives
    ]
    runs = runner.run_on(notebook, names, data_sets)
    for number, (answers, problems) in enumerate(runs):
        where = "the stored tables" if number == 0 else f"relabelling {relabellings[number - 1]}"
        assert problems == [], f"{exercise} on {where}: {problems}"
        for qid, question in questions.items():
            solution = canonical_or_none(question, answers.get(question["variable"]))
            assert solution is not None, f"{exercise} {qid}: no readable answer on {where}"
            if qid in alternatives:
                entry = answers.get(f"alternative_{qid.replace('.', '_')}")
                verdict = judge_plain(question, entry, [solution])
                assert verdict.correct, (
                    f"{exercise} {qid}: the alternative is {verdict.status} on {where} ({entry})"
                )


# ---------------------------------------------------------------------------------------------
# One account of grading
# ---------------------------------------------------------------------------------------------


def test_the_guides_the_readme_and_help_give_one_account_of_grading(capsys):
    from sourcekit_instructor.assign.generate import README_MARKS
    from sourcekit_instructor.grade import account

    guide = (EXERCISES_DIR / "guides" / "_grading.md").read_text(encoding="utf-8")
    assert "{include} _generated/grading.md" in guide
    assert (EXERCISES_DIR / "guides" / "_generated" / "grading.md").read_text(
        encoding="utf-8"
    ) == account.account_markdown()
    # The README's paragraph (account.SUMMARY) is rewritten by `make exercises`; the staleness test
    # in test_exercises.py holds it to the account, as it holds the generated guide pages.
    readme = (EXERCISES_DIR.parent / "README.md").read_text(encoding="utf-8")
    assert all(mark in readme for mark in README_MARKS)
    with pytest.raises(SystemExit):
        main(["--help"])
    helped = " ".join(capsys.readouterr().out.split())
    verdicts = [
        account.RIGHT_ON_STORED,
        account.RIGHT_ON_BOTH,
        account.TYPED_ANSWER,
        account.WRONG,
        account.UNANSWERED,
        account.UNREADABLE,
        account.WRONG_FORM,
    ]
    for verdict in verdicts:
        assert verdict in account.ACCOUNT and verdict in helped
    for column in (
        "submission",
        "exercise",
        "status",
        "total",
        "possible",
        "problems",
        "held on",
        "(written)",
    ):
        assert column in account.ACCOUNT and column in helped
    # None of the old story: a fresh kernel, the students' checks, one exercise per folder.
    for stale in (
        "fresh kernel",
        "exactly the checks the students saw",
        "every submission of one exercise",
    ):
        assert stale not in guide + account.SUMMARY + account.ACCOUNT
