"""Scanning: in-memory tables, streams of record batches, and files.

* :func:`scan_table` — one ``pyarrow.Table`` or ``RecordBatch`` -> a findings table (``TABLE_SCHEMA``);
* :func:`scan_batches` — the streaming form: an iterable of record batches -> findings per batch, with
  ``row`` counted across the stream, memory bounded by one batch;
* :func:`scan_path` — one file -> findings per chunk, problems inline, ``SourceError`` when unreadable;
* :func:`scan_files` — the driver of ``leakguard scan``: files, directories, containers of tables (databases,
  SQL dumps, workbooks: each table reported as a file ``CONTAINER#TABLE``) and table directories (Delta,
  Iceberg), events to a reporter, on every core (:mod:`leakguard.schedule`), incrementally with a state
  (:mod:`leakguard.state`).

Every form takes one decision per column on whether its NIR-shaped numbers are NIRs or numbers passing the key
by chance (:mod:`leakguard.detect.profile`), on the counts of the whole table, file or stream, so the answer
does not depend on how the data is split or ordered. Findings that wait for that decision are held until the
counts are final (:mod:`leakguard.detect.decisions`): the others go out chunk by chunk.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect import names
from leakguard.detect.decisions import FILE_BUDGET, Decisions
from leakguard.detect.engine import DetectOptions, Detector, unproven
from leakguard.detect.profile import NirProfile, column_key
from leakguard.filescan import ChunkFindings, Failed, Progress, file_events, source_message
from leakguard.frames import ArrowData, as_batches, as_table
from leakguard.parallel import ParallelDetector
from leakguard.schedule import plan
from leakguard.sources import Container, iter_files, open_source, table_to_columns
from leakguard.sources.base import Chunk, Problem, Source, SourceError
from leakguard.sources.structure import named_texts
from leakguard.sources.tables import AtVersion, table_kind
from leakguard.sources.windows import clip_findings
from leakguard.state import Check, ScanState

if TYPE_CHECKING:
    from leakguard.report.exposure import ExposureTracker

__all__ = ["DetectOptions", "ScanOutcome", "profile_path", "profile_source", "scan_batches", "scan_files", "scan_path",
           "scan_table"]


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
    """Findings of each batch of a stream, one table per batch, in order; ``row`` counts records across the stream.

    ``batches`` is an iterable of record batches (or tables), or any object exporting Arrow data, read batch
    by batch (a record batch reader, a DuckDB relation, a polars or pandas DataFrame: :mod:`leakguard.frames`).

    NIRs found without context (no NIR column name, no context word) are kept or dropped on the counts of
    their whole column, so they are held until the stream ends and come with the last batch's table (their
    ``row`` says where they are). Memory: one batch, plus the held findings (:mod:`leakguard.detect.decisions`:
    about 80 bytes per NIR-shaped number that passes the key without context — one cell in 119 of an
    invoice-number column, every cell of a NIR column named ``c0``; name such a column in ``column_hints``).
    """
    detector = Detector(_options(ner, options, overrides))
    decisions = Decisions()
    offset = 0
    previous: pa.Table | None = None
    for batch in as_batches(batches, what="scan_batches' input"):
        raw, counts = detector.detect_raw(_chunk(batch, offset))
        offset += batch.num_rows
        if previous is not None:
            yield previous
        previous = decisions.take(raw, counts)
    if previous is not None:
        late = decisions.release()
        yield previous if late is None else _with_late(previous, late)


def _with_late(findings: pa.Table, late: pa.Table) -> pa.Table:
    return pa.concat_tables([findings, late]).sort_by([("row", "ascending"), ("start", "ascending")])


@dataclass
class ScanOutcome:
    """What :func:`scan_files` found, for the exit code."""

    #: every file, table or entry reported: read in this run, unchanged or unreadable
    files: int = 0
    #: files reported with the results of the last scan (``state``), not read
    files_unchanged: int = 0
    #: files that could not be read (each also counted in ``errors``)
    files_unreadable: int = 0

    @property
    def files_scanned(self) -> int:
        """Files read in this run (neither unchanged nor unreadable)."""
        return self.files - self.files_unchanged - self.files_unreadable
    findings: int = 0
    errors: int = 0
    records: int = 0
    by_entity: dict[str, int] = field(default_factory=dict)


def scan_path(path: str, *, detector: Detector | None = None, options: DetectOptions | None = None,
              batch_rows: int = 65_536, parallel: ParallelDetector | None = None, budget: int = FILE_BUDGET,
              display_path: str | None = None, on_held: Callable[[pa.Table], None] | None = None,
              ) -> Iterator[tuple[Chunk, pa.Table] | Problem]:
    """Scan one file: ``(chunk, findings)`` per chunk, and :class:`Problem` inline.

    NIRs found without context wait for their column's decision on the whole file: they come after the
    records, in more ``(chunk, findings)`` pairs whose chunk is :data:`DECIDED` (no rows); ``on_held`` is
    called with each chunk's waiting NIRs, when it has some, just before the chunk. At most ``budget`` of them are
    held; past it the largest column's are found again by a second read of that column, if it holds NIRs. A
    ``detector`` with a frozen profile decides at once. The findings in the file's column names and metadata
    (``row`` -1, :mod:`leakguard.detect.names`) come last, with an empty chunk. With ``parallel``, chunks are
    detected in its worker processes (same results, more cores).
    Raises :class:`~leakguard.sources.base.SourceError` when the file cannot be read.
    """
    detector = detector or Detector(options)
    decisions = Decisions(detector.profile, frozen=True) if detector.frozen_profile else Decisions(budget=budget)
    with open_source(path, batch_rows=batch_rows, display_path=display_path, partitions=True) as source:
        if isinstance(source, Container):
            raise SourceError(source.display, "holds several tables",
                              "scan it with scan_files() or leakguard.databases.scan_database()")
        columns: dict[str, None] = {}
        names.learn(text for _, text in named_texts(source.info))  # before reports show a column's name
        with contextlib.closing(source.chunks()) as chunks:
            items = parallel.detect_raw_each(chunks) if parallel is not None else _raw_each(detector, chunks)
            for item in items:
                if isinstance(item, Problem):
                    yield item
                    continue
                chunk, raw, counts = item
                del item  # a chunk's raw findings are not held while the next chunk is read and detected
                _remember_columns(chunk, columns)
                # a window of a long line: its own findings, at their offsets in the line
                found = decisions.take(clip_findings(raw, chunk.part, shift=True), counts)
                del raw
                if on_held is not None and decisions.waiting is not None and decisions.waiting.num_rows:
                    on_held(decisions.waiting)
                yield chunk, found
                del chunk, found
        released = decisions.release()
        if released is not None:
            yield DECIDED, released
        for recounted in _recount(path, detector.options, batch_rows, decisions):
            yield DECIDED, recounted  # chunk by chunk: a 10^7-row column's NIRs are never held at once
        # column names and metadata: findings with row -1, after the records
        used = parallel.options if parallel is not None else detector.options
        named = names.name_findings(named_texts(source.info, columns), used)
        if named.num_rows:
            yield Chunk(columns=[], rows=pa.array([], pa.int64())), named


#: The chunk of the findings released by the column decisions, after a file's records (it has no rows).
DECIDED = Chunk(columns=[], rows=pa.array([], pa.int64()))


def _remember_columns(chunk: Chunk, columns: dict[str, None]) -> None:
    """Add the chunk's column names to ``columns``; new ones are looked at at once, in one pass."""
    if not chunk.text:
        new = [column.name for column in chunk.columns if column.name not in columns]
        if new:
            columns.update(dict.fromkeys(new))
            names.learn(new)


