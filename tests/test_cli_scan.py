"""`leakguard scan` from the command line: formats, options, exit codes, bad input, progress.

Every file here is generated: NIRs with computed keys (tests.strategies.make_nir), synthetic tables.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from leakguard.cli import cli
from leakguard.pseudonymise import atomic
from leakguard.sources.sniff import detect_encoding
from recognizers import nir
from tests.strategies import random_nir

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def generated_nirs(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        number = random_nir(rng)
        if nir.is_valid(number):
            out.append(number)
    return out


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    people = generated_nirs(6)
    rng = random.Random(1)
    paths = {}
    paths["csv"] = tmp_path / "beneficiaires.csv"
    paths["csv"].write_text(
        "N° Sécurité Sociale;Prénom;montant\n" + "".join(f"{nir.format(v)};Élodie;12,50\n" for v in people[:3]),
        encoding="utf-8-sig",
    )
    paths["parquet"] = tmp_path / "dump.parquet"
    pq.write_table(pa.table({"c0": [int(v) for v in people[3:5]], "ref": ["A-1", "A-2"]}), paths["parquet"])
    paths["log"] = tmp_path / "app.log"
    paths["log"].write_text(
        "".join(f"2026-02-01T10:00:0{i}Z INFO order={rng.randrange(10**14, 10**15)} ok\n" for i in range(5))
        + f"2026-02-01T10:00:09Z WARN rejet PEC nir={people[5]}\n"
    )
    paths["clean"] = tmp_path / "factures.csv"
    paths["clean"].write_text("facture;montant\n" + "".join(f"F-{i};{i},00\n" for i in range(5)))
    paths["values"] = people  # type: ignore[assignment]
    return paths


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["scan", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def no_raw_value(text: str, values: list[str]) -> bool:
    squeezed = text.replace(" ", "").replace("\u00a0", "")
    return not any(v in squeezed or v in text for v in values)


def test_exit_0_when_nothing_is_found(files):
    assert run(str(files["clean"]))[0] == 0


def test_exit_1_with_findings_and_the_table_shows_masked_values_only(files):
    code, out, _ = run(str(files["csv"]), str(files["parquet"]), str(files["log"]), "--no-ner")
    assert code == 1
    assert "FR_NIR" in out and "N° Sécurité Sociale" in out and "•" in out
    assert no_raw_value(out, files["values"])


def test_jsonl_has_the_contract_fields_errors_and_a_last_summary(files, tmp_path):
    code, out, err = run(str(files["csv"]), str(files["log"]), str(tmp_path / "missing.csv"),
                         "--format", "jsonl", "--no-ner")
    assert code == 2
    records = [json.loads(line) for line in out.splitlines()]
    findings = [r for r in records if r["type"] == "finding"]
    assert {k for f in findings for k in f} == {"type", "path", "row", "column", "start", "end", "entity", "score",
                                                 "preview"}
    log = [f for f in findings if f["path"] == str(files["log"]) and f["entity"] == "FR_NIR"]
    assert [(f["row"], f["column"]) for f in log] == [(5, None)]
    line = files["log"].read_text().splitlines()[5]
    assert line[log[0]["start"]:log[0]["end"]] == files["values"][5]
    errors = [r for r in records if r["type"] == "error"]
    assert [e["path"] for e in errors] == [str(tmp_path / "missing.csv")]
    assert records[-1]["type"] == "summary"
    assert "missing.csv" in err and "Traceback" not in err
    assert no_raw_value(out + err, files["values"])


def test_json_is_one_document(files):
    code, out, _ = run(str(files["csv"]), "--format", "json", "--no-ner")
    document = json.loads(out)
    assert code == 1 and document["files"][0]["path"] == str(files["csv"])


def test_sarif_is_valid_against_the_official_schema(files):
    code, out, _ = run(str(files["csv"]), str(files["log"]), "--format", "sarif", "--no-ner")
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(json.loads(out))
    assert code == 1 and no_raw_value(out, files["values"])


def test_output_file_is_written_whole_and_stdout_stays_empty(files, tmp_path):
    target = tmp_path / "report.jsonl"
    code, out, _ = run(str(files["csv"]), "--format", "jsonl", "--output", str(target), "--no-ner")
    assert code == 1 and out == ""
    assert json.loads(target.read_text().splitlines()[-1])["type"] == "summary"
    assert not [p for p in tmp_path.iterdir() if atomic.is_temporary(p.name)]


def test_entities_exclusions_and_min_score(files):
    def entities(*extra: str) -> set[str]:
        _, out, _ = run(str(files["csv"]), "--format", "jsonl", "--no-ner", *extra)
        return {r["entity"] for r in map(json.loads, out.splitlines()) if r["type"] == "finding"}

    assert entities() == {"FR_NIR", "PERSON"}
    assert entities("--entities", "FR_NIR") == {"FR_NIR"}
    assert entities("--exclude-entities", "person") == {"FR_NIR"}
    assert entities("--min-score", "0.9") == {"FR_NIR"}  # names from a column hint score 0.8


def test_an_unknown_entity_is_a_usage_error(files):
    code, _, err = run(str(files["csv"]), "--entities", "FR_NIRR")
    assert code == 2 and "FR_NIRR" in err


def test_show_values_is_the_only_way_to_see_raw_values(files):
    _, out, _ = run(str(files["csv"]), "--format", "jsonl", "--no-ner", "--show-values")
    shown = [r["value"] for r in map(json.loads, out.splitlines()) if r.get("entity") == "FR_NIR"]
    assert shown == [nir.format(v) for v in files["values"][:3]]


def test_batches_and_jobs_do_not_change_the_findings(files):
    base = run(str(files["log"]), "--format", "jsonl", "--no-ner")[1].splitlines()[:-1]
    other = run(str(files["log"]), "--format", "jsonl", "--no-ner", "--batch-rows", "1000", "--jobs", "2")
    assert other[1].splitlines()[:-1] == base


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    bad = {}
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"x": list(range(1000))}), good)
    bad["truncated parquet"] = tmp_path / "truncated.parquet"
    bad["truncated parquet"].write_bytes(good.read_bytes()[:-100])
    bad["corrupt parquet"] = tmp_path / "corrupt.parquet"
    bad["corrupt parquet"].write_bytes(b"PAR1" + os.urandom(2000) + b"PAR1")
    bad["truncated gzip"] = tmp_path / "cut.log.gz"
    bad["truncated gzip"].write_bytes(gzip.compress(b"ligne\n" * 50_000)[:-2000])
    bad["empty gzip"] = tmp_path / "empty.csv.gz"
    bad["empty gzip"].write_bytes(gzip.compress(b"")[:-8])  # without its end: nothing, and cut short
    bad["binary"] = tmp_path / "photo.png"
    bad["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    bad["missing"] = tmp_path / "absent.jsonl"
    return bad


def test_every_bad_input_is_one_line_on_stderr_an_error_record_and_exit_2_and_others_are_still_scanned(
    files, tmp_path
):
    bad = _bad_inputs(tmp_path)
    code, out, err = run(*map(str, bad.values()), str(files["csv"]), "--format", "jsonl", "--no-ner")
    assert code == 2
    records = [json.loads(line) for line in out.splitlines()]
    error_paths = {r["path"] for r in records if r["type"] == "error"}
    assert error_paths == {str(p) for p in bad.values()}
    assert any(r["type"] == "finding" and r["path"] == str(files["csv"]) for r in records)
    lines = [line for line in err.splitlines() if line.strip()]
    for path in bad.values():
        assert sum(str(path) in line for line in lines) == 1, (path, lines)
    assert "Traceback" not in err


def test_invalid_utf8_in_a_text_file_is_read_as_cp1252_not_rejected(tmp_path):
    (value,) = generated_nirs(1, seed=9)
    path = tmp_path / "export.csv"
    path.write_bytes("nir;prénom\n".encode() + f"{value};Hélène\n".encode("cp1252"))
    code, out, _ = run(str(path), "--format", "jsonl", "--no-ner")
    assert code == 1
    assert any(json.loads(line).get("entity") == "FR_NIR" for line in out.splitlines())


@pytest.mark.parametrize(("data", "encoding"), [
    ("Hélène née le 12/03/1961 à Évreux\n".encode() + "réglé…\n".encode("cp1252"), "utf-8"),  # stray bytes
    ("Hélène née le 12/03/1961 à Évreux\n".encode("cp1252"), "cp1252"),
    ("réglé\n".encode("cp1252") + "Hélène\n".encode(), "cp1252"),  # as many stray bytes as UTF-8 accents
    ("Ã© is mojibake, then: é".encode("cp1252"), "cp1252"),
])
def test_the_encoding_is_what_most_of_the_bytes_say(data, encoding):
    assert detect_encoding(data, complete=True) == encoding


def test_a_small_utf8_file_with_a_stray_cp1252_byte_is_read_as_utf8(tmp_path):
    """The stray byte alone is read as cp1252 (a warning says where); the UTF-8 text around it is not cut."""
    path = tmp_path / "note.txt"
    path.write_bytes("Patiente Hélène DUPONT née le 12/03/1961, suivie à l'hôpital.\n".encode()
                     + "Rapport établi… fin\n".encode("cp1252"))
    code, out, err = run(str(path), "--format", "jsonl", "--no-ner", "--show-values")
    found = {(r["entity"], r["value"]) for r in map(json.loads, out.splitlines()) if r["type"] == "finding"}
    assert code == 2 and found == {("PERSON", "Hélène DUPONT"), ("DATE_OF_BIRTH", "12/03/1961")}  # 2: warned
    assert "not valid UTF-8 (first at byte 75) were read as cp1252" in err


def test_a_line_of_50_mb_is_scanned_whole_with_offsets_in_the_line(tmp_path):
    (value,) = generated_nirs(1, seed=10)
    path = tmp_path / "huge.log"
    records = ",".join(['{"c": "' + "x" * 1000 + '"}'] * (50 * 1024 * 1024 // 1012))
    payload = f'payload=[{records},{{"nir": "{value}"}}]'
    with path.open("w") as out:
        out.write(f"début\n{payload}\nnir={value}\n")
    code, stdout, err = run(str(path), "--format", "jsonl", "--no-ner")
    findings = [json.loads(line) for line in stdout.splitlines()]
    assert code == 1 and not err
    assert [(f["row"], f["start"], f["end"]) for f in findings if f["type"] == "finding"] == [
        (1, payload.index(value), payload.index(value) + 15), (2, 4, 19)]
    assert not [f for f in findings if f["type"] == "error"]


@pytest.mark.parametrize("name", ["export.jsonl", "export.ndjson", "export.json", "export"])
def test_json_lines_whose_first_record_is_over_a_mebibyte_report_their_fields(tmp_path, name):
    """The sniffer's sample holds none of the first line: the file is still JSON lines, not CSV or text."""
    (value,) = generated_nirs(1, seed=11)
    path = tmp_path / name
    path.write_text(json.dumps({"id": 1, "piece_jointe": "QUJD" * (512 * 1024)}) + "\n"
                    + json.dumps({"id": 2, "nir": value}) + "\n", encoding="utf-8")
    code, out, err = run(str(path), "--format", "jsonl", "--no-ner")
    findings = [r for r in map(json.loads, out.splitlines()) if r["type"] == "finding"]
    assert code == 1 and not err
    assert [(f["row"], f["column"], f["entity"], f["start"], f["end"]) for f in findings] == [
        (1, "nir", "FR_NIR", 0, 15)]


