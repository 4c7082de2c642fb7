"""Identifiers stored in binary, fixed-size binary and decimal columns: found, rewritten in their own type.

Hive and Impala write strings without the UTF8 annotation (``binary``), fixed-width exports write ``CHAR(15)``
NIRs as ``fixed_size_binary[15]``, Oracle ``NUMBER(15)`` exports give ``decimal128(15, 0)``. These columns
must be scanned, pseudonymised without changing their type, verified, and leave no old value in the
output's column statistics. Every NIR is generated (:func:`tests.strategies.generated_nirs`).
"""

from __future__ import annotations

import decimal
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leakguard
from leakguard import pseudonymise_file, pseudonymise_table
from leakguard.pseudonymise.files import reidentify_file
from leakguard.pseudonymise.stored import fit
from leakguard.scan import scan_path
from leakguard.sources.base import Problem
from leakguard.sources.celltext import decode_binary
from recognizers import nir
from tests.strategies import generated_nirs

NIRS = generated_nirs(31, 40)

#: Each stored type, and how a compact NIR is written into it.
STORED = {
    "binary": (pa.binary(), str.encode),
    "large_binary": (pa.large_binary(), str.encode),
    "fixed_size_binary[15]": (pa.binary(15), str.encode),
    "decimal128(15,0)": (pa.decimal128(15, 0), decimal.Decimal),
    "decimal128(20,0)": (pa.decimal128(20, 0), decimal.Decimal),
    "decimal256(40,0)": (pa.decimal256(40, 0), decimal.Decimal),
    "dictionary<binary>": (pa.dictionary(pa.int32(), pa.binary()), str.encode),
}


def stored_table(kind: str, nirs: list[str] = NIRS) -> pa.Table:
    arrow_type, convert = STORED[kind]
    if pa.types.is_dictionary(arrow_type):
        column = pa.array([convert(n) for n in nirs], arrow_type.value_type).dictionary_encode()
    else:
        column = pa.array([convert(n) for n in nirs], arrow_type)
    return pa.table({"id": pa.array(range(len(nirs)), pa.int64()), "c7": column})


def write(table: pa.Table, path: Path) -> Path:
    pq.write_table(table, path, compression="none")  # uncompressed: the bytes can be searched
    return path


def file_findings(path: Path) -> pa.Table:
    tables = [findings for item in scan_path(str(path)) if not isinstance(item, Problem)
              for _, findings in [item]]
    return pa.concat_tables(tables)


@pytest.mark.parametrize("kind", list(STORED))
def test_nirs_stored_in_binary_and_decimal_columns_are_found(kind, tmp_path):
    path = write(stored_table(kind), tmp_path / "dump.parquet")
    findings = file_findings(path)
    assert findings.column("entity").to_pylist() == ["FR_NIR"] * len(NIRS)
    assert findings.column("row").to_pylist() == list(range(len(NIRS)))
    assert set(findings.column("column").to_pylist()) == {"c7"}
    in_memory = leakguard.scan_table(stored_table(kind), ner=False)
    assert in_memory.column("entity").to_pylist() == ["FR_NIR"] * len(NIRS)


@pytest.mark.parametrize("kind", list(STORED))
def test_pseudonymise_keeps_the_type_verifies_and_leaves_no_nir_in_data_or_statistics(kind, key, tmp_path):
    source = write(stored_table(kind), tmp_path / "dump.parquet")
    out = tmp_path / "out.parquet"
    report = pseudonymise_file(source, out, key, ner=False, verify=True)
    assert report.verified and report.replaced["FR_NIR"] == len(NIRS)
    written = pq.read_table(out)
    assert written.schema.field("c7").type == stored_table(kind).schema.field("c7").type
    assert written.num_rows == len(NIRS)
    assert not file_findings(out).num_rows
    data = out.read_bytes()
    originals = [n.encode() for n in NIRS] + [_decimal_bytes(kind, n) for n in NIRS]
    assert not [o for o in originals if o and o in data], "an original value is left in the file's bytes"
    # statistics: recomputed from the new values, never the input's min/max
    before, after = _statistics(source), _statistics(out)
    assert before["c7"] != after["c7"]
    values = written.column("c7").combine_chunks()
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    expected = (min(values.to_pylist()), max(values.to_pylist()))
    assert after["c7"] is None or after["c7"] == expected


def _statistics(path: Path) -> dict[str, tuple[object, object] | None]:
    metadata = pq.ParquetFile(path).metadata
    out: dict[str, tuple[object, object] | None] = {}
    for i in range(metadata.num_columns):
        column = metadata.row_group(0).column(i)
        stats = column.statistics
        out[column.path_in_schema] = (stats.min, stats.max) if stats is not None and stats.has_min_max else None
    return out


def _decimal_bytes(kind: str, number: str) -> bytes | None:
    """The big-endian two's-complement bytes Parquet stores a decimal as (its physical form)."""
    if not kind.startswith("decimal"):
        return None
    width = {"decimal128(15,0)": 7, "decimal128(20,0)": 9, "decimal256(40,0)": 17}[kind]
    return int(number).to_bytes(width, "big", signed=True)


