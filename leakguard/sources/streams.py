"""Bytes of a file as the readers need them: opened safely, gunzipped, decoded to UTF-8, cut into lines.

Everything here streams: a file is read in blocks of :data:`BLOCK_BYTES`, never whole, so memory stays bounded
on files larger than RAM.

* :func:`open_bytes` opens a file for reading, plain or gzip (magic bytes ``1f 8b``, not the extension), and
  turns the usual faults into one-line :class:`SourceError`: missing file, directory, permission denied,
  truncated or corrupt gzip stream.
* :class:`Utf8Stream` is a file-like object that yields valid UTF-8 whatever the file's encoding: UTF-8 (checked
  block by block), UTF-8 with a byte-order mark (the mark is dropped), or cp1252 (Windows-1252, what Excel
  writes on a French Windows). Bytes that are not valid UTF-8 in a file detected as UTF-8 are read as cp1252
  rather than failing: exports concatenated from two systems do that. When they are the file's first bytes
  outside ASCII, the sniffer's sample was only ASCII and the file is cp1252 from its start (a Windows export
  whose first accent comes late): the stream reads it as cp1252 from there and says so in the source's
  ``info.encoding``, so that writers put the accents back as cp1252. It feeds ``pyarrow.csv`` directly.
* :func:`line_blocks` cuts that stream into blocks of whole lines, numbering them; a line longer than
  :data:`MAX_LINE_BYTES` comes in pieces (:mod:`leakguard.sources.windows`), never held whole in memory.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from leakguard.sources.base import Problem, SourceError, SourceInfo
from leakguard.sources.windows import LinePiece, LongLine

#: Size of one read from the file.
BLOCK_BYTES = 4 * 1024 * 1024
#: Lines (text, JSON lines) longer than this are read in pieces (:mod:`leakguard.sources.windows`).
MAX_LINE_BYTES = 16 * 1024 * 1024
#: How much of the start of a file the sniffer looks at (encoding, delimiter, format).
SAMPLE_BYTES = 1024 * 1024

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = codecs.BOM_UTF8

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


def decode_text(data: bytes, encoding: str) -> str:
    """Decode ``data`` like :class:`Utf8Stream` does (never fails)."""
    if encoding == "cp1252":
        return data.decode("cp1252", errors=CP1252_FALLBACK)
    if encoding == "utf-8-sig" and data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    return data.decode("utf-8", errors=CP1252_FALLBACK)


def open_bytes(path: str, display: str) -> tuple[BinaryIO, bool]:
    """Open ``path`` for reading; return the (decompressed) byte stream and whether it is gzip."""
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
        magic = raw.read(2)
        raw.seek(0)
    except OSError as error:
        raw.close()
        raise SourceError(display, f"read error ({error.strerror or type(error).__name__})") from None
    if magic == GZIP_MAGIC:
        return GuardedReader(gzip.GzipFile(fileobj=raw, mode="rb"), display, raw), True
    return GuardedReader(raw, display), False


class GuardedReader(io.RawIOBase):
    """A byte stream whose read faults become :class:`SourceError` (truncated gzip, corrupt gzip, I/O)."""

    def __init__(self, inner: BinaryIO, display: str, underlying: BinaryIO | None = None):
        super().__init__()
        self._inner = inner
        self._underlying = underlying
        self.display = display

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            return self._inner.read(size)
        except EOFError:
            raise SourceError(self.display, "truncated gzip stream", "the file is incomplete") from None
        except (gzip.BadGzipFile, zlib.error):
            raise SourceError(self.display, "corrupt gzip stream") from None
        except OSError as error:
            raise SourceError(self.display, f"read error ({error.strerror or type(error).__name__})") from None

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
        self.fallback_offset: int | None = None
        #: whether the last byte read so far is a newline (the file's final newline, once at the end)
        self.ended_with_newline = True

    def readable(self) -> bool:
        return True

    def _next_block(self) -> bytes:
        data = self._raw.read_full(max(BLOCK_BYTES, 4))  # at least a whole byte-order mark
        if data:
            self.ended_with_newline = data.endswith(b"\n")
        else:
            self._eof = True
        if self._first:
            self._first = False
            if self._encoding == "utf-8-sig" and data.startswith(UTF8_BOM):
                data = data[len(UTF8_BOM) :]
                self._consumed += len(UTF8_BOM)
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


@dataclass
class LineBlock:
    """Whole lines ``first_line``, ``first_line + 1``, ...: ``data`` is UTF-8 and every line ends with ``\\n``."""

    data: bytes
    first_line: int
    count: int


@dataclass
class LineEnd:
    """Sent last by :func:`line_blocks`: whether the file's last line ended with a newline."""

    final_newline: bool


