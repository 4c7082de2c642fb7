"""`leakguard scan --state FILE`: a nightly sweep reads again only what changed, and reports the rest as before.

Every file is generated (tests.conftest.small_lake: synthetic beneficiary tables, exports and a gateway log).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

import leakguard.scan
import leakguard.state
from leakguard.cli import cli
from synthetic import files
from synthetic.tables import beneficiary_table

FILES_IN_SMALL_LAKE = 10


def scan(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["scan", "--no-ner", "--no-config", "--jobs", "1", *args],
                                env={"LEAKGUARD_STATE_KEY": "", **(env or {})}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def comparable(report: str) -> dict:
    """A json report without what differs between two scans of the same data: times, what was read, and the
    run's count of persons (estimated from sketches when files were not read again: see
    test_the_exposure_of_unchanged_files_is_the_last_scans_and_the_runs_persons_are_estimated)."""
    document = json.loads(report)
    for name in ("seconds", "files_scanned", "files_unchanged"):
        document["summary"].pop(name, None)
    for name in ("persons", "persons_estimate"):
        document["summary"]["exposure"].pop(name, None)
    for file in document["files"]:
        for name in ("seconds", "unchanged"):
            file.pop(name, None)
    return document


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the scan opens to read records (what ``--state`` spares)."""
    paths: list[str] = []
    real = leakguard.scan.open_source

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        paths.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(leakguard.scan, "open_source", counting)
    return paths


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "sweep" / "lake.state"


@pytest.fixture
def swept(small_lake: Path, state: Path) -> str:
    """The lake after a first sweep: its json report."""
    state.parent.mkdir()
    code, out, err = scan(str(small_lake), "--state", str(state), "--format", "json")
    assert code == 1 and err == ""
    assert json.loads(out)["summary"]["files_scanned"] == FILES_IN_SMALL_LAKE
    return out


def test_an_unchanged_lake_is_not_read_again_and_the_scan_says_so(small_lake, state, swept, opened):
    code, out, err = scan(str(small_lake), "--state", str(state), "--format", "json")
    assert code == 1
    assert opened == []
    summary = json.loads(out)["summary"]
    assert (summary["files_scanned"], summary["files_unchanged"]) == (0, FILES_IN_SMALL_LAKE)
    assert all(file["unchanged"] for file in json.loads(out)["files"])
    assert err == f"leakguard: note: {FILES_IN_SMALL_LAKE} files unchanged since the last scan, not read again; " \
                  "0 scanned\n"
    assert comparable(out) == comparable(swept)


def test_the_exposure_of_unchanged_files_is_the_last_scans_and_the_runs_persons_are_estimated(small_lake, state,
                                                                                                swept):
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "json")
    before, after = json.loads(swept), json.loads(out)
    assert [f["exposure"] for f in after["files"]] == [f["exposure"] for f in before["files"]]
    exact, estimated = before["summary"]["exposure"], after["summary"]["exposure"]
    assert exact["records_with_personal_data"] > 0 and exact["persons"] > 100 and exact["persons_estimate"] is None
    assert {k: v for k, v in estimated.items() if not k.startswith("persons")} == \
           {k: v for k, v in exact.items() if not k.startswith("persons")}
    error = estimated["persons_estimate"]["relative_standard_error"]
    assert abs(estimated["persons"] - exact["persons"]) <= 3 * error * exact["persons"]


def test_a_state_written_without_exposure_figures_is_read_again_for_a_report_that_shows_them(small_lake, state):
    state.parent.mkdir()
    scan(str(small_lake), "--state", str(state), "--format", "sarif")
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "json")
    assert json.loads(out)["summary"]["files_scanned"] == FILES_IN_SMALL_LAKE
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "jsonl")
    assert json.loads(out.splitlines()[-1])["files_unchanged"] == FILES_IN_SMALL_LAKE


