"""The worker that runs a submission inside the sandbox: one sandbox, a fresh run per data set.

The grader runs each submission on the stored tables and on a hidden variant in one sandbox: the
worker imports pandas and the course package once, then forks each run from that clean state.
These tests hold it to what that must not cost: nothing one run did reaches the next, each run
sees its own data set, nothing a run started survives into the next, and a cell that stops the
run stops only its own cells.
"""

import pytest

from sourcekit_instructor.grade.runner import Runner
from tests.conftest import require_sandbox

#: Slow (each test starts the sandboxed worker): `make test-fast` leaves these out.
pytestmark = pytest.mark.slow

#: Where, inside a run, it can read which data set it was given.
WHICH_DATA = (
    "import os\nmarker = open(os.path.join(os.environ['SHUSHA_COURSE_DATA'], 'marker.txt')).read()"
)


def notebook(*sources):
    return {"cells": [{"cell_type": "code", "source": source} for source in sources]}


@pytest.fixture
def two_data_sets(tmp_path):
    folders = []
    for name in ("stored", "variant"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "marker.txt").write_text(name, encoding="utf-8")
        folder.chmod(0o755)
        (folder / "marker.txt").chmod(0o644)
        folders.append(folder)
    tmp_path.chmod(0o755)
    return folders


@pytest.fixture(params=["sandboxed", "not sandboxed"])
def runner(request):
    if request.param == "sandboxed":
        require_sandbox()
    return Runner(timeout=10, max_time=60, sandboxed=request.param == "sandboxed")


def values(answers):
    return {name: entry.get("value") for name, entry in answers.items()}


def test_each_run_starts_fresh_and_reads_its_own_data_set(runner, two_data_sets):
    # A run that changes a module the worker imported before forking (builtins, pandas) leaves
    # the next run untouched: both runs count 1, and each reads its own marker.
    cells = notebook(
        "import builtins, pandas\n"
        "builtins.seen = getattr(builtins, 'seen', 0) + 1\npandas.tampered = True",
        "seen_here = builtins.seen",
        WHICH_DATA,
    )
    (stored, stored_problems), (variant, variant_problems) = runner.run_on(
        cells, ["seen_here", "marker"], two_data_sets
    )
    assert values(stored) == {"seen_here": 1, "marker": "stored"}
    assert values(variant) == {"seen_here": 1, "marker": "variant"}
    assert stored_problems == [] and variant_problems == []


def test_a_process_a_run_leaves_behind_is_gone_before_the_next_run_starts(two_data_sets):
    require_sandbox()
    # Counted before the run starts its own daemon: the sandbox's init, the worker and the run.
    cells = notebook(
        "import os, subprocess, sys\n"
        "processes = len([p for p in os.listdir('/proc') if p.isdigit()])\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; "
        "time.sleep(120)'], start_new_session=True)\n"
        "if os.fork() == 0:\n    os.setsid()\n    import time\n"
        "    time.sleep(120)\n    os._exit(0)",
    )
    runner = Runner(timeout=10, max_time=60, sandboxed=True)
    (stored, _), (variant, _) = runner.run_on(cells, ["processes"], two_data_sets)
    # Where the sandbox has a user namespace of its own, its inner bubblewrap
    # and that one's init too.
    from sourcekit_instructor.grade.sandbox import own_user_namespace

    expected = 5 if own_user_namespace() else 3
    assert values(stored) == values(variant) == {"processes": expected}


def test_a_cell_that_calls_exit_stops_only_the_cells_after_it(runner, two_data_sets):
    cells = notebook("before = 1", "exit()", "after = 2")
    for answers, problems in runner.run_on(cells, ["before", "after"], two_data_sets):
        assert values(answers) == {"before": 1, "after": None}
        assert problems == ["code cell 2 called exit(), so the cells after it did not run"]


def test_a_cell_past_the_time_limit_is_interrupted_and_the_next_cells_run(two_data_sets):
    runner = Runner(timeout=1, max_time=30, sandboxed=False)
    cells = notebook(
        "import time\nwhile True:\n    time.sleep(0.01)", "after = 2", "broken = 1 / 0"
    )
    [(answers, problems)] = runner.run_on(cells, ["after", "broken"], two_data_sets[:1])
    assert values(answers) == {"after": 2, "broken": None}
    assert problems == [
        "code cell 1 ran longer than 1 s and was stopped (an endless loop?)",
        "code cell 3 raised ZeroDivisionError: division by zero",
    ]


def test_a_run_that_kills_itself_is_reported_and_the_next_run_still_happens(runner, two_data_sets):
    cells = notebook(WHICH_DATA, "if marker == 'stored':\n    os._exit(3)")
    (stored, stored_problems), (variant, variant_problems) = runner.run_on(
        cells, ["marker"], two_data_sets
    )
    assert stored == {} or values(stored) == {"marker": None}
    assert any("ended before it finished" in p for p in stored_problems)
    assert values(variant) == {"marker": "variant"} and variant_problems == []


#: Another grading run on the same machine: it claims a sandbox user id and runs a process as it.
OTHER_GRADING_RUN = """
import subprocess
from sourcekit_instructor.grade.sandbox import claimed_uid
with claimed_uid() as uid:
    child = subprocess.Popen(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", \
"sleep", "120"])
    print(uid, child.pid, flush=True)
    child.wait()
"""


def test_two_grading_runs_at_once_never_share_a_sandbox_user(two_data_sets):
    # Two `make grade` at once used to hand out the same user ids, and each run's clean-up killed
    # every process of its id: the other run's sandbox with it. Now an id is claimed with a lock
    # every run honours; when the run holding it dies, the lock goes with it and whatever it left
    # running as that id is ended by the next run that claims it.
    import subprocess
    import sys

    import psutil

    from sourcekit_instructor.grade import sandbox

    require_sandbox()
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_GRADING_RUN], stdout=subprocess.PIPE, text=True
    )
    uid = None
    try:
        uid, pid = map(int, other.stdout.readline().split())
        runner = Runner(timeout=10, max_time=60, sandboxed=True)
        for answers, problems in runner.run_on(notebook("x = 1"), ["x"], two_data_sets):
            assert values(answers) == {"x": 1} and problems == []
        with sandbox.claimed_uid() as mine:
            assert mine != uid
        assert psutil.Process(pid).is_running() and psutil.Process(pid).uids().real == uid
        other.kill()  # the other run dies; its process as `uid` is orphaned, still running
        other.wait(timeout=10)
        assert psutil.Process(pid).is_running()
        claimed = []
        with sandbox.claimed_uid() as first, sandbox.claimed_uid() as second:
            claimed += [first, second]
        assert uid in claimed and len(set(claimed)) == 2
        psutil.Process(pid).wait(timeout=10)  # ended when its id was claimed again
    finally:
        other.kill()
        if uid is not None:
            sandbox.end_processes_of(uid)
