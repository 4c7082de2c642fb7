"""What a command does before its work: the modules it imports, and a scan's worker server started first
(only for a scan that will use it)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leakguard import cli as command_line
from leakguard import workerserver
from leakguard.workerserver import MIN_PARALLEL_BYTES, scan_will_fork

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A directory ``lake`` of two small files, a small file ``one.csv``, a file ``big.csv`` of
    :data:`MIN_PARALLEL_BYTES` (sparse: no disk used) and ``report.sarif``; the working directory."""
    (tmp_path / "lake").mkdir()
    for name in ("lake/a.csv", "lake/b.csv", "one.csv", "report.sarif"):
        (tmp_path / name).write_text("nom,email\n", encoding="utf-8")
    with open(tmp_path / "big.csv", "wb") as big:
        big.truncate(MIN_PARALLEL_BYTES)
    return tmp_path


@pytest.mark.parametrize(("args", "forks"), [
    (["scan", "lake"], True),
    (["scan", "lake", "--jobs", "2"], True),
    (["scan", "--jobs=3", "lake"], True),
    (["scan", "-j2", "lake"], True),
    (["scan", "-j", "2", "lake", "--format", "sarif"], True),
    (["scan", "one.csv", "lake/a.csv"], True),  # two files
    (["scan", "big.csv"], True),  # chunks of a large file go to the workers
    (["scan", "one.csv"], False),  # one small file is scanned in the command's process
    (["scan", "one.csv", "--format", "sarif", "-o", "missing.sarif"], False),
    (["scan", "-"], False),  # standard input
    (["scan", "postgresql://reader@127.0.0.1:5432/crm"], False),  # tables are read in the command's process
    (["scan", "lake", "--jobs", "1"], False),
    (["scan", "lake", "-j1"], False),
    (["scan", "lake", "--jobs=1"], False),
    (["scan", "lake", "-j", "2", "-j", "1"], False),  # the last one counts, as for click
    (["scan", "lake", "--jobs", "many"], False),  # a usage error, which click reports
    (["scan", "lake", "--jobs"], False),
    (["scan", "lake", "--help"], False),
    (["scan", "-h"], False),
    (["pseudonymise", "lake"], False),
    (["baseline", "lake"], False),
    (["--version"], False),
    ([], False),
])
def test_which_command_lines_start_the_server_first(inputs, monkeypatch, args, forks):
    monkeypatch.chdir(inputs)
    monkeypatch.setattr(workerserver, "default_jobs", lambda: 2)
    assert scan_will_fork(args) is forks


def test_one_core_starts_no_server(inputs, monkeypatch):
    monkeypatch.chdir(inputs)
    monkeypatch.setattr(workerserver, "default_jobs", lambda: 1)
    assert not scan_will_fork(["scan", "lake"])
    assert scan_will_fork(["scan", "lake", "--jobs", "2"])  # asked for


def test_an_option_value_naming_a_file_is_taken_for_a_path(inputs, monkeypatch):
    """A glance, not a parse: the worst it does is start a server the scan will not use."""
    monkeypatch.chdir(inputs)
    assert scan_will_fork(["scan", "one.csv", "-o", "report.sarif", "-j", "2"])


def test_the_server_runs_before_the_command_imports_the_detector(inputs):
    """The server is a process of its own, which imports the detector while this one imports the rest."""
    probe = ("import multiprocessing.forkserver as forkserver, sys\n"
             "from leakguard.workerserver import start_for_command_line\n"
             "started = start_for_command_line(['scan', 'lake', '--jobs', '2'])\n"
             "server = forkserver._forkserver._forkserver_pid\n"  # the stdlib's own record of its server
             "print(started, server is not None, 'leakguard.detect.engine' in sys.modules)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", probe], cwd=inputs, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_python_m_leakguard_scans_a_directory_alike_with_any_jobs(small_lake, run_cli, jobs):
    """``python -m leakguard`` (its server started first with 2 jobs, whole files in workers: SARIF) reports
    what the command run in this process with one job reports."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    command = ["scan", str(small_lake), "--no-ner", "--no-config", "--format", "sarif"]
    result = subprocess.run([sys.executable, "-m", "leakguard", *command, "--jobs", jobs], env=env,
                            capture_output=True, text=True, timeout=300)
    in_process = run_cli(*command, "--jobs", "1")
    assert result.returncode == in_process.exit_code == 1, result.stderr
    assert _results(result.stdout) == _results(in_process.output)


def _results(sarif: str) -> tuple[list[object], dict[str, object]]:
    """A SARIF report's results and summary, without the time it took."""
    run = json.loads(sarif)["runs"][0]
    summary = {key: value for key, value in run["properties"]["summary"].items() if key != "seconds"}
    return run["results"], summary


def test_every_command_is_where_the_map_of_commands_says():
    for module in set(command_line.COMMANDS.values()):
        importlib.import_module(module)
    assert set(command_line.cli.commands) == set(command_line.COMMANDS)


def test_a_scan_without_ner_imports_neither_the_model_nor_the_pseudonymisation(small_lake):
    """``leakguard scan --no-ner`` imports no NER library (spaCy, Presidio) and no other command's modules."""
    probe = ("import sys\n"
             "from leakguard.__main__ import main\n"
             f"sys.argv = ['leakguard', 'scan', {str(small_lake)!r}, '--no-ner', '--no-config', '--jobs', '1',"
             " '--format', 'sarif', '-o', 'report.sarif']\n"
             "try:\n"
             "    main()\n"
             "except SystemExit as end:\n"
             "    print(end.code, *sorted(sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", probe], cwd=small_lake.parent, env=env, capture_output=True,
                            text=True, timeout=300)
    code, *modules = result.stdout.split()
    assert code == "1", result.stderr  # findings
    assert "leakguard.detect.engine" in modules  # the probe sees the scan's own modules
    unwanted = ("spacy", "presidio_analyzer", "thinc", "leakguard.cli.pseudonymise",
                "leakguard.pseudonymise.files", "leakguard.databases")
    assert [module for module in modules if module.split(".")[0] in unwanted or module in unwanted] == []
