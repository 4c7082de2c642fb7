"""Scanning where the data lives: PostgreSQL, SQLite and DuckDB tables, SQL dumps and workbooks.

The same synthetic beneficiary table (:func:`synthetic.tables.database_table`: text, int64 NIRs, dates, a
numeric amount, a ``text[]`` array, a ``jsonb`` document) is loaded into a real PostgreSQL server (the session's
``postgres`` fixture), dumped from it with the real ``pg_dump``, written to SQLite, DuckDB, a MySQL-style dump
and an Excel workbook, and every scan must find exactly what a scan of the same data as Parquet finds. SQLite,
MySQL and Excel have no arrays: there the phone list is a JSON document, in the Parquet file compared too.
"""

from __future__ import annotations

import datetime
import gzip
import json
import os
import socket
import sqlite3
import threading
import urllib.parse
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import leakguard
from leakguard.cli import cli
from leakguard.scan import DetectOptions, scan_path
from leakguard.sources import Container, TablePath, iter_tables, open_source
from leakguard.sources.base import Problem, SourceError
from recognizers import nir
from synthetic.tables import database_table
from tests.dumps import write_mysql_dump
from tests.dumps import write_sqlite as sqlite_database
from tests.strategies import make_nir

ROWS = 1500
#: NIRs with their computed keys
NIRS = [make_nir("1", 85, 5, "78006", 84), make_nir("2", 62, 11, "69123", 317)]
TABLE = "beneficiaires"
#: PostgreSQL types of the columns that are not the loader's default for their Arrow type
PG_TYPES = {"montant": "numeric(12,2)", "contact": "jsonb"}


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return database_table(ROWS, seed=11)[0]


def without_arrays(table: pa.Table) -> pa.Table:
    """The table as databases without arrays hold it: the phone list as a JSON document."""
    phones = [None if v is None else json.dumps(v, ensure_ascii=False) for v in table["telephones"].to_pylist()]
    index = table.schema.get_field_index("telephones")
    return table.set_column(index, "telephones", pa.array(phones, pa.string()))


def findings_of(tables: list[pa.Table]) -> list[tuple]:
    """Findings as sortable tuples, without the path."""
    rows = []
    for findings in tables:
        rows += zip(*(findings[c].to_pylist() for c in ("row", "column", "start", "end", "entity")))
    return sorted(rows, key=lambda r: (r[0], r[1] or "", r[2], r[4]))


def parquet_findings(table: pa.Table, tmp_path: Path) -> list[tuple]:
    path = tmp_path / "same-data.parquet"
    pq.write_table(table, path)
    items = scan_path(str(path), options=DetectOptions(ner=False))
    return findings_of([item[1] for item in items if not isinstance(item, Problem)])


def container_findings(source: str, pattern: str = f"*{TABLE}") -> list[tuple]:
    return findings_of(list(leakguard.scan_database(source, tables=[pattern], ner=False)))


def counts(findings: list[tuple]) -> Counter[tuple[str, str]]:
    return Counter((row[1], row[4]) for row in findings)


# --- the same data in every store ---------------------------------------------------------------------------


def load_postgres(server, table: pa.Table, database: str) -> None:
    server.create_database(database)
    server.load(table, f"public.{TABLE}", database, PG_TYPES)


@pytest.fixture(scope="module")
def pg_database(postgres, table) -> str:
    """The table in a PostgreSQL database; the database's name."""
    load_postgres(postgres, table, "lg_compare")
    return "lg_compare"


def heap_order(server, database: str, table: pa.Table) -> pa.Table:
    """``table`` in the order PostgreSQL reads the rows back (its heap order, not always the insertion order):
    rows matched by their 15-digit invoice number, distinct in the generated data."""
    read = server.sql(f"SELECT num_facture FROM public.{TABLE}", database).split()
    position = {value: i for i, value in enumerate(table["num_facture"].to_pylist())}
    assert len(position) == table.num_rows
    return table.take(pa.array([position[int(value)] for value in read]))


