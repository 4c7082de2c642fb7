"""Record-level exposure (``leakguard.report.exposure``) against the ground truth of generated tables and logs, and
against direct computations: entity combinations, the breach profile, distinct persons (exact, then a
HyperLogLog sketch within its stated error), k-anonymity; and the figures in the json and jsonl formats."""

from __future__ import annotations

import io
import json
import math
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq
import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from leakguard.detect.engine import DetectOptions
from leakguard.pseudonymise.keys import generate_key
from leakguard.pseudonymise.normalise import nir_form
from leakguard.report.exposure import BREACH_PROFILE, ExposureTracker, exposure
from leakguard.report.exposure.cells import cell_text, span_texts
from leakguard.report.exposure.distinct import DistinctCounter, HyperLogLog
from leakguard.report.exposure.kanonymity import EquivalenceClasses
from leakguard.report.exposure.keyed import KeyedIds, blocks, put_text
from leakguard.report.exposure.quasi import birth_dates, column_kind
from leakguard.report.exposure.records import EntityBits, RecordEntities
from leakguard.scan import DECIDED, scan_path, scan_table
from leakguard.sources import streams, table_to_columns
from leakguard.sources.base import Chunk, Problem
from synthetic import bulk
from synthetic.exposure import claims, sparse_beneficiaries
from synthetic.logs import gateway_log
from synthetic.people import name_pools
from synthetic.tables import beneficiary_table
from synthetic.truth import GroundTruth
from tests.conftest import nirs_with_typos
from tests.strategies import generated_nirs

# --- the truth, computed directly ----------------------------------------------------------------------------


def truth_records(truth: GroundTruth) -> dict[int, frozenset[str]]:
    """The entities each record holds, from the ground truth."""
    held: dict[int, set[str]] = {}
    for row, entity in zip(truth["row"].to_pylist(), truth["entity"].to_pylist(), strict=True):
        held.setdefault(row, set()).add(entity)
    return {row: frozenset(entities) for row, entities in held.items()}


def truth_persons(cells: dict[str | None, list[str | None]], truth: GroundTruth) -> set[str]:
    """Distinct NIRs of the truth, each span cut from its cell and normalised one by one in Python."""
    spans = truth.filter(pc.equal(truth["entity"], "FR_NIR"))
    return {nir_form(cells[column][row][start:end]) for row, column, start, end in zip(
        *(spans[name].to_pylist() for name in ("row", "column", "start", "end")), strict=True)}


def table_cells(table: pa.Table) -> dict[str | None, list[str | None]]:
    return {name: cell_text(table.column(name).combine_chunks()).to_pylist() for name in table.column_names}


def assert_matches_truth(figures, records: int, truth: GroundTruth, persons: set[str]) -> None:
    held = truth_records(truth)
    combinations = Counter(held.values())
    assert figures.records == records
    assert figures.records_with_personal_data == len(held)
    assert figures.by_entity == {entity: sum(1 for e in held.values() if entity in e)
                                 for entity in figures.by_entity}
    assert set(figures.by_entity) == set().union(*held.values())
    assert figures.breach_profile_records == sum(1 for e in held.values() if set(BREACH_PROFILE) <= e)
    assert {frozenset(c.entities): c.records for c in figures.combinations} == dict(combinations)
    ranked = [c.records for c in figures.combinations]
    assert ranked == sorted(ranked, reverse=True)
    assert not figures.persons.estimated and figures.persons.value == len(persons)


# --- against the ground truth --------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_rows", [700, 3_000])
def test_sparse_table_combinations_breach_profile_and_persons_match_the_truth(batch_rows):
    table, truth = sparse_beneficiaries(3_000, seed=7)
    figures = exposure(table.to_batches(max_chunksize=batch_rows), ner=False)
    assert_matches_truth(figures, 3_000, truth, truth_persons(table_cells(table), truth))
    assert 0 < figures.breach_profile_records < figures.records_with_personal_data  # the data is varied
    assert len(figures.combinations) > 50


