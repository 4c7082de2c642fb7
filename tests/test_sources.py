"""File readers: what comes out of a file is every cell, with its record index and its exact text.

Examples and bad inputs here; the generated round trips are in ``test_sources_properties.py``. All data is
generated (Faker ``fr_FR``, NIRs with computed keys from ``tests.strategies``), never typed.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import datetime as dt
import gzip
import io
import json
import lzma
import os
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from faker import Faker

from leakguard.sources import (
    CellColumn,
    Chunk,
    Problem,
    SourceError,
    delimited,
    flatten_batch,
    iter_files,
    open_source,
    rebuild_batch,
    record_indices,
    sniff,
    streams,
    table_to_columns,
)
from tests.strategies import make_nir, nir_written_forms

# --- helpers shared with test_sources_properties.py ------------------------------------------------------


def read_all(path: str | Path, **options) -> tuple[object, list[Chunk], list[Problem]]:
    """Open and read a whole file: its info, chunks and problems (in order)."""
    with open_source(path, **options) as source:
        items = list(source.chunks())
        info = source.info
    chunks = [item for item in items if isinstance(item, Chunk)]
    problems = [item for item in items if isinstance(item, Problem)]
    assert len(chunks) + len(problems) == len(items)
    return info, chunks, problems


def cells_of(columns: list[CellColumn]) -> dict[tuple[str, int], object]:
    """``{(column, row): value}``, failing if a cell appears twice."""
    cells: dict[tuple[str, int], object] = {}
    for column in columns:
        assert len(column.values) == len(column.rows), column.name
        assert column.rows.type == pa.int64()
        for value, row in zip(column.values.to_pylist(), column.rows.to_pylist(), strict=True):
            assert (column.name, row) not in cells, f"cell {column.name}[{row}] appears twice"
            cells[(column.name, row)] = value
    return cells


def all_cells(chunks: list[Chunk]) -> dict[tuple[str, int], object]:
    cells: dict[tuple[str, int], object] = {}
    for chunk in chunks:
        part = cells_of(chunk.columns)
        assert not set(part) & set(cells), "a cell appears in two chunks"
        cells.update(part)
    return cells


def all_rows(chunks: list[Chunk]) -> list[int]:
    return [row for chunk in chunks for row in chunk.rows.to_pylist()]


def reference_cells(table: pa.Table, row_offset: int = 0) -> dict[tuple[str, int], object]:
    """The cells of ``table`` by a plain Python walk of ``to_pylist()``: the oracle for the flattening."""
    cells: dict[tuple[str, int], object] = {}

    def walk(value: object, kind: pa.DataType, path: str, row: int) -> None:
        if pa.types.is_struct(kind):
            for field in kind:
                walk(None if value is None else value[field.name], field.type, f"{path}.{field.name}", row)
        elif pa.types.is_map(kind):
            for i, (key, item) in enumerate(value or []):
                walk(key, kind.key_type, f"{path}.{i}.key", row)
                walk(item, kind.item_type, f"{path}.{i}.value", row)
        elif pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
            for i, item in enumerate(value or []):
                walk(item, kind.value_type, f"{path}.{i}", row)
        elif not pa.types.is_null(kind):
            assert (path, row) not in cells
            cells[(path, row)] = value

    for i, record in enumerate(table.to_pylist()):
        for field in table.schema:
            walk(record[field.name], field.type, field.name, row_offset + i)
    return cells


def buffers_of(array: pa.Array) -> tuple:
    """Addresses of an array's buffers: equal tuples mean the very same memory."""
    return tuple((b.address, b.size) if b is not None else None for b in array.buffers()), array.offset


fake = Faker("fr_FR")
Faker.seed(20240501)


def generated_nirs(count: int, seed: int = 7) -> list[str]:
    rng = np.random.default_rng(seed)
    return [
        make_nir(
            str(rng.choice(list("12"))),
            int(rng.integers(0, 100)),
            int(rng.integers(1, 13)),
            f"{int(rng.integers(1, 96)):02d}{int(rng.integers(1, 999)):03d}",
            int(rng.integers(1, 1000)),
        )
        for _ in range(count)
    ]


