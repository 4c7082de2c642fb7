"""The synthetic data generator: its identifiers are what they claim, its decoys are not, its truth is exact.

Benchmarks and detection tests measure against :mod:`synthetic`; if its ground truth were off, every
measured recall and precision would be wrong. These tests check the generator against the recognizers'
own validation (``recognizers.nir``) and python-stdnum, independently of how values were produced.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import ean, iban, luhn
from stdnum.fr import siret

from recognizers import nir as nir_module
from synthetic import bulk, files, logs, records, tables
from synthetic import identifiers as ids
from synthetic.__main__ import main, write_examples
from synthetic.people import PersonFactory
from synthetic.truth import TRUTH_SCHEMA, cell_text

ROWS = 10_000

# --- strategies named after the world ----------------------------------------------------------------------

randoms = st.randoms(use_true_random=False)


@st.composite
def nirs(draw: st.DrawFn) -> str:
    """A generated compact NIR/NIA."""
    return ids.nir(draw(randoms))


written_forms = st.sampled_from(ids.NIR_FORMS)


@pytest.fixture(scope="module")
def beneficiaries() -> tuple[pa.Table, pa.Table]:
    return tables.beneficiary_table(ROWS, seed=11)


# --- identifiers -------------------------------------------------------------------------------------------


@settings(max_examples=200)
@given(nirs(), written_forms)
def test_a_generated_nir_is_valid_in_every_written_form(number: str, form: str) -> None:
    written = ids.nir_written(number, form)
    assert nir_module.is_valid(written)
    assert nir_module.compact(written) == number


@settings(max_examples=200)
@given(nirs(), randoms)
def test_a_nir_with_one_digit_changed_is_never_valid(number: str, rng: random.Random) -> None:
    typo = ids.nir_typo(rng, number)
    assert sum(a != b for a, b in zip(typo, number)) == 1
    assert not nir_module.is_valid(typo)


def test_generated_nirs_cover_every_structural_case() -> None:
    rng = random.Random(3)
    numbers = [ids.nir(rng) for _ in range(20_000)]
    assert {n[0] for n in numbers} == set("123478")
    months = {int(n[3:5]) for n in numbers}
    assert months & set(range(1, 13)) == set(range(1, 13))
    assert months & set(range(20, 43)) and months & set(range(50, 100))
    depts = {n[5:7] for n in numbers}
    assert {"2A", "2B", "20", "97", "98", "99"} <= depts
    assert {n[5:8] for n in numbers if n[5:7] in ("97", "98")} <= {str(d) for d in ids.OVERSEAS}
    sexes = [n[0] for n in numbers]
    assert sexes.count("1") + sexes.count("2") > 0.95 * len(numbers)


def test_bulk_nirs_cover_the_same_cases_and_are_all_valid() -> None:
    gen = np.random.default_rng(5)
    n = 20_000
    compact, values = bulk.nirs(gen, gen.random(n) < 0.5, bulk.dates(gen, "1935-01-01", "2023-12-31", n))
    assert pc.all(nir_module.is_valid_array(compact)).as_py()
    numbers = compact.to_pylist()
    assert {x[0] for x in numbers} == set("123478")
    assert {"2A", "2B", "20", "97", "98", "99"} <= {x[5:7] for x in numbers}
    corsican = np.array(["2A" in x or "2B" in x for x in numbers])
    assert (values[corsican] == -1).all()
    assert [str(v) for v in values[~corsican]] == [x for x, c in zip(numbers, corsican) if not c]


@pytest.mark.parametrize("form", ids.NIR_FORMS)
def test_bulk_nir_forms_agree_with_the_scalar_ones(form: str) -> None:
    rng = random.Random(form)
    numbers = [ids.nir(rng) for _ in range(500)]
    assert bulk.nir_written(pa.array(numbers), form).to_pylist() == [ids.nir_written(x, form) for x in numbers]


@pytest.mark.parametrize("form", ids.PHONE_FORMS)
def test_bulk_phone_forms_agree_with_the_scalar_ones(form: str) -> None:
    numbers = bulk.phones(np.random.default_rng(1), 500).to_pylist()
    assert all(re.fullmatch(r"0[1-79]\d{8}", x) for x in numbers)
    assert not {int(x[1:4]) for x in numbers} & ids.UNUSED_PHONE_PREFIXES
    written = bulk.phone_written(pa.array(numbers), form).to_pylist()
    assert written == [ids.phone_written(x, form) for x in numbers]


def test_bulk_and_scalar_ibans_are_valid_french_ibans() -> None:
    compact = bulk.ibans(np.random.default_rng(2), 2000).to_pylist()
    rng = random.Random(2)
    compact += [ids.iban_fr(rng) for _ in range(500)]
    assert all(len(x) == 27 and x.startswith("FR") and iban.is_valid(x) for x in compact)
    grouped = bulk.iban_written(pa.array(compact), True).to_pylist()
    assert grouped == [ids.iban_written(x) for x in compact]
    assert all(iban.is_valid(x) for x in grouped)


def test_generated_phones_are_valid_french_numbers() -> None:
    phonenumbers = pytest.importorskip("phonenumbers")
    rng = random.Random(0)
    numbers = [ids.phone(rng) for _ in range(3000)] + bulk.phones(np.random.default_rng(0), 3000).to_pylist()
    for number in numbers:
        assert phonenumbers.is_valid_number(phonenumbers.parse(number, "FR")), number
        assert phonenumbers.is_valid_number(phonenumbers.parse(ids.phone_written(number, "intl_spaced"), "FR"))


@settings(max_examples=100)
@given(randoms)
def test_decoy_identifiers_are_valid_in_their_own_scheme(rng: random.Random) -> None:
    number = ids.siret(rng)
    assert len(number) == 14 and siret.is_valid(number) and luhn.is_valid(number[:9])
    code = ids.ean13(rng)
    assert len(code) == 13 and ean.is_valid(code)
    invoice = ids.invoice_number(rng)
    assert len(invoice) == 15 and invoice[0] != "0"


def _key_passes(values: np.ndarray) -> np.ndarray:
    """Whether the last 2 digits of 15-digit numbers are the NIR key of the first 13."""
    return values % 100 == 97 - (values // 100) % 97


def test_invoice_numbers_pass_the_nir_key_about_once_in_97() -> None:
    values = bulk.invoice_numbers(np.random.default_rng(7), 100_000)
    rate = _key_passes(values).mean()
    assert 0.7 / 97 < rate < 1.3 / 97  # ~1031 expected, standard deviation ~32
    rng = random.Random(7)
    scalar = np.array([int(ids.invoice_number(rng)) for _ in range(100_000)])
    assert 0.7 / 97 < _key_passes(scalar).mean() < 1.3 / 97


def test_insurers_give_stable_amc_numbers_and_member_formats() -> None:
    rng = random.Random(0)
    for name in ids.insurer_names()[:40]:
        amcs = ids.amc_numbers_of(name)
        assert amcs == ids.amc_numbers_of(name) and 1 <= len(amcs) <= 3
        assert all(re.fullmatch(r"[1-9]\d{7,9}", a) for a in amcs)
        member = ids.member_id(rng, name)
        pattern = ids.member_id_format(name)
        assert len(member) == len(pattern)
        assert all(c.isdigit() if p in "#+" else c.isupper() if p == "?" else c == p for c, p in zip(member, pattern))


def test_guarantee_strings_mention_levels() -> None:
    rng = random.Random(1)
    for _ in range(300):
        text = ids.guarantees(rng)
        assert re.search(r"\d+ ?(%|€)", text), text


# --- people ------------------------------------------------------------------------------------------------


def test_a_person_nir_agrees_with_sex_and_date_of_birth() -> None:
    factory = PersonFactory(4)
    for _ in range(2000):
        p = factory.person()
        assert nir_module.is_valid(p.nir)
        assert int(p.nir[0]) % 2 == (0 if p.female else 1)
        assert p.nir[1:3] == f"{p.birth_date.year % 100:02d}"
        month = int(p.nir[3:5])
        assert month == p.birth_date.month or month >= 20
        assert p.amc in ids.amc_numbers_of(p.insurer)
        assert "@" in p.email and p.birth_name != p.last_name


def test_a_child_shares_name_insurer_and_member_number() -> None:
    factory = PersonFactory(8)
    parent = factory.person(birth=dt.date(1970, 3, 1))
    child = factory.child_of(parent)
    assert (child.last_name, child.insurer, child.member_id) == (parent.last_name, parent.insurer, parent.member_id)
    assert child.birth_date.year >= 1990


# --- beneficiary tables ------------------------------------------------------------------------------------


def test_the_table_has_17_columns_with_the_declared_types(beneficiaries) -> None:
    table, _ = beneficiaries
    assert table.column_names == list(tables.BENEFICIARY_COLUMNS)
    assert table.num_rows == ROWS
    types = dict(zip(table.column_names, table.schema.types))
    assert types["date_naissance"] == pa.date32() and types["c_12"] == pa.int64()
    assert types["num_facture"] == pa.int64() and types["montant"] == pa.float64()


def test_every_nir_cell_is_valid_and_its_int64_twin_is_the_same_nir(beneficiaries) -> None:
    table, _ = beneficiaries
    assert pc.all(nir_module.is_valid_array(table.column("nir").combine_chunks())).as_py()
    twins = table.column("c_12").to_pylist()
    for written, twin in zip(table.column("nir").to_pylist(), twins):
        compact = nir_module.compact(written)
        assert twin == (None if compact[5:7] in ("2A", "2B") else int(compact))
    written = table.column("nir").to_pylist()
    assert {c for w in written for c in w if not c.isalnum()} == {" ", ".", "-", "\u00a0", "\u202f"}
    assert any(w.isdigit() for w in written) and any(re.fullmatch(r"\d{13} \d\d", w) for w in written)


def test_entity_columns_are_spanned_whole_and_decoy_columns_not_at_all(beneficiaries) -> None:
    table, truth = beneficiaries
    by_column = truth.group_by("column").aggregate([("row", "count")]).to_pydict()
    counts = dict(zip(by_column["column"], by_column["row_count"]))
    for name, entity in tables.BENEFICIARY_COLUMNS.items():
        if entity is None:
            assert name not in counts
        elif entity != tables.FREE_TEXT:
            text = cell_text(table.column(name))
            assert counts[name] == pc.sum(pc.greater(pc.utf8_length(text), 0)).as_py()
            spans = truth.filter(pc.equal(truth.column("column"), name))
            assert set(spans.column("entity").to_pylist()) == {entity}
            assert pc.all(pc.equal(spans.column("start"), 0)).as_py()
            lengths = pc.take(pc.utf8_length(text), spans.column("row")).cast(pa.int32())
            assert spans.column("end").to_pylist() == lengths.to_pylist()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text.replace("+33", "0", 1))


def _is_the_rows_own(entity: str, value: str, row: dict) -> bool:
    """Whether ``value`` (a span of a comment) is the row's own ``entity``, as its columns hold it."""
    if entity == "FR_NIR":
        return nir_module.compact(value) == nir_module.compact(row["nir"])
    if entity == "PERSON":
        return value in (row["nom"], f"{row['prenom']} {row['nom']}")
    if entity == "PHONE_NUMBER":
        return _digits(value) == _digits(row["telephone"])
    if entity == "IBAN_CODE":
        return value.replace(" ", "") == row["iban"].replace(" ", "")
    if entity == "DATE_OF_BIRTH":
        return value == row["date_naissance"].strftime("%d/%m/%Y")
    column = {
        "EMAIL_ADDRESS": "email",
        "FR_HEALTH_INSURER": "organisme",
        "FR_AMC": "num_amc",
        "FR_MUTUELLE_MEMBER_ID": "num_adherent",
        "FR_HEALTH_GUARANTEE": "garanties",
    }[entity]
    return value == row[column]


