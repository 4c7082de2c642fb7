"""Detection in worker processes gives exactly the findings of one process."""

from __future__ import annotations

import json
import os

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from faker import Faker

from leakguard.detect.engine import DetectOptions
from leakguard.parallel import ParallelDetector
from leakguard.scan import scan_path
from tests.strategies import nir_stream_table


def test_two_workers_find_exactly_what_one_process_finds(tmp_path):
    path = tmp_path / "dump.parquet"
    pq.write_table(nir_stream_table(6_000, 1), path, row_group_size=1_000)
    options = DetectOptions(ner=False)
    sequential = [t for item in scan_path(str(path), options=options, batch_rows=1_000)
                  if isinstance(item, tuple) for t in [item[1]]]
    with ParallelDetector(options, 2) as parallel:
        concurrent = [t for item in scan_path(str(path), options=options, batch_rows=1_000, parallel=parallel)
                      if isinstance(item, tuple) for t in [item[1]]]
    # six chunks, then the NIRs of the meaningless column, held until its decision (on the whole file)
    assert len(sequential) == len(concurrent) == 7
    for one, two in zip(sequential, concurrent):
        assert one.equals(two)
    assert sum(t.num_rows for t in sequential) > 6_000
    assert set(sequential[-1]["column"].to_pylist()) >= {"c0"}


def test_two_workers_read_a_table_typed_in_text_as_one_process_does(tmp_path):
    """The header of a psql table goes with the chunks of its rows to the workers."""
    fake = Faker("fr_FR")
    fake.seed_instance(17)
    rows = [f" {fake.last_name():<20} | {fake.first_name():<15} | {fake.date_of_birth().isoformat()}"
            for _ in range(40)]
    path = tmp_path / "requete.txt"
    path.write_text("\n".join([" nom | prenom | date_naissance", "-----+--------+---------------", *rows,
                               "(40 rows)"]) + "\n", encoding="utf-8")
    options = DetectOptions(ner=False, show_values=True)
    sequential = [t for item in scan_path(str(path), options=options, batch_rows=7)
                  if isinstance(item, tuple) for t in [item[1]]]
    with ParallelDetector(options, 2) as parallel:
        concurrent = [t for item in scan_path(str(path), options=options, batch_rows=7, parallel=parallel)
                      if isinstance(item, tuple) for t in [item[1]]]
    assert len(sequential) == len(concurrent) > 1
    assert all(one.equals(two) for one, two in zip(sequential, concurrent))
    found = pa.concat_tables(sequential)
    assert pc.sum(pc.equal(found["entity"], "DATE_OF_BIRTH")).as_py() == 40


def _report(paths: list[str], jobs: int, fmt: str = "json", *, exposure: bool = False,
            allow: tuple[str, ...] = ()) -> str:
    """The report of ``leakguard scan`` (no NER) as a string, times taken out; with ``exposure``, the
    exposure figures the ``json``, ``jsonl`` and ``html`` reports show, of the findings ``allow`` leaves."""
    import io

    from leakguard.config import Config
    from leakguard.report import make_reporter
    from leakguard.report.exposure import ExposureTracker
    from leakguard.scan import scan_files
    from leakguard.suppress import FindingFilter

    out = io.StringIO()
    reporter = make_reporter(fmt, out)
    tracker = ExposureTracker(b"k" * 32) if exposure else None
    scan_files(paths, reporter, options=DetectOptions(ner=False, min_score=0.5, show_values=True), jobs=jobs,
               exposure=tracker, finding_filter=FindingFilter(Config(allow=allow), inline=False))
    if tracker is not None:
        reporter.exposure(tracker.summary())
    reporter.close()
    if fmt != "json":
        return out.getvalue()
    document = json.loads(out.getvalue())
    document["summary"].pop("seconds")
    for file in document["files"]:
        file.pop("seconds")
    return json.dumps(document)