def beneficiary_table(count: int) -> pa.Table:
    """A small beneficiary table with nested and typed columns."""
    nirs = generated_nirs(count)
    forms = [nir_written_forms(nir)[i % 3] for i, nir in enumerate(nirs)]
    return pa.table(
        {
            "nom": pa.array([fake.last_name() for _ in range(count)]),
            "prénom": pa.array([fake.first_name() for _ in range(count)], pa.large_string()),
            "ville": pa.array([fake.city() for _ in range(count)]).dictionary_encode(),
            "nir_int": pa.array([int(n) for n in nirs], pa.int64()),
            "naissance": pa.array([fake.date_of_birth() for _ in range(count)], pa.date32()),
            "maj": pa.array([dt.datetime(2024, 1, 1, i % 24) for i in range(count)], pa.timestamp("ms")),
            "montant": pa.array([i * 1.5 if i % 4 else None for i in range(count)], pa.float64()),
            "actif": pa.array([i % 3 == 0 for i in range(count)]),
            "beneficiary": pa.array(
                [None if i % 5 == 4 else {"nir": forms[i], "mail": fake.email()} for i in range(count)]
            ),
            "ayants_droit": pa.array(
                [[{"nir": n, "rang": r} for r, n in enumerate(nirs[i : i + i % 3])] or None for i in range(count)]
            ),
            "phones": pa.array([[fake.phone_number() for _ in range(i % 4)] for i in range(count)]),
        }
    )


# --- Parquet -----------------------------------------------------------------------------------------------


def test_parquet_every_cell_comes_out_once_with_its_record(tmp_path):
    table = beneficiary_table(53)
    path = tmp_path / "beneficiaires.parquet"
    pq.write_table(table, path, row_group_size=20)
    info, chunks, problems = read_all(path, batch_rows=16)
    assert info.format == "parquet" and not info.compressed and not problems
    assert info.schema == table.schema
    assert all(
        chunk.rows.to_pylist() == list(range(chunk.rows[0].as_py(), chunk.rows[0].as_py() + len(chunk.rows)))
        for chunk in chunks
    )
    assert all(len(chunk.rows) <= 16 for chunk in chunks)
    assert all_rows(chunks) == list(range(53))
    assert all_cells(chunks) == reference_cells(table)


def test_parquet_keeps_types_dictionaries_and_the_original_batch(tmp_path):
    table = beneficiary_table(30)
    path = tmp_path / "b.parquet"
    pq.write_table(table, path)
    _, chunks, _ = read_all(path)
    (chunk,) = chunks
    by_name = {column.name: column for column in chunk.columns}
    assert pa.types.is_dictionary(by_name["ville"].values.type)
    assert by_name["nir_int"].values.type == pa.int64()
    assert by_name["naissance"].values.type == pa.date32()
    assert by_name["prénom"].values.type == pa.large_string()
    assert "beneficiary.nir" in by_name and "ayants_droit.0.nir" in by_name and "phones.2" in by_name
    assert chunk.batch.equals(table.combine_chunks().to_batches()[0])
    # list positions repeat the parent record: each phones.1 row has at least two phones
    phones = table.column("phones").to_pylist()
    assert all(len(phones[row]) >= 2 for row in by_name["phones.1"].rows.to_pylist())


def test_gzipped_parquet_is_read_like_parquet(tmp_path):
    table = beneficiary_table(12)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    path = tmp_path / "dump.parquet.gz"
    path.write_bytes(gzip.compress(buffer.getvalue()))
    info, chunks, _ = read_all(path)
    assert info.format == "parquet" and info.compressed
    assert all_cells(chunks) == reference_cells(table)


def test_parquet_is_detected_by_content_not_extension(tmp_path):
    path = tmp_path / "export.csv"
    pq.write_table(pa.table({"a": ["x"]}), path)
    assert read_all(path)[0].format == "parquet"


# --- in-memory flattening and rebuilding -------------------------------------------------------------------


def test_table_to_columns_flattens_a_multi_chunk_table_with_offsets():
    table = beneficiary_table(40)
    chunked = pa.concat_tables([table.slice(0, 15), table.slice(15, 10), table.slice(25)])
    assert chunked.column("nom").num_chunks == 3
    assert cells_of(table_to_columns(chunked, row_offset=100)) == reference_cells(table, 100)
    batch = table.to_batches()[0]
    assert cells_of(table_to_columns(batch)) == reference_cells(table)


def test_table_to_columns_of_an_empty_table_gives_empty_columns():
    table = beneficiary_table(3).slice(0, 0)
    columns = table_to_columns(table)
    assert columns and all(len(column.values) == 0 for column in columns)


def test_flatten_batch_refuses_rows_of_another_length():
    batch = beneficiary_table(3).to_batches()[0]
    with pytest.raises(ValueError):
        flatten_batch(batch, record_indices(0, 2))


def test_null_struct_gives_null_fields_and_null_or_empty_lists_give_nothing():
    batch = pa.RecordBatch.from_pydict(
        {
            "s": pa.array([{"a": "x"}, None], pa.struct([("a", pa.string())])),
            "l": pa.array([None, []], pa.list_(pa.string())),
            "n": pa.array([None, None], pa.null()),
        }
    )
    cells = cells_of(flatten_batch(batch, record_indices(0, 2)))
    assert cells == {("s.a", 0): "x", ("s.a", 1): None}


