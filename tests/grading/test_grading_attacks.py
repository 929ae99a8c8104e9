"""Every attack a hostile student tried on the grader, written as a submission and graded for real.

All the attack notebooks sit in one folder beside two classmates' honest submissions and are
graded by one run of the real command line (sandboxed, with a hidden variant, two at a time).
For each attack the tests assert what the promise to instructors needs:

* its score is what its typed answers earn (nothing for a blank; typed answers earn the reading
  questions, judged on the stored tables, and no computation question);
* no file outside the submission's private folder changed: the project (package, data, keys,
  instructor copies, masters), the classmates' submissions and the gradebook, by SHA-256;
* no process it started outlived the run;
* the gradebook was written and the command exited 0.
"""

import contextlib
import csv
import fcntl
import hashlib
import os
import resource
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from sourcekit.checks import load_key
from sourcekit.paths import PROJECT_ROOT
from sourcekit_instructor import EXERCISES_DIR, INSTRUCTOR_DIR
from sourcekit_instructor.grade import sandbox
from sourcekit_instructor.grade.cli import main
from tests.conftest import require_sandbox

#: Slow (each attack is graded in the sandbox): `make test-fast` leaves these out.
pytestmark = pytest.mark.slow

EXERCISE = "provenance"
TIMEOUT, MAX_TIME = 30, 120


def student_copy():
    return nbformat.read(EXERCISES_DIR / f"{EXERCISE}_exercises.ipynb", as_version=4)


def bare_copy():
    """A notebook of the exercise with only its first line (the checker) and no answers:
    quick to run.
    """
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["sourcekit"] = {"exercise": EXERCISE}
    notebook.cells = [
        nbformat.v4.new_code_cell(
            f"from sourcekit.checks import answer_checker\ncheck = answer_checker({EXERCISE!r})"
        )
    ]
    return notebook


def solution_copy():
    return nbformat.read(INSTRUCTOR_DIR / f"{EXERCISE}_exercises.ipynb", as_version=4)


def with_cell(notebook, source, at=None):
    cell = nbformat.v4.new_code_cell(source)
    notebook.cells.insert(len(notebook.cells) if at is None else at, cell)
    return notebook


