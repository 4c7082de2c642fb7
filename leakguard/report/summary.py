"""Aggregates of a scan: per file, per column, per entity, how many distinct records hold a finding.

The reporters receive findings as a stream of Arrow tables (``leakguard.findings.TABLE_SCHEMA``) and the
statistics of each file when it is done (:class:`FileStats`). What a reader of a report wants first is not the
list of spans but, for each column, *which* entity it holds and *how much of the column* that is:

==============  ======================================================================================
records         distinct records (table rows, JSON lines, text lines) with at least one finding of the
                entity in the column; two NIRs on one log line count once
cells           non-empty cells of the column, neither null nor blank (``FileStats.cells_by_column``; the
                ``None`` key for text)
share           records / cells: 1.0 is a column of NIRs, 0.001 a comment column that leaks a few
top score       the highest score of the entity in the column
example         the masked preview of the best-scored finding (its raw value only with ``--show-values``)
first rows      the smallest record indices, so that a reader can go and look
==============  ======================================================================================

Distinct records are counted exactly, whatever the order and grouping of the findings events, with a bitmap
of record indices per (column, entity) while the file is being scanned (one bit per record up to the largest
index met: 125 kB per million records), dropped when the file is done. Nothing here holds a raw value unless
the caller asked for values.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.findings import ENTITIES
from leakguard.report.text import shown_in_json

if TYPE_CHECKING:
    from leakguard.report.exposure import Exposure

#: How many of the first record indices each aggregate keeps (table: line numbers of text files).
FIRST_ROWS = 5
#: How many problems each file keeps for the final document (all are counted; ``jsonl`` streams them all).
MAX_PROBLEMS_KEPT = 1000


@dataclass
class FileStats:
    """What the scan driver measured on one file.

    ``cells_by_column`` counts the non-empty cells (neither null nor blank) in each logical column (dotted
    paths for nested data); a text or log file has the single key ``None`` (its lines). ``cells_not_text``
    counts, per column, the binary cells that are not UTF-8 text and were not scanned
    (:mod:`leakguard.sources.celltext`). ``exposure``: the file's record-level exposure
    (:mod:`leakguard.report.exposure`), when the driver computed it.
    """

    records: int = 0
    cells_by_column: dict[str | None, int] = field(default_factory=dict)
    bytes: int = 0
    seconds: float = 0.0
    cells_not_text: dict[str, int] = field(default_factory=dict)
    exposure: Exposure | None = None


@dataclass(frozen=True)
class ProblemRecord:
    """A fault met in a file: recoverable (one bad record, ``row`` set) or ``fatal`` (the file is unread)."""

    message: str
    row: int | None = None
    fatal: bool = False


class RowSet:
    """Distinct non-negative record indices: an exact count and the smallest few, from a growable bitmap."""

    def __init__(self, keep_first: int = FIRST_ROWS):
        self._bits = np.zeros(0, dtype=np.uint8)
        self.count = 0
        self.first: list[int] = []
        self._keep = keep_first

    def add(self, rows: np.ndarray) -> None:
        """Add the record indices ``rows`` (any order, repeats allowed)."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return
        if rows.size > 1:
            if not (rows[1:] >= rows[:-1]).all():  # findings usually come by record already
                rows = np.sort(rows)
            rows = rows[np.concatenate(([True], rows[1:] != rows[:-1]))]
        if rows[0] < 0:
            raise ValueError("record indices are 0-based and non-negative")
        needed = int(rows[-1] >> 3) + 1
        if needed > self._bits.size:
            grown = np.zeros(max(needed, 2 * self._bits.size), dtype=np.uint8)
            grown[: self._bits.size] = self._bits
            self._bits = grown
        index = rows >> 3
        bit = (np.uint8(1) << (rows & 7).astype(np.uint8)).astype(np.uint8)
        new = (self._bits[index] & bit) == 0
        self.count += int(new.sum())
        np.bitwise_or.at(self._bits, index, bit)
        if len(self.first) < self._keep or rows[0] < self.first[-1]:
            self.first = sorted(set(self.first).union(rows[: self._keep].tolist()))[: self._keep]

    def freeze(self) -> None:
        """Drop the bitmap (the file is done): the count and the first rows stay.

        Rows added afterwards (a path reported twice) are counted against an empty bitmap again.
        """
        self._bits = np.zeros(0, dtype=np.uint8)