def test_rebuild_batch_replaces_one_nested_leaf_and_shares_everything_else():
    batch = beneficiary_table(20).combine_chunks().to_batches()[0].slice(3, 14)
    columns = {c.name: c for c in flatten_batch(batch, record_indices(0, batch.num_rows))}
    masked = pc.utf8_upper(pc.fill_null(columns["beneficiary.nir"].values, "")).cast(pa.string())
    rebuilt = rebuild_batch(batch, {"beneficiary.nir": masked})
    assert rebuilt.schema == batch.schema
    assert rebuilt.num_rows == batch.num_rows
    for name in batch.schema.names:
        if name != "beneficiary":
            assert buffers_of(rebuilt.column(name)) == buffers_of(batch.column(name)), name
    struct, old = rebuilt.column("beneficiary"), batch.column("beneficiary")
    assert buffers_of(struct.field("mail")) == buffers_of(old.field("mail"))
    assert struct.is_valid().equals(old.is_valid())
    after = {c.name: c for c in flatten_batch(rebuilt, record_indices(0, rebuilt.num_rows))}
    assert after["beneficiary.nir"].values.to_pylist() == [
        None if valid is False else value
        for value, valid in zip(masked.to_pylist(), old.is_valid().to_pylist(), strict=True)
    ]
    for name, column in columns.items():
        if name != "beneficiary.nir":
            assert after[name].values.equals(column.values), name


def test_rebuild_batch_replaces_a_list_position_and_keeps_the_others():
    batch = beneficiary_table(30).combine_chunks().to_batches()[0]
    columns = {c.name: c for c in flatten_batch(batch, record_indices(0, batch.num_rows))}
    replacement = pa.array([f"X{i}" for i in range(len(columns["ayants_droit.1.nir"].values))])
    rebuilt = rebuild_batch(
        batch, {"ayants_droit.1.nir": replacement, "phones.0": pa.array(["0"] * len(columns["phones.0"].values))}
    )
    after = {c.name: c for c in flatten_batch(rebuilt, record_indices(0, rebuilt.num_rows))}
    assert rebuilt.schema == batch.schema
    assert after["ayants_droit.1.nir"].values.equals(replacement)
    assert after["ayants_droit.1.nir"].rows.equals(columns["ayants_droit.1.nir"].rows)
    assert set(after["phones.0"].values.to_pylist()) == {"0"}
    for name, column in columns.items():
        if name not in ("ayants_droit.1.nir", "phones.0"):
            assert after[name].values.equals(column.values), name
            assert after[name].rows.equals(column.rows), name
    assert buffers_of(rebuilt.column("nom")) == buffers_of(batch.column("nom"))


def test_rebuild_batch_rejects_unknown_paths_and_wrong_lengths():
    batch = beneficiary_table(5).combine_chunks().to_batches()[0]
    with pytest.raises(KeyError):
        rebuild_batch(batch, {"inconnu": pa.array(["x"] * 5)})
    with pytest.raises(ValueError):
        rebuild_batch(batch, {"nom": pa.array(["x"] * 4)})


def test_rebuild_batch_may_change_a_top_level_type():
    batch = beneficiary_table(5).combine_chunks().to_batches()[0]
    rebuilt = rebuild_batch(batch, {"nir_int": pa.array(["h"] * 5)})
    assert rebuilt.schema.field("nir_int").type == pa.string()
    assert rebuilt.schema.field("nom") == batch.schema.field("nom")


# --- CSV ---------------------------------------------------------------------------------------------------


def write_csv(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    delimiter: str,
    encoding: str,
    newline: str = "\r\n",
    gz: bool = False,
) -> None:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    data = text.getvalue().encode(encoding)
    path.write_bytes(gzip.compress(data) if gz else data)


def test_french_export_with_bom_semicolons_and_multiline_cells(tmp_path):
    nirs = generated_nirs(6)
    header = ["N° Sécurité Sociale", "Prénom", "Nom", "Commentaire"]
    rows = [
        [nir_written_forms(n)[1], fake.first_name(), fake.last_name(), f'{fake.sentence()}\n« {fake.word()} »; "ok"']
        for n in nirs
    ]
    path = tmp_path / "export.csv"
    write_csv(path, header, rows, ";", "utf-8-sig")
    info, chunks, problems = read_all(path)
    assert (info.format, info.encoding, info.delimiter, info.newline) == ("csv", "utf-8-sig", ";", "\r\n")
    assert not problems
    assert info.extra["header"] == header
    expected = {(header[c], r): value for r, row in enumerate(rows) for c, value in enumerate(row)}
    assert all_cells(chunks) == expected
    assert chunks[0].batch.schema.names == header


