"""What a file is, decided from its first bytes: format, compression, encoding, delimiter, newline.

The content decides, the extension only breaks ties:

* Parquet starts (and ends) with the magic ``PAR1``; an Arrow IPC file (Feather v2) with ``ARROW1``; ORC
  with ``ORC`` (then binary data). An Arrow IPC stream has no magic: a ``.arrows``, ``.arrow``, ``.ipc`` or
  ``.feather`` file that starts with the continuation marker ``FF FF FF FF`` is one, and is corrupt
  unless ``pyarrow.ipc.open_stream`` reads its schema message. Feather v1 (``FEA1``, deprecated by Arrow)
  is refused with what to do. gzip (``1f 8b``), xz, bzip2 and zstd streams are told by their magic bytes
  (:data:`~leakguard.sources.streams.COMPRESSION_MAGIC`) and looked into.
* Encoding: a UTF-16 byte-order mark gives ``utf-16-le`` or ``utf-16-be`` (Excel's "Texte Unicode" export);
  a UTF-8 byte-order mark gives ``utf-8-sig``; a sample that decodes as strict UTF-8 gives ``utf-8``, and so
  does one whose valid multi-byte characters outnumber its invalid bytes (UTF-8 with a few stray cp1252 bytes,
  which the stream reads as cp1252 one by one); anything else is ``cp1252`` (every byte decodes; Latin-1 files
  read the same but for 0x80-0x9F).
* Binary: a NUL byte, or more than 1% of control characters, in the first :data:`SAMPLE_BYTES` (PNG, zip,
  Office files, executables; a UTF-16 file's decoded text): skipped with a :class:`SourceError`.
* Newline: the first line's end, ``\\n``, ``\\r\\n`` or a bare ``\\r`` (old Mac OS); every one of them ends
  a line wherever it is (universal newlines).
* JSON lines: at least 95% of the non-blank sample lines (half with a ``.jsonl``, ``.ndjson`` or ``.json``
  extension) start with ``{`` or ``[`` and one of them parses. A first line longer than the sample that starts
  with ``{`` or ``[`` is read on to its end (:func:`first_line_sample`, no further than
  :data:`~leakguard.sources.streams.MAX_LINE_BYTES`) and judged whole; one longer still, which the reader
  scans as text anyway, is JSON lines when the extension is ``.jsonl`` or ``.ndjson``.
  Logs that mix plain lines and JSON payloads stay text, so every line is still scanned.
* CSV: a delimiter among ``;`` ``,`` tab ``|`` that splits the header into at least two fields and at least
  90% of the sample records (parsed with quotes, multi-line cells included; half with a ``.csv``/``.tsv``
  extension) into as many. The header must not
  look like data (cells made only of digits, dates or times, as in a log line ``2024-05-01 12:00:00,123 INFO``)
  unless the extension is ``.csv``/``.tsv``; ``.log`` and ``.txt`` files are never taken for CSV, but for a
  UTF-16 ``.txt`` (Excel's "Texte Unicode" export is a TAB-separated table). A ``.csv``
  whose header has a single field is a one-column CSV.
* Text: anything else that decodes.
* Empty: a file of 0 bytes, or a compressed stream of nothing, holds no records, in the format its name says
  (CSV for ``.csv``/``.tsv``, JSON lines for ``.jsonl``/``.ndjson``, else text); but 0 bytes named as a
  compressed stream or a binary format (``.gz``, ``.parquet``, ``.xlsx``...) were cut short: a
  :class:`SourceError`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
from collections.abc import Sequence

import pyarrow as pa

from leakguard.sources.base import Format, SourceError, SourceInfo
from leakguard.sources.special import special_kind
from leakguard.sources.streams import (
    COMPRESSION_SUFFIXES,
    MAX_LINE_BYTES,
    SAMPLE_BYTES,
    UTF8_BOM,
    UTF16_BOMS,
    complete_utf8_length,
    compression_of,
    decode_sample,
    open_bytes,
)

PARQUET_MAGIC = b"PAR1"
ARROW_MAGIC = b"ARROW1"
ORC_MAGIC = b"ORC"
FEATHER_V1_MAGIC = b"FEA1"
#: How an Arrow IPC stream's first message starts (the continuation marker, since Arrow 0.15).
ARROW_CONTINUATION = b"\xff\xff\xff\xff"
_ARROW_STREAM_EXTENSIONS = {".arrows", ".arrow", ".ipc", ".feather"}
DELIMITERS = (";", ",", "\t", "|")
BINARY_MESSAGE = "binary file, not Parquet, Arrow, ORC, CSV, JSON lines or text"
_TEXT_CONTROLS = set(b"\t\n\r\f\v\b\x1b")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"
_DATA_LIKE = re.compile(r"(?=.*\d)[\d\s.:/+\-TZ,]+")
_CSV_EXTENSIONS = {".csv": ",", ".tsv": "\t"}
_TEXT_EXTENSIONS = {".log", ".txt"}
_JSON_EXTENSIONS = {".jsonl", ".ndjson", ".json"}
_SAMPLE_RECORDS = 200


def logical_extension(path: str) -> str:
    """The extension that says what the content is: ``dump.csv.gz`` -> ``.csv``, ``app.log.zst`` -> ``.log``."""
    name = os.path.basename(path).lower()
    for suffix in COMPRESSION_SUFFIXES.values():
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return os.path.splitext(name)[1]


def is_binary(sample: bytes) -> bool:
    """NUL bytes, or more than 1% of control characters that text does not use."""
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) // 100


def detect_encoding(sample: bytes, complete: bool) -> str:
    """``utf-16-le``, ``utf-16-be``, ``utf-8-sig``, ``utf-8`` or ``cp1252`` from the first bytes (``complete``:
    the sample is the whole file)."""
    for encoding, bom in UTF16_BOMS.items():
        if sample.startswith(bom):
            return encoding
    if sample.startswith(UTF8_BOM):
        return "utf-8-sig"
    cut = len(sample) if complete else complete_utf8_length(sample)
    text = sample[:cut].decode("utf-8", errors="surrogateescape")
    invalid = len(_ESCAPED.findall(text))
    if invalid == 0:
        return "utf-8"
    # UTF-8 with a few stray bytes (an export concatenated from two systems): UTF-8, the stray bytes read as
    # cp1252 one by one by the stream. A cp1252 file's accents are seldom followed by what makes valid UTF-8.
    multibyte = sum(1 for char in text if char > "\x7f") - invalid
    return "utf-8" if multibyte > invalid else "cp1252"


#: A byte that is no UTF-8, as ``surrogateescape`` decodes it.
_ESCAPED = re.compile("[\udc80-\udcff]")


_LINE_END = re.compile(r"\r\n?|\n")


def detect_newline(text: str) -> str:
    """The first line's end: ``\\r\\n``, a bare ``\\r`` or ``\\n`` (also when there is none)."""
    match = _LINE_END.search(text)
    return "\n" if match is None else match.group()


