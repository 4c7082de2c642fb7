"""One decision per column: whether its NIR-shaped numbers are NIRs is decided on all its values, whatever its
size, however it is split (chunks, worker processes) or ordered. Spark: tests/test_spark.py."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction
from math import comb

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leakguard import pseudonymise_batches, pseudonymise_table, scan_batches, scan_database, scan_table
from leakguard.detect.distinct import SPARSE_MAX, DistinctCount
from leakguard.detect.engine import DetectOptions
from leakguard.detect.profile import CHANCE, EFFECT, binomial_tail, holds_nirs
from leakguard.pseudonymise import files as pseudonymise_files
from leakguard.pseudonymise import pseudonymise_file
from leakguard.scan import DECIDED, scan_files
from leakguard.scan import scan_path as scan_one
from recognizers import nir
from synthetic import identifiers as ids
from tests.conftest import DecisionTable, decision_table, nirs_with_typos
from tests.dumps import write_mysql_dump

KEY = bytes(range(32))


# -- the rule -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shaped", "valid", "holds"), [
    (1, 1, True),  # one value: it is all the evidence there is
    (10, 1, False),
    (7, 2, True),  # a short text's test vectors: two valid keys among seven are no chance (tail 0.2 %)
    (14, 2, True),
    (20, 2, False),  # two among twenty may be (tail 1.8 %)
    (20, 3, True),
    (60, 3, False),  # past the small columns, the effect test decides
    (1_000, 12, False),
    (1_000, 900, True),  # typos: a majority is valid
    (1_000_000, 950_000, True),  # 5% typos
    (1_000_000, 800_000, True),  # 20% typos
    (10_000, 400, True),  # a log mixing NIRs and order numbers: 4% valid, far above chance
    (100_000, 4_000, True),  # free text where 4% of the long numbers are valid: surely above 3/97...
    (100_000, 2_500, False),  # ... but 2.5% is not: near chance, however many values
    (10**6, 25_000, False),
    (10**6, 12_000, False),
    (10**8, 10**8 // 97, False),  # the chance rate itself, at any size
    (10**8, 10**8 // 40, False),
    (10**8, 10**8 // 25, True),
])
def test_a_column_holds_nirs_when_its_valid_share_is_a_majority_or_surely_well_above_chance(shaped, valid, holds):
    assert holds_nirs(shaped, valid) is holds


def test_the_measured_chance_rate_of_random_15_digit_numbers_is_about_one_in_119():
    gen = np.random.default_rng(11)
    numbers = pc.cast(pa.array(gen.integers(10**14, 10**15, 600_000)), pa.string())
    shaped = pc.sum(pc.cast(pc.match_substring_regex(numbers, nir._WHOLE_CELL_RE2), pa.int64())).as_py()
    valid = pc.sum(pc.cast(nir.is_valid_array(numbers), pa.int64())).as_py()
    assert 110 < shaped / valid < 130
    assert valid / shaped < CHANCE < EFFECT * CHANCE


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 400), p=st.floats(0.001, 0.5), data=st.data())
def test_the_binomial_tail_is_the_exact_sum_above_the_mean(n, p, data):
    k = data.draw(st.integers(0, n))
    exact = float(sum(_binomial_term(i, n, p) for i in range(k, n + 1)))
    tail = binomial_tail(k, n, p)
    if k <= n * p:
        assert tail == 1.0 and exact >= 0.5 - 1e-12
    else:
        assert tail == pytest.approx(exact, rel=1e-9, abs=1e-300)


def _binomial_term(i: int, n: int, p: float) -> Fraction:
    # exact: in floats, p**i of a far tail falls below 2**-1022 and loses digits (subnormal numbers)
    exact = Fraction(p)
    return comb(n, i) * exact**i * (1 - exact) ** (n - i)


def test_a_tail_far_below_the_mean_of_a_huge_column_is_not_significant():
    # the old tail summed 400 terms from k upward: below the mean of a huge column it found ~0, "significant"
    assert binomial_tail(8_400, 1_000_000, 1 / 97) == 1.0


# -- distinct counts ---------------------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.integers(0, 10**15), max_size=3 * SPARSE_MAX), data=st.data())
def test_a_distinct_count_depends_on_the_set_only_however_it_is_split_ordered_or_repeated(values, data):
    whole = DistinctCount()
    whole.add(np.array(values, np.int64))
    shuffled = data.draw(st.permutations(values + values[: len(values) // 3]))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(shuffled)), max_size=6)))
    parts = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(shuffled)])]
    merged = DistinctCount()
    for part in parts:
        counted = DistinctCount()
        counted.add(np.array(part, np.int64))
        merged.merge(DistinctCount.from_text(counted.to_text()))
    assert merged.to_text() == whole.to_text()
    if len(set(values)) <= SPARSE_MAX:
        assert whole.estimate() == len(set(values))


@pytest.mark.parametrize("n", [5_000, 100_000, 1_000_000])
def test_large_distinct_counts_are_within_a_few_percent(n):
    count = DistinctCount()
    values = np.random.default_rng(n).permutation(np.arange(n, dtype=np.int64) * 1_000_003 + 185_000_000_000_000)
    for part in np.array_split(values, 7):
        count.add(part)
    assert count.estimate() == pytest.approx(n, rel=0.05)


# -- any split, any order -------------------------------------------------------------------------------------------


def _mixed_column(seed: int, nirs: int, invoices: int, typos: float) -> list[str]:
    rng = random.Random(seed)
    values = [ids.nir(rng) for _ in range(nirs)]
    values = [ids.nir_typo(rng, v) if rng.random() < typos else ids.nir_written(v, ids.nir_form(rng))
              for v in values]
    values += [ids.invoice_number(rng) for _ in range(invoices)]
    rng.shuffle(values)
    return values


def _flagged(findings: pa.Table, values: list[str]) -> set[str]:
    """The cell values reported as NIRs."""
    rows = findings.filter(pc.equal(findings["entity"], "FR_NIR"))["row"].to_pylist()
    return {values[row] for row in rows}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), nirs=st.integers(0, 80), invoices=st.integers(0, 2_500),
       typos=st.sampled_from([0.0, 0.05, 0.2, 0.6]), data=st.data())
def test_the_decision_is_the_same_whatever_the_chunking_and_the_row_order(seed, nirs, invoices, typos, data):
    values = _mixed_column(seed, nirs, invoices, typos)
    expected = _flagged(scan_table(pa.table({"c0": values}), ner=False), values)
    order = data.draw(st.permutations(range(len(values))))
    shuffled = [values[i] for i in order]
    chunk_rows = data.draw(st.integers(max(1, len(values) // 12), max(1, len(values))))  # up to 12 chunks
    batches = pa.table({"c0": pa.array(shuffled, pa.string())}).to_batches(max_chunksize=chunk_rows)
    streamed = pa.concat_tables(list(scan_batches(batches, ner=False))) if batches else scan_table(
        pa.table({"c0": pa.array([], pa.string())}), ner=False)
    assert _flagged(streamed, shuffled) == expected
    # pseudonymised streams replace exactly those values, as the whole table does
    whole = pseudonymise_table(pa.table({"c0": pa.array(shuffled, pa.string())}), KEY, ner=False)
    out = pa.Table.from_batches(list(pseudonymise_batches(batches, KEY, ner=False)), schema=whole.schema)
    assert out.equals(whole)
    assert {v for v, o in zip(shuffled, whole["c0"].to_pylist()) if v != o} == expected


@pytest.mark.parametrize(("name", "form"), [("num_secu", "compact"), ("N° de SS", "spaced"), ("NIR", "key_apart"),
                                           ("nir", "int64")])
def test_a_typo_in_a_column_named_for_nirs_is_a_nir_at_the_wrong_keys_score(name, form):
    """A typo does not anonymise: under a NIR name, a NIR-shaped value with a wrong key is reported below the
    valid keys (and pseudonymised); in a column named for nothing it is not, as no context says it is a NIR."""
    rng = random.Random(11)
    valid = [ids.nir(rng) for _ in range(40)]
    typos = [ids.nir_typo(rng, v) for v in valid[:10]]
    assert not any(nir.is_valid(t) for t in typos)
    values = valid[10:] + typos
    written = pa.array([int(v) for v in values], pa.int64()) if form == "int64" else pa.array(
        [ids.nir_written(v, form) for v in values])
    found = scan_table(pa.table({name: written, "ref": written}), ner=False)
    named = found.filter(pc.equal(found["column"], name))
    scores = dict(zip(named["row"].to_pylist(), named["score"].to_pylist(), strict=True))
    assert scores == {**dict.fromkeys(range(30), nir.CONTEXT_SCORE), **dict.fromkeys(range(30, 40), nir.UNKEYED_SCORE)}
    assert sorted(found.filter(pc.equal(found["column"], "ref"))["row"].to_pylist()) == list(range(30))
    out = pseudonymise_table(pa.table({name: written}), KEY)
    assert not set(out[name].cast(pa.string()).to_pylist()) & set(written.cast(pa.string()).to_pylist())


@pytest.mark.parametrize(("valid", "typos", "reported"), [
    (95, 5, True),  # a column of NIRs with a few typos: the typos are NIRs too
    (90, 10, True),
    (30, 10, False),  # a quarter of wrong keys: maybe other numbers among NIRs, only the valid keys
    (0, 10, False),
])
def test_the_typos_of_an_unnamed_column_of_nirs_are_nirs_where_nine_in_ten_are_valid(valid, typos, reported):
    values = nirs_with_typos(valid, typos)
    table = pa.table({"identifiant": values})
    found = scan_table(table, ner=False)
    keyed = {row for row, score in zip(found["row"].to_pylist(), found["score"].to_pylist(), strict=True)
             if score > nir.UNKEYED_SCORE}  # valid keys (temporary numbers at their own score)
    assert keyed == set(range(valid))
    expected = range(valid + typos if reported else valid)
    assert sorted(found["row"].to_pylist()) == list(expected)
    # streamed in batches (the decision waits for the last), and pseudonymised: the same cells
    streamed = pa.concat_tables(scan_batches(table.to_batches(max_chunksize=7), ner=False))
    assert sorted(streamed["row"].to_pylist()) == sorted(expected)
    out = pseudonymise_table(table, KEY, ner=False)["identifiant"].to_pylist()
    assert [i for i, (a, b) in enumerate(zip(values, out, strict=True)) if a != b] == sorted(expected)


@pytest.mark.parametrize(("lines", "reported"), [
    # python-stdnum's vectors in another library's tests, no NIR word: its Corsican numbers of 1953 are no NIRs
    # (2A/2B only from 1976) but their keys are right, which chance gives one time in 97: the file holds NIRs
    (['("295109912611193", true)', '("253072B07300470", true)', '("253072A07300443", true)',
      '("295109912611199", false) (* bad checksum *)'], {"295109912611193"}),
    # the same written one digit at a time (a NIR's structure so written is reported whatever its key)
    (['("2 9 5 1 0 9 9 1 2 6 1 1 1 9 3", true)', '("2 5 3 0 7 2 B 0 7 3 0 0 4 7 0", true)',
      '("2 5 3 0 7 2 A 0 7 3 0 0 4 4 3", true)', '("2 9 5 1 0 9 9 1 2 6 1 1 1 9 9", false)'],
     {"2 9 5 1 0 9 9 1 2 6 1 1 1 9 3", "2 9 5 1 0 9 9 1 2 6 1 1 1 9 9"}),
    # wrong keys in their place: one valid key among three shaped values is no evidence
    (['("295109912611193", true)', '("295109912611198", false)', '("295109912611199", false)'], set()),
])
def test_a_right_key_with_an_impossible_place_says_a_file_holds_nirs(tmp_path, lines, reported):
    path = tmp_path / "test_nir.ml.txt"
    path.write_text("let test_cases =\n  [\n" + "\n".join(f"    ; {line}" for line in lines) + "\n  ]\n")
    found = {value for table in scan_one(str(path), options=DetectOptions(ner=False, show_values=True))
             if isinstance(table, tuple) for value in table[1]["value"].to_pylist()}
    assert found == reported


def test_a_column_whose_first_rows_look_like_nirs_is_decided_on_all_its_rows():
    # 30 NIRs, then 3,000 invoice numbers: about 2% of the shaped values are valid, not a NIR column; decided
    # batch by batch on the counts so far, its first batch (a majority of NIRs) was one
    rng = random.Random(5)
    values = [ids.nir(rng) for _ in range(30)] + [ids.invoice_number(rng) for _ in range(3_000)]
    tables = list(scan_batches(pa.table({"c0": values}).to_batches(max_chunksize=50), ner=False))
    assert len(tables) == 61
    assert sum(t.num_rows for t in tables) == 0
    assert scan_table(pa.table({"c0": values}), ner=False).num_rows == 0


def test_a_stream_holds_only_what_waits_for_a_decision_and_gives_it_with_the_last_batch():
    values = _mixed_column(8, 400, 400, 0.05)
    table = pa.table({"c0": values, "nir": values})  # the same numbers, under a NIR name: no decision needed
    tables = list(scan_batches(table.to_batches(max_chunksize=100), ner=False))
    assert len(tables) == 8
    # a NIR column also reports wrong keys (UNKEYED_SCORE): the unnamed one only valid NIRs, so compare those
    nir_named = [set(t.filter(pc.and_(pc.equal(t["column"], "nir"), pc.greater(t["score"], nir.UNKEYED_SCORE)))
                     ["row"].to_pylist()) for t in tables]
    assert all(rows and min(rows) >= 100 * i for i, rows in enumerate(nir_named))  # each batch's own
    unnamed = [t.filter(pc.equal(t["column"], "c0")).num_rows for t in tables]
    assert unnamed[:-1] == [0] * 7 and unnamed[-1] == sum(len(r) for r in nir_named)


# -- a million rows: one process, worker processes --------------------------------------------------------------


class _Counts:
    """A reporter of scan_files that counts findings per column and entity."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str | None, str]] = Counter()
        self.problems: list[str] = []

    def file_started(self, path: str) -> None:
        pass

    def findings(self, path: str, findings: pa.Table) -> None:
        grouped = findings.group_by(["column", "entity"]).aggregate([("row", "count")])
        for row in grouped.to_pylist():
            self.counts[(row["column"], row["entity"])] += row["row_count"]

    def problem(self, path: str, message: str, row: int | None = None, fatal: bool = False) -> None:
        self.problems.append(message)

    def file_done(self, path: str, stats: object) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_million_invoice_numbers_give_no_nir_and_nir_columns_with_typos_stay_nir_columns(
        million_rows: DecisionTable, monkeypatch, jobs):
    monkeypatch.setattr("leakguard.schedule.MIN_PARALLEL_BYTES", 0)
    reporter = _Counts()
    scan_files([str(million_rows.path)], reporter, options=DetectOptions(ner=False), jobs=jobs)
    assert reporter.problems == []
    assert reporter.counts[("num_facture", "FR_NIR")] == 0
    assert reporter.counts[("c0", "FR_NIR")] == million_rows.reported("c0").sum() > million_rows.valid["c0"]
    assert reporter.counts[("c1", "FR_NIR")] == million_rows.valid["c1"]


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_million_row_pseudonymisation_leaves_every_invoice_number_and_replaces_every_nir(
        million_rows: DecisionTable, monkeypatch, tmp_path, jobs):
    monkeypatch.setattr(pseudonymise_files, "MIN_PARALLEL_BYTES", 0)
    out = tmp_path / "out.parquet"
    report = pseudonymise_file(million_rows.path, out, KEY, ner=False, jobs=jobs)
    result = pq.read_table(out)
    assert result["num_facture"].equals(million_rows.table["num_facture"])
    for name in ("c0", "c1"):
        changed = pc.not_equal(result[name], million_rows.table[name]).to_numpy(zero_copy_only=False)
        assert (changed == million_rows.reported(name)).all(), name
    assert report.replaced["FR_NIR"] == sum(million_rows.reported(name).sum() for name in ("c0", "c1"))


