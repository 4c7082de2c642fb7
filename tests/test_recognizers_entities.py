"""Each pattern entity: found where the world writes it, with its exact span; not found where it is not.

The recognizers are run as Presidio runs them (``analyze``), without an NLP engine: they need none. Values
are generated (:mod:`tests.strategies`) and placed in French sentences and gateway log lines.
"""

from __future__ import annotations

import datetime as dt

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban

from leakguard import scan_table
from recognizers import amc, date_of_birth, email_address, guarantee, iban, insurer, member_id, person, phone
from tests.strategies import (
    GUARANTEE_CODES,
    amc_numbers,
    amounts,
    birth_date_texts,
    birth_dates,
    date_written_forms,
    digits,
    emails,
    foreign_ibans,
    french_sentence_with,
    guarantee_pairs,
    guarantees,
    ibans,
    insurer_list,
    insurer_names,
    invoice_numbers,
    member_ids,
    phone_written_forms,
    phones,
    postcodes,
    texts_with,
    timestamps,
    unambiguous_insurer_list,
    written_dates,
)

RECOGNIZERS = {
    "FR_AMC": amc.FrAmcRecognizer(),
    "FR_MUTUELLE_MEMBER_ID": member_id.FrMutuelleMemberIdRecognizer(),
    "FR_HEALTH_INSURER": insurer.FrHealthInsurerRecognizer(),
    "FR_HEALTH_GUARANTEE": guarantee.FrHealthGuaranteeRecognizer(),
    "DATE_OF_BIRTH": date_of_birth.DateOfBirthRecognizer(),
    "PHONE_NUMBER": phone.FrPhoneRecognizer(),
    "EMAIL_ADDRESS": email_address.EmailRecognizer(),
    "IBAN_CODE": iban.IbanRecognizer(),
}


def spans(entity: str, text: str) -> list[tuple[int, int]]:
    return sorted((r.start, r.end) for r in RECOGNIZERS[entity].analyze(text, [entity]))


def scores(entity: str, text: str) -> list[float]:
    return [r.score for r in sorted(RECOGNIZERS[entity].analyze(text, [entity]), key=lambda r: r.start)]


def found_exactly(entity: str, text) -> bool:
    """``text`` is a :class:`tests.strategies.Placed`: the one finding is the placed value."""
    return spans(entity, text) == [(text.start, text.end)]


# --- FR_AMC -------------------------------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_an_amc_number_after_an_amc_context_word_is_found_with_its_exact_span(data):
    text = data.draw(amc_numbers().flatmap(lambda v: texts_with(v, "FR_AMC")))
    assert found_exactly("FR_AMC", text), text


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_an_amc_number_is_never_reported_without_context(data):
    text = data.draw(amc_numbers().flatmap(lambda v: texts_with(v, None)))
    assert spans("FR_AMC", text) == []


@given(first=amc_numbers(), second=amc_numbers())
@settings(max_examples=50, deadline=None)
def test_only_the_number_right_after_the_amc_context_is_an_amc_number(first, second):
    text = f"N° AMC : {first} ; commande {second}"
    start = text.index(first)
    assert spans("FR_AMC", text) == [(start, start + len(first))]


# --- FR_MUTUELLE_MEMBER_ID ----------------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_member_number_after_a_member_context_word_is_found_with_its_exact_span(data):
    text = data.draw(member_ids().flatmap(lambda v: texts_with(v, "FR_MUTUELLE_MEMBER_ID")))
    assert found_exactly("FR_MUTUELLE_MEMBER_ID", text), text


@pytest.mark.parametrize(("text", "expected"), [
    ("PEC accordée adherent=NF70304618 garanties=", ["NF70304618"]),  # two letters glued to the digits
    ("N° adhérent : AB70304618", ["AB70304618"]),
    ("adhérent conforme à la norme NF 70304618", []),  # French standards are written apart
    ("n° adhérent SIRET 12345678901234", []),
])
def test_a_prefix_of_another_kind_of_number_is_no_member_number_unless_glued(text, expected):
    assert [text[s:e] for s, e in spans("FR_MUTUELLE_MEMBER_ID", text)] == expected


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_member_number_is_never_reported_without_context(data):
    text = data.draw(member_ids().flatmap(lambda v: texts_with(v, None)))
    assert spans("FR_MUTUELLE_MEMBER_ID", text) == []