def complete_lines(text: str, complete: bool) -> list[str]:
    """Lines of a sample, without the last one when the sample stops inside it."""
    lines = _LINE_END.split(text)
    if not complete or lines[-1] == "":
        lines.pop()
    return lines


def looks_like_jsonl(lines: Sequence[str], share: float = 0.95) -> bool:
    """At least ``share`` of the non-blank lines start with ``{`` or ``[``, and one of them parses."""
    stripped = [line.strip() for line in lines[:_SAMPLE_RECORDS] if line.strip()]
    if not stripped:
        return False
    starts = [line for line in stripped if line[0] in "{["]
    if len(starts) < share * len(stripped):
        return False
    for line in starts:
        with contextlib.suppress(ValueError, RecursionError):
            json.loads(line)
            return True
    return False


def first_line_sample(path: str, display: str) -> tuple[bytes, bool]:
    """The first bytes of a file whose first line is longer than :data:`SAMPLE_BYTES`, read on to the sample
    block in which that line ends, but no further than :data:`MAX_LINE_BYTES` (a longer line is read in
    pieces, never parsed whole); and whether they are the whole file."""
    stream, _ = open_bytes(path, display)
    try:
        data = stream.read_full(SAMPLE_BYTES)
        parts, size = [data], len(data)
        while size <= MAX_LINE_BYTES:
            block = stream.read_full(SAMPLE_BYTES)
            if not block:
                return b"".join(parts), True
            parts.append(block)
            size += len(block)
            if b"\n" in block or b"\r" in block[:-1]:  # a CR last may be half a CRLF
                break
    finally:
        stream.close()
    return b"".join(parts), False


