"""The progress display of ``scan``, ``pseudonymise`` and ``reidentify``: one line on standard error.

It names the action and the file (``scanning dump.parquet (2/17)``, ``pseudonymising export.csv``) and,
where the size of the work is known, draws a determinate bar with its percentage, the rate and the time left,
in records:

* **Parquet**: out of the row count of the file's footer (``930,000/1,500,000 records``);
* **other files** (CSV, JSON lines, text, ``.gz``): out of an estimate, marked ``≈``, from the lines in the
  file's first megabytes (decompressed for ``.gz``) and its size; exact for a file that fits in the sample.
  (The reader's offset in the file is no measure: pyarrow's CSV reader reads up to 128 MB ahead.) When the
  records outrun the estimate, the total follows them;
* otherwise (a database table, a file that cannot be opened): records so far and their rate, a pulsing bar.

The display is a rich ``Progress``, transient (it leaves nothing behind), drawn only when standard error is a
terminal; :class:`~leakguard.cli.console.Terminal` stops it while the report is printed on standard output.
"""

from __future__ import annotations

import os
import time
import zlib
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.table import Column
from rich.text import Text

from leakguard.report.text import shown

PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
#: xz, bzip2 and zstd magic bytes (as in ``leakguard.sources.streams``, not imported: it loads pyarrow), and
#: the starts of Arrow IPC files and streams and of ORC files, whose newline bytes say nothing of their records
_NOT_ESTIMATED = (b"\xfd7zXZ\x00", b"BZh", b"\x28\xb5\x2f\xfd", b"ARROW1", b"\xff\xff\xff\xff", b"ORC")
#: How much of the start of a file the record estimate reads.
SAMPLE_BYTES = 4 * 1024 * 1024


def parquet_rows(path: str) -> int | None:
    """The row count in the footer of the Parquet file ``path``; None for anything else."""
    if not os.path.isfile(path):  # a named pipe or a device is never opened: reading it may wait for ever
        return None
    try:
        with open(path, "rb") as file:
            if file.read(4) != PARQUET_MAGIC:
                return None
        import pyarrow.parquet as pq

        return pq.read_metadata(path).num_rows
    except (OSError, ValueError, ImportError):
        return None
    except Exception:  # a corrupt footer: the reader will say so; the display just has no total
        return None


def estimated_records(path: str, sample_bytes: int = SAMPLE_BYTES) -> tuple[int, bool] | None:
    """About how many records (lines) the text file ``path`` holds, and whether that is exact: the lines of
    its first ``sample_bytes`` (decompressed for gzip), scaled to its size. None if it cannot be read, is
    compressed otherwise (xz, bzip2, zstd: no estimate), or is not a regular file (a named pipe is never
    opened)."""
    if not os.path.isfile(path):
        return None
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as file:
            head = file.read(sample_bytes)
    except OSError:
        return None
    if not head:
        return None
    if head.startswith(_NOT_ESTIMATED):
        return None
    if head[:2] == GZIP_MAGIC:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            text = decompressor.decompress(head, 64 * sample_bytes)
        except zlib.error:
            return None
        exact, consumed = decompressor.eof, len(head) - len(decompressor.unconsumed_tail)
    else:
        text, exact, consumed = head, len(head) == size, len(head)
    newline = b"\n" if b"\n" in text else b"\r"  # a bare CR ends the lines of old Mac files
    lines = text.count(newline) + (0 if text.endswith(newline) else 1)
    if exact:
        return lines, True
    return max(1, round(lines * size / max(1, consumed))), False


@dataclass
class _Current:
    """The file being worked on."""

    path: str
    task: TaskID
    total: float | None  # records: exact (Parquet), estimated (other files) or unknown (None)
    started: float


class _Detail(ProgressColumn):
    """``930,000/1,500,000 records · 41,200/s``, ``40,000/≈310,000 records · 9,800/s`` (an estimate), or
    ``40,000 records · 9,800/s``."""

    def render(self, task: Task) -> Text:
        rate = task.fields.get("records_per_second")
        if task.total is None:
            parts = [f"{int(task.completed):,} records"]
        else:
            about = "" if task.fields.get("exact") else "≈"
            parts = [f"{int(task.completed):,}/{about}{int(task.total):,} records"]
        if rate:
            parts.append(f"{rate:,.0f}/s")
        return Text(" · ".join(parts), style="progress.download")


class _Time(ProgressColumn):
    """The time left where the total is known (``0:00:14 left``), else the time spent (``0:00:03``)."""

    max_refresh = 0.5

    def render(self, task: Task) -> Text:
        if task.total is not None and task.time_remaining is not None:
            return Text(f"{_clock(task.time_remaining)} left", style="progress.remaining")
        return Text(_clock(task.elapsed or 0), style="progress.elapsed")


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:d}:{minutes:02d}:{seconds:02d}"


class _Percent(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text("" if task.total is None else f"{task.percentage:>3.0f}%", style="progress.percentage")


class FileProgress:
    """One line of progress for files worked on one after the other; ``__call__`` is the ``on_progress``
    callback of :func:`leakguard.scan.scan_files` and :func:`leakguard.pseudonymise_file`.

    ``action`` names what is done (``"scanning"``); ``files`` is how many files there are (None: unknown);
    ``names`` maps a path to the name to show (standard input's spool file to ``-``).
    """

    def __init__(self, console: Console, action: str, *, files: int | None = None,
                 names: dict[str, str] | None = None):
        self.action = action
        self.files = files
        self.names = names or {}
        self._done_files = 0
        self._current: _Current | None = None
        self.progress = Progress(
            TextColumn("{task.description}", table_column=Column(no_wrap=True, overflow="ellipsis")),
            BarColumn(bar_width=20), _Percent(table_column=Column(no_wrap=True)),
            _Detail(table_column=Column(no_wrap=True)), _Time(table_column=Column(no_wrap=True)),
            console=console, transient=True, redirect_stdout=False, redirect_stderr=True)

    # --- lifecycle ---------------------------------------------------------------------------------------

    def start(self) -> None:
        self.progress.start()

    def stop(self) -> None:
        self.progress.stop()

    @property
    def live(self) -> bool:
        return self.progress.live.is_started

    # --- events ------------------------------------------------------------------------------------------

    def start_file(self, path: str) -> None:
        """``path`` is being worked on from now (also called by the first progress event of a new path)."""
        if self._current is not None:
            if self._current.path == path:
                return
            self.progress.remove_task(self._current.task)
            self._done_files += 1
        rows = parquet_rows(path)
        estimate = (rows, True) if rows is not None else estimated_records(path)
        total, exact = (float(estimate[0]), estimate[1]) if estimate is not None else (None, False)
        name = self.names.get(path) or shown(os.path.basename(path) or path, path=True)
        counter = f" ({self._done_files + 1}/{self.files})" if self.files and self.files > 1 else ""
        task = self.progress.add_task(f"{self.action} {name}{counter}", total=total, exact=exact,
                                      records_per_second=None)
        self._current = _Current(path, task, total, time.monotonic())

    def __call__(self, path: str, records: int, size: int) -> None:
        """A chunk of ``path`` is done: ``records`` so far (``size``, the file's bytes, is not needed)."""
        self.start_file(path)
        current = self._current
        assert current is not None
        elapsed = time.monotonic() - current.started
        rate = records / elapsed if elapsed > 0.5 else None
        if current.total is not None and records > current.total:  # the estimate was short
            current.total = float(records)
            self.progress.update(current.task, total=current.total)
        self.progress.update(current.task, completed=records, records_per_second=rate)