def test_csv_cells_stay_as_written(tmp_path):
    nir = generated_nirs(1)[0]
    rows = [["0612345678", nir_written_forms(nir)[1], "007", "", "  padded ", "1,50"]]
    path = tmp_path / "raw.csv"
    write_csv(path, ["tel", "nir", "code", "vide", "espaces", "montant"], rows, ";", "utf-8")
    _, chunks, _ = read_all(path)
    assert [c.values.to_pylist()[0] for c in chunks[0].columns] == rows[0]
    assert all(c.values.type == pa.string() for c in chunks[0].columns)


def test_cp1252_export_is_detected_and_decoded(tmp_path):
    header = ["Prénom", "Ville", "Garantie"]
    rows = [[fake.first_name(), fake.city(), "OPTI 200 € / 2 ans"] for _ in range(20)]
    rows[0][0] = "Hélène"
    path = tmp_path / "cp.csv"
    write_csv(path, header, rows, ";", "cp1252")
    info, chunks, problems = read_all(path)
    assert info.encoding == "cp1252" and not problems
    assert all_cells(chunks) == {(header[c], r): v for r, row in enumerate(rows) for c, v in enumerate(row)}


def test_utf8_file_with_cp1252_bytes_after_the_sample_falls_back_instead_of_failing(tmp_path, monkeypatch):
    monkeypatch.setattr(sniff, "SAMPLE_BYTES", 4096)
    monkeypatch.setattr(streams, "BLOCK_BYTES", 1000)
    header = ["nom", "ville"]
    filler = [[fake.last_name(), "Évry"] for _ in range(2_000)]  # more than the sniffer's sample
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\n").writerows([header, *filler])
    tail = "Hélène;Besançon\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.getvalue().encode("utf-8") + tail.encode("cp1252"))
    assert path.stat().st_size > sniff.SAMPLE_BYTES
    info, chunks, problems = read_all(path)
    assert info.encoding == "utf-8"
    assert [p.message for p in problems] == [problems[0].message] and "cp1252" in problems[0].message
    cells = all_cells(chunks)
    assert cells[("nom", 2_000)] == "Hélène" and cells[("ville", 2_000)] == "Besançon"
    assert cells[("ville", 0)] == "Évry"


@pytest.mark.parametrize("name", ["export.csv", "batch.log"])
def test_a_cp1252_file_ascii_up_to_past_the_sample_is_read_as_cp1252_without_a_warning(tmp_path, monkeypatch, name):
    monkeypatch.setattr(sniff, "SAMPLE_BYTES", 4096)
    monkeypatch.setattr(streams, "BLOCK_BYTES", 1000)
    filler = [line for line in (f"{fake.last_name().upper()};Evry" for _ in range(2_000)) if line.isascii()]
    path = tmp_path / name
    path.write_bytes("\n".join(["nom;ville", *filler, "HÉLÈNE;Besançon", ""]).encode("cp1252"))
    assert path.read_bytes().find(b"\xc9") > sniff.SAMPLE_BYTES
    info, chunks, problems = read_all(path)
    assert info.encoding == "cp1252" and not problems
    if name.endswith(".csv"):
        cells = all_cells(chunks)
        assert (cells[("nom", len(filler))], cells[("ville", len(filler))]) == ("HÉLÈNE", "Besançon")
    else:
        assert lines_read(chunks)[len(filler) + 1] == "HÉLÈNE;Besançon"


def test_duplicate_and_empty_header_names_are_renamed(tmp_path):
    path = tmp_path / "dup.csv"
    write_csv(path, ["Nom", "", "Nom", "col_2"], [["a", "b", "c", "d"]], ",", "utf-8")
    info, chunks, _ = read_all(path)
    assert info.extra["header"] == ["Nom", "", "Nom", "col_2"]
    assert info.extra["columns"] == ["Nom", "col_2", "Nom_3", "col_2_4"]
    assert all_cells(chunks) == {("Nom", 0): "a", ("col_2", 0): "b", ("Nom_3", 0): "c", ("col_2_4", 0): "d"}


def test_rows_with_the_wrong_number_of_fields_are_reported_and_read_as_text(tmp_path):
    nir = generated_nirs(1)[0]
    path = tmp_path / "ragged.csv"
    path.write_text(f'a;b;c\n1;2;3\n{nir};x\n"multi\nline";5;6\n7;8;9;10\n\n11;12;13\n', encoding="utf-8")
    _, chunks, problems = read_all(path)
    assert [(p.row, p.message, p.as_text) for p in problems] == [
        (1, "row 1: 2 fields instead of 3; scanned as text", True),
        (3, "row 3: 4 fields instead of 3; scanned as text", True),
    ]
    assert all(nir not in p.message for p in problems)
    assert sorted(all_rows(chunks)) == [0, 1, 2, 3, 4]
    cells = all_cells(chunks)
    assert cells[("a", 2)] == "multi\nline" and cells[("c", 4)] == "13"
    assert (cells[("line", 1)], cells[("line", 3)]) == (f"{nir};x", "7;8;9;10")
    # every record as written, line ends and blank lines included: together, the file after its header
    raw = {row: text for chunk in chunks for row, text in zip(chunk.rows.to_pylist(), chunk.raw.to_pylist())}
    assert "".join(raw[row] for row in sorted(raw)) == path.read_text(encoding="utf-8")[len("a;b;c\n"):]


