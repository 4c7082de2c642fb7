"""What a project says is not a leak: pseudonymised columns, allowlisted values, inline ignores, a baseline.

:class:`FindingFilter` is the ``finding_filter`` of :func:`leakguard.scan.scan_files`: it takes the findings
of a chunk of a file (with the raw ``value`` column, which it drops unless asked to keep it) and returns the
findings left, in this order, cheapest first:

1. findings in ``pseudonymised-columns`` (names or globs over column names and dotted paths);
2. findings whose value is in ``allow`` (:class:`leakguard.allowlist.Allowlist`);
3. findings the baseline lists (:class:`leakguard.baseline.Baseline`);
4. inline ignores (:class:`InlineIgnores`), the only step that reads the file again.

Inline ignores
    In text formats (CSV/TSV, JSON lines, text and logs, gzip-compressed or not) a finding is ignored when
    ``leakguard: allow`` appears on its line or on the line just before, whatever surrounds it: ``#``, ``//``,
    ``--`` or ``/* */`` comments, a JSON string field (``"note": "leakguard: allow"``), a CSV cell. For a CSV
    record the lines are the physical lines it spans (a quoted cell may hold newlines) and "the line before"
    is the one before its first line. A line that holds only the marker and that the reader skips (a
    ``# leakguard: allow`` line in a CSV is a row with too few fields; in JSON lines it is not JSON) is not
    reported as a problem. The file is read again only when it has findings: one byte-level pass for the
    marker, then, for CSV files that hold it, one ``csv`` module pass mapping records to lines.
    Parquet files have no lines: use ``allow``, ``pseudonymised-columns`` or the baseline.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import re
import sys
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.allowlist import Allowlist
from leakguard.baseline import Baseline, Fingerprinter
from leakguard.config import Config
from leakguard.sources.base import SourceError
from leakguard.sources.sniff import sniff_file
from leakguard.sources.streams import open_bytes

#: The inline marker, in bytes (ASCII in UTF-8 and cp1252 alike); spaces around ``:`` and case are free.
MARKER = re.compile(rb"(?i)leakguard[ \t]*:[ \t]*allow")
_BLOCK = 4 * 1024 * 1024
_CSV_FIELD_LIMIT = 2**31 - 1


def marked_lines(path: str) -> list[int]:
    """0-based numbers of the lines of ``path`` (decompressed) that hold the marker, in order."""
    stream, _ = open_bytes(path, path)
    found: list[int] = []
    line = 0
    carry = b""
    with stream:
        while True:
            block = stream.read(_BLOCK)
            if not block:
                break
            data = carry + block
            cut = data.rfind(b"\n") + 1
            if cut == 0 and len(data) < 64 * _BLOCK:
                carry = data
                continue
            part, carry = (data[:cut], data[cut:]) if cut else (data, b"")
            line = _scan(part, line, found)
    if carry:
        _scan(carry, line, found)
    return found


def _scan(part: bytes, line: int, found: list[int]) -> int:
    """Add the lines of ``part`` holding the marker (``part`` starts line ``line``); the next line number."""
    position = 0
    for match in MARKER.finditer(part):
        line += part.count(b"\n", position, match.start())
        position = match.start()
        if not found or found[-1] != line:
            found.append(line)
    return line + part.count(b"\n", position)


class _FileLines:
    """The marked lines of one file and, for CSV, the physical lines of each record."""

    def __init__(self, path: str):
        self.path = path
        try:
            self.info = sniff_file(path, path)
        except SourceError:
            self.info = None
        self.text = self.info is not None and self.info.format in ("csv", "jsonl", "text")
        self.marked = marked_lines(path) if self.text else []
        self._starts: array | None = None
        self._ends: array | None = None

    @property
    def is_csv(self) -> bool:
        return self.info is not None and self.info.format == "csv"

    def _records(self) -> tuple[array, array]:
        """First and last physical line (0-based) of each CSV data record, header and blank lines excluded."""
        if self._starts is None:
            starts, ends = array("q"), array("q")
            info = self.info
            assert info is not None
            csv.field_size_limit(min(sys.maxsize, _CSV_FIELD_LIMIT))
            stream, _ = open_bytes(self.path, self.path)
            # lines end at "\n" only, as the readers count them (a lone "\r" is data)
            text = io.TextIOWrapper(stream, encoding=info.encoding, errors="replace", newline="\n")
            with stream, text:
                reader = csv.reader(text, delimiter=info.delimiter or ",", quotechar='"', doublequote=True)
                previous = 0
                header = True
                if info.extra.get("excel_sep_line"):  # Excel's "sep=;" line comes before the header
                    next(reader, None)
                    previous = reader.line_num
                try:
                    for record in reader:
                        if record:
                            if header:
                                header = False
                            else:
                                starts.append(previous)
                                ends.append(reader.line_num - 1)
                        previous = reader.line_num
                except csv.Error:
                    pass  # the reader stopped the file at the same place; what was mapped stands
            self._starts, self._ends = starts, ends
        return self._starts, self._ends

    def span(self, row: int) -> tuple[int, int] | None:
        """First and last physical line of record ``row``; ``None`` when unknown."""
        if not self.is_csv:
            return row, row
        starts, ends = self._records()
        if 0 <= row < len(starts):
            return starts[row], ends[row]
        return None

    def _marked_between(self, first: int, last: int) -> bool:
        i = bisect_left(self.marked, first)
        return i < len(self.marked) and self.marked[i] <= last

    def ignored(self, row: int) -> bool:
        """Whether record ``row`` or the line before it holds the marker."""
        if not self.marked:
            return False
        span = self.span(row)
        return span is not None and self._marked_between(span[0] - 1, span[1])

    def holds_marker(self, row: int) -> bool:
        """Whether record ``row`` itself holds the marker (a skipped comment line)."""
        if not self.marked:
            return False
        span = self.span(row)
        return span is not None and self._marked_between(span[0], span[1])


class InlineIgnores:
    """``leakguard: allow`` lines of text files, read on demand; one file is cached at a time."""

    def __init__(self) -> None:
        self._file: _FileLines | None = None

    def _lines(self, path: str) -> _FileLines:
        if self._file is None or self._file.path != path:
            self._file = _FileLines(path)
        return self._file

    def mask(self, path: str, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Per row (record index) of ``path``, whether an inline marker ignores it."""
        lines = self._lines(path)
        if not lines.marked:
            return np.zeros(len(rows), dtype=bool)
        return np.array([lines.ignored(int(row)) for row in rows], dtype=bool)

    def skips_problem(self, path: str, row: int | None) -> bool:
        """Whether a problem at record ``row`` is a marker line that the reader skipped."""
        if row is None:
            return False
        try:
            return self._lines(path).holds_marker(row)
        except SourceError:
            return False

    def line_of(self, path: str, row: int) -> int | None:
        """The 1-based physical line where record ``row`` of a text-format file starts (``None``: Parquet)."""
        lines = self._lines(path)
        if not lines.text:
            return None
        span = lines.span(row)
        return span[0] + 1 if span is not None else None


