"""Reporters of ``leakguard scan``: each format's structure, the aggregates, SARIF validity, and no raw value.

Findings are built by hand as Arrow tables (``leakguard.findings.TABLE_SCHEMA`` + the optional ``value``
column) from generated identifiers: NIRs drawn digit by digit with their key computed by
``recognizers.nir``, names and e-mails drawn from letters. Every output is searched for the raw values.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leakguard import __version__
from leakguard.findings import ENTITIES, TABLE_SCHEMA
from leakguard.preview import mask
from leakguard.report import FORMATS, FileStats, make_reporter
from leakguard.report.sarif import RULES, artifact_uri, rule_id, rule_level
from leakguard.report.summary import RowSet
from leakguard.report.text import format_share
from recognizers import nir

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
CONTRACT_FIELDS = ["path", "row", "column", "start", "end", "entity", "score", "preview"]

# --- generated identifiers ---------------------------------------------------------------------------------


def make_nir(sex: str, year: int, month: int, dept: int, commune: int, order: int) -> str:
    body = f"{sex}{year:02d}{month:02d}{dept:02d}{commune:03d}{order:03d}"
    return body + nir.calc_check_digits(body)


def nirs() -> st.SearchStrategy[str]:
    """Valid NIRs (metropolitan, key computed by ``recognizers.nir``), compact or grouped."""
    compact = st.builds(
        make_nir,
        st.sampled_from("12"),
        st.integers(0, 99),
        st.integers(1, 12),
        st.integers(1, 95).filter(lambda d: d not in (20, 96)),
        st.integers(1, 999),
        st.integers(1, 999),
    )
    return compact.filter(nir.is_valid).flatmap(lambda n: st.sampled_from([n, nir.format(n)]))


def names() -> st.SearchStrategy[str]:
    word = st.text("abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=9).map(str.capitalize)
    return st.builds(lambda a, b: f"{a} {b}", word, word)


def emails() -> st.SearchStrategy[str]:
    word = st.text("abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=9)
    return st.builds(lambda a, b: f"{a}.{b}@example.org", word, word)


VALUES = {"FR_NIR": nirs(), "PERSON": names(), "EMAIL_ADDRESS": emails()}


def findings_table(items: list[tuple[int, str | None, str, str, float]], *, prefix: str = "") -> pa.Table:
    """Findings of ``(row, column, entity, value, score)``; the value sits after ``prefix`` in its cell."""
    return pa.table(
        {
            "row": pa.array([i[0] for i in items], pa.int64()),
            "column": pa.array([i[1] for i in items], pa.string()),
            "start": pa.array([len(prefix)] * len(items), pa.int32()),
            "end": pa.array([len(prefix) + len(i[3]) for i in items], pa.int32()),
            "entity": pa.array([i[2] for i in items], pa.string()),
            "score": pa.array([i[4] for i in items], pa.float64()),
            "preview": pa.array([mask(i[2], i[3]) for i in items], pa.string()),
            "value": pa.array([i[3] for i in items], pa.string()),
        }
    )


# --- scans: the events a driver sends ----------------------------------------------------------------------


@dataclass
class FileCase:
    path: str
    batches: list[list[tuple[int, str | None, str, str, float]]] = field(default_factory=list)
    stats: FileStats | None = None
    problems: list[tuple[str, int | None, bool]] = field(default_factory=list)

    @property
    def items(self) -> list[tuple[int, str | None, str, str, float]]:
        return [item for batch in self.batches for item in batch]


def run(fmt: str, files: list[FileCase], *, show_values: bool = False, width: int | None = None) -> str:
    out = io.StringIO()
    reporter = make_reporter(fmt, out, show_values=show_values, console_width=width)
    for case in files:
        reporter.file_started(case.path)
        for batch in case.batches:
            reporter.findings(case.path, findings_table(batch))
        for message, row, fatal in case.problems:
            reporter.problem(case.path, message, row, fatal)
        if case.stats is not None:
            reporter.file_done(case.path, case.stats)
    reporter.close()
    return out.getvalue()


@st.composite
def file_cases(draw: st.DrawFn, path: str, *, text: bool) -> FileCase:
    """A file with findings of a few entities in a few columns (text: null column), in several batches."""
    records = draw(st.integers(5, 400))
    columns = (
        [None]
        if text
        else draw(st.lists(st.sampled_from(["nir", "nom", "mail", "c0"]), min_size=1, max_size=3, unique=True))
    )
    items = []
    for _ in range(draw(st.integers(0, 12))):
        entity = draw(st.sampled_from(sorted(VALUES)))
        items.append(
            (
                draw(st.integers(0, records - 1)),
                draw(st.sampled_from(columns)),
                entity,
                draw(VALUES[entity]),
                draw(st.sampled_from([0.6, 0.85, 1.0])),
            )
        )
    cut = draw(st.integers(0, len(items)))
    batches = [b for b in (items[:cut], items[cut:]) if b]
    cells = {column: draw(st.integers(records // 2, records)) for column in columns}
    problems = draw(
        st.lists(
            st.tuples(st.just("line is not a JSON object"), st.integers(0, records - 1), st.just(False)), max_size=2
        )
    )
    return FileCase(path, batches, FileStats(records, cells, records * 40, 0.25), problems)


@st.composite
def scans(draw: st.DrawFn) -> list[FileCase]:
    files = [draw(file_cases("exports/beneficiaires.parquet", text=False)), draw(file_cases("logs/app.log", text=True))]
    if draw(st.booleans()):
        files.append(FileCase("missing.csv", problems=[("cannot read missing.csv: no such file", None, True)]))
    return files


def raw_forms(value: str) -> set[str]:
    """The value and, for a NIR, its other written forms: none may appear in a masked report."""
    forms = {value}
    if nir.is_valid(value):
        forms |= {nir.compact(value), nir.format(value)}
    return forms


# --- no raw value, ever, unless asked ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=scans())
def test_no_raw_value_appears_in_any_format_unless_asked(fmt, files):
    output = run(fmt, files)
    for case in files:
        for item in case.items:
            for form in raw_forms(item[3]):
                assert form not in output


@pytest.mark.parametrize("fmt", ["json", "jsonl"])  # sarif: one example per column (tests/test_sarif.py)
@settings(max_examples=20, deadline=None)
@given(files=scans())
def test_show_values_lets_every_raw_value_through_machine_formats(fmt, files):
    output = run(fmt, files, show_values=True)
    for case in files:
        for item in case.items:
            assert json.dumps(item[3], ensure_ascii=False) in output


def test_show_values_shows_the_example_value_in_the_table():
    value = nir.format(make_nir("2", 91, 11, 33, 63, 42))
    case = FileCase("t.csv", [[(3, "nir", "FR_NIR", value, 1.0)]], FileStats(10, {"nir": 10}, 100, 0.1))
    assert value not in run("table", [case])
    assert value in run("table", [case], show_values=True)


# --- jsonl: the CLI contract -------------------------------------------------------------------------------


def test_jsonl_findings_carry_exactly_the_contract_fields_in_order():
    value = make_nir("1", 72, 2, 75, 114, 7)
    case = FileCase(
        "dump.parquet",
        [[(4, "beneficiary.nir", "FR_NIR", value, 0.85)], [(9, "commentaire", "PERSON", "Jeanne Oscarine", 0.6)]],
        FileStats(10, {"beneficiary.nir": 10, "commentaire": 3}, 2048, 0.5),
        [("line 7 is not JSON", 7, False)],
    )
    lines = [json.loads(line) for line in run("jsonl", [case]).splitlines()]
    assert [line["type"] for line in lines] == ["finding", "finding", "error", "summary"]
    first = lines[0]
    assert list(first) == ["type", *CONTRACT_FIELDS]
    assert first == {
        "type": "finding",
        "path": "dump.parquet",
        "row": 4,
        "column": "beneficiary.nir",
        "start": 0,
        "end": 15,
        "entity": "FR_NIR",
        "score": 0.85,
        "preview": mask("FR_NIR", value),
    }
    assert lines[2] == {
        "type": "error",
        "path": "dump.parquet",
        "row": 7,
        "message": "line 7 is not JSON",
        "fatal": False,
    }
    summary = lines[-1]
    assert summary["files"] == 1 and summary["files_with_findings"] == 1
    assert summary["findings"] == 2 and summary["errors"] == 1 and summary["records"] == 10
    assert summary["by_entity"] == {"FR_NIR": {"findings": 1, "records": 1}, "PERSON": {"findings": 1, "records": 1}}


def test_jsonl_adds_value_only_with_show_values():
    case = FileCase("a.log", [[(0, None, "EMAIL_ADDRESS", "zoe.roux@example.org", 1.0)]], FileStats(1, {None: 1}))
    masked = json.loads(run("jsonl", [case]).splitlines()[0])
    shown = json.loads(run("jsonl", [case], show_values=True).splitlines()[0])
    assert "value" not in masked
    assert list(shown) == ["type", *CONTRACT_FIELDS, "value"] and shown["value"] == "zoe.roux@example.org"


def test_jsonl_streams_findings_before_the_scan_ends():
    out = io.StringIO()
    reporter = make_reporter("jsonl", out)
    reporter.file_started("big.log")
    reporter.findings("big.log", findings_table([(0, None, "PERSON", "Lucie Marchal", 0.85)]))
    assert json.loads(out.getvalue())["type"] == "finding"
    reporter.problem("gone.csv", "cannot read gone.csv: permission denied", None, fatal=True)
    assert json.loads(out.getvalue().splitlines()[-1]) == {
        "type": "error",
        "path": "gone.csv",
        "row": None,
        "message": "cannot read gone.csv: permission denied",
        "fatal": True,
    }
    reporter.close()
    summary = json.loads(out.getvalue().splitlines()[-1])
    assert summary["type"] == "summary" and summary["files_unreadable"] == 1 and summary["errors"] == 1


# --- json: one document ------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(files=scans())
def test_json_document_holds_the_jsonl_findings_and_the_same_summary(files):
    document = json.loads(run("json", files))
    lines = [json.loads(line) for line in run("jsonl", files).splitlines()]
    assert document["version"] == 1 and document["tool"] == "leakguard"
    assert [f["path"] for f in document["files"]] == [case.path for case in files]
    streamed = [{k: v for k, v in line.items() if k != "type"} for line in lines if line["type"] == "finding"]
    assert [f for file in document["files"] for f in file["findings"]] == streamed
    drop_clock = lambda summary: {k: v for k, v in summary.items() if k not in ("seconds", "type")}  # noqa: E731
    assert drop_clock(document["summary"]) == drop_clock(lines[-1])
    for file, case in zip(document["files"], files, strict=True):
        assert set(file) == {
            "path",
            "records",
            "bytes",
            "seconds",
            "unreadable",
            "unchanged",
            "findings",
            "columns",
            "errors",
            "errors_omitted",
            "cells_not_text",
            "exposure",
        }
        assert [(e["message"], e["row"], e["fatal"]) for e in file["errors"]] == case.problems


@settings(max_examples=50, deadline=None)
@given(case=file_cases("dump.parquet", text=False))
def test_json_column_aggregates_count_distinct_records_over_non_null_cells(case):
    document = json.loads(run("json", [case]))
    columns = {(c["column"], c["entity"]): c for c in document["files"][0]["columns"]}
    expected_keys = {(item[1], item[2]) for item in case.items}
    assert set(columns) == expected_keys
    for (column, entity), aggregate in columns.items():
        items = [i for i in case.items if (i[1], i[2]) == (column, entity)]
        rows = {i[0] for i in items}
        cells = case.stats.cells_by_column[column]
        assert aggregate["findings"] == len(items)
        assert aggregate["records"] == len(rows)
        assert aggregate["cells"] == cells
        assert aggregate["share"] == pytest.approx(len(rows) / cells, abs=1e-6)
        assert aggregate["top_score"] == max(i[4] for i in items)
        assert aggregate["first_rows"] == sorted(rows)[:5]
        best = next(i for i in items if i[4] == aggregate["top_score"])
        assert aggregate["example"] == mask(entity, best[3])
        assert "example_value" not in aggregate


# --- counting distinct records -----------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 5000), max_size=50), max_size=6))
def test_a_row_set_counts_each_record_once_whatever_the_batches(batches):
    rows = RowSet()
    for batch in batches:
        rows.add(batch)
    seen = {row for batch in batches for row in batch}
    assert rows.count == len(seen)
    assert rows.first == sorted(seen)[:5]


def test_two_findings_on_one_line_count_one_record_across_events():
    a, b = make_nir("1", 80, 1, 13, 55, 1), make_nir("2", 81, 2, 69, 123, 2)
    case = FileCase(
        "x.log",
        [[(5, None, "FR_NIR", a, 1.0), (5, None, "FR_NIR", b, 0.85)], [(5, None, "FR_NIR", b, 0.85)]],
        FileStats(100, {None: 100}, 4000, 0.1),
    )
    summary = json.loads(run("jsonl", [case]).splitlines()[-1])
    assert summary["findings"] == 3
    assert summary["by_entity"]["FR_NIR"] == {"findings": 3, "records": 1}
    assert summary["records_with_findings"] == 1


# --- table: for people -------------------------------------------------------------------------------------


def test_format_share_says_when_a_few_records_round_to_zero_or_to_all():
    assert format_share(None) == "?"
    assert format_share(0.0) == "0.0%"
    assert format_share(1 / 3) == "33.3%"
    assert format_share(1.0) == "100.0%"
    assert format_share(3 / 100_000) == "<0.1%"
    assert format_share(1 - 3 / 100_000) == ">99.9%"


def _row_of(output: str, first_cell: str, entity: str) -> list[str]:
    for line in output.splitlines():
        cells = line.split()
        if cells[:2] == [first_cell, entity]:
            return cells
    raise AssertionError(f"no row for {first_cell} {entity} in:\n{output}")


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_table_shows_distinct_records_share_and_top_score_per_column(data):
    cells = data.draw(st.integers(50, 100_000), label="cells")
    rows = data.draw(st.sets(st.integers(0, cells - 1), min_size=1, max_size=40), label="rows")
    values = {row: data.draw(nirs()) for row in rows}
    items = [(row, "nir_assure", "FR_NIR", values[row], 0.85) for row in sorted(rows)]
    items.append((min(rows), "nir_assure", "FR_NIR", values[min(rows)], 1.0))  # a second span, same record
    case = FileCase("b.parquet", [items], FileStats(cells + 10, {"nir_assure": cells}, 10**6, 1.0))
    output = run("table", [case])
    cells_shown = _row_of(output, "nir_assure", "FR_NIR")
    assert cells_shown[2] == f"{len(rows):,}"
    assert cells_shown[3] == format_share(len(rows) / cells)
    assert cells_shown[4] == "1.00"
    assert " ".join(cells_shown[5:]) == mask("FR_NIR", values[min(rows)])
    assert f"1 file scanned, 1 with findings, 0 errors, {cells + 10:,} records" in output


def test_table_of_a_text_file_shows_lines_and_first_line_numbers():
    items = [(row, None, "EMAIL_ADDRESS", f"agent{row}.x@example.org", 1.0) for row in (41, 2, 17, 99, 3, 64)]
    case = FileCase(
        "app.log", [items], FileStats(1000, {None: 1000}, 50_000, 0.2), [("line 9: undecodable bytes", 8, False)]
    )
    output = run("table", [case])
    assert "app.log  1,000 lines" in output
    row = _row_of(output, "(lines)", "EMAIL_ADDRESS")
    assert row[2:4] == ["6", "0.6%"]
    assert "l. 3, 4, 18, 42, 65…" in output  # 1-based line numbers, the five first
    assert "error: line 9: undecodable bytes" in output


def test_table_lists_unreadable_files_and_counts_them():
    files = [
        FileCase("ok.csv", [], FileStats(10, {"a": 10}, 100, 0.1)),
        FileCase("locked.parquet", problems=[("cannot read locked.parquet: permission denied", None, True)]),
    ]
    output = run("table", files)
    assert "locked.parquet: cannot read locked.parquet: permission denied" in output
    assert "No personal data found." not in output  # not an all-clear: a file was not read
    assert "No personal data found in what could be read; see the errors above." in output
    assert "1 file scanned, 0 with findings, 1 error, 1 unreadable, 10 records" in output


@settings(max_examples=20, deadline=None)
@given(files=scans())
def test_table_has_no_colour_and_fits_100_columns_when_not_a_terminal(files):
    output = run("table", files)
    assert "\x1b" not in output
    assert max(len(line) for line in output.splitlines()) <= 100


def test_table_escapes_control_characters_of_column_names_and_paths():
    case = FileCase(
        "evil\x1b[2J.csv",
        [[(0, "col\x1b]0;pwned\x07", "PERSON", "Paul Durand", 0.85)]],
        FileStats(1, {"col\x1b]0;pwned\x07": 1}, 10, 0.0),
    )
    output = run("table", [case])
    assert "\x1b" not in output and "\x07" not in output
    assert "evil\\x1b[2J.csv" in output


def test_undecodable_file_names_do_not_break_a_utf8_output():
    path = b"exports/b\xe9n\xe9ficiaires.csv".decode("utf-8", "surrogateescape")
    case = FileCase(path, [[(0, "nom", "PERSON", "Anne Lemaire", 0.85)]], FileStats(1, {"nom": 1}, 10, 0.0))
    shown = {
        "table": r"exports/b\xe9n\xe9ficiaires.csv",
        "json": r"exports/b\\xe9n\\xe9ficiaires.csv",  # the backslash escaped by JSON
        "jsonl": r"exports/b\\xe9n\\xe9ficiaires.csv",
        "sarif": "exports/b%E9n%E9ficiaires.csv",
        "html": r"exports/b\xe9n\xe9ficiaires.csv",
    }
    for fmt in FORMATS:
        buffer = io.BytesIO()
        out = io.TextIOWrapper(buffer, encoding="utf-8", errors="strict")
        reporter = make_reporter(fmt, out)
        reporter.findings(case.path, findings_table(case.batches[0]))
        reporter.file_done(case.path, case.stats)
        reporter.close()
        out.flush()
        text = buffer.getvalue().decode("utf-8")
        assert shown[fmt] in text


# --- SARIF -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)  # the schema declares draft-04
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$")


def _uris(document: dict) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "uri":
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


TEXT_CASE = FileCase(
    "logs/passerelle tiers-payant #2.log",
    [
        [
            (0, None, "FR_NIR", nir.format(make_nir("1", 85, 5, 78, 6, 84)), 1.0),
            (12, None, "PERSON", "Marcel Ponsard", 0.85),
        ]
    ],
    FileStats(20, {None: 20}, 900, 0.01),
)
TABLE_CASE = FileCase(
    "exports/bénéficiaires 100%.parquet",
    [
        [
            (0, "nir", "FR_NIR", make_nir("2", 60, 11, 44, 109, 12), 0.85),
            (3, "beneficiary.email", "EMAIL_ADDRESS", "lea.petit@example.org", 1.0),
        ]
    ],
    FileStats(5, {"nir": 5, "beneficiary.email": 4}, 3000, 0.02),
)
ERROR_CASES = [
    FileCase("broken.jsonl", [], FileStats(3, {"a": 2}, 60, 0.0), [("line 2 is not JSON", 2, False)]),
    FileCase("/srv/dumps/unreadable.csv", problems=[("cannot read: permission denied", None, True)]),
]
SHAPES = {
    "text findings": [TEXT_CASE],
    "table findings": [TABLE_CASE],
    "errors": ERROR_CASES,
    "no findings": [FileCase("clean.csv", [], FileStats(100, {"a": 100}, 10_000, 0.05))],
    "nothing scanned": [],
    "everything": [TEXT_CASE, TABLE_CASE, *ERROR_CASES],
    "a newer entity": [FileCase("n.log", [[(1, None, "FR_RPPS", "10101010101", 0.7)]], FileStats(2, {None: 2}))],
}


@pytest.mark.parametrize("show_values", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
def test_sarif_is_valid_against_the_official_schema(sarif_validator, shape, show_values):
    document = json.loads(run("sarif", SHAPES[shape], show_values=show_values))
    errors = sorted(sarif_validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    assert document["version"] == "2.1.0"
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "leakguard" and driver["version"] == __version__
    for uri in _uris(document):
        assert URI_REFERENCE.match(uri), uri


def test_sarif_rule_ids_are_stable():
    # Code-scanning tools key their alerts on these ids: this table may grow, never change.
    assert {entity: rule_id(entity) for entity in RULES} == {
        "FR_NIR": "LG-FR-NIR",
        "FR_AMC": "LG-FR-AMC",
        "FR_MUTUELLE_MEMBER_ID": "LG-FR-MUTUELLE-MEMBER-ID",
        "FR_HEALTH_INSURER": "LG-FR-HEALTH-INSURER",
        "FR_HEALTH_GUARANTEE": "LG-FR-HEALTH-GUARANTEE",
        "DATE_OF_BIRTH": "LG-DATE-OF-BIRTH",
        "PERSON": "LG-PERSON",
        "EMAIL_ADDRESS": "LG-EMAIL-ADDRESS",
        "PHONE_NUMBER": "LG-PHONE-NUMBER",
        "IBAN_CODE": "LG-IBAN-CODE",
    }
    assert set(ENTITIES) <= set(RULES)
    document = json.loads(run("sarif", []))
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule_id(e) for e in ENTITIES]
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"]
    assert rule_level("FR_NIR") == rule_level("IBAN_CODE") == rule_level("PERSON") == "error"


def test_sarif_invocation_reports_errors_as_notifications():
    document = json.loads(run("sarif", ERROR_CASES))
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [(n["level"], n["descriptor"]["id"]) for n in notes] == [
        ("warning", "LG-MALFORMED-RECORD"),
        ("error", "LG-UNREADABLE-FILE"),
    ]
    assert notes[0]["locations"][0]["properties"] == {"row": 2}
    assert notes[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "file:///srv/dumps/unreadable.csv"
    )
    clean = json.loads(run("sarif", ERROR_CASES[:1]))["runs"][0]["invocations"][0]
    assert clean["executionSuccessful"] is True


@given(
    st.lists(
        st.text(min_size=1, max_size=12).filter(lambda s: "/" not in s and s not in (".", "..")), min_size=1, max_size=3
    )
)
@settings(max_examples=100)
def test_artifact_uris_are_escaped_relative_references_that_decode_to_the_path(parts):
    path = "/".join(parts)
    uri = artifact_uri(path)
    assert URI_REFERENCE.match(uri)
    assert urllib.parse.unquote(uri, errors="surrogateescape") == path


# --- the factory -------------------------------------------------------------------------------------------


def test_make_reporter_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="table, json, jsonl, sarif"):
        make_reporter("xml", io.StringIO())  # type: ignore[arg-type]


def test_findings_with_a_path_column_are_accepted():
    table = findings_table([(0, "nir", "FR_NIR", make_nir("1", 99, 12, 1, 1, 1), 0.85)])
    table = table.add_column(0, "path", pa.array(["ignored"])).drop_columns(["value"])
    assert table.schema.remove(0).names == TABLE_SCHEMA.names
    out = io.StringIO()
    reporter = make_reporter("jsonl", out)
    reporter.findings("real.parquet", table)
    reporter.close()
    assert json.loads(out.getvalue().splitlines()[0])["path"] == "real.parquet"


_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)  # control characters, quotes, backslashes, emoji


@st.composite
def findings_tables(draw: st.DrawFn) -> pa.Table:
    """Findings tables with any text where the contract has text: column names (or none), previews, values."""
    size = draw(st.integers(0, 12))
    columns = draw(st.lists(st.none() | _TEXT, min_size=1, max_size=3))
    return pa.table({
        "row": draw(st.lists(st.integers(-1, 2**40), min_size=size, max_size=size)),
        "column": draw(st.lists(st.sampled_from(columns), min_size=size, max_size=size)),
        "start": draw(st.lists(st.integers(0, 2**31 - 1), min_size=size, max_size=size)),
        "end": draw(st.lists(st.integers(0, 2**31 - 1), min_size=size, max_size=size)),
        "entity": draw(st.lists(st.sampled_from(ENTITIES), min_size=size, max_size=size)),
        "score": draw(st.lists(st.floats(0, 1), min_size=size, max_size=size)),
        "preview": draw(st.lists(_TEXT, min_size=size, max_size=size)),
        "value": draw(st.lists(st.none() | _TEXT, min_size=size, max_size=size)),
    }, schema=TABLE_SCHEMA)


@given(findings_tables(), st.sampled_from(["exports/a.csv", "185057800608491.csv", "d/\udce9t\u00e9.log"]),
       st.booleans(), st.sampled_from([({}, None), ({"type": "finding"}, {"unchanged": True})]))
def test_findings_written_with_arrow_are_the_json_of_their_dicts(findings, path, with_values, around):
    """The json and jsonl reports write findings with Arrow kernels (``leakguard.report.jsontext``): the same
    text, byte for byte, as one ``dumps`` of each finding's dict."""
    from leakguard.report.base import dumps
    from leakguard.report.jsontext import finding_texts, joined
    from leakguard.report.summary import finding_dicts

    head, tail = around
    expected = [dumps({**head, **item, **(tail or {})})
                for item in finding_dicts(path, findings, with_values=with_values)]
    texts = finding_texts(path, findings, with_values=with_values, head=head, tail=tail)
    assert texts.to_pylist() == expected
    assert joined(texts, ",\n  ") == ",\n  ".join(expected)


