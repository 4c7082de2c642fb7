"""The cheap checks that spare the date-of-birth rules most texts never skip a text the rules report in.

``leakguard.detect`` runs ``recognizers.date_of_birth.REPORTABLE_RE2`` (RE2, over whole Arrow arrays) before
the Python rules, and the rules look for a text's names only where a capitalised word ends before the date.
Both must hold every text, in every spelling :func:`recognizers.spec.fold` reads the same: tested here on
texts made of the pieces the rules read (names, sexes, birth words, ages, life spans, dates) in varied case
and accents, with the characters the two regex engines read differently.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers import date_of_birth, person
from recognizers.spec import FOLDS_TO_LETTER_RE2, WHITESPACE_RE2, fold
from tests.strategies import birth_date_texts, respelt

_FAKE = Faker("fr_FR")
_FAKE.seed_instance(20261202)
NAMES = sorted({_FAKE.name() for _ in range(40)} | {_FAKE.last_name().upper() for _ in range(20)})
PIECES = (
    "né le", "née en", "Né à Lyon le", "nés en", "DDN", "Date de naissance :", "date_naissance", "naissance",
    "naquit", "voit le jour", "est née", "soins du", "consultation", "Dr", "Mme", "Patient :", "Nom=", "(27 ans)",
    "38ans", "âgée de 38 ans", "(1926-2015)", "(Lyon, 1766 - Paris, 1844)",
    "(7 mai 1867, Lyon – 4 juin 1934)", "(1910- )", "(Glasgow, 28 avril 1936)", "samedi", "1923", "novembre 1975",
    "M", "F", "H", "Homme", "femme", "Masculin", "FÉMININ", "sexe : M", "Sexe:f", "|", ",", ";", "/", " - ", "\n",
    "le", "Le", "dans la nuit du 1er au", "entre le 01/02 et le", "2024", "le 03/02/2031",
)
#: What the two engines read differently: accented and dotted capitals, Kelvin sign, long s, spaces.
ODD = "İıſKÉÈÀÇéèàçñÑĔĕŃǸæÆß\u00a0\u202f\u2003\u2028\t\x0b\x1c_'’-.:0123456789"
@st.composite
def birth_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(
        st.sampled_from(PIECES), st.sampled_from(NAMES), birth_date_texts(), st.text(ODD, max_size=3),
    ), min_size=2, max_size=5))
    gaps = draw(st.lists(st.sampled_from(["", " ", "  ", ", ", " | ", "\u00a0", "\t"]), min_size=len(parts),
                         max_size=len(parts)))
    return "".join(part + gap for part, gap in zip(parts, gaps, strict=True))


@pytest.mark.parametrize("text", [
    "Date de naissance : 12.05.1985", "DDN 1985-05-12", "Né à Lyon le 3 mars 1950", "née en novembre 1975",
    "22/01/1965 (27 ans)", "Le 7 novembre 1867 : naissance de Marie Curie", "TRAVIS GUILLAUMET 02/01/1978",
    "Marie Daubert | F | 10/05/1986", "Jean Aicardi (1926-2015)", "GARCIA Elena, sexe : F, 1 2 0 5 1 9 7 8",
    "Vu en 2024 : GARCIA Elena le deux mai mille neuf cent quatre-vingt-un", "née GARCIA le 12/05/1950",
    "née dans la nuit du 1er au 2 mai 1950", "Curie Marie\n(7 novembre 1867, Varsovie – 4 juillet 1934)",
    "Pierre Martin (Lyon, 12/03/1950 – Paris, 01/02/2020)", "Julien Gracq (1910- )", "Jules Pezet (1853\u20111937)",
    "White, Kenneth (Glasgow, 28 avril 1936)", "Victor Emile est né le samedi 6 août 1836",
    "Roger Lhopitallier (1936 - …)", "Lucas Martin, acteur brésilien (1931-2012)", "Ici naquit Louis Martin en 1902",
    "Attali, Jacques (Oran, 3-4-1938)", "Ainsi naquirent Anne MATHIEU en 1767",
])
def test_each_rule_s_texts_match_the_reportable_prefilter(text):
    assert list(date_of_birth.find_dates(text, fold(text), False))
    for prefilter in (date_of_birth.REPORTABLE_RE2, date_of_birth.CONTEXT_PREFILTER):
        assert pc.match_substring_regex(pa.array([text]), prefilter)[0].as_py()


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_text_a_date_of_birth_is_reported_in_matches_the_reportable_prefilter(data):
    texts = [respelt(data.draw(birth_texts()), data) for _ in range(10)]
    array = pa.array(texts)
    passed = pc.and_(pc.match_substring_regex(array, date_of_birth.REPORTABLE_RE2),
                     pc.match_substring_regex(array, date_of_birth.CONTEXT_PREFILTER)).to_pylist()
    for text, ok in zip(texts, passed, strict=True):
        assert ok or not list(date_of_birth.find_dates(text, fold(text), False)), text


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_date_right_after_a_name_is_always_looked_at(data):
    text = respelt(data.draw(birth_texts()), data)
    folded, names = fold(text), person.find(text)
    for match in date_of_birth.SPAN_REGEX.finditer(text):
        le = date_of_birth._LE_BEFORE.search(folded, max(0, match.start() - 8), match.start())
        for gap_end in {match.start(), le.start() if le else match.start()}:
            if date_of_birth._after_name(text, folded, gap_end, names):
                assert date_of_birth._may_follow_name(text, folded, gap_end), text


def test_the_small_letter_titles_are_those_person_reads_a_name_after():
    assert set(date_of_birth._SMALL_LETTER_TITLES) == person._SMALL_LETTER_TITLES


def _every_character() -> list[str]:
    return [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]


def test_the_re2_classes_hold_exactly_the_characters_fold_reads_as_letters_and_white_space():
    chars = _every_character()
    array = pa.array(chars)
    letters = pc.match_substring_regex(array, f"^[{FOLDS_TO_LETTER_RE2}]$").to_numpy(zero_copy_only=False)
    spaces = pc.match_substring_regex(array, f"^[{WHITESPACE_RE2}]$").to_numpy(zero_copy_only=False)
    assert [c for c, ok in zip(chars, letters, strict=True) if ok != ("a" <= fold(c) <= "z")] == []
    assert [c for c, ok in zip(chars, spaces, strict=True) if ok != c.isspace()] == []


def test_every_eight_digit_date_the_rules_read_is_a_calendar_run_for_the_screen():
    """The name-then-date screen takes 8-digit runs only where they can be a date: every run ``to_date``
    reads (each day from 1800 to today, year first and year last) is one, and a code such as an AMC is not."""
    days = range(dt.date(date_of_birth.MIN_YEAR, 1, 1).toordinal(), dt.date.today().toordinal() + 1)
    runs = [f(dt.date.fromordinal(d)) for d in days for f in (lambda x: x.strftime("%Y%m%d"),
                                                                 lambda x: x.strftime("%d%m%Y"))]
    shaped = pc.match_substring_regex(pa.array(runs), f"^{date_of_birth._CALENDAR_COMPACT}$")
    assert pc.all(shaped).as_py()
    codes = pa.array(["71818661", "99999999", "32011980", "19801332", "17991231"])
    assert not pc.any(pc.match_substring_regex(codes, f"^{date_of_birth._CALENDAR_COMPACT}$")).as_py()
    assert not any(date_of_birth.is_valid(code) for code in codes.to_pylist())
