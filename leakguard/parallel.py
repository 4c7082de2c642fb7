"""Detection on several cores: chunks go to worker processes, decisions stay in the parent.

The pre-filter and the Arrow kernels release the GIL, but the recognizers' Python on candidates and the NER
model do not, so threads do not scale the detector; processes do. The parent reads the file (Arrow's readers
use their own threads) and sends each chunk's cells to a worker, which runs
:meth:`~leakguard.detect.engine.Detector.detect_raw` and returns the raw findings and the chunk's NIR counts.
The parent takes the column decisions on them (:class:`~leakguard.detect.decisions.Decisions`), exactly as
one process does: results are identical to a sequential scan. At most ``2 × jobs`` chunks are in flight, so
memory stays bounded.

Workers are forked from a ``forkserver`` that has already imported the detector, so starting them costs
little; each worker loads the NER model itself, only if it meets free text. Workers ignore Ctrl-C
(:func:`ignore_interrupts`): the parent stops them and says so in one line.

The same workers also take whole files (:meth:`ParallelDetector.submit`, :mod:`leakguard.schedule`): a lake
of many small files uses every core, each file scanned from its start to its end in one worker, so that its
column decisions are those of one process.
"""

from __future__ import annotations

import contextlib
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

import pyarrow as pa

from leakguard.detect.engine import DetectOptions, Detector
from leakguard.detect.profile import NirProfile
from leakguard.memorypool import use_returning_pool
from leakguard.sources.base import Chunk, Problem
from leakguard.workers import check_main_guard
from leakguard.workerserver import SCAN_WORKER_MODULES, forkserver_context

T = TypeVar("T")

_worker_detector: Detector | None = None


def ignore_interrupts() -> None:
    """In a worker: leave Ctrl-C to the parent, which stops the workers and says so in one line.

    A terminal sends SIGINT to every process of the foreground group, workers included; each would print a
    ``KeyboardInterrupt`` traceback of its own.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Ctrl-C held back while worker processes start, and raised once they have.

    A worker whose start is cut short dies on its first read from the parent, with a traceback of its own;
    so inside this block SIGINT only sets a flag (a Python handler always runs in the main thread), and
    ``KeyboardInterrupt`` is raised on the way out. Outside the main thread nothing changes.
    """
    caught: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _init_worker(options: DetectOptions) -> None:
    global _worker_detector
    ignore_interrupts()
    use_returning_pool()  # a worker is leakguard's own process
    _worker_detector = Detector(options)


def _detect_raw(chunk: Chunk) -> tuple[pa.Table, NirProfile]:
    assert _worker_detector is not None
    return _worker_detector.detect_raw(chunk)


def cells_only(chunk: Chunk) -> Chunk:
    """The part of a chunk a worker needs (not the original batch or lines)."""
    return Chunk(columns=chunk.columns, rows=chunk.rows, text=chunk.text, part=chunk.part, context=chunk.context,
                 table_headers=chunk.table_headers)


class ParallelDetector:
    """Runs ``detect_raw`` in ``jobs`` worker processes; use as a context manager."""

    def __init__(self, options: DetectOptions, jobs: int):
        self.options = options
        self.jobs = jobs
        check_main_guard(f"scanning with jobs={jobs}")
        context = forkserver_context(SCAN_WORKER_MODULES)
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                                         initargs=(options,))

    def __enter__(self) -> ParallelDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, function: Callable[..., T], *args: object) -> Future[T]:
        """Run ``function(*args)`` (a module-level function: it is pickled by name) in a worker."""
        return self._pool.submit(function, *args)

    def detect_raw_each(self, items: Iterable[Chunk | Problem]
                        ) -> Iterator[tuple[Chunk, pa.Table, NirProfile] | Problem]:
        """``(chunk, raw findings, counts)`` for each chunk of ``items`` (what
        :meth:`~leakguard.detect.engine.Detector.detect_raw` gives), in order; problems pass through in order."""
        window: deque[tuple[Chunk | Problem, Future | None]] = deque()
        for item in items:
            if isinstance(item, Problem):
                window.append((item, None))
            else:
                with deferred_interrupts():  # submit may start a worker: never leave one half-started
                    future = self._pool.submit(_detect_raw, cells_only(item))
                window.append((item, future))
            while len(window) > 2 * self.jobs:
                yield _collect(*window.popleft())
        while window:
            yield _collect(*window.popleft())


def _collect(item: Chunk | Problem, future: Future | None) -> tuple[Chunk, pa.Table, NirProfile] | Problem:
    if future is None:
        assert isinstance(item, Problem)
        return item
    assert isinstance(item, Chunk)
    table, counts = future.result()
    return item, table, counts
