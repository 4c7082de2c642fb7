"""Where each entry of a scan is read, and the order its results come back in.

For each entry (a file, a table directory, a container of tables, or a path that cannot be walked), in order:

* unreadable path: its error;
* container (a database, a SQL dump, a workbook: :mod:`leakguard.sources.containers`): its tables, read here
  one after the other while the container is open (their sources cannot travel to a worker), and always
  read (a table has no stamp of its own for the state);
* unchanged since the last scan (``--state``, :mod:`leakguard.state`): its previous results, nothing read;
* one job: read here, chunk after chunk;
* several jobs: a file under :data:`~leakguard.workerserver.MIN_PARALLEL_BYTES` is scanned whole in a worker
  process, so that thousands of small files use every core; a larger file, or a table directory, is read
  here and its chunks are detected in the same workers. The workers start at the first entry that needs
  them; a scan of a single small file runs here (starting workers would cost more than it saves).

Whether an entry is unchanged is known before any is read (its size and time, or its digest when they
changed), so that the workers start only when two entries or more are to be read.

Results are given in the order of the entries, whatever the order the workers finish in, so a report is the
same with any number of jobs. Whole-file jobs are submitted up to :data:`LOOKAHEAD` × jobs entries ahead of
the one being reported, which bounds the results held in memory. A file keeps all of its processing (its
column decisions, the detection of its names) inside one scan of it, whichever process runs it.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from leakguard.detect.engine import DetectOptions
from leakguard.filescan import WorkerResult, file_size, scan_in_worker
from leakguard.parallel import ParallelDetector
from leakguard.sources.base import SourceError
from leakguard.sources.containers import iter_tables, sniff_container
from leakguard.state import Check, ScanState, content_digest
from leakguard.workerserver import MIN_PARALLEL_BYTES

#: Whole-file jobs in flight per job: enough to keep the workers busy while the parent reports.
LOOKAHEAD = 4


@dataclass
class Planned:
    """What to do with one entry; exactly one of ``error``, ``unchanged``, ``future`` is set, or none of them
    (read it here, its chunks in ``parallel`` when set)."""

    path: str
    error: SourceError | None = None
    check: Check | None = None
    future: Future[WorkerResult] | None = None
    parallel: ParallelDetector | None = None
    size: int | None = None

    @property
    def unchanged(self) -> bool:
        return self.check is not None and self.check.unchanged is not None


def plan(entries: Sequence[str | SourceError], *, options: DetectOptions, batch_rows: int,
         pool: Callable[[], ParallelDetector] | None, jobs: int, state: ScanState | None,
         debug: bool, tables: Sequence[str] = (), with_chunks: bool = False) -> Iterator[Planned]:
    """Each entry's :class:`Planned`, in order (a container's: one per table, ``tables`` the ``--table``
    patterns); whole-file jobs are already running in the pool that ``pool`` starts (on first use) when
    ``jobs`` > 1 (``with_chunks``: their findings come with the cells exposure reads,
    :func:`~leakguard.filescan.scan_in_worker`).
    Consume each before asking for the next: a container stays open while its tables are."""
    window: deque[Planned] = deque()
    ahead = LOOKAHEAD * jobs if pool is not None and jobs > 1 else 0
    containers = [isinstance(entry, str) and _is_container(entry) for entry in entries]
    checks = [state.check(entry) if state is not None and isinstance(entry, str) and not container else None
              for entry, container in zip(entries, containers, strict=True)]
    to_read = sum(1 for entry, check in zip(entries, checks, strict=True)
                  if isinstance(entry, str) and (check is None or check.unchanged is None))
    for entry, check, container in zip(entries, checks, containers, strict=True):
        if isinstance(entry, SourceError):
            window.append(Planned(entry.path, error=entry))
        elif container:
            yield from window
            window.clear()
            for table in iter_tables([entry], tables=tables, batch_rows=batch_rows):
                yield Planned(table.path, error=table) if isinstance(table, SourceError) else Planned(table)
        else:
            window.append(_plan_one(entry, check, options, batch_rows, pool if ahead else None,
                                    to_read > 1, state, debug, with_chunks))
        while len(window) > ahead:
            yield window.popleft()
    yield from window


def _plan_one(path: str, check: Check | None, options: DetectOptions, batch_rows: int,
              pool: Callable[[], ParallelDetector] | None, whole: bool, state: ScanState | None,
              debug: bool, with_chunks: bool) -> Planned:
    if check is not None and check.unchanged is not None:
        return Planned(path, check=check)
    key = state.key if state is not None and check is not None and check.digest is None else None
    if pool is None:
        return Planned(path, check=_digested(check, path, key))
    size = file_size(path)
    if size >= MIN_PARALLEL_BYTES or os.path.isdir(path):
        return Planned(path, check=_digested(check, path, key), parallel=pool(), size=size)
    if not whole:
        return Planned(path, check=_digested(check, path, key), size=size)
    future = pool().submit(scan_in_worker, path, options, batch_rows, debug, key, with_chunks)
    return Planned(path, check=check, future=future, size=size)


def _is_container(path: str) -> bool:
    """Whether ``path`` holds tables (a database URI, a SQLite or DuckDB file, a dump, a workbook)."""
    try:
        return sniff_container(path) is not None
    except SourceError:  # a container that cannot be read: iter_tables says why
        return True


def _digested(check: Check | None, path: str, key: bytes | None) -> Check | None:
    """``check`` with the content digest of ``path`` when it still lacks one (read here)."""
    if check is None or key is None:
        return check
    return Check(None, check.stamp, content_digest(path, key))