def test_one_changed_file_is_the_only_one_read_and_the_report_equals_a_full_scan(small_lake, state, swept,
                                                                                  opened):
    changed = small_lake / "beneficiaires" / "annee=2021" / "part-4.parquet"
    table, _ = beneficiary_table(45, seed=99)
    files.write_parquet(table, changed)
    code, out, _ = scan(str(small_lake), "--state", str(state), "--format", "json")
    assert opened == [str(changed)]
    summary = json.loads(out)["summary"]
    assert (summary["files_scanned"], summary["files_unchanged"]) == (1, FILES_IN_SMALL_LAKE - 1)
    assert [f["path"] for f in json.loads(out)["files"] if not f["unchanged"]] == [str(changed)]
    full_code, full, _ = scan(str(small_lake), "--format", "json")
    assert code == full_code
    assert comparable(out) == comparable(full)
    assert comparable(out) != comparable(swept)


def test_a_touched_but_identical_file_is_not_read_again(small_lake, state, swept, opened):
    touched = small_lake / "exports" / "beneficiaires.csv"
    stat = touched.stat()
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "json")
    assert opened == []
    assert json.loads(out)["summary"]["files_unchanged"] == FILES_IN_SMALL_LAKE


def test_a_file_changed_within_the_same_size_and_time_is_read_again(small_lake, state, swept, opened):
    """Same size, same modification time, other bytes: written during the last scan, it is checked by content."""
    changed = small_lake / "exports" / "beneficiaires.jsonl"
    stat = changed.stat()
    data = bytearray(changed.read_bytes())
    at = data.index(b'"nom": "') + 8
    data[at] = ord("Z") if data[at] != ord("Z") else ord("Y")
    changed.write_bytes(bytes(data))
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    # as if the first sweep had started before this file was last written
    meta = _state_metadata(state)
    meta["started_ns"] = stat.st_mtime_ns - 1
    _rewrite_metadata(state, meta)
    scan(str(small_lake), "--state", str(state))
    assert opened == [str(changed)]


def test_a_deleted_file_leaves_the_state(small_lake, state, swept):
    (small_lake / "logs" / "gateway.log").unlink()
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "json")
    assert json.loads(out)["summary"]["files"] == FILES_IN_SMALL_LAKE - 1
    assert len(_state_metadata(state)["files"]) == FILES_IN_SMALL_LAKE - 1
    (small_lake / "logs" / "gateway.log").write_text("2026-02-01T10:00:00Z INFO back\n")
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "json")
    assert json.loads(out)["summary"]["files_scanned"] == 1


CONFIGURATION_CHANGES = {
    "a score threshold": (["--min-score", "0.9"], ""),
    "the entities": (["--entities", "FR_NIR,IBAN_CODE"], ""),
    "an excluded entity": (["--exclude-entities", "PHONE_NUMBER"], ""),
    "a column hint": ([], 'column-hints = { code_postal = "" }\n'),
    "the allow list": ([], 'allow = ["test.user@example.org"]\n'),
    "the pseudonymised columns": ([], 'pseudonymised-columns = ["email"]\n'),
}


@pytest.mark.parametrize("change", CONFIGURATION_CHANGES.values(), ids=CONFIGURATION_CHANGES.keys())
def test_a_configuration_change_scans_everything_again(small_lake, state, tmp_path, change, opened):
    state.parent.mkdir()
    config = tmp_path / "leakguard.toml"

    def scan_with_config(*args: str) -> dict:
        result = CliRunner().invoke(cli, ["scan", "--no-ner", "--jobs", "1", "--config", str(config), "--state",
                                          str(state), "--format", "json", *args, str(small_lake)],
                                    env={"LEAKGUARD_STATE_KEY": ""}, catch_exceptions=False)
        return {"summary": json.loads(result.stdout)["summary"], "stderr": result.stderr}

    config.write_text("")
    assert scan_with_config()["summary"]["files_scanned"] == FILES_IN_SMALL_LAKE
    args, text = change
    config.write_text(text)
    opened.clear()
    again = scan_with_config(*args)
    assert again["summary"]["files_scanned"] == FILES_IN_SMALL_LAKE
    assert len(opened) == FILES_IN_SMALL_LAKE
    assert again["stderr"] == f"leakguard: note: {state}: the configuration changed (entities, scores, column " \
                              "hints, allow list, baseline...); scanning everything\n"
    assert scan_with_config(*args)["summary"]["files_unchanged"] == FILES_IN_SMALL_LAKE


def test_another_leakguard_version_scans_everything_again(small_lake, state, swept, monkeypatch):
    monkeypatch.setattr(leakguard.state, "__version__", "99.0.0")
    _, out, err = scan(str(small_lake), "--state", str(state), "--format", "json")
    assert json.loads(out)["summary"]["files_scanned"] == FILES_IN_SMALL_LAKE
    assert "written by leakguard 0.1.0" in err and "this is leakguard 99.0.0" in err


