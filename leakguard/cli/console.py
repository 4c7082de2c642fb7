"""The terminal side of the commands: what goes to standard error, and how it meets the report on standard out.

* :class:`Terminal` — every line a command writes on standard error (errors, warnings, notes, ``-v``
  details) and the progress display (:mod:`leakguard.cli.progress`), at the verbosity asked for:
  ``--quiet`` leaves errors only, ``-v`` adds a line per file and the settings in use. While the progress
  display is live, lines are printed above it by its own console, and it is stopped while the report is
  printed on standard output (:meth:`Terminal.paused`): a report line never lands on a stale progress line.
* :class:`TerminalReporter` — wraps a reporter (:mod:`leakguard.report`): file errors also go to standard
  error, each file's progress starts when the file does, the report prints with the display stopped, and
  paths are shown as the user named them (standard input's spool file as ``-``).
* :func:`verbosity_options` — ``--quiet``/``-q`` and ``--verbose``/``-v``.

Colours follow rich's rules: none when the stream is not a terminal or when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import contextlib
import enum
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from leakguard.cli.progress import FileProgress
from leakguard.report.text import printable, shown


class Verbosity(enum.IntEnum):
    QUIET = -1
    NORMAL = 0
    VERBOSE = 1


def verbosity_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--quiet``/``-q`` and ``--verbose``/``-v`` (the last given wins), given to the command as ``verbosity``
    (a :class:`Verbosity` value)."""
    command = click.option("--verbose", "-v", "verbosity", flag_value=int(Verbosity.VERBOSE),
                           help="Say more on standard error: each file as it is done (clean ones too) and the "
                                "settings in use.")(command)
    return click.option("--quiet", "-q", "verbosity", flag_value=int(Verbosity.QUIET),
                        default=int(Verbosity.NORMAL), show_default=False,
                        help="Print errors only: no progress, notes or warnings, and no table report (the exit "
                             "status says what was found; --format json|jsonl|sarif and --output are still "
                             "written).")(command)


class Terminal:
    """Standard error for one command: messages at a verbosity, and the progress display on a terminal."""

    def __init__(self, verbosity: Verbosity | int = Verbosity.NORMAL):
        self.verbosity = Verbosity(verbosity)
        self.console = Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)
        self._progress: FileProgress | None = None

    # --- messages ----------------------------------------------------------------------------------------

    def error(self, message: str) -> None:
        """``leakguard: error: MESSAGE``, whatever the verbosity (``message`` already fit to print)."""
        self._line(f"leakguard: error: {message}")

    def warning(self, message: str) -> None:
        if self.verbosity > Verbosity.QUIET:
            self._line(f"leakguard: warning: {message}")

    def note(self, message: str) -> None:
        if self.verbosity > Verbosity.QUIET:
            self._line(f"leakguard: note: {message}")

    def info(self, message: str) -> None:
        """A line for ``-v`` only."""
        if self.verbosity >= Verbosity.VERBOSE:
            self._line(f"leakguard: {message}")

    def _line(self, line: str) -> None:
        if self._progress is not None and self._progress.live:
            self.console.print(Text(line))  # above the live display
        else:
            click.echo(line, err=True)

    # --- progress ----------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def progress(self, action: str, *, files: int | None = None,
                 names: dict[str, str] | None = None) -> Iterator[FileProgress | None]:
        """A progress display naming ``action`` while the block runs, when standard error is a terminal and
        not ``--quiet``; None otherwise (the ``on_progress`` callbacks take None)."""
        if self.verbosity <= Verbosity.QUIET or not self.console.is_terminal or self.console.is_dumb_terminal:
            yield None
            return
        display = FileProgress(self.console, action, files=files, names=names)
        self._progress = display
        display.start()
        try:
            yield display
        finally:
            display.stop()
            self._progress = None

    def start_file(self, path: str) -> None:
        if self._progress is not None:
            self._progress.start_file(path)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The progress display stopped (its line erased) while the block prints on standard output."""
        display = self._progress
        if display is None or not display.live or not _is_terminal(sys.stdout):
            yield
            return
        display.stop()
        try:
            yield
        finally:
            display.start()


class TerminalReporter:
    """A reporter seen through the terminal: errors on standard error, progress, paused printing, names.

    ``names`` maps the path a file was read from to the path the user gave (standard input's spool file ->
    ``-``); every event, message and progress line uses the latter.
    """

    def __init__(self, inner: Any, terminal: Terminal, *, show_values: bool = False,
                 names: dict[str, str] | None = None):
        self._inner = inner
        self._terminal = terminal
        self._show_values = show_values
        self._names = names or {}
        self._findings: dict[str, int] = {}

    def _name(self, path: str) -> str:
        return self._names.get(path, path)

    def _text(self, message: str) -> str:
        for real, given in self._names.items():
            message = message.replace(real, given)
        return message

    def file_started(self, path: str) -> None:
        self._terminal.start_file(path)
        self._inner.file_started(self._name(path))

    def findings(self, path: str, findings: Any) -> None:
        self._findings[path] = self._findings.get(path, 0) + findings.num_rows
        self._inner.findings(self._name(path), findings)

    def problem(self, path: str, message: str, row: int | None = None, fatal: bool = False) -> None:
        name, message = self._name(path), self._text(message)
        # the readers' messages already say where in the file ("line 12: invalid JSON")
        line = f"{shown(name, path=True, show_values=self._show_values)}: {printable(message)}"
        if fatal:
            self._terminal.error(line)
        else:
            self._terminal.warning(line)
        self._inner.problem(name, message, row, fatal=fatal)  # reporters print at file_done and close only

    def file_done(self, path: str, stats: Any) -> None:
        name = self._name(path)
        found = self._findings.get(path, 0)
        size = f"{stats.bytes:,} bytes, " if stats.bytes else ""  # a database table has no size of its own
        self._terminal.info(f"scanned {shown(name, path=True, show_values=self._show_values)}: "
                            f"{stats.records:,} records, {size}"
                            + (f"{found:,} findings" if found else "nothing found") + f", {stats.seconds:.1f} s")
        with self._terminal.paused():
            self._inner.file_done(name, stats)

    def close(self) -> None:
        with self._terminal.paused():
            self._inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