def test_comment_spans_are_the_rows_own_values(beneficiaries) -> None:
    table, truth = beneficiaries
    rows = table.to_pylist()
    spans = truth.filter(pc.equal(truth.column("column"), "commentaire")).to_pylist()
    assert {s["entity"] for s in spans} == {
        "PERSON", "FR_NIR", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", "FR_HEALTH_INSURER", "FR_AMC",
        "FR_MUTUELLE_MEMBER_ID", "FR_HEALTH_GUARANTEE", "DATE_OF_BIRTH",
    }  # fmt: skip
    for s in spans:
        row = rows[s["row"]]
        value = row["commentaire"][s["start"] : s["end"]]
        assert _is_the_rows_own(s["entity"], value, row), (s, value)


def test_nir_shaped_numbers_in_comments_without_a_span_are_invalid(beneficiaries) -> None:
    table, truth = beneficiaries
    spanned = {
        (s["row"], s["start"])
        for s in truth.filter(pc.equal(truth.column("column"), "commentaire")).to_pylist()
        if s["entity"] == "FR_NIR"
    }
    typos = 0
    for row, text in enumerate(table.column("commentaire").to_pylist()):
        for match in nir_module.SPAN_REGEX.finditer(text or ""):
            if (row, match.start()) in spanned:
                continue
            if text[: match.start()].endswith("NIR "):  # a NIR with a typo
                assert not nir_module.is_valid(match.group(0))
                typos += 1
            else:  # an invoice or order number: valid only by chance
                assert re.search(r"(?:[Ff]acture|Commande)(?: n°)? $", text[: match.start()]), text
    assert typos > 50