class FindingFilter:
    """Drops what the project says is not a leak; counts what it dropped and why (:attr:`dropped`).

    ``baseline`` without ``fingerprinter`` (no key) cannot be checked: findings are kept and
    :attr:`unchecked` is set when some reached that step.
    """

    def __init__(self, config: Config, *, baseline: Baseline | None = None,
                 fingerprinter: Fingerprinter | None = None, inline: bool = True, keep_values: bool = False):
        self.columns = config.pseudonymised_columns
        self.allowlist = Allowlist(config.allow)
        self.baseline = baseline if baseline is not None and baseline.entries else None
        self.fingerprinter = fingerprinter
        self.inline = InlineIgnores() if inline else None
        self.keep_values = keep_values
        self.dropped: Counter[str] = Counter()
        self.unchecked = False

    def __call__(self, path: str, findings: pa.Table) -> pa.Table:
        if findings.num_rows:
            findings = self._drop(findings, self._pseudonymised(findings), "pseudonymised-columns")
        if findings.num_rows and self.allowlist:
            findings = self._drop(findings, self.allowlist.mask(findings), "allow")
        if findings.num_rows and self.baseline is not None:
            if self.fingerprinter is None:
                self.unchecked = True
            else:
                known = self.baseline.known(path, findings, self.fingerprinter)
                findings = self._drop(findings, known, "baseline")
        if findings.num_rows and self.inline is not None:
            rows = findings["row"].to_numpy()
            findings = self._drop(findings, self.inline.mask(path, rows), "inline")
        if not self.keep_values and "value" in findings.column_names:
            findings = findings.drop_columns(["value"])
        return findings

    def problem_level(self, path: str, row: int | None, fatal: bool) -> str | None:
        """How a reader's problem counts: ``"error"`` (the file, or some records, were not scanned),
        ``"warning"`` (everything was scanned), or ``None`` (a skipped ``leakguard: allow`` comment line)."""
        if fatal:
            return "error"
        if row is None:
            return "warning"
        if self.inline is not None and self.inline.skips_problem(path, row):
            return None
        return "error"

    def _drop(self, findings: pa.Table, mask: np.ndarray, reason: str) -> pa.Table:
        count = int(mask.sum())
        if not count:
            return findings
        self.dropped[reason] += count
        return findings.filter(pa.array(~mask))

    def _pseudonymised(self, findings: pa.Table) -> np.ndarray:
        if not self.columns:
            return np.zeros(findings.num_rows, dtype=bool)
        names = pc.unique(findings["column"]).to_pylist()
        hit = [name for name in names if name is not None and any(
            fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(name.rsplit(".", 1)[-1], pattern)
            for pattern in self.columns)]
        if not hit:
            return np.zeros(findings.num_rows, dtype=bool)
        return pc.fill_null(pc.is_in(findings["column"], pa.array(hit, pa.string())), False).to_numpy(
            zero_copy_only=False)


__all__ = ["MARKER", "FindingFilter", "InlineIgnores", "marked_lines"]
