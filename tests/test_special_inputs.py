"""Inputs that crashed a run: a CSV record longer than pyarrow can read.

The CLI runs in a subprocess with a timeout, so that a regression fails the test instead of hanging the
suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.test_records_kept import KEY_HEX, generated_nirs

ROOT = Path(__file__).resolve().parent.parent


def leakguard(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEAKGUARD_KEY": KEY_HEX}
    return subprocess.run([sys.executable, "-m", "leakguard", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=timeout)


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
