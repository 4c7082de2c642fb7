"""Worker processes need the main script's ``if __name__ == "__main__":`` guard: the README's streaming example
runs as a plain script, and the same script without the guard stops with an error that says so."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from leakguard.pseudonymise.keys import format_key, generate_key
from leakguard.workers import _guarded_lines
from synthetic.tables import beneficiary_table

ROOT = Path(__file__).resolve().parent.parent


def readme_script() -> str:
    """The README's streaming example: the Python block that calls ``pseudonymise_batches`` with ``jobs=2``."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    [script] = [block for block in blocks if "jobs=2" in block and "__main__" in block]
    return script


def run_script(directory: Path, source: str) -> subprocess.CompletedProcess[str]:
    (directory / "pseudonymise_dump.py").write_text(source, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "pseudonymise_dump.py"], cwd=directory, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    table, _ = beneficiary_table(3_000, seed=21)
    pq.write_table(table, tmp_path / "dump.parquet", row_group_size=1_000)
    (tmp_path / "lg.key").write_text(format_key(generate_key()) + "\n")
    return tmp_path


def test_the_readme_streaming_example_runs_as_a_plain_script(dump):
    result = run_script(dump, readme_script())
    assert result.returncode == 0, result.stderr
    before, after = pq.read_table(dump / "dump.parquet"), pq.read_table(dump / "dump.pseudo.parquet")
    assert after.schema == before.schema and after.num_rows == before.num_rows
    assert all(token.startswith("NIR_") for token in after["nir"].to_pylist())


def test_without_the_guard_the_error_says_so_before_any_worker_starts(dump):
    unguarded = readme_script().replace('if __name__ == "__main__":', "if True:")
    result = run_script(dump, unguarded)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("leakguard.workers.MainGuardMissing: pseudonymisation with jobs=2")
    assert 'if __name__ == "__main__":' in last and "pseudonymise_dump.py" in last
    assert "ConnectionResetError" not in result.stderr and "bootstrapping" not in result.stderr


def test_scanning_on_several_cores_checks_the_guard_too(tmp_path):
    result = run_script(tmp_path, "from leakguard.parallel import ParallelDetector\n"
                                  "from leakguard.detect.engine import DetectOptions\n"
                                  "ParallelDetector(DetectOptions(ner=False), 2)\n")
    assert result.returncode == 1 and "MainGuardMissing: scanning with jobs=2" in result.stderr


@pytest.mark.parametrize(("source", "guarded"), [
    ('if __name__ == "__main__":\n    main()\n', {2}),
    ("if '__main__' == __name__:\n    main(\n        1)\n", {2, 3}),
    ("main()\n", set()),
    ('if __name__ != "__main__":\n    main()\n', set()),
    ('def f():\n    pass\nif __name__ == "__main__":\n    f()\n    g()\n', {4, 5}),
])
def test_lines_under_the_guard_are_found(tmp_path, source, guarded):
    path = tmp_path / "script.py"
    path.write_text(source)
    assert _guarded_lines(str(path)) == guarded
