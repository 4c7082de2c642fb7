"""What ``leakguard scan`` reads, and what it says it read: hidden directories, excluded and missing paths,
leakguard's own files. Every NIR is generated (:func:`tests.strategies.generated_nirs`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.strategies import generated_nirs

NIRS = generated_nirs(53, 4)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data repository: a hidden backup holding a NIR, a clean export, the current directory."""
    (tmp_path / "exports" / ".backup").mkdir(parents=True)
    (tmp_path / "exports" / ".backup" / "dump.csv").write_text(f"id;nir\n1;{NIRS[0]}\n")
    (tmp_path / "exports" / "clean.csv").write_text("id;ville\n1;Paris\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(run_cli, *args: str) -> tuple[int, str, str]:
    result = run_cli("scan", "--no-ner", *args)
    return result.exit_code, result.stdout, result.stderr


def test_a_hidden_backup_directory_is_scanned(project, run_cli):
    code, out, _ = scan(run_cli, "exports", "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert {r["path"] for r in records if r["type"] == "finding"} == {"exports/.backup/dump.csv"}
    assert records[-1]["files"] == 2


def test_exclude_decides_what_hidden_directories_are_left_alone(project, run_cli):
    (project / ".leakguard.toml").write_text('exclude = [".backup"]\n')
    code, out, err = scan(run_cli, "exports")
    assert code == 0 and "1 file scanned" in out and "No personal data found." in out
    code, out, err = scan(run_cli, "exports/.backup")
    assert code == 0
    assert "No personal data found" not in out and "Nothing scanned." in out and "0 files scanned" in out
    assert "leakguard: note: exports/.backup: 1 file excluded by the configuration" in err


def test_a_missing_path_is_an_error_never_an_all_clear(project, run_cli):
    code, out, err = scan(run_cli, "exprots")
    assert code == 2
    assert "No personal data found" not in out and "Nothing scanned." in out
    assert "0 files scanned" in out and "1 unreadable" in out
    assert "exprots: no such file or directory" in err
    code, out, _ = scan(run_cli, "exprots", "exports/clean.csv")
    assert code == 2 and "No personal data found in what could be read; see the errors above." in out


def test_an_empty_directory_says_nothing_was_scanned(project, run_cli):
    (project / "empty").mkdir()
    code, out, err = scan(run_cli, "empty")
    assert code == 0 and "Nothing scanned." in out and "leakguard: note: empty: no files; not scanned" in err


def test_a_directory_scan_skips_leakguards_own_files(project, run_cli):
    (project / ".leakguard.toml").write_text(f'allow = ["{NIRS[1]}"]\n')  # a raw value, by design
    (project / ".leakguard-baseline.json").write_text('{\n  "version": 1,\n  "findings": []\n}\n')
    (project / ".leakguard.key").write_text("ab" * 32 + "\n")
    (project / "exports" / ".backup" / "dump.csv").unlink()
    code, out, err = scan(run_cli, ".", "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0, out + err
    assert records[-1]["files"] == 1 and not [r for r in records if r["type"] == "error"]


def test_a_temporary_output_of_a_running_pseudonymisation_is_not_scanned(tmp_path) -> None:
    from leakguard.cli.project import expand
    from leakguard.config import Config

    (tmp_path / "export.csv").write_text("a;b\n1;2\n")
    (tmp_path / ".export.csv.leakguard-tmp-1234-abcd").write_text("a;b\n1;2\n")
    files = expand([str(tmp_path)], Config()).files
    assert [f.rsplit("/", 1)[-1] for f in files] == ["export.csv"]
