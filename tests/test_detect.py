"""The detector on chunks of cells: spans, dedup, hints, column profiling, types."""

from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leakguard import scan_batches, scan_table
from leakguard.detect import hints
from leakguard.detect.engine import DetectOptions, Detector
from leakguard.sources.base import CellColumn, Chunk
from recognizers import amc, nir
from tests.strategies import nirs, written_forms

NO_NER = DetectOptions(ner=False)
MEANINGLESS = st.sampled_from(["c0", "c7", "col_12", "x", "field_3", "valeur", "data"])


def chunk_of(**columns: pa.Array) -> Chunk:
    n = len(next(iter(columns.values())))
    rows = pa.array(range(n), pa.int64())
    return Chunk([CellColumn(name, values, rows) for name, values in columns.items()], rows)


def detect(options: DetectOptions = NO_NER, **columns: pa.Array) -> pa.Table:
    return Detector(options).detect(chunk_of(**columns))


def random_nirs(rng: random.Random, n: int) -> list[str]:
    out = []
    while len(out) < n:
        body = f"{rng.choice('12')}{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}"
        body += f"{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
        number = body + nir.calc_check_digits(body)
        if nir.is_valid(number):
            out.append(number)
    return out


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=MEANINGLESS)
def test_every_nir_of_a_column_is_found_with_its_exact_span_whatever_the_column_name(data, name):
    values = data.draw(st.lists(nirs().flatmap(written_forms), min_size=1, max_size=30))
    padded = [f" {v} " if i % 5 == 0 else v for i, v in enumerate(values)]
    findings = detect(**{name: pa.array(padded)})
    assert findings["entity"].to_pylist() == ["FR_NIR"] * len(values)
    assert findings["row"].to_pylist() == list(range(len(values)))
    for row, start, end in zip(*(findings[c].to_pylist() for c in ("row", "start", "end"))):
        assert padded[row][start:end] == values[row]


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(50, 3000), name=MEANINGLESS)
def test_a_column_of_random_invoice_numbers_yields_no_nir(seed, n, name):
    rng = random.Random(seed)
    invoices = [str(rng.randrange(10**14, 10**15)) for _ in range(n)]
    findings = detect(**{name: pa.array(invoices)})
    assert findings.num_rows == 0


def test_some_invoice_numbers_do_pass_the_key_so_profiling_is_what_removes_them():
    rng = random.Random(7)
    invoices = [str(rng.randrange(10**14, 10**15)) for _ in range(5000)]
    assert sum(nir.is_valid(v) for v in invoices) > 10


def test_a_nir_column_with_a_few_typos_is_still_a_nir_column_and_its_typos_nirs():
    rng = random.Random(3)
    values = random_nirs(rng, 400)
    typos = {i: values[i][:-1] + str((int(values[i][-1]) + 1) % 10) for i in range(0, 400, 10)}
    written = [typos.get(i, v) for i, v in enumerate(values)]
    findings = detect(c4=pa.array(written))
    assert sorted(findings["row"].to_pylist()) == list(range(400))
    wrong_keys = findings.filter(pc.equal(findings["score"], nir.UNKEYED_SCORE))
    assert sorted(wrong_keys["row"].to_pylist()) == sorted(typos)


def test_nirs_stored_as_int64_are_found_as_their_decimal_text():
    values = random_nirs(random.Random(5), 50)
    findings = detect(col_12=pa.array([int(v) for v in values] + [None, 12345], pa.int64()))
    assert findings.num_rows == 50
    assert findings["end"].to_pylist() == [15] * 50


def test_a_value_repeated_on_many_rows_is_reported_on_every_row_and_examined_once():
    (value,) = random_nirs(random.Random(11), 1)
    written = pa.array([value, None, "rien", value, value], pa.string()).dictionary_encode()
    findings = detect(nir=written)
    assert findings["row"].to_pylist() == [0, 3, 4]
    assert set(findings["score"].to_pylist()) == {1.0}  # the column name is context


def test_previews_mask_everything_but_sex_year_and_month():
    values = random_nirs(random.Random(13), 20)
    findings = detect(c0=pa.array([nir.format(v) for v in values]))
    for value, preview in zip(values, findings["preview"].to_pylist()):
        assert preview.startswith(nir.format(value)[:7])
        assert value[5:] not in preview.replace(" ", "")
        assert set(preview[7:]) <= {"•", " "}


def test_values_are_absent_unless_asked_for():
    values = random_nirs(random.Random(17), 3)
    assert "value" not in detect(c0=pa.array(values)).column_names
    shown = detect(DetectOptions(ner=False, show_values=True), c0=pa.array(values))
    assert shown["value"].to_pylist() == values