def test_invoice_column_passes_the_nir_key_only_by_chance(beneficiaries) -> None:
    table, _ = beneficiaries
    values = table.column("num_facture").to_numpy()
    assert _key_passes(values).mean() < 3 / 97
    assert not set(values.tolist()) & set(table.column("c_12").drop_null().to_pylist())


def test_the_same_seed_gives_the_same_table_and_another_seed_another() -> None:
    first, truth1 = tables.beneficiary_table(2000, seed=5)
    again, truth2 = tables.beneficiary_table(2000, seed=5)
    other, _ = tables.beneficiary_table(2000, seed=6)
    assert first.equals(again) and truth1.equals(truth2)
    assert not first.column("nir").equals(other.column("nir"))


def test_meaningless_names_hold_the_same_content() -> None:
    french, truth = tables.beneficiary_table(500, seed=9)
    plain, plain_truth = tables.beneficiary_table(500, seed=9, column_names="meaningless")
    assert plain.column_names == [f"c{i}" for i in range(17)]
    assert [c.equals(d) for c, d in zip(french.columns, plain.columns)] == [True] * 17
    names = dict(zip(french.column_names, plain.column_names))
    renamed = [names[c] for c in truth.column("column").to_pylist()]
    assert sorted(zip(renamed, truth.column("row").to_pylist(), truth.column("start").to_pylist())) == sorted(
        zip(*(plain_truth.column(c).to_pylist() for c in ("column", "row", "start")))
    )