def write_sqlite(table: pa.Table, path: Path) -> None:
    sqlite_database(path, {TABLE: without_arrays(table)})


def write_duckdb(table: pa.Table, path: Path) -> None:
    import duckdb

    connection = duckdb.connect(str(path))
    connection.register("arrow_table", table)
    select = ", ".join("montant::DECIMAL(12,2) AS montant" if c == "montant" else
                       "contact::JSON AS contact" if c == "contact" else f'"{c}"' for c in table.column_names)
    connection.execute(f"CREATE TABLE {TABLE} AS SELECT {select} FROM arrow_table")
    connection.close()


def write_workbook(table: pa.Table, path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Feuil1"
    flat = without_arrays(table)
    sheet.append(flat.column_names)
    for row in flat.to_pylist():
        sheet.append(list(row.values()))
    book.create_sheet("Notes").append(["aucune donnée ici"])
    book.save(path)


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def write_ods(table: pa.Table, path: Path) -> None:
    """An OpenDocument spreadsheet of the table, from its XML (OpenDocument 1.2, part 3), in one sheet."""
    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>' \
                   "</table:table-cell>"
        if isinstance(value, datetime.date):
            return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">' \
                   f"<text:p>{value.isoformat()}</text:p></table:table-cell>"
        return f'<table:table-cell office:value-type="string"><text:p>{xml_escape(str(value))}</text:p>' \
               "</table:table-cell>"

    flat = without_arrays(table)
    rows = [flat.column_names] + [list(r.values()) for r in flat.to_pylist()]
    body = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="Feuil1">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)


def pg_dump_file(server, database: str, path: Path, *options: str) -> Path:
    dump = server.client("pg_dump", "--no-owner", "-t", f"public.{TABLE}", *options, database=database).stdout
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(dump))
    else:
        path.write_bytes(dump)
    return path


#: Writes the table to a store; returns the source to scan and the table in the order the store gives rows.
Store = Callable[[pytest.FixtureRequest, pa.Table, Path], tuple[str, pa.Table]]


def _postgres_store(request, table, tmp_path):
    server, database = request.getfixturevalue("postgres"), request.getfixturevalue("pg_database")
    return server.uri(database, password=server.password), heap_order(server, database, table)


def _pg_dump_store(*options: str, gz: bool = False) -> Store:
    def store(request, table, tmp_path):
        server, database = request.getfixturevalue("postgres"), request.getfixturevalue("pg_database")
        path = pg_dump_file(server, database, tmp_path / ("dump.sql.gz" if gz else "dump.sql"), *options)
        return str(path), heap_order(server, database, table)
    return store


def _file_store(writer: Callable[[pa.Table, Path], None], name: str) -> Store:
    def store(request, table, tmp_path):
        writer(table, tmp_path / name)
        return str(tmp_path / name), table
    return store


#: name -> (whether the store holds arrays, its writer)
STORES: dict[str, tuple[bool, Store]] = {
    "postgresql": (True, _postgres_store),
    "pg_dump COPY": (True, _pg_dump_store()),
    "pg_dump --inserts, gzip": (True, _pg_dump_store("--inserts", gz=True)),
    "pg_dump --column-inserts --rows-per-insert": (True, _pg_dump_store("--column-inserts", "--rows-per-insert=70")),
    "duckdb": (True, _file_store(write_duckdb, "lake.duckdb")),
    "sqlite": (False, _file_store(write_sqlite, "app.db")),
    "mysqldump": (False, _file_store(lambda t, p: write_mysql_dump(without_arrays(t), TABLE, p), "mysql.sql")),
    "workbook": (False, _file_store(write_workbook, "export.xlsx")),
    "workbook (ods)": (False, _file_store(write_ods, "export.ods")),
}


