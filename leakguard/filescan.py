"""One file's scan as a sequence of events: what the scan driver reports, and what a worker sends back.

:func:`file_events` runs :func:`leakguard.scan.scan_path` over one file (or table directory) and turns what
it yields into events, in order: findings tables (before the project's filter), :class:`Problem` inside the
file, :class:`Progress` after each chunk, :class:`Failed` when the file cannot be read, and last the file's
:class:`~leakguard.report.FileStats`. Everything about the file, its column decisions included, happens
inside ``scan_path``: running the whole of it in another process gives the findings of one process. With
``with_chunks`` (exposure reads the cells of each finding), each chunk also comes with the NIRs it holds that
wait for their column's decision (``held``), and the findings released by that decision after the records are
marked ``decided``: readers of cells account for held NIRs with their chunk, and learn the decision at the end.

:func:`scan_in_worker` is that: the job a worker process runs for a whole file (:mod:`leakguard.parallel`).
It sends back the events but the progress (with ``with_chunks``, each chunk cut to the cells exposure reads),
and what the file asked of the name index (:mod:`leakguard.detect.names`), which the parent replays with
:meth:`WorkerResult.events` so that names are detected and masked in file order, as in one process.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

from leakguard.detect import names
from leakguard.detect.engine import DetectOptions
from leakguard.sources.base import Chunk, Problem, SourceError
from leakguard.sources.celltext import blank_cells, undecodable_cells
from leakguard.sources.tables import table_bytes, table_kind

if TYPE_CHECKING:
    from leakguard.parallel import ParallelDetector
    from leakguard.report import FileStats


@dataclass(frozen=True)
class Progress:
    """A chunk was read: ``records`` of the file so far, ``size`` its bytes."""

    records: int
    size: int


@dataclass(frozen=True)
class Failed:
    """The file could not be read (or an unexpected fault stopped its scan): one line for the user."""

    message: str


@dataclass(frozen=True)
class ChunkFindings:
    """A chunk read in this process and its findings (``file_events(..., with_chunks=True)``).

    ``held``: the chunk's NIRs that wait for their column's decision (:mod:`leakguard.detect.decisions`), not
    in ``findings``. ``decided``: ``findings`` are those released by the decisions, after the records (the
    chunk has no rows).
    """

    chunk: Chunk
    findings: pa.Table
    held: pa.Table | None = None
    decided: bool = False


Event = pa.Table | ChunkFindings | Problem | Progress | Failed  # and, last, the file's FileStats


def file_size(path: str) -> int:
    """Bytes of a file, or of the data files of a table directory; 0 when unknown."""
    if table_kind(path) is not None:
        return table_bytes(path)
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def file_events(path: str, options: DetectOptions, *, batch_rows: int = 65_536,
                parallel: ParallelDetector | None = None, debug: bool = False,
                size: int | None = None, with_chunks: bool = False) -> Iterator[Event | FileStats]:
    """The events of one file's scan, its :class:`FileStats` last (also after a :class:`Failed`); with
    ``with_chunks``, findings come with their chunk (:class:`ChunkFindings`), for readers of cell values.

    With ``debug``, unexpected exceptions propagate instead of becoming a :class:`Failed` event.
    """
    from leakguard.report import FileStats
    from leakguard.scan import DECIDED, scan_path

    started = time.perf_counter()
    size = file_size(path) if size is None else size
    records = 0
    cells: dict[str | None, int] = {}
    not_text: dict[str, int] = {}
    try:
        held: list[pa.Table] = []
        for item in scan_path(path, options=options, batch_rows=batch_rows, parallel=parallel,
                              on_held=held.append if with_chunks else None):
            if isinstance(item, Problem):
                yield item
                continue
            chunk, findings = item
            del item  # nothing of a chunk is held here while the next one is scanned
            records += len(chunk.rows)
            cells_by_column(chunk, cells, not_text)
            if with_chunks:
                yield ChunkFindings(chunk, findings, held.pop() if held else None, decided=chunk is DECIDED)
            else:
                yield findings
            del chunk, findings
            yield Progress(records, size)
    except SourceError as error:
        yield Failed(source_message(error))
    except Exception as error:  # a bug or an unexpected fault in one file: report it, scan the others
        if debug:
            raise
        # the exception's text may quote file content: name its type only
        yield Failed(f"internal error ({type(error).__name__}); rerun with --debug for details")
    yield FileStats(records=records, cells_by_column=cells, bytes=size, seconds=time.perf_counter() - started,
                    cells_not_text=not_text)


def cells_by_column(chunk: Chunk, counts: dict[str | None, int], not_text: dict[str, int]) -> None:
    """Add the chunk's non-empty cells per column to ``counts`` (neither null nor blank, and text: the base
    of the reports' shares), and to ``not_text`` its binary cells that are not UTF-8 text (not scanned)."""
    for column in chunk.columns:
        key = None if chunk.text else column.name
        skipped = undecodable_cells(column.values)
        blank = blank_cells(column.values)
        counts[key] = counts.get(key, 0) + len(column.values) - column.values.null_count - skipped - blank
        if skipped:
            not_text[column.name] = not_text.get(column.name, 0) + skipped


def source_message(error: SourceError) -> str:
    """The one-line message of ``error`` without the path (reporters print the path beside it)."""
    return error.problem + (f"; {error.hint}" if error.hint else "")


@dataclass
class WorkerResult:
    """What a worker sends back for one file: its events and the name-index calls to replay."""

    path: str
    raw_events: list[Event | FileStats] = field(default_factory=list)
    name_calls: Sequence[tuple[int, object]] = ()
    #: the file's content digest, when the job was asked for one (:mod:`leakguard.state`)
    digest: str | None = None

    def events(self) -> Iterator[Event | FileStats]:
        """The events in order, with the findings in names detected here (in this process's name index)."""
        for at, event in enumerate(self.raw_events):
            for table in names.replay(self.name_calls, at):
                if table.num_rows:
                    yield table
            yield event
        for table in names.replay(self.name_calls, len(self.raw_events)):
            if table.num_rows:
                yield table


def scan_in_worker(path: str, options: DetectOptions, batch_rows: int, debug: bool,
                   digest_key: bytes | None = None, with_chunks: bool = False) -> WorkerResult:
    """Scan one whole file in a worker process (see the module docstring); ``with_chunks``: findings come
    with what exposure reads of their chunk (:meth:`~leakguard.report.exposure.ExposureTracker.cells_read`)."""
    from leakguard.report.exposure import ExposureTracker

    result = WorkerResult(path)
    if digest_key is not None:
        from leakguard.state import content_digest

        result.digest = content_digest(path, digest_key)
    with names.recording(result.raw_events) as recorder:
        for event in file_events(path, options, batch_rows=batch_rows, debug=debug, with_chunks=with_chunks):
            if isinstance(event, ChunkFindings) and not event.decided:
                event = dataclasses.replace(
                    event, chunk=ExposureTracker.cells_read(event.chunk, event.findings, event.held))
            if not isinstance(event, Progress):
                result.raw_events.append(event)
    result.name_calls = recorder.calls
    return result
