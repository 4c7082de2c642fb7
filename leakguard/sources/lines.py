"""Line-oriented files: JSON lines (NDJSON) and text or logs.

Both are read in blocks of whole lines (:func:`~leakguard.sources.streams.line_blocks`); record *i* is line
*i* (0-based, blank lines counted, so a record's row is its line number minus one). ``\\n``, ``\\r\\n`` and a
bare ``\\r`` (old Mac OS) all end a line, as Python's universal newlines have it. Lines are kept without their
terminator; ``info.newline`` says which terminator the file's first line has, ``Chunk.line_ends`` the lines
that end otherwise (a file that mixes them), and ``info.final_newline`` whether the last line has one.
``Chunk.raw`` holds every line of the chunk, in order, so that a writer can copy untouched lines byte for byte.
No line is ever left out: a line longer than :data:`~leakguard.sources.streams.MAX_LINE_BYTES` comes as text
windows (:mod:`leakguard.sources.windows`), one chunk each.

JSON lines (https://jsonlines.org/, https://github.com/ndjson/ndjson-spec): each non-blank line is one JSON
value, parsed with the standard library. Nested objects are flattened to dotted paths (``beneficiary.nir``),
arrays to positions (``phones.0``); a top-level scalar is the column ``$``. Every leaf is text, as written:
numbers keep their JSON text (``185057800608491``, ``1.50``), ``true``/``false`` stay words, ``null`` is a
null. A column holds only the records where its path exists. A malformed line gives a
``Problem(path, "line N: invalid JSON (...); scanned as text", N - 1, as_text=True)`` and is still scanned,
as a text line; so is a line where two leaves would have one path (a key repeated in an object, as loggers
write when a field is added twice, or a dotted key beside the same nested path, ``"a.b"`` and ``"a": {"b"``):
under one path, one value would hide the other from the scan and a writer would put one in the other's place.
A text chunk of the chunk's malformed lines comes before the chunk (whose ``rows`` and ``raw`` hold them, so
the text chunk's ``rows`` is empty); a line too long to be parsed is read as text
windows. The rest of the file is read. (pyarrow's JSON
reader was not used: it types numbers, so ``0612...`` or ``1.50`` would not stay as written, and one bad line
fails a whole block.)

Text and logs: one column, ``line``, and ``Chunk.text`` set (findings on text lines have a null column).
Lines are split by pyarrow (``split_pattern`` on each block), without a Python loop per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.sources import streams
from leakguard.sources.base import CellColumn, Chunk, LinePart, Problem, Source
from leakguard.sources.flatten import record_indices
from leakguard.sources.linecontext import LineContext
from leakguard.sources.linetables import TableHeaders
from leakguard.sources.streams import LineBlock, LineEnd, Utf8Stream, fallback_problem, line_blocks, open_bytes
from leakguard.sources.windows import LinePiece


class _SamePath(ValueError):
    """Two leaves of a JSON line have one path (a repeated key, or a dotted key beside the nested one)."""


def _object(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object; a key given twice (which ``dict`` would silently keep once) raises :class:`_SamePath`."""
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _SamePath
    return value


#: JSON numbers (and NaN/Infinity) are kept as their text
_DECODER = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str, object_pairs_hook=_object)
_WORDS: dict[object, str | None] = {True: "true", False: "false", None: None}
#: column of a top-level JSON value that is neither an object nor an array
SCALAR_COLUMN = "$"
#: the one column of text files
LINE_COLUMN = "line"
#: cells of JSON lines being gathered: path -> (record indices, texts)
_Columns = dict[str, tuple[list[int], list[str | None]]]