# --- FR_HEALTH_INSURER --------------------------------------------------------------------------------------


def test_the_insurer_list_holds_more_than_a_hundred_names_and_the_ones_everybody_knows():
    folded = {insurer.normalise(n) for n in insurer_list()}
    assert len(folded) > 100
    for name in (
        "MGEN",
        "Harmonie Mutuelle",
        "Malakoff Humanis",
        "AG2R La Mondiale",
        "Viamedis",
        "Almerys",
        "Swiss Life",
        "AXA",
        "Allianz",
        "Groupama",
        "MAAF",
        "MACIF",
        "MAIF",
        "Matmut",
        "MMA",
        "Apivia",
        "Aésio",
        "Mutuelle Générale",
        "MNT",
        "MNH",
        "Intériale",
        "Klesia",
        "Pro BTP",
        "Humanis",
        "Alan",
        "April",
        "Generali",
        "Uniprévoyance",
        "Mutualia",
        "Mutuelle Bleue",
        "SMI",
        "Eovi",
        "Adréa",
        "Ociane",
        "iSanté",
        "Sp santé",
        "Aéma",
        "SMACL",
        "Helsana",
    ):
        assert insurer.is_known(name), name


@pytest.mark.parametrize("name", ["Santéclair", "Kalixia", "Itelis", "Sévéane", "Carte Blanche Partenaires",
                                  "Henner GMC", "Gras Savoye", "Diot-Siaci", "Cegedim Activ"])
def test_care_networks_brokers_and_vendors_are_not_insurers(name):
    # they work for many insurers: on a card or in a file, the insurer covering the person is named beside them
    assert not insurer.is_known(name)
    assert spans("FR_HEALTH_INSURER", f"Carte de tiers payant : réseau {name}, assureur à préciser") == []
    # nor people, when the model or the rules take them for one
    assert insurer.names_another_organisation(name)
    assert not person.is_plausible_name(name)
    assert person.find(f'upstream timeout organisme="{name}" amc=77224109') == []


@given(data=st.data())
@settings(max_examples=120, deadline=None)
def test_every_listed_name_is_found_alone_in_any_case_with_its_exact_span(data):
    text = data.draw(insurer_names(ambiguous=False).flatmap(lambda v: texts_with(v, None)))
    assert found_exactly("FR_HEALTH_INSURER", text), text


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_every_listed_name_is_found_after_an_insurer_context_word_with_a_higher_score(data):
    name = data.draw(insurer_names())
    text = data.draw(french_sentence_with(name, "FR_HEALTH_INSURER"))
    assert found_exactly("FR_HEALTH_INSURER", text), text
    assert scores("FR_HEALTH_INSURER", text)[0] >= insurer.AMBIGUOUS_CONTEXT_SCORE


@given(data=st.data())
@settings(max_examples=50, deadline=None)
def test_names_that_are_also_words_are_not_reported_without_context(data):
    ambiguous = sorted(set(insurer_list()) - set(unambiguous_insurer_list()))
    name = data.draw(st.sampled_from(ambiguous))
    text = data.draw(french_sentence_with(name, None))
    assert spans("FR_HEALTH_INSURER", text) == []


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_name_glued_to_a_letter_or_a_number_is_never_found(data):
    name = data.draw(st.sampled_from(unambiguous_insurer_list()))
    glue = data.draw(st.sampled_from(["x{}", "{}s", "G{}", "{}42", "{}-12345", "12/{}", "{}_2"]))
    head = "Ma mutuelle est " + glue.split("{}")[0]
    text = head + name + glue.split("{}")[1] + " depuis 2019."
    start, end = len(head), len(head) + len(name)
    found = spans("FR_HEALTH_INSURER", text)
    if glue.startswith("{}"):  # glued after: no name may end where the glued name ends
        assert all(e != end for _, e in found), (text, found)
    else:  # glued before: no name may start where the glued name starts
        assert all(s != start for s, _ in found), (text, found)


def test_short_abbreviations_do_not_fire_inside_ordinary_words():
    text = "Le dilemme du GAMMA : maxima, taxable, SMIC, dossmia, AXAL, mmanuel, lmnt, MNTX, aprilia"
    assert spans("FR_HEALTH_INSURER", text) == []