def test_one_person_written_three_ways_in_one_record_is_one_person():
    # nir (mixed forms), c_12 (int64) and the comments (another form) all hold the row's own NIR
    table, truth = beneficiary_table(1_500, seed=11)
    figures = exposure(table, ner=False)
    persons = truth_persons(table_cells(table), truth)
    assert len(persons) == 1_500
    assert figures.persons.value == 1_500 and not figures.persons.estimated
    assert figures.breach_profile_records == 1_500 == figures.records_with_personal_data


def test_claims_count_each_beneficiary_once_however_the_nir_is_written():
    table, truth, who = claims(4_000, people=900, seed=5)
    figures = exposure(table.to_batches(max_chunksize=1_000), ner=False)
    assert_matches_truth(figures, 4_000, truth, truth_persons(table_cells(table), truth))
    assert figures.persons.value == len(set(who.tolist())) < 900 + 1


def test_log_lines_count_the_persons_of_their_nirs_and_have_no_k_anonymity(tmp_path):
    lines, truth = gateway_log(3_000, seed=4, people=150)
    path = tmp_path / "gateway.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tracker, held = ExposureTracker(), []
    for chunk, findings in scan_path(str(path), options=DetectOptions(ner=False), batch_rows=1_000,
                                     on_held=held.append):
        if chunk is DECIDED:
            tracker.decide(str(path), findings)
        else:
            tracker.add(str(path), chunk, findings, held=held.pop() if held else None)
    figures = tracker.finish(str(path))
    persons = truth_persons({None: lines}, truth)
    assert figures.persons.value == len(persons) <= 150
    assert figures.records == 3_000 and figures.k_anonymity is None


def scanned_file(run_cli, path) -> dict:
    """The ``json`` report's entry of the one file or table ``path``."""
    document = json.loads(run_cli("scan", str(path), "--format", "json", "--no-ner", "--no-config").stdout)
    (file,) = document["files"]
    return file


def combinations_of(figures: dict) -> dict[frozenset[str], int]:
    return {frozenset(c["entities"]): c["records"] for c in figures["combinations"]}


def long_line_log(tmp_path, monkeypatch):
    """A gateway log whose second line, a JSON payload of five NIRs and an e-mail, is read in windows."""
    # the cap is 16 MiB; lowered here so that the payload line is read in about ten windows
    monkeypatch.setattr(streams, "MAX_LINE_BYTES", 16 * 1024)
    nirs = generated_nirs(7, 6)
    filler = ",".join([json.dumps({"commentaire": "z" * 500})] * 60)
    payload = "payload=[" + ",".join(f'{filler},{{"nir": "{nir}"}}' for nir in nirs[:5])
    fake = Faker("fr_FR")
    fake.seed_instance(7)
    payload += f',{filler},{{"email": "{fake.user_name()}@example.org"}}]'
    lines = [f"2026-02-01 INFO start nir={nirs[5]}", payload, "2026-02-01 INFO end", f"2026-02-01 relance {nirs[0]}"]
    path = tmp_path / "passerelle.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_long_line_read_in_windows_is_one_record_holding_what_every_window_holds(tmp_path, monkeypatch,
                                                                                    run_cli):
    path = long_line_log(tmp_path, monkeypatch)
    windows = [item for item in scan_path(str(path), options=DetectOptions(ner=False))
               if not isinstance(item, Problem) and item[0].part is not None]
    assert len(windows) >= 8
    file = scanned_file(run_cli, path)
    figures = file["exposure"]
    assert figures["records"] == file["records"] == 4
    assert figures["records_with_personal_data"] == 3
    assert combinations_of(figures) == {frozenset({"FR_NIR"}): 2, frozenset({"FR_NIR", "EMAIL_ADDRESS"}): 1}
    # each NIR of the long line read back from its window: six people, one of them on two lines
    assert figures["persons"] == 6 and figures["k_anonymity"] is None


