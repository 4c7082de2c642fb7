"""leakguard.spark on a local Spark: the same findings and pseudonyms as the single-process library.

One ``local[2]`` session serves the whole module. DataFrames are built from Arrow tables with one Arrow batch
per partition (``localRelationThreshold`` 0), so their partitions are consecutive slices of the table and
their dense row index is the table's row: results can be compared with :func:`leakguard.scan_table` and
:func:`leakguard.pseudonymise_table` on the same table, exactly. Inside the jobs, partitions are streamed in
batches of ``BATCH_ROWS`` rows, so most partitions are several batches.

Skipped as a whole when pyspark (4.x: ``createDataFrame`` from an Arrow table) or Java is missing.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

pytest.importorskip("pyspark", minversion="4.0")
pytest.importorskip("pandas")  # DataFrame.mapInArrow needs it
if shutil.which("java") is None or subprocess.run(["java", "-version"], capture_output=True).returncode != 0:
    pytest.skip("no working java for pyspark", allow_module_level=True)

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from leakguard import pseudonymise_table, scan_table
from leakguard.detect.engine import DetectOptions, Detector
from leakguard.findings import TABLE_SCHEMA
from leakguard.pseudonymise.rewrite import detect_options
from leakguard.sources import record_indices, table_to_columns
from leakguard.sources.base import Chunk
from leakguard.spark import (
    DataFrameProfile,
    _Scanner,
    profile_dataframe,
    profile_options,
    pseudonymise_dataframe,
    scan_dataframe,
)
from recognizers import nir
from synthetic.tables import beneficiary_table

ROOT = Path(__file__).resolve().parent.parent
#: rows of each Arrow batch a partition streams through the detector
BATCH_ROWS = 128
#: Spark's own default batch size, for the 10^6-row test: each batch is one detector chunk, and 7,800 chunks of
#: 128 rows cost ~40 minutes where 100 of 10,000 cost a minute
DEFAULT_BATCH_ROWS = 10_000
N_ROWS = 600
SORT = [("row", "ascending"), ("column", "ascending"), ("start", "ascending"), ("entity", "ascending")]


@pytest.fixture(scope="session")
def spark():
    # executors run this interpreter, and import leakguard from this checkout
    saved = {name: os.environ.get(name) for name in ("PYSPARK_PYTHON", "PYTHONPATH")}
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), saved["PYTHONPATH"]) if p)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("leakguard-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.localRelationThreshold", "0")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(BATCH_ROWS))
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def frame(spark: SparkSession, table: pa.Table, sizes: list[int]) -> DataFrame:
    """``table`` as a DataFrame whose partitions hold ``sizes`` consecutive rows each, in order."""
    assert sum(sizes) == table.num_rows and all(s > 0 for s in sizes)
    parts = []
    offset = 0
    for size in sizes:
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(size))  # one batch: one partition
        # a copy, not a slice: pyspark cannot convert sliced list arrays with nulls
        parts.append(spark.createDataFrame(table.take(pa.array(np.arange(offset, offset + size)))))
        offset += size
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(BATCH_ROWS))
    df = functools.reduce(DataFrame.union, parts)
    assert df.rdd.getNumPartitions() == len(sizes)
    return df


@contextlib.contextmanager
def batch_rows(spark: SparkSession, rows: int) -> Iterator[None]:
    """Arrow batches of ``rows`` rows in the jobs run inside the block."""
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(rows))
    try:
        yield
    finally:
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(BATCH_ROWS))


def differences(result: pa.Table, expected: pa.Table) -> dict[str, list[int]]:
    """Per column that differs, the first rows where it does (empty when the tables are equal)."""
    assert result.column_names == expected.column_names and result.num_rows == expected.num_rows
    out = {}
    for name in expected.column_names:
        left, right = result[name].combine_chunks(), expected[name].combine_chunks().cast(result[name].type)
        if not left.equals(right):
            rows = [i for i in range(len(left)) if left[i] != right[i]]
            out[name] = rows[:5]
    return out


def sorted_findings(findings: pa.Table) -> pa.Table:
    """Findings in a canonical order, with the contract's schema (Spark's nullability aside)."""
    return findings.select(TABLE_SCHEMA.names).cast(TABLE_SCHEMA).sort_by(SORT)


@functools.cache
def beneficiaries() -> pa.Table:
    table, _ = beneficiary_table(N_ROWS, seed=2)
    return table.append_column("dossier", pa.array(np.arange(N_ROWS, dtype=np.int64) * 7 + 100_000))


@functools.cache
def chance_hit() -> int:
    """A row whose invoice number passes the NIR key and structure by chance."""
    invoices = beneficiaries()["num_facture"].to_pylist()
    # with rows on both sides to split (layout "8": three partitions before it, four after)
    rows = [i for i, v in enumerate(invoices) if v is not None and nir.is_valid(str(v)) and 3 <= i < N_ROWS - 4]
    assert rows, "the synthetic table should hold an invoice number that passes the NIR key by chance"
    return rows[len(rows) // 2]


def split(count: int, parts: int) -> list[int]:
    """``count`` rows in ``parts`` uneven, non-empty partitions (the first ones smaller)."""
    weights = np.arange(1, parts + 1)
    sizes = np.maximum(1, count * weights // weights.sum())
    sizes[-1] = count - sizes[:-1].sum()
    assert sizes.min() > 0 and sizes.sum() == count
    return sizes.tolist()


def layouts() -> dict[str, list[int]]:
    k = chance_hit()
    eight = [*split(k, 3), 1, *split(N_ROWS - k - 1, 4)]  # the chance hit alone in its partition, the 4th
    return {"1": [N_ROWS], "3": [150, 330, 120], "8": eight}


_scans: dict[str, tuple[list[int], pa.Table]] = {}


def scanned(spark: SparkSession, name: str) -> tuple[list[int], pa.Table]:
    """The findings of the beneficiary table split as ``layouts()[name]`` (computed once per module)."""
    if name not in _scans:
        sizes = layouts()[name]
        id_column = "dossier" if name == "3" else None
        df = frame(spark, beneficiaries(), sizes)
        _scans[name] = sizes, scan_dataframe(df, ner=False, id_column=id_column).toArrow()
    return _scans[name]


@functools.cache
def library_findings() -> pa.Table:
    return sorted_findings(scan_table(beneficiaries(), ner=False))


# -- scan -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["1", "3", "8"])
def test_findings_are_those_of_the_single_process_library_however_the_rows_are_partitioned(spark, name):
    sizes, findings = scanned(spark, name)
    expected = library_findings()
    assert expected.num_rows > 5 * N_ROWS
    assert sorted_findings(findings).equals(expected)
    # every finding's partition is the one that holds its row
    bounds = np.cumsum([0, *sizes])
    rows = findings["row"].to_numpy()
    partitions = findings["partition"].to_numpy()
    assert (np.searchsorted(bounds, rows, side="right") - 1 == partitions).all()
    assert set(partitions.tolist()) == set(range(len(sizes)))


def test_a_chance_hit_in_an_invoice_column_stays_suppressed_when_alone_in_its_partition(spark):
    k = chance_hit()
    # a partition deciding alone would take it for a NIR: one NIR-shaped value, and valid
    alone = scan_table(beneficiaries().slice(k, 1), ner=False)
    assert "num_facture" in alone.filter(pc.equal(alone["entity"], "FR_NIR"))["column"].to_pylist()
    _, findings = scanned(spark, "8")
    assert pc.sum(pc.equal(findings["column"], "num_facture")).as_py() in (None, 0)
    assert k in findings.filter(pc.equal(findings["column"], "c_12"))["row"].to_pylist()  # the row's real NIR


def test_id_column_reports_the_key_of_each_findings_record(spark):
    _, findings = scanned(spark, "3")
    assert findings.column_names[:3] == ["partition", "id", "row"]
    dossier = beneficiaries()["dossier"].take(findings["row"])
    assert findings["id"].equals(dossier)


def test_a_partition_whose_size_changed_since_the_profile_fails_its_task():
    table = beneficiaries().slice(0, 10)
    scanner = _Scanner(DetectOptions(ner=False), DataFrameProfile(partition_rows=[9]), None)
    with pytest.raises(RuntimeError, match="9 rows in the profile pass and 10 now"):
        list(scanner(table.to_batches()))


def test_a_finding_inside_the_id_column_fails_rather_than_printing_it():
    table = beneficiaries().slice(0, 10)
    scanner = _Scanner(DetectOptions(ner=False), DataFrameProfile(partition_rows=[10]), "nir")
    with pytest.raises(ValueError, match="id_column 'nir' holds personal data"):
        list(scanner(table.to_batches()))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("names", ["french", "meaningless"])
def test_the_profile_pass_counts_exactly_what_the_full_detector_counts(seed, names):
    table, _ = beneficiary_table(300, seed=seed, column_names=names)
    chunk = Chunk(columns=table_to_columns(table), rows=record_indices(0, table.num_rows))
    for options in (DetectOptions(ner=False), DetectOptions(ner=False, min_score=0.9), detect_options(ner=False),
                    DetectOptions(ner=False, exclude_entities=frozenset({"EMAIL_ADDRESS", "IBAN_CODE"}))):
        _, full = Detector(options).detect_raw(chunk)
        cheap = Detector(profile_options(options)).count(chunk)
        assert cheap.as_dict() == full.as_dict()
        assert any(valid for _, valid in full.estimates().values())


@pytest.mark.ner
def test_names_in_free_text_are_found_by_the_executors_ner_model_as_by_the_librarys(spark):
    table = beneficiaries().select(["commentaire", "nom"]).slice(0, 40)
    findings = scan_dataframe(frame(spark, table, [40])).toArrow()  # one executor loads the model: enough
    expected = sorted_findings(scan_table(table))
    assert sorted_findings(findings).equals(expected)
    free_text = findings.filter(pc.equal(findings["column"], "commentaire"))
    assert "PERSON" in free_text["entity"].to_pylist()


# -- nested columns and nulls ----------------------------------------------------------------------------------


@functools.cache
def nested() -> pa.Table:
    """Beneficiaries as structs and lists of structs, with null structs, null fields, null and empty lists."""
    flat, _ = beneficiary_table(240, seed=5)
    n = flat.num_rows
    rng = np.random.default_rng(5)
    beneficiaire = pa.StructArray.from_arrays(
        [flat["nom"].combine_chunks(), flat["nir"].combine_chunks(), flat["date_naissance"].combine_chunks()],
        names=["nom", "nir", "date_naissance"], mask=pa.array(rng.random(n) < 0.1))
    lengths = rng.integers(0, 3, n)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    donor = rng.integers(0, n, int(offsets[-1]))
    member = pa.StructArray.from_arrays(
        [flat["prenom"].take(donor).combine_chunks(), flat["c_12"].take(donor).combine_chunks()],
        names=["prenom", "nir"])
    null_list = np.concatenate([rng.random(n) < 0.1, [False]])  # a null offset makes its list null
    ayants_droit = pa.ListArray.from_arrays(pa.array(offsets, mask=null_list), member)
    return pa.table({"beneficiaire": beneficiaire, "ayants_droit": ayants_droit, "ref": flat["num_facture"],
                     "note": flat["commentaire"], "vide": pa.nulls(n, pa.string())})


def test_nested_columns_and_nulls_are_scanned_as_the_library_scans_them(spark):
    table = nested()
    findings = scan_dataframe(frame(spark, table, [40, 100, 100]), ner=False).toArrow()
    expected = sorted_findings(scan_table(table, ner=False))
    assert sorted_findings(findings).equals(expected)
    columns = set(findings["column"].to_pylist())
    assert {"beneficiaire.nir", "beneficiaire.nom", "ayants_droit.0.nir", "ayants_droit.1.nir"} <= columns


def test_nested_columns_are_pseudonymised_as_the_library_does_it(spark):
    table = nested()
    key = bytes(range(32, 64))
    df = frame(spark, table, [100, 60, 80])
    result = pseudonymise_dataframe(df, key, ner=False).toArrow()
    expected = pseudonymise_table(table, key, ner=False)
    assert differences(result, expected) == {}
    assert not result["beneficiaire"].equals(table["beneficiaire"])


# -- pseudonymisation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sizes", "operators"), [
    ([N_ROWS], None),
    ([40, 100, 60, 100, 100, 60, 80, 60], {"FR_NIR": "fpe", "DATE_OF_BIRTH": "generalise:month"}),
])
def test_pseudonyms_are_the_librarys_on_every_executor(spark, sizes, operators):
    table = beneficiaries()
    key = bytes(range(32))
    result = pseudonymise_dataframe(frame(spark, table, sizes), key, operators, ner=False).toArrow()
    expected = pseudonymise_table(table, key, operators=operators, ner=False)
    assert differences(result, expected) == {}
    for name in ("nir", "nom", "email", "iban"):
        assert pc.sum(pc.equal(result[name], table[name])).as_py() == 0, name
    assert result["num_facture"].equals(table["num_facture"])  # decoys untouched


def test_the_key_appears_in_no_plan_and_no_configuration(spark):
    key = os.urandom(32)
    texts = {key.hex(), key.hex().upper(), base64.b64encode(key).decode(), base64.urlsafe_b64encode(key).decode(),
             base64.b64encode(key).decode().rstrip("=")}
    df = frame(spark, beneficiaries().slice(0, 20), [20])

    def shown(frame_: DataFrame) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            frame_.explain(extended=True)
            frame_.explain(mode="formatted")
        return out.getvalue() + frame_._jdf.queryExecution().toString()

    # the check can fail: a key put in a literal is shown
    assert key.hex() in shown(df.withColumn("k", F.lit(key.hex())))
    out = pseudonymise_dataframe(df, key, ner=False, profile=DataFrameProfile(partition_rows=[20]))
    plan = shown(out)
    assert "leakguard_pseudonymise" in plan
    conf = repr(spark.sparkContext.getConf().getAll()) + repr(spark.conf.getAll)
    environment = repr(dict(os.environ))
    for text in texts:
        assert text not in plan
        assert text not in conf
        assert text not in environment


def test_profile_dataframe_counts_rows_per_partition_and_merges_column_counts(spark):
    table = beneficiaries()
    sizes = [200, 50, 350]
    profile = profile_dataframe(frame(spark, table, sizes), ner=False)
    assert profile.partition_rows == sizes
    assert profile.offsets == [0, 200, 250]
    assert profile.profile.holds_nirs("c_12") and not profile.profile.holds_nirs("num_facture")
    assert "nir" not in profile.profile.counts  # named for NIRs: nothing to decide, nothing counted


@pytest.mark.slow
def test_a_million_invoice_numbers_give_no_nir_and_nir_columns_with_typos_stay_nir_columns(spark, million_rows):
    df = spark.read.parquet(str(million_rows.path)).repartition(3).persist()  # rows in another order
    with batch_rows(spark, DEFAULT_BATCH_ROWS):
        counts = scan_dataframe(df, ner=False).groupBy("column", "entity").count().collect()
        found = {(r["column"], r["entity"]): r["count"] for r in counts}
        reported = {name: int(million_rows.reported(name).sum()) for name in ("c0", "c1")}
        assert found == {("c0", "FR_NIR"): reported["c0"], ("c1", "FR_NIR"): reported["c1"]}
        key = bytes(range(32))
        out = pseudonymise_dataframe(df, key, ner=False)
        joined = out.withColumnRenamed("c0", "o0").withColumnRenamed("c1", "o1").join(df, "num_facture")
        changed = joined.select((F.col("o0") != F.col("c0")).cast("int").alias("c0"),
                                (F.col("o1") != F.col("c1")).cast("int").alias("c1")).groupBy().sum().collect()[0]
        assert (changed[0], changed[1]) == (reported["c0"], reported["c1"])
        assert out.count() == df.count() == 1_000_000


def test_importing_leakguard_does_not_import_pyspark():
    code = "import sys, leakguard; assert 'pyspark' not in sys.modules; import leakguard.spark; " \
           "assert 'pyspark' in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_dataset_spark_wrote_scans_clean_of_its_markers_and_checksums(spark, run_cli, tmp_path):
    """Spark writes a ``_SUCCESS`` marker (empty) and Hadoop ``.crc`` checksums beside its Parquet parts: the
    parts are scanned, the rest is no error (an error would make the scan exit 2)."""
    table = beneficiary_table(200, 41)[0].select(["nom", "nir", "commentaire"])
    out = tmp_path / "export"
    spark.createDataFrame(table.to_pandas()).repartition(2).write.parquet(str(out))
    names = sorted(p.name for p in out.iterdir())
    assert "_SUCCESS" in names and any(n.endswith(".crc") for n in names)  # what Spark wrote
    result = run_cli("scan", str(out), "--no-ner", "--format", "jsonl", "--no-config")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1, result.stderr
    assert not [r for r in records if r["type"] == "error"]
    scanned = {Path(r["path"]).name for r in records if r["type"] == "finding"}
    assert scanned and all(name.startswith("part-") and name.endswith(".parquet") for name in scanned)