def _raw_each(detector: Detector, chunks: Iterable[Chunk | Problem]
              ) -> Iterator[tuple[Chunk, pa.Table, NirProfile] | Problem]:
    for item in chunks:
        yield item if isinstance(item, Problem) else (item, *detector.detect_raw(item))


def _recount(path: str, options: DetectOptions, batch_rows: int, decisions: Decisions) -> Iterator[pa.Table]:
    """The unproven NIRs of the columns whose held findings went over the budget and that hold NIRs, chunk by
    chunk (by row and offset).

    A second read of those columns only (a source's chunks can be read again), without NER (which never
    removes a NIR span).
    """
    keys = decisions.recount
    if not keys:
        return
    detector = Detector(dataclasses.replace(options, ner=False))
    with open_source(path, batch_rows=batch_rows, partitions=True) as source, \
            contextlib.closing(source.chunks()) as chunks:
        for item in chunks:
            if isinstance(item, Problem):
                continue
            columns = [c for c in item.columns if column_key(None if item.text else c.name) in keys]
            if not columns:
                continue
            raw, _ = detector.detect_raw(dataclasses.replace(item, columns=columns))
            found = clip_findings(raw.filter(unproven(raw["entity"])), item.part, shift=True)
            if found.num_rows:
                yield Detector.resolve(found, decisions.profile)