def test_csv_batches_are_bounded_and_numbered(tmp_path):
    path = tmp_path / "many.csv"
    rows = [[str(i), fake.last_name()] for i in range(1000)]
    write_csv(path, ["id", "nom"], rows, "|", "utf-8", newline="\n", gz=True)
    info, chunks, _ = read_all(path, batch_rows=64)
    assert (info.delimiter, info.compressed, info.newline) == ("|", True, "\n")
    assert all(len(chunk.rows) <= 64 for chunk in chunks)
    assert all_rows(chunks) == list(range(1000))
    assert all(chunk.batch.num_rows == len(chunk.rows) for chunk in chunks)


def test_a_log_with_commas_is_text_but_a_tsv_is_csv(tmp_path):
    log = tmp_path / "app"
    log.write_text("".join(f"2024-05-01 12:00:0{i},123 INFO requête {i}\n" for i in range(9)), encoding="utf-8")
    assert read_all(log)[0].format == "text"
    tsv = tmp_path / "t.tsv"
    tsv.write_text("nom\tprénom\nA\tB\n", encoding="utf-8")
    info = read_all(tsv)[0]
    assert (info.format, info.delimiter) == ("csv", "\t")


def test_a_one_column_csv_is_read_by_its_extension(tmp_path):
    path = tmp_path / "nirs.csv"
    path.write_text("nir\n" + "".join(f"{n}\n" for n in generated_nirs(3)), encoding="utf-8")
    info, chunks, _ = read_all(path)
    assert info.format == "csv"
    assert [c.name for c in chunks[0].columns] == ["nir"]


# --- JSON lines --------------------------------------------------------------------------------------------