def test_many_small_files_on_two_workers_give_the_report_of_one_process(small_lake):
    import pyarrow as pa

    from tests.strategies import generated_nirs

    nir = generated_nirs(3, 1)[0]
    # names are detected in the parent, in file order: a column named after a NIR, a file too
    pq.write_table(pa.table({f"c_{nir}": ["x", "y"], "ref": ["a", "b"]}), small_lake / "renamed.parquet")
    (small_lake / f"{nir}.csv").write_text("a;b\n1;2\n")
    (small_lake / "broken.parquet").write_bytes(b"PAR1 truncated")
    one = _report([str(small_lake)], jobs=1)
    assert '"unreadable": true' in one and "FR_NIR" in one
    assert _report([str(small_lake)], jobs=2) == one
    assert _report([str(small_lake)], jobs=2, fmt="jsonl").splitlines()[:-1] == \
        _report([str(small_lake)], jobs=1, fmt="jsonl").splitlines()[:-1]


def test_containers_among_small_files_give_the_report_of_one_process_on_two_workers(lake_with_containers):
    """Containers are read in the parent, the files around them in the workers: same report, same order."""
    lake = str(lake_with_containers)
    one = _report([lake], jobs=1)
    paths = [file["path"] for file in json.loads(one)["files"]]
    exports = os.path.join(lake, "exports")
    assert [p for p in paths if "#" in p] == [os.path.join(exports, "adherents.sql#adherents"),
                                              os.path.join(exports, "crm.sqlite#beneficiaires"),
                                              os.path.join(lake, "logs", "suivi.xlsx#Feuil1"),
                                              os.path.join(lake, "logs", "suivi.xlsx#Notes")]
    assert paths.index(os.path.join(exports, "beneficiaires.jsonl")) < \
        paths.index(os.path.join(exports, "crm.sqlite#beneficiaires"))
    assert all(file["findings"] for file in json.loads(one)["files"] if file["path"].endswith(
        ("#adherents", "#beneficiaires", "#Feuil1")))
    assert _report([lake], jobs=2) == one
    assert _report([lake], jobs=2, fmt="jsonl").splitlines()[:-1] == \
        _report([lake], jobs=1, fmt="jsonl").splitlines()[:-1]


def test_exposure_of_small_files_scanned_in_workers_is_that_of_one_process(small_lake):
    """The reports with exposure figures scan small files whole in the workers too; the figures (records,
    combinations, distinct persons, k-anonymity) are those of one process, of the findings the filter keeps."""
    import pyarrow as pa

    from leakguard.schedule import plan

    lake = str(small_lake)
    nirs = pq.read_table(small_lake / "beneficiaires" / "annee=2020" / "part-0.parquet")["nir"]
    allow = tuple(pa.compute.unique(nirs).to_pylist()[:5])
    one = _report([lake], jobs=1, exposure=True, allow=allow)
    figures = json.loads(one)["summary"]["exposure"]
    assert figures["persons"] > 0 and figures["by_entity"]["FR_NIR"] > 0
    assert json.loads(one)["files"][0]["exposure"]["k_anonymity"] is not None
    assert _report([lake], jobs=2, exposure=True, allow=allow) == one
    assert _report([lake], jobs=2, fmt="jsonl", exposure=True, allow=allow).splitlines()[:-1] == \
        _report([lake], jobs=1, fmt="jsonl", exposure=True, allow=allow).splitlines()[:-1]
    assert _report([lake], jobs=1, exposure=True) != one  # the allowed NIRs are not counted
    entries = [str(path) for path in sorted(small_lake.rglob("*.parquet"))]
    with ParallelDetector(DetectOptions(ner=False), 2) as pool:
        planned = list(plan(entries, options=DetectOptions(ner=False), batch_rows=1_000, pool=lambda: pool,
                            jobs=2, state=None, debug=False, with_chunks=True))
        assert all(item.future is not None for item in planned)
