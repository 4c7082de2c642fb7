"""Pieces every command shares: atomic output files, entity lists, stderr errors, progress."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TextIO

import click

from leakguard.errors import STANDARD_OUTPUT, OutputError
from leakguard.findings import ENTITIES
from leakguard.pseudonymise.atomic import atomic_path
from leakguard.report.text import printable, shown


def entity_list(values: tuple[str, ...], option: str) -> list[str]:
    """Entities named in a repeatable, comma-separated option; a usage error (exit 2) for unknown names."""
    names = [name.strip().upper() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in ENTITIES]
    if unknown:
        raise click.BadParameter(f"unknown entity {', '.join(unknown)}; known: {', '.join(ENTITIES)}",
                                 param_hint=option)
    return names


class _Output:
    """A text stream whose write failures are :class:`~leakguard.errors.OutputError` naming the output."""

    def __init__(self, stream: TextIO, name: str):
        self._stream = stream
        self._name = name

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            raise OutputError(self._name, error) from error

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise OutputError(self._name, error) from error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def atomic_output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a file that appears complete or not at all (:func:`~leakguard.pseudonymise.atomic.
    atomic_path`); a write that fails raises :class:`~leakguard.errors.OutputError`, which ends the run."""
    if path is None:
        yield _Output(sys.stdout, STANDARD_OUTPUT)  # type: ignore[misc]
        return
    with atomic_path(path) as temporary, open(temporary, "w", encoding="utf-8", newline="\n") as out:
        yield _Output(out, path)  # type: ignore[misc]


class _StderrErrors:
    """Wraps a reporter: every file error is also one line on standard error."""

    def __init__(self, inner: Any, show_values: bool = False):
        self._inner = inner
        self._show_values = show_values

    def problem(self, path: str, message: str, row: int | None = None, fatal: bool = False) -> None:
        # readers' messages already say where in the file ("line 12: invalid JSON")
        name = shown(path, path=True, show_values=self._show_values)
        click.echo(f"leakguard: {'error' if fatal else 'warning'}: {name}: {printable(message)}", err=True)
        self._inner.problem(path, message, row, fatal=fatal)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def report_errors_on_stderr(reporter: Any, show_values: bool = False) -> Any:
    return _StderrErrors(reporter, show_values)


@contextlib.contextmanager
def progress_reporter() -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress display on standard error when it is a terminal; nothing on pipes and files."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[records]:,} records"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("scanning", total=None, records=0)
        current = {"path": None, "base": 0, "records": 0}

        def update(path: str, records: int, size: int) -> None:
            if path != current["path"]:
                current["base"] += current["records"]
                current["path"] = path
            current["records"] = records
            progress.update(task, description=f"scanning {shown(os.path.basename(path), path=True)}",
                            records=current["base"] + records)

        yield update