# --- FR_HEALTH_GUARANTEE ------------------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_run_of_card_guarantees_gives_one_finding_per_domain_level_pair(data):
    pairs = data.draw(st.lists(guarantee_pairs(), min_size=1, max_size=5))
    run = " ".join(pairs)
    text = data.draw(texts_with(run, data.draw(st.sampled_from([None, "FR_HEALTH_GUARANTEE"]))))
    expected, at = [], text.start
    for pair in pairs:
        expected.append((at, at + len(pair)))
        at += len(pair) + 1
    assert spans("FR_HEALTH_GUARANTEE", text) == expected, text


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_every_generated_guarantee_is_covered_by_findings_after_a_guarantee_context(data):
    value = data.draw(guarantees())
    text = data.draw(french_sentence_with(value, "FR_HEALTH_GUARANTEE"))
    found = spans("FR_HEALTH_GUARANTEE", text)
    assert found, text
    assert found[0][0] == text.start and found[-1][1] == text.end, (text, found)
    covered = set().union(*(range(s, e) for s, e in found))
    assert all(i in covered for i in range(text.start, text.end) if not text[i].isspace()), (text, found)


@pytest.mark.parametrize(("text", "expected"), [
    ("Garanties : 100% Santé", ["100% Santé"]),  # after its label
    ("Optique : 100% Santé", ["Optique : 100%", "100% Santé"]),  # after its domain
    ("100% Santé + DENT 150% BR", ["100% Santé", "DENT 150% BR"]),  # beside another guarantee of the card
    ("Votre contrat : Formule Essentielle", ["Formule Essentielle"]),
    ("Minimum légal ou 100% Santé, selon les garanties", []),  # a help page's table of generic levels
    ("entre la formule d'entrée de gamme et la formule premium", []),  # formulas of no one's contract
])
def test_the_100_sante_basket_and_formulas_are_guarantees_only_as_a_contract_writes_them(text, expected):
    assert [text[s:e] for s, e in spans("FR_HEALTH_GUARANTEE", text)] == expected


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_percentage_or_an_amount_alone_is_never_a_guarantee_even_after_a_context_word(data):
    decoy = data.draw(
        st.one_of(
            st.builds(
                lambda w, p, sp: f"{w} {p}{sp}%",
                st.sampled_from(["TVA", "remise", "taux", "promo", "soit"]),
                st.sampled_from(["5,5", "10", "20", "3,5", "100", "150"]),
                st.sampled_from(["", " "]),
            ),
            st.sampled_from(["100%", "100 %", "300% BR"]),
            amounts(),
            st.builds(lambda d, a: f"{d} {a}", st.sampled_from(["Optique", "Pharmacie", "Dentaire"]), amounts()),
        )
    )
    text = data.draw(st.one_of(texts_with(decoy, None), texts_with(decoy, "FR_HEALTH_GUARANTEE")))
    assert spans("FR_HEALTH_GUARANTEE", text) == [], text


def test_level_numbers_need_a_context_word():
    assert spans("FR_HEALTH_GUARANTEE", "Rendez-vous au Niveau 3 du parking") == []
    assert spans("FR_HEALTH_GUARANTEE", "Garanties : Niveau 3") == [(12, 20)]


def test_card_codes_are_known_to_the_recognizer():
    assert set(GUARANTEE_CODES) <= set(guarantee.CODES)


# --- DATE_OF_BIRTH ------------------------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_date_right_after_a_birth_context_word_is_found_with_its_exact_span(data):
    text = data.draw(birth_date_texts().flatmap(lambda v: texts_with(v, "DATE_OF_BIRTH")))
    assert found_exactly("DATE_OF_BIRTH", text), text


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_date_without_birth_context_is_never_a_date_of_birth(data):
    text = data.draw(birth_date_texts().flatmap(lambda v: texts_with(v, None)))
    assert spans("DATE_OF_BIRTH", text) == []