def test_birth_dates_come_from_a_column_named_for_them_and_care_dates_do_not():
    dates = pa.array([dt.date(1985, 5, 12), None, dt.date(2001, 1, 30)], pa.date32())
    findings = detect(date_naissance=dates, date_soin=dates)
    assert findings["column"].to_pylist() == ["date_naissance", "date_naissance"]
    assert findings["entity"].to_pylist() == ["DATE_OF_BIRTH"] * 2
    assert findings["end"].to_pylist() == [10, 10]


def test_names_in_a_name_column_are_whole_cell_findings():
    findings = detect(prenom=pa.array(["  Élodie ", "Jean-Pierre", None, "", "42", "Marie de la Croix",
                                       "voir la pièce d'identité jointe", "Nom : .... Prénom : ....",
                                       "Lycée Paul Melizan"]))  # an establishment named after someone
    assert findings["row"].to_pylist() == [0, 1, 5]
    assert [(s, e) for s, e in zip(findings["start"].to_pylist(), findings["end"].to_pylist())] == [
        (2, 8), (0, 11), (0, 17)]


@pytest.mark.parametrize("column", ["nom_prenom", "displayName", "profile_name"])
def test_names_in_small_letters_in_a_name_column_are_names(column):
    names = ["marie boulanger", "olivier berger", "jean-pierre leroy", "pierre petit", "claire blanc"]
    assert detect(**{column: pa.array(names)})["row"].to_pylist() == list(range(len(names)))


def test_insurers_in_an_insurer_column_are_whole_cell_findings_but_questions_are_not():
    findings = detect(mutuelle=pa.array(["harmonie mutuelle", "Mutuelle Générale de la Police", "que faire en cas de"
                                         " perte ou vol de la carte ?", "MGEN"]))
    assert findings["row"].to_pylist() == [0, 1, 3]
    assert set(findings["entity"].to_pylist()) == {"FR_HEALTH_INSURER"}


def test_a_form_s_answers_in_a_name_or_insurer_column_are_no_name():
    """``Mutuelle : Oui``, ``Nom d'usage : Identique``: a form's answers where a name is asked."""
    findings = detect(mutuelle=pa.array(["Oui", "Non", "Aucune", "En cours", "Harmonie Mutuelle", "Alptis"]),
                      nom_usage=pa.array(["Identique", "Non renseigné", "Oui", "Martin", "Neant", "Roux"]))
    assert sorted(zip(findings["column"].to_pylist(), findings["row"].to_pylist(), strict=True)) == [
        ("mutuelle", 4), ("mutuelle", 5), ("nom_usage", 3), ("nom_usage", 5)]


def test_the_compulsory_scheme_in_a_column_of_organisms_is_no_insurer():
    findings = detect(organisme=pa.array(["CPAM de Paris", "Harmonie Mutuelle", "MSA", "Caisse nationale d'assurance"
                                          " maladie (Cnam)", "La Mutuelle Générale"]))
    assert findings["row"].to_pylist() == [1, 4]


def test_an_insurer_s_name_in_a_name_column_is_an_insurer_not_a_person():
    """A list of mutuelles exported with a ``nom`` column: a listed insurer's name, whole, is no person's (a name
    that is also a word, ``Harmonie``, stays a person's there)."""
    findings = detect(nom=pa.array(["MGEN", "Harmonie Mutuelle", "Dupont", "Harmonie"]))
    assert list(zip(findings["row"].to_pylist(), findings["entity"].to_pylist(), strict=True)) == [
        (0, "FR_HEALTH_INSURER"), (1, "FR_HEALTH_INSURER"), (2, "PERSON"), (3, "PERSON")]


@pytest.mark.parametrize(("column", "person"), [
    ("name.0.family", True), ("name.0.given.0", True), ("contact.0.name.text", True), ("NAME.0.GIVEN", True),
    ("family", False), ("given", False), ("product.family", False), ("name.0.use", False),
])
def test_hl7_fhir_name_parts_are_names_only_under_a_name(column, person):
    """HL7 FHIR's HumanName (``name[0].family``, ``name[0].given[0]``), flattened as JSON sources do."""
    findings = detect(**{column: pa.array(["Durand", "Marie", "Dupont-Moretti"])})
    assert (findings.num_rows == 3 and set(findings["entity"].to_pylist()) == {"PERSON"}) is person
    assert findings.num_rows == 0 or person


