"""Identifiers in names: file paths, column names, metadata keys and values.

A name is data too: a file saved as ``185057800608491.csv``, a column ``col_185057800608491``, a Parquet
key-value metadata entry ``"export": "patient 1850…"``. Names are scanned by the detector like the cells of
one column: the names met together (every path component of a scan, the names and metadata of one file) are
profiled together, so a directory of invoices named after their 15-digit numbers, about 1 in 97 of which pass
the NIR key by chance, is not a directory of NIRs, while one file named after a NIR is one. The NER model is
not run (names are not prose).

Findings on names follow the findings contract with ``row = -1`` (:data:`NAME_ROW`: no record holds them)
and ``column`` saying which name, offsets being those inside that name:

==========================  ===================================================================
``column``                  the name scanned
==========================  ===================================================================
``<path>``                  the file's path as given (each ``/``-separated component scanned)
``COLUMN``                  the name of the column (a nested field: its dotted path; offsets in
                            the field's own name)
``<metadata:KEY>``          the value of the file's key-value metadata entry ``KEY`` (Parquet)
``<metadata key>``          a key of the file's key-value metadata
``COLUMN<metadata:KEY>``    the value of entry ``KEY`` of a column's field metadata
``COLUMN<metadata key>``    a key of a column's field metadata
==========================  ===================================================================

Only names holding a digit or an ``@`` are looked at: every identifier that can be told by its form (NIR,
IBAN, phone, e-mail, AMC and member numbers, dates) has one; an insurer's name in a column name is no leak.
Since names appear in every report, the same detection masks them there: :func:`masked_name` replaces what
it finds with the masked preview (``exports/18505••••••••••.csv``). Results are cached per name (per path
component for paths), and :func:`learn` detects many names in one vectorised pass.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from leakguard.detect.engine import DetectOptions, Detector
from leakguard.findings import TABLE_SCHEMA
from leakguard.report.text import clean
from leakguard.sources.base import CellColumn, Chunk

#: The ``row`` of a finding in a name rather than in a record.
NAME_ROW = -1
#: The ``column`` of a finding in the file's path.
PATH_COLUMN = "<path>"
#: Findings scoring below this are not masked in names shown (the default ``--min-score``).
MASK_SCORE = 0.5
#: Cached names (paths components, column names); the cache is emptied when it grows beyond this.
CACHE_SIZE = 200_000

#: What a name needs to hold a checkable identifier (NIR, IBAN, phone, AMC and member numbers, dates: digits;
#: e-mail: an @). Other names are not sent to the detector, which costs tens of milliseconds a call.
_CHECKABLE = re.compile(r"[0-9@]")
_SEPARATORS = re.compile(r"[/\\]" if os.sep == "\\" else "/")
_METADATA = re.compile(r"<metadata(?::.*| key)>$", re.S)


def metadata_location(key: str | None, column: str | None = None) -> str:
    """The ``column`` of a finding in metadata: a value (``key`` given) or a key (``key`` None)."""
    return (column or "") + ("<metadata key>" if key is None else f"<metadata:{key}>")


def describe(column: str | None) -> str:
    """Where a finding with ``row = -1`` sits, in words (``column`` already fit to be shown)."""
    if column == PATH_COLUMN:
        return "the file name"
    if column is not None:
        match = _METADATA.search(column)
        if match is not None:
            owner = column[: match.start()]
            what = "a metadata key" if match.group(0) == "<metadata key>" else f"metadata {match.group(0)[10:-1]}"
            return f"{what} of column {owner}" if owner else f"{what} of the file"
    return f"the name of column {column}"


class Span(NamedTuple):
    start: int
    end: int
    entity: str
    score: float
    preview: str
    value: str


class NameIndex:
    """Identifiers found in names, each name detected once (then cached)."""

    def __init__(self) -> None:
        options = DetectOptions(ner=False, show_values=True)
        self._detector = Detector(options)
        self._spans: dict[str, tuple[Span, ...]] = {}

    def learn(self, names: Iterable[str]) -> None:
        """Detect every name of ``names`` not seen yet, in one pass.

        Names are first made writable as UTF-8 (:func:`leakguard.report.text.clean`: the undecodable bytes of
        a file name as ``\\xNN``); the offsets of findings in names are offsets in that form.
        """
        new = list(dict.fromkeys(clean(n) for n in names))
        new = [n for n in new if n not in self._spans]
        if len(self._spans) + len(new) > CACHE_SIZE:
            self._spans.clear()
        for name in new:
            if _CHECKABLE.search(name) is None:
                self._spans[name] = ()
        new = [n for n in new if _CHECKABLE.search(n) is not None]
        if not new:
            return
        rows = pa.array(np.arange(len(new), dtype=np.int64))
        chunk = Chunk([CellColumn("\x00names", pa.array(new, pa.string()), rows)], rows)
        raw, counts = self._detector.detect_raw(chunk)
        raw = self._detector.resolve(raw, counts)  # the names of this pass profiled together, as a column
        found: dict[int, list[Span]] = {}
        columns = [raw[name].to_pylist() for name in ("row", "start", "end", "entity", "score", "preview", "value")]
        for row, start, end, entity, score, preview, value in zip(*columns, strict=True):
            found.setdefault(row, []).append(Span(start, end, entity, score, preview, value))
        for i, name in enumerate(new):
            self._spans[name] = tuple(found.get(i, ()))

    def spans(self, name: str) -> tuple[Span, ...]:
        """The identifiers in one name (a whole name: not split into path components)."""
        name = clean(name)
        spans = self._spans.get(name)
        if spans is None:
            self.learn([name])
            spans = self._spans[name]
        return spans

    def path_spans(self, path: str) -> list[Span]:
        """The identifiers in a path, component by component, with offsets in the whole path."""
        pieces = _components(clean(path))
        self.learn(piece for piece, _ in pieces)
        return [span._replace(start=span.start + offset, end=span.end + offset)
                for piece, offset in pieces for span in self.spans(piece)]

    def masked(self, name: str, *, path: bool = False) -> str:
        """``name`` (cleaned) with every identifier found in it replaced by its masked preview."""
        spans = self.path_spans(name) if path else self.spans(name)
        name = clean(name)
        for span in sorted(spans, key=lambda s: -s.start):
            if span.score >= MASK_SCORE:
                name = name[: span.start] + span.preview + name[span.end :]
        return name

    def findings(self, named: Sequence[tuple[str, str]], options: DetectOptions | None = None, *,
                 path: bool = False, rows: bool = False) -> pa.Table:
        """Findings (``TABLE_SCHEMA``, row -1) in each ``(column, name)`` of ``named``, under ``options``
        (entities, minimum score, ``value`` column with ``show_values``); ``path``: names are paths;
        ``rows``: ``row`` is the index of the name in ``named`` instead of -1 (to rewrite the names)."""
        options = options or DetectOptions()
        if path:
            self.learn(piece for _, name in named for piece, _ in _components(clean(name)))
        else:
            self.learn(name for _, name in named)
        found: list[tuple[int, str, Span]] = []
        for i, (column, name) in enumerate(named):
            for span in self.path_spans(name) if path else self.spans(name):
                if options.wants(span.entity) and span.score >= options.min_score:
                    found.append((i if rows else NAME_ROW, column, span))
        table = TABLE_SCHEMA.empty_table() if not found else pa.Table.from_pydict(
            {
                "row": pa.array([row for row, _, _ in found], pa.int64()),
                "column": [column for _, column, _ in found],
                "start": pa.array([s.start for _, _, s in found], pa.int32()),
                "end": pa.array([s.end for _, _, s in found], pa.int32()),
                "entity": [s.entity for _, _, s in found],
                "score": pa.array([s.score for _, _, s in found], pa.float64()),
                "preview": [s.preview for _, _, s in found],
            },
            schema=TABLE_SCHEMA,
        )
        if options.show_values:
            table = table.append_column("value", pa.array([s.value for _, _, s in found], pa.string()))
        return table


def _components(path: str) -> list[tuple[str, int]]:
    """The non-empty ``/``-separated components of ``path`` and where each starts."""
    out: list[tuple[str, int]] = []
    start = 0
    for match in [*_SEPARATORS.finditer(path), None]:
        end = match.start() if match is not None else len(path)
        if end > start:
            out.append((path[start:end], start))
        if match is not None:
            start = match.end()
    return out


_INDEX: NameIndex | None = None


def index() -> NameIndex:
    """The process's name index (detector made on first use)."""
    global _INDEX
    if _INDEX is None:
        _INDEX = NameIndex()
    return _INDEX


def learn(names: Iterable[str], *, paths: bool = False) -> None:
    """Detect many names (or paths, component by component) at once, before they are shown one by one."""
    if paths:
        index().learn(piece for name in names for piece, _ in _components(clean(name)))
    else:
        index().learn(names)


def masked_name(name: str, *, path: bool = False) -> str:
    """``name`` (a path if ``path``) with its identifiers masked: what reports and messages show."""
    return index().masked(name, path=path)


def path_findings(path: str, options: DetectOptions | None = None) -> pa.Table:
    """The findings in the path of a file (``column`` :data:`PATH_COLUMN`, ``row`` -1)."""
    return index().findings([(PATH_COLUMN, path)], options, path=True)


def name_findings(named: Sequence[tuple[str, str]], options: DetectOptions | None = None) -> pa.Table:
    """The findings in column names and metadata: ``(column, text)`` pairs as :mod:`leakguard.sources.structure`
    lists them."""
    return index().findings(named, options)


__all__ = [
    "NAME_ROW",
    "PATH_COLUMN",
    "describe",
    "learn",
    "masked_name",
    "metadata_location",
    "name_findings",
    "path_findings",
]
