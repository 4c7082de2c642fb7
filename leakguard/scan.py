"""Scanning: in-memory tables, streams of record batches, and files.

* :func:`scan_table` — one ``pyarrow.Table`` or ``RecordBatch`` -> a findings table (``TABLE_SCHEMA``);
* :func:`scan_batches` — the streaming form: an iterable of record batches -> findings per batch, with
  ``row`` counted across the stream, memory bounded by one batch;
* :func:`scan_path` — one file -> findings per chunk, problems inline, ``SourceError`` when unreadable;
* :func:`scan_files` — the driver of ``leakguard scan``: files, directories, containers of tables (databases,
  SQL dumps, workbooks: each table reported as a file ``CONTAINER#TABLE``) and table directories (Delta,
  Iceberg), events to a reporter, on every core (:mod:`leakguard.schedule`), incrementally with a state
  (:mod:`leakguard.state`).

Every form shares one :class:`~leakguard.detect.engine.Detector` per stream, so the column profile that tells
NIRs from invoice numbers passing the key by chance sees the whole table or file.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

from leakguard.detect import names
from leakguard.detect.engine import DetectOptions, Detector
from leakguard.filescan import ChunkFindings, Failed, Progress, file_events, source_message
from leakguard.frames import ArrowData, as_batches, as_table
from leakguard.parallel import ParallelDetector
from leakguard.schedule import plan
from leakguard.sources import Container, iter_files, open_source, table_to_columns
from leakguard.sources.base import Chunk, Problem, SourceError
from leakguard.sources.structure import named_texts
from leakguard.sources.tables import AtVersion, table_kind
from leakguard.sources.windows import clip_findings
from leakguard.state import Check, ScanState

if TYPE_CHECKING:
    from leakguard.report.exposure import ExposureTracker

__all__ = ["DetectOptions", "ScanOutcome", "scan_batches", "scan_files", "scan_path", "scan_table"]


def _options(ner: bool, options: DetectOptions | None, overrides: dict[str, object]) -> DetectOptions:
    if options is not None:
        return options
    return DetectOptions(ner=ner, **overrides)  # type: ignore[arg-type]


def _chunk(batch: pa.Table | pa.RecordBatch, offset: int) -> Chunk:
    rows = pa.array(range(offset, offset + batch.num_rows), pa.int64())
    return Chunk(columns=table_to_columns(batch, row_offset=offset), rows=rows)


def scan_table(table_or_batch: ArrowData, *, ner: bool = True,
               options: DetectOptions | None = None, **overrides: object) -> pa.Table:
    """Findings of one in-memory table or record batch (``leakguard.findings.TABLE_SCHEMA``).

    Any object exporting Arrow data is taken too (pandas, polars, DuckDB relations, record batch readers:
    :mod:`leakguard.frames`).

    ``ner=False`` skips the NER model (like ``--no-ner``). Other keyword arguments are fields of
    :class:`DetectOptions` (``entities``, ``exclude_entities``, ``min_score``, ``column_hints``,
    ``show_values``), or pass ``options`` whole.
    """
    detector = Detector(_options(ner, options, overrides))
    return detector.detect(_chunk(as_table(table_or_batch, what="scan_table's input"), 0))


def scan_batches(batches: Iterable[pa.RecordBatch | pa.Table] | ArrowData, *, ner: bool = True,
                 options: DetectOptions | None = None, **overrides: object) -> Iterator[pa.Table]:
    """Findings of each batch of a stream, in order; ``row`` counts records across the stream.

    ``batches`` is an iterable of record batches (or tables), or any object exporting Arrow data, read batch
    by batch (a record batch reader, a DuckDB relation, a polars or pandas DataFrame: :mod:`leakguard.frames`).
    """
    detector = Detector(_options(ner, options, overrides))
    offset = 0
    for batch in as_batches(batches, what="scan_batches' input"):
        yield detector.detect(_chunk(batch, offset))
        offset += batch.num_rows


@dataclass
class ScanOutcome:
    """What :func:`scan_files` found, for the exit code."""

    files: int = 0
    #: files reported with the results of the last scan (``state``), not read
    files_unchanged: int = 0
    findings: int = 0
    errors: int = 0
    records: int = 0
    by_entity: dict[str, int] = field(default_factory=dict)


def scan_path(path: str, *, detector: Detector | None = None, options: DetectOptions | None = None,
              batch_rows: int = 65_536, parallel: ParallelDetector | None = None,
              ) -> Iterator[tuple[Chunk, pa.Table] | Problem]:
    """Scan one file: ``(chunk, findings)`` per chunk, and :class:`Problem` inline.

    The findings in the file's column names and metadata (``row`` -1, :mod:`leakguard.detect.names`) come
    last, with an empty chunk. With ``parallel``, chunks are detected in its worker processes (same results,
    more cores).
    Raises :class:`~leakguard.sources.base.SourceError` when the file cannot be read.
    """
    with open_source(path, batch_rows=batch_rows, partitions=True) as source:
        if isinstance(source, Container):
            raise SourceError(source.display, "holds several tables",
                              "scan it with scan_files() or leakguard.databases.scan_database()")
        columns: dict[str, None] = {}
        names.learn(text for _, text in named_texts(source.info))  # before reports show a column's name
        with contextlib.closing(source.chunks()) as chunks:
            if parallel is not None:
                for item in parallel.detect(chunks):
                    if isinstance(item, Problem):
                        yield item
                    else:
                        _remember_columns(item[0], columns)
                        yield item[0], clip_findings(item[1], item[0].part, shift=True)
            else:
                detector = detector or Detector(options)
                for item in chunks:
                    if isinstance(item, Problem):
                        yield item
                    else:
                        _remember_columns(item, columns)
                        # a window of a long line: its own findings, at their offsets in the line
                        yield item, clip_findings(detector.detect(item), item.part, shift=True)
        # column names and metadata: findings with row -1, after the records
        used = parallel.options if parallel is not None else detector.options  # type: ignore[union-attr]
        named = names.name_findings(named_texts(source.info, columns), used)
        if named.num_rows:
            yield Chunk(columns=[], rows=pa.array([], pa.int64())), named


def _remember_columns(chunk: Chunk, columns: dict[str, None]) -> None:
    """Add the chunk's column names to ``columns``; new ones are looked at at once, in one pass."""
    if not chunk.text:
        new = [column.name for column in chunk.columns if column.name not in columns]
        if new:
            columns.update(dict.fromkeys(new))
            names.learn(new)


