"""Inputs that hung or crashed a run: named pipes and sockets, a CSV record longer than pyarrow can read.

The CLI runs in a subprocess with a timeout, so that a regression fails the test instead of hanging the
suite (opening a named pipe for reading waits for a writer, for ever).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from leakguard.sources import SourceError, iter_files, open_source
from tests.test_records_kept import KEY_HEX, generated_nirs

ROOT = Path(__file__).resolve().parent.parent
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")


def leakguard(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEAKGUARD_KEY": KEY_HEX}
    return subprocess.run([sys.executable, "-m", "leakguard", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=timeout)


@pytest.fixture
def folder_with_a_pipe_and_a_socket(tmp_path: Path) -> Path:
    (nir,) = generated_nirs(1, seed=8)
    (tmp_path / "export.csv").write_text(f"id;nir\n1;{nir}\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")
    with contextlib.closing(socket.socket(socket.AF_UNIX)) as server:
        server.bind(str(tmp_path / "sock"))
    return tmp_path


@needs_fifo
def test_a_walk_gives_pipes_and_sockets_as_errors_without_opening_them(folder_with_a_pipe_and_a_socket):
    folder = folder_with_a_pipe_and_a_socket
    entries = list(iter_files([folder]))
    assert [str(e) for e in entries if isinstance(e, SourceError)] == [
        f"{folder / 'pipe'}: not a regular file (a named pipe); not read",
        f"{folder / 'sock'}: not a regular file (a socket); not read",
    ]
    assert [e for e in entries if not isinstance(e, SourceError)] == [str(folder / "export.csv")]


@needs_fifo
def test_scanning_a_folder_with_a_pipe_does_not_wait_and_scans_the_rest(folder_with_a_pipe_and_a_socket):
    done = leakguard("scan", "--no-ner", "--format", "jsonl", str(folder_with_a_pipe_and_a_socket), timeout=120)
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 2
    assert [r["row"] for r in records if r["type"] == "finding"] == [0]
    folder = folder_with_a_pipe_and_a_socket
    assert done.stderr.splitlines() == [
        f"leakguard: error: {folder / 'pipe'}: not a regular file (a named pipe); not read",
        f"leakguard: error: {folder / 'sock'}: not a regular file (a socket); not read"]


@needs_fifo
@pytest.mark.parametrize("command", [["scan", "--no-ner"], ["pseudonymise", "--no-ner"]])
def test_a_pipe_given_by_name_is_refused_in_one_line(tmp_path, command):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    extra = [str(tmp_path / "out.csv")] if command[0] == "pseudonymise" else []
    done = leakguard(*command, str(pipe), *extra, timeout=120)
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert done.returncode == 2
    assert errors == [f"leakguard: error: {pipe}: not a regular file (a named pipe); not read"]
    assert not (tmp_path / "out.csv").exists()
    with pytest.raises(SourceError, match="named pipe"):
        open_source(pipe)


def test_a_csv_record_over_the_block_never_aborts_the_interpreter(tmp_path):
    """pyarrow stops at a record of about two 4 MiB blocks; its read-ahead thread must be stopped before
    the interpreter exits, on every run (it once aborted one run in five: "terminate called...")."""
    nirs = generated_nirs(2, seed=9)
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("id;nir;commentaire\n" + "".join(f"{i};{nirs[0]};ok\n" for i in range(1000)))
        out.write(f'1000;{nirs[1]};"' + "x" * (10 * 1024 * 1024) + '"\n')
        out.write("".join(f"{i};{nirs[0]};ok\n" for i in range(1001, 200_000)))
    runs = [leakguard("scan", "--no-ner", str(path)) for _ in range(5)]
    runs += [leakguard("pseudonymise", "--no-ner", str(path), str(tmp_path / "out.csv")) for _ in range(5)]
    assert [run.returncode for run in runs] == [2] * 10
    assert not any("terminate" in run.stderr or "Traceback" in run.stderr for run in runs)
    assert all("a CSV record is longer than" in run.stderr for run in runs)
    assert not (tmp_path / "out.csv").exists()
