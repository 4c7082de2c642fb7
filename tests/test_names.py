"""Names are data too: identifiers in column names, Parquet metadata and file paths are found, reported with
``row`` -1, masked wherever a name is shown, and pseudonymised.

Every NIR is generated (:func:`tests.strategies.generated_nirs`); a test never types one.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import jsonschema
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leakguard import pseudonymise_file
from leakguard.config import Config
from leakguard.detect import names
from leakguard.detect.names import NAME_ROW, PATH_COLUMN, describe, metadata_location
from leakguard.hook import format_report, run_hook
from leakguard.preview import mask
from leakguard.pseudonymise.files import VerificationFailed
from leakguard.pseudonymise.operators import TokenOperator
from leakguard.scan import DetectOptions, scan_path
from leakguard.sources.base import Problem
from leakguard.suppress import FindingFilter
from recognizers import nir
from tests.strategies import generated_nirs

NIRS = generated_nirs(47, 12)
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def raw_in(text: str, nirs: list[str] = NIRS) -> list[str]:
    return [n for n in nirs if n in text]


def findings_of(path: Path) -> list[dict]:
    out: list[dict] = []
    for item in scan_path(str(path), options=DetectOptions(ner=False)):
        if not isinstance(item, Problem):
            out.extend(item[1].to_pylist())
    return out


# --- column names and metadata ---------------------------------------------------------------------------------


def parquet_with_names(path: Path) -> Path:
    """A Parquet file whose names and metadata hold NIRs: a column name, a nested field, file and field
    metadata (key and value); its cells hold none."""
    a, b, c, d, e = NIRS[:5]
    schema = pa.schema(
        [
            pa.field(f"col_{a}", pa.int64(), metadata={b"note": f"patient {b}".encode()}),
            pa.field("beneficiary", pa.struct([pa.field(f"x_{c}", pa.string())])),
        ],
        metadata={b"export": f"dossier {d}".encode(), f"k_{e}".encode(): b"v"},
    )
    table = pa.table([pa.array([1, 2]), pa.array([{f"x_{c}": "rien"}, None])], schema=schema)
    pq.write_table(table, path, compression="none")
    return path


def test_identifiers_in_names_and_metadata_are_findings_at_row_minus_one(tmp_path):
    path = parquet_with_names(tmp_path / "export.parquet")
    a, b, c, d, e = NIRS[:5]
    found = {(f["column"], f["entity"], f["row"], f["start"], f["end"], f["preview"]) for f in findings_of(path)}
    assert found == {
        (f"col_{a}", "FR_NIR", NAME_ROW, 4, 19, mask("FR_NIR", a)),
        (f"col_{a}<metadata:note>", "FR_NIR", NAME_ROW, 8, 23, mask("FR_NIR", b)),
        (f"beneficiary.x_{c}", "FR_NIR", NAME_ROW, 2, 17, mask("FR_NIR", c)),
        ("<metadata:export>", "FR_NIR", NAME_ROW, 8, 23, mask("FR_NIR", d)),
        ("<metadata key>", "FR_NIR", NAME_ROW, 2, 17, mask("FR_NIR", e)),
    }


@pytest.mark.parametrize(("name", "text"), [
    ("nir.csv", "id;nir_{0}\n1;rien\n"),
    ("events.jsonl", '{{"id": 1, "{0}": {{"statut": "ok"}}}}\n'),
])
def test_a_nir_in_a_csv_header_or_a_json_key_is_a_finding(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text.format(NIRS[0]))
    found = findings_of(path)
    assert [(f["row"], f["entity"], f["preview"]) for f in found] == [(NAME_ROW, "FR_NIR", mask("FR_NIR", NIRS[0]))]


def test_pseudonymise_rewrites_names_and_metadata_and_keeps_them_consistent(tmp_path, key):
    a = NIRS[0]
    frame = pd.DataFrame({f"col_{a}": [1, 2], "nir": [a, NIRS[1]]})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**table.schema.metadata, b"export": f"patient {a}".encode()})
    source = tmp_path / "dump.parquet"
    pq.write_table(table, source, compression="none")
    out = tmp_path / "out.parquet"
    report = pseudonymise_file(source, out, key, ner=False, verify=True)
    assert report.verified
    assert not raw_in(out.read_bytes().decode("latin-1")), "a NIR is left in the file's bytes"
    token = TokenOperator("FR_NIR", key).apply_one(a)
    written = pq.read_table(out)
    assert written.column_names == [f"col_{token}", "nir"]
    assert written.column("nir")[0].as_py() == token  # one person, one token: in a cell and in a name
    assert written.schema.metadata[b"export"] == f"patient {token}".encode()
    assert list(pd.read_parquet(out).columns) == [f"col_{token}", "nir"]  # pandas metadata follows
    assert not findings_of(out)


def test_nested_names_and_field_metadata_are_rewritten_in_place(tmp_path, key):
    source = parquet_with_names(tmp_path / "export.parquet")
    out = tmp_path / "out.parquet"
    pseudonymise_file(source, out, key, ner=False, verify=True)
    schema = pq.read_schema(out)
    text = str(schema) + json.dumps({k.decode(): v.decode() for k, v in (schema.metadata or {}).items()
                                     if k != b"ARROW:schema"})
    assert not raw_in(text) and not raw_in(out.read_bytes().decode("latin-1"))
    assert pq.read_table(out).column(1).to_pylist() == [{schema.field(1).type[0].name: "rien"}, None]


def test_a_csv_header_is_pseudonymised_with_the_rest_of_the_header_kept(tmp_path, key):
    source = tmp_path / "export.csv"
    source.write_text(f"id;nir_{NIRS[0]};ville\n1;{NIRS[1]};Paris\n")
    out = tmp_path / "out.csv"
    pseudonymise_file(source, out, key, ner=False, verify=True)
    token = TokenOperator("FR_NIR", key).apply_one
    assert out.read_text() == f"id;nir_{token(NIRS[0])};ville\n1;{token(NIRS[1])};Paris\n"


def test_verify_catches_a_nir_left_in_a_name(tmp_path, key):
    source = tmp_path / "events.jsonl"  # JSON keys are reported but not rewritten
    source.write_text(json.dumps({NIRS[0]: "ok"}) + "\n")
    with pytest.raises(VerificationFailed) as failed:
        pseudonymise_file(source, tmp_path / "out.jsonl", key, ner=False, verify=True)
    assert failed.value.report.remaining["FR_NIR"] == 1
    assert failed.value.report.examples[0].row == NAME_ROW
    assert not (tmp_path / "out.jsonl").exists()


# --- file paths ------------------------------------------------------------------------------------------------


@pytest.fixture
def named_after_nirs(tmp_path: Path) -> Path:
    """A directory with a clean file named after a NIR and a leaky file in a directory named after another."""
    root = tmp_path / "exports"
    (root / NIRS[2]).mkdir(parents=True)
    (root / f"{NIRS[3]}.csv").write_text("id;ville\n1;Paris\n")
    (root / NIRS[2] / "claims.csv").write_text(f"id;nir\n1;{NIRS[4]}\n")
    return root


def run_scan(run_cli, *args: str):
    result = run_cli("scan", "--no-ner", "--no-config", *args)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "sarif"])
def test_a_file_named_after_a_nir_is_a_finding_masked_in_every_format(named_after_nirs, run_cli, fmt):
    code, out, err = run_scan(run_cli, str(named_after_nirs), "--format", fmt)
    assert code == 1
    assert not raw_in(out + err)
    assert mask("FR_NIR", NIRS[3]) in out and mask("FR_NIR", NIRS[2]) in out
    if fmt == "sarif":
        schema = json.loads(SARIF_SCHEMA.read_text())
        jsonschema.validators.validator_for(schema)(schema).validate(json.loads(out))
    if fmt == "jsonl":
        records = [json.loads(line) for line in out.splitlines()]
        on_path = [r for r in records if r["type"] == "finding" and r["column"] == PATH_COLUMN]
        assert {(r["row"], r["entity"]) for r in on_path} == {(NAME_ROW, "FR_NIR")}
        assert len(on_path) == 2  # the clean file's name, and the directory of the leaky one


def test_show_values_shows_the_names_as_they_are(named_after_nirs, run_cli):
    _, out, _ = run_scan(run_cli, str(named_after_nirs), "--format", "jsonl", "--show-values")
    assert NIRS[3] in out and NIRS[2] in out


def test_the_hook_and_the_baseline_mask_names(named_after_nirs, tmp_path, monkeypatch, run_cli):
    paths = sorted(str(p) for p in named_after_nirs.rglob("*.csv"))
    result = run_hook(paths, DetectOptions(ner=False, show_values=True), FindingFilter(Config()))
    out, err = format_report(result)
    text = "\n".join(out + err)
    assert "FR_NIR ×1 at the file name (" in text and not raw_in(text)
    monkeypatch.chdir(tmp_path)
    result = run_cli("baseline", "--no-config", "--no-ner", str(named_after_nirs))
    assert result.exit_code == 0, result.stderr
    baseline = (tmp_path / ".leakguard-baseline.json").read_text()
    assert not raw_in(baseline + result.stderr) and mask("FR_NIR", NIRS[3]) in baseline
    result = run_cli("scan", "--no-ner", "--no-config", "--baseline", ".leakguard-baseline.json",
                     str(named_after_nirs))
    assert result.exit_code == 0, result.stdout  # the baselined names are known


def test_describe_says_where_a_name_finding_is():
    assert describe(PATH_COLUMN) == "the file name"
    assert describe("nir") == "the name of column nir"
    assert describe(metadata_location("pandas")) == "metadata pandas of the file"
    assert describe(metadata_location(None, "a.b")) == "a metadata key of column a.b"


def corrupt(path: Path) -> Path:
    path.write_bytes(b"PAR1 not really parquet PAR1")
    return path


def test_file_names_with_newlines_or_escape_sequences_are_escaped_in_every_message(tmp_path, run_cli, key_file):
    bad = corrupt(tmp_path / f"dump\n{NIRS[5]}\x1b[31m.parquet")
    code, out, err = run_scan(run_cli, str(bad))
    assert code == 2
    assert "\x1b" not in out + err and "dump\\n" in err and "\\x1b[31m" in err
    assert len(err.strip().splitlines()) == 1 and not raw_in(out + err)
    result = run_cli("pseudonymise", str(bad), str(tmp_path / "out.parquet"), "--key-file", str(key_file))
    message = result.stderr.strip().splitlines()[-1]
    assert result.exit_code == 2 and message.startswith("leakguard: error: ") and "dump\\n" in message
    assert "\x1b" not in result.stderr and not raw_in(result.stderr)


def test_an_undecodable_file_name_is_shown_with_escapes(tmp_path):
    if sys.platform == "darwin":
        pytest.skip("macOS file systems refuse names that are not UTF-8")
    directory = os.fsencode(tmp_path)
    raw = directory + b"/" + NIRS[6].encode() + b"\xff.csv"
    with open(raw, "wb") as handle:
        handle.write(b"id;ville\n1;Paris\n")
    command = [sys.executable, "-m", "leakguard", "scan", "--no-config", "--no-ner", "--format", "jsonl",
               os.fsdecode(directory)]
    done = subprocess.run(command, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    text = done.stdout.decode("utf-8")
    assert done.returncode == 1 and "\\xff.csv" in text and not raw_in(text)


def test_names_met_together_are_profiled_like_a_column():
    """A directory of invoices named after their 15-digit numbers is not a directory of NIRs (about 1 in 97
    passes the key by chance); one file named after a NIR is one."""
    rng = random.Random(61)
    numbers = [str(rng.randint(10**14, 10**15 - 1)) for _ in range(3000)]
    passing = [n for n in numbers if nir.is_valid(n)]
    assert passing  # the decoys this test is about
    paths = [f"factures/{n}.csv" for n in numbers]
    names.learn(paths, paths=True)
    assert not [p for p in paths if names.path_findings(p).num_rows]
    alone = f"exports/{NIRS[7]}.csv"
    names.learn([alone], paths=True)
    assert names.path_findings(alone).column("entity").to_pylist() == ["FR_NIR"]