@pytest.mark.parametrize(("name", "content", "code"), [
    ("export.csv", "", 0), ("export.tsv", "", 0), ("header.csv", "nir;prénom\n", 0), ("events.jsonl", "", 0),
    ("export.json", "", 0), ("notes.txt", "", 0), ("app.log", "", 0), ("dump.sql", "", 0),
    ("export.csv.gz", "", 0), ("notes.txt.gz", "", 0), ("dump.sql.gz", "", 0), ("header.csv.gz", "nir;prénom\n", 0),
    # 0 bytes cannot be a Parquet file nor a gzip stream: cut short
    ("cut.parquet", None, 2), ("cut.csv.gz", None, 2),
])
def test_an_empty_text_file_compressed_or_not_is_zero_records_without_an_error(tmp_path, name, content, code):
    path = tmp_path / name
    data = b"" if content is None else content.encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") and content is not None else data)
    status, out, err = run(str(path), "--format", "jsonl", "--no-ner")
    records = [json.loads(line) for line in out.splitlines()]
    assert status == code
    assert records[-1]["type"] == "summary" and records[-1]["records"] == 0
    if code == 0:
        assert not err and len(records) == 1 and records[-1]["errors"] == 0
    else:
        assert err == f"leakguard: error: {path}: empty file; cut short?\n"


