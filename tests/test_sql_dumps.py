"""SQL dumps: read as a stream, every byte accounted for, and pseudonymised into dumps that restore.

Dumps here are made three ways: by the real ``pg_dump`` of the session's PostgreSQL server (``postgres``
fixture), by :func:`tests.dumps.write_mysql_dump` (``mysqldump``'s layout and escaping, written from the MySQL
manual), and from Hypothesis-drawn values with the PostgreSQL escaping rules written out below, not
leakguard's. Pseudonymised ``pg_dump`` files are restored with ``psql`` into the real server and read back.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leakguard
from leakguard.cli import cli
from leakguard.sources import open_source, sqlscript
from leakguard.sources.base import SourceError
from leakguard.sources.sqlscript import DumpParser, End, Rows, Verbatim
from leakguard.sources.sqltext import (
    array_decode,
    array_encode,
    copy_decode,
    copy_encode,
    mysql_string_decode,
    mysql_string_encode,
    pg_string_decode,
    pg_string_encode,
)
from synthetic.tables import database_table
from tests.dumps import mysql_rows, write_mysql_dump
from tests.strategies import generated_nirs, make_nir

KEY = "5f" * 32
#: NIRs with their computed keys
NIRS = [make_nir("1", 85, 5, "78006", 84), make_nir("2", 62, 11, "69123", 317)]
#: Characters that break naive dump readers and writers.
TRICKY = ["'", "''", '"', "\\", "\\\\", "\t", "\n", "\r\n", ";", "),(", "\\.", "\\N", "$$", "--", "/*", "*/", "{",
          "}", ",", " ", "\u00a0", "é", "NULL", "E'", "`", "\x1a"]
texts = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=("Cs",),
                                                                          exclude_characters="\x00"), max_size=6)),
                 max_size=6).map("".join)

# --- leakguard's codecs against the manuals' rules ------------------------------------------------------------

_COPY_RULES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f", "\v": "\\v"}


def copy_field(value: str | None) -> str:
    """A COPY text field per the PostgreSQL manual (independent of leakguard)."""
    return "\\N" if value is None else "".join(_COPY_RULES.get(c, c) for c in value)


@given(texts)
def test_copy_fields_decode_to_what_was_written_and_encode_as_postgres_does(value):
    assert copy_decode(copy_field(value)) == value
    assert copy_encode(value) == copy_field(value)


@given(texts, st.booleans())
def test_postgres_literals_round_trip_with_and_without_backslash_escapes(value, escapes):
    literal = pg_string_encode(value, escapes=escapes)
    assert literal == ("'" + (value.replace("\\", "\\\\") if escapes else value).replace("'", "''") + "'")
    assert pg_string_decode(literal[1:-1], escapes=escapes) == value


@given(texts)
def test_mysql_literals_round_trip(value):
    assert mysql_string_decode(mysql_string_encode(value)[1:-1]) == value


@given(st.lists(st.one_of(st.none(), texts), max_size=5))
def test_array_literals_round_trip(items):
    assert array_decode(array_encode(items)) == items


@pytest.mark.parametrize("literal, items", [
    ("{}", []), ("{a,b}", ["a", "b"]), ('{"a b",NULL,"NULL",""}', ["a b", None, "NULL", ""]),
    ("{ a , b }", ["a", "b"]), ('{"\\"q\\"",x\\,y}', ['"q"', "x,y"]), ("{\u00a0a\u00a0}", ["\u00a0a\u00a0"]),
    ("{{1,2},{3,4}}", None), ("[0:1]={a,b}", None), ("texte", None), ("{a", None),
])
def test_array_literals_read_as_postgres_reads_them(literal, items):
    assert array_decode(literal) == items


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.one_of(st.none(), texts), max_size=4), min_size=1, max_size=40))
def test_arrays_are_quoted_as_postgres_array_out_quotes_them(postgres, arrays):
    import adbc_driver_postgresql.dbapi as dbapi

    table = pa.table({"i": pa.array(range(len(arrays)), pa.int64()), "a": pa.array(arrays, pa.list_(pa.string()))})
    with dbapi.connect(postgres.superuser_uri()) as connection, connection.cursor() as cursor:
        cursor.adbc_ingest("arrays_out", table, mode="replace")
        cursor.execute("SELECT a::text FROM arrays_out ORDER BY i")
        written = [row[0] for row in cursor.fetchall()]
        connection.rollback()
    assert written == [array_encode(items) for items in arrays]


# --- the parser ------------------------------------------------------------------------------------------------


def events(text: str, block: int, monkeypatch) -> list:
    monkeypatch.setattr(sqlscript, "BLOCK_CHARS", block)
    return list(DumpParser(io.StringIO(text, newline=""), "dump.sql", group_rows=3).events())


def rebuilt(items: list) -> str:
    return "".join(e.text if isinstance(e, Verbatim) else "".join(e.raw) for e in items if not isinstance(e, End))


def pg_dump_text(rows: list[tuple[str | None, str | None]], style: str) -> str:
    head = ("--\n-- PostgreSQL database dump\n--\n\nSET standard_conforming_strings = on;\n"
            "CREATE TABLE public.t (\n    a text,\n    b text\n);\n\nCREATE FUNCTION public.f() RETURNS void\n"
            "    LANGUAGE sql AS $_$ INSERT INTO public.t VALUES ('not; data', $$x$$); $_$;\n\n")
    if style == "copy":
        body = "COPY public.t (a, b) FROM stdin;\n" + "".join(
            f"{copy_field(a)}\t{copy_field(b)}\n" for a, b in rows) + "\\.\n"
    else:
        quote = lambda v: "NULL" if v is None else "'" + v.replace("'", "''") + "'"  # noqa: E731
        body = "".join(f"INSERT INTO public.t VALUES ({quote(a)}, {quote(b)});\n" for a, b in rows)
    return head + body + "\n--\n-- PostgreSQL database dump complete\n--\n\n"


@pytest.mark.parametrize("block", [3, 17, 1 << 20])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.one_of(st.none(), texts), st.one_of(st.none(), texts)), max_size=8),
       style=st.sampled_from(["copy", "insert"]))
def test_a_dump_is_read_back_whole_and_each_value_as_written(rows, style, block, monkeypatch):
    text = pg_dump_text(rows, style)
    items = events(text, block, monkeypatch)
    assert rebuilt(items) == text
    read = [tuple(values) for e in items if isinstance(e, Rows) for values in e.values]
    assert read == [tuple(row) for row in rows]
    assert isinstance(items[-1], End) and items[-1].complete
    assert {e.table.name for e in items if isinstance(e, Rows)} <= {"public.t"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(texts, st.integers(-(2**40), 2**40)), min_size=1, max_size=8))
def test_a_mysql_dump_is_read_back_whole_and_each_value_as_written(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("mysql") / "dump.sql"
    write_mysql_dump(pa.table({"nom": [r[0] for r in rows], "n": [r[1] for r in rows]}), "t", path, rows_per_insert=3)
    text = path.read_text(encoding="utf-8")
    items = list(DumpParser(io.StringIO(text, newline=""), "dump.sql").events())
    assert rebuilt(items) == text
    read = [values[1:] for e in items if isinstance(e, Rows) for values in e.values]
    assert read == [[nom, str(n)] for nom, n in rows]


@pytest.mark.parametrize("text, values", [
    ("SET standard_conforming_strings = off;\nINSERT INTO t VALUES ('a\\'b', 'c\\\\d');\n", [["a'b", "c\\d"]]),
    ("INSERT INTO t VALUES (E'tab\\there', 'back\\slash', -1.5e3, true, DEFAULT);\n",
     [["tab\there", "back\\slash", "-1.5e3", "true", None]]),
    ("INSERT INTO t VALUES ('1985-05-12'::date, upper('x, y'), ARRAY['a','b']);\n",
     [["1985-05-12", "upper('x, y')", "ARRAY['a','b']"]]),
    ("INSERT INTO `t` VALUES (_binary 'a\\0b',0x6869,X'6869',\"dq\\\"\");\n", [["a\0b", "hi", "hi", 'dq"']]),
    ("INSERT INTO t (a) OVERRIDING SYSTEM VALUE VALUES ('x') ON CONFLICT DO NOTHING;\n", [["x"]]),
    ("INSERT INTO t SELECT * FROM u;\nINSERT INTO t DEFAULT VALUES;\n", []),
    ("INSERT INTO public.t VALUES (E'O\\'Brien', E'\\'', e'a\\\\', E'x\\', y', upper(E'\\'), z'));\n",
     [["O'Brien", "'", "a\\", "x', y", "upper(E'\\'), z')"]]),
    ("CREATE TABLE t (a text DEFAULT E'\\'', b text);\nINSERT INTO t VALUES (E'\\\\', 'c\\');\n",
     [["\\", "c\\"]]),
])
def test_insert_values_are_read_as_the_dialect_says(text, values, monkeypatch):
    items = events(text, 5, monkeypatch)
    assert rebuilt(items) == text
    assert [v for e in items if isinstance(e, Rows) for v in e.values] == values


# --- scanning and errors --------------------------------------------------------------------------------------


def test_a_copy_block_in_csv_is_reported_and_the_other_tables_are_read(tmp_path):
    path = tmp_path / "dump.sql"
    path.write_text(f"COPY a (x) FROM stdin WITH (FORMAT csv);\n\"{NIRS[0]}\"\n\\.\n"
                    f"COPY b (nir) FROM stdin;\n{NIRS[1]}\n\\.\n")
    result = CliRunner().invoke(cli, ["scan", "--no-ner", "--format", "jsonl", str(path)])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 2
    assert [r["message"] for r in records if r["type"] == "error"] == [
        "line 1: COPY of a with options 'WITH (FORMAT csv)' is not read (only the text format is)"]
    assert [r["path"] for r in records if r["type"] == "finding"] == [f"{path}#b"]


@pytest.mark.parametrize("cut, message", [
    ("COPY public.t (a, b) FROM stdin;\nx\ty\n", "truncated dump: it ends inside the COPY data of public.t"),
    ("INSERT INTO public.t VALUES ('x', 'y", "truncated dump: it ends inside a row of INSERT INTO public.t"),
    ("CREATE TABLE public.t (a text);\n", "truncated dump: the dump tool's closing comment is missing"),
])
def test_a_truncated_dump_is_an_error_naming_it_after_its_complete_rows(tmp_path, cut, message):
    path = tmp_path / "cut.sql"
    path.write_text("--\n-- PostgreSQL database dump\n--\n\nCOPY public.u (nir) FROM stdin;\n"
                    f"{NIRS[0]}\n\\.\n" + cut)
    result = CliRunner().invoke(cli, ["scan", "--no-ner", "--format", "jsonl", str(path)])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 2
    (error,) = [r for r in records if r["type"] == "error"]
    assert error["path"].startswith(str(path)) and error["message"].startswith(message)
    assert any(r["type"] == "finding" and r["path"] == f"{path}#public.u" for r in records)
    pseudonymised = CliRunner(env={"LEAKGUARD_KEY": KEY}).invoke(
        cli, ["pseudonymise", "--no-ner", str(path), str(tmp_path / "out.sql")])
    assert pseudonymised.exit_code == 2 and "truncated dump" in pseudonymised.stderr
    assert not (tmp_path / "out.sql").exists()


def test_a_custom_format_archive_says_how_to_make_a_plain_dump(tmp_path):
    path = tmp_path / "base.dump"
    path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))
    with pytest.raises(SourceError, match=r"pg_restore -f dump\.sql"):
        open_source(str(path))


# --- pseudonymisation ---------------------------------------------------------------------------------------


def pseudonymise(src: Path, dst: Path, *options: str) -> CliRunner:
    result = CliRunner(env={"LEAKGUARD_KEY": KEY}).invoke(
        cli, ["pseudonymise", "--no-ner", "--verify", *options, str(src), str(dst)])
    assert result.exit_code == 0, result.stderr
    return result


def parts(text: str) -> list:
    """The events of a dump's text."""
    return list(DumpParser(io.StringIO(text, newline=""), "dump.sql").events())