@pytest.mark.slow
def test_a_million_row_stream_is_decided_as_the_whole_table(million_rows: DecisionTable):
    table = million_rows.table.select(["num_facture", "c0"])
    found = Counter()
    for findings in scan_batches(table.to_batches(max_chunksize=100_000), ner=False):
        for column in findings.filter(pc.equal(findings["entity"], "FR_NIR"))["column"].to_pylist():
            found[column] += 1
    assert found == Counter({"c0": million_rows.reported("c0").sum()})


# -- files: the late findings and the budget ---------------------------------------------------------------------


def test_over_the_budget_a_file_finds_the_held_nirs_again_by_reading_their_column_twice(tmp_path):
    table, typos = decision_table(3_000, 7)
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=500)
    within = [item for item in scan_one(str(path), batch_rows=500) if isinstance(item, tuple)]
    over = [item for item in scan_one(str(path), batch_rows=500, budget=100) if isinstance(item, tuple)]
    assert len(within) == 7  # six chunks, then what waited for the decisions
    assert [len(chunk.rows) for chunk, _ in over[:6]] == [500] * 6
    # the column read again gives its NIRs out chunk by chunk, never all at once
    assert len(over) > 7 and all(chunk is DECIDED for chunk, _ in over[6:])
    assert len(within[-1][0].rows) == 0
    sort = [("row", "ascending"), ("column", "ascending"), ("start", "ascending")]
    assert pa.concat_tables([t for _, t in over]).sort_by(sort).equals(
        pa.concat_tables([t for _, t in within]).sort_by(sort))
    late = within[-1][1]
    decided = DecisionTable(table, path, typos)
    assert Counter(late["column"].to_pylist()) == {name: decided.reported(name).sum() for name in typos}


# -- containers: each table of a SQL dump or a database decided on all its rows ---------------------------------


def test_a_table_of_a_dump_whose_first_rows_look_like_nirs_is_decided_on_all_its_rows(tmp_path):
    rng = random.Random(5)
    refs = [ids.nir(rng) for _ in range(30)] + [ids.invoice_number(rng) for _ in range(3_000)]
    path = tmp_path / "factures.sql"
    write_mysql_dump(pa.table({"nom": pa.nulls(len(refs), pa.string()), "ref": refs}), "factures", path)
    # chunks of 50 rows: the first one alone (30 NIRs, 20 invoice numbers) looks like a column of NIRs
    findings = pa.concat_tables(scan_database(str(path), ner=False, batch_rows=50))
    assert findings.num_rows == 0
    report = pseudonymise_file(path, tmp_path / "out.sql", KEY, ner=False, batch_rows=50)
    assert (tmp_path / "out.sql").read_bytes() == path.read_bytes()
    assert not report.replaced and report.records == len(refs)
