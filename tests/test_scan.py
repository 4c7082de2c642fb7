"""scan_table and scan_batches on generated tables: exactly the injected cells are reported, at their spans."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leakguard import scan_batches, scan_table
from tests.strategies import emails, ibans, nirs, phones, written_forms

MEANINGLESS = st.sampled_from(["c0", "c1", "col_12", "x", "field_3", "data", "v", "c_7", "colonne 4"])
#: Cells that hold no entity of the contract, whatever the column.
FILLER = st.one_of(
    st.sampled_from(["ras", "ok", "en attente", "dossier complet", "", "A-12", "n/a", "2024-05-12", "75012"]),
    st.decimals(min_value=0, max_value=10_000, places=2).map(lambda d: str(d).replace(".", ",")),
    st.integers(0, 10_000).map(str),
)
INJECTED = st.one_of(
    nirs().flatmap(written_forms).map(lambda v: ("FR_NIR", v)),
    ibans().map(lambda v: ("IBAN_CODE", v)),
    emails().map(lambda v: ("EMAIL_ADDRESS", v)),
    phones().map(lambda v: ("PHONE_NUMBER", v)),
)


@st.composite
def tables_with_identifiers(draw, *, inject: bool = True):
    """A table of string, dictionary, large-string and int64 columns, nulls, and (maybe) injected identifiers.

    Returns the table and the injected cells ``{(row, column): (entity, value)}``.
    """
    n_rows = draw(st.integers(1, 40))
    names = draw(st.lists(MEANINGLESS, min_size=1, max_size=4, unique=True))
    columns, truth = {}, {}
    for name in names:
        kind = draw(st.sampled_from(["string", "dictionary", "large_string", "int64"]))
        cells: list[object] = []
        for row in range(n_rows):
            if draw(st.booleans()) and inject:
                if kind == "int64":
                    value = draw(nirs().filter(str.isdigit))
                    truth[(row, name)] = ("FR_NIR", value)
                    cells.append(int(value))
                    continue
                entity, value = draw(INJECTED)
                padding = draw(st.sampled_from(["", " ", "  "]))
                truth[(row, name)] = (entity, value)
                cells.append(padding + value + padding[:1])
            elif draw(st.integers(0, 5)) == 0:
                cells.append(None)
            else:
                cells.append(draw(st.integers(0, 999_999)) if kind == "int64" else draw(FILLER))
        if kind == "int64":
            columns[name] = pa.array(cells, pa.int64())
        elif kind == "large_string":
            columns[name] = pa.array(cells, pa.large_string())
        elif kind == "dictionary":
            columns[name] = pa.array(cells, pa.string()).dictionary_encode()
        else:
            columns[name] = pa.array(cells, pa.string())
    return pa.table(columns), truth


def cell_text(table: pa.Table, row: int, column: str) -> str:
    value = table.column(column)[row].as_py()
    return str(value)


def check(table: pa.Table, findings: pa.Table, truth: dict) -> None:
    found = {}
    for f in findings.to_pylist():
        assert (f["row"], f["column"]) not in found, f"two findings in one cell: {f}"
        found[(f["row"], f["column"])] = f
    assert set(found) == set(truth)
    for key, f in found.items():
        entity, value = truth[key]
        assert f["entity"] == entity
        assert cell_text(table, *key)[f["start"] : f["end"]] == value
        assert value not in f["preview"] or len(value) <= 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables_with_identifiers())
def test_exactly_the_injected_cells_are_reported_at_their_spans(generated):
    table, truth = generated
    check(table, scan_table(table, ner=False), truth)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables_with_identifiers(), st.integers(1, 7))
def test_batches_report_rows_counted_across_the_stream(generated, size):
    table, truth = generated
    batches = table.to_batches(max_chunksize=size)
    findings = pa.concat_tables(list(scan_batches(batches, ner=False)))
    check(table, findings, truth)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables_with_identifiers(inject=False))
def test_tables_without_identifiers_yield_nothing(generated):
    table, _ = generated
    assert scan_table(table, ner=False).num_rows == 0


def test_record_batches_are_scanned_like_tables():
    table = pa.table({"c0": ["ras", "jean.dupont@exemple.fr"]})
    assert scan_table(table.to_batches()[0], ner=False).equals(scan_table(table, ner=False))


@pytest.mark.ner
def test_names_in_free_text_are_found_by_the_french_model_and_insurers_are_not_names():
    comments = pa.array([
        "Appel de Mme Sophie Martin concernant son remboursement optique.",
        "Le dossier de M. Jean-Pierre Dubois est complet, mutuelle Harmonie Mutuelle.",
        "Dossier complet.",
    ])
    findings = scan_table(pa.table({"commentaire": comments}))
    people = findings.filter(pc.equal(findings["entity"], "PERSON"))
    rows, starts, ends = (people[c].to_pylist() for c in ("row", "start", "end"))
    spans = {(r, comments[r].as_py()[s:e]) for r, s, e in zip(rows, starts, ends)}
    assert (0, "Sophie Martin") in spans
    assert (1, "Jean-Pierre Dubois") in spans
    assert not any("Harmonie" in text for _, text in spans)
    insurers = findings.filter(pc.equal(findings["entity"], "FR_HEALTH_INSURER"))
    assert insurers["row"].to_pylist() == [1]
    # without the model, the French writing rules still find names after a title (never the insurer)
    without_ner = scan_table(pa.table({"commentaire": comments}), ner=False)
    people = without_ner.filter(pc.equal(without_ner["entity"], "PERSON"))
    rule_spans = {(r, comments[r].as_py()[s:e]) for r, s, e in
                  zip(*(people[c].to_pylist() for c in ("row", "start", "end")))}
    assert rule_spans == {(0, "Sophie Martin"), (1, "Jean-Pierre Dubois")}