def json_lines_partly_text(tmp_path, monkeypatch):
    """JSON lines, one of them truncated (read as text), one read in windows."""
    monkeypatch.setattr(streams, "MAX_LINE_BYTES", 4096)
    nirs = generated_nirs(8, 5)
    lines = [
        json.dumps({"beneficiaire": {"nir": nirs[0]}}),
        '{"nir": "' + nirs[1] + '", "tronqué',  # not JSON: scanned as text before the chunk of its record
        json.dumps({"dossiers": [{"nir": nir, "note": "y" * 900} for nir in nirs[2:5]] * 3}),  # windows
        json.dumps({"nir": nirs[0], "ville": "Lyon"}),
        json.dumps({"ville": "Paris"}),
    ]
    path = tmp_path / "evenements.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_lines_read_as_text_count_once_with_their_record(tmp_path, monkeypatch, run_cli):
    file = scanned_file(run_cli, json_lines_partly_text(tmp_path, monkeypatch))
    figures = file["exposure"]
    assert figures["records"] == file["records"] == 5
    assert figures["records_with_personal_data"] == 4 and figures["by_entity"] == {"FR_NIR": 4}
    assert figures["persons"] == 5
    # the records parsed as JSON still have their k-anonymity: the two of nirs[0] share their class
    k = figures["k_anonymity"]
    assert (k["records"], k["classes"], k["k"]) == (2, 1, 2)


def beneficiaries_with_a_nir_column_without_context(tmp_path, monkeypatch):
    """A Parquet beneficiary table (postcode and birth date columns: k-anonymity) whose ``c_12`` column holds
    other people's NIRs, which its name does not announce (held until the column's decision)."""
    table, _ = beneficiary_table(300, seed=11)
    others, _ = beneficiary_table(300, seed=12)  # other people's NIRs
    path = tmp_path / "beneficiaires.parquet"
    at = table.schema.get_field_index("c_12")
    pq.write_table(table.set_column(at, "c_12", others["nir"]), path, row_group_size=100)
    return path


@pytest.mark.parametrize("written", [long_line_log, json_lines_partly_text,
                                     beneficiaries_with_a_nir_column_without_context])
def test_the_cells_a_worker_sends_back_give_the_figures_of_the_whole_chunks(tmp_path, monkeypatch, written):
    """Workers send back only what exposure reads of each chunk (``ExposureTracker.cells_read``): the
    figures are those of the whole chunks."""
    from leakguard.filescan import ChunkFindings, file_events

    path = str(written(tmp_path, monkeypatch))
    whole, cut = ExposureTracker(b"k" * 32), ExposureTracker(b"k" * 32)
    sent = kept = 0
    for event in file_events(path, DetectOptions(ner=False), batch_rows=100, with_chunks=True):
        if isinstance(event, ChunkFindings) and event.decided:
            whole.decide(path, event.findings)
            cut.decide(path, event.findings)
        elif isinstance(event, ChunkFindings):
            whole.add(path, event.chunk, event.findings, held=event.held)
            part = ExposureTracker.cells_read(event.chunk, event.findings, event.held)
            cut.add(path, part, event.findings, held=event.held)
            sent += sum(len(column.values) for column in event.chunk.columns)
            kept += sum(len(column.values) for column in part.columns)
    figures = whole.finish(path)
    assert cut.finish(path) == figures and figures.persons.value > 0
    assert kept < sent


def test_allowlisted_nirs_count_no_person_even_while_held_for_their_column(tmp_path, monkeypatch):
    """NIRs in a column its name does not announce wait for the column's decision before the filter sees
    them; allowlisted ones are no more counted as persons than those of the NIR column."""
    from leakguard.config import Config
    from leakguard.report import make_reporter
    from leakguard.scan import scan_files
    from leakguard.suppress import FindingFilter

    path = beneficiaries_with_a_nir_column_without_context(tmp_path, monkeypatch)
    table = pq.read_table(path)
    allowed = pc.unique(table["c_12"]).to_pylist()[:5] + pc.unique(table["nir"]).to_pylist()[:3]
    people = set(table["nir"].to_pylist()) | set(table["c_12"].to_pylist())
    tracker = ExposureTracker(b"k" * 32)
    scan_files([str(path)], make_reporter("jsonl", io.StringIO()), exposure=tracker,
               options=DetectOptions(ner=False, show_values=True),
               finding_filter=FindingFilter(Config(allow=tuple(allowed)), inline=False))
    assert tracker.summary().persons.value == len(people - set(allowed))


