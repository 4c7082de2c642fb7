"""FR_NIR: what is a NIR, what is not, and how sure the recognizer is.

Every number is generated with its key computed (:mod:`tests.strategies`); the recognizer is run as Presidio
would run it (``FrNirRecognizer.analyze``), on the value alone, in French sentences and in gateway log lines.
"""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers import date_of_birth, email_address, nir
from tests.strategies import (
    NIR_KINDS,
    card_like_numbers,
    ean13s,
    french_sentence_with,
    invoice_numbers,
    log_line_with,
    long_digit_runs,
    make_nir,
    nir_written_forms,
    nirs,
    sirets,
    texts_with,
    written_forms,
)

RECOGNIZER = nir.FrNirRecognizer()


def nir_spans(text: str) -> list[tuple[int, int, float]]:
    return [(r.start, r.end, r.score) for r in RECOGNIZER.analyze(text, ["FR_NIR"]) if r.entity_type == "FR_NIR"]


def any_kind() -> st.SearchStrategy[str]:
    return st.sampled_from(NIR_KINDS).flatmap(nirs)


# --- the generators themselves ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", NIR_KINDS)
@given(data=st.data())
@settings(max_examples=30, deadline=None)
def test_every_generated_nir_of_every_kind_is_valid_in_every_written_form(kind, data):
    number = data.draw(nirs(kind))
    assert nir.validate(number) == number
    for form in nir_written_forms(number):
        assert nir.validate(form) == number.upper(), form


@given(number=nirs("overseas"))
@settings(max_examples=30, deadline=None)
def test_overseas_nirs_have_a_three_digit_departement_and_a_two_digit_commune(number):
    assert number[5:7] in ("97", "98") and number[7] != "0"
    assert nir.format(number).split(" ")[3] == number[5:8]


# --- found, with its exact span -----------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=120, deadline=None)
def test_every_nir_in_every_written_form_is_found_alone_with_its_exact_span(data):
    form = data.draw(any_kind().flatmap(written_forms))
    assert [(s, e) for s, e, _ in nir_spans(form)] == [(0, len(form))]


@given(data=st.data())
@settings(max_examples=120, deadline=None)
def test_every_nir_in_every_written_form_is_found_in_french_sentences_and_log_lines(data):
    form = data.draw(any_kind().flatmap(written_forms))
    text = data.draw(texts_with(form, entity=data.draw(st.sampled_from([None, "FR_NIR"]))))
    assert [(s, e) for s, e, _ in nir_spans(text)] == [(text.start, text.end)], text


@given(number=nirs("corsica"))
@settings(max_examples=30, deadline=None)
def test_corsican_nirs_count_2a_as_19_and_2b_as_18(number):
    digits = number[:5] + ("19" if number[5:7] == "2A" else "18") + number[7:13]
    assert number[13:] == f"{97 - int(digits) % 97:02d}"


# --- never reported ------------------------------------------------------------------------------------------


def test_changing_one_digit_of_a_number_always_changes_it_modulo_97():
    """The lemma the next test relies on, checked exhaustively rather than assumed.

    Changing the digit of weight 10**k by d (1 <= |d| <= 9) changes the number by d * 10**k; 97 is prime and
    divides neither d (< 97) nor 10**k, so it never divides the change: the residue, hence the key, moves.
    """
    assert all((d * 10**k) % 97 != 0 for k in range(15) for d in range(1, 10))


@given(data=st.data())
@settings(max_examples=120, deadline=None)
def test_any_single_digit_change_of_the_body_or_the_key_is_never_reported_as_a_nir_with_its_key(data):
    number = data.draw(any_kind())
    position = data.draw(st.sampled_from([i for i, c in enumerate(number) if c.isdigit()]))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    changed = number[:position] + digit + number[position + 1 :]
    assert not nir.is_valid(changed)
    for form in nir_written_forms(changed):
        # alone, only in a NIR's own layout (seven groups, digit by digit), and then as a wrong key (a typo)
        found = nir_spans(form)
        own_writing = nir.NIR_LAYOUT.fullmatch(form) or nir.CORSICA_INSIDE.match(form)
        assert found == [] or (own_writing and found == [(0, len(form), nir.UNKEYED_SCORE)])
    text = data.draw(texts_with(data.draw(written_forms(changed)), entity="FR_NIR"))
    # next to NIR words a typo does not anonymise: reported, at the score of a wrong key only
    assert {score for *_, score in nir_spans(text)} <= {nir.UNKEYED_SCORE}


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_siret_ean13_card_like_numbers_and_digit_runs_longer_than_15_are_never_nir(data):
    value = data.draw(st.one_of(sirets(), ean13s(), card_like_numbers(), long_digit_runs()))
    assert nir_spans(value) == []
    assert nir_spans(data.draw(texts_with(value))) == []
    # called a social-security number, 13 digits may be a NIR without its key: reported at that score only
    assert {score for *_, score in nir_spans(data.draw(texts_with(value, entity="FR_NIR")))} <= {nir.UNKEYED_SCORE}


