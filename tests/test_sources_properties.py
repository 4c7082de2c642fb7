"""Generated round trips: whatever table, export or log we write, reading it back gives every cell once.

Each property writes a generated file (Parquet, CSV in every delimiter, encoding and newline, JSON lines,
text, gzip or not), reads it back with small batches and blocks so that chunk and block boundaries fall
everywhere, and compares with an oracle computed from the data written, not from the reader.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import string
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from leakguard.sources import (
    Chunk,
    Problem,
    SourceError,
    flatten_batch,
    open_source,
    rebuild_batch,
    record_indices,
    streams,
    table_to_columns,
)
from leakguard.sources.delimited import unique_names
from tests.strategies import emails, guarantees, nirs, phones, written_forms
from tests.test_sources import all_cells, all_rows, buffers_of, cells_of, lines_read, read_all, reference_cells

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

# --- values ------------------------------------------------------------------------------------------------

FRENCH_LETTERS = "éèêëàâîïôöùûüçÉÈÀÇÔœ"
#: column and key names: French, English or meaningless, never a dot (it separates nested paths)
names = st.one_of(
    st.sampled_from(["nir", "N° Sécurité Sociale", "Prénom", "nom_naissance", "c0", "col_12", "x", "garanties"]),
    st.text(string.ascii_letters + string.digits + FRENCH_LETTERS + "_ °'", min_size=1, max_size=12),
)


def realistic_texts() -> st.SearchStrategy[str]:
    """Cells met in health-insurance exports: NIRs in every written form, phones, e-mails, guarantees..."""
    return st.one_of(
        nirs().flatmap(written_forms),
        phones(),
        emails(),
        guarantees(),
        st.text(string.ascii_letters + string.digits + FRENCH_LETTERS + " ;,|\t\"'-/.:€°", max_size=30),
        st.just(""),
    )


# --- Arrow tables ------------------------------------------------------------------------------------------

LEAF_TYPES = st.sampled_from(
    [pa.string(), pa.large_string(), pa.int64(), pa.float64(), pa.bool_(), pa.date32(), pa.timestamp("us")]
)
#: dictionary-encoded strings only at the top level (pyarrow cannot read nested ones back in batches)
DICTIONARY = pa.dictionary(pa.int32(), pa.string())


def arrow_types(depth: int = 2) -> st.SearchStrategy[pa.DataType]:
    if depth == 0:
        return LEAF_TYPES
    inner = arrow_types(depth - 1)
    return st.one_of(
        LEAF_TYPES,
        st.lists(st.tuples(names, inner), min_size=1, max_size=3, unique_by=lambda f: f[0]).map(pa.struct),
        inner.map(pa.list_),
    )


def values_of(kind: pa.DataType) -> st.SearchStrategy[object]:
    """Python values of an Arrow type (None included)."""
    if pa.types.is_struct(kind):
        value = st.fixed_dictionaries({f.name: values_of(f.type) for f in kind})
    elif pa.types.is_list(kind):
        value = st.lists(values_of(kind.value_type), max_size=3)
    elif pa.types.is_dictionary(kind):
        value = st.sampled_from(["Harmonie Mutuelle", "MGEN", "Malakoff Humanis", "AG2R"])
    elif kind in (pa.string(), pa.large_string()):
        value = realistic_texts()
    elif kind == pa.int64():
        value = st.one_of(nirs("metropolitan").map(int), st.integers(-(2**63), 2**63 - 1))
    elif kind == pa.float64():
        value = st.floats(allow_nan=False)
    elif kind == pa.bool_():
        value = st.booleans()
    elif kind == pa.date32():
        value = st.dates()
    else:
        value = st.datetimes()
    return st.one_of(st.none(), value)


@st.composite
def arrow_tables(draw) -> pa.Table:
    kinds = st.one_of(st.just(DICTIONARY), arrow_types())
    fields = draw(st.lists(st.tuples(names, kinds), min_size=1, max_size=5, unique_by=lambda f: f[0]))
    count = draw(st.integers(0, 25))
    columns = {}
    for name, kind in fields:
        values = draw(st.lists(values_of(kind), min_size=count, max_size=count))
        if pa.types.is_dictionary(kind):
            columns[name] = pa.array(values, pa.string()).dictionary_encode()
        else:
            columns[name] = pa.array(values, kind)
    return pa.table(columns)


@SETTINGS
@given(table=arrow_tables(), batch_rows=st.integers(1, 10), row_group=st.integers(1, 12), gz=st.booleans())
def test_parquet_round_trip_gives_every_cell_once_with_its_record(table, batch_rows, row_group, gz):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("t.parquet.gz" if gz else "t.parquet")
        buffer = io.BytesIO()
        pq.write_table(table, buffer, row_group_size=row_group)
        path.write_bytes(gzip.compress(buffer.getvalue()) if gz else buffer.getvalue())
        info, chunks, problems = read_all(path, batch_rows=batch_rows)
    assert (info.format, info.compressed, problems) == ("parquet", gz, [])
    assert all(len(chunk.rows) <= batch_rows for chunk in chunks)
    assert all_rows(chunks) == list(range(table.num_rows))
    assert all_cells(chunks) == reference_cells(table)


@SETTINGS
@given(table=arrow_tables(), cuts=st.lists(st.integers(0, 25), max_size=3), offset=st.integers(0, 10**9))
def test_in_memory_flattening_matches_the_plain_python_walk(table, cuts, offset):
    bounds = sorted({0, table.num_rows, *(c for c in cuts if c <= table.num_rows)})
    chunked = pa.concat_tables([table.slice(a, b - a) for a, b in itertools.pairwise(bounds)] or [table])
    assert cells_of(table_to_columns(chunked, row_offset=offset)) == reference_cells(table, offset)


@SETTINGS
@given(table=arrow_tables(), data=st.data())
def test_rebuild_batch_puts_a_replaced_leaf_back_and_shares_the_rest(table, data):
    batch = table.combine_chunks().to_batches()[0] if table.num_rows else None
    assume(batch is not None)
    start = data.draw(st.integers(0, batch.num_rows - 1))
    batch = batch.slice(start)
    columns = flatten_batch(batch, record_indices(0, batch.num_rows))
    assume(columns)
    chosen = data.draw(st.sampled_from(columns))
    reversed_values = chosen.values.take(pa.array(range(len(chosen.values) - 1, -1, -1), pa.int64()))
    rebuilt = rebuild_batch(batch, {chosen.name: reversed_values})
    assert rebuilt.schema == batch.schema
    top = next(n for n in batch.schema.names if chosen.name == n or chosen.name.startswith(n + "."))
    for name in batch.schema.names:
        if name != top:
            assert buffers_of(rebuilt.column(name)) == buffers_of(batch.column(name))
    before = {c.name: c for c in columns}
    after = {c.name: c for c in flatten_batch(rebuilt, record_indices(0, rebuilt.num_rows))}
    assert after.keys() == before.keys()
    for name, column in before.items():
        assert after[name].rows.equals(column.rows), name
        if name != chosen.name:
            assert after[name].values.to_pylist() == column.values.to_pylist(), name
    # a null parent (struct) keeps its leaves null; elsewhere the new values are in place
    expected = [
        None if old is None and new is not None and _under_null_struct(batch, chosen.name, row) else new
        for old, new, row in zip(
            chosen.values.to_pylist(), reversed_values.to_pylist(), chosen.rows.to_pylist(), strict=True
        )
    ]
    assert after[chosen.name].values.to_pylist() == expected


def _under_null_struct(batch: pa.RecordBatch, path: str, row: int) -> bool:
    """Whether a struct above the leaf at ``path`` is null in record ``row`` (the leaf is then hidden)."""
    name = next(n for n in batch.schema.names if path == n or path.startswith(n + "."))
    value: object = batch.column(name)[row].as_py()
    for part in path[len(name) + 1 :].split(".") if path != name else []:
        if value is None:
            return True
        value = value[int(part)] if isinstance(value, list) else value[part]
    return False


# --- CSV ---------------------------------------------------------------------------------------------------

CP1252_SAFE = string.ascii_letters + string.digits + "éèêàâîôùûçÉÈÀÇ"
csv_names = st.text(CP1252_SAFE + " _°'", min_size=0, max_size=12).filter(lambda n: not n[:1].isdigit())


@st.composite
def exports(draw):
    """A CSV export: header, rows of realistic cells, and how it is written."""
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    header = draw(
        st.lists(
            st.one_of(names.filter(lambda n: set(n) <= set(CP1252_SAFE + " _°'")), csv_names), min_size=2, max_size=6
        )
    )
    cell = realistic_texts()
    if encoding == "cp1252":
        cell = cell.filter(
            lambda c: all(ch in CP1252_SAFE + " ;,|\t\"'-/.:@+()%\u00a0\u202f" for ch in c) and "€" not in c
        )
        cell = cell.map(lambda c: c.replace("\u202f", " "))
    cell = st.one_of(cell, cell.map(lambda c: c + "\n" + c))  # multi-line quoted cells
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), max_size=30))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    name = draw(st.sampled_from(["export.csv", "export.tsv", "export.dat", "export"]))
    return header, rows, delimiter, encoding, newline, name


@SETTINGS
@given(export=exports(), gz=st.booleans(), batch_rows=st.integers(1, 8))
def test_csv_round_trip_gives_every_cell_as_written(export, gz, batch_rows):
    header, rows, delimiter, encoding, newline, name = export
    # a header of one empty name and the like is not a table anyone writes; keep the generated ones readable
    assume(any(h.strip() for h in header) and not any(h[:1] in "{[" for h in header))
    assume(all(any(c != "" for c in row) for row in rows))  # an all-empty row is an empty line: skipped
    # without a .csv/.tsv extension, a header must look like one (a log line "2024-05-01 12:00,123" does not)
    assume(name.endswith(("csv", "tsv")) or all(any(c.isalpha() for c in h) for h in header if h.strip()))
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator=newline).writerows([header, *rows])
    data = text.getvalue().encode(encoding)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (name + (".gz" if gz else ""))
        path.write_bytes(gzip.compress(data) if gz else data)
        info, chunks, problems = read_all(path, batch_rows=batch_rows)
    assert info.format == "csv" and info.delimiter == delimiter and problems == []
    assert info.compressed == gz and info.newline == newline
    non_ascii = any(ord(ch) > 127 for ch in text.getvalue())
    expected_encoding = "utf-8-sig" if encoding == "utf-8-sig" else ("cp1252" if non_ascii else "utf-8")
    if encoding == "utf-8" or (not non_ascii and encoding == "cp1252"):
        expected_encoding = "utf-8"
    assert info.encoding == expected_encoding
    assert info.extra["header"] == header
    columns = unique_names(header)
    assert info.extra["columns"] == columns
    assert all(len(chunk.rows) <= batch_rows for chunk in chunks)
    assert all_rows(chunks) == list(range(len(rows)))
    assert all_cells(chunks) == {(columns[c], r): value for r, row in enumerate(rows) for c, value in enumerate(row)}


# --- JSON lines --------------------------------------------------------------------------------------------

json_keys = st.text(string.ascii_letters + FRENCH_LETTERS + "_ ", min_size=1, max_size=8)
json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    nirs("metropolitan").map(int),
    st.floats(allow_nan=False, allow_infinity=False),
    realistic_texts(),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(json_keys, inner, max_size=4)),
    max_leaves=12,
)
json_records = st.one_of(st.dictionaries(json_keys, json_values, max_size=5), st.lists(json_values, max_size=3))


def expected_leaves(value: object, path: str, row: int, out: dict) -> None:
    """The oracle: JSON leaves by path, numbers as their JSON text."""
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            expected_leaves(item, f"{path}.{key}" if path else str(key), row, out)
        return
    out[(path or "$", row)] = value if isinstance(value, str) or value is None else json.dumps(value)


lines_of_jsonl = st.lists(
    st.one_of(
        json_records.map(lambda r: ("ok", r)),
        st.just(("blank", "")),
        st.sampled_from(['{"nir": ', "{bad}", "[1, 2", '{"a": tru}']).map(lambda t: ("bad", t)),
    ),
    max_size=25,
)


@SETTINGS
@given(
    lines=lines_of_jsonl,
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    gz=st.booleans(),
    batch_rows=st.integers(1, 6),
    block=st.integers(7, 64),
)
def test_json_lines_round_trip_reports_bad_lines_and_reads_the_rest(lines, newline, final, gz, batch_rows, block):
    assume(sum(kind == "ok" for kind, _ in lines) > sum(kind == "bad" for kind, _ in lines))
    texts = [json.dumps(v, ensure_ascii=False) if kind == "ok" else v for kind, v in lines]
    if texts and texts[-1] == "" and not final:  # "a\n" + "" is "a" and a final newline
        texts, lines, final = texts[:-1], lines[:-1], True
    data = (newline.join(texts) + (newline if final else "")).encode("utf-8")
    assume(data)
    expected: dict = {}
    for row, (kind, value) in enumerate(lines):
        if kind == "ok":
            expected_leaves(value, "", row, expected)
        elif kind == "bad":
            expected[("line", row)] = value  # not JSON: scanned as a text line
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("events.jsonl.gz" if gz else "events.jsonl")
        path.write_bytes(gzip.compress(data) if gz else data)
        streams_block = streams.BLOCK_BYTES
        streams.BLOCK_BYTES = block
        try:
            info, chunks, problems = read_all(path, batch_rows=batch_rows)
        finally:
            streams.BLOCK_BYTES = streams_block
    assert info.format == "jsonl"
    assert [p.row for p in problems] == [row for row, (kind, _) in enumerate(lines) if kind == "bad"]
    assert all(p.message.startswith(f"line {p.row + 1}: invalid JSON (") and p.as_text for p in problems)
    assert all_cells(chunks) == expected
    assert [line for chunk in chunks if not chunk.text for line in chunk.raw.to_pylist()] == texts
    assert all_rows(chunks) == list(range(len(texts)))
    if texts:
        assert info.final_newline == final and info.newline == (newline if len(texts) > 1 or final else "\n")


# --- text --------------------------------------------------------------------------------------------------

log_texts = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85"), max_size=40
)


@SETTINGS
@given(
    lines=st.lists(
        st.one_of(log_texts, realistic_texts().map(lambda c: c.replace("\n", " "))), min_size=1, max_size=40
    ),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
    gz=st.booleans(),
    block=st.integers(1, 50),
    batch_rows=st.integers(1, 7),
)
def test_text_round_trip_gives_every_line_exactly(lines, newline, final, encoding, gz, block, batch_rows):
    lines = [f"2024-05-01 INFO {line}".replace("\r", " ").replace("\t", " ") for line in lines]
    data = (newline.join(lines) + (newline if final else "")).encode(encoding)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("app.log.gz" if gz else "app.log")
        path.write_bytes(gzip.compress(data) if gz else data)
        saved = streams.BLOCK_BYTES
        streams.BLOCK_BYTES = block
        try:
            info, chunks, problems = read_all(path, batch_rows=batch_rows)
        finally:
            streams.BLOCK_BYTES = saved
    assert (info.format, info.encoding, info.compressed, problems) == ("text", encoding, gz, [])
    assert info.final_newline == final
    if len(lines) > 1 or final:
        assert info.newline == newline
    assert all(chunk.text and len(chunk.rows) <= batch_rows for chunk in chunks)
    assert all_cells(chunks) == {("line", i): line for i, line in enumerate(lines)}
    assert [line for chunk in chunks for line in chunk.raw.to_pylist()] == lines


@SETTINGS
@given(
    header=st.sampled_from(["a;b;c", '"a";"b"', "nir,nom", "x"]),
    body=st.text(alphabet='ab1;,"\n\r é', max_size=120),
    batch_rows=st.integers(1, 4),
)
def test_csv_records_as_written_agree_with_pyarrow_on_any_text(header, body, batch_rows):
    data = f"{header}\n{body}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_bytes(data.encode("utf-8"))
        try:
            with open_source(path, batch_rows=batch_rows) as source:
                items = list(source.chunks())
                head = source.header_text()
        except SourceError as error:
            assert "could not be matched" not in str(error)  # pyarrow's own refusals (a broken file) only
            return
    chunks = [item for item in items if isinstance(item, Chunk)]
    raw = {row: text for chunk in chunks for row, text in zip(chunk.rows.to_pylist(), chunk.raw.to_pylist())}
    assert sorted(raw) == list(range(len(raw)))
    assert head + "".join(raw[row] for row in sorted(raw)) == data
    ragged = {p.row for p in items if isinstance(p, Problem) and p.as_text}
    assert {row for chunk in chunks if chunk.text for row in chunk.rows.to_pylist()} == ragged


payload_lines = st.lists(realistic_texts().map(lambda c: c.replace("\n", " ").replace("\r", " ")), max_size=12).map(
    lambda cells: "payload=" + json.dumps(cells, ensure_ascii=False))


@SETTINGS
@given(
    lines=st.lists(st.one_of(log_texts.map(lambda t: f"2024-05-01 INFO {t}".replace("\t", " ")), payload_lines),
                   min_size=1, max_size=12),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    gz=st.booleans(),
    cap=st.integers(8, 120),
    block=st.integers(1, 200),
)
def test_lines_of_any_length_come_back_whole_and_in_order(lines, newline, final, gz, cap, block):
    if lines[-1] == "" and not final:  # "a\n" + "" is "a" and a final newline
        lines, final = lines[:-1], True
    data = (newline.join(lines) + (newline if final else "")).encode("utf-8")
    assume(data.strip())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("app.log.gz" if gz else "app.log")
        path.write_bytes(gzip.compress(data) if gz else data)
        saved = streams.BLOCK_BYTES, streams.MAX_LINE_BYTES
        streams.BLOCK_BYTES, streams.MAX_LINE_BYTES = block, cap
        try:
            info, chunks, problems = read_all(path)
        finally:
            streams.BLOCK_BYTES, streams.MAX_LINE_BYTES = saved
    assert info.format == "text"
    newline_read = info.newline if len(lines) > 1 or final else newline
    assume(newline_read == newline)
    assert lines_read(chunks) == dict(enumerate(lines))
    assert sorted(all_rows(chunks)) == list(range(len(lines)))
    assert all("no separator" in p.message for p in problems)
    for chunk in chunks:
        if chunk.part is not None:  # a window: at most the cap of its own, and cut after a separator
            own = chunk.raw[0].as_py()
            assert len(own.encode()) <= cap
            cut_at_separator = not chunk.part.last and own[-1:] in '"{}[]|;,'
            assert chunk.part.last or cut_at_separator or any("no separator" in p.message for p in problems)


@SETTINGS
@given(
    lines=st.lists(st.text(CP1252_SAFE + " ;,.€œ", min_size=1, max_size=30), min_size=1, max_size=20),
    block=st.integers(1, 20),
)
def test_cp1252_text_decodes_across_any_block_boundary(lines, block):
    assume(any(ord(ch) > 127 for line in lines for ch in line))
    data = ("\r\n".join(f"ligne {line}" for line in lines) + "\r\n").encode("cp1252")
    assume(not _is_utf8(data))  # "âœœ" in cp1252 is the UTF-8 of "✜": such bytes are read as UTF-8, rightly
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vieux.txt"
        path.write_bytes(data)
        saved = streams.BLOCK_BYTES
        streams.BLOCK_BYTES = block
        try:
            info, chunks, _ = read_all(path)
        finally:
            streams.BLOCK_BYTES = saved
    assert info.encoding == "cp1252"
    assert [v for chunk in chunks for v in chunk.raw.to_pylist()] == [f"ligne {line}" for line in lines]


def test_dictionary_columns_stay_dictionaries_through_parquet(tmp_path):
    table = pa.table({"mutuelle": pa.array(["MGEN", "MGEN", None, "AG2R"]).dictionary_encode()})
    pq.write_table(table, tmp_path / "d.parquet")
    _, chunks, _ = read_all(tmp_path / "d.parquet")
    values = chunks[0].columns[0].values
    assert pa.types.is_dictionary(values.type)
    assert pc.count(values.dictionary).as_py() == 2


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
