"""Pieces every command shares: atomic output files and entity lists (the terminal: :mod:`.console`)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO

import click

from leakguard.errors import STANDARD_OUTPUT, OutputError
from leakguard.findings import ENTITIES
from leakguard.pseudonymise.atomic import atomic_path


def entity_list(values: tuple[str, ...], option: str) -> list[str]:
    """Entities named in a repeatable, comma-separated option; a usage error (exit 2) for unknown names."""
    names = [name.strip().upper() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in ENTITIES]
    if unknown:
        raise click.BadParameter(f"unknown entity {', '.join(unknown)}; known: {', '.join(ENTITIES)}",
                                 param_hint=option)
    return names


class _Output:
    """A text stream (or the binary one under it) whose write failures are
    :class:`~leakguard.errors.OutputError` naming the output."""

    def __init__(self, stream: TextIO, name: str):
        self._stream = stream
        self._name = name

    def write(self, text: str | bytes) -> int:
        try:
            return self._stream.write(text)  # type: ignore[arg-type]
        except OSError as error:
            raise OutputError(self._name, error) from error

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise OutputError(self._name, error) from error

    @property
    def buffer(self) -> _Output | None:
        """The binary stream under the text one, its write failures named alike."""
        raw = getattr(self._stream, "buffer", None)
        return None if raw is None else _Output(raw, self._name)

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
