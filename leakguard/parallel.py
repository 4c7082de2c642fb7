"""Detection on several cores: chunks go to worker processes, decisions stay in the parent.

The pre-filter and the Arrow kernels release the GIL, but the recognizers' Python on candidates and the NER
model do not, so threads do not scale the detector; processes do. The parent reads the file (Arrow's readers
use their own threads) and sends each chunk's cells to a worker, which runs
:meth:`~leakguard.detect.engine.Detector.detect_raw` and returns the raw findings and the chunk's NIR counts.
The parent takes the column decisions on them (:class:`~leakguard.detect.decisions.Decisions`), exactly as
one process does: results are identical to a sequential scan. At most ``2 × jobs`` chunks are in flight, so
memory stays bounded.

Workers are forked from a ``forkserver`` that has already imported the detector, so starting them costs
little; each worker loads the NER model itself, only if it meets free text.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import pyarrow as pa

from leakguard.detect.engine import DetectOptions, Detector
from leakguard.detect.profile import NirProfile
from leakguard.sources.base import Chunk, Problem

#: Files smaller than this are scanned in the calling process: starting workers would cost more.
MIN_PARALLEL_BYTES = 64 * 1024 * 1024

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


def _detect_raw(chunk: Chunk) -> tuple[pa.Table, NirProfile]:
    assert _worker_detector is not None
    return _worker_detector.detect_raw(chunk)


def cells_only(chunk: Chunk) -> Chunk:
    """The part of a chunk a worker needs (not the original batch or lines)."""
    return Chunk(columns=chunk.columns, rows=chunk.rows, text=chunk.text)


class ParallelDetector:
    """Runs ``detect_raw`` in ``jobs`` worker processes; use as a context manager."""

    def __init__(self, options: DetectOptions, jobs: int):
        self.options = options
        self.jobs = jobs
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["leakguard.detect.engine", "leakguard.sources"])
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                                         initargs=(options,))

    def __enter__(self) -> ParallelDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def detect_raw_each(self, items: Iterable[Chunk | Problem]
                        ) -> Iterator[tuple[Chunk, pa.Table, NirProfile] | Problem]:
        """``(chunk, raw findings, counts)`` for each chunk of ``items`` (what
        :meth:`~leakguard.detect.engine.Detector.detect_raw` gives), in order; problems pass through in order."""
        window: deque[tuple[Chunk | Problem, Future | None]] = deque()
        for item in items:
            if isinstance(item, Problem):
                window.append((item, None))
            else:
                window.append((item, self._pool.submit(_detect_raw, cells_only(item))))
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
