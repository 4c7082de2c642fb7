"""How every command ends when something stops it: one line on standard error, a fixed exit status.

* an output that cannot be written (a full disk, a missing directory, a read-only file system): ``leakguard:
  error: cannot write OUT: no space left on device (/mount/point)``, status 2;
* a reader that leaves the pipe (``leakguard scan … | head -1``): nothing more is written and the run ends
  quietly with status 0, as ripgrep and ruff do (the pipeline's status is the reader's; write the report with
  ``--output FILE`` when the scan's own status matters);
* Ctrl-C: ``interrupted``, status 130 (128 + SIGINT); SIGTERM: ``terminated``, status 143 (128 + SIGTERM).
  SIGTERM is turned into an exception in the main thread (:func:`terminate_raises`) so that temporary files
  are removed on the way out, as after Ctrl-C;
* any other operating-system error: its reason and the file it names, status 2;
* anything else is a bug or an unexpected fault: ``internal error (TYPE)``, status 2. Its text may quote data,
  so only its type is named; ``--debug`` prints the traceback too, and the status stays 2.

Commands put a note after the line with :func:`set_note` (``pseudonymise``: "nothing was written").
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import click

from leakguard.errors import OutputError

EXIT_ERROR = 2
#: 128 + the signal number, as a shell reports a process killed by it.
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM

_DEBUG = "leakguard.debug"
_NOTE = "leakguard.note"


class Terminated(BaseException):
    """SIGTERM, raised in the main thread (a ``BaseException``, like ``KeyboardInterrupt``)."""


@contextlib.contextmanager
def terminate_raises() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread instead of killing the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _remember_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta[_DEBUG] = value
    return value


def debug_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--debug``: tracebacks of unexpected errors as well as the one line (the exit status is the same)."""
    return click.option("--debug", is_flag=True, callback=_remember_debug,
                        help="Show tracebacks of unexpected errors (the exit status does not change).")(command)


def set_note(note: str) -> None:
    """A note added to the line of any error that stops the current command (``nothing was written``)."""
    click.get_current_context().meta[_NOTE] = note


def fail(message: str, status: int = EXIT_ERROR, note: str = "") -> NoReturn:
    """One ``leakguard: error: …`` line on standard error, then exit with ``status``."""
    click.echo(f"leakguard: error: {message}" + (f"; {note}" if note else ""), err=True)
    sys.exit(status)


@contextlib.contextmanager
def guard(ctx: click.Context) -> Iterator[None]:
    """The way out of every command (see the module docstring); click's own exits pass through."""
    try:
        yield
    except (click.exceptions.Exit, click.ClickException, click.Abort):
        raise
    except OutputError as error:
        if error.reader_left:
            _reader_left()
        _stop(ctx, str(error), EXIT_ERROR, error)
    except BrokenPipeError:
        _reader_left()
    except KeyboardInterrupt:
        _stop(ctx, "interrupted", EXIT_INTERRUPTED)
    except Terminated:
        _stop(ctx, "terminated", EXIT_TERMINATED)
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        where = f"{error.filename}: " if error.filename else ""
        _stop(ctx, f"{where}{reason}", EXIT_ERROR, error)
    except Exception as error:  # a bug or an unexpected fault: its text may quote data, name its type only
        hint = "" if ctx.meta.get(_DEBUG) else "; rerun with --debug for details"
        _stop(ctx, f"internal error ({type(error).__name__}){hint}", EXIT_ERROR, error)


def _stop(ctx: click.Context, message: str, status: int, error: BaseException | None = None) -> NoReturn:
    if error is not None and ctx.meta.get(_DEBUG):
        traceback.print_exception(error, file=sys.stderr)
    fail(message, status, ctx.meta.get(_NOTE, ""))


def _reader_left() -> NoReturn:
    """End quietly: the reader of standard output has gone; nothing more can be said there."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush then goes nowhere, silently
    sys.exit(0)