def test_names_and_metadata_are_in_no_record_and_count_no_person(tmp_path, run_cli):
    in_column_name, in_cell, in_metadata, in_file_name = generated_nirs(9, 4)
    table = pa.table({f"montant_{in_column_name}": [10, 20, 30], "nir": [in_cell, None, None]})
    table = table.replace_schema_metadata({b"export": f"dossier {in_metadata}".encode()})
    pq.write_table(table, tmp_path / "dossiers.parquet")
    (tmp_path / f"{in_file_name}.csv").write_text("id;ville\n1;Paris\n2;Lyon\n")
    document = json.loads(run_cli("scan", str(tmp_path), "--format", "json", "--no-ner", "--no-config").stdout)
    files = {"parquet" if f["path"].endswith(".parquet") else "csv": f for f in document["files"]}
    names = [f for file in files.values() for f in file["findings"] if f["row"] == -1]
    assert len(names) == 3 and {f["entity"] for f in names} == {"FR_NIR"}  # found, but in no record
    parquet, csv = files["parquet"]["exposure"], files["csv"]["exposure"]
    assert (parquet["records"], parquet["records_with_personal_data"], parquet["by_entity"],
            parquet["persons"]) == (3, 1, {"FR_NIR": 1}, 1)
    assert (csv["records"], csv["records_with_personal_data"], csv["by_entity"], csv["persons"]) == (2, 0, {}, 0)
    summary = document["summary"]["exposure"]
    assert (summary["records"], summary["records_with_personal_data"], summary["persons"]) == (5, 1, 1)


def test_each_table_of_a_database_has_its_exposure_and_the_run_counts_people_across_tables(tmp_path, run_cli,
                                                                                            sqlite_file):
    table, _, who = claims(900, people=200, seed=12)
    path = sqlite_file(tmp_path / "app.db", {"remboursements": table.slice(0, 600), "archive": table.slice(400)})
    document = json.loads(run_cli("scan", str(path), "--format", "json", "--no-ner", "--no-config").stdout)
    files = {f["path"]: f["exposure"] for f in document["files"]}
    assert set(files) == {f"{path}#remboursements", f"{path}#archive"}
    assert files[f"{path}#remboursements"]["persons"] == len(set(who[:600].tolist()))
    assert files[f"{path}#archive"]["persons"] == len(set(who[400:].tolist()))
    assert files[f"{path}#archive"]["k_anonymity"]["records"] == 500
    summary = document["summary"]["exposure"]
    assert summary["records"] == 1_100 == summary["breach_profile_records"]
    assert summary["persons"] == len(set(who.tolist()))


# --- distinct persons: exact, then HyperLogLog ---------------------------------------------------------------


def nir_bodies(n: int, seed: int) -> pa.Array:
    """``n`` distinct generated NIR bodies (13 characters, the normal form)."""
    gen = np.random.default_rng(seed)
    compact, _ = bulk.nirs(gen, gen.random(2 * n) < 0.5, bulk.dates(gen, "1930-01-01", "2024-12-31", 2 * n))
    bodies = pc.unique(pc.utf8_slice_codeunits(compact, 0, 13))[:n]
    assert len(bodies) == n
    return bodies


def keyed(bodies: pa.Array, key: bytes) -> np.ndarray:
    """The keyed identifiers of NIR bodies, as exposure makes them."""
    out = blocks(len(bodies), 1)
    put_text(out, 0, 13, bodies)
    return KeyedIds(key).of(out)


def test_distinct_count_is_exact_up_to_the_bound_whatever_the_repeats():
    ids = keyed(nir_bodies(5_000, seed=1), generate_key())
    counter = DistinctCounter(exact_bound=5_000)
    for part in np.array_split(np.concatenate([ids, ids[::3]]), 7):
        counter.add(part)
    assert counter.count().value == 5_000 and not counter.count().estimated
    counter.add(keyed(nir_bodies(1, seed=2), generate_key()))
    assert counter.count().estimated


