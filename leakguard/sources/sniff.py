"""What a file is, decided from its first bytes: format, compression, encoding, delimiter, newline.

The content decides, the extension only breaks ties:

* Parquet starts (and ends) with the magic ``PAR1``; gzip starts with ``1f 8b`` and is looked into.
* Binary: a NUL byte, or more than 1% of control characters, in the first :data:`SAMPLE_BYTES`
  (PNG, zip, Office files, executables, UTF-16): skipped with a :class:`SourceError`; the error names UTF-16
  text and xz, bzip2 and zstd streams, and says how to convert them.
* Encoding: a UTF-8 byte-order mark gives ``utf-8-sig``; a sample that decodes as strict UTF-8 gives
  ``utf-8``; anything else is ``cp1252`` (every byte decodes; Latin-1 files read the same but for 0x80-0x9F).
* JSON lines: at least 95% of the non-blank sample lines (half with a ``.jsonl``, ``.ndjson`` or ``.json``
  extension) start with ``{`` or ``[`` and one of them parses.
  Logs that mix plain lines and JSON payloads stay text, so every line is still scanned.
* CSV: a delimiter among ``;`` ``,`` tab ``|`` that splits the header into at least two fields and at least
  90% of the sample records (parsed with quotes, multi-line cells included; half with a ``.csv``/``.tsv``
  extension) into as many. The header must not
  look like data (cells made only of digits, dates or times, as in a log line ``2024-05-01 12:00:00,123 INFO``)
  unless the extension is ``.csv``/``.tsv``; ``.log`` and ``.txt`` files are never taken for CSV. A ``.csv``
  whose header has a single field is a one-column CSV.
* Text: anything else that decodes.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
from collections.abc import Sequence

from leakguard.sources.base import SourceError, SourceInfo
from leakguard.sources.special import special_kind
from leakguard.sources.streams import (
    GZIP_MAGIC,
    SAMPLE_BYTES,
    UTF8_BOM,
    complete_utf8_length,
    decode_text,
    open_bytes,
)

PARQUET_MAGIC = b"PAR1"
DELIMITERS = (";", ",", "\t", "|")
BINARY_MESSAGE = "binary file, not Parquet, CSV, JSON lines or text"
#: Files that are not read, told by their first bytes: what they are, and what to do (instead of "binary").
_KNOWN_UNREAD = (
    (codecs.BOM_UTF16_LE, "UTF-16 text (Excel's \"Unicode text\" export), not read",
     "convert it to UTF-8 (iconv -f UTF-16 -t UTF-8, or in Excel: Save As, CSV UTF-8) and scan that"),
    (codecs.BOM_UTF16_BE, "UTF-16 text, not read", "convert it to UTF-8 (iconv -f UTF-16 -t UTF-8) and scan that"),
    (b"\xfd7zXZ\x00", "xz-compressed file, not read", "decompress it (xz -dk) or compress it with gzip"),
    (b"BZh", "bzip2-compressed file, not read", "decompress it (bunzip2 -k) or compress it with gzip"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed file, not read", "decompress it (zstd -d) or compress it with gzip"),
)

_TEXT_CONTROLS = set(b"\t\n\r\f\v\b\x1b")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"
_DATA_LIKE = re.compile(r"(?=.*\d)[\d\s.:/+\-TZ,]+")
_CSV_EXTENSIONS = {".csv": ",", ".tsv": "\t"}
_TEXT_EXTENSIONS = {".log", ".txt"}
_JSON_EXTENSIONS = {".jsonl", ".ndjson", ".json"}
_SAMPLE_RECORDS = 200


def logical_extension(path: str) -> str:
    """The extension that says what the content is: ``dump.csv.gz`` -> ``.csv``."""
    name = os.path.basename(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


def is_binary(sample: bytes) -> bool:
    """NUL bytes, or more than 1% of control characters that text does not use."""
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) // 100


def binary_error(display: str, sample: bytes) -> SourceError:
    """The error of a binary file: what it is where its first bytes tell (:data:`_KNOWN_UNREAD`)."""
    for magic, problem, hint in _KNOWN_UNREAD:
        if sample.startswith(magic):
            return SourceError(display, problem, hint)
    return SourceError(display, BINARY_MESSAGE, "skipped")


def detect_encoding(sample: bytes, complete: bool) -> str:
    """``utf-8-sig``, ``utf-8`` or ``cp1252`` from the first bytes (``complete``: the sample is the whole file)."""
    if sample.startswith(UTF8_BOM):
        return "utf-8-sig"
    cut = len(sample) if complete else complete_utf8_length(sample)
    try:
        sample[:cut].decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def detect_newline(text: str) -> str:
    """``\\r\\n`` when the first line ends with it, else ``\\n``."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def complete_lines(text: str, complete: bool) -> list[str]:
    """Lines of a sample, without the last one when the sample stops inside it."""
    lines = text.split("\n")
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
EXCEL_SEP_LINE = re.compile(r"\A\ufeff?sep=([;,\t|])\r?\n", re.IGNORECASE)


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


def sniff_file(path: str, display: str) -> SourceInfo:
    """Look at the first bytes of ``path`` and say what it is; raise :class:`SourceError` when unreadable."""
    if os.path.isdir(path):
        raise SourceError(display, "is a directory, not a file")
    kind = special_kind(path)
    if kind is not None:  # opening a named pipe waits for a writer, reading a device may never end
        raise SourceError(display, f"not a regular file ({kind})", "not read")
    stream, compressed = open_bytes(path, display)
    try:
        sample = stream.read_full(SAMPLE_BYTES + 1)
        complete = len(sample) <= SAMPLE_BYTES
        sample = sample[:SAMPLE_BYTES]
        final_newline = True
        if complete:
            final_newline = sample.endswith(b"\n")
        elif not compressed:
            stream.seek(-1, os.SEEK_END)
            final_newline = stream.read(1) == b"\n"
    finally:
        stream.close()
    if not sample:
        raise SourceError(display, "empty file")
    if sample.startswith(PARQUET_MAGIC):
        return SourceInfo(path=display, format="parquet", compressed=compressed)
    if sample.startswith(GZIP_MAGIC) and compressed:
        raise SourceError(display, BINARY_MESSAGE, "skipped")
    if is_binary(sample):
        raise binary_error(display, sample)

    encoding = detect_encoding(sample, complete)
    text = decode_text(sample if complete else sample[: complete_utf8_length(sample)], encoding)
    newline = detect_newline(text)
    info = SourceInfo(
        path=display,
        format="text",
        compressed=compressed,
        encoding=encoding,
        newline=newline,
        final_newline=final_newline,
    )
    if compressed and not complete:
        info.extra["final_newline_known"] = False  # set when the stream has been read to its end
    lines = complete_lines(text, complete)
    extension = logical_extension(display)
    if looks_like_jsonl(lines, 0.5 if extension in _JSON_EXTENSIONS else 0.95):
        info.format = "jsonl"
        return info
    if extension in _TEXT_EXTENSIONS:
        return info
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
