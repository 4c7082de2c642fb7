"""Peak resident memory of a measurement, read from Linux's ``/proc``.

Each measurement runs in a fresh process (:mod:`benchmarks.isolate`), so its peak is its own: ``VmHWM``
("high water mark") of ``/proc/self/status`` is the largest resident set the process had, imports and
models included. Worker processes (``ParallelDetector``) are children of a forkserver, not of the
measuring process, and ``getrusage(RUSAGE_CHILDREN)`` would only see them after the forkserver exits; so
their ``VmHWM`` is read from ``/proc/<pid>/status`` while they are alive, the descendants of this process
being found through the parent pid in ``/proc/<pid>/stat`` (they are this process's grandchildren). Their
sum with the parent's is an upper bound of the memory the scan held at once (pages shared between the
processes, such as imported modules, are counted in each).
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

MIB = 1024 * 1024


def high_water_mib(pid: int | str = "self") -> float | None:
    """``VmHWM`` of a process in MiB (``None`` when unreadable)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    if pid == "self":  # not Linux: the same number from getrusage (KiB on Linux, bytes on macOS)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return round(peak / (MIB if os.uname().sysname == "Darwin" else 1024), 1)
    return None


def descendants(pid: int | None = None, min_depth: int = 1) -> list[int]:
    """Live descendants of ``pid`` (this process by default), ``min_depth`` levels down or more."""
    root = os.getpid() if pid is None else pid
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: the ppid is the 2nd field after it
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1:
            parents[int(entry.name)] = int(fields[1])
    found: list[int] = []
    frontier = [(root, 0)]
    while frontier:
        current, depth = frontier.pop()
        children = [p for p, parent in parents.items() if parent == current]
        found.extend(c for c in children if depth + 1 >= min_depth)
        frontier.extend((c, depth + 1) for c in children)
    return found


def workers_high_water_mib() -> list[float]:
    """``VmHWM`` of each live grandchild of this process, in MiB: the workers a forkserver started.

    The forkserver itself and multiprocessing's resource tracker (children) are left out: the forkserver's
    pages (the preloaded modules) are shared with the workers forked from it and counted in theirs.
    """
    peaks = [high_water_mib(pid) for pid in descendants(min_depth=2)]
    return [p for p in peaks if p is not None]