def test_hyperloglog_errors_have_the_stated_standard_deviation():
    # 32 independent sketches (one key each: independent hash functions) of 200,000 distinct NIRs: the
    # root-mean-square relative error estimates the standard error, which must be near 1.04/sqrt(m) = 0.81 %
    # seeded keys: a rare draw beyond 4 standard errors must not fail one run in a thousand
    bodies = nir_bodies(200_000, seed=100)
    keys = np.random.default_rng(101)
    errors = []
    for _ in range(32):
        sketch = HyperLogLog()
        sketch.add(keyed(bodies, keys.bytes(32)))
        errors.append(sketch.estimate() / 200_000 - 1)
    stated = HyperLogLog().relative_error
    rms = math.sqrt(sum(e * e for e in errors) / len(errors))
    assert round(stated, 4) == 0.0081
    assert 0.5 * stated < rms < 1.5 * stated
    assert max(abs(e) for e in errors) < 4 * stated


def test_persons_beyond_the_bound_are_estimated_within_the_stated_error_on_a_large_stream():
    # a generated stream of 400,000 distinct NIRs, each met twice, in 2 columns, through the whole tracker
    n = 400_000
    gen = np.random.default_rng(9)
    compact, _ = bulk.nirs(gen, gen.random(n) < 0.5, bulk.dates(gen, "1930-01-01", "2024-12-31", n))
    tracker = ExposureTracker(key=gen.bytes(32))
    batch = 50_000
    for start in range(0, n, batch):
        part = compact[start:start + batch]
        table = pa.table({"nir": part, "num_secu": bulk.nir_written(part, "spaced")})
        chunk = Chunk(columns=table_to_columns(table, row_offset=start),
                      rows=pa.array(range(start, start + len(part)), pa.int64()))
        findings = scan_table(table, ner=False)
        tracker.add("big.parquet", chunk, findings.set_column(0, "row", pc.add(findings["row"], start)))
    figures = tracker.finish("big.parquet")
    distinct = len(pc.unique(pc.utf8_slice_codeunits(compact, 0, 13)))
    assert figures.persons.estimated
    assert abs(figures.persons.value / distinct - 1) < 4 * figures.persons.relative_error
    assert figures.to_dict()["persons_estimate"] == {"method": "HyperLogLog", "registers": 16384,
                                                     "relative_standard_error": 0.008125}


def test_the_same_nir_gets_another_identifier_under_another_key():
    block = blocks(1, 1)
    put_text(block, 0, 13, pa.array(["1850578006084"]))
    assert KeyedIds(generate_key()).of(block)[0] != KeyedIds(generate_key()).of(block)[0]


# --- k-anonymity against a direct computation ----------------------------------------------------------------

SEXES = ["H", "F", "M.", "Mme", "homme", "femme", None]
POSTCODES = ["75012", "13008", "2A004", "6000", "69003", None]  # 6000: Nice's 06000 read as an integer


def quasi_table(n: int, seed: int) -> pa.Table:
    """Names, dates of birth from a small pool (in several forms), sex and postcode columns, NIRs for some
    rows; a tenth of the rows hold no personal data at all."""
    gen = np.random.default_rng(seed)
    surnames = name_pools(seed).last[:7]
    pool = bulk.dates(gen, "1950-01-01", "1955-12-31", 12)
    birth = pool[gen.integers(0, len(pool), n)]
    iso = [str(day) for day in birth]
    written = [iso[i] if i % 3 else f"{iso[i][8:10]}/{iso[i][5:7]}/{iso[i][:4]}" for i in range(n)]
    compact, _ = bulk.nirs(gen, gen.random(n) < 0.5, birth)
    empty = gen.random(n) < 0.1
    has_nir = (gen.random(n) < 0.5) & ~empty
    has_birth = (gen.random(n) < 0.8) & ~empty
    return pa.table({
        "nom": pa.array([None if e else surnames[i % len(surnames)] for i, e in enumerate(empty)]),
        "date_naissance": pa.array([w if b else None for w, b in zip(written, has_birth, strict=True)]),
        "nir": pc.if_else(pa.array(has_nir), compact, pa.scalar(None, pa.string())),
        "sexe": pa.array([SEXES[i] for i in gen.integers(0, len(SEXES), n)]),
        "code_postal": pa.array([POSTCODES[i] for i in gen.integers(0, len(POSTCODES), n)]),
    })