class _LineSource(Source):
    """Shared by JSON lines and text: blocks of lines in, chunks out."""

    def _chunks_of(self, lines: pa.Array | list[str], first_line: int,
                   ends: list[str] | None) -> Iterator[Chunk | Problem]:
        """The chunks of ``lines`` (numbered from ``first_line``); the one that holds them all gets ``ends``."""
        raise NotImplementedError

    def _lines(self, block: LineBlock) -> pa.Array | list[str]:
        raise NotImplementedError

    def _long_line(self, piece: LinePiece) -> Iterator[Problem]:
        """What to say when a long line starts (JSON lines: it is not parsed)."""
        return iter(())

    def chunks(self) -> Iterator[Chunk | Problem]:
        raw, _ = open_bytes(self.path, self.info.path)
        stream = Utf8Stream(raw, self.info.encoding, self.info)
        offset = 0  # characters of the long line before the current piece
        try:
            for item in line_blocks(stream, self.info.path, self.info.newline):
                if isinstance(item, LineBlock):
                    lines = self._lines(item)
                    for start in range(0, item.count, self.batch_rows):
                        end = start + self.batch_rows
                        yield from self._chunks_of(lines[start:end], item.first_line + start,
                                                   None if item.ends is None else item.ends[start:end])
                elif isinstance(item, LinePiece):
                    if item.first:
                        offset = 0
                        yield from self._long_line(item)
                    chunk = self._window(item, offset)
                    offset += len(chunk.raw[0].as_py())  # type: ignore[index]
                    yield chunk
                elif isinstance(item, LineEnd):
                    self.info.final_newline = item.final_newline
                    self.info.extra.pop("final_newline_known", None)
                else:
                    yield item
            problem = fallback_problem(stream, self.info.path)
            if problem is not None:
                self.info.extra["cp1252_fallback"] = True
                yield problem
        finally:
            stream.close()


    def _window(self, piece: LinePiece, offset: int) -> Chunk:
        """The text chunk of one piece of a long line: the lead for context, then the piece."""
        lead = piece.lead.decode("utf-8")
        own = piece.data.decode("utf-8")
        rows = pa.array([piece.line], pa.int64())
        return Chunk(
            columns=[CellColumn(LINE_COLUMN, pa.array([lead + own], pa.string()), rows)],
            rows=rows if piece.first else pa.array([], pa.int64()),
            text=True,
            raw=pa.array([own], pa.string()),
            part=LinePart(offset=offset, lead=len(lead), first=piece.first, last=piece.last),
            line_ends=[piece.newline] if piece.last and piece.newline != self.info.newline else None,
        )


class TextSource(_LineSource):
    """Text and log files: one record per line, in the column ``line``."""

    def chunks(self) -> Iterator[Chunk | Problem]:
        self._context = LineContext()
        self._tables = TableHeaders()
        yield from super().chunks()

    def _lines(self, block: LineBlock) -> pa.Array:
        return split_lines(block.data)

    def _window(self, piece: LinePiece, offset: int) -> Chunk:
        self._tables.interrupt()
        return super()._window(piece, offset)

    def _chunks_of(self, lines: pa.Array, first_line: int, ends: list[str] | None) -> Iterator[Chunk]:
        rows = record_indices(first_line, len(lines))
        yield Chunk(columns=[CellColumn(LINE_COLUMN, lines, rows)], rows=rows, text=True, raw=lines,
                    context=self._context.of(lines), table_headers=self._tables.of(lines), line_ends=ends)


def split_lines(data: bytes) -> pa.Array:
    """The lines of ``data`` (valid UTF-8, every line ending with ``\\n``) as a string array, vectorised."""
    whole = pa.StringArray.from_buffers(
        1, pa.py_buffer(np.array([0, len(data) - 1], dtype=np.int32)), pa.py_buffer(data)
    )
    return pc.split_pattern(whole, "\n").flatten()


