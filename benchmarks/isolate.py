"""Run one measurement in a fresh Python process and read its result (see :mod:`benchmarks.child`).

The child runs from the repository root (``benchmarks`` and ``synthetic`` are not installed packages), with
the same interpreter; its stderr is kept for the report when it fails. A measurement that exceeds its time
limit is killed (its process group) and reported as such; the suite goes on with the others.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run_isolated(task: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
    """The result dict of ``task`` run by ``python -m benchmarks.child`` (``ok`` false on failure)."""
    with tempfile.TemporaryDirectory(prefix="leakguard-bench-") as tmp:
        out = os.path.join(tmp, "result.json")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.child", json.dumps(task), out],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return {"ok": False, "error": f"timed out after {timeout:.0f} s"}
        if not os.path.exists(out):
            tail = "\n".join(stderr.strip().splitlines()[-5:])
            return {"ok": False, "error": f"the measurement process exited with {process.returncode}: {tail}"}
        with open(out, encoding="utf-8") as f:
            return json.load(f)
