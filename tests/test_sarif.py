"""SARIF that code scanning accepts: one result per (file, column, entity) for tables, per finding on its line
for text, bounded in number and size, rules with a security severity, fingerprints that stay put."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from leakguard.cli import cli
from leakguard.findings import ENTITIES
from leakguard.report import FileStats
from leakguard.report.sarif import FINGERPRINT, RULES, SarifReporter
from recognizers import nir
from synthetic.tables import beneficiary_table
from tests.test_report import FileCase, findings_table, make_nir, run

NIRS = [make_nir("1", 60 + i, 1 + i % 12, 10 + i, 100 + i, 7 + i) for i in range(40)]


def results(document: str) -> list[dict]:
    return json.loads(document)["runs"][0]["results"]


def column_case(path: str = "exports/beneficiaires.parquet", rows: range = range(0, 400, 2),
                column: str = "nir", values: list[str] = NIRS) -> FileCase:
    """A table whose ``column`` holds NIRs on ``rows`` and a name on each of its first 30 rows, in batches."""
    items = [(row, column, "FR_NIR", values[row % len(values)], 1.0) for row in rows]
    items += [(row, "nom", "PERSON", f"Nom{chr(97 + row % 26)}", 0.8) for row in range(30)]
    batches = [items[i:i + 64] for i in range(0, len(items), 64)]
    return FileCase(path, batches, FileStats(400, {column: 380, "nom": 400}, 40_000, 0.1))


def test_a_table_gives_one_result_per_column_and_entity_with_counts_share_and_example_rows():
    found = results(run("sarif", [column_case()]))
    assert [(r["ruleId"], r["properties"]["column"]) for r in found] == [("LG-FR-NIR", "nir"), ("LG-PERSON", "nom")]
    nirs = found[0]
    assert nirs["properties"] | {"example": None} == {
        "column": "nir", "entity": "FR_NIR", "in_name": False, "findings": 200, "records": 200, "cells": 380,
        "share": round(200 / 380, 6), "top_score": 1.0, "example_rows": [0, 2, 4, 6, 8], "example": None}
    assert nirs["message"]["text"] == (
        f"FR_NIR in column 'nir': 200 records, 52.6% of its 380 non-empty cells; rows (0-based) 0, 2, 4, 6, 8, …; "
        f"score up to 1.00; example {nirs['properties']['example']}")
    location = nirs["locations"][0]
    assert location["physicalLocation"]["region"] == {"startLine": 1}  # code scanning needs a line
    assert location["logicalLocations"] == [{"name": "nir", "fullyQualifiedName": "nir", "kind": "member"}]
    assert not any(value in json.dumps(found) for value in NIRS)


def test_text_findings_give_one_result_per_finding_with_its_line_and_columns():
    line = nir.format(NIRS[0])
    case = FileCase("logs/gateway.log", [[(5, None, "FR_NIR", line, 1.0), (9, None, "FR_NIR", NIRS[1], 1.0)]],
                    FileStats(20, {None: 20}, 900, 0.01))
    first, second = results(run("sarif", [case]))
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 1,
                                                                   "endColumn": len(line) + 1}
    assert first["message"]["text"] == "FR_NIR on line 6: 1 60 01 •• ••• ••• •• (score 1.00)"
    assert second["locations"][0]["physicalLocation"]["region"]["startLine"] == 10


def test_line_findings_beyond_the_limit_are_one_result_per_file_and_entity():
    items = [(row, None, "FR_NIR", NIRS[row % 40], 1.0) for row in range(50)]
    out = io.StringIO()
    reporter = SarifReporter(out, max_line_results=12)
    for path in ("a.log", "b.log"):
        reporter.file_started(path)
        for start in range(0, 50, 8):
            reporter.findings(path, findings_table(items[start:start + 8]))
        reporter.file_done(path, FileStats(60, {None: 60}, 5000, 0.1))
    reporter.close()
    found = results(out.getvalue())
    per_line = [r for r in found if "startColumn" in r["locations"][0]["physicalLocation"]["region"]]
    rest = [r for r in found if r not in per_line]
    assert len(per_line) == 12
    assert [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["properties"]["findings_not_listed"])
            for r in rest] == [("a.log", 38), ("b.log", 50)]
    assert rest[0]["message"]["text"].startswith("FR_NIR: 38 more findings in this file, not listed one by one "
                                                 "(50 findings on 50 lines in all, first lines 1, 2, 3, 4, 5;")
    assert json.loads(out.getvalue())["runs"][0]["properties"]["line_results"] == {"listed": 12, "limit": 12}


def _fingerprints(*cases: FileCase) -> dict[tuple[str, str], str]:
    return {(r["ruleId"], r["properties"]["column"]): r["partialFingerprints"][FINGERPRINT]
            for r in results(run("sarif", list(cases)))}


def test_a_columns_fingerprint_stays_when_its_rows_and_values_change_and_differs_between_columns():
    today = _fingerprints(column_case())
    assert _fingerprints(column_case()) == today
    other_rows_and_values = _fingerprints(column_case(rows=range(1, 400, 3), values=NIRS[::-1]))
    assert other_rows_and_values == today
    renamed = _fingerprints(column_case(column="num_secu"))
    assert renamed[("LG-FR-NIR", "num_secu")] != today[("LG-FR-NIR", "nir")]
    assert renamed[("LG-PERSON", "nom")] == today[("LG-PERSON", "nom")]
    other_file = _fingerprints(column_case(path="exports/archive.parquet"))
    assert set(other_file.values()).isdisjoint(today.values())
    assert len(set(today.values())) == len(today)


def test_rules_carry_a_security_severity_that_sorts_nirs_as_critical():
    rules = json.loads(run("sarif", []))["runs"][0]["tool"]["driver"]["rules"]
    severities = {r["properties"]["entity"]: float(r["properties"]["security-severity"]) for r in rules}
    assert set(ENTITIES) <= set(RULES) and set(severities) == set(ENTITIES)
    assert all(0 < value <= 10 for value in severities.values())
    assert severities["FR_NIR"] >= 9.0  # GitHub: Critical
    assert all(severities[e] >= 7.0 for e in ("IBAN_CODE", "PERSON", "DATE_OF_BIRTH", "EMAIL_ADDRESS"))  # High
    assert 4.0 <= severities["FR_HEALTH_INSURER"] < 7.0  # Medium: personal only next to a person


def test_show_values_adds_the_example_value_and_only_it():
    document = run("sarif", [column_case()], show_values=True)
    nirs = results(document)[0]
    assert nirs["properties"]["value"] in NIRS
    assert sum(value in document for value in NIRS) == 1


@pytest.mark.slow
def test_a_million_row_table_gives_a_sarif_under_one_megabyte_valid_against_the_schema(tmp_path: Path,
                                                                                        sarif_validator):
    generated, _ = beneficiary_table(2_000, seed=3)
    table = pa.concat_tables([generated.select(["nir", "email", "date_naissance"])] * 500)
    assert table.num_rows == 1_000_000
    dump = tmp_path / "beneficiaires.parquet"
    pq.write_table(table, dump, row_group_size=65_536)
    target = tmp_path / "leakguard.sarif"
    result = CliRunner().invoke(cli, ["scan", "--no-ner", "--no-config", "--format", "sarif", "-o", str(target),
                                      str(dump)], catch_exceptions=False)
    assert result.exit_code == 1, result.stderr
    assert target.stat().st_size < 1_000_000
    document = json.loads(target.read_text(encoding="utf-8"))
    errors = sorted(sarif_validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    found = document["runs"][0]["results"]
    assert {(r["properties"]["column"], r["properties"]["records"]) for r in found} == {
        ("nir", 1_000_000), ("email", 1_000_000), ("date_naissance", 1_000_000)}


def test_every_result_has_a_region_with_a_start_line(sarif_validator):
    cases = [column_case(), FileCase("app.log", [[(3, None, "EMAIL_ADDRESS", "a.b@example.org", 1.0)]],
                                     FileStats(5, {None: 5}, 100, 0.0)),
             FileCase("exports/x.csv", [[(-1, "<path>", "FR_NIR", NIRS[3], 0.85)]], FileStats(1, {"a": 1}, 10, 0.0))]
    document = run("sarif", cases)
    assert not list(sarif_validator.iter_errors(json.loads(document)))
    for result in results(document):
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
