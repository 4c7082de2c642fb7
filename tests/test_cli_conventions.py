"""The conventions of tools run in CI and pipes: ``-`` reads standard input, ``--exit-zero``, ``--quiet`` and
``-v``; the table's legend and the one base of its shares; ``pseudonymise``'s summary per column."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leakguard.sources import streams
from synthetic.tables import beneficiary_table
from tests.strategies import generated_nirs


@pytest.fixture(scope="module")
def table() -> pa.Table:
    generated, _ = beneficiary_table(120, seed=44)
    return generated.select(["nir", "nom", "email", "commentaire"])


@pytest.fixture
def files(tmp_path: Path, table: pa.Table) -> dict[str, Path]:
    paths = {"parquet": tmp_path / "beneficiaires.parquet", "csv": tmp_path / "beneficiaires.csv",
             "log": tmp_path / "app.log", "clean": tmp_path / "factures.csv"}
    pq.write_table(table, paths["parquet"])
    table.to_pandas().to_csv(paths["csv"], sep=";", index=False)
    nirs = generated_nirs(7, 3)
    paths["log"].write_text("".join(f"2026-02-01T10:00:0{i}Z WARN rejet PEC nir={n}\n" for i, n in enumerate(nirs))
                            + "2026-02-01T10:00:09Z INFO ok\n")
    paths["clean"].write_text("facture;montant\n" + "".join(f"F-{i};{i},00\n" for i in range(5)))
    return paths


def scan(run_cli, *args: str, input: bytes | None = None):
    from click.testing import CliRunner

    from leakguard.cli import cli

    if input is None:
        return run_cli("scan", "--no-ner", "--no-config", *args)
    return CliRunner().invoke(cli, ["scan", "--no-ner", "--no-config", *args], input=input, catch_exceptions=False)


def jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


# --- standard input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["log", "csv", "parquet", "gzip"])
def test_dash_reads_standard_input_whatever_its_format(run_cli, files, kind):
    data = files["log" if kind in ("log", "gzip") else kind].read_bytes()
    if kind == "gzip":
        data = gzip.compress(data)
    from_file = jsonl(scan(run_cli, "--format", "jsonl", str(files["log" if kind == "gzip" else kind])).stdout)
    result = scan(run_cli, "--format", "jsonl", "-", input=data)
    assert result.exit_code == 1, result.stderr
    from_stdin = jsonl(result.stdout)
    findings = [r for r in from_stdin if r["type"] == "finding"]
    assert findings and {r["path"] for r in findings} == {"-"}
    expected = [(r["row"], r["column"], r["start"], r["entity"]) for r in from_file if r["type"] == "finding"]
    assert [(r["row"], r["column"], r["start"], r["entity"]) for r in findings] == expected


def test_standard_input_is_named_dash_in_the_table_and_in_errors(run_cli, files):
    result = scan(run_cli, "-", input=files["log"].read_bytes())
    assert result.exit_code == 1 and result.stdout.startswith("-  4 lines · ")
    empty = scan(run_cli, "-", input=b"")
    assert empty.exit_code == 2 and empty.stderr == "leakguard: error: -: empty file; nothing on standard input\n"
    assert "leakguard-stdin" not in result.stdout + empty.stdout + empty.stderr


def test_standard_input_can_be_read_once(run_cli):
    result = scan(run_cli, "-", "-", input=b"x\n")
    assert result.exit_code == 2 and "standard input (-) can be read only once" in result.stderr


# --- exit status and verbosity -----------------------------------------------------------------------------


def test_exit_zero_reports_findings_with_status_0_but_not_unreadable_files(run_cli, files, tmp_path):
    result = scan(run_cli, "--exit-zero", str(files["log"]))
    assert result.exit_code == 0 and "FR_NIR" in result.stdout
    assert scan(run_cli, "--exit-zero", str(files["log"]), str(tmp_path / "missing.csv")).exit_code == 2


def test_quiet_prints_errors_only_and_no_table(run_cli, files, tmp_path):
    (tmp_path / "empty").mkdir()
    result = scan(run_cli, "-q", str(files["log"]), str(tmp_path / "empty"), str(tmp_path / "missing.csv"))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"leakguard: error: {tmp_path / 'missing.csv'}: no such file or directory\n"
    quiet_jsonl = scan(run_cli, "--quiet", "--format", "jsonl", str(files["log"]))
    assert quiet_jsonl.exit_code == 1 and jsonl(quiet_jsonl.stdout)[-1]["type"] == "summary"


def test_verbose_says_each_file_clean_ones_too_and_the_settings(run_cli, files):
    result = scan(run_cli, "-v", "--min-score", "0.7", str(files["log"]), str(files["clean"]))
    lines = result.stderr.splitlines()
    assert lines[0] == ("leakguard: 2 files to scan; all entities; min score 0.7; NER off; "
                        "configuration none (defaults)")
    assert lines[1].startswith(f"leakguard: scanned {files['log']}: 4 records, ")
    assert ", 3 findings, " in lines[1]
    assert lines[2].startswith(f"leakguard: scanned {files['clean']}: 5 records, ") and "nothing found" in lines[2]


# --- the table ---------------------------------------------------------------------------------------------


def test_share_has_one_base_nulls_in_parquet_and_empty_strings_in_csv(run_cli, tmp_path, table):
    emails = table.column("email").to_pylist()
    holes = [None if i % 4 == 0 else ("  " if i % 4 == 1 else e) for i, e in enumerate(emails)]
    holed = table.set_column(table.schema.get_field_index("email"), "email", pa.array(holes, pa.string()))
    pq.write_table(holed, tmp_path / "a.parquet")
    holed.to_pandas().to_csv(tmp_path / "a.csv", sep=";", index=False)  # None -> empty field
    shares = {}
    for name in ("a.parquet", "a.csv"):
        document = json.loads(scan(run_cli, "--format", "json", str(tmp_path / name)).stdout)
        [email] = [c for c in document["files"][0]["columns"] if c["column"] == "email"]
        shares[name] = (email["records"], email["cells"], email["share"])
    assert shares["a.parquet"] == shares["a.csv"] == (60, 60, 1.0)


def test_the_table_has_a_legend_under_its_findings_only(run_cli, files):
    found = scan(run_cli, str(files["parquet"])).stdout
    assert "share: records out of the column's non-empty cells (neither null nor blank)" in found.replace("\n", " ")
    assert "score: the highest confidence" in found
    assert "share:" not in scan(run_cli, str(files["clean"])).stdout


# --- pseudonymise ------------------------------------------------------------------------------------------


def test_pseudonymise_says_which_columns_it_rewrote_and_how_many_values(run_cli, files, key_file, tmp_path):
    result = run_cli("pseudonymise", "--no-ner", "--key-file", str(key_file), str(files["parquet"]),
                     str(tmp_path / "out.parquet"))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    start = lines.index("  column       values  entities replaced")
    rows = {line.split()[0]: line.split()[1] for line in lines[start + 1:]}
    assert rows["nir"] == "120" and rows["nom"] == "120" and rows["email"] == "120"
    written = pq.read_table(tmp_path / "out.parquet")
    assert sum(a != b for a, b in zip(written["nir"].to_pylist(), pq.read_table(files["parquet"])["nir"].to_pylist())) \
        == 120
    quiet = run_cli("pseudonymise", "-q", "--no-ner", "--key-file", str(key_file), str(files["log"]),
                    str(tmp_path / "out.log"))
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_a_text_files_lines_are_one_row_of_the_summary(run_cli, files, key_file, tmp_path):
    result = run_cli("pseudonymise", "--no-ner", "--key-file", str(key_file), str(files["log"]),
                     str(tmp_path / "out.log"))
    assert "  (lines)       3  FR_NIR 3" in result.stderr.splitlines()


def test_a_long_line_read_in_windows_is_one_value_of_the_summary(run_cli, key_file, tmp_path, monkeypatch):
    # a line over the cap comes in windows (16 MiB; lowered here, the mechanism is the same): still one line
    monkeypatch.setattr(streams, "MAX_LINE_BYTES", 4096)
    nirs = generated_nirs(8, 6)
    filler = ",".join([json.dumps({"commentaire": "z" * 300})] * 10)
    payload = "payload=[" + ",".join(f'{filler},{{"nir": "{nir}"}}' for nir in nirs[:5]) + "]"
    assert len(payload) > 3 * streams.MAX_LINE_BYTES
    (tmp_path / "gateway.log").write_text(f"2026-02-01 INFO start nir={nirs[5]}\n{payload}\n2026-02-01 INFO end\n")
    result = run_cli("pseudonymise", "--no-ner", "--key-file", str(key_file), str(tmp_path / "gateway.log"),
                     str(tmp_path / "out.log"))
    assert result.exit_code == 0, result.stderr
    assert "  (lines)       2  FR_NIR 6" in result.stderr.splitlines()


def test_csv_rows_not_parsed_are_a_row_of_their_own_beside_a_column_named_line(run_cli, key_file, tmp_path):
    nirs = generated_nirs(9, 4)
    rows = [f"{i};{nir}" for i, nir in enumerate(nirs[:3])] + [f"3;{nirs[3]};en trop"]  # a field too many
    (tmp_path / "export.csv").write_text("line;nir\n" + "\n".join(rows) + "\n")
    result = run_cli("pseudonymise", "--no-ner", "--key-file", str(key_file), str(tmp_path / "export.csv"),
                     str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    start = lines.index("  column             values  entities replaced")
    assert lines[start + 1:] == ["  nir                     3  FR_NIR 3",
                                 "  (rows not parsed)       1  FR_NIR 1"]


def test_a_key_column_rewritten_with_its_nirs_says_so(run_cli, key_file, tmp_path):
    nirs = generated_nirs(10, 20)
    pq.write_table(pa.table({"nirsanscle": [nir[:13] for nir in nirs], "cle": [nir[13:] for nir in nirs]}),
                   tmp_path / "immatriculations.parquet")
    result = run_cli("pseudonymise", "--no-ner", "--operator", "FR_NIR=fpe", "--key-file", str(key_file),
                     str(tmp_path / "immatriculations.parquet"), str(tmp_path / "out.parquet"))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    start = lines.index("  column      values  entities replaced")
    written = pq.read_table(tmp_path / "out.parquet")["cle"].to_pylist()
    changed = sum(a != b for a, b in zip(written, (nir[13:] for nir in nirs)))  # a key may stay (1 in 97)
    assert lines[start + 1] == "  nirsanscle      20  FR_NIR 20"
    assert re.fullmatch(rf"  cle +{changed}  FR_NIR keys \(of the NIRs rewritten by fpe\)", lines[start + 2])
    assert len(lines) == start + 3