def scan_files(paths: Iterable[str], reporter: object, *, options: DetectOptions | None = None,
               batch_rows: int = 65_536, jobs: int = 1,
               on_progress: Callable[[str, int, int], None] | None = None, debug: bool = False,
               finding_filter: Callable[[str, pa.Table], pa.Table] | None = None,
               problem_filter: Callable[[str, int | None], bool] | None = None,
               tables: Sequence[str] = (), exposure: ExposureTracker | None = None,
               state: ScanState | None = None, delta_version: int | None = None) -> ScanOutcome:
    """Scan files and directories, sending events to ``reporter`` (see ``leakguard.report``).

    Each file's path is scanned too: a file named after a NIR is reported as a finding on its path (``row``
    -1, ``column`` ``<path>``, :mod:`leakguard.detect.names`), like its column names and metadata. A Delta or
    Iceberg table directory is one entry (:mod:`leakguard.sources.tables`), a Delta table read at
    ``delta_version`` when given.

    A file that cannot be read is reported as an error and the others are still scanned. ``jobs`` > 1 uses
    that many worker processes: small files are scanned whole in them, the chunks of larger ones are spread
    over them (:mod:`leakguard.schedule`); results come in the order of one process. With ``state``
    (:mod:`leakguard.state`), files unchanged since the last scan are reported with their previous results
    (``reporter.file_unchanged``), not read; the caller writes the state afterwards. ``on_progress`` is
    called with ``(path, records_so_far, bytes_of_file)`` after each chunk. With ``debug``, unexpected
    exceptions propagate (with their traceback) instead of being reported as one-line errors.
    ``finding_filter(path, findings)`` sees the findings of each chunk before they are counted and
    reported, and returns those to keep (:class:`leakguard.suppress.FindingFilter`: allowlist, baseline,
    inline ignores). ``problem_filter(path, row)`` returning false drops a recoverable problem (a skipped
    ``leakguard: allow`` comment line). ``tables`` are ``--table`` patterns: the tables of containers to scan.
    ``exposure`` (:class:`leakguard.report.exposure.ExposureTracker`) is fed every chunk with the findings
    kept, and each file's or table's figures go to the reporter in ``FileStats.exposure``; the run's are
    ``exposure.summary()``.
    """

    options = options or DetectOptions()
    outcome = ScanOutcome()
    entries = [entry if isinstance(entry, SourceError) or delta_version is None or table_kind(entry) != "delta"
               else AtVersion(entry, delta_version) for entry in iter_files(paths)]
    if state is not None:
        entries = [entry for entry in entries if isinstance(entry, SourceError) or not state.owns(entry)]
        reporter = recorder = state.recorder(reporter)
    names.learn((entry for entry in entries if isinstance(entry, str)), paths=True)  # every path in one pass
    with contextlib.ExitStack() as stack:
        pools: list[ParallelDetector] = []

        def pool() -> ParallelDetector:  # started at the first entry that needs workers
            if not pools:
                pools.append(stack.enter_context(ParallelDetector(options, jobs)))
            return pools[0]

        # exposure reads each chunk's NIRs: files are then read here, their chunks detected by the workers
        for planned in plan(entries, options=options, batch_rows=batch_rows, pool=pool, jobs=jobs, state=state,
                            debug=debug, tables=tables, whole_files=exposure is None):
            path = planned.path
            if planned.error is not None:
                outcome.errors += 1
                reporter.problem(path, source_message(planned.error), None, fatal=True)
                continue
            outcome.files += 1
            if planned.unchanged:
                assert state is not None and planned.check is not None and planned.check.unchanged is not None
                state.carry(path, planned.check)
                outcome.files_unchanged += 1
                reporter.file_started(path)
                reporter.file_unchanged(path)  # type: ignore[attr-defined]
                events: Iterable[object] = [*state.events(planned.check.unchanged),
                                            state.stats(planned.check.unchanged)]
                _deliver(path, events, reporter, outcome, None, None, None, None)
                continue
            if planned.future is not None:
                result = planned.future.result()
                check = planned.check
                if check is not None:
                    check = Check(None, check.stamp, check.digest or result.digest)
                events = result.events()
            else:
                check = planned.check
                events = file_events(path, options, batch_rows=batch_rows, parallel=planned.parallel, debug=debug,
                                     size=planned.size, with_chunks=exposure is not None)
            if state is not None and check is not None:
                recorder.expect(path, check)
            reporter.file_started(path)
            _report(path, names.path_findings(path, options), reporter, outcome, finding_filter)
            _deliver(path, events, reporter, outcome, finding_filter, problem_filter, on_progress, exposure)
    return outcome