def fetch(server, database: str, query: str) -> list[tuple]:
    """Rows of a query, through the driver (psql's text output cannot hold every value apart)."""
    import adbc_driver_postgresql.dbapi as dbapi

    with dbapi.connect(server.superuser_uri(database)) as connection, connection.cursor() as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()
        connection.rollback()
    return rows


def tricky_table(rows: int, seed: int) -> pa.Table:
    """Beneficiaries whose free text and arrays hold every character dumps must escape, around real NIRs."""
    base, _ = database_table(rows, seed)
    rng = random.Random(seed)
    notes, tags = [], []
    for nir in base["nir"].to_pylist():
        before, after = "".join(rng.choices(TRICKY, k=4)), "".join(rng.choices(TRICKY, k=4))
        notes.append(f"{before} NIR {nir} {after}")
        tags.append(["".join(rng.choices(TRICKY, k=2)), f"n° {nir}", None])
    return base.append_column("note", pa.array(notes)).append_column("tags", pa.array(tags, pa.list_(pa.string())))


DUMP_STYLES = {"COPY": (), "--inserts": ("--inserts",), "--column-inserts": ("--column-inserts", "--rows-per-insert=7")}


@pytest.mark.slow
@pytest.mark.parametrize("style", list(DUMP_STYLES))
@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_a_pseudonymised_pg_dump_restores_and_differs_only_in_the_values_replaced(postgres, tmp_path, style, gz):
    from tests.test_databases import PG_TYPES

    table = tricky_table(300, seed=5)
    database = f"lg_dump_{abs(hash((style, gz))) % 10**6}"
    postgres.create_database(database)
    postgres.load(table, "public.beneficiaires", database, PG_TYPES)
    dump = postgres.client("pg_dump", "--no-owner", *DUMP_STYLES[style], database=database).stdout
    src = tmp_path / ("dump.sql.gz" if gz else "dump.sql")
    src.write_bytes(gzip.compress(dump) if gz else dump)
    out = tmp_path / ("pseudo.sql.gz" if gz else "pseudo.sql")
    pseudonymise(src, out)
    written = gzip.decompress(out.read_bytes()) if gz else out.read_bytes()

    # byte for byte outside the data rows; inside them, only values of columns holding personal data change
    old, new = parts(dump.decode()), parts(written.decode())
    assert [e.text for e in old if isinstance(e, Verbatim)] == [e.text for e in new if isinstance(e, Verbatim)]
    old_rows = [values for e in old if isinstance(e, Rows) for values in e.values]
    new_rows = [values for e in new if isinstance(e, Rows) for values in e.values]
    assert len(old_rows) == len(new_rows) == table.num_rows
    personal = {"nom", "prenom", "date_naissance", "nir", "c_12", "num_amc", "num_adherent", "telephone", "email",
                "iban", "commentaire", "telephones", "contact", "note", "tags"}
    changed = set()
    for before, after in zip(old_rows, new_rows):
        for name, x, y in zip(table.column_names, before, after, strict=True):
            if x != y:
                changed.add(name)
    assert changed <= personal and {"nir", "note", "tags", "contact"} <= changed

    # it restores, and reads back with every personal value replaced and every other value as it was
    restored = database + "_restored"
    postgres.create_database(restored)
    postgres.client("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-", database=restored, stdin=written)
    postgres.sql(f"GRANT SELECT ON public.beneficiaires TO {postgres.reader}", restored)
    same = "num_facture, date_soin, montant, code_postal, organisme, garanties, date_trunc('year', date_naissance)"
    query = f"SELECT {same} FROM public.beneficiaires ORDER BY num_facture"
    assert fetch(postgres, database, query) == fetch(postgres, restored, query)
    notes = fetch(postgres, restored, "SELECT note, tags FROM public.beneficiaires ORDER BY num_facture")
    originals = fetch(postgres, database, "SELECT note, nir, tags FROM public.beneficiaires ORDER BY num_facture")
    for (note, tags), (original, nir, original_tags) in zip(notes, originals, strict=True):
        before, after = original.split(f" NIR {nir} ")
        assert re.fullmatch(re.escape(before) + " NIR NIR_[a-z2-7]{16} " + re.escape(after), note), (original, note)
        assert tags[0] == original_tags[0] and tags[2] is None and re.fullmatch("n° NIR_[a-z2-7]{16}", tags[1])
    findings = pa.concat_tables(leakguard.scan_database(postgres.uri(restored, password=postgres.password),
                                                        ner=False))
    left = {e for e in findings["entity"].to_pylist()} - {"FR_HEALTH_INSURER", "FR_HEALTH_GUARANTEE"}
    assert left <= {"DATE_OF_BIRTH"}  # generalised dates of birth (day and month 01) are still dates of birth


