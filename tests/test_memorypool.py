"""Arrow's memory pool: jemalloc in the ``leakguard`` command and in workers, the caller's own in library use.

Each check runs in a fresh interpreter: the default pool belongs to the process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leakguard.memorypool import CHOSEN_POOL_VARIABLE

try:
    pa.jemalloc_memory_pool()
    HAS_JEMALLOC = True
except NotImplementedError:
    HAS_JEMALLOC = False
needs_jemalloc = pytest.mark.skipif(not HAS_JEMALLOC, reason="this pyarrow is built without jemalloc")

ROOT = Path(__file__).resolve().parent.parent
#: Prints the name of the default pool on exit, whatever ran before (a command exits through SystemExit).
REPORT_POOL = ("import atexit, sys, pyarrow as pa\n"
               "atexit.register(lambda: print('pool', pa.default_memory_pool().backend_name, file=sys.stderr))\n")


def _pool_after(code: str, *, chosen: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != CHOSEN_POOL_VARIABLE}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    if chosen is not None:
        env[CHOSEN_POOL_VARIABLE] = chosen
    done = subprocess.run([sys.executable, "-c", REPORT_POOL + code], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300, check=False)
    lines = [line for line in done.stderr.splitlines() if line.startswith("pool ")]
    assert lines, done.stderr
    return lines[-1].removeprefix("pool ")


def _parquet(tmp_path: Path) -> Path:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"email": ["jean.dupont@free.fr", "rien"]}), path)
    return path


def test_a_library_scan_keeps_the_callers_pool(tmp_path):
    default = _pool_after("")
    scanned = _pool_after(f"import leakguard\nlist(leakguard.scan.scan_path({str(_parquet(tmp_path))!r}))\n"
                          "leakguard.scan_table(pa.table({'nir': ['1 85 05 78 006 084 91']}), ner=False)\n")
    assert scanned == default


@needs_jemalloc
def test_the_command_scans_with_the_jemalloc_pool(tmp_path):
    code = f"sys.argv = ['leakguard', 'scan', '--no-ner', {str(_parquet(tmp_path))!r}]\n" \
           "from leakguard.__main__ import main\nmain()\n"
    assert _pool_after(code) == "jemalloc"


@needs_jemalloc
def test_use_returning_pool_makes_jemalloc_the_default():
    assert _pool_after("from leakguard.memorypool import use_returning_pool\nassert use_returning_pool() == "
                       "'jemalloc'\n") == "jemalloc"


@pytest.mark.parametrize("chosen", ["system", "mimalloc"])
def test_a_pool_the_user_chose_is_kept(chosen):
    try:
        getattr(pa, f"{chosen}_memory_pool")()
    except NotImplementedError:
        pytest.skip(f"this pyarrow is built without {chosen}")
    assert _pool_after(f"from leakguard.memorypool import use_returning_pool\nassert use_returning_pool() == "
                       f"{chosen!r}\n", chosen=chosen) == chosen


def worker_pool_name() -> str:
    """The default pool of the process running it (submitted to a worker)."""
    return pa.default_memory_pool().backend_name


@needs_jemalloc
def test_workers_use_the_jemalloc_pool():
    from leakguard.detect.engine import DetectOptions
    from leakguard.parallel import ParallelDetector

    with ParallelDetector(DetectOptions(ner=False), 2) as parallel:
        assert parallel.submit(worker_pool_name).result(timeout=300) == "jemalloc"
