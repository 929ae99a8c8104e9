"""Run one submission in a sandbox: bubblewrap namespaces, an unprivileged user, hard limits.

Each submission (and the instructor's solutions, the same way) is one
``bwrap`` (Debian's ``bubblewrap``, the tool Flatpak uses) around
``prlimit`` and ``setpriv`` (util-linux) around the worker
(:mod:`.worker`), which runs the notebook once per data set, so nothing here
is a home-made jail:

* **What it sees.** A read-only view of the system (``/usr``, ``/etc``), of
  Python and the course's virtual environment, of the ``sourcekit`` package
  and of the data sets (the stored ``data/``, then a hidden variant) at
  ``/course/data-1``, ``/course/data-2``; the prepared notebook, read-only;
  a small private ``tmpfs`` to work in; matplotlib's font list, read-only.
  The keys, the instructor copies, the masters, the other submissions and
  the gradebook are not in its file system at all.
* **What it can reach.** Its own network namespace (loopback only, so no
  network at all), its own PID, IPC and UTS namespaces, a new session
  (no terminal to inject into).
* **Who it is.** An unprivileged user id of its own (one per parallel slot,
  so two sandboxes cannot signal each other or share a process budget), no
  capabilities, ``no_new_privs``, and (where the kernel allows unprivileged
  user namespaces) a user namespace of its own in which it cannot make
  another (``--disable-userns``), with keyrings of its own. A user id is claimed with a
  lock that every grading run on the machine honours (:func:`claimed_uid`), so two runs at
  once (an instructor grading two sections) never share one, and one run's clean-up never
  kills the other's sandbox.
* **Limits.** Per process: address space, CPU seconds, file size. Per
  sandbox as a whole, in a control group of its own (:mod:`.cgroups`): memory,
  number of processes and threads, and one share of the CPU however many
  processes it starts. The size of its ``tmpfs``; output beyond a cap is
  discarded, never held in the grader's memory; a wall-clock limit after
  which the whole sandbox is killed.
* **Nothing outlives it.** Every process it starts lives in its PID
  namespace, which the kernel empties when the sandbox's first process ends
  or is killed; ``--die-with-parent`` ends it if the grader itself dies.
  Between its runs the worker kills every other process in the namespace, so
  nothing the run on the stored data started is still there for the variant's.

The result of a run is whatever the worker writes to an inherited pipe, read
with a size cap: the exported answers and the list of problems, both checked
again by the grader (:mod:`.answers`), never executed or trusted.
"""

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sourcekit

from .. import PROJECT_ROOT
from . import cgroups

#: First of the unprivileged user ids the sandboxes run as (slot n runs as BASE_UID + n).
BASE_UID = 61000
#: How many of them there are: the most sandboxes that can run at once on one machine.
SLOTS = 64
#: Where a grading run claims a user id (one lock file each; root's, and not in any sandbox).
UID_LOCKS = Path("/run/shusha-grader")
#: Limits of one sandboxed run (overridable per run).
MEMORY_BYTES = 3 * 2**30
MAX_PROCESSES = 256  # processes *and threads* of the sandbox's user id
FILE_BYTES = 64 * 2**20
TMPFS_BYTES = 256 * 2**20
OUTPUT_BYTES = 8 * 2**20
RESULT_BYTES = 4 * 2**20

INSTALL_HINT = (
    "bubblewrap is not installed: `sudo apt-get install -y bubblewrap` (or run `make grade`, "
    "which installs it when run as root)"
)


class SandboxUnavailable(RuntimeError):
    """No working sandbox on this machine; the message says why and what to do."""


@dataclass
class Outcome:
    """What one sandboxed run left: the result bytes and what went wrong around them."""

    result: bytes
    returncode: int
    seconds: float
    timed_out: bool = False
    output_bytes: int = 0
    output_tail: str = ""
    result_too_big: bool = False


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise SandboxUnavailable(
            INSTALL_HINT if name == "bwrap" else f"{name} (util-linux) is not installed"
        )
    return found


