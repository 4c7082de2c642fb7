"""``-`` among the paths of ``leakguard scan``: standard input (``cat app.log | leakguard scan -``).

Standard input is copied once into a private temporary file (a directory of mode 0700, deleted when the
command ends, also after an error or Ctrl-C): the format is decided from the content like any file's
(:mod:`leakguard.sources.sniff`: Parquet, gzip, CSV, JSON lines or text), which needs to read the start
twice, and Parquet needs to seek. Reports name it ``-``, as it was given; ``./-`` is a file named ``-``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence

import click

from leakguard.cli.errors import fail

#: The path that means standard input.
STDIN = "-"


@contextlib.contextmanager
def stdin_as_file(paths: Sequence[str]) -> Iterator[tuple[list[str], dict[str, str]]]:
    """``paths`` with ``-`` replaced by a file holding standard input, and ``{that file: "-"}``."""
    if STDIN not in paths:
        yield list(paths), {}
        return
    if list(paths).count(STDIN) > 1:
        raise click.UsageError("standard input (-) can be read only once")
    if sys.stdin.isatty():
        click.echo("leakguard: reading standard input until its end (Ctrl-D)", err=True)
    with tempfile.TemporaryDirectory(prefix="leakguard-stdin-") as directory:
        spool = os.path.join(directory, "stdin")
        descriptor = os.open(spool, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
            if out.tell() == 0:  # an empty file is clean, but an empty pipe is likely a command that failed
                fail("-: empty file", note="nothing on standard input")
        yield [spool if path == STDIN else path for path in paths], {spool: STDIN}