CARE_CONTEXTS = ("date de soin", "date_soin", "soins du", "payé le", "facture du", "remboursé le", "acte du")


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_care_date_is_not_a_birth_date_even_when_naissance_appears_earlier_in_the_sentence(data):
    birth = data.draw(birth_date_texts())
    care = data.draw(birth_dates().flatmap(written_dates))
    care_word = data.draw(st.sampled_from(CARE_CONTEXTS))
    before = data.draw(
        st.sampled_from(["Date de naissance : {b}, ", "né le {b} ; ", "DDN {b} - ", "naissance enregistrée, "])
    )
    head = before.format(b=birth)
    text = f"{head}{care_word} {care}"
    care_start = len(head) + len(care_word) + 1
    found = spans("DATE_OF_BIRTH", text)
    assert (care_start, len(text)) not in found
    if "{b}" in before:
        assert found == [(before.index("{b}"), before.index("{b}") + len(birth))]


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_dates_that_do_not_exist_or_lie_in_the_future_are_never_dates_of_birth(data):
    year = data.draw(st.integers(1901, 2020))
    month = data.draw(st.integers(1, 12))
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    day = data.draw(st.integers(last + 1, 31)) if last < 31 else None
    if day is not None:
        for form in (f"{day:02d}/{month:02d}/{year}", f"{year}-{month:02d}-{day:02d}"):
            assert not date_of_birth.is_valid(form)
            assert spans("DATE_OF_BIRTH", f"né le {form}") == []
    future = dt.date.today() + dt.timedelta(days=data.draw(st.integers(1, 3000)))
    for form in date_written_forms(future):
        assert spans("DATE_OF_BIRTH", f"Date de naissance : {form}") == []


@given(d=birth_dates())
@settings(max_examples=100, deadline=None)
def test_every_written_form_of_a_date_reads_back_as_that_date(d):
    for form in date_written_forms(d):
        assert date_of_birth.to_date(form) == d, form


# --- PHONE_NUMBER -------------------------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_french_phone_number_is_found_with_its_exact_span_in_every_written_form(data):
    text = data.draw(phones().flatmap(lambda v: texts_with(v, data.draw(st.sampled_from([None, "PHONE_NUMBER"])))))
    assert found_exactly("PHONE_NUMBER", text), text


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_phone_context_words_raise_the_score(data):
    number = data.draw(phones())
    [plain] = scores("PHONE_NUMBER", data.draw(french_sentence_with(number, None)))
    [sure] = scores("PHONE_NUMBER", data.draw(texts_with(number, "PHONE_NUMBER")))
    assert plain < sure == phone.CONTEXT_SCORE


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_ten_digit_number_inside_a_longer_run_of_digits_is_never_a_phone_number(data):
    number = phone.compact(data.draw(phones()))
    before = data.draw(st.integers(0, 6).flatmap(lambda n: digits(n) if n else st.just("")))
    after = data.draw(st.integers(0, 6).flatmap(lambda n: digits(n) if n else st.just("")))
    if not before and not after:
        after = "0"
    assert spans("PHONE_NUMBER", before + number + after) == []


@pytest.mark.parametrize("text", [
    "01  02  03  04  05  06  07", "Notes : 12  05  14  16  18  11", "06  12  34  56  78  90",
])
def test_a_run_of_pairs_two_spaces_apart_is_no_phone_number(text):
    """Pairs two spaces apart are a number only where no other pair goes on the run (a table's row of marks)."""
    assert spans("PHONE_NUMBER", text) == []


@given(first=phones(), second=phones())
@settings(max_examples=50, deadline=None)
def test_two_numbers_glued_without_a_separator_are_no_phone_number(first, second):
    """Side by side needs a space, slash or dash between: 20 digits in a row are an id, not two phones."""
    assert spans("PHONE_NUMBER", phone.compact(first) + phone.compact(second)) == []


#: any ten digits (allocated or not, a 0 second or not) in the written forms, some zeros typed as a letter O
_WRITTEN_NUMBERS = st.tuples(digits(10, "0"), st.integers(0, 14), st.sets(st.integers(0, 15), max_size=3)).map(
    lambda t: "".join("O" if i in t[2] and c == "0" else c for i, c in enumerate(phone_written_forms(t[0])[t[1]])))


@given(values=st.lists(_WRITTEN_NUMBERS | st.sampled_from(["0 800 123 456", "(01) 45 56 78 90", "+262 692 12 34 56",
                                                           "(33) 1 45 56 78 90", "+33 (0)6 12 34 56 78",
                                                           "+353 86 822 3689", "+32 612 34 56 78", "00 41 27 603 42 90",
                                                           "+15 000 000", "+508 41 23 56", "+508412356",
                                                           "+1 (202) 555 123 4", "(+351) 282 43 50 50",
                                                           "(514) 765-4321", "(305) 613 09 58", "1-800-123-4567",
                                                           "+33 (612) 345 678", "+49-4312 / 777 777"]),
                       max_size=8))