def direct_k_anonymity(table: pa.Table) -> dict[str, object]:
    """k-anonymity computed record by record in plain Python, from the rules of leakguard.report.exposure.quasi."""
    sexes = {"H": "M", "M.": "M", "homme": "M", "F": "F", "Mme": "F", "femme": "F"}
    classes: Counter[tuple] = Counter()
    for row in table.to_pylist():
        if row["nom"] is None and row["date_naissance"] is None and row["nir"] is None:
            continue  # no personal data: in no class
        birth = None
        if row["date_naissance"] is not None:
            d = row["date_naissance"]
            birth = d if "-" in d else f"{d[6:]}-{d[3:5]}-{d[:2]}"
        elif row["nir"] is not None:
            birth = "year " + row["nir"][1:3]
        sex = sexes.get(row["sexe"]) or ({"1": "M", "2": "F", "3": "M", "4": "F", "7": "M", "8": "F"}[row["nir"][0]]
                                          if row["nir"] is not None else None)
        place = row["code_postal"].zfill(5) if row["code_postal"] is not None else None
        if birth is None and sex is None and place is None:
            continue
        classes[birth, sex, place] += 1
    sizes = list(classes.values())
    records = sum(sizes)
    return {"records": records, "classes": len(sizes), "k": min(sizes),
            "share_unique": sum(s for s in sizes if s == 1) / records,
            "share_below_5": sum(s for s in sizes if s < 5) / records,
            "share_below_10": sum(s for s in sizes if s < 10) / records}


@pytest.mark.parametrize(("seed", "batch_rows"), [(0, 97), (1, 400), (2, 5_000)])
def test_k_anonymity_equals_a_direct_computation_whatever_the_batches(seed, batch_rows):
    table = quasi_table(1_200, seed)
    figures = exposure(table.to_batches(max_chunksize=batch_rows), ner=False).k_anonymity
    expected = direct_k_anonymity(table)
    got = figures.to_dict()
    assert {key: got[key] for key in expected} == pytest.approx(expected, abs=1e-6)
    assert got["quasi_identifiers"] == ["birth_date", "birth_year_from_nir", "sex", "sex_from_nir", "postcode"]
    assert got["sampled_fraction"] == 1.0
    assert 0 < got["share_unique"] < got["share_below_5"] <= got["share_below_10"] <= 1  # classes of every size


