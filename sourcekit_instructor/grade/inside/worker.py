"""Run one submission's code on each data set, inside the sandbox, and send back its answers.

The grader (:mod:`.gradebook`) prepares ``run.json``: the submission's code
cells in order and the names of the exercise's answer variables. This module
runs inside the sandbox (:mod:`.sandbox`), as an unprivileged user. It
imports what every exercise uses (pandas, IPython, the course package)
once, then, for each data set in turn (the stored tables, then the
hidden variant), **forks a fresh interpreter** from that clean state and runs
the cells there in a new IPython shell, the machinery a Jupyter kernel runs
cells with, without the kernel's messaging layer. So each run starts from
the same untouched state (nothing one run did is in the next), and the
imports and the start-up are paid once per submission instead of once per
run.

In each run, errors are allowed (one broken cell must not cost every later
answer), a cell that runs longer than the time limit is interrupted, and a
run that outlasts the run limit is killed; then every process the run left
is killed before the next run starts. At the end the worker writes one JSON
object to the result pipe it was given: per run, the exported answers (as
text) and the problems it saw.

Nothing here judges an answer: the answers are judged by the grader, in its
own process, against answers it computed itself. A notebook that tampers
with this module, with the other run or with the result pipe can change only
its own answers.

Usage (by the sandbox or by the grader's ``--no-sandbox`` path, not by hand)::

    python -m sourcekit_instructor.grade.inside.worker RUN_JSON TIMEOUT RUN_LIMIT WORK_ROOT DATA
    [DATA ...] --result-fd FD [--in-sandbox]
"""

import argparse
import json
import os
import select
import signal
import sys
import time
from pathlib import Path

MAX_ANSWERS_BYTES = 2_000_000
#: The longest reading one answer variable may take (an object with an endless __iter__).
EXPORT_SECONDS = 10
MAX_PROBLEMS = 20
#: The modules the exercise notebooks import (and the shell that runs them), loaded once before
#: the runs are forked. Not matplotlib: no exercise draws, and it would cost every sandbox half a
#: second; a notebook that imports it pays that itself.
WARM_MODULES = (
    "numpy",
    "pandas",
    "IPython.core.interactiveshell",
    "sourcekit",
    "sourcekit.checks",
    "sourcekit.data",
    "sourcekit.text",
    "sourcekit.textreuse",
    "sourcekit_instructor.grade.inside.export",
)
ANSWERS_NAME = ".answers.json"
PROBLEMS_NAME = ".problems.json"
#: prctl(2) options: kill the run if the worker dies; let no run read or trace the worker.
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4
#: keyctl(2): its system call number per machine, two of its operations, two special keyrings.
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219, "i686": 288, "armv7l": 311}
KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_CLEAR = 1, 7
KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING = -4, -5


class CellTimeout(KeyboardInterrupt):
    """Raised in a cell that runs past the time limit (like the interrupt a kernel gets)."""


def _first_line(text) -> str:
    lines = [line for line in str(text).splitlines() if line.strip()]
    return lines[0][:160] if lines else ""


def _prctl(option: int, value: int) -> None:
    """prctl(2) through libc; a defence in depth, so a failure is not an error."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except Exception:
        pass


def _fresh_keyrings() -> None:
    """Give this sandbox kernel keyrings no other sandbox has seen, and leave none behind.

    The session keyring a process inherits is its parent's (here the grader's), shared by every
    sandbox it starts; the user keyrings belong to the user id, which the next sandbox on this
    slot reuses (where the sandbox has a user namespace of its own they are that namespace's and
    die with it). So the worker joins a new, empty session keyring before any submission code
    runs, and clears the user keyrings now and when it ends. A defence in depth: a failure is
    not an error.
    """
    number = SYS_KEYCTL.get(os.uname().machine)
    if number is None:
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None)
        for keyring in (KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING):
            libc.syscall(number, KEYCTL_CLEAR, keyring)
    except Exception:
        pass


def _warm_up() -> None:
    """Import what the notebooks will import, so that each forked run finds it loaded."""
    import importlib

    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # a run that needs it reports the failure itself
            pass


def _shell():
    """A fresh IPython shell that keeps no history on disk and shows no banner."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class GradingShell(InteractiveShell):
        def ask_exit(self):
            """``exit()`` in a cell: a kernel would shut down; here the run's cells stop."""
            self.exit_now = True

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.xmode = "Plain"
    return GradingShell.instance(config=config)


