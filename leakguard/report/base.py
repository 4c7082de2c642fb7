"""What every reporter shares: the event bookkeeping (a :class:`ScanSummary`) and a streaming JSON writer.

Reporters subclass :class:`BaseReporter` and override the ``on_*`` hooks; the public methods keep the
summary up to date first, so that a hook sees the aggregates including the event it is handling.

:func:`write_json` writes a JSON document whose big arrays are iterators (findings, SARIF results) item by
item, so that the ``json`` and ``sarif`` formats never hold the text of the whole document in memory: ``sarif``
keeps the findings tables of its line results (Arrow, compact) until ``close``, ``json`` the text of its
findings in a temporary file (:class:`~leakguard.report.jsontext.Spool`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TextIO

import pyarrow as pa

from leakguard.report.summary import FileStats, FileSummary, ScanSummary

if TYPE_CHECKING:
    from leakguard.report.exposure import Exposure


class BaseReporter:
    """Event bookkeeping common to all formats."""

    def __init__(self, out: TextIO, *, show_values: bool = False):
        self.out = out
        self.show_values = show_values
        self.summary = ScanSummary(with_values=show_values)
        self._closed = False

    def file_started(self, path: str) -> None:
        self.on_file_started(self.summary.file_started(path))

    def file_unchanged(self, path: str) -> None:
        self.on_file_unchanged(self.summary.file_unchanged(path))

    def findings(self, path: str, findings: pa.Table | pa.RecordBatch) -> None:
        if isinstance(findings, pa.RecordBatch):
            findings = pa.Table.from_batches([findings])
        if not self.show_values and "value" in findings.column_names:
            findings = findings.drop_columns(["value"])
        self.on_findings(self.summary.findings(path, findings), findings)

    def problem(self, path: str, message: str, row: int | None = None, fatal: bool = False) -> None:
        self.on_problem(self.summary.problem(path, message, row, fatal), message, row, fatal)

    def file_done(self, path: str, stats: FileStats) -> None:
        self.on_file_done(self.summary.file_done(path, stats))

    def exposure(self, figures: Exposure) -> None:
        self.summary.exposure = figures

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.summary.close()
        self.on_close()
        self.out.flush()

    # --- hooks --------------------------------------------------------------------------------------------

    def on_file_started(self, file: FileSummary) -> None:
        pass

    def on_file_unchanged(self, file: FileSummary) -> None:
        pass

    def on_findings(self, file: FileSummary, findings: pa.Table) -> None:
        pass

    def on_problem(self, file: FileSummary, message: str, row: int | None, fatal: bool) -> None:
        pass

    def on_file_done(self, file: FileSummary) -> None:
        pass

    def on_close(self) -> None:
        pass


#: Longest line of a container written inline by :func:`write_json`.
INLINE_WIDTH = 100


class Stream:
    """An array of a JSON document given as an iterable, written item by item by :func:`write_json`; an
    :class:`Encoded` item is many items already written."""

    def __init__(self, items: Iterable[object]):
        self.items = items

    def __iter__(self) -> Iterator[object]:
        return iter(self.items)


class Encoded:
    """Items of a :class:`Stream` already written as JSON (:mod:`.jsontext`): ``write(out, separator)`` writes
    them, ``separator`` between them; ``count`` of them."""

    def __init__(self, write: Callable[[TextIO, str], None], count: int):
        self.write = write
        self.count = count


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), allow_nan=False)


def dumps(value: object) -> str:
    """One-line JSON, UTF-8 text kept as is (previews hold ``•``)."""
    return _ENCODER.encode(value)


def write_json(out: TextIO, value: object, indent: int = 0) -> None:
    """Write ``value`` as indented JSON; dicts and lists are laid out, :class:`Stream` items one a line."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict | list) and _fits_inline(value, indent):
        out.write(dumps(value))
    elif isinstance(value, dict):
        out.write("{\n")
        for i, (key, item) in enumerate(value.items()):
            out.write(f"{pad}{dumps(key)}: ")
            write_json(out, item, indent + 1)
            out.write(",\n" if i < len(value) - 1 else "\n")
        out.write("  " * indent + "}")
    elif isinstance(value, Stream | list):
        first = True
        for item in value:
            if isinstance(item, Encoded) and not item.count:
                continue
            out.write("[\n" if first else ",\n")
            first = False
            out.write(pad)
            if isinstance(item, Encoded):
                item.write(out, ",\n" + pad)
            elif isinstance(item, dict) and isinstance(value, Stream):
                out.write(dumps(item))
            else:
                write_json(out, item, indent + 1)
        out.write("[]" if first else "\n" + "  " * indent + "]")
    else:
        out.write(dumps(list(value) if isinstance(value, Stream) else value))


def _fits_inline(value: dict | list, indent: int) -> bool:
    """Small containers of scalars go on one line (``{"text": "..."}``, ``[0, 1, 2]``)."""
    items = value.values() if isinstance(value, dict) else value
    if any(isinstance(item, dict | list | Stream) for item in items):
        return False
    return 2 * indent + len(dumps(value)) <= INLINE_WIDTH