def test_a_nir_with_context_in_a_log_of_order_numbers_is_kept():
    rng = random.Random(21)
    (value,) = random_nirs(rng, 1)
    lines = [f"2026-02-01T10:00:{i % 60:02d}Z INFO order={rng.randrange(10**14, 10**15)} ok" for i in range(500)]
    lines.append(f"2026-02-01T10:01:00Z WARN rejet PEC nir={nir.format(value)} motif=droits")
    rows = pa.array(range(len(lines)), pa.int64())
    chunk = Chunk([CellColumn("line", pa.array(lines), rows)], rows, text=True)
    findings = Detector(NO_NER).detect(chunk)
    nir_rows = findings.filter(pc.equal(findings["entity"], "FR_NIR"))["row"].to_pylist()
    assert nir_rows == [500]
    assert findings["column"].null_count == findings.num_rows


def test_the_profile_spans_chunks_so_a_split_invoice_column_stays_silent():
    rng = random.Random(23)
    invoices = pa.table({"ref": [str(rng.randrange(10**14, 10**15)) for _ in range(4_000)]})
    # decided on the whole column, not chunk by chunk (the first chunks alone used to decide on their own)
    assert sum(t.num_rows for t in scan_batches(invoices.to_batches(max_chunksize=100), options=NO_NER)) == 0


def test_entity_filters_and_min_score():
    (value,) = random_nirs(random.Random(29), 1)
    temporary = "7" + value[1:13]
    temporary += nir.calc_check_digits(temporary)
    column = pa.array([value, temporary])
    assert detect(DetectOptions(ner=False, exclude_entities=frozenset({"FR_NIR"})), c0=column).num_rows == 0
    assert detect(DetectOptions(ner=False, min_score=0.7), c0=column)["row"].to_pylist() == [0]


def test_an_invoice_number_passing_the_key_in_a_comment_is_not_a_nir_but_a_named_nir_beside_it_is():
    rng = random.Random(31)
    people = random_nirs(rng, 40)
    lucky = []  # 15-digit invoice numbers that pass the NIR key by chance
    while len(lucky) < 20:
        candidate = str(rng.randrange(10**14, 10**15))
        if nir.is_valid(candidate):
            lucky.append(candidate)
    comments = [f"Appel de l'assuré, NIR {p}." for p in people] + [f"Rejet facture n° {n} (doublon)." for n in lucky]
    findings = detect(commentaire=pa.array(comments))
    assert sorted(findings.filter(pc.equal(findings["entity"], "FR_NIR"))["row"].to_pylist()) == list(range(40))


def test_a_nir_exported_without_its_key_is_found_in_a_column_named_for_nirs_only():
    people = random_nirs(random.Random(37), 30)
    bodies = [p[:13] if i % 2 else nir.format(p)[:-3] for i, p in enumerate(people)]  # compact or grouped
    wrong = ["9" + p[1:13] for p in people[:5]]  # no such sex digit (5 and 6 are CNAM temporary numbers)
    findings = detect(**{"N° SS": pa.array(bodies + wrong), "Clé": pa.array([p[13:] for p in people] + ["00"] * 5)})
    assert findings["column"].to_pylist() == ["N° SS"] * 30
    assert set(findings["score"].to_pylist()) == {0.8}
    assert detect(c3=pa.array(bodies[1::2])).num_rows == 0  # 13 digits alone prove nothing
    # but the six groups a NIR is printed in, without its key, are a NIR's own layout, at a wrong key's score
    grouped = detect(c3=pa.array(bodies[::2]))
    assert grouped.num_rows == 15 and set(grouped["score"].to_pylist()) == {nir.UNKEYED_SCORE}


def test_the_same_nir_with_or_without_its_key_gets_the_same_pseudonym():
    import leakguard

    (person,) = random_nirs(random.Random(41), 1)
    key = bytes(range(32))
    whole = leakguard.pseudonymise_table(pa.table({"nir": [person]}), key, ner=False)["nir"][0].as_py()
    split = leakguard.pseudonymise_table(pa.table({"nir": [person[:13]]}), key, ner=False)["nir"][0].as_py()
    assert whole == split and whole.startswith("NIR_")


def test_a_nir_column_gone_through_pandas_as_float64_is_read_and_pseudonymised_as_integers():
    import leakguard

    people = random_nirs(random.Random(43), 5)
    column = pa.array([float(p) for p in people] + [None], pa.float64())
    assert detect(c0=column)["row"].to_pylist() == [0, 1, 2, 3, 4]
    assert detect(montant=pa.array([12.5, 3.0])).num_rows == 0
    out = leakguard.pseudonymise_table(pa.table({"c0": column}), bytes(range(32)), ner=False)
    assert out.schema == pa.schema([("c0", pa.float64())]) and out["c0"].null_count == 1
    assert not set(out["c0"].to_pylist()) & {float(p) for p in people}
    assert detect(c0=out["c0"].combine_chunks()).num_rows == 0