def test_beyond_the_class_bound_the_kept_classes_are_a_hash_sample_counted_exactly():
    gen = np.random.default_rng(3)
    ids = gen.integers(0, 2**63, 5_000, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    sizes = gen.integers(1, 13, 5_000)
    stream = np.repeat(ids, sizes)
    gen.shuffle(stream)
    classes = EquivalenceClasses(bound=1_000)
    for part in np.array_split(stream, 17):
        classes.add(part)
    figures = classes.figures(("postcode",))
    level = round(-math.log2(figures.sampled_fraction))
    kept = (ids >> np.uint64(64 - level)) == 0
    assert level >= 1 and kept.sum() <= 1_000
    kept_sizes = sizes[kept]
    assert figures.records == len(stream)
    assert figures.k == kept_sizes.min()
    assert figures.share_unique == pytest.approx(kept_sizes[kept_sizes == 1].sum() / kept_sizes.sum())
    assert figures.share_below_10 == pytest.approx(kept_sizes[kept_sizes < 10].sum() / kept_sizes.sum())
    # and the sample says about the same as the whole (each class kept with probability 2^-level)
    assert figures.share_below_5 == pytest.approx(sizes[sizes < 5].sum() / sizes.sum(), abs=0.06)
    assert figures.classes == pytest.approx(5_000, rel=0.25)


@pytest.mark.parametrize(("name", "kind"), [
    ("code_postal", "postcode"), ("CP", "postcode"), ("adresse.codePostal", "postcode"), ("zip_code", "postcode"),
    ("sexe", "sex"), ("Civilité", "sex"), ("gender", "sex"), ("departement", "departement"),
    ("code_departement", "departement"), ("dept_naissance", "departement"),
    ("capital", None), ("cp_montant", None), ("nom", None), ("date_soin", None),
])
def test_quasi_identifier_columns_are_known_by_name(name, kind):
    assert column_kind(name) == kind


def test_birth_dates_are_read_in_every_written_form():
    texts = pa.array(["1985-05-12", "12/05/1985", "12.05.1985", "19850512", "12 mai 1985", "1er mai 1985",
                      "1985-05-12T00:00:00", "hier", None])
    assert birth_dates(texts).tolist() == [19850512] * 4 + [19850512, 19850501, 19850512, 0, 0]


# --- records and spans ----------------------------------------------------------------------------------------

ENTITY_NAMES = ["FR_NIR", "PERSON", "IBAN_CODE", "FR_NEW_ENTITY"]


@settings(max_examples=60, deadline=None)
@given(records=st.integers(1, 40), items=st.lists(st.tuples(st.integers(0, 39), st.sampled_from(ENTITY_NAMES))))
def test_record_masks_are_the_sets_of_entities_of_each_record(records, items):
    items = [(row, entity) for row, entity in items if row < records]
    entities = sorted({entity for _, entity in items})
    bits = EntityBits()
    counter = RecordEntities(bits)
    masks = counter.add(np.arange(100, 100 + records), np.array([100 + row for row, _ in items], np.int64),
                        np.array([entities.index(entity) for _, entity in items], np.int64), entities)
    expected = [frozenset(e for r, e in items if r == row) for row in range(records)]
    assert [frozenset(bits.entities(int(m))) for m in masks] == expected
    assert sum(counter.combinations.values()) == records


@settings(max_examples=60, deadline=None)
@given(records=st.integers(1, 40), items=st.lists(st.tuples(st.integers(0, 39), st.sampled_from(ENTITY_NAMES),
                                                          st.booleans())))
def test_findings_held_before_their_chunk_join_their_record(records, items):
    # held: findings that come before the chunk of their record (a JSON line read as text)
    items = [(row, entity, held) for row, entity, held in items if row < records]
    entities = sorted({entity for _, entity, _ in items})

    def arrays(selected):
        return (np.array([100 + row for row, _, _ in selected], np.int64),
                np.array([entities.index(entity) for _, entity, _ in selected], np.int64))

    bits = EntityBits()
    counter = RecordEntities(bits)
    counter.hold(*arrays([i for i in items if i[2]]), entities)
    masks = counter.add(np.arange(100, 100 + records), *arrays([i for i in items if not i[2]]), entities)
    expected = [frozenset(e for r, e, _ in items if r == row) for row in range(records)]
    assert [frozenset(bits.entities(int(m))) for m in masks] == expected
    counter.close_all()  # nothing left held: no record counted twice
    assert counter.records == sum(counter.combinations.values()) == records


def test_span_texts_are_cut_from_string_integer_and_nested_cells():
    table = pa.table({
        "note": ["Rappeler M. Durand, NIR 1 85 05 78 006 084 91 ok", None, "rien"],
        "c_12": pa.array([None, 185057800608491, None], pa.int64()),
    })
    chunk = Chunk(columns=table_to_columns(table), rows=pa.array([0, 1, 2], pa.int64()))
    findings = scan_table(table, ner=False)
    nirs = findings.filter(pc.equal(findings["entity"], "FR_NIR"))
    at, texts = span_texts(chunk, nirs)
    assert sorted(texts.to_pylist()) == ["1 85 05 78 006 084 91", "185057800608491"]
    assert len(at) == nirs.num_rows


# --- in the machine formats -----------------------------------------------------------------------------------


def test_json_and_jsonl_carry_file_and_run_exposure_with_persons_across_files(tmp_path, run_cli):
    table, _, who = claims(2_000, people=400, seed=8)
    first, second = table.slice(0, 1_200), table.slice(800)  # 400 claims in both files
    pq.write_table(first, tmp_path / "claims_1.parquet")
    pv.write_csv(second, tmp_path / "claims_2.csv")
    document = json.loads(run_cli("scan", str(tmp_path), "--format", "json", "--no-ner", "--no-config").output)
    files = {f["path"].rsplit("/", 1)[-1]: f["exposure"] for f in document["files"]}
    assert files["claims_1.parquet"]["persons"] == len(set(who[:1_200].tolist()))
    assert files["claims_2.csv"]["persons"] == len(set(who[800:].tolist()))
    summary = document["summary"]["exposure"]
    assert summary["persons"] == len(set(who.tolist())) < files["claims_1.parquet"]["persons"] + files[
        "claims_2.csv"]["persons"]
    assert summary["records"] == 2_400 and summary["breach_profile_records"] == 2_400
    assert summary["k_anonymity"] is None and files["claims_1.parquet"]["k_anonymity"]["records"] == 1_200
    lines = run_cli("scan", str(tmp_path), "--format", "jsonl", "--no-ner", "--no-config").output.splitlines()
    last = json.loads(lines[-1])
    assert last["type"] == "summary" and last["exposure"] == summary
    for item in (*files.values(), summary):
        assert set(item) >= {"records", "records_with_personal_data", "by_entity", "breach_profile_records",
                             "persons", "persons_estimate", "combinations", "k_anonymity"}


def _unnamed_nir_table(rows: int, seed: int) -> pa.Table:
    """Valid NIRs in a column whose name says nothing (``c0``), a sex column, and invoice numbers of which
    about 1 in 119 pass the NIR key by chance: both wait for their column's decision."""
    gen = np.random.default_rng(seed)
    female = gen.random(rows) < 0.5
    birth = np.datetime64("1935-01-01") + gen.integers(0, 30_000, rows).astype("timedelta64[D]")
    compact, _ = bulk.nirs(gen, female, birth)
    return pa.table({"num_facture": pa.array(bulk.invoice_numbers(gen, rows)).cast(pa.string()),
                     "c0": compact, "sexe": pa.array(np.where(female, "F", "M"))})


def _named(table: pa.Table) -> pa.Table:
    """The same records with the NIR column named for NIRs (decided at once) and no invoice numbers."""
    return table.drop_columns(["num_facture"]).rename_columns(["nir", "sexe"])


def test_nirs_waiting_for_their_column_decision_count_as_decided(tmp_path, run_cli):
    table = _unnamed_nir_table(12_000, 3)
    figures = {}
    for name, data in (("waiting", table), ("named", _named(table))):
        path = tmp_path / f"{name}.parquet"
        pq.write_table(data, path, row_group_size=1_000)
        figures[name] = scanned_file(run_cli, path)["exposure"]
    assert figures["waiting"] == figures["named"]
    assert figures["waiting"]["persons"] == 12_000 and figures["waiting"]["k_anonymity"]["records"] == 12_000
    # a stream of batches, decided at its end, gives the same figures as the whole table
    streamed = exposure(table.to_batches(max_chunksize=1_000), ner=False).to_dict()
    assert streamed == exposure(_named(table), ner=False).to_dict()
    assert streamed["by_entity"] == {"FR_NIR": 12_000}


@pytest.mark.parametrize(("valid", "typos", "reported"), [(95, 5, True), (30, 10, False)])
def test_typos_held_for_their_column_count_where_they_are_reported(tmp_path, run_cli, valid, typos, reported):
    """A record whose only NIR is a typo in a column of NIRs holds a NIR where the column's typos are reported
    (nine in ten valid keys), and none where only its valid keys are."""
    table = pa.table({"identifiant": nirs_with_typos(valid, typos), "sexe": ["F"] * (valid + typos)})
    path = tmp_path / "identifiants.parquet"
    pq.write_table(table, path, row_group_size=16)
    nirs = valid + typos if reported else valid
    figures = scanned_file(run_cli, path)["exposure"]
    assert (figures["by_entity"], figures["records_with_personal_data"], figures["persons"]) == (
        {"FR_NIR": nirs}, nirs, nirs)
    streamed = exposure(table.to_batches(max_chunksize=16), ner=False)
    assert (streamed.by_entity, streamed.persons.value) == ({"FR_NIR": nirs}, nirs)


def test_invoice_numbers_decided_not_nirs_count_no_person(tmp_path, run_cli):
    table = _unnamed_nir_table(12_000, 4).select(["num_facture", "sexe"])
    path = tmp_path / "factures.csv"
    pv.write_csv(table, path)
    figures = scanned_file(run_cli, path)["exposure"]
    assert figures["records"] == 12_000 and figures["records_with_personal_data"] == 0
    assert figures["persons"] == 0 and figures["combinations"] == []
