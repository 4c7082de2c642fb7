"""Tables of a data lake: Delta Lake and Iceberg directories read through their logs, Hive-style partitions.

Tables are written with the lakes' own packages (deltalake, pyiceberg) from generated beneficiary tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from leakguard import scan_table
from leakguard.cli import cli
from leakguard.sources import iter_files, open_source
from leakguard.sources.partitions import partition_values
from synthetic.tables import beneficiary_table

deltalake = pytest.importorskip("deltalake")


def scan(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(cli, ["scan", "--no-ner", "--no-config", "--jobs", "1", "--format", "json", *args],
                                env={"LEAKGUARD_STATE_KEY": ""}, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}, result.stderr


def by_entity(findings: pa.Table) -> dict[str, int]:
    counts = findings.group_by("entity").aggregate([("entity", "count")])
    return dict(zip(counts["entity"].to_pylist(), counts["entity_count"].to_pylist()))


@pytest.fixture
def overwritten_delta(tmp_path: Path) -> tuple[Path, pa.Table, pa.Table]:
    """A Delta table of 120 beneficiaries (version 0), overwritten by 40 others (version 1), partitioned by
    insurer; the files of version 0 stay on disk."""
    first, _ = beneficiary_table(120, seed=21)
    second, _ = beneficiary_table(40, seed=22)
    path = tmp_path / "beneficiaires_delta"
    deltalake.write_deltalake(path, first, partition_by=["organisme"])
    deltalake.write_deltalake(path, second, mode="overwrite", partition_by=["organisme"])
    return path, first, second


def test_a_delta_directory_is_one_entry(overwritten_delta, tmp_path):
    path, _, _ = overwritten_delta
    assert len(list(path.rglob("*.parquet"))) > len(deltalake.DeltaTable(path).file_uris())
    assert list(iter_files([str(tmp_path)])) == [str(path)]


def test_an_overwritten_delta_table_is_scanned_at_its_current_version_only(overwritten_delta):
    path, _, second = overwritten_delta
    code, report, _ = scan(str(path))
    assert code == 1
    [table] = report["files"]
    assert table["path"] == str(path) and table["records"] == second.num_rows == 40
    current = deltalake.DeltaTable(path).to_pyarrow_table()
    expected = by_entity(scan_table(current, ner=False, min_score=0.5))
    assert {entity: counts["findings"] for entity, counts in report["summary"]["by_entity"].items()} == expected
    # the partition column is read from the log, as a column of the records
    assert any(column["column"] == "organisme" and column["records"] == 40 for column in table["columns"])


def test_delta_version_reads_an_older_version(overwritten_delta):
    path, first, _ = overwritten_delta
    _, report, _ = scan(str(path), "--delta-version", "0")
    assert report["files"][0]["records"] == first.num_rows == 120
    code, _, err = scan(str(path), "--delta-version", "7")
    assert code == 2 and "no version 7" in err and "Traceback" not in err


def test_rows_of_a_delta_table_are_numbered_the_same_way_every_time(overwritten_delta):
    path, _, _ = overwritten_delta
    reads = []
    for _ in range(2):
        with open_source(str(path), batch_rows=7) as source:
            reads.append(pa.Table.from_batches([chunk.batch for chunk in source.chunks()]))
    assert reads[0].equals(reads[1]) and reads[0].num_rows == 40


def test_a_new_delta_commit_is_scanned_again_and_an_unchanged_table_is_not(overwritten_delta, tmp_path):
    path, _, _ = overwritten_delta
    state = tmp_path / "lake.state"
    scan(str(path), "--state", str(state))
    _, report, _ = scan(str(path), "--state", str(state))
    assert report["summary"]["files_unchanged"] == 1
    extra, _ = beneficiary_table(10, seed=23)
    deltalake.write_deltalake(path, extra, mode="append", partition_by=["organisme"])
    _, report, _ = scan(str(path), "--state", str(state))
    assert report["summary"]["files_scanned"] == 1 and report["files"][0]["records"] == 50


PARTITIONS = [
    ("lake/events/year=2024/month=02/part-0.parquet", [("year", "2024"), ("month", "02")]),
    ("lake/ville=Saint%20Denis/pays=__HIVE_DEFAULT_PARTITION__/a.csv", [("ville", "Saint Denis"), ("pays", None)]),
    ("lake/plain/part-0.parquet", []),
    ("lake/year=2024/year=2025/x.parquet", [("year", "2025")]),
]


@pytest.mark.parametrize(("path", "values"), PARTITIONS)
def test_partition_values_are_read_from_the_directories(path, values):
    assert partition_values(path) == values


def test_hive_partition_values_are_columns_of_the_records(tmp_path):
    """A table partitioned by beneficiary (one directory per NIR, as some per-person exports are): the NIR is
    data of every record of the partition, found in a ``nir`` column."""
    table, _ = beneficiary_table(12, seed=31)
    nirs = [value.replace(" ", "").replace(".", "").replace("-", "") for value in table["nir"].to_pylist()[:3]]
    for i, value in enumerate(nirs):
        part = tmp_path / "remboursements" / "annee=2024" / f"nir={value}" / "part-0.parquet"
        part.parent.mkdir(parents=True)
        pq.write_table(table.slice(i * 4, 4).select(["montant", "date_soin"]), part)
    code, report, _ = scan(str(tmp_path / "remboursements"))
    assert code == 1
    for file in report["files"]:
        columns = {(c["column"], c["entity"]): c["records"] for c in file["columns"] if not c["in_name"]}
        assert columns == {("nir", "FR_NIR"): 4}
        assert not any(value in json.dumps(file) for value in nirs)  # masked in the report, path included


def test_a_column_the_file_holds_is_not_added_again(tmp_path):
    part = tmp_path / "organisme=X" / "part-0.parquet"
    part.parent.mkdir()
    pq.write_table(pa.table({"organisme": ["Y", "Z"]}), part)
    with open_source(str(part), partitions=True) as source:
        [chunk] = list(source.chunks())
    assert [column.name for column in chunk.columns] == ["organisme"]


def test_an_iceberg_table_is_read_at_its_current_snapshot(tmp_path):
    pytest.importorskip("pyiceberg")
    pytest.importorskip("sqlalchemy", reason="pyiceberg's SQL catalog (sqlite) writes the test table")
    from pyiceberg.catalog.sql import SqlCatalog

    first, _ = beneficiary_table(60, seed=41)
    second, _ = beneficiary_table(25, seed=42)
    columns = ["nom", "prenom", "nir", "email", "telephone"]
    catalog = SqlCatalog("test", uri=f"sqlite:///{tmp_path}/catalog.db", warehouse=f"file://{tmp_path}/warehouse")
    catalog.create_namespace("mutuelle")
    iceberg = catalog.create_table("mutuelle.beneficiaires", schema=first.select(columns).schema)
    iceberg.append(first.select(columns))
    iceberg.overwrite(second.select(columns))
    path = tmp_path / "warehouse" / "mutuelle" / "beneficiaires"
    assert list(iter_files([str(tmp_path / "warehouse")])) == [str(path)]
    code, report, _ = scan(str(path))
    assert code == 1
    [table] = report["files"]
    assert table["path"] == str(path) and table["records"] == 25
    expected = by_entity(scan_table(second.select(columns), ner=False, min_score=0.5))
    assert {entity: counts["findings"] for entity, counts in report["summary"]["by_entity"].items()} == expected


def test_a_table_directory_is_not_pseudonymised_file_by_file(overwritten_delta, tmp_path):
    from leakguard.pseudonymise.files import pseudonymise_file
    from leakguard.sources import SourceError

    path, _, _ = overwritten_delta
    with pytest.raises(SourceError, match="a Delta or Iceberg table directory"):
        pseudonymise_file(str(path), str(tmp_path / "out"), key=bytes(range(32)))
    assert not (tmp_path / "out").exists()
