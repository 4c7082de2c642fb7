"""The pre-commit hook: scan the files of a commit, apply the project's exceptions, say what is left.

``leakguard hook FILE...`` (``.pre-commit-hooks.yaml``, hook id ``leakguard``) runs :func:`run_hook` on the
files pre-commit passes, with the project's configuration (:mod:`leakguard.config`), allowlist,
pseudonymised columns, inline ignores and baseline (:mod:`leakguard.suppress`, :mod:`leakguard.baseline`).
:func:`format_report` turns the result into what a person reads when a commit is stopped, one line per file
and entity with the count and the first locations, masked values only::

    data/patients.csv: FR_NIR ×2 at line 2, column nir (1 85 05 •• ••• ••• ••); line 7, column nir (2 91 ...)
    logs/api.log: FR_NIR ×1 at line 14 (1 85 05 ••••••••••)

and a last line on how to allow a known finding. Nothing is printed when the files are clean.

Locations: ``line N`` (1-based, as in an editor) for CSV/TSV, JSON lines and text (for CSV the first physical
line of the record, quoted multi-line cells counted), with the column or field; ``row N`` (0-based, as in
the machine formats) for Parquet. Only the files given are read; the NER model is loaded only if one of them
has free text (a text line, a comment column), since the detector loads it lazily.

A file that cannot be read is an error (exit status 2); so is a recoverable problem that skipped records
(a malformed CSV row, a line that is not JSON), unless the skipped line is a ``leakguard: allow`` comment,
since the records skipped were not scanned. A problem that skipped nothing (bytes read as cp1252) is a
warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from leakguard.baseline import baseline_command
from leakguard.detect.engine import DetectOptions
from leakguard.detect.names import describe
from leakguard.report.text import printable, shown
from leakguard.scan import scan_files
from leakguard.suppress import FindingFilter, InlineIgnores

#: Locations shown per file and entity.
FIRST_LOCATIONS = 3

def how_to_allow() -> str:
    """The last line of a stopped commit: the ways to let a known, safe finding through."""
    return (
        "leakguard: if a finding is known and safe (synthetic, pseudonymised), add a `leakguard: allow` comment "
        "on its line or the line before (text formats), list the value under `allow` in [tool.leakguard], or "
        f"accept today's findings with {baseline_command()}, then commit .leakguard-baseline.json"
    )


@dataclass
class EntityHits:
    """Findings of one entity in one file: how many, and the first ones (row, column, preview)."""

    count: int = 0
    first: list[tuple[int, str | None, str]] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)


@dataclass
class FileResult:
    path: str
    hits: dict[str, EntityHits] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class HookResult:
    files: dict[str, FileResult] = field(default_factory=dict)
    #: findings dropped, by reason (``allow``, ``baseline``, ``inline``, ``pseudonymised-columns``)
    dropped: dict[str, int] = field(default_factory=dict)
    #: a baseline exists but no key was found to check findings against it
    baseline_unchecked: bool = False

    @property
    def findings(self) -> int:
        return sum(hits.count for file in self.files.values() for hits in file.hits.values())

    @property
    def errors(self) -> int:
        return sum(len(file.errors) for file in self.files.values())


class _Collector:
    """A reporter for :func:`leakguard.scan.scan_files` that keeps counts and the first locations."""

    def __init__(self, finding_filter: FindingFilter):
        self.result = HookResult()
        self.filter = finding_filter
        self.inline = finding_filter.inline or InlineIgnores()

    def _file(self, path: str) -> FileResult:
        file = self.result.files.get(path)
        if file is None:
            file = self.result.files[path] = FileResult(path)
        return file

    def file_started(self, path: str) -> None:
        self._file(path)

    def findings(self, path: str, findings: pa.Table) -> None:
        hits = self._file(path).hits
        columns = [findings[name].to_pylist() for name in ("row", "column", "entity", "preview")]
        for row, column, entity, preview in zip(*columns):
            entry = hits.get(entity)
            if entry is None:
                entry = hits[entity] = EntityHits()
            entry.count += 1
            if len(entry.first) < FIRST_LOCATIONS:
                entry.first.append((row, column, preview))

    def problem(self, path: str, message: str, row: int | None = None, fatal: bool = False) -> None:
        level = self.filter.problem_level(path, row, fatal)
        if level == "error":
            self._file(path).errors.append(message)
        elif level == "warning":
            self._file(path).warnings.append(message)

    def file_done(self, path: str, stats: object) -> None:
        for hits in self._file(path).hits.values():
            hits.locations = [_location(self.inline.line_of(path, row) if row >= 0 else None, row, column, preview)
                              for row, column, preview in hits.first]

    def close(self) -> None:
        pass


def _location(line: int | None, row: int, column: str | None, preview: str) -> str:
    if row < 0:  # in a name: the path, a column's name, metadata
        return f"{describe(shown(column or ''))} ({printable(preview)})"
    where = f"row {row}" if line is None else f"line {line}"
    if column is not None:
        where += f", column {shown(column)}"
    return f"{where} ({printable(preview)})"


def run_hook(paths: Iterable[str], options: DetectOptions, finding_filter: FindingFilter) -> HookResult:
    """Scan ``paths`` (files) with ``options`` (which must have ``show_values``) and the project's filter."""
    collector = _Collector(finding_filter)
    scan_files(paths, collector, options=options, jobs=1, finding_filter=finding_filter)
    collector.result.dropped = dict(finding_filter.dropped)
    collector.result.baseline_unchecked = finding_filter.unchecked
    return collector.result


def format_report(result: HookResult) -> tuple[list[str], list[str]]:
    """The lines for standard output (findings, then how to allow) and for standard error (problems)."""
    out: list[str] = []
    err: list[str] = []
    for path in sorted(result.files):
        file = result.files[path]
        name = shown(path, path=True)
        for entity in sorted(file.hits):
            hits = file.hits[entity]
            more = f"; +{hits.count - len(hits.locations)} more" if hits.count > len(hits.locations) else ""
            out.append(f"{name}: {entity} ×{hits.count} at {'; '.join(hits.locations)}{more}")
        err.extend(f"leakguard: error: {name}: {printable(message)}" for message in file.errors)
        err.extend(f"leakguard: warning: {name}: {printable(message)}" for message in file.warnings)
    if out:
        out.append(how_to_allow())
    return out, err


__all__ = ["FIRST_LOCATIONS", "HookResult", "format_report", "how_to_allow", "run_hook"]
