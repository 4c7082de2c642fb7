"""Bytes of a file as the readers need them: opened safely, decompressed, decoded to UTF-8, cut into lines.

Everything here streams: a file is read in blocks of :data:`BLOCK_BYTES`, never whole, so memory stays bounded
on files larger than RAM.

* :func:`open_bytes` opens a file for reading, plain or compressed, the compression told by the magic bytes
  (:data:`COMPRESSION_MAGIC`: gzip, xz, bzip2, zstd), not the extension, and turns the usual faults into
  one-line :class:`SourceError`: missing file, directory, permission denied, truncated or corrupt stream.
  gzip, xz and bzip2 are read with the standard library; zstd with pyarrow's streaming codec, which (unlike
  the ``zstandard`` package's stream reader) reports a truncated stream instead of ending it quietly.
* :class:`Utf8Stream` is a file-like object that yields valid UTF-8 whatever the file's encoding: UTF-8 (checked
  block by block), UTF-8 with a byte-order mark (the mark is dropped), cp1252 (Windows-1252, what Excel
  writes on a French Windows), or UTF-16 with its byte-order mark, little- or big-endian (Excel's "Texte
  Unicode" export; the mark is dropped, a lone surrogate becomes U+FFFD). Bytes that are not valid UTF-8 in a
  file detected as UTF-8 are read as cp1252
  rather than failing: exports concatenated from two systems do that. When they are the file's first bytes
  outside ASCII, the sniffer's sample was only ASCII and the file is cp1252 from its start (a Windows export
  whose first accent comes late): the stream reads it as cp1252 from there and says so in the source's
  ``info.encoding``, so that writers put the accents back as cp1252. It feeds ``pyarrow.csv`` directly.
* :func:`line_blocks` cuts that stream into blocks of whole lines, numbering them; ``\\n``, ``\\r\\n`` and a
  bare ``\\r`` all end a line (Python's universal newlines), and each line's own end is kept for writers. A
  line longer than :data:`MAX_LINE_BYTES` comes in pieces (:mod:`leakguard.sources.windows`), never held whole
  in memory.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import os
import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from leakguard.sources.base import Problem, SourceError, SourceInfo
from leakguard.sources.windows import LinePiece, LongLine

#: Size of one read from the file.
BLOCK_BYTES = 4 * 1024 * 1024
#: Lines (text, JSON lines) longer than this are read in pieces (:mod:`leakguard.sources.windows`).
MAX_LINE_BYTES = 16 * 1024 * 1024
#: How much of the start of a file the sniffer looks at (encoding, delimiter, format).
SAMPLE_BYTES = 1024 * 1024

GZIP_MAGIC = b"\x1f\x8b"
#: Compressions read, and the first bytes of their streams (bzip2: ``BZh``, the block size, a block magic).
COMPRESSION_MAGIC = {
    "gzip": re.compile(re.escape(GZIP_MAGIC)),
    "xz": re.compile(re.escape(b"\xfd7zXZ\x00")),
    "bzip2": re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)"),
    "zstd": re.compile(re.escape(b"\x28\xb5\x2f\xfd")),
}
#: The name suffix each compression's tool gives its output.
COMPRESSION_SUFFIXES = {"gzip": ".gz", "xz": ".xz", "bzip2": ".bz2", "zstd": ".zst"}
UTF8_BOM = codecs.BOM_UTF8
#: The UTF-16 encodings read, and their byte-order marks (a UTF-16 file without one is not told from binary).
UTF16_BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}

# cp1252 leaves five bytes undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D): read them as their Latin-1 control
# characters, like every browser does, so that decoding never fails.
_CP1252 = [bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)]


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_CP1252[b] for b in bad), error.end


#: Codec error handler: undecodable bytes are read as cp1252.
CP1252_FALLBACK = "leakguard-cp1252"
codecs.register_error(CP1252_FALLBACK, _cp1252_fallback)


def complete_utf8_length(data: bytes) -> int:
    """Length of the longest prefix of ``data`` that does not end inside a UTF-8 multi-byte sequence."""
    n = len(data)
    for back in range(1, min(4, n) + 1):
        byte = data[n - back]
        if byte < 0x80:  # ASCII: whatever follows is not a sequence in progress
            return n
        if byte >= 0xC0:  # lead byte of a sequence of `need` bytes
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return n - back if need > back else n
    return n


def compression_of(head: bytes) -> str | None:
    """The compression whose magic bytes ``head`` (a file's first ten bytes or more) starts with, if any."""
    for name, magic in COMPRESSION_MAGIC.items():
        if magic.match(head):
            return name
    return None


def decode_text(data: bytes, encoding: str) -> str:
    """Decode ``data`` like :class:`Utf8Stream` does (never fails)."""
    if encoding in UTF16_BOMS:
        return decode_sample(data, encoding, complete=True)
    if encoding == "cp1252":
        return data.decode("cp1252", errors=CP1252_FALLBACK)
    if encoding == "utf-8-sig" and data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    return data.decode("utf-8", errors=CP1252_FALLBACK)


def decode_sample(data: bytes, encoding: str, complete: bool) -> str:
    """The text of a file's first bytes ``data`` (``complete``: the whole file), without a character cut at the
    end of an incomplete sample."""
    bom = UTF16_BOMS.get(encoding)
    if bom is not None:
        data = data[len(bom):] if data.startswith(bom) else data
        return codecs.getincrementaldecoder(encoding)("replace").decode(data, final=complete)
    return decode_text(data if complete else data[: complete_utf8_length(data)], encoding)


def open_bytes(path: str, display: str) -> tuple[GuardedReader, str | None]:
    """Open ``path`` for reading; return the (decompressed) byte stream and its compression, if any."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except FileNotFoundError:
        raise SourceError(display, "no such file or directory") from None
    except IsADirectoryError:
        raise SourceError(display, "is a directory, not a file") from None
    except PermissionError:
        raise SourceError(display, "permission denied", "check the file's read permission") from None
    except OSError as error:
        raise SourceError(display, f"cannot open ({error.strerror or type(error).__name__})") from None
    try:
        compression = compression_of(raw.read(10))
        raw.seek(0)
    except OSError as error:
        raw.close()
        raise SourceError(display, f"read error ({error.strerror or type(error).__name__})") from None
    if compression is None:
        return GuardedReader(raw, display), None
    inner: BinaryIO
    if compression == "gzip":
        inner = gzip.GzipFile(fileobj=raw, mode="rb")
    elif compression == "xz":
        inner = lzma.LZMAFile(raw)  # type: ignore[assignment]  # noqa: SIM115 - closed by the caller
    elif compression == "bzip2":
        inner = bz2.BZ2File(raw)  # type: ignore[assignment]
    else:
        inner = pa.CompressedInputStream(pa.PythonFile(raw, mode="r"), "zstd")  # type: ignore[assignment]
    return GuardedReader(inner, display, raw, compression), compression


class GuardedReader(io.RawIOBase):
    """A byte stream whose read faults become :class:`SourceError` (truncated or corrupt stream, I/O)."""

    def __init__(self, inner: BinaryIO, display: str, underlying: BinaryIO | None = None,
                 compression: str | None = None):
        super().__init__()
        self._inner = inner
        self._underlying = underlying
        self.display = display
        self.compression = compression

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            return self._inner.read(size)
        except EOFError:
            raise self._truncated() from None
        except (gzip.BadGzipFile, zlib.error, lzma.LZMAError, pa.ArrowInvalid):
            raise SourceError(self.display, f"corrupt {self.compression} stream") from None
        except OSError as error:
            if self.compression is not None and error.errno is None:  # bz2 and pyarrow: the stream's fault
                if "runcated" in str(error):
                    raise self._truncated() from None
                raise SourceError(self.display, f"corrupt {self.compression} stream") from None
            raise SourceError(self.display, f"read error ({error.strerror or type(error).__name__})") from None

    def _truncated(self) -> SourceError:
        return SourceError(self.display, f"truncated {self.compression} stream", "the file is incomplete")

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read_full(self, size: int) -> bytes:
        """Read ``size`` bytes, fewer only at the end of the stream."""
        parts, got = [], 0
        while got < size:
            part = self.read(size - got)
            if not part:
                break
            parts.append(part)
            got += len(part)
        return b"".join(parts)

    def seekable(self) -> bool:
        return self._underlying is None and self._inner.seekable()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def close(self) -> None:
        try:
            self._inner.close()
            if self._underlying is not None:
                self._underlying.close()
        finally:
            super().close()


class Utf8Stream(io.RawIOBase):
    """Read-only file-like view of a byte stream in ``encoding``, as valid UTF-8 bytes.

    ``fallback_offset`` is the offset (in the decoded stream's input) of the first byte that was not valid
    UTF-8 and was read as cp1252 in a file with UTF-8 text before it, or None. A file whose first non-ASCII
    byte is not UTF-8 is cp1252: ``encoding`` (and ``info.encoding``, when given) becomes ``cp1252`` there.
    """

    def __init__(self, raw: GuardedReader, encoding: str, info: SourceInfo | None = None):
        super().__init__()
        self._raw = raw
        self._encoding = encoding
        self._info = info
        self._utf8_seen = False  # whether a UTF-8 multi-byte sequence was read (the file is not cp1252)
        self._carry = b""
        self._buffer = bytearray()
        self._eof = False
        self._first = True
        self._consumed = 0
        self._utf16 = (codecs.getincrementaldecoder(encoding)("replace") if encoding in UTF16_BOMS else None)
        self.fallback_offset: int | None = None
        #: whether the last character read so far ends a line (the file's final newline, once at the end)
        self.ended_with_newline = True

    def readable(self) -> bool:
        return True

    def _next_block(self) -> bytes:
        """The next block, as UTF-8."""
        out = self._decoded_block()
        if out:
            self.ended_with_newline = out.endswith((b"\n", b"\r"))
        return out

    def _decoded_block(self) -> bytes:
        data = self._raw.read_full(max(BLOCK_BYTES, 4))  # at least a whole byte-order mark
        if not data:
            self._eof = True
        if self._first:
            self._first = False
            bom = UTF8_BOM if self._encoding == "utf-8-sig" else UTF16_BOMS.get(self._encoding, b"")
            if bom and data.startswith(bom):
                data = data[len(bom) :]
                self._consumed += len(bom)
        if self._utf16 is not None:
            self._consumed += len(data)
            return self._utf16.decode(data, final=self._eof).encode("utf-8")
        if self._encoding == "cp1252":
            self._consumed += len(data)
            return data.decode("cp1252", errors=CP1252_FALLBACK).encode("utf-8")
        data = self._carry + data
        cut = len(data) if self._eof else complete_utf8_length(data)
        data, self._carry = data[:cut], data[cut:]
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            if not self._utf8_seen and self._encoding == "utf-8" and data[: error.start].isascii():
                return self._become_cp1252(data)
            if self.fallback_offset is None:
                self.fallback_offset = self._consumed + error.start
            data = data.decode("utf-8", errors=CP1252_FALLBACK).encode("utf-8")
        self._utf8_seen = self._utf8_seen or not data.isascii()
        self._consumed += cut
        return data

    def _become_cp1252(self, data: bytes) -> bytes:
        """Read on as cp1252 from ``data`` (and its carry), the first bytes outside ASCII of the file."""
        data, self._carry = data + self._carry, b""
        self._encoding = "cp1252"
        if self._info is not None:
            self._info.encoding = "cp1252"
        self._consumed += len(data)
        return data.decode("cp1252", errors=CP1252_FALLBACK).encode("utf-8")

    @property
    def encoding(self) -> str:
        """The encoding read: the one given, or ``cp1252`` once the file proved to be cp1252."""
        return self._encoding

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = BLOCK_BYTES
        while len(self._buffer) < size and not self._eof:
            self._buffer += self._next_block()
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


#: A line end: ``\\r\\n``, ``\\n`` or a bare ``\\r`` (old Mac OS and some exports), as universal newlines read.
_LINE_END = re.compile(rb"\r\n?|\n")


@dataclass
class LineBlock:
    """Whole lines ``first_line``, ``first_line + 1``, ...: ``data`` is UTF-8 and every line ends with ``\\n``.

    ``ends`` holds each line's end as written (``"\\n"``, ``"\\r\\n"`` or ``"\\r"``), or is None when every
    line ends with the file's newline (the one :func:`line_blocks` was given).
    """

    data: bytes
    first_line: int
    count: int
    ends: list[str] | None = None


@dataclass
class LineEnd:
    """Sent last by :func:`line_blocks`: whether the file's last line ended with a newline."""

    final_newline: bool


def _first_end(data: bytes, start: int) -> tuple[int, int] | None:
    """Where the first line end at or after ``start`` begins and ends, or None; a ``\\r`` that ends ``data``
    is no line end yet (a ``\\n`` may follow in the next block)."""
    match = _LINE_END.search(data, start)
    if match is None or (match.group() == b"\r" and match.end() == len(data)):
        return None
    return match.start(), match.end()


def _last_end(data: bytes, start: int) -> int:
    """The index just after the last line end of ``data[start:]`` (``start`` when none); a ``\\r`` that ends
    ``data`` is no line end yet."""
    limit = len(data) - 1 if data.endswith(b"\r") else len(data)
    return max(data.rfind(b"\n", start, limit), data.rfind(b"\r", start, limit), start - 1) + 1


def normalised(data: bytes, newline: str) -> tuple[bytes, list[str] | None]:
    """``data`` (whole lines) with every line end made ``\\n``, and each line's end as written (None when all
    are ``newline``). Files with one kind of line end are done by ``bytes.replace``, without a loop."""
    crs = data.count(b"\r")
    if not crs:
        ends = None if newline == "\n" else ["\n"] * data.count(b"\n")
        return data, ends
    pairs = data.count(b"\r\n")
    if pairs == crs and pairs == data.count(b"\n"):
        return data.replace(b"\r\n", b"\n"), None if newline == "\r\n" else ["\r\n"] * pairs
    if not pairs and b"\n" not in data:
        return data.replace(b"\r", b"\n"), None if newline == "\r" else ["\r"] * crs
    ends = [end.decode("ascii") for end in _LINE_END.findall(data)]
    return _LINE_END.sub(b"\n", data), None if all(end == newline for end in ends) else ends


def line_blocks(stream: Utf8Stream, display: str,
                newline: str = "\n") -> Iterator[LineBlock | LinePiece | Problem | LineEnd]:
    """Cut ``stream`` into blocks of whole lines; a line over :data:`MAX_LINE_BYTES` comes in pieces.

    ``\\n``, ``\\r\\n`` and a bare ``\\r`` end a line; each block's lines end with ``\\n``, and say their own
    end where it is not ``newline`` (:class:`LineBlock`). Line numbers are 0-based and count every line (blank
    ones too). A line longer than the cap is given as :class:`~leakguard.sources.windows.LinePiece` objects cut
    at separators (:class:`~leakguard.sources.windows.LongLine`), never held whole. The last line gets a
    ``\\n`` added when the file has none; the final :class:`LineEnd` says which.
    """
    carry = b""
    line = 0
    long: LongLine | None = None  # the long line being cut, if any
    final_newline = True
    failure: SourceError | None = None  # a read that failed after this block: raised once its lines are given
    block = stream.read(BLOCK_BYTES)
    while block:
        try:
            following = stream.read(BLOCK_BYTES)  # read ahead: the last block takes in a last line without an end
        except SourceError as error:  # a truncated stream: the lines read before the cut are still scanned
            following, failure = b"", error
        data = carry + block if carry else block
        at_end = not following and failure is None
        if at_end and long is None and not data.endswith((b"\n", b"\r")) \
                and len(data) - _last_end(data, 0) <= MAX_LINE_BYTES:
            data, final_newline = data + newline.encode("ascii"), False
        block = following
        start = 0
        if long is not None:
            end = _first_end(data, 0)
            if end is None:
                carry = yield from long.feed(data)
                continue
            yield from long.finish(data[: end[0]], data[end[0] : end[1]].decode("ascii"))
            long, line, start = None, line + 1, end[1]
        last = len(data) if at_end and data.endswith(b"\r") else _last_end(data, start)
        if last > start:
            line += yield from _whole_lines(data[start:last], line, display, newline)
            start = last
        carry = data[start:]
        if len(carry) > MAX_LINE_BYTES:
            long = LongLine(line, display, MAX_LINE_BYTES)
            carry = yield from long.feed(carry)
    if failure is not None:
        raise failure
    if long is not None:
        if carry.endswith(b"\r"):
            yield from long.finish(carry[:-1], "\r")
        else:
            yield from long.finish(carry, "\n")
            final_newline = False
    elif carry.endswith(b"\r"):  # the file ends with a bare CR: a line end
        yield from _whole_lines(carry, line, display, newline)
    elif carry:
        yield LineBlock(carry + b"\n", line, 1)
        final_newline = False
    yield LineEnd(final_newline=final_newline)


def _whole_lines(data: bytes, line: int, display: str,
                 newline: str) -> Generator[LineBlock | LinePiece | Problem, None, int]:
    """``data`` (whole lines) as line blocks, a line over the cap in pieces; return the count."""
    data, ends = normalised(data, newline)
    if len(data) <= MAX_LINE_BYTES:  # no line can be over the cap
        count = data.count(b"\n")
        yield LineBlock(data, line, count, ends)
        return count
    stops = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
    begins = np.concatenate([[0], stops[:-1] + 1])
    at, first = 0, 0  # the first byte and index of the lines not given yet
    for i in np.flatnonzero(stops - begins > MAX_LINE_BYTES).tolist():
        if i > first:
            yield LineBlock(data[at : int(begins[i])], line + first, i - first, None if ends is None else ends[first:i])
        own = newline if ends is None else ends[i]
        yield from LongLine(line + i, display, MAX_LINE_BYTES).finish(data[int(begins[i]) : int(stops[i])], own)
        at, first = int(stops[i]) + 1, i + 1
    if first < len(stops):
        yield LineBlock(data[at:], line + first, len(stops) - first, None if ends is None else ends[first:])
    return len(stops)


def fallback_problem(stream: Utf8Stream, display: str) -> Problem | None:
    """The Problem telling that some bytes of a UTF-8 file were read as cp1252, if any were."""
    if stream.fallback_offset is None:
        return None
    return Problem(
        display, f"bytes that are not valid UTF-8 (first at byte {stream.fallback_offset}) were read as cp1252"
    )