def _problem_of(number: int, error, timeout: float):
    if isinstance(error, CellTimeout):
        return (
            f"code cell {number} ran longer than {timeout:g} s and was stopped (an endless loop?)"
        )
    if isinstance(error, KeyboardInterrupt):
        return f"code cell {number} was interrupted"
    if isinstance(error, MemoryError):
        return f"code cell {number} ran out of memory (the sandbox allows about 3 GB)"
    return f"code cell {number} raised {type(error).__name__}: {_first_line(error)}"


def run_cells(cells, variables, timeout: float, answers_path: Path) -> list:
    """Run ``cells`` in a fresh shell, then export ``variables``; return the problems seen,
    in order.
    """
    from sourcekit_instructor.grade.inside.export import export_answers

    def interrupt(signum, frame):
        raise CellTimeout()

    signal.signal(signal.SIGALRM, interrupt)
    shell = _shell()
    problems = []
    for number, source in enumerate(cells, start=1):
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            result = shell.run_cell(source, store_history=False)
        except BaseException as error:  # raised outside the cell's own code (in IPython itself)
            signal.setitimer(signal.ITIMER_REAL, 0)
            problems.append(_problem_of(number, error, timeout))
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            problems.append(_problem_of(number, error, timeout))
        if shell.exit_now:
            problems.append(f"code cell {number} called exit(), so the cells after it did not run")
            break
    try:
        export_answers(
            shell.user_ns, variables, answers_path, seconds=min(timeout, EXPORT_SECONDS)
        )
    except BaseException as error:
        problems.append(
            f"exporting the answers failed: {type(error).__name__}: {_first_line(error)}"
        )
    return problems


def _run_in_child(
    cells, variables, timeout: float, folder: Path, data: str, result_fd: int
) -> None:
    """The forked child: become a fresh run on ``data`` in ``folder``; never returns."""
    status = 0
    try:
        os.close(result_fd)  # the result channel is the worker's alone
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        _prctl(PR_SET_DUMPABLE, 1)
        os.setpgid(0, 0)
        os.environ["SHUSHA_COURSE_DATA"] = data
        os.environ["HOME"] = str(folder)
        os.chdir(folder)
        sys.argv = ["run"]
        problems = run_cells(cells, variables, timeout, folder / ANSWERS_NAME)
        (folder / PROBLEMS_NAME).write_text(json.dumps(problems[:MAX_PROBLEMS]), encoding="utf-8")
    except BaseException:
        status = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            pass
        os._exit(status)