@given(number=invoice_numbers())
@settings(max_examples=120, deadline=None)
def test_a_15_digit_invoice_number_is_reported_exactly_when_it_passes_structure_and_key(number):
    assert bool(nir_spans(number)) == nir.is_valid(number)


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_a_nir_glued_to_letters_or_other_digits_is_not_reported(data):
    number = data.draw(any_kind())
    glue = data.draw(st.sampled_from(["0", "7", "A", "x", "1.", "-3"]))
    assert nir_spans(glue + number) == []
    assert nir_spans(number + glue[::-1]) == []


@given(number=nirs(), domain=st.sampled_from(["patient.mssante.fr", "exemple.fr"]))
@settings(max_examples=30, deadline=None)
def test_a_nir_as_an_addresss_local_part_is_the_addresss(number, domain):
    """A patient's MSSanté address is their INS: ``<NIR>@patient.mssante.fr``, one e-mail address."""
    text = f"Messagerie : {number}@{domain}, INS {number}, lot {number}@SITE01"
    assert [text[s:e] for s, e, _ in nir_spans(text)] == [number, number]  # no address: a NIR and a site
    assert [text[s:e] for s, e, _ in email_address.SPEC.find(text)] == [f"{number}@{domain}"]


@given(number=nirs(), decimals=st.sampled_from([".0", ".00", ".5", ".05", ".0001"]))
@settings(max_examples=60, deadline=None)
def test_a_nir_gone_through_a_float_is_found_without_its_decimal_zeros(number, decimals):
    """``185057800608491.0``: a NIR column read as floats and written back (pandas, JSON encoders)."""
    text = f"nir={number}{decimals};"
    found = [text[start:end] for start, end, _ in nir_spans(text)]
    assert found == ([number] if decimals.strip(".0") == "" else [])


# --- scores -------------------------------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_nia_and_temporary_numbers_score_lower_than_nirs_without_context(data):
    proper = data.draw(nirs("nir"))
    temporary = data.draw(st.sampled_from(["nia", "temporary"]).flatmap(nirs))
    template = data.draw(french_sentence_with("{}"))
    [(_, _, proper_score)] = nir_spans(template.replace("{}", proper))
    [(_, _, temporary_score)] = nir_spans(template.replace("{}", temporary))
    assert temporary_score == nir.TEMPORARY_SCORE < proper_score == nir.SCORE


@given(data=st.data())
@settings(max_examples=100, deadline=None)
def test_context_words_raise_the_score(data):
    number = data.draw(any_kind())
    form = data.draw(written_forms(number))
    [(_, _, plain)] = nir_spans(data.draw(french_sentence_with(form)))
    [(_, _, sure)] = nir_spans(
        data.draw(st.one_of(french_sentence_with(form, "FR_NIR"), log_line_with(form, "FR_NIR")))
    )
    assert plain < sure == nir.CONTEXT_SCORE


# --- the vectorised check agrees with the scalar one --------------------------------------------------------


@given(
    values=st.lists(
        st.one_of(
            any_kind().flatmap(written_forms),
            invoice_numbers(),
            sirets(),
            any_kind().map(lambda n: n[:-1] + str((int(n[-1]) + 1) % 10)),
        ),
        min_size=1,
        max_size=30,
    )
)
@settings(max_examples=60, deadline=None)
def test_is_valid_array_agrees_with_is_valid_on_whole_cells(values):
    assert nir.is_valid_array(pa.array(values)).to_pylist() == [nir.is_valid(v) for v in values]


# --- numbers given while a birth is checked, and Corsica among the digits ------------------------------------


@pytest.mark.parametrize(("sex", "year", "month", "place"), [
    ("7", 18, 61, "00188"),  # no département yet: 00 (IsoCodes' "étranger en cours d'immatriculation")
    ("8", 18, 61, "00173"),
    ("7", 56, 50, "2B233"),  # Corsica written 2B for a birth of 1956: no place is checked yet
    ("8", 80, 3, "20123"),  # and 20 after 1976
])
def test_a_pending_number_is_valid_whatever_its_place_fields(sex: str, year: int, month: int, place: str) -> None:
    number = make_nir(sex, year, month, place, 264)
    assert nir.is_valid(number) and nir.is_temporary(number)
    assert nir.is_valid_array(pa.array([number])).to_pylist() == [True]
    assert nir_spans(f"Assuré {number}") == [(7, 22, nir.CONTEXT_SCORE)]


@pytest.mark.parametrize("number", [make_nir("1", 77, 2, "00100", 1), make_nir("2", 85, 3, "20123", 4),
                                    make_nir("3", 85, 3, "00123", 4)])
def test_a_nirs_place_fields_are_still_checked(number: str) -> None:
    assert not nir.is_valid(number)
    assert nir.is_valid_array(pa.array([number])).to_pylist() == [False]


