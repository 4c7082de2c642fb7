"""Detection on several cores: chunks go to worker processes, decisions stay in the parent.

The pre-filter and the Arrow kernels release the GIL, but the recognizers' Python on candidates and the NER
model do not, so threads do not scale the detector; processes do. The parent reads the file (Arrow's readers
use their own threads) and sends each chunk's cells to a worker, which runs
:meth:`~leakguard.detect.engine.Detector.detect_raw` and returns the raw findings and the chunk's NIR counts.
The parent merges the counts in file order and makes the column decisions
(:meth:`~leakguard.detect.engine.Detector.resolve`), exactly as one process would: results are identical
to a sequential scan. At most ``2 × jobs`` chunks are in flight, so memory stays bounded.

Workers are forked from a ``forkserver`` that has already imported the detector, so starting them costs
little; each worker loads the NER model itself, only if it meets free text.

The same workers also take whole files (:meth:`ParallelDetector.submit`, :mod:`leakguard.schedule`): a lake
of many small files uses every core, each file scanned from its start to its end in one worker, so that its
column decisions are those of one process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

import pyarrow as pa

from leakguard.detect.engine import DetectOptions, Detector
from leakguard.detect.profile import NirProfile
from leakguard.sources.base import Chunk, Problem

#: Files smaller than this are not split into chunks for the workers: each is scanned whole, in one worker.
MIN_PARALLEL_BYTES = 64 * 1024 * 1024

T = TypeVar("T")

_worker_detector: Detector | None = None


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init_worker(options: DetectOptions) -> None:
    global _worker_detector
    _worker_detector = Detector(options)


def _detect_raw(chunk: Chunk) -> tuple[pa.Table, dict[str, tuple[int, int]]]:
    assert _worker_detector is not None
    table, counts = _worker_detector.detect_raw(chunk)
    return table, counts.as_dict()


def cells_only(chunk: Chunk) -> Chunk:
    """The part of a chunk a worker needs (not the original batch or lines)."""
    return Chunk(columns=chunk.columns, rows=chunk.rows, text=chunk.text)


class ParallelDetector:
    """Runs ``detect_raw`` in ``jobs`` worker processes; use as a context manager."""

    def __init__(self, options: DetectOptions, jobs: int):
        self.options = options
        self.jobs = jobs
        self._resolver = Detector(options)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["leakguard.detect.engine", "leakguard.sources", "leakguard.filescan",
                                          "leakguard.scan"])
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                                         initargs=(options,))

    def __enter__(self) -> ParallelDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, function: Callable[..., T], *args: object) -> Future[T]:
        """Run ``function(*args)`` (a module-level function: it is pickled by name) in a worker."""
        return self._pool.submit(function, *args)

    def detect(self, items: Iterable[Chunk | Problem],
               profile: NirProfile | None = None) -> Iterator[tuple[Chunk, pa.Table] | Problem]:
        """``(chunk, findings)`` for each chunk of ``items``, in order; problems pass through in order."""
        profile = profile if profile is not None else NirProfile()
        window: deque[tuple[Chunk | Problem, Future | None]] = deque()
        for item in items:
            if isinstance(item, Problem):
                window.append((item, None))
            else:
                window.append((item, self._pool.submit(_detect_raw, cells_only(item))))
            while len(window) > 2 * self.jobs:
                yield self._collect(window.popleft(), profile)
        while window:
            yield self._collect(window.popleft(), profile)

    def _collect(self, entry: tuple[Chunk | Problem, Future | None],
                 profile: NirProfile) -> tuple[Chunk, pa.Table] | Problem:
        item, future = entry
        if future is None:
            assert isinstance(item, Problem)
            return item
        assert isinstance(item, Chunk)
        table, counts = future.result()
        profile.merge(NirProfile.from_dict(counts))
        return item, self._resolver.resolve(table, profile)
