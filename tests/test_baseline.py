"""The baseline: keyed fingerprints that survive moves, never reveal a value, and do not churn.

Identifiers are generated (:func:`tests.strategies.make_nir`).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from leakguard.baseline import ENV_VAR, KEY_FILE, Baseline, BaselineError, Fingerprinter, find_key
from leakguard.cli import cli
from tests.strategies import nir_written_forms, nirs, written_forms
from tests.test_precommit import generated_nirs

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))


def run(directory: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    runner = CliRunner(env={ENV_VAR: None, **(env or {})})
    previous = os.getcwd()
    os.chdir(directory)
    try:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)
    return result.exit_code, result.stdout, result.stderr


def log(nirs_: list[str]) -> str:
    return "".join(f"2024-05-01 10:00:0{i % 10} INFO claim for nir={nir}\n" for i, nir in enumerate(nirs_))


# -- fingerprints --------------------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_a_fingerprint_depends_on_the_value_and_the_key_not_on_how_it_is_written(data: st.DataObject) -> None:
    nir = data.draw(nirs())
    other = data.draw(nirs().filter(lambda n: n != nir))
    a, b = Fingerprinter(KEY_A), Fingerprinter(KEY_B)
    assert a.fingerprint("FR_NIR", data.draw(written_forms(nir))) == a.fingerprint("FR_NIR", nir)
    assert a.fingerprint("FR_NIR", nir) != a.fingerprint("FR_NIR", other)
    assert a.fingerprint("FR_NIR", nir) != b.fingerprint("FR_NIR", nir)
    assert len(a.fingerprint("FR_NIR", nir)) * 4 >= 64


def unkeyed_digests(value: str) -> set[str]:
    """Every plain hash someone might have stored for ``value``: sha256/sha1/md5, every written form."""
    out = set()
    for form in nir_written_forms(value):
        for name in ("sha256", "sha1", "md5"):
            digest = hashlib.new(name, form.encode()).hexdigest()
            out |= {digest, digest[:32], digest[:16]}
    return out


# -- the file ------------------------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / ".leakguard.toml").write_text("ner = false\n")
    return tmp_path


def test_the_baseline_holds_no_value_and_no_unkeyed_hash_of_one(data_dir: Path) -> None:
    values = generated_nirs(21, 3)
    (data_dir / "a.csv").write_text("id;nir\n" + "".join(f"{i};{v}\n" for i, v in enumerate(values)))
    pq.write_table(pa.table({"nir": [nir_written_forms(values[0])[1]]}), data_dir / "b.parquet")
    code, _, err = run(data_dir, "baseline", "a.csv", "b.parquet")
    assert code == 0, err
    text = (data_dir / ".leakguard-baseline.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert len(document["findings"]) == 4
    assert {entry["path"] for entry in document["findings"]} == {"a.csv", "b.parquet"}
    key = (data_dir / KEY_FILE).read_text().strip()
    assert key not in text
    for value in values:
        for form in nir_written_forms(value):
            assert form not in text
        for digest in unkeyed_digests(value):
            assert digest not in text


def test_the_key_file_is_private_kept_out_of_git_and_the_baseline_records_only_its_fingerprint(
        data_dir: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(data_dir)], check=True)
    (data_dir / "a.log").write_text(log(generated_nirs(22, 1)))
    assert run(data_dir, "baseline", "a.log")[0] == 0
    key_file = data_dir / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert f"/{KEY_FILE}" in (data_dir / ".git" / "info" / "exclude").read_text().splitlines()
    status = subprocess.run(["git", "-C", str(data_dir), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert KEY_FILE not in status and ".leakguard-baseline.json" in status
    key = find_key(str(data_dir / ".leakguard-baseline.json"))
    assert key is not None and Baseline.load(str(data_dir / ".leakguard-baseline.json")).key_fingerprint == \
        key.fingerprint
    assert key_file.read_text().strip() not in (data_dir / ".leakguard-baseline.json").read_text()


def test_writing_the_baseline_again_on_unchanged_files_gives_identical_bytes(data_dir: Path) -> None:
    (data_dir / "a.log").write_text(log(generated_nirs(23, 4)))
    (data_dir / "b.csv").write_text("nir\n" + "\n".join(generated_nirs(24, 3)) + "\n")
    assert run(data_dir, "baseline", "a.log", "b.csv")[0] == 0
    first = (data_dir / ".leakguard-baseline.json").read_bytes()
    code, _, err = run(data_dir, "baseline", "b.csv", "a.log")
    assert code == 0 and "(unchanged)" in err
    assert (data_dir / ".leakguard-baseline.json").read_bytes() == first
    # another file added: the entries of the first ones stay, sorted
    (data_dir / "c.log").write_text(log(generated_nirs(25, 1)))
    assert run(data_dir, "baseline", "c.log")[0] == 0
    document = json.loads((data_dir / ".leakguard-baseline.json").read_text())
    paths = [entry["path"] for entry in document["findings"]]
    assert paths == sorted(paths) and set(paths) == {"a.log", "b.csv", "c.log"}


def test_known_findings_stay_known_when_rows_move_and_a_new_value_in_their_place_is_new(
        data_dir: Path) -> None:
    old, other, new = generated_nirs(26, 3)
    (data_dir / "a.csv").write_text(f"id;nir\n1;{old}\n2;{other}\n")
    assert run(data_dir, "baseline", "a.csv")[0] == 0
    baseline = (data_dir / ".leakguard-baseline.json").read_bytes()
    (data_dir / "a.csv").write_text(f"id;nir\n0;x\n2;{nir_written_forms(other)[1]}\n1;{old}\n")
    assert run(data_dir, "hook", "a.csv") == (0, "", "")
    (data_dir / "a.csv").write_text(f"id;nir\n1;{new}\n2;{other}\n")
    code, out, _ = run(data_dir, "hook", "a.csv")
    assert code == 1 and "a.csv: FR_NIR ×1 at line 2, column nir" in out
    # the same value in another column is a new finding too
    (data_dir / "a.csv").write_text(f"id;nir_assure\n1;{old}\n")
    assert run(data_dir, "hook", "a.csv")[0] == 1
    # scan --baseline agrees; neither command rewrote the baseline
    (data_dir / "a.csv").write_text(f"id;nir\n1;{new}\n2;{other}\n")
    assert run(data_dir, "scan", "--baseline", ".leakguard-baseline.json", "a.csv")[0] == 1
    (data_dir / "a.csv").write_text(f"id;nir\n1;{other}\n")
    assert run(data_dir, "scan", "--baseline", ".leakguard-baseline.json", "a.csv")[0] == 0
    assert (data_dir / ".leakguard-baseline.json").read_bytes() == baseline


def test_another_key_is_a_clear_error_and_a_missing_key_only_matters_when_a_finding_needs_it(
        data_dir: Path) -> None:
    (data_dir / "a.log").write_text(log(generated_nirs(27, 1)))
    assert run(data_dir, "baseline", "a.log")[0] == 0
    other_key = KEY_B.hex()
    code, out, err = run(data_dir, "hook", "a.log", env={ENV_VAR: other_key})
    assert code == 2 and out == ""
    assert "baseline made with another key" in err and other_key not in err
    (data_dir / "key").write_text(other_key)
    assert "baseline made with another key" in run(data_dir, "hook", "--key-file", "key", "a.log")[2]
    # the team's key in the environment works without the local key file
    team_key = (data_dir / KEY_FILE).read_text().strip()
    (data_dir / KEY_FILE).unlink()
    assert run(data_dir, "hook", "a.log", env={ENV_VAR: team_key}) == (0, "", "")
    # without any key: clean files pass, files with findings cannot be checked
    (data_dir / "clean.log").write_text("nothing to see\n")
    assert run(data_dir, "hook", "clean.log") == (0, "", "")
    code, _, err = run(data_dir, "hook", "a.log")
    assert code == 2 and "without its key" in err
    # and `leakguard baseline` will not start a new key over a baseline made with another one
    code, _, err = run(data_dir, "baseline", "a.log")
    assert code == 2 and "no baseline key" in err and not (data_dir / KEY_FILE).exists()


def test_a_short_or_malformed_key_is_refused_without_echoing_it(data_dir: Path) -> None:
    (data_dir / "a.log").write_text(log(generated_nirs(28, 1)))
    code, _, err = run(data_dir, "baseline", "a.log", env={ENV_VAR: "abcd" * 4})
    assert code == 2 and "16 hex digits, not 64" in err and "abcd" not in err
    with pytest.raises(BaselineError):
        find_key(str(data_dir / "b.json"), env={ENV_VAR: "not a key!"})


def test_a_malformed_baseline_is_an_error(data_dir: Path) -> None:
    (data_dir / "a.log").write_text(log(generated_nirs(29, 1)))
    (data_dir / ".leakguard-baseline.json").write_text('{"version": 1, "findings": [{"path": "a.log"}]}')
    code, _, err = run(data_dir, "hook", "a.log")
    assert code == 2 and "malformed baseline" in err
    code, _, err = run(data_dir, "hook", "--baseline", "missing.json", "a.log")
    assert code == 2 and "no such baseline" in err