def _damage_garbage(state: Path) -> dict[str, str]:
    state.write_bytes(b"not a state file\n")
    return {}


def _damage_truncated(state: Path) -> dict[str, str]:
    data = state.read_bytes()
    state.write_bytes(data[: len(data) // 2])
    return {}


def _damage_other_key(state: Path) -> dict[str, str]:
    return {"LEAKGUARD_STATE_KEY": "ab" * 32}


def _damage_lost_key(state: Path) -> dict[str, str]:
    Path(str(state) + ".key").unlink()
    return {}


DAMAGES = {"garbage": (_damage_garbage, "not a usable state file"),
           "truncated": (_damage_truncated, "not a usable state file"),
           "another key": (_damage_other_key, "written with another state key"),
           "a lost key": (_damage_lost_key, "its key was missing")}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_state_that_cannot_be_used_is_one_note_and_a_full_scan(small_lake, state, swept, damage):
    damage_it, why = damage
    env = damage_it(state)
    code, out, err = scan(str(small_lake), "--state", str(state), "--format", "json", env=env)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"leakguard: note: {state}: ") and why in err
    assert err.endswith("; scanning everything\n") and "Traceback" not in err
    assert json.loads(out)["summary"]["files_scanned"] == FILES_IN_SMALL_LAKE
    assert comparable(out) == comparable(swept)
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "json", env=env)  # written anew
    assert json.loads(out)["summary"]["files_unchanged"] == FILES_IN_SMALL_LAKE


def test_an_unusable_state_key_is_an_error(small_lake, state):
    code, _, err = scan(str(small_lake), "--state", str(state), env={"LEAKGUARD_STATE_KEY": "00" * 8})
    assert code == 2 and "LEAKGUARD_STATE_KEY" in err and "00" * 8 not in err


def test_every_format_marks_the_unchanged_files(small_lake, state, swept):
    changed = small_lake / "exports" / "beneficiaires.jsonl"
    changed.write_text(changed.read_text() + changed.read_text().splitlines()[0] + "\n")
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    unchanged = {line["path"] for line in lines if line.get("unchanged")}
    scanned = {line["path"] for line in lines if line["type"] == "finding" and not line.get("unchanged")}
    assert scanned == {str(changed)} and str(changed) not in unchanged and len(unchanged) >= 7
    assert lines[-1]["files_scanned"] == 1 and lines[-1]["files_unchanged"] == FILES_IN_SMALL_LAKE - 1
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "sarif")
    artifacts = json.loads(out)["runs"][0]["artifacts"]
    assert all(artifact["properties"] == {"unchanged": True} for artifact in artifacts)
    _, out, _ = scan(str(small_lake), "--state", str(state))
    assert out.count(" · unchanged") == FILES_IN_SMALL_LAKE - 1  # the files shown: all but the clean one
    assert out.splitlines()[-1].startswith(f"0 files scanned, {FILES_IN_SMALL_LAKE} unchanged, ")


def test_the_state_holds_no_raw_value_and_no_plain_hash_of_one(small_lake, state, tmp_path):
    table, _ = beneficiary_table(30, seed=5)
    named = table.column("nir").combine_chunks()[0].as_py().replace(" ", "")
    files.write_parquet(table, small_lake / f"{named}.parquet")  # a file named after a NIR
    state.parent.mkdir()
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "jsonl", "--show-values")
    values = {line["value"] for line in map(json.loads, out.splitlines()) if line["type"] == "finding"}
    values |= {value.replace(" ", "").replace(".", "").replace("-", "") for value in values} | {named}
    assert len(values) > 500
    stored = pa.ipc.open_file(pa.memory_map(str(state))).read_all()
    text = json.dumps(stored.to_pylist(), ensure_ascii=False) + stored.schema.metadata[b"leakguard.state"].decode()
    leaked = [v for v in values if len(v) >= 6 and v in text]
    assert leaked == []
    hashes = {getattr(hashlib, name)(v.encode()).hexdigest() for v in values
              for name in ("md5", "sha1", "sha256", "blake2b")}
    assert not any(digest in text for digest in hashes)


