"""Output files that appear complete or not at all.

A pseudonymised file replaces data that must not leak: a half-written output (a crash, a full disk, Ctrl-C)
would look like a finished one and may hold the rows that were not yet replaced, or nothing useful. So every
output — pseudonymised files, reports written with ``--output``, baselines, key files — is written to a
temporary file in the destination's directory (same file system, so the rename is atomic), flushed to disk
(``fsync``), given its permission bits and owner, and renamed over the destination (``os.replace``, atomic on
POSIX); the directory is then synced so the rename survives a crash. On any failure — an exception, a full
disk, ``KeyboardInterrupt``, SIGTERM turned into an exception by the command line, a failed verification —
the temporary file is removed and the destination is left as it was.

The temporary file is named after its destination and the writing process, ``.out.parquet.leakguard-tmp-
<pid>-<random>``, so that it says what it is. A run killed with SIGKILL cannot remove it; the next write to the
same destination removes those whose process is gone (:func:`remove_stale`).

A destination that is a symbolic link is followed: the file it points to is replaced (its temporary file sits
beside it) and the link is kept. The replaced file's owner and group are kept where the process may set them
(root may; others keep their own uid and may keep a group they belong to); the permission bits come from
``mode_from`` (the input: an output is as confidential as what it was made from).

Sources: POSIX ``rename(2)`` (atomic replacement within one file system), ``fsync(2)``, ``link(2)`` (fails
with ``EEXIST``: a new file that never replaces one).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterator

from leakguard.errors import NO_SPACE, OutputError

#: What marks a temporary file of leakguard, between the destination's name and the writer's pid.
TEMP_MARK = ".leakguard-tmp-"
_TEMP_RE = re.compile(rf"^\.(?P<name>.+){re.escape(TEMP_MARK)}(?P<pid>\d+)-[A-Za-z0-9_]+$")


def temp_prefix(target: str) -> str:
    """The prefix of this process's temporary files for ``target``: ``.NAME.leakguard-tmp-PID-``."""
    return f".{os.path.basename(target)}{TEMP_MARK}{os.getpid()}-"


def is_temporary(name: str) -> bool:
    """Whether the file name ``name`` is one of leakguard's temporary files."""
    return _TEMP_RE.match(name) is not None


def destination(target: str) -> str:
    """The file that writing ``target`` replaces: ``target`` itself, or the file its symbolic links reach."""
    return os.path.realpath(target) if os.path.islink(target) else target


def remove_stale(target: str) -> list[str]:
    """Remove the temporary files of ``target`` left by processes that no longer run; return their paths."""
    directory = os.path.dirname(os.path.abspath(target))
    name = os.path.basename(target)
    removed = []
    try:
        entries = os.listdir(directory)
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_RE.match(entry)
        if match is None or match["name"] != name or _running(int(match["pid"])):
            continue
        path = os.path.join(directory, entry)
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it runs, as someone else
        return True
    return True


@contextlib.contextmanager
def atomic_path(target: str, *, mode_from: str | None = None) -> Iterator[str]:
    """A temporary path to write; on a clean exit it is synced and renamed to ``target``, else removed.

    ``target`` may be a symbolic link: the file it points to is replaced. ``mode_from`` is a file whose
    permission bits the output gets; without it, the replaced file's, else ``0o666`` less the umask. The
    replaced file's owner and group are kept where permitted.
    """
    target = destination(target)
    temporary = _create_temporary(target)
    try:
        yield temporary
    except OSError as error:
        _discard(temporary)
        if error.errno in NO_SPACE and not isinstance(error, OutputError):
            raise OutputError(target, error) from error
        raise
    except BaseException:
        _discard(temporary)
        raise
    try:
        _fsync(temporary)
        _give_attributes(temporary, target, mode_from)
        os.replace(temporary, target)
    except BaseException as error:
        _discard(temporary)
        if isinstance(error, OSError) and not isinstance(error, OutputError):
            raise OutputError(target, error) from error
        raise
    _fsync_directory(os.path.dirname(os.path.abspath(target)))


def write_new_file(target: str, data: bytes, *, mode: int) -> None:
    """Create ``target`` holding ``data`` with permission bits ``mode``: complete or absent, never replacing.

    Raises :class:`FileExistsError` when ``target`` exists (a symbolic link too, even a dangling one).
    """
    temporary = _create_temporary(target)
    try:
        fd = os.open(temporary, os.O_WRONLY)
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, target)  # EEXIST when the file exists: nothing is ever replaced
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: check, then rename (a narrow race)
            if os.path.lexists(target):
                raise FileExistsError(errno.EEXIST, "file exists", target) from None
            os.rename(temporary, target)
    except FileExistsError:
        raise
    except OSError as error:
        raise OutputError(target, error) from error
    finally:
        _discard(temporary)
    _fsync_directory(os.path.dirname(os.path.abspath(target)))


def _create_temporary(target: str) -> str:
    """A new empty temporary file for ``target``, in its directory; stale ones of ``target`` removed first."""
    directory = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(directory):
        raise OutputError(target, FileNotFoundError(errno.ENOENT, "no such directory"))
    remove_stale(target)
    try:
        fd, temporary = tempfile.mkstemp(prefix=temp_prefix(target), suffix="", dir=directory)
    except OSError as error:
        raise OutputError(target, error) from error
    os.close(fd)
    return temporary


def _discard(temporary: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temporary)


def _give_attributes(temporary: str, target: str, mode_from: str | None) -> None:
    """The output's permission bits, and the replaced file's owner and group where permitted."""
    try:
        replaced: os.stat_result | None = os.stat(target)
    except OSError:
        replaced = None
    if replaced is not None:
        _chown(temporary, replaced.st_uid, replaced.st_gid)
    os.chmod(temporary, _mode(mode_from, replaced))


def _chown(path: str, uid: int, gid: int) -> None:
    if not hasattr(os, "chown"):
        return
    mine = os.stat(path)
    if (mine.st_uid, mine.st_gid) == (uid, gid):
        return
    try:
        os.chown(path, uid, gid)
    except PermissionError:  # not root: keep the group if this user belongs to it
        with contextlib.suppress(OSError):
            os.chown(path, -1, gid)


def _mode(mode_from: str | None, replaced: os.stat_result | None) -> int:
    if mode_from is not None:
        with contextlib.suppress(OSError):
            return stat.S_IMODE(os.stat(mode_from).st_mode)
    if replaced is not None:
        return stat.S_IMODE(replaced.st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: str) -> None:
    with contextlib.suppress(OSError):  # not every platform lets a directory be opened
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