@pytest.mark.parametrize("stored", ["int64", "string"])
def test_phone_numbers_whose_leading_zero_a_spreadsheet_cut_are_phones_under_a_phone_name_only(stored):
    """Excel and numeric types drop a French number's leading zero (``612345678``): under ``Téléphone`` it is
    the number ``06 12 34 56 78`` (same pseudonym); in a column named for nothing, nine digits are no phone."""
    import leakguard

    numbers = ["612345678", "145567890", "590123456"]
    column = pa.array([int(n) for n in numbers], pa.int64()) if stored == "int64" else pa.array(numbers)
    found = detect(**{"Téléphone": column, "ref": column})
    assert found["column"].to_pylist() == ["Téléphone"] * 3 and set(found["entity"].to_pylist()) == {"PHONE_NUMBER"}
    key = bytes(range(32))
    cut = leakguard.pseudonymise_table(pa.table({"tel": pa.array(numbers)}), key, ner=False)["tel"].to_pylist()
    whole = leakguard.pseudonymise_table(pa.table({"tel": pa.array(["0" + n for n in numbers])}), key,
                                         ner=False)["tel"].to_pylist()
    assert cut == whole and all(token.startswith("TEL_") for token in cut)


def test_tiers_payant_exchanges_name_the_amc_and_the_membership_number():
    """Tiers-payant rights exchanges: the ``société émettrice`` is the AMC issuing the rights (ten digits there
    are no phone), the ``numéro d'adhésion`` the member's number."""
    table = pa.table({"societeEmettrice": ["0378900000", "0098500000"],
                      "numeroAdhesionIndividuelle": ["31500000", "120320020"]})
    found = scan_table(table, ner=False)
    assert sorted(set(zip(found["column"].to_pylist(), found["entity"].to_pylist(), strict=True))) == [
        ("numeroAdhesionIndividuelle", "FR_MUTUELLE_MEMBER_ID"), ("societeEmettrice", "FR_AMC")]


@pytest.mark.parametrize(("column", "entity"), [
    ("numAMCEchange", "FR_AMC"),  # an acronym among camelCase humps
    ("code_prefectoral", "FR_AMC"),  # the number a mutuelle is registered under, its AMC number
    ("numeroTeletransmission", "FR_AMC"),
    ("identificationMutuelle", "FR_AMC"),  # the Vitale card's field
    ("AMCTelephone", None),  # an acronym opening the name names the owner: the values say what it holds
    ("NIRAssureNom", "PERSON"),
    ("identificationMutuelleLibelle", "FR_HEALTH_INSURER"),
    ("dateNaissance", "DATE_OF_BIRTH"),
    ("XMLHttpRequest", None),
    ("Datedenaissance", "DATE_OF_BIRTH"),  # one word, as CSV headers write it
    ("dateOfBirth", "DATE_OF_BIRTH"),
    ("sn", "PERSON"),  # LDAP's surname and common name (RFC 4519)
    ("cn", "PERSON"),
    ("snapshot", None),
    # plurals, as lists of test values are named
    ("ssns", "FR_NIR"), ("valid_nirs", "FR_NIR"), ("ibans", "IBAN_CODE"), ("emails", "EMAIL_ADDRESS"),
    ("amcs", "FR_AMC"),
    ("name_fields", None), ("COLONNES_NOMS", None),  # names of fields, not people's
    ("courriels", None),  # a column of messages, more often than of addresses
    # English names of an insurer's column (an optician's seed: ``mutual_name``), not a person's
    ("AnneeNaisEleve", "DATE_OF_BIRTH"), ("annee_naiss", "DATE_OF_BIRTH"),  # a year of birth, abridged
    ("mutual_name", "FR_HEALTH_INSURER"), ("insurance_company", "FR_HEALTH_INSURER"), ("mutual_number", None),
    ("is_mutual", None), ("mutual", None),  # a flag, a friend in common
])
def test_column_names_give_their_hints(column, entity):
    hint = hints.hint_for(column)
    assert (hint.entity if hint else None) == entity


@pytest.mark.parametrize(("text", "expected"), [
    ("son code préfectoral, 75004407, atteste de son rattachement", ["75004407"]),
    ("Numéro préfectoral : 775685399", ["775685399"]),
    ("N° Télétransmission : 82990012", ["82990012"]),  # a tiers-payant card's number for SESAM-Vitale
    ("Carte mutuelle n° adhérent : 12345678", []),  # a member's number
    ("son code postal, 75004407, est faux", []),
    ("la télétransmission est passée, dossier 12345678", []),  # the word alone says nothing
])
def test_the_numbers_a_mutuelle_is_known_by_are_its_amc_number(text, expected):
    assert [text[s:e] for s, e, _ in amc.SPEC.find(text)] == expected