def sample_records(text: str, delimiter: str, complete: bool) -> list[list[str]]:
    """The first records of a CSV sample parsed with ``delimiter`` (quotes respected), blank lines dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            if record:
                records.append(record)
            if len(records) > _SAMPLE_RECORDS:
                break
    except csv.Error:
        pass
    if not complete and len(records) > 1 and len(records) <= _SAMPLE_RECORDS:
        records.pop()  # the sample stops inside the last record
    return records


#: The first line Excel writes (and reads) to name a CSV file's delimiter: ``sep=;``.
EXCEL_SEP_LINE = re.compile(r"\A\ufeff?sep=([;,\t|])(?:\r\n?|\n)", re.IGNORECASE)


def sniff_delimiter(text: str, complete: bool, csv_extension: bool) -> tuple[str, list[str]] | None:
    """The best delimiter and the header it gives, or None when no delimiter makes a table.

    With a ``.csv``/``.tsv`` extension, half of the records having the header's width is enough, and the
    header may look like data.
    """
    best: tuple[float, int, int] | None = None
    found: tuple[str, list[str]] | None = None
    for rank, delimiter in enumerate(DELIMITERS):
        records = sample_records(text, delimiter, complete)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        consistency = sum(len(r) == width for r in records) / len(records)
        if consistency < (0.5 if csv_extension else 0.9):
            continue
        if not csv_extension and any(_DATA_LIKE.fullmatch(cell) for cell in records[0] if cell.strip()):
            continue
        score = (consistency, width, -rank)
        if best is None or score > best:
            best, found = score, (delimiter, records[0])
    return found


def arrow_stream_problem(sample: bytes) -> str | None:
    """Why ``sample`` does not start with an Arrow IPC stream's schema message pyarrow reads, or None."""
    try:
        pa.ipc.open_stream(pa.BufferReader(sample))
    except (pa.ArrowException, OSError) as error:
        return (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
    return None


def columnar_format(sample: bytes, display: str) -> tuple[Format, dict[str, object]] | None:
    """``("parquet", {})``, ``("arrow", {"ipc": "file" | "stream"})`` or ``("orc", {})`` when the first bytes
    say so, else None; a Feather v1 file raises :class:`SourceError`."""
    if sample.startswith(PARQUET_MAGIC):
        return "parquet", {}
    if not is_binary(sample):  # the magics are short, and a text file may start with "ORC"
        return None
    if sample.startswith(ARROW_MAGIC):
        return "arrow", {"ipc": "file"}
    if sample.startswith(ORC_MAGIC):
        return "orc", {}
    if sample.startswith(FEATHER_V1_MAGIC):
        raise SourceError(display, "Feather v1 file, a format Arrow has deprecated",
                          "convert it to Arrow IPC with pyarrow.feather (read_table, then write_feather); skipped")
    if sample.startswith(ARROW_CONTINUATION) and logical_extension(display) in _ARROW_STREAM_EXTENSIONS:
        problem = arrow_stream_problem(sample)
        if problem is not None:
            raise SourceError(display, f"corrupt or truncated Arrow IPC stream ({problem})")
        return "arrow", {"ipc": "stream"}
    return None


#: Extensions of formats that cannot be empty: a file of 0 bytes named so was cut short (a full disk, a copy
#: that failed). A compressed stream is never 0 bytes, even of nothing; text formats may hold nothing.
_NEVER_EMPTY = frozenset({
    *COMPRESSION_SUFFIXES.values(), ".tgz", ".zstd", ".lz4", ".zip",
    ".parquet", *_ARROW_STREAM_EXTENSIONS, ".orc", ".avro",
    ".xlsx", ".xlsm", ".xls", ".ods", ".sqlite", ".db", ".duckdb",
})
#: Extensions of JSON lines (not ``.json``, maybe one document): an empty one is JSON lines without records (its
#: pseudonymised copy is one too).
_JSON_LINES = frozenset(_JSON_EXTENSIONS - {".json"})


def cut_short_if_empty(display: str, compression: str | None) -> bool:
    """Whether an empty file (or a compressed stream of nothing) was cut short rather than written empty: a
    file of 0 bytes named as a compressed stream or a binary format, or a compressed stream of nothing named
    as a binary format (``x.parquet.gz``)."""
    extension = logical_extension(display) if compression is not None else os.path.splitext(display)[1].lower()
    return extension in _NEVER_EMPTY


def _empty(display: str, compression: str | None) -> SourceInfo:
    """What an empty file, or a compressed stream of nothing, is: a file of no records in the format its name
    says (Spark's ``_SUCCESS`` marker, a ``.gitkeep``, an export or a log with nothing in it), but an error when
    it was cut short (:func:`cut_short_if_empty`)."""
    if cut_short_if_empty(display, compression):
        raise SourceError(display, "empty file", "cut short?")
    extension = logical_extension(display)
    info = SourceInfo(path=display, format="jsonl" if extension in _JSON_LINES else "text", compression=compression,
                      encoding="utf-8", newline="\n", final_newline=False)
    if extension in _CSV_EXTENSIONS:
        info.format, info.delimiter = "csv", _CSV_EXTENSIONS[extension]
        info.extra["header"] = []
    return info


def _json_lines(path: str, info: SourceInfo, text: str, complete: bool, extension: str) -> bool:
    """Whether a file whose sample is ``text`` is JSON lines (the module docstring says when); a first line
    longer than the sample that starts like JSON is read on to its end (``info.newline`` is then its end)."""
    lines = complete_lines(text, complete)
    if not lines and not complete and text.lstrip()[:1] in ("{", "["):
        data, complete = first_line_sample(path, info.path)
        text = decode_sample(data, info.encoding, complete)
        lines = complete_lines(text, complete)
        info.newline = detect_newline(text)
        if not lines:  # a first line over MAX_LINE_BYTES, which the reader scans as text: the extension's word
            return extension in _JSON_LINES
    return looks_like_jsonl(lines, 0.5 if extension in _JSON_EXTENSIONS else 0.95)


def sniff_file(path: str, display: str) -> SourceInfo:
    """Look at the first bytes of ``path`` and say what it is; raise :class:`SourceError` when unreadable."""
    if os.path.isdir(path):
        raise SourceError(display, "is a directory, not a file")
    kind = special_kind(path)
    if kind is not None:  # opening a named pipe waits for a writer, reading a device may never end
        raise SourceError(display, f"not a regular file ({kind})", "not read")
    stream, compression = open_bytes(path, display)
    try:
        sample = stream.read_full(SAMPLE_BYTES + 1)
        complete = len(sample) <= SAMPLE_BYTES
        sample = sample[:SAMPLE_BYTES]
        tail = sample[-2:]
        if not complete and compression is None:
            stream.seek(-2, os.SEEK_END)
            tail = stream.read(2)
    finally:
        stream.close()
    if not sample:
        return _empty(display, compression)
    columnar = columnar_format(sample, display)
    if columnar is not None:
        return SourceInfo(path=display, format=columnar[0], compression=compression, extra=columnar[1])
    if compression is not None and compression_of(sample) is not None:  # compressed twice, or a .tar.gz
        raise SourceError(display, BINARY_MESSAGE, "skipped")
    encoding = detect_encoding(sample, complete)
    utf16 = encoding in UTF16_BOMS
    text = decode_sample(sample, encoding, complete)
    if is_binary(text.encode("utf-8") if utf16 else sample):
        raise SourceError(display, BINARY_MESSAGE, "skipped")
    final_newline = True  # a large compressed file's is known once it has been read to its end
    if complete or compression is None:
        last = tail.decode(encoding, errors="replace") if utf16 else tail.decode("latin-1")
        final_newline = last[-1:] in ("\n", "\r")
    info = SourceInfo(
        path=display,
        format="text",
        compression=compression,
        encoding=encoding,
        newline=detect_newline(text),
        final_newline=final_newline,
    )
    if compression is not None and not complete:
        info.extra["final_newline_known"] = False  # set when the stream has been read to its end
    extension = logical_extension(display)
    if _json_lines(path, info, text, complete, extension):
        info.format = "jsonl"
        return info
    if extension in _TEXT_EXTENSIONS and not (utf16 and extension == ".txt"):
        return info  # but Excel's "Texte Unicode (*.txt)" export: UTF-16, TAB-separated
    excel = EXCEL_SEP_LINE.match(text)
    if excel is not None:
        # Excel's "sep=;" first line names the delimiter; the header is the next record
        records = sample_records(text[excel.end():], excel.group(1), complete)
        info.format = "csv"
        info.delimiter = excel.group(1)
        info.extra["header"] = records[0] if records else []
        info.extra["excel_sep_line"] = True
        return info
    is_csv_extension = extension in _CSV_EXTENSIONS
    found = sniff_delimiter(text, complete, csv_extension=is_csv_extension)
    if found is None and is_csv_extension:
        header = sample_records(text, _CSV_EXTENSIONS[extension], complete)
        found = (_CSV_EXTENSIONS[extension], header[0] if header else [])
    if found is not None:
        info.format = "csv"
        info.delimiter = found[0]
        info.extra["header"] = found[1]
    return info
