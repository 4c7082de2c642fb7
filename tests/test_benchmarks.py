"""The benchmark suite keeps working: a smoke run of ``python -m benchmarks --quick``, and its scoring rule.

Benchmarks are not unit tests: nothing here asserts a time or a ratio (the machine running the tests is busy
with other things). The smoke run checks that every measurement ran and that the JSON holds what the README
and the targets need; the quality tests check the matching rule on small hand-built location tables (no
identifier values: only rows, columns and offsets).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from benchmarks.quality import score

ROOT = Path(__file__).resolve().parent.parent

QUICK_MEASUREMENTS = {
    "presidio:nir+stock:none",
    "presidio:nir+stock:spacy",
    "limit@2000",
    "scan:noner:j1@2000",
    "scan:noner:j2@2000",
    "scan:ner:j1@2000",
    "profile@2000",
    "pseudonymise:j1@2000",
    "pseudonymise:j2@2000",
    "log:noner@2000",
    "log:ner@2000",
}
SCORED = {
    "presidio:nir+stock:none",
    "presidio:nir+stock:spacy",
    "scan:noner:j1@2000",
    "scan:ner:j1@2000",
    "log:noner@2000",
    "log:ner@2000",
}


def _locations(rows: list[tuple[int, str | None, int, int, str]]) -> pa.Table:
    row, column, start, end, entity = zip(*rows) if rows else ((), (), (), (), ())
    return pa.table(
        {
            "row": pa.array(row, pa.int64()),
            "column": pa.array(column, pa.string()),
            "start": pa.array(start, pa.int32()),
            "end": pa.array(end, pa.int32()),
            "entity": pa.array(entity, pa.string()),
        }
    )


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench")
    results = out / "results.json"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--out",
            str(results),
            "--cache-dir",
            str(out / "cache"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Throughput" in completed.stdout and "Detection quality" in completed.stdout
    return json.loads(results.read_text())


@pytest.mark.slow
@pytest.mark.ner
def test_quick_run_makes_every_measurement(quick_results: dict) -> None:
    measurements = {m["id"]: m for m in quick_results["measurements"]}
    assert set(measurements) == QUICK_MEASUREMENTS
    for m in measurements.values():
        assert m["ok"], (m["id"], m["error"])
        for key in (
            "seconds",
            "cells_per_s",
            "rows_per_s",
            "peak_rss_mib",
            "x_presidio_none",
            "x_presidio_spacy",
        ):
            assert m[key] is not None and m[key] > 0, (m["id"], key)
    for m in measurements.values():
        if m["kind"] in ("scan", "limit", "pseudonymise", "profile") and not m["id"].startswith("log:"):
            assert m["x_limit_time"] > 0 and m["mb_per_s"] > 0
    assert measurements["limit@2000"]["x_limit_time"] == 1.0
    assert measurements["scan:noner:j2@2000"]["workers_rss_mib"], "the 2-job scan reports its workers' memory"


@pytest.mark.slow
@pytest.mark.ner
def test_quick_run_scores_quality_and_checks_targets(quick_results: dict) -> None:
    quality = quick_results["quality"]
    assert set(quality) == SCORED
    assert {"FR_NIR", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "PERSON"} <= set(
        quality["scan:ner:j1@2000"]
    )
    assert set(quality["presidio:nir+stock:none"]) <= {
        "FR_NIR",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "IBAN_CODE",
        "all",
    }
    for scores in quality.values():
        for s in scores.values():
            assert 0 <= s["found"] <= s["truth"] and 0 <= s["correct"] <= s["findings"]
            assert s["correct"] + s["wrong_entity"] + s["no_pii"] == s["findings"]
    statuses = {(t["target"], t["measurement"]): t["status"] for t in quick_results["targets"]}
    assert {status for status in statuses.values()} <= {"PASS", "MISS"}
    assert any(m == "pseudonymise:j2@2000" for _, m in statuses)
    assert any(m == "scan:ner:j1@2000" for _, m in statuses)
    machine = quick_results["machine"]
    assert machine["cores"] >= 1 and machine["python"] and machine["versions"]["pyarrow"]


def test_a_finding_equal_to_the_truth_is_precise_and_complete() -> None:
    truth = _locations([(0, "nir", 0, 15, "FR_NIR"), (3, "commentaire", 10, 31, "FR_NIR")])
    s = score(truth, truth)
    assert s["FR_NIR"]["precision"] == 1.0 and s["FR_NIR"]["recall"] == 1.0


def test_a_flagged_decoy_counts_against_precision() -> None:
    truth = _locations([(0, "nir", 0, 15, "FR_NIR")])
    findings = _locations([(0, "nir", 0, 15, "FR_NIR"), (0, "num_facture", 0, 15, "FR_NIR")])
    s = score(findings, truth)["FR_NIR"]
    assert (s["precision"], s["recall"], s["no_pii"]) == (0.5, 1.0, 1)


def test_a_span_must_overlap_in_the_same_cell_with_the_same_entity() -> None:
    truth = _locations([(1, "commentaire", 20, 35, "FR_NIR")])
    findings = _locations(
        [
            (1, "commentaire", 0, 20, "FR_NIR"),  # touches the start only: no overlap
            (2, "commentaire", 20, 35, "FR_NIR"),  # another row
            (1, "nir", 20, 35, "FR_NIR"),  # another column
            (1, "commentaire", 22, 30, "PHONE_NUMBER"),  # overlaps, wrong entity
        ]
    )
    s = score(findings, truth)
    assert s["FR_NIR"]["recall"] == 0.0 and s["FR_NIR"]["correct"] == 0
    assert s["PHONE_NUMBER"]["wrong_entity"] == 1 and s["all"]["no_pii"] == 3


def test_a_split_span_is_found_once_and_every_piece_is_correct() -> None:
    truth = _locations([(0, "garanties", 0, 30, "FR_HEALTH_GUARANTEE")])
    findings = _locations(
        [(0, "garanties", 0, 9, "FR_HEALTH_GUARANTEE"), (0, "garanties", 10, 19, "FR_HEALTH_GUARANTEE")]
    )
    s = score(findings, truth)["FR_HEALTH_GUARANTEE"]
    assert (s["found"], s["correct"], s["recall"], s["precision"]) == (1, 2, 1.0, 1.0)


def test_text_lines_match_on_the_line_with_a_null_column() -> None:
    truth = _locations([(5, None, 40, 55, "FR_NIR")])
    s = score(_locations([(5, None, 41, 54, "FR_NIR")]), truth)["FR_NIR"]
    assert s["recall"] == 1.0 and s["precision"] == 1.0


def test_only_claimed_entities_and_sampled_rows_are_scored() -> None:
    truth = _locations(
        [(0, "nir", 0, 15, "FR_NIR"), (0, "num_amc", 0, 9, "FR_AMC"), (50, "nir", 0, 15, "FR_NIR")]
    )
    s = score(_locations([(0, "nir", 0, 15, "FR_NIR")]), truth, entities=["FR_NIR"], max_row=10)
    assert set(s) == {"FR_NIR", "all"} and s["FR_NIR"]["recall"] == 1.0


def test_the_exposure_benchmark_times_both_scans_and_sizes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "exposure.json"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.exposure", "--rows", "2000", "--repeat", "1",
         "--cache-dir", str(tmp_path / "cache"), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(out.read_text())["result"]
    assert len(result["scan_seconds"]["all"]) == len(result["scan_exposure_seconds"]["all"]) == 1
    assert result["tracker_seconds"]["best"] > 0 and "overhead" in result and "met" in result["target"]
    assert result["scan_seconds_cpu"]["best"] > 0 and result["overhead_cpu"] > -1
    figures = result["figures"]
    assert figures["records"] == 2000 == figures["persons"] == figures["breach_profile_records"]
    assert 0 < result["html_report"]["bytes"] < 100_000


@pytest.mark.slow
def test_the_many_files_benchmark_runs_both_job_counts_on_the_same_findings(tmp_path: Path) -> None:
    out = tmp_path / "many_files.json"
    command = [sys.executable, "-m", "benchmarks.many_files", "--files", "4", "--rows", "20", "--runs", "1",
               "--cache-dir", str(tmp_path / "cache"), "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert set(result["median_seconds"]) == {"jobs_1", "jobs_2"} and result["status"] in ("PASS", "MISS")
    assert result["records"] == 80 and result["findings"] > 80
    assert all(cpu > 0 for cpus in result["cpu_seconds"].values() for cpu in cpus)
