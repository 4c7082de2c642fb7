"""Arrow IPC (file and stream, Feather v2) and ORC files: scanned like the same table as Parquet, and
pseudonymised into the same format.

One generated table (:func:`table`: names, NIRs as strings, as int64 and dictionary-encoded, a nested struct,
nulls) is written with pyarrow in each format, in batches or stripes that do not match ``batch_rows``; its
findings must be those of the same table written as Parquet. Every identifier is generated
(:func:`synthetic.tables.beneficiary_table`, :func:`tests.strategies.generated_nirs`), never typed.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest

from leakguard import pseudonymise_file
from leakguard.detect.engine import DetectOptions
from leakguard.pseudonymise import files as pseudonymise_files
from leakguard.pseudonymise.files import PseudonymiseError
from leakguard.scan import scan_path
from leakguard.sources import SourceError, open_source
from leakguard.sources.base import Problem
from synthetic.tables import beneficiary_table
from tests.strategies import generated_nirs

ROWS = 300
BATCH_ROWS = 64
#: Columns that hold identifiers (replaced); the others must come out unchanged.
IDENTIFIERS = ("nom", "prenom", "nir", "c_12", "dossier", "assure")
DICTIONARY_NIRS = generated_nirs(41, 12)


def table() -> pa.Table:
    """Beneficiaries with a dictionary-encoded NIR column (12 NIRs, in turn), a struct, and nulls."""
    base, _ = beneficiary_table(ROWS, seed=23)
    dossier = pa.array([DICTIONARY_NIRS[i % len(DICTIONARY_NIRS)] if i % 7 else None for i in range(ROWS)])
    assure = pa.StructArray.from_arrays([base["nir"].combine_chunks(), base["nom"].combine_chunks()],
                                        names=["nir", "nom"], mask=pa.array([i % 11 == 0 for i in range(ROWS)]))
    columns = base.select(["nom", "prenom", "nir", "c_12", "organisme", "montant", "code_postal"])
    columns = columns.append_column("dossier", dossier.dictionary_encode())
    return columns.append_column("assure", assure).replace_schema_metadata({"export": "crm 2025"})


def decoded(data: pa.Table) -> pa.Table:
    """``data`` without dictionary encoding (ORC has none)."""
    return data.set_column(data.schema.get_field_index("dossier"), "dossier", data["dossier"].cast(pa.string()))


def write_ipc_file(data: pa.Table, path: Path) -> None:
    feather.write_feather(data, path, chunksize=100)  # Feather v2: LZ4-compressed buffers


def write_ipc_stream(data: pa.Table, path: Path) -> None:
    with ipc.new_stream(path, data.schema) as writer:
        writer.write_table(data, max_chunksize=100)


def write_orc(data: pa.Table, path: Path) -> None:
    orc.write_table(decoded(data), path, stripe_size=4096, batch_size=50)


def gzipped(write: Callable[[pa.Table, Path], None]) -> Callable[[pa.Table, Path], None]:
    def write_gzip(data: pa.Table, path: Path) -> None:
        plain = path.with_suffix("")
        write(data, plain)
        path.write_bytes(gzip.compress(plain.read_bytes()))
        plain.unlink()

    return write_gzip


def read_ipc_file(path: Path) -> pa.Table:
    return ipc.open_file(path).read_all()


def read_ipc_stream(path: Path) -> pa.Table:
    return ipc.open_stream(path).read_all()


#: name -> (file name, writer, reader of an uncompressed output, ORC-like: no dictionaries, no metadata)
FORMATS = {
    "arrow file": ("export.arrow", write_ipc_file, read_ipc_file, False),
    "feather": ("export.feather", write_ipc_file, read_ipc_file, False),
    "arrow stream": ("export.arrows", write_ipc_stream, read_ipc_stream, False),
    "orc": ("export.orc", write_orc, orc.read_table, True),
    "arrow file, gzip": ("export.arrow.gz", gzipped(write_ipc_file), None, False),
    "arrow stream, gzip": ("export.arrows.gz", gzipped(write_ipc_stream), None, False),
    "orc, gzip": ("export.orc.gz", gzipped(write_orc), None, True),
}
PLAIN = [name for name, spec in FORMATS.items() if spec[2] is not None]


def written(kind: str, directory: Path) -> Path:
    name, write, _, _ = FORMATS[kind]
    path = directory / name
    write(table(), path)
    return path


def parquet_twin(kind: str, directory: Path) -> Path:
    """The same table as Parquet (without dictionaries for ORC, as ORC reads back)."""
    path = directory / "twin.parquet"
    pq.write_table(decoded(table()) if FORMATS[kind][3] else table(), path)
    return path


def findings(path: Path) -> set[tuple[int, str | None, int, int, str]]:
    out = set()
    for item in scan_path(str(path), options=DetectOptions(ner=False), batch_rows=BATCH_ROWS):
        if isinstance(item, Problem):
            raise AssertionError(item.message)
        found = item[1]
        out |= set(zip(*(found[c].to_pylist() for c in ("row", "column", "start", "end", "entity"))))
    return out


def cli_findings(run_cli: Callable, path: Path) -> tuple[int, list[tuple]]:
    result = run_cli("scan", str(path), "--format", "jsonl", "--no-ner")  # --batch-rows is 1000 at least
    records = [json.loads(line) for line in result.stdout.splitlines()]
    found = sorted((r["row"], r["column"], r["start"], r["end"], r["entity"]) for r in records
                   if r["type"] == "finding")
    return result.exit_code, found


@pytest.mark.parametrize("kind", list(FORMATS))
def test_the_format_is_told_and_read_in_bounded_chunks(kind, tmp_path):
    path = written(kind, tmp_path)
    with open_source(path, batch_rows=BATCH_ROWS) as source:
        assert source.info.format == ("orc" if FORMATS[kind][3] else "arrow")
        assert source.info.schema is not None and "assure" in source.info.schema.names
        sizes = [len(chunk.rows) for chunk in source.chunks() if not isinstance(chunk, Problem)]
    assert sum(sizes) == ROWS and max(sizes) <= BATCH_ROWS and len(sizes) > 1
    if "stream" not in kind:
        assert source.info.extra["num_rows"] == ROWS


@pytest.mark.parametrize("kind", list(FORMATS))
def test_scan_finds_what_it_finds_in_the_same_table_as_parquet(kind, tmp_path, run_cli):
    path, twin = written(kind, tmp_path), parquet_twin(kind, tmp_path)
    expected = findings(twin)
    assert {entity for *_, entity in expected} >= {"FR_NIR", "PERSON"}
    assert {column for _, column, *_ in expected} >= {"nir", "c_12", "dossier", "assure.nir"}
    assert findings(path) == expected
    code, found = cli_findings(run_cli, path)
    assert code == 1 and found == sorted(expected)


@pytest.mark.parametrize("kind", list(FORMATS))
def test_pseudonymise_writes_the_same_format_with_the_identifiers_replaced(kind, key, tmp_path):
    name, _, read, orc_like = FORMATS[kind]
    path = written(kind, tmp_path)
    out = tmp_path / f"out-{name}"
    report = pseudonymise_file(path, out, key, ner=False, verify=True, batch_rows=BATCH_ROWS)
    assert report.verified and report.records == ROWS and report.replaced["FR_NIR"] > ROWS
    assert not {e for *_, e in findings(out)} & {"FR_NIR"}
    with open_source(out) as again:
        assert again.info.format == ("orc" if orc_like else "arrow")
        assert again.info.extra.get("ipc") == (None if orc_like else ("stream" if "stream" in kind else "file"))
    if read is None:  # compressed: the format and the findings are what is checked
        return
    before, after = table() if not orc_like else decoded(table()), read(out)
    assert after.schema.remove_metadata() == before.schema.remove_metadata()
    if not orc_like:
        assert after.schema.metadata[b"export"] == b"crm 2025" and b"leakguard" in after.schema.metadata
    for column in before.column_names:
        same = after[column].combine_chunks().equals(before[column].combine_chunks())
        assert same != (column in IDENTIFIERS), column
    data = out.read_bytes()  # uncompressed buffers: no original NIR anywhere, dictionaries included
    assert not [nir for nir in DICTIONARY_NIRS + before["nir"].to_pylist() if nir.encode() in data]


@pytest.mark.parametrize("kind", PLAIN)
def test_workers_write_the_same_bytes_as_one_process(kind, key, tmp_path, monkeypatch):
    monkeypatch.setattr(pseudonymise_files, "MIN_PARALLEL_BYTES", 0)
    path = written(kind, tmp_path)
    one, two = tmp_path / f"one-{path.name}", tmp_path / f"two-{path.name}"
    pseudonymise_file(path, one, key, ner=False, batch_rows=BATCH_ROWS)
    pseudonymise_file(path, two, key, ner=False, batch_rows=BATCH_ROWS, jobs=2)
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.parametrize("kind", PLAIN)
@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_a_truncated_file_is_one_line_naming_it_and_exit_2(kind, keep, tmp_path, run_cli):
    path = written(kind, tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    result = run_cli("scan", str(path), "--no-ner")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert len(lines) == 1 and str(path) in lines[0] and "corrupt or truncated" in lines[0], lines
    with pytest.raises(SourceError, match=r"corrupt or truncated (Arrow IPC|ORC)"), open_source(path) as source:
        list(source.chunks())


@pytest.mark.parametrize(("kind", "output", "told"), [
    ("orc", "out.parquet", "name it out.orc"),
    ("arrow file", "out.orc", "name it out.arrow"),
    ("arrow stream", "out.feather.parquet", "name it out.feather.arrows"),
    ("orc, gzip", "out.orc", "name it out.orc.gz"),
])
def test_an_output_named_for_another_format_is_refused(kind, output, told, key, tmp_path):
    path = written(kind, tmp_path)
    with pytest.raises(PseudonymiseError, match=told):
        pseudonymise_file(path, tmp_path / output, key, ner=False)
    assert not (tmp_path / output).exists()


def test_the_cli_refuses_an_orc_file_into_a_parquet_name(key_file, tmp_path, run_cli):
    path = written("orc", tmp_path)
    result = run_cli("pseudonymise", str(path), str(tmp_path / "out.parquet"), "--key-file", str(key_file),
                     "--no-ner")
    assert result.exit_code == 2 and "keeps the input's format (ORC)" in result.stderr
    assert not (tmp_path / "out.parquet").exists()


@pytest.mark.parametrize(("content", "name", "told"), [
    (b"ORCID;nom\n0000-0002-1825-0097;Durand\n", "chercheurs.csv", "csv"),  # text that starts with ORC
    (b"ARROW1 started\n", "notes.txt", "text"),
])
def test_text_that_starts_like_a_magic_stays_text(content, name, told, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    with open_source(path) as source:
        assert source.info.format == told


def test_feather_v1_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "old.feather"
    with pytest.warns(DeprecationWarning):
        feather.write_feather(pa.table({"x": [1, 2]}), path, version=1)
    with pytest.raises(SourceError, match=r"Feather v1 .* write_feather"):
        open_source(path)


def test_a_dictionary_grows_by_deltas_and_holds_only_values_written(key, tmp_path):
    # the NIR of the first batch only: a slice of the later batches still carries it in its dictionary
    nirs = generated_nirs(43, 3)
    column = pa.array([nirs[0]] * 10 + [nirs[1]] * 90 + [nirs[2]] * 100).dictionary_encode()
    path = tmp_path / "dossiers.arrow"
    with ipc.new_file(path, pa.schema([("dossier", column.type), ("n", pa.int64())])) as writer:
        writer.write_table(pa.table({"dossier": column, "n": pa.array(range(200), pa.int64())}))
    out = tmp_path / "out.arrow"
    pseudonymise_file(path, out, key, ner=False, batch_rows=50, verify=True)
    written_column = ipc.open_file(out).read_all()["dossier"]
    assert pc.count_distinct(written_column.cast(pa.string())).as_py() == 3
    assert not [nir for nir in nirs if nir.encode() in out.read_bytes()]