def profile_path(path: str, options: DetectOptions | None = None, *, batch_rows: int = 65_536) -> NirProfile:
    """The final NIR counts of every column of one file: the profile pass before a rewrite.

    Counts what :meth:`Detector.detect_raw` with ``options`` counts (NER aside: it counts nothing), at a
    fraction of its cost (:meth:`Detector.count`); records that could not be parsed come as text lines, as
    the rewrite reads them. See :func:`profile_source`.
    """
    with open_source(path, batch_rows=batch_rows, partitions=True) as source:  # as scan_path reads it
        if isinstance(source, Container):
            raise SourceError(source.display, "holds several tables", "profile each of its tables")
        return profile_source(source, options)


def profile_source(source: Source, options: DetectOptions | None = None) -> NirProfile:
    """:func:`profile_path` of an opened source (a file's, or one table of a container): reads it once more."""
    options = dataclasses.replace(options or DetectOptions(), ner=False, previews=False, show_values=False)
    detector = Detector(options)
    profile = NirProfile()
    with contextlib.closing(source.chunks()) as chunks:
        for item in chunks:
            if not isinstance(item, Problem):
                profile.merge(detector.count(item))
    return profile


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
    ``exposure.summary()``. With ``state`` too, the figures of unchanged files are the state's, and the
    tracker is keyed with the state's key (:meth:`~leakguard.report.exposure.ExposureTracker.for_state`).
    """

    options = options or DetectOptions()
    outcome = ScanOutcome()
    entries = [entry if isinstance(entry, SourceError) or delta_version is None or table_kind(entry) != "delta"
               else AtVersion(entry, delta_version) for entry in iter_files(paths)]
    if state is not None:
        entries = [entry for entry in entries if isinstance(entry, SourceError) or not state.owns(entry)]
        reporter = recorder = state.recorder(reporter)
        if exposure is not None:  # the figures of unchanged files come from the state, persons from sketches
            exposure.for_state(state.key)
            state.needs_exposure = True
    names.learn((entry for entry in entries if isinstance(entry, str)), paths=True)  # every path in one pass
    with contextlib.ExitStack() as stack:
        pools: list[ParallelDetector] = []

        def pool() -> ParallelDetector:  # started at the first entry that needs workers
            if not pools:
                pools.append(stack.enter_context(ParallelDetector(options, jobs)))
            return pools[0]

        for planned in plan(entries, options=options, batch_rows=batch_rows, pool=pool, jobs=jobs, state=state,
                            debug=debug, tables=tables, with_chunks=exposure is not None):
            path = planned.path
            outcome.files += 1
            if planned.error is not None:
                outcome.errors += 1
                outcome.files_unreadable += 1
                reporter.problem(path, source_message(planned.error), None, fatal=True)
                continue
            if planned.unchanged:
                assert state is not None and planned.check is not None and planned.check.unchanged is not None
                state.carry(path, planned.check)
                outcome.files_unchanged += 1
                reporter.file_started(path)
                reporter.file_unchanged(path)  # type: ignore[attr-defined]
                stats = state.stats(planned.check.unchanged, exposure=exposure is not None)
                if exposure is not None and stats.exposure is not None:
                    exposure.restore(stats.exposure)
                events: Iterable[object] = [*state.events(planned.check.unchanged), stats]
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
            if exposure is not None and event.decided:
                exposure.decide(path, kept)
            elif exposure is not None:
                exposure.add(path, event.chunk, kept, held=_held_kept(path, event.held, finding_filter))
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
            outcome.files_unreadable += 1
            reporter.problem(path, event.message, None, fatal=True)  # type: ignore[attr-defined]
        elif isinstance(event, FileStats):
            outcome.records += event.records
            if exposure is not None:
                event = dataclasses.replace(event, exposure=exposure.finish(path))
            reporter.file_done(path, event)  # type: ignore[attr-defined]


def _held_kept(path: str, held: pa.Table | None,
               finding_filter: Callable[[str, pa.Table], pa.Table] | None) -> pa.Table | None:
    """The NIRs held for their column's decision that the filter will keep if the decision releases them:
    exposure counts no allowlisted, baselined or ignored NIR, held or not."""
    if finding_filter is None or held is None or not held.num_rows:
        return held
    at = held.schema.get_field_index("entity")
    return finding_filter(path, held.set_column(at, held.schema.field(at), pa.array(["FR_NIR"] * held.num_rows)))


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
    encoded = pc.dictionary_encode(findings.column("entity").combine_chunks())
    counts = np.bincount(encoded.indices.to_numpy(zero_copy_only=False), minlength=len(encoded.dictionary))
    return encoded.dictionary.to_pylist(), counts.tolist()