@settings(max_examples=200, deadline=None)
def test_numbers_checked_at_once_are_checked_as_one_by_one(values):
    """The joined search validates its spans in Arrow: the same verdicts as :func:`phone.is_valid`."""
    values = [v for v in values if phone.SPAN_REGEX.fullmatch(v)]
    assert phone.are_valid(values).tolist() == [phone.is_valid(v) for v in values]


#: Regions whose example numbers (libphonenumber's) are found written internationally, as letterheads and
#: validators' tests write them: neighbours, and the countries many patients and cross-border workers call from.
_FOREIGN_REGIONS = ("BE", "CH", "DE", "ES", "IT", "LU", "GB", "IE", "PT", "MA", "DZ", "TN", "SN", "US", "CA", "PM")


@pytest.mark.parametrize("region", _FOREIGN_REGIONS)
@pytest.mark.parametrize("kind", [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE])
def test_another_countrys_number_written_internationally_is_a_phone_number(region, kind):
    example = phonenumbers.example_number_for_type(region, kind)
    for written in (phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
                    phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)):
        text = f"Joignable au {written} ou par courrier."
        assert [text[start:end] for start, end in spans("PHONE_NUMBER", text)] == [written], text


@pytest.mark.parametrize(("text", "expected"), [
    ("Tél. +32 2 555 12 34  06 12 34 56 78", ["+32 2 555 12 34", "06 12 34 56 78"]),  # two numbers side by side
    ("Tél. +41 22 123 45 67/079 123 45 67", ["+41 22 123 45 67", "079 123 45 67"]),
    ("Tél. : +44 20 7946 0958 / 59", ["+44 20 7946 0958"]),  # a slash past the area code parts two numbers
    ("+49 30 1234567  10115 Berlin", []),  # no postcode taken in
])
def test_a_foreign_number_takes_in_no_number_after_it(text, expected):
    assert [text[start:end] for start, end in spans("PHONE_NUMBER", text)] == expected, text


@pytest.mark.parametrize("region", ("US", "CN", "DE", "GB", "BE", "RU", "BR", "IT"))
def test_another_countrys_number_with_its_area_code_in_brackets_is_a_phone_number(region):
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.FIXED_LINE)
    national = phonenumbers.national_significant_number(example)
    area = phonenumbers.length_of_geographical_area_code(example) or 2
    code = example.country_code
    head, rest = national[:area], national[area:]
    for written in (f"+{code} ({head}) {rest}", f"+{code} ({head}){rest}", f"(+{code}) {head} {rest}",
                    f"+{code}  {head} / {rest}"):
        text = f"Tél. {written} (domicile)"
        assert [text[start:end] for start, end in spans("PHONE_NUMBER", text)] == [written], text


@pytest.mark.parametrize("region", ("US", "CA"))
@pytest.mark.parametrize("kind", [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE])
def test_a_north_american_number_written_there_is_a_phone_number(region, kind):
    example = phonenumbers.example_number_for_type(region, kind)
    national = phonenumbers.national_significant_number(example)
    area, exchange, line = national[:3], national[3:6], national[6:]
    for written in (phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL),
                    f"{area}-{exchange}-{line}", f"{area}.{exchange}.{line}", f"{area} {exchange}-{line}",
                    f"{area}/{exchange}-{line}", f"1-{area}-{exchange}-{line}",
                    f"({area}) {exchange} {line[:2]} {line[2:]}"):
        text = f"Contact au Québec : {written}, le soir."
        assert [text[start:end] for start, end in spans("PHONE_NUMBER", text)] == [written], text


@pytest.mark.parametrize("text", [
    "Facture 123-456-7890 réglée",  # no area code opens with 1
    "Appelez le (800) 123-4567",  # nor an exchange: a made-up number
    "Code 555-555-5555 du jeu",  # no such area code
    "SIRET 362 521 879 00034, SIREN 732 829 320",  # threes, never three-three-four
    "Lot 201 555 0123 en stock",  # spaces alone: any three numbers
    "Dossier 201-555-01234",  # a longer run
    "LDH 250-450 1650 UI/L, posologie 250-500 1000 mg",  # ranges, then a number
    "réf. commande 312-456-7890, lot 613-555-0123",  # references: dashes alone say no phone
])
def test_three_three_four_digit_runs_that_are_no_north_american_number_are_no_phone_number(text):
    assert spans("PHONE_NUMBER", text) == [], text


