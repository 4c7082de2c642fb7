"""Pieces every command shares: atomic output files and entity lists (the terminal: :mod:`.console`)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import TextIO

import click

from leakguard.findings import ENTITIES


def entity_list(values: tuple[str, ...], option: str) -> list[str]:
    """Entities named in a repeatable, comma-separated option; a usage error (exit 2) for unknown names."""
    names = [name.strip().upper() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in ENTITIES]
    if unknown:
        raise click.BadParameter(f"unknown entity {', '.join(unknown)}; known: {', '.join(ENTITIES)}",
                                 param_hint=option)
    return names


@contextlib.contextmanager
def atomic_output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a file that appears complete or not at all (temporary file, then rename)."""
    if path is None:
        yield sys.stdout
        return
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".leakguard-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
