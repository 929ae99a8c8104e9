"""Limits on a sandbox as a whole (all its processes together): memory, processes, a CPU share.

``prlimit`` limits each process (3 GB of address space *each*, so four
children could take 12 GB), and nothing in it gives a sandbox its own share of
the CPU: 240 busy children of one submission would get 240 shares against a
classmate's one. A control group per sandbox fixes both: the kernel counts
every process of the sandbox together (``memory.max``, ``pids.max``) and
schedules the group as one (``cpu.weight``: each sandbox weighs what one
ordinary process weighs, however many it starts).

Which mechanism, in order of preference (:func:`mechanism` probes once):

1. ``systemd-run --scope`` when systemd runs the machine (it owns the cgroup
   tree there, and a transient scope is its supported way to delegate one);
2. the kernel's cgroup v2 files, under the grader's own cgroup, when the
   unified hierarchy has the memory, pids and cpu controllers and the grader
   may enable them for a child;
3. the kernel's cgroup v1 files (``memory``, ``pids`` and ``cpu``
   hierarchies), under the grader's own group in each, where the machine still
   mounts them (a hybrid layout, as some container hosts do);
4. none: the per-process limits only, and :func:`mechanism` says why.

Groups are made under the grader's own group, so any limit the machine puts
on the grader also covers the sandboxes. The sandbox's first process joins its
group before it execs anything (a shell line that writes its own pid, see
:meth:`Group.prefix`), so nothing the submission starts runs outside it.
"""

import os
import shutil
import signal
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
#: The folder each mechanism makes its groups in, under the grader's own group.
PARENT = "shusha-grader"
#: One ordinary process's weight (v2 ``cpu.weight`` default; v1 ``cpu.shares`` default is 1024).
CPU_WEIGHT, CPU_SHARES = 100, 1024


@dataclass
class Mechanism:
    kind: str  # "systemd", "v2", "v1" or "none"
    why: str  # in words, for the summary: the files it writes, or why there is none
    roots: dict = field(
        default_factory=dict
    )  # v1: controller -> folder to make groups in; v2: {"unified": folder}
    label: str = ""  # its name, for the summary


def _own_groups() -> dict:
    """{hierarchy: path} of the grader's own cgroups, from /proc/self/cgroup ("" is v2's)."""
    groups = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        number, controllers, path = line.split(":", 2)
        if number == "0":
            groups[""] = path
        for controller in controllers.split(","):
            if controller:
                groups[controller] = path
    return groups


def _writable_child(folder: Path) -> bool:
    try:
        folder.mkdir(exist_ok=True)
        return os.access(folder, os.W_OK)
    except OSError:
        return False