def test_a_column_named_for_an_entity_is_not_searched_for_entities_its_values_only_resemble():
    """A spec's ``not_under`` hints: ten digits in a member-number column are no phone, an insurer's name in a
    first-name column is a first name; the same values under their own names are what they look like."""
    table = pa.table({"num_adherent": ["0612345678", "0145567890"], "prenom": ["Alan", "April"],
                      "telephone": ["0612345678", "0145567890"], "mutuelle": ["Alan", "April"]})
    found = scan_table(table, ner=False)
    assert sorted(set(zip(found["column"].to_pylist(), found["entity"].to_pylist(), strict=True))) == [
        ("mutuelle", "FR_HEALTH_INSURER"), ("num_adherent", "FR_MUTUELLE_MEMBER_ID"), ("prenom", "PERSON"),
        ("telephone", "PHONE_NUMBER")]


def test_the_name_of_a_thing_or_the_kind_of_an_insurer_is_no_person_nor_insurer() -> None:
    """Exports name columns ``nom_ville``, ``nom_produit``, ``nom_court`` (an organisation's short name) and
    ``type_organisme`` ("mutuelle", "IP"); only the person's name columns hold persons."""
    table = pa.table({
        "nom_ville": ["Lyon", "Brest", "Paris"], "nom_produit": ["Doliprane", "Spasfon", "Efferalgan"],
        "nom_etablissement": ["Clinique du Parc", "Hôpital Nord", "Centre Leclerc"],
        "nom_fichier": ["export.csv", "notes.txt", "rapport.pdf"], "nom_court": ["Harmonie", "Pro BTP", "Bleue"],
        "STRUCTURE_NOM": ["CCAS de Test", "Mairie de Lyon", "Épicerie solidaire"],  # the thing first
        "type_organisme": ["mutuelle", "IP", "mutuelle"], "nom": ["Fondue", "Martin", "Roux"],
        "nom_usuel": ["Durand", "Petit", "Leroy"],
    })
    found = scan_table(table, ner=False)
    assert set(zip(found["column"].to_pylist(), found["entity"].to_pylist(), strict=True)) == {
        ("nom", "PERSON"), ("nom_usuel", "PERSON"), ("nom_court", "FR_HEALTH_INSURER")}


@pytest.mark.parametrize("column", ["annee_naissance", "BEN_NAI_ANN", "birthYear", "anneeDateDeNaissance"])
@pytest.mark.parametrize("as_integers", [True, False])
def test_a_year_alone_in_a_column_named_for_birth_years_is_a_date_of_birth(column: str, as_integers: bool):
    """Health extracts keep the birth year apart (the SNDS's ``BEN_NAI_ANN``, ``annee_naissance``): a birth
    year, but not a birth's weight in grams, another year, or a year to come."""
    this_year = dt.date.today().year
    years = [1950, 1987, 2003, this_year + 3]
    make = (lambda v: pa.array(v, pa.int64())) if as_integers else (lambda v: pa.array([str(x) for x in v]))
    table = pa.table({column: make(years), "poids_naissance": make([1950, 1987, 2003, 3250]),
                      "annee_adhesion": make(years)})
    found = scan_table(table, ner=False, show_values=True)
    assert sorted(zip(found["column"].to_pylist(), found["entity"].to_pylist(), found["value"].to_pylist())) == [
        (column, "DATE_OF_BIRTH", str(year)) for year in years[:3]]


def test_six_digits_in_a_birth_date_column_are_dates_of_birth_and_are_redacted():
    """``AAMMJJ`` or ``JJMMAA``, as the Carte Vitale and older exchange formats store a date of birth: a date of
    birth only under a column named for it; which order is unknown, so the generalise operator redacts it."""
    import leakguard

    table = pa.table({"date_naissance": ["610217", "170261", "613217", "12/05/1985"],
                      "code": ["610217", "170261", "613217", "123456"]})
    found = scan_table(table, ner=False)
    assert sorted(zip(found["column"].to_pylist(), found["row"].to_pylist(), strict=True)) == [
        ("date_naissance", 0), ("date_naissance", 1), ("date_naissance", 3)]
    out = leakguard.pseudonymise_table(table.select(["date_naissance"]), bytes(range(32)), ner=False)
    assert out["date_naissance"].to_pylist() == ["[REDACTED]", "[REDACTED]", "613217", "01/01/1985"]