def test_a_single_written_form_can_be_asked_for() -> None:
    table, _ = tables.beneficiary_table(300, seed=1, forms="dotted")
    assert all(re.fullmatch(r"[\dAB.]+", x) and x.count(".") == 6 for x in table.column("nir").to_pylist())
    with pytest.raises(ValueError):
        tables.beneficiary_table(3, forms="smoke signals")


def test_truth_tables_have_the_truth_schema(beneficiaries) -> None:
    _, truth = beneficiaries
    assert truth.schema.equals(TRUTH_SCHEMA)
    keys = list(zip(*(truth.column(c).to_pylist() for c in ("row", "column", "start"))))
    assert keys == sorted(keys)


# --- logs, events, nested ----------------------------------------------------------------------------------


def test_log_spans_hold_their_entities_and_json_payloads_parse() -> None:
    lines, truth = logs.gateway_log(3000, seed=3)
    assert truth.column("column").null_count == truth.num_rows
    for s in truth.to_pylist():
        value = lines[s["row"]][s["start"] : s["end"]]
        if s["entity"] == "FR_NIR":
            assert nir_module.is_valid(value)
        elif s["entity"] == "EMAIL_ADDRESS":
            assert re.fullmatch(r"[\w.\-]+@[\w.\-]+", value)
        elif s["entity"] == "DATE_OF_BIRTH":
            assert dt.date.fromisoformat(value)
        else:
            assert value.strip() == value and value
    for line in lines:
        payload = re.search(r"(?:beneficiary|payload)=(\{.*\})$", line)
        if payload or line.startswith("{"):
            json.loads(payload.group(1) if payload else line)
    kinds = {s["entity"] for s in truth.to_pylist()}
    assert {"FR_NIR", "PERSON", "FR_AMC", "EMAIL_ADDRESS", "IBAN_CODE", "PHONE_NUMBER"} <= kinds
    assert any("/v1/factures/" in line for line in lines)