def _system_binds() -> list:
    """Read-only binds of the system directories, keeping /bin -> usr/bin
    style symlinks as links.
    """
    arguments = []
    for name in ("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            arguments += ["--ro-bind", str(path), str(path)]
    return arguments


def _python_binds() -> list:
    """Python itself and the virtual environment (which may live inside the project)."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    arguments = []
    for root in sorted(roots):
        if not str(root).startswith("/usr"):
            arguments += ["--ro-bind", str(root), str(root)]
    return arguments


def _parents(destinations) -> list:
    """``--dir`` for every parent of the bind points, readable by all
    (bwrap would make them 0700).
    """
    arguments, made = [], set()
    for destination in destinations:
        for parent in reversed(Path(destination).parents):
            # /tmp is the private tmpfs already (world-writable): making it
            # again would make it 0755.
            if (
                str(parent) not in ("/", "/usr", "/tmp")
                and not str(parent).startswith("/usr/")
                and parent not in made
            ):
                made.add(parent)
                arguments += ["--perms", "0755", "--dir", str(parent)]
    return arguments


def code_binds() -> list:
    """(path, why) of the course code a sandbox can read: the students' library and
    the grader's ``inside/``.

    The rest of the instructor's package (judging, keys, reports) is not there:
    of it the sandbox sees only the two ``__init__`` files Python needs to import
    :mod:`sourcekit_instructor.grade.inside`, which import nothing.
    """
    package = PROJECT_ROOT / "sourcekit_instructor"
    return [
        (
            str(Path(sourcekit.__file__).resolve().parent),
            "the students' library the notebooks import",
        ),
        (str(package / "__init__.py"), "to import the package"),
        (str(package / "grade" / "__init__.py"), "to import the package"),
        (str(package / "grade" / "inside"), "the worker and the answer export"),
    ]


#: Where the sandbox sees the data sets (the stored tables, then the hidden variant), in order.
DATA_MOUNT = "/course/data-{}"


def font_cache() -> Path:
    """Matplotlib's font list, built once by the grader, so no sandbox rebuilds it
    (about half a second each).

    Matplotlib looks for ``fontlist-v*.json`` in its cache folder (the sandbox's
    ``MPLCONFIGDIR``) and scans every font on the system when it is missing.
    The grader's own copy is bound read-only into each sandbox at that place;
    the fonts it lists are system and virtual-environment files the sandbox sees
    at the same paths. None if matplotlib cannot build one (the sandbox then builds its own).
    """
    try:
        import matplotlib
        from matplotlib import font_manager

        path = (
            Path(matplotlib.get_cachedir())
            / f"fontlist-v{font_manager.FontManager.__version__}.json"
        )
        font_manager.fontManager  # builds and writes the cache if it is not there yet
        return path if path.is_file() else None
    except Exception:
        return None


@contextmanager
def claimed_uid(poll: float = 0.2):
    """A sandbox user id that no other sandbox on this machine is using,
    held for the ``with`` block.

    Each id has its own lock file under :data:`UID_LOCKS`, claimed with an
    exclusive ``flock``: threads of one grading run and separate grading runs
    (two ``make grade`` at once) all skip an id that is held, and wait when
    every id is. The kernel releases the lock when its holder dies, so a
    grader that was killed leaves nothing claimed. Whatever still runs as the
    id (left by a grader that died) is ended before the id is used, and
    everything is ended again when the block ends.
    """
    UID_LOCKS.mkdir(mode=0o700, parents=True, exist_ok=True)
    while True:
        for uid in range(BASE_UID, BASE_UID + SLOTS):
            handle = os.open(UID_LOCKS / f"{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(handle)
                continue
            try:
                end_processes_of(uid)
                yield uid
            finally:
                end_processes_of(uid)
                os.close(handle)  # releases the lock
            return
        time.sleep(poll)


def end_processes_of(uid: int) -> None:
    """A safety net: end any process still running as a sandbox's user id
    (the PID namespace should have).
    """
    import psutil

    for process in psutil.process_iter(["uids"]):
        try:
            if process.info["uids"] and process.info["uids"].real == uid:
                process.kill()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass


def command(
    run_dir: Path,
    data_sets,
    uid: int,
    timeout: float,
    run_limit: float,
    memory: int = MEMORY_BYTES,
    processes: int = MAX_PROCESSES,
    cpu_seconds: float = 600,
) -> list:
    """The full command line of one sandboxed worker: ``run_dir/run.json``
    run once on each data set.

    bubblewrap (as root) builds the sandbox's file system and namespaces; ``prlimit`` and
    ``setpriv`` then limit it and switch to ``uid``. Where the kernel allows unprivileged user
    namespaces (:func:`own_user_namespace`), a second bubblewrap, run *as* ``uid`` on the same
    file system, adds a user namespace with ``--disable-userns`` (nothing in the sandbox can make
    another user namespace: ``unshare -Ur`` fails; and the keyrings of ``uid`` are that
    namespace's, new for each sandbox) and a PID namespace of its own, so the worker's clean-up
    between runs (``kill(-1)``) reaches the submission's processes and never the sandbox's own.
    """
    bwrap, prlimit, setpriv = _tool("bwrap"), _tool("prlimit"), _tool("setpriv")
    home = "/submission/work"
    mounts = [DATA_MOUNT.format(index + 1) for index in range(len(data_sets))]
    fonts = next(iter(sorted(Path(run_dir).glob("fontlist-v*.json"))), None)
    font_bind = (
        ["--ro-bind", str(Path(fonts).resolve()), f"/tmp/matplotlib/{fonts.name}"] if fonts else []
    )
    no_more_namespaces = (
        [
            bwrap,
            "--unshare-user",
            "--disable-userns",
            "--unshare-pid",
            "--die-with-parent",
            "--dev-bind",
            "/",
            "/",
            "--chdir",
            home,
            "--",
        ]
        if own_user_namespace()
        else []
    )
    return [
        bwrap,
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--clearenv",
        "--setenv",
        "HOME",
        home,
        "--setenv",
        "PATH",
        f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "--setenv",
        "SHUSHA_COURSE_DATA",
        mounts[0],
        "--setenv",
        "MPLBACKEND",
        "agg",
        "--setenv",
        "MPLCONFIGDIR",
        "/tmp/matplotlib",
        "--setenv",
        "IPYTHONDIR",
        "/tmp/ipython",
        "--setenv",
        "JUPYTER_RUNTIME_DIR",
        "/tmp/jupyter",
        "--setenv",
        "JUPYTER_PLATFORM_DIRS",
        "1",
        "--setenv",
        "PYTHONDONTWRITEBYTECODE",
        "1",
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--setenv",
        "OPENBLAS_NUM_THREADS",
        "1",
        "--setenv",
        "OMP_NUM_THREADS",
        "1",
        *_system_binds(),
        # The private /tmp first: the project and its virtual environment may themselves live under
        # /tmp (a CI clone, say), and their binds must land on top of it, not be hidden by it.
        "--perms",
        "1777",
        "--size",
        str(TMPFS_BYTES),
        "--tmpfs",
        "/tmp",
        "--perms",
        "1777",
        "--dir",
        "/tmp/matplotlib",
        *font_bind,
        *_parents(
            [argument for argument in _python_binds() if argument.startswith("/")]
            + [path for path, _ in code_binds()]
            + [*mounts, "/submission/in"]
        ),
        *_python_binds(),
        *[argument for path, _ in code_binds() for argument in ("--ro-bind", path, path)],
        *[
            argument
            for data, mount in zip(data_sets, mounts)
            for argument in ("--ro-bind", str(Path(data).resolve()), mount)
        ],
        "--ro-bind",
        str(Path(run_dir).resolve()),
        "/submission/in",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--perms",
        "1777",
        "--size",
        str(TMPFS_BYTES),
        "--tmpfs",
        home,
        "--chdir",
        home,
        prlimit,
        f"--as={memory}",
        f"--nproc={processes}",
        f"--cpu={int(cpu_seconds) + 1}",
        f"--fsize={FILE_BYTES}",
        "--core=0",
        "--",
        setpriv,
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
        *no_more_namespaces,
        sys.executable,
        "-m",
        "sourcekit_instructor.grade.inside.worker",
        "/submission/in/run.json",
        f"{timeout:g}",
        f"{run_limit:g}",
        home,
        *mounts,
        "--in-sandbox",
    ]


#: A user id for probing the sandbox, outside the slots (so it never meets a grading sandbox's).
PROBE_UID = BASE_UID - 1


@lru_cache(maxsize=1)
def own_user_namespace() -> bool:
    """True if the sandbox's user can run bubblewrap in a user namespace of its own,
    inside the sandbox.

    That is what lets ``--disable-userns`` (bubblewrap 0.8 or later) stop the submission making
    user namespaces, and gives each sandbox fresh keyrings; it needs the kernel to allow
    unprivileged user namespaces (some distributions restrict them). Probed once, in the same
    nesting the sandbox uses, with ``unshare -Ur`` that must fail inside. Where it is False, the
    sandbox runs without that inner layer and the summary says so.
    """
    try:
        bwrap, setpriv = _tool("bwrap"), _tool("setpriv")
    except SandboxUnavailable:
        return False
    if os.geteuid() != 0:
        return False
    probe = [
        bwrap,
        "--unshare-pid",
        "--unshare-net",
        "--die-with-parent",
        *_system_binds(),
        "--perms",
        "1777",
        "--tmpfs",
        "/tmp",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        setpriv,
        f"--reuid={PROBE_UID}",
        f"--regid={PROBE_UID}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
        bwrap,
        "--unshare-user",
        "--disable-userns",
        "--unshare-pid",
        "--die-with-parent",
        "--dev-bind",
        "/",
        "/",
        "--chdir",
        "/tmp",
        "--",
        "/bin/sh",
        "-c",
        "! unshare -Ur true 2>/dev/null",
    ]
    try:
        return subprocess.run(probe, capture_output=True, timeout=30, cwd="/").returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def private_folder(folder: Path, uid: int) -> None:
    """Make ``folder`` (run.json, the variant's copy, the font list) readable by ``uid`` alone:
    owner ``uid``, mode 0700.

    Another user on the grading machine can then read neither a student's code nor the hidden
    variant while grading runs; the sandbox's user reads them through the sandbox's binds.
    """
    for root, dirs, files in os.walk(folder):
        os.chown(root, uid, uid)
        os.chmod(root, 0o700)
        for name in files:
            os.chown(Path(root) / name, uid, uid)
            os.chmod(Path(root) / name, 0o600)


def _drain(stream, cap: int, keep: int, sink: dict) -> None:
    """Read ``stream`` to its end, keeping at most ``cap`` bytes
    (or the last ``keep`` if ``keep``).
    """
    kept, total = bytearray(), 0
    try:
        while True:
            chunk = stream.read(65536)
            if not chunk:
                break
            total += len(chunk)
            if keep:
                kept += chunk
                del kept[:-keep]
            elif len(kept) <= cap:
                kept += chunk[: cap + 1 - len(kept)]
    except (OSError, ValueError):
        pass
    sink["data"], sink["total"] = bytes(kept), total


def run(run_dir: Path, data_sets, uid: int, timeout: float, run_limit: float, **limits) -> Outcome:
    """Run the worker in a sandbox on ``run_dir/run.json``, once per data set,
    each run at most ``run_limit``.

    The sandbox runs in a control group of its own (:mod:`.cgroups`): its memory and processes are
    limited all together, and it gets one share of the CPU however many processes it starts. The
    whole sandbox is killed after all the runs' limits and a minute for its start, whatever is
    left running in it.
    """
    argv = command(
        run_dir,
        data_sets,
        uid,
        timeout,
        run_limit,
        cpu_seconds=run_limit * len(data_sets) + 60,
        **limits,
    )
    with cgroups.Group(
        f"sandbox-{uid}",
        limits.get("memory", MEMORY_BYTES),
        limits.get("processes", MAX_PROCESSES),
    ) as group:
        # The worker learns which inherited descriptor is its result channel from its command line.
        return run_worker(
            lambda result_fd: [*group.prefix(), *argv, "--result-fd", str(result_fd)],
            run_limit * len(data_sets) + 60,
            cwd="/",
        )


def run_worker(argv_for, max_time: float, **popen) -> Outcome:
    """Start the worker ``argv_for(result_fd)``, read its output and result channel,
    end it by ``max_time``.

    One implementation for the sandboxed run and for ``--no-sandbox``, so that both drain a flood
    without holding it, cap the result, stop on time whatever the submission left running (its
    whole session is killed when the worker ends), and never wait forever on a pipe a daemon holds.
    """
    result_read, result_write = os.pipe()
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv_for(result_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(result_write,),
            start_new_session=True,
            **popen,
        )
    finally:
        os.close(result_write)
    output, result = {}, {}
    readers = [
        threading.Thread(target=_drain, args=(process.stdout, 0, 4096, output), daemon=True),
        threading.Thread(
            target=_drain,
            args=(os.fdopen(result_read, "rb"), RESULT_BYTES, 0, result),
            daemon=True,
        ),
    ]
    for reader in readers:
        reader.start()
    timed_out = False
    try:
        process.wait(timeout=max_time)
    except subprocess.TimeoutExpired:
        timed_out = True
    kill(process)  # whatever it left in its session goes too
    for reader in readers:
        reader.join(timeout=10)
    if any(reader.is_alive() for reader in readers):
        kill(process)  # something still holds a pipe: end the whole sandbox, then stop waiting
        for reader in readers:
            reader.join(timeout=5)
    data_bytes = result.get("data", b"")
    return Outcome(
        result=data_bytes[:RESULT_BYTES],
        returncode=process.returncode if process.returncode is not None else -9,
        seconds=time.monotonic() - started,
        timed_out=timed_out,
        output_bytes=output.get("total", 0),
        output_tail=output.get("data", b"").decode("utf-8", "replace"),
        result_too_big=len(data_bytes) > RESULT_BYTES,
    )


def kill(process: subprocess.Popen) -> None:
    """Kill a sandbox: its process group outside; its PID namespace then
    dies with its first process.
    """
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def check_available() -> None:
    """Raise SandboxUnavailable unless a trivial sandbox starts and sees what it should."""
    bwrap = _tool("bwrap")
    _tool("prlimit"), _tool("setpriv")
    probe = [
        bwrap,
        "--unshare-pid",
        "--unshare-net",
        "--die-with-parent",
        *_system_binds(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "/bin/true",
    ]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SandboxUnavailable(f"bubblewrap could not start a sandbox: {error}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SandboxUnavailable(
            f"bubblewrap could not start a sandbox here ({reason}); "
            "user namespaces may be disabled"
        )
    if os.geteuid() != 0:
        raise SandboxUnavailable(
            "the sandbox switches each submission to its own unprivileged user id, which needs "
            "root: run `make grade` as root (as CI does)"
        )