@pytest.mark.slow
@pytest.mark.parametrize("store", list(STORES))
def test_every_store_finds_what_parquet_finds_in_the_same_data(store, table, tmp_path, request):
    arrays, make = STORES[store]
    source, ordered = make(request, table, tmp_path)
    found = container_findings(source, "Feuil1" if store.startswith("workbook") else f"*{TABLE}")
    expected = parquet_findings(ordered if arrays else without_arrays(ordered), tmp_path)
    assert counts(found) == counts(expected)
    assert found == expected  # row by row, span by span
    entities = {entity for _, entity in counts(found)}
    assert {"FR_NIR", "DATE_OF_BIRTH", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE"} <= entities
    if arrays:
        assert counts(found)[("telephones.1", "PHONE_NUMBER")] > ROWS // 4
    assert counts(found)[("contact", "FR_NIR")] > ROWS // 2


def test_a_container_reports_each_table_as_container_hash_table(tmp_path, table):
    small = table.slice(0, 50)
    write_sqlite(small, tmp_path / "app.db")
    connection = sqlite3.connect(tmp_path / "app.db")
    connection.execute("CREATE TABLE vide (a TEXT)")
    connection.commit()
    connection.close()
    result = CliRunner().invoke(cli, ["scan", "--no-ner", "--format", "json", str(tmp_path / "app.db")])
    assert result.exit_code == 1, result.output
    files = {f["path"]: f for f in json.loads(result.stdout)["files"]}
    assert set(files) == {f"{tmp_path / 'app.db'}#{TABLE}", f"{tmp_path / 'app.db'}#vide"}
    assert files[f"{tmp_path / 'app.db'}#{TABLE}"]["records"] == 50


@pytest.mark.parametrize("patterns, expected", [
    ((), ["main.beneficiaires", "main.contrats", "archive.beneficiaires_2019"]),
    (("benef*",), ["main.beneficiaires", "archive.beneficiaires_2019"]),
    (("main.benef*",), ["main.beneficiaires"]),
    (("*.contrats", "archive.*"), ["main.contrats", "archive.beneficiaires_2019"]),
])
def test_table_globs_match_schema_and_table_or_the_table_alone(tmp_path, patterns, expected):
    import duckdb

    path = tmp_path / "lake.duckdb"
    connection = duckdb.connect(str(path))
    connection.execute("CREATE SCHEMA archive; CREATE TABLE beneficiaires (nom VARCHAR); "
                       "CREATE TABLE contrats (n INTEGER); CREATE TABLE archive.beneficiaires_2019 (nom VARCHAR)")
    connection.close()
    with open_source(str(path)) as container:
        names = [t.info.path.partition("#")[2] for t in container.tables(patterns)]
    assert sorted(names) == sorted(expected)


@pytest.mark.parametrize("store", ["duckdb", "postgresql", "pg_dump COPY", "sqlite", "workbook"])
def test_tables_stream_in_batches_of_batch_rows(store, table, tmp_path, request):
    source, _ = STORES[store][1](request, table, tmp_path)
    with open_source(source, batch_rows=400) as container:
        (found,) = container.tables(["Feuil1" if store == "workbook" else f"*{TABLE}"])
        chunks = list(found.chunks())
    assert [len(chunk.rows) for chunk in chunks] == [400, 400, 400, 300]
    assert [chunk.rows[0].as_py() for chunk in chunks] == [0, 400, 800, 1200]


# --- PostgreSQL -----------------------------------------------------------------------------------------------


def run_scan(*args: str, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(cli, ["scan", "--no-ner", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_postgres_scans_every_user_table_not_views_partitions_or_catalogs(postgres, table):
    postgres.create_database("lg_tables")
    postgres.load(table.slice(0, 20), f"public.{TABLE}", "lg_tables", PG_TYPES)
    postgres.sql(f"""
        CREATE SCHEMA "Crm Ext";
        CREATE TABLE "Crm Ext"."Contacts 2024" (nom text, courriel text);
        INSERT INTO "Crm Ext"."Contacts 2024" SELECT nom, email FROM public.{TABLE};
        CREATE VIEW public.vue AS SELECT nom FROM public.{TABLE};
        CREATE TABLE public.mesures (id int, jour date) PARTITION BY RANGE (jour);
        CREATE TABLE public.mesures_2024 PARTITION OF public.mesures FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        GRANT USAGE ON SCHEMA "Crm Ext" TO {postgres.reader};
        GRANT SELECT ON ALL TABLES IN SCHEMA public, "Crm Ext" TO {postgres.reader};
    """, "lg_tables")
    code, out, err = run_scan(postgres.uri("lg_tables", password=postgres.password), "--format", "json")
    assert code == 1, err
    paths = sorted(f["path"] for f in json.loads(out)["files"])
    base = f"postgresql://127.0.0.1:{postgres.port}/lg_tables"
    assert paths == [f"{base}#Crm Ext.Contacts 2024", f"{base}#public.{TABLE}", f"{base}#public.mesures"]


def test_postgres_reads_in_a_read_only_transaction(postgres, pg_database):
    before = postgres.log.read_text(errors="replace")
    list(leakguard.scan_database(postgres.uri(pg_database, password=postgres.password), ner=False))
    log = postgres.log.read_text(errors="replace")[len(before):]
    ours = [line for line in log.splitlines() if " leakguard " in line and ("statement:" in line or "execute" in line)]
    select = next(i for i, line in enumerate(ours) if f'FROM "public"."{TABLE}"' in line)
    assert "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY" in ours[select - 1]


@pytest.mark.parametrize("how", ["uri", "PGPASSWORD", "pgpass file"])
def test_the_password_comes_from_the_uri_pgpassword_or_a_pgpass_file(postgres, pg_database, tmp_path, how):
    env: dict[str, str | None] = {"PGPASSWORD": None, "PGPASSFILE": str(tmp_path / "absent")}
    uri = postgres.uri(pg_database)
    if how == "uri":
        uri = postgres.uri(pg_database, password=postgres.password)
    elif how == "PGPASSWORD":
        env["PGPASSWORD"] = postgres.password
    else:
        pgpass = tmp_path / "pgpass"
        pgpass.write_text(f"127.0.0.1:{postgres.port}:*:{postgres.reader}:{postgres.password}\n")
        pgpass.chmod(0o600)
        env["PGPASSFILE"] = str(pgpass)
    code, out, err = run_scan(uri, "--format", "jsonl", env=env)
    assert code == 1, err
    summary = json.loads(out.splitlines()[-1])
    assert summary["type"] == "summary"
    assert not any(json.loads(line)["type"] == "error" for line in out.splitlines())


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "sarif", "html"])
def test_a_password_never_appears_in_any_report_or_message(postgres, pg_database, tmp_path, fmt):
    good = postgres.uri(pg_database, password=postgres.password)
    wrong_password = "Wr0ng-" + postgres.password[::-1]
    wrong = postgres.uri(pg_database, password=wrong_password)
    missing_db = postgres.uri("no_such_database", password=postgres.password)
    output = tmp_path / f"report.{fmt}"
    code, out, err = run_scan(good, wrong, missing_db, "--format", fmt, "--table", "public.*")
    code_file, _, err_file = run_scan(good, "--format", fmt, "--output", str(output))
    assert code == 2 and code_file == 1
    everything = out + err + err_file + output.read_text()
    for secret in (postgres.password, wrong_password):
        assert secret not in everything
    assert f"{postgres.reader}:" not in everything and f"{postgres.reader}@" not in everything  # no URI with a user
    path = f"postgresql://127.0.0.1:{postgres.port}/{pg_database}#public.{TABLE}"
    assert (urllib.parse.quote(path, safe="/") if fmt == "sarif" else path) in out


def test_pseudonymising_a_database_is_refused_without_showing_its_password(postgres, pg_database, tmp_path):
    result = CliRunner(env={"LEAKGUARD_KEY": "ab" * 32}).invoke(
        cli, ["pseudonymise", postgres.uri(pg_database, password=postgres.password), str(tmp_path / "out.sql")])
    assert result.exit_code == 2
    assert postgres.password not in result.output + result.stderr
    assert "dump it" in result.stderr


class _SilentServer:
    """A TCP port that accepts connections and never answers (an unreachable database, as libpq sees it)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            while True:
                self.accepted.append(self.socket.accept()[0])
        except OSError:
            pass

    def close(self) -> None:
        for connection in self.accepted:
            connection.close()
        self.socket.close()


def _bad_sources(tmp_path: Path, postgres, database: str, silent_port: int) -> dict[str, str]:
    dump = pg_dump_file(postgres, database, tmp_path / "full.sql").read_text()
    cut = dump.index("\\.\n") - 2000  # inside the COPY block
    (tmp_path / "truncated.sql").write_text(dump[:cut])
    (tmp_path / "corrupt.db").write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(3000))
    return {
        "wrong password": postgres.uri(database, password="not-the-password"),
        "unreachable host": f"postgresql://{postgres.reader}:pass-word@127.0.0.1:{silent_port}/{database}",
        "connection refused": f"postgresql://{postgres.reader}:pass-word@127.0.0.1:1/{database}",
        "missing table": postgres.uri(database, password=postgres.password),
        "corrupt sqlite": str(tmp_path / "corrupt.db"),
        "truncated dump": str(tmp_path / "truncated.sql"),
        "broken workbook": str(tmp_path / "broken.xlsx"),
    }


def test_every_bad_source_is_one_line_on_stderr_exit_2_and_the_others_are_still_scanned(
        postgres, pg_database, table, tmp_path, monkeypatch):
    from leakguard.sources import postgres as pg_source

    monkeypatch.setattr(pg_source, "CONNECT_TIMEOUT_SECONDS", 2)  # the default is 10 s
    silent = _SilentServer()
    try:
        bad = _bad_sources(tmp_path, postgres, pg_database, silent.port)
        good = tmp_path / "good.parquet"
        pq.write_table(table.slice(0, 30), good)
        code, out, err = run_scan(*bad.values(), str(good), "--format", "jsonl", "--table", "public.beneficiaires",
                                  "--table", "public.absente")
    finally:
        silent.close()
    assert code == 2
    records = [json.loads(line) for line in out.splitlines()]
    assert any(r["type"] == "finding" and r["path"] == str(good) for r in records)
    lines = [line for line in err.splitlines() if line.strip()]
    assert all(line.startswith("leakguard: error: ") for line in lines), lines
    base = f"postgresql://127.0.0.1:{postgres.port}/{pg_database}"
    expected = {
        "wrong password": (base, "password authentication failed"),
        "unreachable host": (f"postgresql://127.0.0.1:{silent.port}/{pg_database}", "timeout expired"),
        "connection refused": ("postgresql://127.0.0.1:1/", "Connection refused"),  # port 1: nothing listens
        "missing table": (base, "no table matches --table 'public.absente'"),
        "corrupt sqlite": (bad["corrupt sqlite"], "not a database"),
        "truncated dump": (bad["truncated dump"], "truncated dump"),
        "broken workbook": (bad["broken workbook"], "cannot read the workbook"),
    }
    for what, (where, message) in expected.items():
        assert sum(where in line and message in line for line in lines) == 1, (what, lines)
    assert len(lines) == len(expected)
    # rows of the truncated dump before the cut are still scanned
    assert any(r["type"] == "finding" and r["path"].startswith(bad["truncated dump"]) for r in records)
    assert "Traceback" not in err


def test_the_connect_timeout_is_added_only_when_the_uri_sets_none(monkeypatch):
    from leakguard.sources.postgres import CONNECT_TIMEOUT_SECONDS, connection_uri

    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    assert f"connect_timeout={CONNECT_TIMEOUT_SECONDS}" in connection_uri("postgresql://h/db")
    assert connection_uri("postgresql://h/db?connect_timeout=3&application_name=x") == \
        "postgresql://h/db?connect_timeout=3&application_name=x"


@pytest.mark.parametrize("uri, shown", [
    ("postgresql://alice:s3cr%40t@db.example:6543/crm?sslmode=require&password=x", "postgresql://db.example:6543/crm"),
    ("postgres://alice@db.example/crm", "postgresql://db.example:5432/crm"),
    ("postgresql:///crm?host=/var/run/postgresql", "postgresql://%2Fvar%2Frun%2Fpostgresql:5432/crm"),
    ("postgresql://u:p@h1:5432,h2:5433/crm", "postgresql://h1:5432,h2:5433/crm"),
])
def test_a_database_is_named_by_host_port_and_database_only(uri, shown, monkeypatch):
    from leakguard.sources.postgres import display_uri

    for name in ("PGHOST", "PGPORT", "PGDATABASE"):
        monkeypatch.delenv(name, raising=False)
    assert display_uri(uri) == shown


# --- files ----------------------------------------------------------------------------------------------------


def test_sqlite_and_duckdb_files_are_found_by_content_and_by_uri(tmp_path, table):
    small = table.slice(0, 40)
    write_sqlite(small, tmp_path / "données.bin")
    write_duckdb(small, tmp_path / "lake.data")
    sources = [str(tmp_path / "données.bin"), str(tmp_path / "lake.data"),
               f"sqlite://{tmp_path / 'données.bin'}", f"duckdb://{tmp_path / 'lake.data'}"]
    kinds = []
    for source in sources:
        with open_source(source) as container:
            assert isinstance(container, Container)
            kinds.append(container.kind)
            assert len(container_findings(source)) > 40
    assert kinds == ["sqlite", "duckdb", "sqlite", "duckdb"]


def test_sqlite_columns_of_mixed_types_are_read_as_text(tmp_path):
    path = tmp_path / "app.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (ref INTEGER, blob_or_text)")
    connection.executemany("INSERT INTO t VALUES (?, ?)", [(1, b"\xff\xfe"), ("A-17", "texte"), (None, 3.5)])
    connection.commit()
    connection.close()
    with open_source(str(path)) as container:
        (source,) = container.tables()
        (chunk,) = source.chunks()
    assert {c.name: c.values.to_pylist() for c in chunk.columns} == {
        "ref": ["1", "A-17", None], "blob_or_text": [None, "texte", "3.5"]}


def test_a_workbook_header_is_its_first_non_empty_row_and_hidden_sheets_are_read(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append([])
    sheet.append([None, "nom", "N° SS", None, "nom"])
    sheet.append([None, "Durand", int(NIRS[0]), "x", "Jean"])
    sheet.append([])
    sheet.append([None, "Martin", nir.format(NIRS[1]), None, None])
    hidden = book.create_sheet("Cachée")
    hidden.sheet_state = "hidden"
    hidden.append(["email"])
    book.save(tmp_path / "w.xlsx")
    with open_source(str(tmp_path / "w.xlsx")) as container:
        sources = list(container.tables())
        columns = {c.name: (c.values.to_pylist(), c.rows.to_pylist()) for c in next(sources[0].chunks()).columns}
    assert [s.info.path for s in sources] == [f"{tmp_path / 'w.xlsx'}#Export", f"{tmp_path / 'w.xlsx'}#Cachée"]
    assert columns["N° SS"] == ([NIRS[0], None, nir.format(NIRS[1])], [0, 1, 2])
    assert columns["nom_2"] == (["Jean", None, None], [0, 1, 2])
    assert columns["column_3"][0] == ["x", None, None]


TITLES = {
    "a merged title": [["Export des bénéficiaires"]],
    "a title, its date, a blank row": [["Export des bénéficiaires"], [None, "Extraction du 01/03/2024"], []],
    "a title naming a person": [["Dossier de Mme Hélène DURAND"]],
}


@pytest.mark.parametrize("titles", TITLES.values(), ids=TITLES)
def test_the_header_of_a_sheet_is_under_its_title_rows_and_the_titles_are_scanned(tmp_path, titles):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in titles:
        sheet.append(row)
    if len(titles[0][0]) > 10:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    sheet.append(["Nom", "Prénom", "N° SS", "Date de naissance", "Téléphone"])
    for i, number in enumerate(NIRS):
        sheet.append(["Moreau", "Françoise", int(number), datetime.date(1961, 3, 12 + i), 612345678 + 11 * i])
        sheet.cell(sheet.max_row, 4).number_format = "dd/mm/yyyy"
    book.save(tmp_path / "export.xlsx")
    records = sum(1 for row in titles if row)
    with open_source(str(tmp_path / "export.xlsx")) as container:
        (source,) = container.tables()
        cells = {c.name: (c.values.to_pylist(), c.rows.to_pylist()) for chunk in source.chunks() for c in chunk.columns}
    assert cells["(title)"] == ([v for row in titles for v in row if v], list(range(records)))
    assert cells["N° SS"] == ([int(n) for n in NIRS], [records, records + 1])
    found = counts(container_findings(str(tmp_path / "export.xlsx"), "Sheet"))
    columns = {"Nom": "PERSON", "Prénom": "PERSON", "N° SS": "FR_NIR", "Date de naissance": "DATE_OF_BIRTH",
               "Téléphone": "PHONE_NUMBER"}
    assert {column: found[(column, entity)] for column, entity in columns.items()} == dict.fromkeys(columns, 2)
    assert (found[("(title)", "PERSON")] > 0) == ("DURAND" in titles[0][0])


@pytest.mark.parametrize("rows, header, records", [
    ([["nir"], [NIRS[0]], [NIRS[1]]], ["nir"], [[NIRS[0]], [NIRS[1]]]),
    ([["nom"], ["Durand"], ["Martin", 1]], ["nom", "column_2"], [["Durand", None], ["Martin", 1]]),
    ([["nom"], *[[f"x{i}"] for i in range(6)], ["a", "b"]], ["nom", "column_2"],
     [*[[f"x{i}", None] for i in range(6)], ["a", "b"]]),
], ids=["one column", "a number beside", "more one-cell rows than titles"])
def test_a_sheet_s_one_cell_first_row_is_its_header_when_no_header_of_text_follows(tmp_path, rows, header, records):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "w.xlsx")
    with open_source(str(tmp_path / "w.xlsx"), batch_rows=2) as container:
        (source,) = container.tables()
        chunks = list(source.chunks())
    columns: dict[str, dict[int, object]] = {}
    for column in (c for chunk in chunks for c in chunk.columns):
        columns.setdefault(column.name, {}).update(zip(column.rows.to_pylist(), column.values.to_pylist()))
    assert list(columns) == header
    assert [[columns[name].get(i) for name in header] for i in range(len(records))] == records
    assert [len(chunk.rows) for chunk in chunks] == [2] * (len(records) // 2) + [1] * (len(records) % 2)


NOT_WORKBOOKS = {  # what applications' "Excel exports" write under a workbook's name
    "export.xls": ("<html><body><table><tr><th>Nom</th><th>NIR</th></tr>\n<tr><td>Moreau</td><td>{nir}</td></tr>"
                   "</table></body></html>\n", "utf-8"),
    "extraction.xls": ("Nom\tPrénom\tN° SS\r\nLefèvre\tHélène\t{nir}\r\n", "cp1252"),
    "liste.xlsx": ("nom;nir\nMoreau;{nir}\n", "utf-8"),
}


@pytest.mark.parametrize("name", NOT_WORKBOOKS)
def test_a_text_file_named_as_a_workbook_is_read_and_pseudonymised_as_the_text_it_is(tmp_path, key_file, name):
    text, encoding = NOT_WORKBOOKS[name]
    path = tmp_path / name
    path.write_bytes(text.format(nir=NIRS[0]).encode(encoding))
    code, out, err = run_scan(str(path), "--format", "jsonl", "--show-values")
    assert (code, err) == (1, "")
    assert [(r["path"], r["value"]) for r in map(json.loads, out.splitlines())
            if r["type"] == "finding" and r["entity"] == "FR_NIR"] == [(str(path), NIRS[0])]
    result = CliRunner().invoke(cli, ["pseudonymise", "--no-ner", "--key-file", str(key_file), "--verify",
                                      "--operator", "FR_NIR=mask:0", "--operator", "PERSON=keep", str(path),
                                      str(tmp_path / f"out-{name}")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / f"out-{name}").read_bytes() == text.format(nir="*" * 15).encode(encoding)


def test_pseudonymising_a_workbook_is_refused_with_the_way_out(tmp_path, table):
    write_workbook(table.slice(0, 5), tmp_path / "export.xlsx")
    result = CliRunner(env={"LEAKGUARD_KEY": "ab" * 32}).invoke(
        cli, ["pseudonymise", str(tmp_path / "export.xlsx"), str(tmp_path / "out.xlsx")])
    assert result.exit_code == 2
    (line,) = [line for line in result.stderr.splitlines() if "error" in line]
    assert "workbook is not supported" in line and "CSV" in line
    assert not (tmp_path / "out.xlsx").exists()


def test_iter_tables_passes_files_through_and_expands_containers(tmp_path, table):
    write_sqlite(table.slice(0, 3), tmp_path / "app.db")
    (tmp_path / "notes.txt").write_text("rien\n")
    entries = list(iter_tables([str(tmp_path / "notes.txt"), str(tmp_path / "app.db"),
                                SourceError("x", "no such file")]))
    assert entries[0] == str(tmp_path / "notes.txt") and not isinstance(entries[0], TablePath)
    assert isinstance(entries[1], TablePath) and entries[1] == f"{tmp_path / 'app.db'}#{TABLE}"
    assert isinstance(entries[2], SourceError)


def test_scan_path_on_a_container_says_to_scan_its_tables(tmp_path, table):
    write_sqlite(table.slice(0, 3), tmp_path / "app.db")
    with pytest.raises(SourceError, match="holds several tables"):
        list(scan_path(str(tmp_path / "app.db")))


def test_decimals_of_scale_0_are_integers_and_json_is_text(tmp_path):
    import duckdb

    path = tmp_path / "lake.duckdb"
    connection = duckdb.connect(str(path))
    connection.execute(f"CREATE TABLE t AS SELECT {NIRS[0]}::DECIMAL(15,0) AS nir, 12.5::DECIMAL(5,2) AS m, "
                       f"'{{\"nir\": \"{NIRS[1]}\"}}'::JSON AS doc")
    connection.close()
    with open_source(str(path)) as container:
        (source,) = container.tables()
        (chunk,) = source.chunks()
    assert {c.name: c.values.type for c in chunk.columns} == {"nir": pa.int64(), "m": pa.string(), "doc": pa.string()}
    findings = pa.concat_tables(leakguard.scan_database(str(path), ner=False))
    assert sorted(pc.unique(findings["column"]).to_pylist()) == ["doc", "nir"]


def test_a_baseline_of_a_database_and_a_dump_knows_their_findings_from_another_directory(
        postgres, pg_database, table, tmp_path, monkeypatch):
    dump = pg_dump_file(postgres, pg_database, tmp_path / "crm.sql")
    uri = postgres.uri(pg_database)
    monkeypatch.setenv("PGPASSWORD", postgres.password)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"LEAKGUARD_BASELINE_KEY": None})
    recorded = runner.invoke(cli, ["baseline", "--no-ner", "--no-config", uri, "crm.sql"])
    assert recorded.exit_code == 0, recorded.stderr
    document = json.loads((tmp_path / ".leakguard-baseline.json").read_text())
    assert {e["path"] for e in document["findings"]} == {
        f"postgresql://127.0.0.1:{postgres.port}/{pg_database}#public.{TABLE}", f"crm.sql#public.{TABLE}"}
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    code, out, err = run_scan(uri, str(dump), "--no-config", "--baseline", str(tmp_path / ".leakguard-baseline.json"),
                              "--format", "jsonl")
    assert code == 0, err
    assert not [line for line in out.splitlines() if json.loads(line)["type"] == "finding"]