@pytest.mark.parametrize(("written", "found"), [
    ("253012B073004", True),  # a NIR's 13 characters, its key left out
    ("177022A00100228", True),  # wrong key
    ("253012b073004", False),  # small letters: a hexadecimal run as well
    ("353012B073004", False),  # sex digit 3: no NIR proper
    ("253132B073004", False),  # month 13: a typo only next to a NIR word
    ("199992B123456", False),  # month 99: a part number
    ("250012B000004", False),  # order number 000
])
def test_corsica_among_a_numbers_digits_is_its_own_context(written: str, found: bool) -> None:
    for text in (f"['{written}'],   // exemple", f"Référence dossier {written}"):
        assert nir_spans(text) == ([(text.index(written), text.index(written) + len(written), nir.UNKEYED_SCORE)]
                                   if found else [])
    assert nir_spans(f"Facture n° {written}") == []


@pytest.mark.parametrize(("text", "nirs", "births"), [
    # a beneficiary's line of a tiers-payant card: the NIR without its key, the date of its year and month
    ("MARTIN SOPHIE 2850675123456 15/06/1985", ["2850675123456"], ["15/06/1985"]),
    ('"1120375987654";"22/03/2012";"Lyon"', ["1120375987654"], ["22/03/2012"]),  # an export's fields
    ("né le 1985-06-15 | 285067512345699", ["285067512345699"], ["1985-06-15"]),  # date first, ISO, key wrong
    ("DUPONT JEAN 1851269012345 15/06/1985", [], []),  # year and month disagree: nothing says what either is
    ("commande 1234567890123 12/03/2024", [], []),  # no NIR's structure (month 45)
    ("réf. 2850675123456 15/06/19851", [], []),  # no date: a longer run of digits
    # numbers made on their date (a digit, then the date): transactions, orders, lots
    ("1240315093012;15/03/2024;49,90", [], []),
    ("TRX 1240315093012 15/03/2024 09:30:12 OK", [], []),  # a date with its time
    ("2024-03-15 1240315093012 paiement accepté", [], []),
    ("lot 3240312345678 15-03-2024", [], []),  # no NIR's sex digit
    ("Commande 2850675123456 15/06/1985", [], []),  # an order's word
    ("BEBE LEO 1240375123456 15/03/2024", ["1240375123456"], ["15/03/2024"]),  # a baby's: another département
    ("MARTIN PAUL 1990315123456 15/03/99", ["1990315123456"], ["15/03/99"]),  # département 15, born the 15th
])
def test_a_nir_beside_a_date_of_its_year_and_month_makes_both_known(text, nirs, births):
    assert [text[s:e] for s, e, _ in nir.BESIDE_A_DATE_SPEC.find(text)] == nirs
    assert [text[s:e] for s, e, _ in date_of_birth.SPEC.find(text)] == births


@pytest.mark.parametrize(("line", "found"), [
    ('* subscriberId = "123456789012345" // Numéro de sécurité sociale (NIR)', True),  # a placeholder, named
    ("nss: 185057800608490 # n° de sécu de test", True),  # a wrong key, named by the comment after it
    ("ref: 185057800608490 # facture client", False),
    ("ref: 185057800608490 // voir le NIR plus bas, ligne 12", True),
])
def test_a_comment_after_a_number_that_names_it_a_nir_is_its_context(line: str, found: bool) -> None:
    number = line.split('"')[1] if '"' in line else line.split()[1]
    assert ([line[s:e] for s, e, _ in nir_spans(line)] == [number]) is found


@pytest.mark.parametrize(("line", "number"), [
    # code names a number by its identifier, camel case and all: the case the context words fold away
    ('    pojo.setNir("155072900199918");', "155072900199918"),
    ("expect(formatNir('295042531115732')).toEqual(x);", "295042531115732"),
    ('expect(r.personnes[0].numeroSecuriteSociale).toBe("1851269012345");', "1851269012345"),
    ("const nirPatient = '255081416802539';", "255081416802539"),
    ("assertFalse(isValidINSEE(\"185057800608490\"))", "185057800608490"),
    # French words ending as a context word do not name a number
    ("Les pièces à fournir (1851269012345) sont listées.", None),
    ("avenir : 185057800608490", None),
    ("setName('185057800608490')", None),
    ('$nirPatient = "255081416802539";', "255081416802539"),  # PHP's variable
    # what an identifier says about the number: a time, a counter
    ("const audit = { nirUpdatedAt: 1712345678901, count: 3 };", None),
    ("secuTokenExpiresAt: 1712345678901", None),
    # HL7 v2: the identifier's type or authority after it names it
    ("PID|||123456789012345^^^INS~98765^^^LOCAL||DUBOIS^JEAN PIERRE", "123456789012345"),
    ("PID|1||1234567890123^^^INS^NH||TESTEUR^MARIE", "1234567890123"),
    ("PID|||185057800608490^^^HOPITAL^PI||DUBOIS^JEAN", None),
])
def test_an_identifier_in_code_that_names_a_nir_is_its_context(line: str, number: str | None) -> None:
    assert [line[s:e] for s, e, _ in nir_spans(line)] == ([number] if number else [])