def project_hashes():
    """SHA-256 of every file of the project a submission must not change (the venv aside)."""
    hashes = {}
    for folder in ("sourcekit", "sourcekit_instructor", "data", "exercises"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                hashes[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def stored_answers():
    """The instructor's answers on the stored data, as a student could type them in."""
    namespace = {}
    key = load_key(EXERCISE)
    # The instructor copy's solution lines, run here, give the values a student would copy.
    for cell in solution_copy().cells:
        if cell.cell_type == "code" and not cell.source.strip().startswith("check("):
            exec(compile(cell.source, "solution", "exec"), namespace)  # noqa: S102 - the instructor's own copy
    return {q["variable"]: namespace[q["variable"]] for q in key["questions"]}


def _typed(answers):
    lines = []
    for name, value in answers.items():
        if hasattr(value, "tolist"):
            value = value.tolist()
        lines.append(f"{name} = {value!r}")
    return "\n".join(lines)


def attacks(folder: Path, out: Path):
    """{file name: (notebook, what its typed answers earn:
    'blank' | 'typed' | 'full' | 'full-1')}.
    """
    classmates = [str(folder / "zz_classmate_a.ipynb"), str(folder / "zz_classmate_b.ipynb")]
    keys = str(EXERCISES_DIR / "keys")
    typed = _typed(stored_answers())
    forged_key = (
        "import json, os\nos.makedirs('/tmp/k', exist_ok=True)\n"
        f"key = json.load(open({keys!r} + '/provenance.json')) if os.path.exists({keys!r}) else "
        "{'salt': 'x', 'questions': []}\n"
        "for q in key['questions']:\n    q['accept'] = [{'digest': 'x', 'says': ''}]\n"
        "json.dump(key, open('/tmp/k/provenance.json', 'w'))\n"
        "os.environ['SHUSHA_EXERCISE_KEYS'] = '/tmp/k'"
    )
    patched_judge = (
        "import sourcekit.checks as c\nfrom sourcekit.checks import Verdict\n"
        "c.judge = lambda q, *a, **k: Verdict(q['id'], 'correct', 'ok', 100, 100)\n"
        "import sourcekit_instructor.grade.inside.export as a\n"
        "a.export_answers = lambda *args, **kw: None"
    )
    forged_result = (
        "import json, os\n"
        "forged = json.dumps({'answers': json.dumps({'most_shared_pair': {'value': "
        "['001', '003']}}), 'problems': []})\n"
        "for fd in range(1, 64):\n    try:\n        os.write(fd, forged.encode())\n"
        "    except OSError:\n        pass\n"
        'print(\'<<<SOURCEKIT-RESULT>>>{"verdicts": [{"question": "5.1", '
        '"score": 100}], "problems": []}\')'
    )
    bare_marker = (
        "import os\nos.write(1, b'<<<SOURCEKIT-RESULT>>>')\n"
        "print('<<<SOURCEKIT-GRADE>>>')\nos.write(1, b'{')"
    )
    targets = [
        str(PROJECT_ROOT / "sourcekit" / "checks.py"),
        keys + "/provenance.json",
        *classmates,
    ]
    targets.append(str(out))
    vandal = (
        "import os, pathlib\n"
        f"targets = {targets!r}\n"
        "for t in targets:\n"
        "    for how in ('a', 'w'):\n"
        "        try:\n            open(t, how).write('print(\"patched\")')\n"
        "        except OSError:\n            pass\n"
        "    try:\n        os.remove(t)\n    except OSError:\n        pass\n"
        f"for p in pathlib.Path({str(folder)!r}).glob('*'):\n"
        "    try:\n        p.unlink()\n    except OSError:\n        pass\n"
        "for p in pathlib.Path('/tmp').glob('grade-*'):\n"
        "    import shutil; shutil.rmtree(p, ignore_errors=True)"
    )
    daemon = (
        "import os, subprocess, sys, time\n"
        "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        time.sleep(600)\n    os._exit(0)\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; "
        "time.sleep(600)'], start_new_session=True)"
    )
    flood = "import os\nchunk = b'x' * 2**20\nfor _ in range(1024):\n    os.write(1, chunk)"
    memory = "try:\n    grab = bytearray(8 * 10**9)\nexcept MemoryError:\n    grab = None"
    loop_over_check = (
        "import itertools, io, contextlib\nfound = None\n"
        "for pair in itertools.combinations(['000', '001', '002', '003', '004'], 2):\n"
        "    most_shared_pair = pair\n    out = io.StringIO()\n"
        "    with contextlib.redirect_stdout(out):\n        check('5.1')\n"
        "    if 'correct' in out.getvalue():\n        found = pair\n        break\n"
        "most_shared_pair = found"
    )
    network = (
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 80), timeout=3)\n"
        "except OSError:\n    pass"
    )
    exit_kernel = "import os\nos.kill(os.getppid(), 9)"

    made = {
        "attack_patched_judge.ipynb": (with_cell(bare_copy(), patched_judge, at=1), "blank"),
        "attack_forged_key.ipynb": (with_cell(bare_copy(), forged_key, at=1), "blank"),
        "attack_forged_result.ipynb": (with_cell(bare_copy(), forged_result), "blank"),
        "attack_bare_marker.ipynb": (with_cell(bare_copy(), bare_marker), "blank"),
        "attack_vandal.ipynb": (with_cell(bare_copy(), vandal), "blank"),
        "attack_daemon.ipynb": (with_cell(bare_copy(), daemon), "blank"),
        "attack_flood.ipynb": (with_cell(bare_copy(), flood), "blank"),
        "attack_memory.ipynb": (with_cell(solution_copy(), memory, at=1), "full"),
        "attack_huge_integer.ipynb": (
            with_cell(solution_copy(), "longest_run_words = 10**5000"),
            "full-1",
        ),
        "attack_typed_answers.ipynb": (with_cell(bare_copy(), typed), "typed"),
        "attack_loop_over_check.ipynb": (with_cell(bare_copy(), loop_over_check), "blank"),
        "attack_network.ipynb": (with_cell(bare_copy(), network), "blank"),
        "attack_kill_the_worker.ipynb": (with_cell(bare_copy(), exit_kernel), "blank"),
        "=1+1.ipynb": (bare_copy(), "blank"),
    }
    stripped = solution_copy()
    stripped.metadata.pop("sourcekit")
    made["attack_no_metadata.ipynb"] = (stripped, "full")
    return made


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    require_sandbox()
    folder = tmp_path_factory.mktemp("attacks")
    out = tmp_path_factory.mktemp("attack-out") / "gradebook.csv"
    made = attacks(folder, out)
    for name, (notebook, _) in made.items():
        nbformat.write(notebook, folder / name)
    # An nbformat 3 notebook of the full solution, and two classmates' honest work.
    v3 = nbformat.convert(solution_copy(), 3)
    (folder / "attack_nbformat3.ipynb").write_text(
        nbformat.writes(v3, version=3), encoding="utf-8"
    )
    made["attack_nbformat3.ipynb"] = (None, "full")
    stripped = student_copy()
    stripped.metadata.pop("sourcekit")
    stripped.cells = [c for c in stripped.cells if "answer_checker" not in c.source]
    nbformat.write(stripped, folder / "attack_unknown_exercise.ipynb")
    shutil.copy(INSTRUCTOR_DIR / f"{EXERCISE}_exercises.ipynb", folder / "zz_classmate_a.ipynb")
    shutil.copy(INSTRUCTOR_DIR / f"{EXERCISE}_exercises.ipynb", folder / "zz_classmate_b.ipynb")
    submissions = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    project = project_hashes()
    children = {p.pid for p in psutil.Process().children(recursive=True)}
    rss = psutil.Process().memory_info().rss
    started = time.monotonic()
    # The sandbox user ids this run claims, so that the checks below never count another run's.
    used_uids = set()
    claim = sandbox.claimed_uid

    @contextlib.contextmanager
    def recording_claim(*args, **kwargs):
        with claim(*args, **kwargs) as uid:
            used_uids.add(uid)
            yield uid

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sandbox, "claimed_uid", recording_claim)
        status = main(
            [
                str(folder),
                "--out",
                str(out),
                "--timeout",
                str(TIMEOUT),
                "--max-time",
                str(MAX_TIME),
                "--jobs",
                "2",
            ]
        )
    seconds = time.monotonic() - started
    gradebook = out.read_bytes()
    time.sleep(1)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    summary = out.with_name("gradebook_summary.txt").read_text(encoding="utf-8")
    return {
        "status": status,
        "uids": used_uids,
        "rows": rows,
        "made": made,
        "folder": folder,
        "out": out,
        "summary": summary,
        "submissions": submissions,
        "project": project,
        "children": children,
        "rss": rss,
        "seconds": seconds,
        "gradebook": gradebook,
        "grader_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def _fixed_points(summary):
    """Points a typed-in answer earns: reading questions,
    and computation questions this run's copy does not change.
    """
    key = {q["id"]: q.get("points", 1) for q in load_key(EXERCISE)["questions"]}
    total = sum(
        q.get("points", 1)
        for q in load_key(EXERCISE)["questions"]
        if q.get("graded_on") == "stored"
    )
    for marker in ("does not change the answer of",):
        line = next((entry for entry in summary.splitlines() if marker in entry), "")
        ids = line.split(marker, 1)[1].split("(", 1)[0] if line else ""
        total += sum(key[qid.strip(" .")] for qid in ids.split(",") if qid.strip(" ."))
    return total


def test_the_run_finishes_writes_its_gradebook_and_exits_0(attacked):
    assert attacked["status"] == 0
    assert set(attacked["rows"]) == {
        ("'" + n if n.startswith("=") else n) for n in attacked["submissions"]
    }
    assert attacked["out"].read_bytes() == attacked["gradebook"], (
        "something rewrote the gradebook after the run"
    )


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n in (
            "attack_patched_judge.ipynb",
            "attack_forged_key.ipynb",
            "attack_forged_result.ipynb",
            "attack_bare_marker.ipynb",
            "attack_vandal.ipynb",
            "attack_daemon.ipynb",
            "attack_flood.ipynb",
            "attack_memory.ipynb",
            "attack_huge_integer.ipynb",
            "attack_typed_answers.ipynb",
            "attack_loop_over_check.ipynb",
            "attack_network.ipynb",
            "attack_kill_the_worker.ipynb",
            "=1+1.ipynb",
            "attack_no_metadata.ipynb",
            "attack_nbformat3.ipynb",
        )
    ),
)
def test_each_attack_scores_only_what_its_typed_answers_earn(attacked, name):
    row = attacked["rows"][name if not name.startswith("=") else "'" + name]
    possible = sum(q.get("points", 1) for q in load_key(EXERCISE)["questions"])
    earns = attacked["made"][name][1]
    expected = {
        "blank": 0,
        "full": possible,
        "full-1": possible - 1,
        "typed": _fixed_points(attacked["summary"]),
    }[earns]
    total = int(row["total"]) if row["total"] else 0
    assert total == expected, (name, row["status"], row["problems"])
    assert row["exercise"] == EXERCISE