@dataclass(frozen=True)
class Group:
    """The findings of one table of findings in one column, of one entity, in names or not: their positions in
    the table, rows and scores."""

    column: str | None
    entity: str
    in_name: bool
    members: np.ndarray
    rows: np.ndarray
    scores: np.ndarray


@dataclass
class Aggregate:
    """The findings of one entity in one column of one file (``column`` None: the lines of a text file).

    ``in_name``: the findings are in a name (``row`` -1: the file's path, the column's name, metadata;
    :mod:`leakguard.detect.names`), not in records: they count as findings, never as records.
    """

    column: str | None
    entity: str
    in_name: bool = False
    findings: int = 0
    rows: RowSet = field(default_factory=RowSet)
    top_score: float = 0.0
    example: str = ""
    #: raw value of the example: set only when the reporter was asked for values
    example_value: str | None = None
    #: non-null cells of the column, from ``FileStats`` when the file is done
    cells: int | None = None

    @property
    def records(self) -> int:
        return self.rows.count

    @property
    def share(self) -> float | None:
        """records / non-empty cells of the column; None when the cell count is unknown or zero, or in a name."""
        if not self.cells or self.in_name:
            return None
        return self.records / self.cells


@dataclass
class FileSummary:
    """Everything a report says about one file."""

    path: str
    stats: FileStats | None = None
    done: bool = False
    findings: int = 0
    #: by (column, entity, in a name)
    aggregates: dict[tuple[str | None, str, bool], Aggregate] = field(default_factory=dict)
    #: distinct records per entity, all columns together
    entity_rows: dict[str, RowSet] = field(default_factory=dict)
    #: distinct records with any finding
    any_rows: RowSet = field(default_factory=RowSet)
    problems: list[ProblemRecord] = field(default_factory=list)
    problem_count: int = 0
    fatal: bool = False
    #: not read: the results are those of the last scan, the file being unchanged since (``--state``)
    unchanged: bool = False

    @property
    def records(self) -> int:
        return self.stats.records if self.stats else 0

    @property
    def text(self) -> bool:
        """Whether the findings are of text lines (null column) rather than of cells."""
        if self.stats is not None and self.stats.cells_by_column:
            return list(self.stats.cells_by_column) == [None]
        return bool(self.aggregates) and all(column is None for column, _, _ in self.aggregates)

    def sorted_aggregates(self) -> list[Aggregate]:
        """Aggregates grouped by column in the order the columns were met, then by entity name order."""
        order: dict[str | None, int] = {}
        for column, _, _ in self.aggregates:
            order.setdefault(column, len(order))
        return sorted(self.aggregates.values(),
                      key=lambda a: (order[a.column], a.in_name, entity_order(a.entity)))

    def add(self, findings: pa.Table, *, with_values: bool) -> None:
        """Fold one findings table (one call of ``Reporter.findings``) into the aggregates."""
        if findings.num_rows == 0:
            return
        self.findings += findings.num_rows
        all_rows = findings.column("row").to_numpy()
        self.any_rows.add(all_rows[all_rows >= 0])  # row -1: a name, not a record
        # one group per (column, entity, in a name): sorted once by group, each group a slice
        columns = pc.dictionary_encode(findings.column("column").combine_chunks(), null_encoding="encode")
        entities = pc.dictionary_encode(findings.column("entity").combine_chunks())
        entity_count = len(entities.dictionary)
        group = (columns.indices.to_numpy(zero_copy_only=False).astype(np.int64) * entity_count
                 + entities.indices.to_numpy(zero_copy_only=False)) * 2 + (all_rows < 0)
        order = np.argsort(group, kind="stable")
        bounds = np.flatnonzero(np.diff(group[order])) + 1
        scores = findings.column("score").to_numpy()
        column_names, entity_names = columns.dictionary.to_pylist(), entities.dictionary.to_pylist()
        for members in np.split(order, bounds):
            key = int(group[members[0]])
            column, entity, name = column_names[key // 2 // entity_count], entity_names[key // 2 % entity_count], \
                bool(key % 2)
            self._add_group(findings, Group(column, entity, name, members, all_rows[members], scores[members]),
                            with_values)

    def _add_group(self, findings: pa.Table, group: Group, with_values: bool) -> None:
        aggregate = self.aggregates.get((group.column, group.entity, group.in_name))
        if aggregate is None:
            aggregate = self.aggregates[group.column, group.entity, group.in_name] = Aggregate(
                group.column, group.entity, group.in_name)
        aggregate.findings += len(group.members)
        if not group.in_name:
            aggregate.rows.add(group.rows)
            self.entity_rows.setdefault(group.entity, RowSet()).add(group.rows)
        best = int(np.argmax(group.scores))  # the first of the best, in findings order
        top = float(group.scores[best])
        if not aggregate.example or top > aggregate.top_score:
            at = int(group.members[best])
            aggregate.top_score = top
            aggregate.example = findings.column("preview")[at].as_py()
            if with_values and "value" in findings.column_names:
                aggregate.example_value = findings.column("value")[at].as_py()

    def finish(self, stats: FileStats) -> None:
        """The file is done: record its statistics, give each aggregate its cell count, drop the bitmaps."""
        self.stats = stats
        self.done = True
        for aggregate in self.aggregates.values():
            aggregate.cells = stats.cells_by_column.get(aggregate.column)
        self.release()

    def release(self) -> None:
        """Drop the bitmaps of distinct records (counts and first rows stay)."""
        for aggregate in self.aggregates.values():
            aggregate.rows.freeze()
        for rows in self.entity_rows.values():
            rows.freeze()
        self.any_rows.freeze()

    def add_problem(self, problem: ProblemRecord) -> None:
        self.problem_count += 1
        self.fatal = self.fatal or problem.fatal
        if len(self.problems) < MAX_PROBLEMS_KEPT or problem.fatal:
            self.problems.append(problem)


def entity_order(entity: str) -> tuple[int, str]:
    """Contract entities first, in the contract's order, then any newer entity by name."""
    try:
        return (ENTITIES.index(entity), entity)
    except ValueError:
        return (len(ENTITIES), entity)


class ScanSummary:
    """Per-file summaries of a whole scan, fed by the reporter events, and the scan-wide totals.

    ``with_values`` keeps the raw value of each aggregate's example (only for ``--show-values``).
    """

    def __init__(self, *, with_values: bool = False):
        self.files: dict[str, FileSummary] = {}
        self.with_values = with_values
        self._started = time.perf_counter()
        self.wall_seconds: float | None = None
        #: the run's exposure (:meth:`leakguard.report.Reporter.exposure`), when it was computed
        self.exposure: Exposure | None = None

    def file(self, path: str) -> FileSummary:
        summary = self.files.get(path)
        if summary is None:
            summary = self.files[path] = FileSummary(path)
        return summary

    def file_started(self, path: str) -> FileSummary:
        return self.file(path)

    def file_unchanged(self, path: str) -> FileSummary:
        summary = self.file(path)
        summary.unchanged = True
        return summary

    def findings(self, path: str, findings: pa.Table) -> FileSummary:
        summary = self.file(path)
        summary.add(findings, with_values=self.with_values)
        return summary

    def problem(self, path: str, message: str, row: int | None, fatal: bool) -> FileSummary:
        summary = self.file(path)
        summary.add_problem(ProblemRecord(message, row, fatal))
        return summary

    def file_done(self, path: str, stats: FileStats) -> FileSummary:
        summary = self.file(path)
        summary.finish(stats)
        return summary

    def close(self) -> None:
        """Stop the clock and drop the bitmaps of files that never reported being done."""
        self.wall_seconds = time.perf_counter() - self._started
        for summary in self.files.values():
            if not summary.done:
                summary.release()

    # --- totals ---------------------------------------------------------------------------------------

    def totals(self) -> dict[str, object]:
        """The scan-wide summary shared by every machine format (``jsonl`` adds ``"type": "summary"``).

        ``by_entity`` maps each entity found to its number of findings and of distinct records (records are
        counted per file, each record once whatever the number of its columns holding the entity).
        ``files`` counts every file reported: ``files_scanned`` those read in this run, ``files_unchanged``
        those reported with the results of the last scan (``--state``), ``files_unreadable`` the others.
        """
        files = self.files.values()
        by_entity: dict[str, dict[str, int]] = {}
        for summary in files:
            for aggregate in summary.aggregates.values():
                entry = by_entity.setdefault(aggregate.entity, {"findings": 0, "records": 0})
                entry["findings"] += aggregate.findings
            for entity, rows in summary.entity_rows.items():
                by_entity[entity]["records"] += rows.count
        return {
            "files": len(self.files),
            "files_with_findings": sum(1 for s in files if s.findings),
            "files_unreadable": sum(1 for s in files if s.fatal),
            "files_scanned": sum(1 for s in files if not s.unchanged and not s.fatal),
            "files_unchanged": sum(1 for s in files if s.unchanged),
            "findings": sum(s.findings for s in files),
            "records_with_findings": sum(s.any_rows.count for s in files),
            "errors": sum(s.problem_count for s in files),
            "records": sum(s.records for s in files),
            "bytes": sum(s.stats.bytes for s in files if s.stats),
            "cells_not_text": sum(sum(s.stats.cells_not_text.values()) for s in files if s.stats),
            "seconds": round(self.elapsed(), 3),
            "by_entity": {entity: by_entity[entity] for entity in sorted(by_entity, key=entity_order)},
            "exposure": self.exposure.to_dict() if self.exposure is not None else None,
        }

    def elapsed(self) -> float:
        """Wall-clock seconds from the reporter's creation to its close (or to now, before close)."""
        if self.wall_seconds is not None:
            return self.wall_seconds
        return time.perf_counter() - self._started


def not_text_message(column: str, count: int, *, show_values: bool = False) -> str:
    """What the reports say about the binary cells of a column that are not UTF-8 text."""
    name = shown_in_json(column, show_values=show_values)
    return f"column {name}: {count:,} binary cell{'' if count == 1 else 's'} not UTF-8 text, not scanned"


def aggregate_dict(aggregate: Aggregate, *, with_values: bool) -> dict[str, object]:
    """The JSON form of an aggregate (``json`` format, ``columns`` of each file)."""
    share = aggregate.share
    out: dict[str, object] = {
        "column": shown_in_json(aggregate.column, show_values=with_values),
        "in_name": aggregate.in_name,
        "entity": aggregate.entity,
        "findings": aggregate.findings,
        "records": aggregate.records,
        "cells": aggregate.cells,
        "share": None if share is None else round(share, 6),
        "top_score": aggregate.top_score,
        "example": aggregate.example,
        "first_rows": list(aggregate.rows.first),
    }
    if with_values:
        out["example_value"] = aggregate.example_value
    return out


def finding_dicts(path: str, findings: pa.Table, *, with_values: bool) -> Iterable[dict[str, object]]:
    """The contract fields of each finding as a dict (``path`` first), ``value`` only when asked for; the path
    and column names with their identifiers masked unless values are asked for."""
    names = ["row", "column", "start", "end", "entity", "score", "preview"]
    if with_values and "value" in findings.column_names:
        names.append("value")
    path = shown_in_json(path, path=True, show_values=with_values)
    columns = {}  # each column name masked once
    for batch in findings.select(names).to_batches(max_chunksize=4096):
        for item in batch.to_pylist():
            column = item["column"]
            if column is not None:
                shown = columns.get(column)
                if shown is None:
                    shown = columns[column] = shown_in_json(column, show_values=with_values)
                item["column"] = shown
            yield {"path": path, **item}