@lru_cache(maxsize=1)
def mechanism() -> Mechanism:
    """How this machine can limit a sandbox as a whole, probed once per grading run."""
    if os.geteuid() != 0:
        return Mechanism(
            "none", "not root, so no control group can be made; per-process limits only"
        )
    try:
        own = _own_groups()
    except OSError:
        return Mechanism("none", "no /proc/self/cgroup; per-process limits only")
    if Path("/run/systemd/system").is_dir() and shutil.which("systemd-run"):
        return Mechanism("systemd", "MemoryMax, TasksMax, CPUWeight", label="systemd-run --scope")
    reasons = []
    # cgroup v2 alone (/sys/fs/cgroup is the unified hierarchy) or in a hybrid layout (unified/).
    for unified in (ROOT, ROOT / "unified"):
        if not (unified / "cgroup.controllers").is_file() or "" not in own:
            continue
        own_dir = unified / own[""].lstrip("/")
        available = (
            set((own_dir / "cgroup.controllers").read_text().split())
            if (own_dir / "cgroup.controllers").is_file()
            else set()
        )
        if not {"memory", "pids", "cpu"} <= available:
            reasons.append(
                f"cgroup v2 ({unified}) offers the grader's group only "
                f"{', '.join(sorted(available)) or 'no'} controller(s): "
                "memory, pids and cpu are not delegated to it"
            )
            continue
        if own[""] != "/":
            # A group that holds processes cannot enable controllers for its children (the "no
            # internal processes" rule): only the root, or a group systemd delegates, can.
            reasons.append(
                f"cgroup v2: the grader runs in {own['']}, which holds processes, so it cannot "
                "enable controllers for a child; run it under systemd or from a group of its own"
            )
            continue
        parent = own_dir / PARENT
        try:
            (own_dir / "cgroup.subtree_control").write_text("+memory +pids +cpu")
            parent.mkdir(exist_ok=True)
            (parent / "cgroup.subtree_control").write_text("+memory +pids +cpu")
        except OSError as error:
            reasons.append(
                f"cgroup v2 ({unified}): could not delegate memory, pids and cpu to {parent} "
                f"({error.strerror or error})"
            )
            continue
        return Mechanism(
            "v2",
            f"memory.max, pids.max, cpu.weight under {parent}",
            {"unified": parent},
            label="cgroup v2 files",
        )
    roots = {}
    for controller in ("memory", "pids", "cpu"):
        mount = ROOT / controller
        if controller in own and (mount / "cgroup.procs").is_file():
            parent = mount / own[controller].lstrip("/") / PARENT
            if _writable_child(parent):
                roots[controller] = parent
    if set(roots) == {"memory", "pids", "cpu"}:
        why = "; ".join(["memory.limit_in_bytes, pids.max, cpu.shares", *reasons])
        return Mechanism("v1", why, roots, label="cgroup v1 files")
    return Mechanism(
        "none",
        "; ".join(
            reasons
            + [
                "no cgroup v1 memory, pids and cpu hierarchies to use either; "
                "per-process limits only"
            ]
        ),
    )


class Group:
    """The control group of one sandbox: made before it starts, emptied and removed after."""

    def __init__(self, name: str, memory: int, processes: int):
        self.how = mechanism()
        self.name, self.memory, self.processes = name, memory, processes
        self.folders = []
        if self.how.kind == "v2":
            self.folders = [self.how.roots["unified"] / name]
        elif self.how.kind == "v1":
            self.folders = [self.how.roots[c] / name for c in ("memory", "pids", "cpu")]

    def __enter__(self):
        if self.how.kind in ("v1", "v2"):
            self.close()  # a group of the same name left by a grader that died
            for folder in self.folders:
                folder.mkdir()
            if self.how.kind == "v2":
                folder = self.folders[0]
                self._write(folder / "memory.max", self.memory)
                self._write(folder / "memory.swap.max", 0, optional=True)
                self._write(folder / "pids.max", self.processes)
                self._write(folder / "cpu.weight", CPU_WEIGHT)
            else:
                memory, pids, cpu = self.folders
                self._write(memory / "memory.limit_in_bytes", self.memory)
                self._write(memory / "memory.memsw.limit_in_bytes", self.memory, optional=True)
                self._write(pids / "pids.max", self.processes)
                self._write(cpu / "cpu.shares", CPU_SHARES)
        return self

    def __exit__(self, *exc):
        self.close()

    @staticmethod
    def _write(path: Path, value, optional: bool = False) -> None:
        try:
            path.write_text(str(value))
        except OSError:
            if not optional:
                raise

    def prefix(self) -> list:
        """The command line that puts the sandbox in this group before anything of it runs."""
        if self.how.kind == "systemd":
            return [
                "systemd-run",
                "--scope",
                "--quiet",
                "--collect",
                f"--unit=shusha-grader-{self.name}",
                f"--property=MemoryMax={self.memory}",
                "--property=MemorySwapMax=0",
                f"--property=TasksMax={self.processes}",
                f"--property=CPUWeight={CPU_WEIGHT}",
                "--",
            ]
        if self.how.kind in ("v1", "v2"):
            script = (
                'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; '
                'shift; exec "$@"'
            )
            return [
                "/bin/sh",
                "-c",
                script,
                "sh",
                *[str(folder / "cgroup.procs") for folder in self.folders],
                "--",
            ]
        return []

    def close(self) -> None:
        """Kill what is left in it (a safety net: the PID namespace should have); remove it."""
        for folder in self.folders:
            if not folder.exists():
                continue
            for _ in range(100):
                try:
                    pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
                except OSError:
                    pids = []
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                try:
                    folder.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)