@pytest.mark.parametrize("kind", ["fixed_size_binary[15]", "decimal128(15,0)", "binary"])
def test_fpe_in_stored_types_gives_valid_nirs_that_reidentify_back(kind, key, tmp_path):
    source = write(stored_table(kind), tmp_path / "dump.parquet")
    out, back = tmp_path / "out.parquet", tmp_path / "back.parquet"
    pseudonymise_file(source, out, key, operators={"FR_NIR": "fpe"}, ner=False)
    encrypted = [str(v) if isinstance(v, decimal.Decimal) else v.decode()
                 for v in pq.read_table(out).column("c7").to_pylist()]
    assert all(nir.is_valid(v) for v in encrypted) and not set(encrypted) & set(NIRS)
    reidentify_file(out, back, key)
    assert pq.read_table(back).column("c7").to_pylist() == pq.read_table(source).column("c7").to_pylist()


@pytest.mark.parametrize("operator", ["token", "hmac"])
def test_keyed_tokens_in_a_decimal_column_fit_its_precision_and_are_never_nirs(operator, key):
    table = stored_table("decimal128(15,0)")
    out = pseudonymise_table(table, key, operators={"FR_NIR": operator}, ner=False).column("c7").to_pylist()
    assert len(set(out)) == len(NIRS)
    for value in out:
        digits = str(value)
        assert len(digits) == 15 and digits.startswith("9") and not nir.is_valid(digits)


def test_an_operator_that_cannot_fill_a_decimal_column_is_refused_in_one_line(key, tmp_path, run_cli, key_file):
    source = write(stored_table("decimal128(15,0)"), tmp_path / "dump.parquet")
    result = run_cli("pseudonymise", str(source), str(tmp_path / "out.parquet"), "--key-file", str(key_file),
                     "--operator", "FR_NIR=mask", "--no-ner")
    assert result.exit_code == 2
    assert result.stderr.count("\n") - result.stderr.count("\n  ") <= 2  # the policy header, then one line
    assert "decimal" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.parquet").exists()


def test_fixed_size_binary_tokens_keep_the_width_cut_or_padded(key):
    narrow = pa.table({"nir": pa.array([n.encode() for n in NIRS[:5]], pa.binary(15))})
    wide = pa.table({"nir": pa.array([f"  {n}    ".encode() for n in NIRS[:5]], pa.binary(21))})
    for table, width in ((narrow, 15), (wide, 21)):
        out = pseudonymise_table(table, key, ner=False).column("nir")
        assert out.type == pa.binary(width)
        tokens = [v.decode() for v in out.to_pylist()]
        assert all(len(v.encode()) == width and v.strip().startswith("NIR_") for v in tokens)
        assert len(set(tokens)) == len(tokens)
    assert fit("NIR_abcdefghijklmnop", 15) == b"NIR_abcdefghijk"
    assert fit("NIR_ab", 8) == b"NIR_ab  "


def test_a_cut_token_is_the_start_of_the_token_of_the_same_nir_in_a_string_column(key):
    table = pa.table({"s": pa.array(NIRS[:6]), "f": pa.array([n.encode() for n in NIRS[:6]], pa.binary(15))})
    out = pseudonymise_table(table, key, ner=False)
    for string, fixed in zip(out.column("s").to_pylist(), out.column("f").to_pylist(), strict=True):
        assert string.encode()[:15] == fixed


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.one_of(st.sampled_from(NIRS).map(str.encode), st.binary(min_size=1, max_size=24),
                                st.none()), min_size=1, max_size=40))
def test_binary_cells_that_are_not_utf8_are_kept_byte_for_byte_and_counted(cells, key):
    table = pa.table({"blob": pa.array(cells, pa.binary())})
    out = pseudonymise_table(table, key, ner=False).column("blob").to_pylist()
    undecodable = 0
    for before, after in zip(cells, out, strict=True):
        try:
            text = None if before is None else before.decode("utf-8")
        except UnicodeDecodeError:
            undecodable += 1
            assert after == before
            continue
        if text is not None and text.strip() in NIRS:
            assert after != before and after.decode().strip().startswith("NIR_")
    assert decode_binary(table.column("blob").combine_chunks()).undecodable == undecodable


def test_scan_and_pseudonymise_say_how_many_binary_cells_were_not_text(key, key_file, run_cli, tmp_path):
    rng = random.Random(5)
    blobs = [bytes([0xFF, *rng.randbytes(15)]) for _ in range(7)]  # 0xFF never starts UTF-8
    table = pa.table({"c7": pa.array([n.encode() for n in NIRS[:10]] + blobs, pa.binary())})
    source = write(table, tmp_path / "dump.parquet")
    result = run_cli("scan", "--no-ner", "--no-config", str(source))
    assert result.exit_code == 1
    assert "note: column c7: 7 binary cells not UTF-8 text, not scanned" in result.stdout
    assert "FR_NIR" in result.stdout
    out = tmp_path / "out.parquet"
    result = run_cli("pseudonymise", str(source), str(out), "--key-file", str(key_file), "--no-ner", "--verify")
    assert result.exit_code == 0, result.stderr
    assert "7 binary cells not UTF-8 text, not scanned, kept as they were (columns c7)" in result.stderr
    assert pq.read_table(out).column("c7").to_pylist()[10:] == blobs
