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

A row with the wrong number of fields is skipped with a :class:`Problem` giving its row (the data rows that
follow keep their own index); a record longer than :data:`CSV_BLOCK_BYTES` (often an unbalanced quote) stops
the file with a :class:`SourceError`, since pyarrow cannot skip it.

Memory: pyarrow reads up to 32 blocks ahead of the batch being converted, so the block size bounds memory
(about 32 x :data:`CSV_BLOCK_BYTES`) as much as it bounds the longest record.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from leakguard.sources.base import Chunk, Problem, Source, SourceError, SourceInfo
from leakguard.sources.flatten import flatten_batch
from leakguard.sources.streams import Utf8Stream, fallback_problem, open_bytes

#: pyarrow's CSV block: the longest record that can be read, and 1/32 of the read-ahead
CSV_BLOCK_BYTES = 4 * 1024 * 1024


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
        header = list(info.extra.get("header", []))
        info.extra["header"] = header
        info.extra["columns"] = unique_names(header)

    def _reader(self, stream: Utf8Stream, names: Sequence[str], skipped: list[tuple[int, int, int]]):
        lines_before_header = 1 if self.info.extra.get("excel_sep_line") else 0

        def on_invalid_row(row: pacsv.InvalidRow) -> str:
            # row.number is the 1-based row number in the file, the header being row 1 (None if unknown)
            data_row = row.number - 2 - lines_before_header if row.number is not None else -1
            skipped.append((data_row, row.expected_columns, row.actual_columns))
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

    def _open(self, skipped: list[tuple[int, int, int]]) -> tuple[Utf8Stream, pacsv.CSVStreamingReader]:
        raw, _ = open_bytes(self.path, self.info.path)
        stream = Utf8Stream(raw, self.info.encoding)
        try:
            reader = self._reader(stream, self.info.extra["header"], skipped)
            if any(field.type != pa.string() for field in reader.schema):
                # pyarrow read the header differently from the sniffer: type its own names as strings
                names = reader.schema.names
                stream.close()
                raw, _ = open_bytes(self.path, self.info.path)
                stream = Utf8Stream(raw, self.info.encoding)
                skipped.clear()
                reader = self._reader(stream, names, skipped)
        except SourceError:
            stream.close()
            raise
        except (pa.ArrowException, OSError) as error:
            stream.close()
            raise SourceError(self.info.path, _csv_failure(error)) from None
        names = reader.schema.names
        if names != self.info.extra["header"]:
            self.info.extra["header"] = names
            self.info.extra["columns"] = unique_names(names)
        return stream, reader

    def chunks(self) -> Iterator[Chunk | Problem]:
        skipped: list[tuple[int, int, int]] = []
        stream, reader = self._open(skipped)
        columns = self.info.extra["columns"]
        schema = pa.schema([pa.field(name, pa.string()) for name in columns])
        next_row = 0  # data-row index of the next row pyarrow gives
        reported = 0
        try:
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except SourceError:
                    raise
                except (pa.ArrowException, OSError) as error:
                    raise SourceError(self.info.path, _csv_failure(error)) from None
                for data_row, expected, actual in skipped[reported:]:
                    where = f"row {data_row}" if data_row >= 0 else "a row"
                    yield Problem(
                        self.info.path,
                        f"{where}: {actual} fields instead of {expected}; skipped",
                        data_row if data_row >= 0 else None,
                    )
                reported = len(skipped)
                batch = pa.RecordBatch.from_arrays(batch.columns, schema=schema)
                rows, next_row = _data_rows(next_row, batch.num_rows, skipped)
                for start in range(0, batch.num_rows, self.batch_rows):
                    part = batch.slice(start, self.batch_rows)
                    part_rows = rows.slice(start, self.batch_rows)
                    yield Chunk(columns=flatten_batch(part, part_rows), rows=part_rows, batch=part)
            self.info.final_newline = stream.ended_with_newline
            problem = fallback_problem(stream, self.info.path)
            if problem is not None:
                self.info.extra["cp1252_fallback"] = True
                yield problem
        finally:
            stream.close()


def _data_rows(first: int, count: int, skipped: list[tuple[int, int, int]]) -> tuple[pa.Array, int]:
    """Indices of ``count`` data rows read from ``first`` on, jumping over skipped ones; and the next index."""
    gaps = np.array(sorted({row for row, _, _ in skipped if row >= first}), dtype=np.int64)
    candidates = np.arange(first, first + count + len(gaps), dtype=np.int64)
    if len(gaps):
        candidates = candidates[~np.isin(candidates, gaps)]
    rows = candidates[:count]
    return pa.array(rows), (int(rows[-1]) + 1 if count else first)


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
