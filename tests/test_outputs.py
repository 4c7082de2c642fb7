"""Outputs under stress: in place through a symbolic link, another user's file, a full disk, signals, pipes.

What is promised: an output (pseudonymised file, report, baseline, key file) appears complete or not at all;
``--in-place`` rewrites the file the user means and keeps its owner, group and mode; every failure is one
line on standard error with a fixed status (2; 130 after Ctrl-C; 143 after SIGTERM), also with ``--debug``;
a reader that leaves the pipe ends the run quietly. Full disks are real (a tiny tmpfs, see ``conftest``);
signals are sent to real processes. Data is generated (``tests.strategies``, ``synthetic``).
"""

from __future__ import annotations

import os
import pwd
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leakguard import pseudonymise_file
from leakguard.cli import cli
from leakguard.pseudonymise import atomic, keys
from leakguard.pseudonymise.operators import TokenOperator
from recognizers import nir
from tests.conftest import fill
from tests.strategies import random_nir

KEY = keys.generate_key()
ROOT = os.geteuid() == 0


def generated_nirs(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [random_nir(rng) for _ in range(count)]


def write_log(path: Path, lines: int, seed: int = 1) -> list[str]:
    values = generated_nirs(lines, seed)
    with open(path, "w", encoding="utf-8") as out:
        for i, value in enumerate(values):
            out.write(f"2025-03-01T10:{i // 60 % 60:02d}:{i % 60:02d}Z INFO appel nir={value} ok\n")
    return values


@pytest.fixture
def work(tmp_path: Path) -> dict[str, Path]:
    log = tmp_path / "app.log"
    write_log(log, 40)
    key_file = tmp_path / "lg.key"
    key_file.write_text(keys.format_key(KEY) + "\n")
    return {"log": log, "key": key_file, "dir": tmp_path}


def run(*args: str, cwd: Path | None = None) -> Result:
    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner(env={"LEAKGUARD_KEY": None, "LEAKGUARD_BASELINE_KEY": None}).invoke(
            cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


def one_error_line(result: Result, *words: str) -> None:
    """Standard error holds one line beside the policy ``pseudonymise`` prints first."""
    lines = [line for line in result.stderr.splitlines() if not line.startswith(("leakguard: policy", "  "))]
    assert len(lines) == 1 and lines[0].startswith("leakguard: error: "), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def temporaries(directory: Path) -> list[str]:
    return [name for name in os.listdir(directory) if atomic.is_temporary(name)]


# --- in place ---------------------------------------------------------------------------------------------


def test_in_place_on_a_symbolic_link_rewrites_the_file_it_points_to_and_keeps_the_link(work):
    data = work["dir"] / "data"
    data.mkdir()
    target = data / "real.log"
    target.write_bytes(work["log"].read_bytes())
    link = work["dir"] / "link.log"
    link.symlink_to(target)
    raw = [line.split("nir=")[1].split()[0] for line in target.read_text().splitlines()]
    result = run("pseudonymise", str(link), "--in-place", "--key-file", str(work["key"]), "--no-ner")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    text = target.read_text()
    assert not any(value in text for value in raw)
    assert TokenOperator("FR_NIR", KEY).apply_one(raw[0]) in text
    assert f"-> {target}" in result.stderr
    assert temporaries(data) == [] and temporaries(work["dir"]) == []


@pytest.mark.skipif(not ROOT, reason="giving a file to another user needs root")
def test_in_place_keeps_the_owner_group_and_mode_of_another_users_file(work):
    nobody = pwd.getpwnam("nobody")
    os.chown(work["log"], nobody.pw_uid, nobody.pw_gid)
    os.chmod(work["log"], 0o640)
    result = run("pseudonymise", str(work["log"]), "--in-place", "--key-file", str(work["key"]), "--no-ner")
    assert result.exit_code == 0, result.stderr
    after = os.stat(work["log"])
    assert (after.st_uid, after.st_gid, after.st_mode & 0o7777) == (nobody.pw_uid, nobody.pw_gid, 0o640)
    assert b"NIR_" in work["log"].read_bytes()


# --- a full disk ------------------------------------------------------------------------------------------


def test_pseudonymise_on_a_full_disk_says_so_and_leaves_nothing(work, small_filesystem):
    fill(small_filesystem)
    out = small_filesystem / "out.log"
    result = run("pseudonymise", str(work["log"]), str(out), "--key-file", str(work["key"]), "--no-ner")
    assert result.exit_code == 2
    one_error_line(result, f"cannot write {out}: no space left on device ({small_filesystem})",
                   "nothing was written")
    assert sorted(os.listdir(small_filesystem)) == ["ballast"]


def test_a_full_disk_of_temporary_files_is_one_line_naming_it(work, small_filesystem, monkeypatch):
    """The json report sets its findings' text aside in a temporary file: a full disk there is said, with
    the directory and how to choose another, and no report is left half-written."""
    import tempfile

    fill(small_filesystem)
    monkeypatch.setattr(tempfile, "tempdir", str(small_filesystem))  # what TMPDIR sets
    report = work["dir"] / "report.json"
    result = run("scan", str(work["log"]), "--format", "json", "--output", str(report), "--no-ner")
    assert result.exit_code == 2
    one_error_line(result, f"cannot write {small_filesystem}: no space left on device", "TMPDIR")
    assert not report.exists() and temporaries(work["dir"]) == []


@pytest.mark.parametrize("form", ["json", "jsonl"])  # jsonl writes its findings' bytes under the text layer
def test_scan_output_on_a_full_disk_is_one_line_and_exit_2(work, small_filesystem, form):
    fill(small_filesystem)
    report = small_filesystem / f"report.{form}"
    result = run("scan", str(work["log"]), "--format", form, "--output", str(report), "--no-ner")
    assert result.exit_code == 2
    one_error_line(result, f"cannot write {report}: no space left on device")
    assert sorted(os.listdir(small_filesystem)) == ["ballast"]


def test_keygen_on_a_full_disk_leaves_no_key_file_and_a_later_run_succeeds(small_filesystem):
    ballast = fill(small_filesystem)
    key_file = small_filesystem / "lg.key"
    result = run("keygen", "-o", str(key_file))
    assert result.exit_code == 2
    one_error_line(result, f"cannot write {key_file}: no space left on device")
    assert not key_file.exists() and sorted(os.listdir(small_filesystem)) == ["ballast"]
    ballast.unlink()
    again = run("keygen", "-o", str(key_file))
    assert again.exit_code == 0, again.stderr
    assert len(keys.read_key_file(str(key_file))) == 32


def test_baseline_on_a_full_disk_leaves_no_key_file_and_a_later_run_succeeds(small_filesystem):
    (small_filesystem / ".leakguard.toml").write_text("ner = false\n")
    write_log(small_filesystem / "a.log", 3)
    ballast = fill(small_filesystem)
    result = run("baseline", "a.log", cwd=small_filesystem)
    assert result.exit_code == 2
    one_error_line(result, "no space left on device")
    assert sorted(os.listdir(small_filesystem)) == [".leakguard.toml", "a.log", "ballast"]
    ballast.unlink()
    again = run("baseline", "a.log", cwd=small_filesystem)
    assert again.exit_code == 0, again.stderr
    assert (small_filesystem / ".leakguard.key").exists() and (small_filesystem / ".leakguard-baseline.json").exists()


# --- missing directories, --debug -------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("command", ["scan", "pseudonymise", "keygen", "baseline"])
def test_an_output_in_a_missing_directory_is_one_line_and_exit_2_with_or_without_debug(work, command, debug):
    nowhere = work["dir"] / "nowhere" / "out.txt"
    args = {
        "scan": ["scan", str(work["log"]), "--no-ner", "-o", str(nowhere)],
        "pseudonymise": ["pseudonymise", str(work["log"]), str(nowhere), "--key-file", str(work["key"]),
                         "--no-ner"],
        "keygen": ["keygen", "-o", str(nowhere)],
        "baseline": ["baseline", str(work["log"]), "--no-ner", "--no-config", "--baseline", str(nowhere)],
    }[command]
    if debug and command in ("scan", "pseudonymise"):
        args.append("--debug")
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr or debug
    assert result.stderr.splitlines()[-1].startswith("leakguard: error: ")
    assert "nowhere" in result.stderr.splitlines()[-1]
    if not debug:
        one_error_line(result)
    assert not nowhere.parent.exists()


def test_an_internal_error_under_debug_prints_the_traceback_and_keeps_exit_2(work, monkeypatch):
    from leakguard.pseudonymise import writers

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(writers, "write_text", broken)
    out = work["dir"] / "out.log"
    plain = run("pseudonymise", str(work["log"]), str(out), "--key-file", str(work["key"]), "--no-ner")
    debug = run("pseudonymise", str(work["log"]), str(out), "--key-file", str(work["key"]), "--no-ner", "--debug")
    assert plain.exit_code == debug.exit_code == 2
    one_error_line(plain, "internal error (ZeroDivisionError)", "--debug")
    assert "Traceback" in debug.stderr and "ZeroDivisionError: a bug" in debug.stderr
    assert debug.stderr.splitlines()[-1].startswith("leakguard: error: internal error (ZeroDivisionError)")
    assert not out.exists() and temporaries(work["dir"]) == []


# --- temporary files: named, removed on SIGTERM, stale ones cleaned ---------------------------------------


def leakguard_process(*args: str, cwd: Path, prelude: str = "") -> subprocess.Popen:
    """``leakguard ARGS`` in a new process group (as a shell job), standard streams captured; Ctrl-C interrupts
    it as in a terminal even when the tests run in the background (where a shell makes its jobs ignore SIGINT,
    which children inherit)."""
    script = "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n" + textwrap.dedent(prelude) \
        + "\nimport sys\nfrom leakguard.cli import main\nsys.argv = ['leakguard', " \
        + ", ".join(repr(a) for a in args) + "]\nmain()\n"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    env.pop("LEAKGUARD_KEY", None)
    return subprocess.Popen([sys.executable, "-c", script], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_temporary(directory: Path, process: subprocess.Popen, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = temporaries(directory)
        if found:
            return found[0]
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    raise AssertionError("no temporary file appeared")


def test_sigterm_removes_the_temporary_file_and_says_so_in_one_line(tmp_path):
    source = tmp_path / "big.log"
    write_log(source, 30_000, seed=7)
    (tmp_path / "lg.key").write_text(keys.format_key(KEY) + "\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    process = leakguard_process("pseudonymise", str(source), str(out_dir / "big.log"), "--key-file",
                                str(tmp_path / "lg.key"), "--no-ner", "--batch-rows", "1000", cwd=tmp_path)
    name = wait_for_temporary(out_dir, process)
    assert name.startswith(".big.log.leakguard-tmp-") and f"-{process.pid}-" in name
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert err.splitlines()[-1] == "leakguard: error: terminated; nothing was written"
    assert "Traceback" not in err and os.listdir(out_dir) == []


def test_a_killed_runs_temporary_file_is_removed_by_the_next_run_and_a_live_ones_is_kept(work):
    out = work["dir"] / "out.log"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = work["dir"] / f".out.log.leakguard-tmp-{gone.pid}-x1y2z3"
        live = work["dir"] / f".out.log.leakguard-tmp-{alive.pid}-a1b2c3"
        other = work["dir"] / f".other.log.leakguard-tmp-{gone.pid}-d4e5f6"
        for path in (stale, live, other):
            path.write_bytes(b"half a file")
        pseudonymise_file(work["log"], out, KEY, ner=False)
        assert not stale.exists() and live.exists() and other.exists() and out.exists()
    finally:
        alive.kill()
        alive.wait()


# --- Ctrl-C with workers, and a reader that leaves -------------------------------------------------------


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.5])  # while the workers start, and while they work
@pytest.mark.parametrize("command", ["pseudonymise", "scan"])
def test_ctrl_c_with_two_jobs_prints_one_line_and_no_worker_traceback(tmp_path, command, delay):
    source = tmp_path / "big.log"
    write_log(source, 120_000, seed=8)
    (tmp_path / "lg.key").write_text(keys.format_key(KEY) + "\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    prelude = """
        import leakguard.pseudonymise.files, leakguard.scan
        leakguard.pseudonymise.files.MIN_PARALLEL_BYTES = leakguard.scan.MIN_PARALLEL_BYTES = 0  # workers here
    """
    args = {
        "pseudonymise": ["pseudonymise", str(source), str(out_dir / "big.log"), "--key-file",
                         str(tmp_path / "lg.key")],
        "scan": ["scan", str(source), "--no-config", "-o", str(out_dir / "report.txt")],
    }[command]
    process = leakguard_process(*args, "--no-ner", "--jobs", "2", "--batch-rows", "1000", cwd=tmp_path,
                                prelude=prelude)
    wait_for_temporary(out_dir, process)  # the command has started: its output is being written
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole foreground group
    _, err = process.communicate(timeout=180)  # a loaded machine: workers stop slowly
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    errors = [line for line in err.splitlines() if not line.startswith(("leakguard: policy", "  "))]
    note = "; nothing was written" if command == "pseudonymise" else ""
    assert errors == [f"leakguard: error: interrupted{note}"]
    assert os.listdir(out_dir) == []


def test_a_reader_that_closes_the_pipe_ends_the_scan_quietly(tmp_path):
    source = tmp_path / "nirs.csv"
    values = generated_nirs(3000, 9)
    source.write_text("id;nir\n" + "".join(f"{i};{nir.format(v)}\n" for i, v in enumerate(values)))
    process = leakguard_process("scan", str(source), "--format", "jsonl", "--no-ner", "--no-config", cwd=tmp_path)
    first = process.stdout.readline()
    process.stdout.close()  # `| head -1`
    err = process.stderr.read()
    process.wait(timeout=60)
    assert '"type": "finding"' in first
    assert err == "" and process.returncode == 0