def test_json_lines_are_flattened_and_numbers_keep_their_text(tmp_path):
    nir = generated_nirs(1)[0]
    lines = [
        json.dumps({"beneficiary": {"nir": int(nir), "nom": fake.last_name()}, "phones": ["0612", "0708"]}),
        "",
        json.dumps({"montant": 1.50, "actif": True, "rien": None, "vide": {}, "liste": []}).replace("1.5", "1.50"),
        '{"beneficiary": {"nir": "' + nir + '"',  # truncated
        json.dumps([{"a": "x"}, "y"]),
        json.dumps("seul"),
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    info, chunks, problems = read_all(path)
    assert info.format == "jsonl" and info.final_newline
    assert [(p.row, p.message.split(":")[0]) for p in problems] == [(3, "line 4")]
    assert "invalid JSON" in problems[0].message and nir not in problems[0].message
    cells = all_cells(chunks)
    assert cells == {
        ("beneficiary.nir", 0): nir,
        ("beneficiary.nom", 0): json.loads(lines[0])["beneficiary"]["nom"],
        ("phones.0", 0): "0612",
        ("phones.1", 0): "0708",
        ("montant", 2): "1.50",
        ("actif", 2): "true",
        ("rien", 2): None,
        ("0.a", 4): "x",
        ("1", 4): "y",
        ("$", 5): "seul",
        ("line", 3): lines[3],  # not JSON: still scanned, as a text line
    }
    assert all_rows(chunks) == list(range(6))
    assert [line for chunk in chunks if not chunk.text for line in chunk.raw.to_pylist()] == lines


def test_json_lines_with_crlf_and_no_final_newline(tmp_path):
    path = tmp_path / "x.ndjson.gz"
    path.write_bytes(gzip.compress(b'{"a": "1"}\r\n{"a": "2"}'))
    info, chunks, _ = read_all(path)
    assert (info.format, info.newline, info.final_newline, info.compressed) == ("jsonl", "\r\n", False, True)
    assert [line for chunk in chunks for line in chunk.raw.to_pylist()] == ['{"a": "1"}', '{"a": "2"}']


@pytest.mark.parametrize(("name", "newline"), [
    ("events.jsonl", "\n"), ("events.ndjson", "\r\n"), ("events.json", "\n"), ("events", "\n"),
    ("events.jsonl.gz", "\r\n"),
])
def test_json_lines_whose_first_record_is_longer_than_the_sample_are_json_lines(tmp_path, monkeypatch, name,
                                                                               newline):
    """The sniffer reads on to the end of a first line that starts like JSON instead of judging it cut."""
    monkeypatch.setattr(sniff, "SAMPLE_BYTES", 4096)
    nir = generated_nirs(1, seed=31)[0]
    blob = fake.text(200) * 200  # longer than the sample
    data = (json.dumps({"id": 1, "blob": blob}) + newline + json.dumps({"id": 2, "nir": nir}) + newline).encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    info, chunks, problems = read_all(path)
    assert (info.format, info.newline, problems) == ("jsonl", newline, [])
    assert all_cells(chunks) == {("id", 0): "1", ("blob", 0): blob, ("id", 1): "2", ("nir", 1): nir}


@pytest.mark.parametrize(("name", "format"), [("events.jsonl", "jsonl"), ("events.ndjson", "jsonl"),
                                              ("events.json", "text"), ("events", "text")])
def test_a_first_json_line_over_the_line_cap_is_json_lines_by_its_extension(tmp_path, monkeypatch, name, format):
    """Read on no further than the line cap: a longer first line is never parsed (the reader scans it as text),
    so only a JSON-lines extension says what the file is."""
    monkeypatch.setattr(sniff, "SAMPLE_BYTES", 1024)
    monkeypatch.setattr(sniff, "MAX_LINE_BYTES", 4096)
    monkeypatch.setattr(streams, "MAX_LINE_BYTES", 4096)
    nir = generated_nirs(1, seed=32)[0]
    path = tmp_path / name
    path.write_text(json.dumps({"blob": "z" * 10_000}) + "\n" + json.dumps({"nir": nir}) + "\n", encoding="utf-8")
    info, chunks, _ = read_all(path)
    assert info.format == format
    if format == "jsonl":  # the first line comes in windows of text
        assert all_cells([chunk for chunk in chunks if chunk.part is None]) == {("nir", 1): nir}


# --- text --------------------------------------------------------------------------------------------------


def test_the_lines_of_a_cut_compressed_file_before_the_cut_are_all_given(tmp_path, monkeypatch):
    """The reader reads one block ahead: a read that fails there still lets the block before it be scanned."""
    monkeypatch.setattr(streams, "BLOCK_BYTES", 64 * 1024)
    data = "".join(f"ligne {i:05d} " + "abcdefghij" * 6 + "\n" for i in range(20_000)).encode()
    packed = gzip.compress(data)
    path = tmp_path / "cut.log.gz"
    path.write_bytes(packed[: len(packed) * 3 // 4])
    decompressed = len(zlib.decompressobj(31).decompress(packed[: len(packed) * 3 // 4]))
    with open_source(path) as source, pytest.raises(SourceError, match="truncated gzip stream"):
        given = 0
        for item in source.chunks():
            given += len(item.rows) if isinstance(item, Chunk) else 0
    # every whole block of 64 KiB read before the cut: at most one block and a line short of what was readable
    assert decompressed - given * len(data) // 20_000 <= 64 * 1024 + len(data) // 20_000


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_last_line_without_an_end_comes_in_the_chunk_of_the_lines_before(newline: str, tmp_path):
    """The lines of a short file are one chunk, read together (a name once, then alone on the last line)."""
    lines = ["Mme Lucie Marchal, 54 ans.", "", "Lucie a appelé."]
    path = tmp_path / "note.txt"
    path.write_bytes(newline.join(lines).encode("utf-8"))
    info, chunks, problems = read_all(path)
    assert (info.newline, info.final_newline, problems) == (newline, False, [])
    assert [chunk.raw.to_pylist() for chunk in chunks] == [lines]


def test_log_lines_are_records_of_one_text_column(tmp_path):
    nir = generated_nirs(1)[0]
    lines = [f"2024-05-01T10:00:00Z INFO nir={nir}", "", "  indented", '{"partial": json', "fin"]
    path = tmp_path / "gateway.log"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    info, chunks, problems = read_all(path)
    assert (info.format, info.newline, info.final_newline) == ("text", "\r\n", False)
    assert not problems
    assert all(chunk.text for chunk in chunks)
    assert all([c.name for c in chunk.columns] == ["line"] for chunk in chunks)
    assert all_cells(chunks) == {("line", i): line for i, line in enumerate(lines)}
    assert [line for chunk in chunks for line in chunk.raw.to_pylist()] == lines


def lines_read(chunks: list[Chunk]) -> dict[int, str]:
    """Every line of a text file as read: whole lines, and long lines put back from their windows."""
    lines: dict[int, str] = {}
    for chunk in chunks:
        column = chunk.columns[0]
        if chunk.part is None:
            lines.update(zip(column.rows.to_pylist(), chunk.raw.to_pylist()))
            continue
        row = column.rows[0].as_py()
        cell = column.values[0].as_py()
        assert chunk.raw[0].as_py() == cell[chunk.part.lead :]  # the window's own text follows its lead
        assert (row in lines) == (not chunk.part.first) and len(chunk.rows) == int(chunk.part.first)
        assert chunk.part.offset == len(lines.get(row, ""))
        lines[row] = lines.get(row, "") + cell[chunk.part.lead :]
    return lines


def test_a_line_over_the_cap_comes_in_windows_cut_after_separators(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "MAX_LINE_BYTES", 100)
    monkeypatch.setattr(streams, "BLOCK_BYTES", 32)
    nir = generated_nirs(1)[0]
    payload = ",".join(json.dumps({"nir": nir, "nom": fake.last_name()}) for _ in range(8))
    lines = ["début", "[" + payload + "]", "milieu é", "y" * 101, "fin"]
    path = tmp_path / "long.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, chunks, problems = read_all(path)
    assert lines_read(chunks) == dict(enumerate(lines))
    assert all_rows(chunks) == list(range(5))
    windows = [chunk for chunk in chunks if chunk.part is not None and chunk.columns[0].rows[0].as_py() == 1]
    assert len(windows) > 2
    # cut right after a separator: no NIR is split between two windows
    assert all(window.raw[0].as_py()[-1] in '",[]{}' for window in windows[:-1])
    assert sum(window.raw[0].as_py().count(nir) for window in windows) == 8
    # the line of "y" has no separator: cut at the size limit, and said so
    assert [(p.row, "no separator" in p.message) for p in problems] == [(3, True)]


def test_a_50_megabyte_line_is_read_whole_in_windows(tmp_path):
    path = tmp_path / "huge.log"
    record = json.dumps({"commentaire": "z" * 1000}).encode()
    count = 50 * 1024 * 1024 // len(record)
    with path.open("wb") as out:
        out.write(b"avant\n")
        out.write(b"payload=[" + b",".join([record] * count) + b"]")
        out.write(b"\napres\n")
    _, chunks, problems = read_all(path)
    lines = lines_read(chunks)
    assert not problems
    assert (lines[0], lines[2]) == ("avant", "apres")
    assert lines[1].encode() == b"payload=[" + b",".join([record] * count) + b"]"
    assert max(len(chunk.raw[0].as_py()) for chunk in chunks if chunk.part) <= streams.MAX_LINE_BYTES


def test_a_csv_record_over_the_cap_is_a_source_error(tmp_path, monkeypatch):
    monkeypatch.setattr(delimited, "CSV_BLOCK_BYTES", 1024)
    path = tmp_path / "quote.csv"
    nir = generated_nirs(1)[0]
    path.write_text('a;b\n1;"' + nir + "x" * 5000 + "\n2;3\n", encoding="utf-8")
    error = error_of(path)
    assert "longer than 1024 bytes" in str(error) and nir not in str(error)


# --- bad inputs --------------------------------------------------------------------------------------------


def error_of(path: str | Path) -> SourceError:
    """The SourceError of reading ``path`` whole, from open_source or from chunks()."""
    with pytest.raises(SourceError) as caught, open_source(path) as source:
        list(source.chunks())
    return caught.value


def assert_one_clean_line(error: SourceError, path: str | Path) -> None:
    message = str(error)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message and "Traceback" not in message and 'File "' not in message


def png_bytes() -> bytes:
    rng = np.random.default_rng(1)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.integers(0, 256, 2000, dtype=np.uint8).tobytes()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.csv", "nom;prenom\n" + fake.last_name() + ";" + fake.first_name() + "\n")
    return buffer.getvalue()


def parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pq.write_table(beneficiary_table(200), buffer)
    return buffer.getvalue()


BAD_INPUTS = {
    "image.png": (png_bytes, "binary file"),
    "archive.zip": (zip_bytes, "binary file"),
    "cut.parquet": (lambda: parquet_bytes()[: len(parquet_bytes()) // 2], "corrupt or truncated Parquet"),
    "garbage.parquet": (lambda: b"PAR1" + b"\x01\x02" * 500, "corrupt or truncated Parquet"),
    "cut.log.gz": (lambda: gzip.compress(png_bytes().hex().encode())[:1000], "truncated gzip stream"),
    "cut-late.log.gz": (
        lambda: gzip.compress(np.random.default_rng(2).integers(97, 123, 3_000_000, dtype=np.uint8).tobytes())[:-2000],
        "truncated gzip stream",
    ),
    "bad.csv.gz": (lambda: b"\x1f\x8b\x08\x00" + b"\xff" * 100, "gzip"),
    # 0 bytes where a compressed stream or a binary format cannot be: cut short
    "empty.log.gz": (lambda: b"", "empty file"),
    "empty.parquet": (lambda: b"", "empty file"),
    "empty.parquet.gz": (lambda: gzip.compress(b""), "empty file"),
    "binary.gz": (lambda: gzip.compress(png_bytes()), "binary file"),
    # the other compressors logrotate may be set to use, cut short or broken: say what is wrong
    "cut.log.xz": (lambda: lzma.compress(png_bytes().hex().encode())[:1000], "truncated xz stream"),
    "bad.log.xz": (lambda: lzma.compress(b"INFO ok\n" * 50)[:24] + b"\xff" * 60, "corrupt xz stream"),
    "cut.log.bz2": (lambda: bz2.compress(png_bytes().hex().encode())[:1000], "truncated bzip2 stream"),
    "bad.log.bz2": (lambda: bz2.compress(b"INFO ok\n" * 50)[:12] + b"\xff" * 60, "bzip2 stream"),
    "bad.log.zst": (lambda: bytes.fromhex("28b52ffd") + b"\x00" * 40, "zstd stream"),
    "binary.xz": (lambda: lzma.compress(png_bytes()), "binary file"),
    "twice.log.gz.xz": (lambda: lzma.compress(gzip.compress(b"INFO ok\n" * 50)), "binary file"),
    # UTF-16 (its byte-order mark) whose text is binary
    "utf16.bin": (lambda: codecs.BOM_UTF16_LE + png_bytes(), "binary file"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gives_one_clear_line(tmp_path, name):
    make, expected = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(make())
    error = error_of(path)
    assert_one_clean_line(error, path)
    assert expected in str(error)


def test_missing_path_and_directory_are_source_errors(tmp_path):
    missing = tmp_path / "absent.csv"
    assert "no such file" in str(error_of(missing))
    assert_one_clean_line(error_of(missing), missing)
    assert "directory" in str(error_of(tmp_path))


def test_unreadable_file_is_a_source_error(tmp_path, monkeypatch):
    path = tmp_path / "secret.csv"
    path.write_text("a;b\n1;2\n")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(streams, "open", refuse, raising=False)
    error = error_of(path)
    assert_one_clean_line(error, path)
    assert "permission denied" in str(error)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_by_mode_is_a_source_error(tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text("a;b\n1;2\n")
    path.chmod(0)
    assert "permission denied" in str(error_of(path))


def test_display_path_is_used_in_info_and_errors(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(png_bytes())
    with pytest.raises(SourceError, match=r"^shown\.csv: binary file"):
        open_source(path, display_path="shown.csv")


EMPTY_TEXT = {"gzip": gzip.compress, "xz": lzma.compress, "bzip2": bz2.compress, None: lambda data: data}


@pytest.mark.parametrize(("name", "compression", "format"), [
    ("_SUCCESS", None, "text"), (".gitkeep", None, "text"), ("notes.txt", None, "text"), ("app.log", None, "text"),
    ("events.jsonl", None, "jsonl"), ("export.json", None, "text"), ("export.csv", None, "csv"),
    ("export.tsv", None, "csv"), ("blank.csv", None, "csv"), ("export.csv.gz", "gzip", "csv"),
    ("notes.txt.gz", "gzip", "text"), ("events.ndjson.gz", "gzip", "jsonl"), ("app.log.xz", "xz", "text"),
    ("app.log.bz2", "bzip2", "text"),
])
def test_an_empty_file_is_a_source_of_no_records(tmp_path, name, compression, format):
    """Spark's ``_SUCCESS`` marker, a kept directory, an export or a log with nothing in it, compressed or not
    (blank lines only too): nothing to find, no error; but 0 bytes named as a compressed stream or a binary
    format were cut short (an error, in BAD_INPUTS)."""
    path = tmp_path / name
    path.write_bytes(EMPTY_TEXT[compression](b"\n\n" if name.startswith("blank") else b""))
    info, chunks, problems = read_all(path)
    assert (info.format, info.compression, chunks, problems) == (format, compression, [], [])


# --- walking paths -----------------------------------------------------------------------------------------


def test_iter_files_walks_sorted_and_hidden_dirs_skips_vcs_internals_and_reports_missing(tmp_path):
    for name in ["b/z.csv", "b/a.log", "a.jsonl", ".git/config", ".hg/store/data", "c/.env", "c/d/e.parquet",
                 "exports/.backup/dump.csv"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "c" / "loop").symlink_to(tmp_path / "c")
    given = [str(tmp_path), str(tmp_path / "a.jsonl"), str(tmp_path / "nope")]
    out = list(iter_files(given))
    files = [item for item in out if isinstance(item, str)]
    errors = [item for item in out if isinstance(item, SourceError)]
    assert [os.path.relpath(f, tmp_path) for f in files] == [
        "a.jsonl",
        "b/a.log",
        "b/z.csv",
        "c/.env",
        "c/d/e.parquet",
        "exports/.backup/dump.csv",
        "a.jsonl",
    ]
    assert [str(e) for e in errors] == [f"{tmp_path / 'nope'}: no such file or directory"]