class JsonLinesSource(_LineSource):
    """JSON lines: one record per line, leaves flattened to dotted paths, all as text."""

    def _lines(self, block: LineBlock) -> list[str]:
        lines = block.data.decode("utf-8").split("\n")
        lines.pop()  # after the last "\n"
        return lines

    def _long_line(self, piece: LinePiece) -> Iterator[Problem]:
        yield Problem(self.info.path, f"line {piece.line + 1}: longer than {_size(streams.MAX_LINE_BYTES)}: "
                      "not parsed as JSON, scanned as text", piece.line, as_text=True)

    def _chunks_of(self, lines: list[str], first_line: int, ends: list[str] | None) -> Iterator[Chunk | Problem]:
        columns: _Columns = {}
        problems: list[Problem] = []
        not_json: list[int] = []
        decode = _DECODER.decode
        for row, line in enumerate(lines, start=first_line):
            if not line or line.isspace():
                continue
            try:
                value = decode(line)
                if type(value) is dict or type(value) is list:
                    _leaves(value, "", row, columns)
                else:
                    _add(columns, SCALAR_COLUMN, row, value if isinstance(value, str) else _WORDS[value])
                continue
            except json.JSONDecodeError as error:
                reason = f"invalid JSON ({error.msg}, column {error.colno})"
            except RecursionError:
                reason = "invalid JSON (nested too deeply)"
            except _SamePath:
                _drop_row(columns, row)
                reason = "two values under one name (a repeated key, or a dotted key beside the nested one)"
            problems.append(Problem(self.info.path, f"line {row + 1}: {reason}; scanned as text", row, as_text=True))
            not_json.append(row)
        yield from problems
        if not_json:
            # lines that are not JSON are still scanned, as text lines (their records are the chunk below)
            texts = _strings([lines[row - first_line] for row in not_json])
            yield Chunk(columns=[CellColumn(LINE_COLUMN, texts, pa.array(not_json, pa.int64()))],
                        rows=pa.array([], pa.int64()), text=True, raw=texts)
        rows = record_indices(first_line, len(lines))
        yield Chunk(
            columns=[
                CellColumn(path, _strings(values), pa.array(indices, type=pa.int64()))
                for path, (indices, values) in columns.items()
            ],
            rows=rows,
            raw=_strings(lines),
            line_ends=ends,
        )


def _size(count: int) -> str:
    return f"{count >> 20} MiB" if count >= 1 << 20 else f"{count} bytes"


def _add(columns: _Columns, path: str, row: int, value: str | None) -> None:
    entry = columns.get(path)
    if entry is None:
        entry = columns[path] = ([], [])
    entry[0].append(row)
    entry[1].append(value)


def _leaves(value: dict | list, prefix: str, row: int, columns: _Columns) -> None:
    """Add every leaf of a parsed JSON object or array under ``prefix`` (``""`` or ending with ``.``)."""
    # the hot loop of JSON lines: type() checks, one dict lookup and two appends per leaf
    items = value.items() if type(value) is dict else enumerate(value)
    for key, item in items:
        kind = type(item)
        if kind is str:
            leaf: str | None = item
        elif kind is dict or kind is list:
            _leaves(item, f"{prefix}{key}.", row, columns)
            continue
        else:
            leaf = _WORDS[item]
        path = f"{prefix}{key}"
        entry = columns.get(path)
        if entry is None:
            entry = columns[path] = ([], [])
        elif entry[0] and entry[0][-1] == row:
            raise _SamePath
        entry[0].append(row)
        entry[1].append(leaf)


def _drop_row(columns: _Columns, row: int) -> None:
    """Take back the cells of ``row`` already gathered (the last of each column), and columns left empty."""
    for path, (indices, values) in list(columns.items()):
        if indices and indices[-1] == row:
            indices.pop()
            values.pop()
            if not indices:
                del columns[path]


def _strings(values: Sequence[str | None]) -> pa.Array:
    """A string array; lone surrogates (``"\\ud800"`` in JSON) become ``?`` instead of failing."""
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowException, UnicodeEncodeError):
        return pa.array(
            [v if v is None else v.encode("utf-8", "replace").decode("utf-8") for v in values], type=pa.string()
        )