def test_a_dump_redacted_restores_into_not_null_text_columns(postgres, tmp_path):
    """``redact`` empties a value: a string in a text column (NOT NULL or not), NULL in a number column."""
    nir = generated_nirs(2, 3)
    dump = ("CREATE TABLE public.assures (\n    id integer NOT NULL,\n    email text NOT NULL,\n"
            "    nir bigint,\n    tel character varying(20) NOT NULL,\n    date_naissance date\n);\n"
            f"INSERT INTO public.assures (id, email, nir, tel, date_naissance) VALUES (1, 'marie.martin@orange.fr', "
            f"{nir[0]}, '06 12 34 56 78', '1961-03-12');\n"
            "COPY public.assures (id, email, nir, tel, date_naissance) FROM stdin;\n"
            f"2\tpaul.petit@free.fr\t{nir[1]}\t01 42 34 56 78\t1958-11-02\n\\.\n")
    src, out = tmp_path / "dump.sql", tmp_path / "pseudo.sql"
    src.write_text(dump, encoding="utf-8")
    entities = ("EMAIL_ADDRESS", "FR_NIR", "PHONE_NUMBER", "DATE_OF_BIRTH")
    pseudonymise(src, out, *(f"--operator={e}=redact" for e in entities))
    database = "lg_dump_redacted"
    postgres.create_database(database)
    postgres.client("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-", database=database,
                    stdin=out.read_bytes())
    rows = fetch(postgres, database, "SELECT id, email, nir, tel, date_naissance FROM public.assures ORDER BY id")
    assert rows == [(1, "", None, "", None), (2, "", None, "", None)]  # a date column is emptied with NULL