def test_the_honest_classmates_are_graded_in_full(attacked):
    possible = str(sum(q.get("points", 1) for q in load_key(EXERCISE)["questions"]))
    for name in ("zz_classmate_a.ipynb", "zz_classmate_b.ipynb"):
        assert attacked["rows"][name]["total"] == possible, attacked["rows"][name]["problems"]


def test_no_file_outside_the_private_folder_changed(attacked):
    assert project_hashes() == attacked["project"]
    now = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in attacked["folder"].iterdir()
    }
    assert now == attacked["submissions"]


def test_no_process_outlives_the_run(attacked):
    left = {p.pid for p in psutil.Process().children(recursive=True)} - attacked["children"]
    assert not left, f"processes left behind: {left}"
    # Only this run's user ids, and only those no other grading run has claimed since (its lock is
    # free): a grading run beside this one (another `make grade`, a second
    # test session) is not ours.
    assert attacked["uids"], "the run claimed no sandbox user id"
    strays = []
    for uid in sorted(attacked["uids"]):
        with unclaimed(uid) as free:
            if free:
                strays += [
                    p.pid
                    for p in psutil.process_iter(["uids"])
                    if p.info["uids"] and p.info["uids"].real == uid
                ]
    assert not strays, f"sandbox processes still running: {strays}"