@pytest.mark.parametrize("text", [
    "Le chiffre d'affaires progresse de +15 000 000 euros.",  # an amount, no calling code's number
    "horodatage 2024-03-01T10:00:00+01:00 reçu",
    "Référence 0012 3456 7890 à rappeler",  # "00" then a padded code, no country's number
    "commande +33 000 000",
])
def test_signed_amounts_time_zones_and_padded_codes_are_no_foreign_phone_numbers(text):
    assert spans("PHONE_NUMBER", text) == [], text


_AROUND_PHONES = ["+", "/", " / ", "-", ".", " ", "\u00a0", "O", "tél", "(", ")", "\n", "a", "NIR 1 85", "0"]


@given(pieces=st.lists(st.one_of(phones(), digits(2), st.sampled_from(_AROUND_PHONES)), min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_every_text_a_phone_is_found_in_matches_the_pre_filter(pieces):
    """The RE2 pre-filter says the left boundary without a lookbehind: it must pass every text with a phone,
    numbers side by side and numbers next to digits, letters and separators included."""
    text = "".join(pieces)
    if list(phone.SPEC.find(text, context=True)):
        assert pc.match_substring_regex(pa.array([text]), phone.PREFILTER)[0].as_py(), text


# --- EMAIL_ADDRESS ------------------------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_an_email_address_is_found_with_its_exact_span(data):
    text = data.draw(emails().flatmap(lambda v: texts_with(v, data.draw(st.sampled_from([None, "EMAIL_ADDRESS"])))))
    assert found_exactly("EMAIL_ADDRESS", text), text


@pytest.mark.parametrize(("text", "found"), [
    ("Écrire à o'brien@example.ie avant lundi", ["o'brien@example.ie"]),
    ("mail : sean.o'neill@exemple.fr", ["sean.o'neill@exemple.fr"]),
    ("écrivez à l'accueil@clinique-exemple.fr", ["accueil@clinique-exemple.fr"]),  # the article, then the address
    ("adressez-vous à qu'importe n'importe:jean@exemple.fr", ["jean@exemple.fr"]),
    ("D'Almeida : d'almeida@exemple.fr", ["almeida@exemple.fr"]),  # an elision or a name: the shorter span
    ("l'adresse 'jean@exemple.fr'", ["jean@exemple.fr"]),  # quotes around the address
])
def test_an_apostrophe_inside_the_local_part_is_part_of_the_address(text, found):
    assert [text[s:e] for s, e in spans("EMAIL_ADDRESS", text)] == found


# --- IBAN_CODE ----------------------------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_valid_iban_compact_or_grouped_is_found_with_its_exact_span(data):
    text = data.draw(ibans().flatmap(lambda v: texts_with(v, data.draw(st.sampled_from([None, "IBAN_CODE"])))))
    assert found_exactly("IBAN_CODE", text), text


#: The example IBAN of each country in SWIFT's IBAN Registry (the test vectors every validator uses).
REGISTRY_EXAMPLES = ["BE68539007547034", "DE89370400440532013000", "GB29NWBK60161331926819",
                     "ES9121000418450200051332", "IT60X0542811101000000123456", "NL91ABNA0417164300",
                     "CH9300762011623852957", "NO9386011117947", "PT50000201231234567890154",
                     "MC5811222000010123456789030", "PL61109010140000071219812874", "FR1420041010050500013M02606"]


#: IBANs grouped as their countries write account numbers, from python-stdnum's tests/test_iban.doctest
#: (github:arthurdejong/python-stdnum@006192e5, LGPL-2.1+, test data quoted).
NATIONAL_GROUPINGS = ["ES10 0075 0080 11 0600658108", "ES 58 0049 0290 3424 1352 8341", "ES72 2013-0692-81-0201150993",
                      "NO07.8380.08.06006", "NO 44 1850.05.14562", "NO 402333 06 01019", "ME 25 5403 0000 2379 9201 09",
                      "MK072 5012 0000 0589 84", "TL 38 008 00123456789101 57"]


#: IBANs of the countries with national check digits, their IBAN check digits right: the national ones may not be
_NATIONALLY_CHECKED = st.sampled_from(["BE", "ES", "ME", "NO"]).flatmap(
    lambda c: st.text("0123456789", min_size=iban.bban_lengths()[c], max_size=iban.bban_lengths()[c]).map(
        lambda bban: c + stdnum_iban.calc_check_digits(c + "00" + bban) + bban))


@given(values=st.lists(foreign_ibans() | ibans() | ibans().map(str.lower) | _NATIONALLY_CHECKED
                       | st.sampled_from(REGISTRY_EXAMPLES + NATIONAL_GROUPINGS), max_size=10))
@settings(max_examples=150, deadline=None)
def test_ibans_checked_at_once_are_checked_as_one_by_one(values):
    """The joined search validates its IBAN spans at once: the same verdicts as :func:`iban.is_valid` (which
    also checks each country's structure and Spain's, Norway's, Montenegro's and Belgium's national digits)."""
    values = [v for v in values if iban.SPAN_REGEX.fullmatch(v)]
    assert iban.are_valid(values).tolist() == [iban.is_valid(v) for v in values]


@pytest.mark.parametrize(("text", "expected", "score"), [
    ('invalid_ibans = ["FR66 3000 6000 0112 3456 7890 189"]', "FR66 3000 6000 0112 3456 7890 189", 0.5),
    ("Virement sur GB72 WEST 1234 5698 7654 32 refusé", "GB72 WEST 1234 5698 7654 32", 0.5),  # a typo
    ("IBAN : FR76 3000 6000 0112 3456 7890 189", "FR76 3000 6000 0112 3456 7890 189", 1.0),
    ("DEAA 3704 0044 0532 0130 00", None, None),  # no check digits
    ("GB72 WEST 1234 5698 7654 3", None, None),  # a character short of Britain's length
    ("GB72 1234 1234 5698 7654 32", None, None),  # digits where Britain's bank code has letters
    # one more group of digits: too long for the country (Symfony's IbanValidatorTest writes them so)
    ("['BE62 5100 0754 7061 2'], // Belgium", None, None),
    ("['LU28 0019 4006 4475 0000 1'], // Luxembourg", None, None),
    ("IBAN FR76 3000 6000 0112 3456 7890 189 BIC AGRIFRPP", "FR76 3000 6000 0112 3456 7890 189", 1.0),
    # but a date, an amount, a street's number after an IBAN are no group of it
    ("IBAN BE68 5390 0754 7034 12/03/2024", "BE68 5390 0754 7034", 1.0),
    ("IBAN FR76 3000 6000 0112 3456 7890 189 150,00 EUR", "FR76 3000 6000 0112 3456 7890 189", 1.0),
    ("IBAN FR76 3000 6000 0112 3456 7890 189 1 500,00 €", "FR76 3000 6000 0112 3456 7890 189", 1.0),
    ("IBAN : FR7630006000011234567890189 15 mars", "FR7630006000011234567890189", 1.0),
    ("RIB : BE68 5390 0754 7034 12 rue de la Paix", "BE68 5390 0754 7034", 1.0),
])
def test_an_iban_with_wrong_check_digits_is_reported_lower(text, expected, score):
    found = [(text[s:e], sc) for s, e, sc in (*iban.SPEC.find(text), *iban.MISTYPED_SPEC.find(text))]
    assert found == ([] if expected is None else [(expected, score)])


def _with_check_digits(country: str, bban: str) -> str:
    return country + stdnum_iban.calc_check_digits(country + "00" + bban) + bban


@pytest.mark.parametrize(("country", "bban"), [
    ("PF", "12239000010123456789012"),  # French Polynesia: the French structure under its own code
    ("RE", "30006000011234567890189"),  # La Réunion
    ("CI", "CI0080111301134291200589"),  # Côte d'Ivoire: two letters, then digits
    ("SN", "SN0100152000048500003035"),  # Senegal
    ("BJ", "B01234567890123456789012"),  # Benin: a letter, then digits
    ("CM", "10005000120123456789012"),  # Cameroon
    ("MA", "011519000001205000534921"),  # Morocco
    ("DZ", "0002100001113000000570"),  # Algeria
    ("MG", "00005030071289421016045"),  # Madagascar
])
def test_an_iban_of_a_country_outside_the_swift_registry_is_checked_like_others(country, bban):
    number = _with_check_digits(country, bban)
    assert iban.is_valid(number) and iban.is_valid_array(pa.array([number])).to_pylist() == [True]
    assert spans("IBAN_CODE", f"Virement sur {iban.format(number)} reçu") == [(13, 13 + len(iban.format(number)))]
    typo = number[:2] + f"{(int(number[2:4]) + 1) % 100:02d}" + number[4:]
    assert not iban.is_valid(typo) and iban.is_mistyped(typo)
    assert not iban.is_valid(number[:-1]) and not iban.is_mistyped(number[:-1])  # a character short


@pytest.mark.parametrize("written", NATIONAL_GROUPINGS)
def test_an_iban_grouped_the_national_way_is_found_whole(written):
    text = f"Virement sur le compte {written} du bénéficiaire."
    assert spans("IBAN_CODE", text) == [(23, 23 + len(written))]
    assert iban.is_valid_array(pa.array([written])).to_pylist() == [True]


@pytest.mark.parametrize("text", ["une remise de 89 3704 0044 0532 0130 00 points", "no 0560110516994 du dossier"])
def test_a_country_code_in_small_letters_is_not_followed_by_a_space(text):
    """``de``, ``no``: French words before a number, not Germany or Norway (``DE 89 …``, ``NO 05 …``)."""
    assert spans("IBAN_CODE", text) == []


@pytest.mark.parametrize("compact", REGISTRY_EXAMPLES)
def test_the_registry_example_of_each_country_is_found_in_text_and_as_a_cell(compact):
    grouped = iban.format(compact)
    text = f"Virement sur le compte {grouped} du bénéficiaire."
    assert spans("IBAN_CODE", text) == [(23, 23 + len(grouped))]
    found = scan_table(pa.table({"commentaire": [text], "iban": [compact]}), ner=False)
    assert sorted(zip(found["column"].to_pylist(), found["entity"].to_pylist())) == [
        ("commentaire", "IBAN_CODE"), ("iban", "IBAN_CODE")]


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_an_iban_with_one_digit_changed_is_reported_as_a_typo_below_every_valid_one(data):
    number = iban.compact(data.draw(ibans()))
    position = data.draw(st.sampled_from([i for i, c in enumerate(number) if c.isdigit()]))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    changed = number[:position] + digit + number[position + 1 :]
    assert not stdnum_iban.is_valid(changed)  # MOD 97-10 catches every one-digit change
    for text in (f"IBAN : {iban.format(changed)}", f"iban={changed}"):
        assert scores("IBAN_CODE", text) == [iban.MISTYPED_SCORE] < [iban.SCORE], text


# --- what none of them reports ------------------------------------------------------------------------------

PATTERN_ENTITIES = tuple(RECOGNIZERS)


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_invoices_order_ids_timestamps_care_dates_amounts_and_postcodes_produce_no_finding(data):
    care = data.draw(birth_dates().flatmap(written_dates))
    invoice = data.draw(invoice_numbers())
    line = data.draw(
        st.sampled_from(
            [
                "Facture n° {invoice} du {care} : montant {amount} TTC (TVA 20%)",
                "Commande CMD-{year}-{short} expédiée le {timestamp} vers {postcode} Lyon",
                "Soins du {care}, payé le {care}, remboursé le {care} : {amount}",
                "{timestamp} INFO order_id={invoice} amount={amount} trace={timestamp}",
                "date_soin={care};montant={amount};cp={postcode};remise 10 %;taux 3,5%",
            ]
        )
    ).format(
        invoice=invoice,
        care=care,
        amount=data.draw(amounts()),
        year=data.draw(st.integers(2015, 2030)),
        short=data.draw(digits(6)),
        timestamp=data.draw(timestamps()),
        postcode=data.draw(postcodes()),
    )
    for entity in PATTERN_ENTITIES:
        assert spans(entity, line) == [], (entity, line)


@settings(max_examples=50)
@given(numbers=st.lists(st.tuples(ibans(), st.integers(0, 9)), min_size=1, max_size=30), slice_size=st.integers(1, 7))
def test_iban_check_digits_of_a_column_checked_in_slices_are_each_cells_own(numbers, slice_size):
    # the last digit kept one time in ten: valid and invalid cells both occur
    cells = [number[:-1] + str(typo) for number, typo in numbers]
    expected = [iban.is_valid_array(pa.array([cell])).to_pylist()[0] for cell in cells]
    assert expected == [stdnum_iban.is_valid(cell) for cell in cells]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(iban, "_SLICE", slice_size)
        assert iban.is_valid_array(pa.array(cells)).to_pylist() == expected