def _wait(pid: int, limit: float):
    """The child's exit status, or None if it was still running after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):
        handle = None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if handle is not None:
                select.select([handle], [], [], left)
            else:
                time.sleep(min(left, 0.02))
    finally:
        if handle is not None:
            os.close(handle)


def _end_everything_else(pid: int, in_sandbox: bool) -> None:
    """Kill the run and all it started: in the sandbox, every process but this one;
    else its group.
    """
    if in_sandbox:
        # kill(-1) reaches every process this user id may signal in this PID namespace
        # (which is the sandbox's alone), except this worker and the namespace's init;
        # repeat until none is left.
        for _ in range(200):
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                break
            _reap()
            if not _others_alive():
                break
            time.sleep(0.01)
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    _reap()


def _reap() -> None:
    while True:
        try:
            done, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not done:
            return


def _self_and_ancestors() -> set:
    """This worker and the processes above it, as ``/proc`` numbers them
    (the sandbox's /proc may be an outer PID namespace's, where the worker has another
    number than ``os.getpid()``).
    """
    mine = {1, os.getpid()}
    try:
        pid = int(os.readlink("/proc/self"))
    except (OSError, ValueError):
        return mine
    for _ in range(64):
        mine.add(pid)
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                pid = int(handle.read().rsplit(b")", 1)[-1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        if pid <= 0:
            break
    return mine


def _others_alive() -> bool:
    mine = _self_and_ancestors()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in mine:
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    if handle.read().rsplit(b")", 1)[-1].split()[0] != b"Z":
                        return True
            except OSError:
                continue
    return False


def _read_capped(path: Path, cap: int):
    try:
        with open(path, "rb") as handle:
            data = handle.read(cap + 1)
    except OSError:
        return None
    return data.decode("utf-8", "replace") if len(data) <= cap else None


def _run_one(
    cells,
    variables,
    timeout: float,
    run_limit: float,
    folder: Path,
    data: str,
    in_sandbox: bool,
    result_fd: int,
) -> dict:
    """One run on ``data``: fork, wait at most ``run_limit``, clean up,
    collect what it exported.
    """
    folder.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _run_in_child(cells, variables, timeout, folder, data, result_fd)
    status = _wait(pid, run_limit)
    _end_everything_else(pid, in_sandbox)
    problems = []
    if status is None:
        problems.append(
            f"still running after {run_limit:g} s, so it was stopped with everything it started "
            "(an endless loop that ignores interrupts?)"
        )
    else:
        recorded = _read_capped(folder / PROBLEMS_NAME, 100_000)
        try:
            listed = json.loads(recorded) if recorded else None
        except ValueError:
            listed = None
        if isinstance(listed, list):
            problems += [str(p) for p in listed]
        elif os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            problems.append("the run was killed before it finished (did it use up the memory?)")
        else:
            problems.append(
                "the run ended before it finished (did a cell call exit() or os._exit()?)"
            )
    return {
        "answers": _read_capped(folder / ANSWERS_NAME, MAX_ANSWERS_BYTES),
        "problems": problems[:MAX_PROBLEMS],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sourcekit_instructor.grade.inside.worker")
    parser.add_argument("run_json")
    parser.add_argument("timeout", type=float)
    parser.add_argument("run_limit", type=float)
    parser.add_argument("work_root")
    parser.add_argument("data", nargs="+")
    parser.add_argument("--result-fd", type=int, required=True)
    parser.add_argument("--in-sandbox", action="store_true")
    arguments = parser.parse_args(argv)
    # kill(-1) is only ever sent by an unprivileged sandbox user, inside the sandbox's namespace.
    in_sandbox = arguments.in_sandbox and os.getuid() != 0 and os.geteuid() != 0
    if in_sandbox:
        _fresh_keyrings()
    runs = []
    try:
        prepared = json.loads(Path(arguments.run_json).read_text(encoding="utf-8"))
        cells, variables = list(prepared["cells"]), list(prepared["variables"])
    except Exception as error:  # reported in the gradebook row, not as a traceback
        runs = [
            {
                "answers": None,
                "problems": [f"could not read the prepared notebook: {type(error).__name__}"],
            }
        ] * len(arguments.data)
    else:
        _warm_up()
        # The runs may not trace this process or open its descriptors through /proc.
        _prctl(PR_SET_DUMPABLE, 0)
        for index, data in enumerate(arguments.data):
            folder = Path(arguments.work_root) / f"run-{index}"
            runs.append(
                _run_one(
                    cells,
                    variables,
                    arguments.timeout,
                    arguments.run_limit,
                    folder,
                    data,
                    in_sandbox,
                    arguments.result_fd,
                )
            )
    if in_sandbox:
        _fresh_keyrings()  # every run has ended: what they put in the keyrings goes too
    with os.fdopen(arguments.result_fd, "w", encoding="utf-8") as channel:
        channel.write(json.dumps({"runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
