"""Fixtures shared by several test modules."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

#: Size of the file system :func:`small_filesystem` mounts.
SMALL_FILESYSTEM = "256k"


@pytest.fixture
def small_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A real, tiny file system (tmpfs of 256 KiB) on a fresh directory, to fill up; unmounted afterwards.

    Mounting needs root (CI runs the tests as root); elsewhere the tests that need a full disk are skipped.
    """
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_FILESYSTEM}", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {done.stderr.strip()[:200]}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(directory: Path, leave: int = 0) -> Path:
    """Fill the file system of ``directory`` with one file until at most ``leave`` bytes are left."""
    ballast = directory / "ballast"
    with open(ballast, "wb") as out, contextlib.suppress(OSError):
        block = b"\0" * 4096
        while os.statvfs(directory).f_bavail * os.statvfs(directory).f_frsize > leave:
            out.write(block)
            out.flush()
    return ballast