def _deliver(path: str, events: Iterable[object], reporter: object, outcome: ScanOutcome,
             finding_filter: Callable[[str, pa.Table], pa.Table] | None,
             problem_filter: Callable[[str, int | None], bool] | None,
             on_progress: Callable[[str, int, int], None] | None, exposure: ExposureTracker | None) -> None:
    """Send the events of one file (:mod:`leakguard.filescan`, or a state's replay) to ``reporter``; feed
    ``exposure`` each chunk with the findings kept."""
    from leakguard.report import FileStats

    for event in events:
        if isinstance(event, pa.Table):
            _report(path, event, reporter, outcome, finding_filter)
        elif isinstance(event, ChunkFindings):
            kept = _report(path, event.findings, reporter, outcome, finding_filter)
            if exposure is not None:
                exposure.add(path, event.chunk, kept)
        elif isinstance(event, Problem | tuple):
            row, message = (event.row, event.message) if isinstance(event, Problem) else event[:2]
            if problem_filter is not None and not problem_filter(path, row):
                continue
            outcome.errors += 1
            reporter.problem(path, message, row, fatal=False)  # type: ignore[attr-defined]
        elif isinstance(event, Progress):
            if on_progress is not None:
                on_progress(path, event.records, event.size)
        elif isinstance(event, Failed):
            outcome.errors += 1
            reporter.problem(path, event.message, None, fatal=True)  # type: ignore[attr-defined]
        elif isinstance(event, FileStats):
            outcome.records += event.records
            if exposure is not None:
                event = dataclasses.replace(event, exposure=exposure.finish(path))
            reporter.file_done(path, event)  # type: ignore[attr-defined]


def _report(path: str, findings: pa.Table, reporter: object, outcome: ScanOutcome,
            finding_filter: Callable[[str, pa.Table], pa.Table] | None) -> pa.Table:
    """Filter, count and report findings of ``path``; the findings kept."""
    if finding_filter is not None and findings.num_rows:
        findings = finding_filter(path, findings)
    if findings.num_rows:
        outcome.findings += findings.num_rows
        for entity, count in zip(*_count_entities(findings)):
            outcome.by_entity[entity] = outcome.by_entity.get(entity, 0) + count
        reporter.findings(path, findings)  # type: ignore[attr-defined]
    return findings


def _count_entities(findings: pa.Table) -> tuple[list[str], list[int]]:
    counts = findings.group_by("entity").aggregate([("entity", "count")])
    return counts["entity"].to_pylist(), counts["entity_count"].to_pylist()
