"""CSV and TSV files, streamed with ``pyarrow.csv.open_csv``, every cell kept exactly as written.

What French exports look like (and what this reader expects): a header row (``N° Sécurité Sociale;Prénom``),
``;`` as delimiter (Excel's on a French Windows), sometimes ``,``, tab or ``|``; UTF-8, UTF-8 with a byte-order
mark or cp1252; CRLF line ends; quoted cells holding delimiters, quotes (doubled) and newlines. The sniffer
(:mod:`leakguard.sources.sniff`) finds the delimiter and the encoding; :class:`~leakguard.sources.streams.Utf8Stream`
hands pyarrow valid UTF-8 whatever the encoding.

Every column is read as ``string``: values stay as written (leading zeros, ``1 85 05 78 006 084 91``, phone
numbers, ``01/02/1985``); an empty cell is ``""``. Record ``i`` is the *i*-th data row, the header excluded.

Header names that are empty or repeated are renamed so that every column has one name: an empty name becomes
``col_<n>`` and a repeated one ``<name>_<n>``, *n* being the 1-based column number; ``info.extra["header"]``
keeps the names as written and ``info.extra["columns"]`` the names used.
A file with no header at all (empty, or blank lines only) has no records: no chunk, no error.

Each record also comes as written (``Chunk.raw``: :mod:`leakguard.sources.records` finds where records start
and end by the rules of pyarrow's parser), so that writers copy what they do not change byte for byte. A row
with the wrong number of fields is not lost: a :class:`Problem` (``as_text``) gives its row, and a text chunk
(one column, ``line``, as for logs) holds its text, so it is still scanned, and kept as written. A quote never
closed makes the rest of the file one cell: a Problem names the line where it opens. A record longer than
about two :data:`CSV_BLOCK_BYTES` (often an unbalanced quote) stops the file with a :class:`SourceError`,
since pyarrow cannot read past it; pyarrow's reader is closed on every path, so its read-ahead thread never
outlives the file.

Memory: pyarrow reads up to 32 blocks ahead of the batch being converted, so the block size bounds memory
(about 32 x :data:`CSV_BLOCK_BYTES`) as much as it bounds the longest record.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.csv as pacsv

from leakguard.sources.base import CellColumn, Chunk, Problem, Source, SourceError, SourceInfo
from leakguard.sources.flatten import flatten_batch
from leakguard.sources.lines import LINE_COLUMN
from leakguard.sources.records import RecordSplitter
from leakguard.sources.streams import Utf8Stream, fallback_problem, open_bytes

#: pyarrow's CSV block: the longest record that can be read, and 1/32 of the read-ahead
CSV_BLOCK_BYTES = 4 * 1024 * 1024
#: What one ``chunks()`` holds open: the record splitter, pyarrow's reader, and their two streams.
_Opened = tuple[Generator[bytes, None, None], pacsv.CSVStreamingReader, Utf8Stream, Utf8Stream]


def unique_names(names: Sequence[str]) -> list[str]:
    """Names made unique and non-empty: ``""`` -> ``col_<n>``, a repeat -> ``<name>_<n>`` (n 1-based)."""
    seen: set[str] = set()
    out: list[str] = []
    for number, name in enumerate(names, start=1):
        candidate = name if name.strip() else f"col_{number}"
        if candidate in seen:
            candidate = f"{candidate}_{number}"
        while candidate in seen:
            candidate += "_"
        seen.add(candidate)
        out.append(candidate)
    return out


class CsvSource(Source):
    """CSV/TSV file: one chunk per batch of at most ``batch_rows`` data rows."""

    def __init__(self, path: str, info: SourceInfo, batch_rows: int = 65_536):
        super().__init__(path, info, batch_rows)
        self._opened: list[_Opened] = []
        header = list(info.extra.get("header", []))
        info.extra["header"] = header
        info.extra["columns"] = unique_names(header)

    def _reader(self, stream: Utf8Stream, names: Sequence[str], skipped: dict[int, _Ragged]):
        lines_before_header = self._lines_before_header()

        def on_invalid_row(row: pacsv.InvalidRow) -> str:
            # row.number is the 1-based record number in the file, the header being record 1 (None if unknown)
            data_row = row.number - 2 - lines_before_header if row.number is not None else -1
            skipped[data_row] = _Ragged(row.expected_columns, row.actual_columns, row.text)
            return "skip"

        return pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES, use_threads=False,
                                           skip_rows=lines_before_header),
            parse_options=pacsv.ParseOptions(
                delimiter=self.info.delimiter or ",",
                quote_char='"',
                double_quote=True,
                newlines_in_values=True,
                ignore_empty_lines=True,
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                check_utf8=False,
            ),
        )

    def _lines_before_header(self) -> int:
        return 1 if self.info.extra.get("excel_sep_line") else 0

    def _open(self, skipped: dict[int, _Ragged]) -> tuple[Utf8Stream, pacsv.CSVStreamingReader] | None:
        stream = self._stream()
        try:
            reader = self._reader(stream, self.info.extra["header"], skipped)
            if any(field.type != pa.string() for field in reader.schema):
                # pyarrow read the header differently from the sniffer: type its own names as strings
                names = reader.schema.names
                reader.close()
                stream.close()
                stream = self._stream()
                skipped.clear()
                reader = self._reader(stream, names, skipped)
        except SourceError:
            stream.close()
            raise
        except (pa.ArrowException, OSError) as error:
            stream.close()
            if isinstance(error, pa.ArrowInvalid) and "empty csv file" in str(error).lower():
                return None  # no header and no record (an empty file, blank lines): nothing to read
            raise SourceError(self.info.path, _csv_failure(error)) from None
        names = reader.schema.names
        if names != self.info.extra["header"]:
            self.info.extra["header"] = names
            self.info.extra["columns"] = unique_names(names)
        return stream, reader

    def _stream(self) -> Utf8Stream:
        raw, _ = open_bytes(self.path, self.info.path)
        return Utf8Stream(raw, self.info.encoding, self.info)

    def header_text(self) -> str:
        """Everything before the first data record, exactly as written (an Excel ``sep=`` line, the header,
        their line ends, blank lines), without a byte-order mark."""
        with contextlib.closing(self._stream()) as stream:
            records = RecordSplitter(stream, self.info.delimiter or ",").records()
            return b"".join(itertools.islice(records, 1 + self._lines_before_header())).decode("utf-8")

    def chunks(self) -> Iterator[Chunk | Problem]:
        skipped: dict[int, _Ragged] = {}
        opened_csv = self._open(skipped)
        if opened_csv is None:
            return
        stream, reader = opened_csv
        raw_stream = self._stream()
        splitter = RecordSplitter(raw_stream, self.info.delimiter or ",")
        records = splitter.records()
        opened = (records, reader, stream, raw_stream)
        self._opened.append(opened)
        try:
            for _ in range(1 + self._lines_before_header()):
                next(records, None)  # the header (writers copy it with header_text)
            yield from self._batches(reader, records, skipped)
            if splitter.unclosed_line is not None:
                yield Problem(self.info.path, f"line {splitter.unclosed_line}: a quote opened here is never "
                              "closed: the rest of the file is read as one cell")
            self.info.final_newline = stream.ended_with_newline
            problem = fallback_problem(stream, self.info.path)
            if problem is not None:
                self.info.extra["cp1252_fallback"] = True
                yield problem
        finally:
            self._opened.remove(opened)
            _close(opened)

    def close(self) -> None:
        """Close the readers of every ``chunks()`` left unfinished (an error while writing, say): pyarrow's
        read-ahead thread must not outlive its stream, nor the interpreter ("terminate called...")."""
        while self._opened:
            _close(self._opened.pop())

    def _batches(self, reader: pacsv.CSVStreamingReader, records: Iterator[bytes],
                 skipped: dict[int, _Ragged]) -> Iterator[Chunk | Problem]:
        """Chunks of the rows pyarrow parsed, each with its records as written (``Chunk.raw``); before them,
        a text chunk of the rows pyarrow skipped (wrong number of fields) among or before those rows."""
        columns = self.info.extra["columns"]
        schema = pa.schema([pa.field(name, pa.string()) for name in columns])
        next_row = 0  # data-row index of the next record
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except SourceError:
                raise
            except (pa.ArrowException, OSError) as error:
                raise SourceError(self.info.path, _csv_failure(error)) from None
            rows: list[int] = []
            texts: list[bytes] = []
            ragged: list[tuple[int, bytes]] = []
            while len(rows) < batch.num_rows:
                record = next(records, None)
                if record is None:
                    raise SourceError(self.info.path, _MISMATCH)
                if next_row in skipped:
                    ragged.append((next_row, record))
                else:
                    rows.append(next_row)
                    texts.append(record)
                next_row += 1
            yield from self._ragged(ragged, skipped)
            batch = pa.RecordBatch.from_arrays(batch.columns, schema=schema)
            row_array = pa.array(rows, pa.int64())
            raw = pa.array(texts, pa.binary()).view(pa.string())
            for start in range(0, batch.num_rows, self.batch_rows):
                part = batch.slice(start, self.batch_rows)
                part_rows = row_array.slice(start, self.batch_rows)
                yield Chunk(columns=flatten_batch(part, part_rows), rows=part_rows, batch=part,
                            raw=raw.slice(start, self.batch_rows))
        rest = [(next_row + i, record) for i, record in enumerate(records)]
        if any(row not in skipped for row, _ in rest):
            raise SourceError(self.info.path, _MISMATCH)
        yield from self._ragged(rest, skipped)

    def _ragged(self, ragged: list[tuple[int, bytes]], skipped: dict[int, _Ragged]) -> Iterator[Chunk | Problem]:
        """The rows with the wrong number of fields: a Problem each, then one text chunk of their text."""
        if not ragged:
            return
        lines: list[str] = []
        for row, record in ragged:
            fault = skipped[row]
            text = record.decode("utf-8").rstrip("\r\n")
            if text != fault.text.rstrip("\r\n"):
                raise SourceError(self.info.path, _MISMATCH)
            lines.append(text)
            yield Problem(self.info.path, f"row {row}: {fault.actual} fields instead of {fault.expected}; "
                          "scanned as text", row, as_text=True)
        rows = pa.array([row for row, _ in ragged], pa.int64())
        yield Chunk(columns=[CellColumn(LINE_COLUMN, pa.array(lines, pa.string()), rows)], rows=rows, text=True,
                    raw=pa.array([record for _, record in ragged], pa.binary()).view(pa.string()))


def _close(opened: _Opened) -> None:
    records, reader, stream, raw_stream = opened
    records.close()
    reader.close()  # stops pyarrow's read-ahead before its stream goes
    stream.close()
    raw_stream.close()


@dataclass(frozen=True)
class _Ragged:
    """A row pyarrow skipped: how many fields it should have and has, and its text."""

    expected: int
    actual: int
    text: str


#: pyarrow and the record splitter disagree: nothing can be matched safely (never met; a bug if it is).
_MISMATCH = "the CSV records could not be matched to their text (an unusual quoting?); the file was not read"


def _size(count: int) -> str:
    return f"{count >> 20} MiB" if count >= 1 << 20 else f"{count} bytes"


def _csv_failure(error: Exception) -> str:
    """One line for a CSV fault, without pyarrow's message (it quotes the row's cells)."""
    message = str(error)
    if "straddling" in message or "straddles" in message:
        return (
            f"a CSV record is longer than {_size(CSV_BLOCK_BYTES)} (an unbalanced quote?); "
            "the rest of the file cannot be read"
        )
    if isinstance(error, OSError):
        return f"read error ({error.strerror or type(error).__name__})"
    if "empty" in message.lower():
        return "empty CSV file"
    return "malformed CSV (unbalanced quotes or a broken row); the rest of the file cannot be read"