@pytest.mark.parametrize(("column", "entity"), [
    ("nir bigint NOT NULL", "FR_NIR"),
    ("date_naissance date PRIMARY KEY", "DATE_OF_BIRTH"),
])
@pytest.mark.parametrize("style", ["copy", "insert"])
def test_redact_refuses_a_column_of_numbers_or_dates_that_takes_no_null(tmp_path, column, entity, style):
    """NULL would not restore there, and no other value is empty: refused in one line, nothing written."""
    name = column.split()[0]
    value = generated_nirs(1, 4)[0] if entity == "FR_NIR" else "1961-03-12"
    rows = (f"COPY public.assures (id, {name}) FROM stdin;\n1\t{value}\n\\.\n" if style == "copy"
            else f"INSERT INTO public.assures VALUES (1, '{value}');\n")
    src, out = tmp_path / "dump.sql", tmp_path / "pseudo.sql"
    src.write_text(f"CREATE TABLE public.assures (\n    id integer NOT NULL,\n    {column}\n);\n{rows}",
                   encoding="utf-8")
    result = CliRunner(env={"LEAKGUARD_KEY": KEY}).invoke(
        cli, ["pseudonymise", "--no-ner", f"--operator={entity}=redact", str(src), str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert f"redact cannot empty the column '{name}' of public.assures" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().splitlines()[-1].startswith("leakguard: error")


def test_a_pseudonymised_mysql_dump_keeps_every_other_byte_and_its_escaping(tmp_path):
    table = tricky_table(120, seed=8)
    table = table.drop_columns(["telephones", "contact", "tags"])
    src, out = tmp_path / "mysql.sql", tmp_path / "pseudo.sql"
    write_mysql_dump(table, "beneficiaires", src, rows_per_insert=25)
    pseudonymise(src, out)
    before, after = src.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    strip = re.compile(r"^INSERT INTO .*$", re.MULTILINE)
    assert strip.sub("", before) == strip.sub("", after)
    old_rows, new_rows = list(mysql_rows(before, "beneficiaires")), list(mysql_rows(after, "beneficiaires"))
    assert len(old_rows) == len(new_rows) == table.num_rows
    names = ["id", *table.column_names]
    kept = {"id", "num_facture", "date_soin", "montant", "code_postal", "organisme", "garanties"}
    for old, new in zip(old_rows, new_rows):
        for name, x, y in zip(names, old, new, strict=True):
            if name in kept:
                assert x == y, name
        note_old, note_new = old[names.index("note")], new[names.index("note")]
        head = note_old.split(" NIR ")[0]
        tail = note_old.rsplit(" ", 1)[1] if " " in note_old else ""
        assert note_new.startswith(head + " NIR NIR_") and note_new.endswith(tail)
        assert new[names.index("nir")].startswith("NIR_") and int(new[names.index("c_12")] or 9) > 0


def test_a_dump_with_a_nir_in_an_integer_column_gets_an_integer_token(tmp_path):
    nir = NIRS[0]
    path = tmp_path / "d.sql"
    path.write_text(f"CREATE TABLE t (id integer, nir bigint, naissance date);\n"
                    f"INSERT INTO t VALUES (1, {nir}, '1985-05-12');\n")
    pseudonymise(path, tmp_path / "o.sql")
    line = (tmp_path / "o.sql").read_text().splitlines()[1]
    assert re.fullmatch(r"INSERT INTO t VALUES \(1, 9\d{17}, '1985-01-01'\);", line), line


def e_string_dump(nirs: list[str], setting: str = "") -> tuple[str, str]:
    """A hand-written PostgreSQL script whose strings are ``E'...'`` with backslash-escaped quotes, and its row
    that holds no personal data."""
    kept = "INSERT INTO public.t VALUES (2, E'aucun \\'identifiant\\' \\\\ ici\\n');\n"
    return (f"{setting}CREATE TABLE public.t (id integer, note text NOT NULL);\n"
            f"INSERT INTO public.t VALUES (1, E'l\\'assuré n° {nirs[0]} \\\\'), (3, E'\\'{nirs[1]}\\'');\n"
            + kept), kept


@pytest.mark.parametrize("setting", ["", "SET standard_conforming_strings = on;\n",
                                     "SET standard_conforming_strings = off;\n"])
def test_e_strings_are_read_and_rewritten_with_their_backslash_escapes(tmp_path, setting):
    nirs = generated_nirs(11, 2)
    dump, kept = e_string_dump(nirs, setting)
    assert [v for e in parts(dump) if isinstance(e, Rows) for v in e.values] == [
        ["1", f"l'assuré n° {nirs[0]} \\"], ["3", f"'{nirs[1]}'"], ["2", "aucun 'identifiant' \\ ici\n"]]
    src, out = tmp_path / "script.sql", tmp_path / "pseudo.sql"
    src.write_text(dump, encoding="utf-8")
    pseudonymise(src, out)
    written = out.read_text(encoding="utf-8")
    assert written.startswith(setting) and written.endswith(kept)  # an untouched row stays byte for byte
    row = written.splitlines()[len(setting.splitlines()) + 1]
    assert re.fullmatch(r"INSERT INTO public\.t VALUES \(1, E'l''assuré n° NIR_[a-z2-7]{16} \\\\'\), "
                        r"\(3, E'''NIR_[a-z2-7]{16}'''\);", row), row
    values = [v for e in parts(written) if isinstance(e, Rows) for v in e.values]
    assert [re.sub("NIR_[a-z2-7]{16}", "NIR", v) for _, v in values] == [
        "l'assuré n° NIR \\", "'NIR'", "aucun 'identifiant' \\ ici\n"]


def test_a_pseudonymised_script_of_e_strings_restores(postgres, tmp_path):
    src, out = tmp_path / "script.sql", tmp_path / "pseudo.sql"
    src.write_text(e_string_dump(generated_nirs(12, 2))[0], encoding="utf-8")
    pseudonymise(src, out)
    database = "lg_dump_e_strings"
    postgres.create_database(database)
    postgres.client("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-", database=database,
                    stdin=out.read_bytes())
    notes = [note for (note,) in fetch(postgres, database, "SELECT note FROM public.t ORDER BY id")]
    assert [re.sub("NIR_[a-z2-7]{16}", "NIR", note) for note in notes] == [
        "l'assuré n° NIR \\", "aucun 'identifiant' \\ ici\n", "'NIR'"]


def test_the_hook_blocks_a_dump_and_a_workbook_holding_a_nir_and_names_their_tables(tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    (tmp_path / "seed.sql").write_text(f"CREATE TABLE patients (nom text, nir text);\n"
                                       f"INSERT INTO patients VALUES ('x', '{NIRS[0]}'), ('y', '{NIRS[1]}');\n")
    book = openpyxl.Workbook()
    book.active.title = "Export"
    book.active.append(["nir"])
    book.active.append([NIRS[1]])
    book.save(tmp_path / "export.xlsx")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["hook", "--no-ner", "--no-config", "--no-baseline", "seed.sql", "export.xlsx"])
    assert result.exit_code == 1, result.output
    assert "seed.sql#patients: FR_NIR ×2" in result.stdout and "export.xlsx#Export: FR_NIR ×1" in result.stdout
    assert not any(n in result.output for n in NIRS)
    hooks = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    pattern = re.search(r"files: (.*)", hooks).group(1)
    assert all(re.search(pattern, name) for name in ("seed.sql", "dump.SQL.gz", "export.xlsx", "app.sqlite"))