def test_the_state_file_is_not_scanned_as_data(small_lake, tmp_path):
    state = small_lake / "lake.state"
    scan(str(small_lake), "--state", str(state))
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "json")
    paths = [file["path"] for file in json.loads(out)["files"]]
    assert len(paths) == FILES_IN_SMALL_LAKE and not any("lake.state" in path for path in paths)


def test_a_moved_lake_is_scanned_again(small_lake, state, swept, tmp_path):
    moved = tmp_path / "moved"
    shutil.move(small_lake, moved)
    _, out, _ = scan(str(moved), "--state", str(state), "--format", "json")
    assert json.loads(out)["summary"]["files_scanned"] == FILES_IN_SMALL_LAKE


def _state_metadata(state: Path) -> dict:
    return json.loads(pa.ipc.open_file(pa.memory_map(str(state))).schema.metadata[b"leakguard.state"])


def _rewrite_metadata(state: Path, meta: dict) -> None:
    table = pa.ipc.open_file(pa.memory_map(str(state))).read_all()
    table = table.replace_schema_metadata({b"leakguard.state": json.dumps(meta)})
    with pa.OSFile(str(state) + ".new", "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    os.replace(str(state) + ".new", state)


def test_with_two_jobs_a_sweep_after_one_change_equals_a_full_scan_in_one_process(small_lake, state, swept):
    changed = small_lake / "beneficiaires" / "annee=2020" / "part-1.parquet"
    table, _ = beneficiary_table(30, seed=98)
    files.write_parquet(table, changed)
    files.write_parquet(table.slice(0, 12), small_lake / "beneficiaires" / "annee=2021" / "part-3.parquet")
    (small_lake / "exports" / "beneficiaires.csv").unlink()
    _, out, _ = scan(str(small_lake), "--state", str(state), "--format", "json", "--jobs", "2")
    assert json.loads(out)["summary"]["files_scanned"] == 2  # in the workers
    _, full, _ = scan(str(small_lake), "--format", "json")
    assert comparable(out) == comparable(full)


def test_containers_are_read_on_every_sweep_and_the_files_beside_them_are_not(lake_with_containers, state):
    """A database, a dump and a workbook have no stamp in the state: read again each night, in their place
    among the unchanged files, with two jobs as with one."""
    state.parent.mkdir()
    lake = str(lake_with_containers)
    _, first, _ = scan(lake, "--state", str(state), "--format", "json", "--jobs", "2")
    code, out, err = scan(lake, "--state", str(state), "--format", "json", "--jobs", "2")
    document = json.loads(out)
    assert (document["summary"]["files_scanned"], document["summary"]["files_unchanged"]) == \
        (4, FILES_IN_SMALL_LAKE)  # the tables of the dump, the SQLite file and the workbook's two sheets
    assert [file["path"] for file in document["files"] if not file["unchanged"]] == \
        [file["path"] for file in document["files"] if "#" in file["path"]]
    assert "4 scanned" in err
    full_code, full, _ = scan(lake, "--format", "json")
    assert code == full_code == 1
    assert comparable(out) == comparable(full) == comparable(first)


def test_an_unreadable_file_counts_as_unreadable_not_scanned_in_every_report_and_run(small_lake, state):
    state.parent.mkdir()
    (small_lake / "tronque.parquet").write_bytes(b"PAR1" + bytes(64))  # a truncated Parquet file
    runs = ((FILES_IN_SMALL_LAKE, f"{FILES_IN_SMALL_LAKE} files scanned, "),
            (0, f"0 files scanned, {FILES_IN_SMALL_LAKE} unchanged, "))
    for scanned, line in runs:
        _, out, err = scan(str(small_lake), "--state", str(state), "--format", "json")
        summary = json.loads(out)["summary"]
        assert (summary["files"], summary["files_unreadable"]) == (FILES_IN_SMALL_LAKE + 1, 1)
        assert (summary["files_scanned"], summary["files_unchanged"]) == (scanned, FILES_IN_SMALL_LAKE - scanned)
        assert not scanned or "unchanged" not in err
        assert scanned or f"not read again; {scanned} scanned" in err
        _, table, _ = scan(str(small_lake), "--state", str(state.with_suffix(".table")))
        assert line in table and ", 1 unreadable, " in table