def line_blocks(stream: Utf8Stream, display: str) -> Iterator[LineBlock | LinePiece | Problem | LineEnd]:
    """Cut ``stream`` into blocks of whole lines; a line over :data:`MAX_LINE_BYTES` comes in pieces.

    Line numbers are 0-based and count every line (blank ones too). A line longer than the cap is given as
    :class:`~leakguard.sources.windows.LinePiece` objects cut at separators
    (:class:`~leakguard.sources.windows.LongLine`), never held whole. The last line gets a ``\\n`` added when
    the file has none; the final :class:`LineEnd` says which.
    """
    carry = b""
    line = 0
    long: LongLine | None = None  # the long line being cut, if any
    ended_with_newline = True
    while True:
        block = stream.read(BLOCK_BYTES)
        if not block:
            break
        ended_with_newline = block.endswith(b"\n")
        data = carry + block if carry else block
        start = 0
        if long is not None:
            end = data.find(b"\n")
            if end < 0:
                carry = yield from long.feed(data)
                continue
            yield from long.finish(data[:end])
            long, line, start = None, line + 1, end + 1
        last = data.rfind(b"\n", start)
        if last >= start:
            line += yield from _whole_lines(data, start, last + 1, line, display)
            start = last + 1
        carry = data[start:]
        if len(carry) > MAX_LINE_BYTES:
            long = LongLine(line, display, MAX_LINE_BYTES)
            carry = yield from long.feed(carry)
    if long is not None:
        yield from long.finish(carry)
        carry, ended_with_newline = b"", False
    elif carry:
        yield LineBlock(carry + b"\n", line, 1)
    yield LineEnd(final_newline=ended_with_newline and not carry)


def _whole_lines(data: bytes, start: int, end: int, line: int,
                 display: str) -> Generator[LineBlock | LinePiece | Problem, None, int]:
    """``data[start:end]`` (whole lines) as line blocks, a line over the cap in pieces; return the count."""
    if end - start <= MAX_LINE_BYTES:  # no line can be over the cap
        count = data.count(b"\n", start, end)
        yield LineBlock(data[start:end], line, count)
        return count
    ends = np.flatnonzero(np.frombuffer(data, np.uint8, end - start, start) == 10) + start
    begins = np.concatenate([[start], ends[:-1] + 1])
    at, first = start, 0  # the first byte and index of the lines not given yet
    for i in np.flatnonzero(ends - begins > MAX_LINE_BYTES).tolist():
        if i > first:
            yield LineBlock(data[at : int(begins[i])], line + first, i - first)
        yield from LongLine(line + i, display, MAX_LINE_BYTES).finish(data[int(begins[i]) : int(ends[i])])
        at, first = int(ends[i]) + 1, i + 1
    if first < len(ends):
        yield LineBlock(data[at:end], line + first, len(ends) - first)
    return len(ends)


def fallback_problem(stream: Utf8Stream, display: str) -> Problem | None:
    """The Problem telling that some bytes of a UTF-8 file were read as cp1252, if any were."""
    if stream.fallback_offset is None:
        return None
    return Problem(
        display, f"bytes that are not valid UTF-8 (first at byte {stream.fallback_offset}) were read as cp1252"
    )
