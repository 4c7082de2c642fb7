"""The progress display of ``scan``, ``pseudonymise`` and ``reidentify``: one line on standard error.

It names the action and the file (``scanning dump.parquet (2/17)``, ``pseudonymising export.csv``) and,
where the size of the work is known, draws a determinate bar with its percentage, the rate and the time left:

* **Parquet**: records, out of the row count of the file's footer (``930,000/1,500,000 records``);
* **other files** (CSV, JSON lines, text, ``.gz``): bytes read, out of the file's size — the reader's position
  in the file, read from ``/proc/self/fdinfo`` (Linux) at each refresh, so the bar moves while a chunk is
  read, not only when it is done; for ``.gz`` files, compressed bytes of the compressed size;
* otherwise (a database table, a system without ``/proc``): records so far and their rate, and a pulsing bar.

The display is a rich ``Progress``, transient (it leaves nothing behind), drawn only when standard error is a
terminal; :class:`~leakguard.cli.console.Terminal` stops it while the report is printed on standard output.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import Console, RenderableType
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.table import Column
from rich.text import Text

from leakguard.report.text import shown

PARQUET_MAGIC = b"PAR1"
#: Whether this system tells a process the offsets of its open files (Linux).
CAN_READ_POSITIONS = os.path.isdir("/proc/self/fdinfo")


def parquet_rows(path: str) -> int | None:
    """The row count in the footer of the Parquet file ``path``; None for anything else."""
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


def read_position(path: str) -> int | None:
    """How far this process has read into ``path``: the largest offset of its open descriptors of that file
    (``/proc/self/fdinfo``, Linux); None where that cannot be known."""
    try:
        target = os.stat(path)
        descriptors = os.listdir("/proc/self/fd")
    except OSError:
        return None
    position = None
    for name in descriptors:
        try:
            info = os.stat(f"/proc/self/fd/{name}")
            if (info.st_dev, info.st_ino) != (target.st_dev, target.st_ino):
                continue
            with open(f"/proc/self/fdinfo/{name}", encoding="ascii") as fdinfo:
                for line in fdinfo:
                    if line.startswith("pos:"):
                        offset = int(line.split()[1])
                        position = offset if position is None else max(position, offset)
                        break
        except (OSError, ValueError):
            continue
    return position


@dataclass
class _Current:
    """The file being worked on."""

    path: str
    task: TaskID
    unit: str  # "records" (Parquet rows known), "bytes" (size known), "" (nothing known)
    total: float | None
    started: float
    records: int = 0


class _Detail(ProgressColumn):
    """``930,000/1,500,000 records · 41,200/s``, ``120.3/267.0 MB · 310,000 records · 24,100/s``: records
    per second, whatever the bar counts."""

    def render(self, task: Task) -> Text:
        records = task.fields.get("records", 0)
        rate = task.fields.get("records_per_second")
        unit = task.fields.get("unit", "")
        parts = []
        if unit == "records" and task.total is not None:
            parts.append(f"{int(task.completed):,}/{int(task.total):,} records")
        elif unit == "bytes" and task.total is not None:
            parts.append(f"{_size(task.completed)}/{_size(task.total)}")
            parts.append(f"{records:,} records")
        else:
            parts.append(f"{records:,} records")
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


def _size(count: float) -> str:
    value = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


class _PollingProgress(Progress):
    """A ``Progress`` that reads the current file's position before each refresh."""

    def __init__(self, display: FileProgress, *args: object, **kwargs: object):
        self._display = display  # before rich's constructor, which renders once
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def get_renderables(self) -> Iterable[RenderableType]:
        self._display.poll()
        yield from super().get_renderables()


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
        self.progress = _PollingProgress(
            self, TextColumn("{task.description}", table_column=Column(no_wrap=True, overflow="ellipsis")),
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

    def start_file(self, path: str, size: int | None = None) -> None:
        """``path`` is being worked on from now (also called by the first progress event of a new path)."""
        if self._current is not None:
            if self._current.path == path:
                return
            self.progress.remove_task(self._current.task)
            self._done_files += 1
        if size is None:
            try:
                size = os.path.getsize(path)
            except OSError:
                size = 0
        rows = parquet_rows(path)
        if rows is not None:
            unit, total = "records", float(rows)
        elif size and CAN_READ_POSITIONS and os.path.isfile(path):
            unit, total = "bytes", float(size)
        else:
            unit, total = "", None
        name = self.names.get(path) or shown(os.path.basename(path) or path, path=True)
        counter = f" ({self._done_files + 1}/{self.files})" if self.files and self.files > 1 else ""
        task = self.progress.add_task(f"{self.action} {name}{counter}", total=total, unit=unit, records=0,
                                      records_per_second=None)
        self._current = _Current(path, task, unit, total, time.monotonic())

    def __call__(self, path: str, records: int, size: int) -> None:
        """A chunk of ``path`` is done: ``records`` so far, ``size`` bytes in the file."""
        self.start_file(path, size)
        current = self._current
        assert current is not None
        current.records = records
        elapsed = time.monotonic() - current.started
        rate = records / elapsed if elapsed > 0.5 else None
        if current.unit == "records":
            self.progress.update(current.task, completed=records, records=records, records_per_second=rate)
        else:
            self.progress.update(current.task, records=records, records_per_second=rate)
            self.poll()

    def poll(self) -> None:
        """Move a bytes bar to the reader's position in the file."""
        current = self._current
        if current is None or current.unit != "bytes":
            return
        position = read_position(current.path)
        if position is not None and current.total is not None:
            self.progress.update(current.task, completed=min(float(position), current.total))