def test_an_unreadable_file_is_an_error_not_a_crash(tmp_path, monkeypatch):
    path = tmp_path / "secret.csv"
    path.write_text("a;b\n1;2\n")
    real_open = open

    def refuse(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    code, _, err = run(str(path), "--format", "jsonl", "--no-ner")
    assert code == 2 and "secret.csv" in err and "Traceback" not in err


def test_progress_is_shown_on_a_terminal_and_nothing_on_a_pipe(files):
    import pty

    command = [sys.executable, "-m", "leakguard", "scan", "--no-ner", str(files["log"])]
    piped = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 1 and piped.stderr == ""
    # the same command with standard error on a terminal: rich draws its progress display there
    primary, secondary = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=secondary, stdin=subprocess.DEVNULL,
                               env={**os.environ, "TERM": "xterm", "COLUMNS": "100"})
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=120) == 1
    drawn = b"".join(chunks).decode(errors="replace")
    assert "scanning" in drawn or "\x1b[" in drawn


def test_an_excel_csv_with_a_sep_line_is_read_with_its_real_header(tmp_path):
    people = generated_nirs(2, seed=12)
    path = tmp_path / "export_excel.csv"
    path.write_bytes(("sep=;\r\nN° SS;Nom\r\n" + "".join(f"{nir.format(p)};Durand\r\n" for p in people))
                     .encode("cp1252"))
    code, out, _ = run(str(path), "--format", "jsonl", "--no-ner")
    findings = [r for r in map(json.loads, out.splitlines()) if r["type"] == "finding"]
    assert code == 1
    assert {(f["row"], f["column"], f["entity"]) for f in findings} == {
        (0, "N° SS", "FR_NIR"), (1, "N° SS", "FR_NIR"), (0, "Nom", "PERSON"), (1, "Nom", "PERSON")}
    target = tmp_path / "pseudo.csv"
    result = CliRunner().invoke(cli, ["pseudonymise", str(path), str(target), "--no-ner"],
                                env={"LEAKGUARD_KEY": "ab" * 32}, catch_exceptions=False)
    assert result.exit_code == 0
    written = target.read_bytes().decode("cp1252").split("\r\n")
    assert written[:2] == ["sep=;", "N° SS;Nom"] and written[2].startswith("NIR_")
