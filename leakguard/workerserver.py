"""The server that forks worker processes: started with Ctrl-C ignored, and for a scan as early as possible.

Worker processes (``--jobs``) are forked from a ``multiprocessing`` ``forkserver`` that has already imported
the detector (about a second). :func:`forkserver_context` starts it when the first workers are needed. A
``leakguard scan`` command line that will need them starts it before anything else
(:func:`start_for_command_line`, run by ``python -m leakguard`` and the ``leakguard`` command before they
import the command's modules): on a second core the server's imports then run while this process does its
own, instead of after them. The command line is only glanced at, before ``click`` parses it: a wrong guess
costs a server started for nothing, or started late, never a different result.

This module imports nothing heavy, so that it can run first.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os
import signal
from collections.abc import Sequence

#: Files smaller than this are not split into chunks for the workers: each is scanned whole, in one worker.
MIN_PARALLEL_BYTES = 64 * 1024 * 1024

#: What the server of a scan's workers imports before it forks any.
SCAN_WORKER_MODULES = [
    "leakguard.detect.engine", "leakguard.sources", "leakguard.filescan", "leakguard.scan", "leakguard.detect.preload",
]


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def forkserver_context(preload: list[str]) -> multiprocessing.context.BaseContext:
    """The ``forkserver`` context, its server started now (if it is not yet) with Ctrl-C ignored.

    The server inherits that disposition (it is kept across ``exec``) and gives it to every worker it forks,
    so no process but the parent ever sees SIGINT: not the server while it imports ``preload`` (seconds), nor
    a worker before its first line runs. The price: a Ctrl-C in the few milliseconds the server takes to start
    is lost (press it again). Outside the main thread the disposition cannot be changed: workers then ignore
    Ctrl-C from their first line (:func:`leakguard.parallel.ignore_interrupts`). A server already running
    keeps the modules it was started with.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload)
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        return context
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)
    return context


def start_for_command_line(args: Sequence[str]) -> bool:
    """Start the scan workers' server now if the ``leakguard`` arguments ``args`` will need it; whether it
    was started. See :func:`scan_will_fork`."""
    if not scan_will_fork(args):
        return False
    try:
        forkserver_context(SCAN_WORKER_MODULES)
    except (OSError, ValueError):  # the scan starts it when it needs it, and says then what stops it
        return False
    return True


def scan_will_fork(args: Sequence[str]) -> bool:
    """Whether ``leakguard ARGS`` is a scan that will likely start worker processes: more than one job, and
    a directory, a file of :data:`MIN_PARALLEL_BYTES` or more, or two files among its arguments (as the
    scan decides, :mod:`leakguard.schedule`). A glance, not a parse: an option's value that names a file
    counts as one."""
    if not args or args[0] != "scan" or any(arg in ("-h", "--help") for arg in args):
        return False
    jobs = _jobs(args[1:])
    if jobs is None or jobs < 2:
        return False
    files = 0
    for arg in args[1:]:
        if arg.startswith("-"):
            continue
        if os.path.isdir(arg):
            return True
        try:
            size = os.path.getsize(arg)
        except (OSError, ValueError):
            continue
        files += 1
        if files > 1 or size >= MIN_PARALLEL_BYTES:
            return True
    return False


def _jobs(options: Sequence[str]) -> int | None:
    """The ``--jobs``/``-j`` value of a scan's arguments (the last one given), else every core; None if it
    is not a number."""
    value: str | None = None
    for i, arg in enumerate(options):
        if arg == "--":
            break
        if arg in ("--jobs", "-j"):
            value = options[i + 1] if i + 1 < len(options) else None
        elif arg.startswith("--jobs="):
            value = arg.removeprefix("--jobs=")
        elif arg.startswith("-j"):
            value = arg.removeprefix("-j")
        else:
            continue
        if value is None or not value.isdigit():
            return None
    return default_jobs() if value is None else int(value)