def _resolve(record: dict, path: str):
    value = record
    for key in path.split("."):
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


def test_event_truth_paths_resolve_to_whole_values() -> None:
    data, truth = records.events(1000, seed=4)
    lines = [json.loads(json.dumps(e, ensure_ascii=False)) for e in data]
    for s in truth.to_pylist():
        value = _resolve(lines[s["row"]], s["column"])
        assert (s["start"], s["end"]) == (0, len(value))
        if s["entity"] == "FR_NIR":
            assert nir_module.is_valid(value)
    assert any(c.startswith("ayants_droit.1.") for c in truth.column("column").to_pylist())


def test_nested_truth_paths_resolve_in_the_struct_table() -> None:
    table, truth = records.nested_table(300, seed=4)
    rows = table.to_pylist()
    for s in truth.to_pylist():
        value = _resolve(rows[s["row"]], s["column"])
        text = value.isoformat() if isinstance(value, dt.date) else value
        assert (s["start"], s["end"]) == (0, len(text))


def test_the_decoy_table_holds_no_valid_identifier_but_by_chance() -> None:
    table = records.decoy_table(5000, seed=1)
    invoices = np.array([int(x) for x in table.column("num_facture").to_pylist()])
    assert _key_passes(invoices).mean() < 3 / 97
    assert all(siret.is_valid(x) for x in table.column("siret_ps").to_pylist())
    assert all(ean.is_valid(x) for x in table.column("code_ean").to_pylist())
    text = " ".join(" ".join(map(str, c.to_pylist())) for c in table.columns)
    assert "@" not in text and "FR76" not in text


# --- files and CLI -----------------------------------------------------------------------------------------


def test_csv_export_keeps_the_truth_exact(tmp_path) -> None:
    table, truth = tables.beneficiary_table(400, seed=2)
    view, view_truth = files.csv_view(table, truth)
    for encoding, name in (("utf-8-sig", "x.csv"), ("cp1252", "y.csv.gz")):
        path = tmp_path / name
        files.write_csv(view, path, encoding=encoding)
        raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
        text = raw.decode(encoding)
        assert text.splitlines()[0].split(";")[:4] == ["Nom", "Prénom", "Date de naissance", "N° Sécurité Sociale"]
        read = pacsv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            parse_options=pacsv.ParseOptions(delimiter=";", newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in view.column_names}, strings_can_be_null=False
            ),
        )
        for s in view_truth.to_pylist():
            cell = read.column(s["column"])[s["row"]].as_py()
            value = cell[s["start"] : s["end"]]
            assert value and len(value) == s["end"] - s["start"]
            if s["entity"] == "FR_NIR":
                assert nir_module.is_valid(value)
            if s["entity"] == "DATE_OF_BIRTH":
                assert re.fullmatch(r"\d\d/\d\d/\d{4}", value)


def test_truth_path_sits_beside_the_data() -> None:
    assert files.truth_path("out/X.csv.gz").as_posix() == "out/X.truth.parquet"
    assert files.truth_path("X.parquet").as_posix() == "X.truth.parquet"


def test_cli_writes_data_and_truth(tmp_path) -> None:
    runner = CliRunner()
    for args, name in (
        (["table", "--rows", "50", "--meaningless"], "t.parquet"),
        (["table", "--rows", "50", "--encoding", "cp1252"], "t.csv.gz"),
        (["nested", "--rows", "20"], "n.jsonl"),
        (["events", "--rows", "20"], "e.jsonl.gz"),
        (["log", "--lines", "20"], "g.log"),
        (["decoys", "--rows", "20"], "d.csv"),
    ):
        out = tmp_path / name
        result = runner.invoke(main, [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.exists() and files.truth_path(out).exists()
        assert pq.read_table(files.truth_path(out)).schema.equals(TRUTH_SCHEMA)
    result = runner.invoke(main, ["table", "--rows", "5", "--out", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 2


def test_examples_are_small_and_the_same_bytes_on_every_run(tmp_path) -> None:
    write_examples(tmp_path / "a")
    write_examples(tmp_path / "b")
    first = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert first == second
    assert sum(len(b) for b in first.values()) < 1_000_000
    assert pq.read_table(tmp_path / "a" / "factures.truth.parquet").num_rows == 0