@contextlib.contextmanager
def unclaimed(uid):
    """True, holding the id's lock, when no grading run holds sandbox user id ``uid``;
    else False.
    """
    handle = os.open(sandbox.UID_LOCKS / f"{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
        else:
            yield True
    finally:
        os.close(handle)


def test_a_daemon_does_not_hold_the_run(attacked):
    # Both of its runs (stored data and variant) ended when the notebook did, not after its sleep.
    assert attacked["seconds"] < 600
    assert attacked["rows"]["attack_daemon.ipynb"]["status"] in ("graded", "graded, with problems")


def test_a_flood_on_standard_output_is_discarded_not_held_in_memory(attacked):
    row = attacked["rows"]["attack_flood.ipynb"]
    assert "straight to its output streams; it was discarded" in row["problems"]
    assert attacked["grader_peak_kb"] * 1024 < attacked["rss"] + 1.5 * 2**30


def test_a_huge_integer_voids_only_its_own_answer(attacked):
    row = attacked["rows"]["attack_huge_integer.ipynb"]
    assert row["q5.2"] == "0" and row["q5.2 held on"] == "unreadable"
    assert "more than 18 digits" in row["problems"]


def test_a_notebook_whose_exercise_cannot_be_told_is_flagged_not_scored_zero_in_silence(attacked):
    row = attacked["rows"]["attack_unknown_exercise.ipynb"]
    assert row["status"] == "not graded" and row["total"] == ""
    assert "cannot tell which exercise" in row["problems"]


def test_a_file_name_a_spreadsheet_would_run_is_escaped(attacked):
    assert "'=1+1.ipynb" in attacked["rows"]
    assert b"\n=1+1" not in attacked["gradebook"]


def test_make_passes_the_folder_name_safely(tmp_path):
    require_sandbox()
    folder = tmp_path / "subs `touch pwned` $(touch pwned2)"
    folder.mkdir()
    done = subprocess.run(
        [
            "make",
            "-s",
            "--no-print-directory",
            "grade",
            f"SUBMISSIONS={folder}",
            f"OUT={tmp_path / 'g.csv'}",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "no .ipynb files" in done.stderr
    assert not (PROJECT_ROOT / "pwned").exists() and not (PROJECT_ROOT / "pwned2").exists()
    assert not (tmp_path / "pwned").exists()


def test_without_a_sandbox_it_refuses_unless_told(tmp_path, monkeypatch, capsys):
    shutil.copy(EXERCISES_DIR / f"{EXERCISE}_exercises.ipynb", tmp_path / "a.ipynb")
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap to be found
    assert main([str(tmp_path), "--out", str(tmp_path / "g.csv")]) == 2
    error = capsys.readouterr().err
    assert "no sandbox" in error and "--no-sandbox" in error
    assert not (tmp_path / "g.csv").exists()


def test_without_a_sandbox_when_told_it_grades_and_says_so_in_every_row(tmp_path):
    # --no-sandbox shares the sandboxed run's reader (sandbox.run_worker): a solution still earns
    # every point on the stored data and the variant, a blank none, and each
    # row carries the warning.
    folder = tmp_path / "in"
    folder.mkdir()
    nbformat.write(solution_copy(), folder / "solution.ipynb")
    nbformat.write(bare_copy(), folder / "blank.ipynb")
    out = tmp_path / "g.csv"
    assert (
        main(
            [
                str(folder),
                "--out",
                str(out),
                "--no-sandbox",
                "--timeout",
                str(TIMEOUT),
                "--max-time",
                str(MAX_TIME),
            ]
        )
        == 0
    )
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    possible = str(sum(q.get("points", 1) for q in load_key(EXERCISE)["questions"]))
    assert rows["solution.ipynb"]["total"] == rows["solution.ipynb"]["possible"] == possible
    assert rows["blank.ipynb"]["total"] == "0"
    assert all("WITHOUT a sandbox" in row["problems"] for row in rows.values())
    assert "WITHOUT isolation" in (tmp_path / "g_summary.txt").read_text(encoding="utf-8")