@given(st.lists(st.lists(_TEXT, max_size=6), min_size=1, max_size=4), st.sampled_from(["utf-8", "latin-1"]))
def test_joined_texts_written_as_bytes_or_as_text_are_the_same(batches: list[list[str]], encoding: str) -> None:
    """The jsonl report writes each batch's texts as the UTF-8 bytes Arrow holds when its output is a UTF-8
    file, between text written through the file's text layer, and as text otherwise."""
    import tempfile

    from leakguard.report.jsontext import write_joined

    expected = "".join(f"<{chr(10).join(texts)}|>" for texts in batches)
    errors = "replace" if encoding != "utf-8" else "strict"
    with tempfile.TemporaryFile("w+", encoding=encoding, errors=errors, newline="") as file:
        for texts in batches:
            file.write("<")
            write_joined(pa.array(texts, pa.string()), "\n", file, end="|")
            file.write(">")
        file.seek(0)
        written = file.read()
    assert written == (expected if encoding == "utf-8" else expected.encode(encoding, errors).decode(encoding))


@given(st.lists(st.lists(_TEXT.map(lambda text: text.replace("\n", "\\n")), max_size=6), min_size=1, max_size=4),
       st.integers(1, 40))
def test_texts_set_aside_are_copied_back_whole_and_in_order(batches: list[list[str]], block: int) -> None:
    """The json report sets its findings' texts aside in a temporary file while the scan runs; copied back
    block by block (a text may be longer than a block), each batch is its texts joined by the separator."""
    import tempfile

    from leakguard.report.jsontext import Spool

    spool = Spool()
    spool.BLOCK = block
    spans = [spool.add(pa.array(texts, pa.string())) for texts in batches]
    try:
        for texts, span in zip(batches, spans, strict=True):
            out = io.StringIO()
            spool.copy(span, out, ",\n    ")
            assert out.getvalue() == ",\n    ".join(texts)
        # a UTF-8 file gets the bytes as they are, between text written before and after
        with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as file:
            for span in spans:
                file.write("[")
                spool.copy(span, file, ", ")
                file.write("]")
            file.seek(0)
            assert file.read() == "".join(f"[{', '.join(texts)}]" for texts in batches)
    finally:
        spool.close()
