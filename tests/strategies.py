"""Hypothesis strategies named after the world leakguard scans.

Every identifier here is generated, never typed: small pure functions build a value from its parts and
compute its check digits (:func:`make_nir`, :func:`make_siret`, :func:`make_french_iban`, ...), and the
strategies only draw the parts. Import what you need::

    from tests.strategies import nirs, written_forms, french_sentence_with

    @given(st.data())
    def test_something(data):
        nir = data.draw(nirs(kind="overseas"))
        text = data.draw(french_sentence_with(data.draw(written_forms(nir)), entity="FR_NIR"))
        text.start, text.end   # where the value sits in the text (``text`` is a ``str``)

``french_sentence_with`` and ``log_line_with`` return :class:`Placed` strings: plain ``str`` that also know
the offsets of the value they carry, so a test can assert the exact span.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import phonenumbers
import pyarrow as pa
from hypothesis import strategies as st
from stdnum import ean, iban, luhn
from stdnum.fr import siren, siret

from leakguard.pseudonymise.dates import DAY_WORDS
from recognizers.iban import bban_lengths
from recognizers.nir import CORSICA_RECENT, CORSICA_SPLIT, COUNTRY_CODES, OVERSEAS_COMMUNES, calc_check_digits

# --- NIR ---------------------------------------------------------------------------------------------------

#: kinds accepted by :func:`nirs`
NIR_KINDS = (
    "any",  # any of the below
    "nir",  # sex 1/2, any place, any month
    "nia",  # sex 3/4
    "temporary",  # sex 7/8 (NNT)
    "metropolitan",  # département 01-95, any sex
    "corsica",  # 2A/2B
    "overseas",  # 97x/98x with a 2-digit commune
    "abroad",  # 99 + country code
    "unknown_month",  # pseudo-months 20-42 and 50-99
)

SEX_DIGITS = "123478"
REAL_MONTHS = tuple(range(1, 13))
PSEUDO_MONTHS = (*range(20, 43), *range(50, 100))
METROPOLITAN_DEPTS = tuple(f"{d:02d}" for d in range(1, 96))
OVERSEAS_DEPTS = ("971", "972", "973", "974", "975", "976", "977", "978", "984", "986", "987", "988", "989")


def make_nir(sex: str, year: int, month: int, place: str, order: int) -> str:
    """A compact NIR from its fields; ``place`` is département + commune (5 characters), the key computed.

    >>> make_nir("1", 85, 5, "78006", 84)
    '185057800608491'
    """
    body = f"{sex}{year:02d}{month:02d}{place}{order:03d}"
    assert len(body) == 13, body
    return body + calc_check_digits(body)




def random_nir(rng: random.Random, sexes: str = "12", years: tuple[int, int] = (0, 99)) -> str:
    """A valid metropolitan NIR drawn with ``rng`` (Corsica written 20 only before 1976, as the detector wants)."""
    while True:
        year, dept = rng.randint(*years), rng.randint(1, 95)
        if not (dept == 20 and year >= 76):
            return make_nir(rng.choice(sexes), year, rng.randint(1, 12), f"{dept:02d}{rng.randint(1, 999):03d}",
                            rng.randint(1, 999))

def seeded_nirs(size: int, seed: int, months: tuple[int, ...] = tuple(range(1, 13))) -> list[str]:
    """``size`` distinct valid compact metropolitan NIRs from a seeded generator, sorted (fast: no Hypothesis);
    ``months`` may add the month codes of unknown months (20-42, 50-99)."""
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < size:
        place, year = f"{rng.randrange(1, 96):02d}{rng.randrange(1, 1000):03d}", rng.randrange(100)
        if place.startswith("96") or (place.startswith("20") and year >= 76):  # 2A/2B from 1976
            continue
        out.add(make_nir(rng.choice("123478"), year, rng.choice(months), place, rng.randrange(1, 1000)))
    return sorted(out)

def generated_nirs(seed: int, n: int) -> list[str]:
    """``n`` distinct generated NIRs of digits only (metropolitan, real months, key computed), for tests that
    need a fixed list rather than a strategy (file names, decimal columns, commits)."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        dept = rng.choice([d for d in range(1, 96) if d != 20])
        place = f"{dept:02d}{rng.randint(1, 999):03d}"
        nir = make_nir(rng.choice("12"), rng.randrange(100), rng.randint(1, 12), place, rng.randint(1, 999))
        if nir not in out:
            out.append(nir)
    return out


def _places(kind: str, year: int) -> st.SearchStrategy[str]:
    """Birth places of a NIR of ``year`` (two digits): Corsica is 20 before 1976, 2A/2B after."""
    split = year >= CORSICA_SPLIT or year <= CORSICA_RECENT
    metropolitan = st.builds(
        lambda d, c: f"{d}{c:03d}",
        st.sampled_from([d for d in METROPOLITAN_DEPTS if d != "96" and not (d == "20" and year >= CORSICA_SPLIT)]),
        st.integers(1, 999),
    )
    corsica = st.builds(lambda d, c: f"{d}{c:03d}", st.sampled_from(["2A", "2B"] if split else ["20"]),
                        st.integers(1, 999))
    overseas = st.sampled_from(OVERSEAS_DEPTS).flatmap(
        lambda d: st.integers(1, OVERSEAS_COMMUNES.get(d, 99)).map(lambda c: f"{d}{c:02d}"))
    abroad = st.builds(lambda c: f"99{c:03d}", st.integers(*COUNTRY_CODES))  # INSEE country codes 99101-99599
    return {
        "metropolitan": metropolitan,
        "corsica": corsica,
        "overseas": overseas,
        "abroad": abroad,
    }.get(kind, st.one_of(metropolitan, corsica, overseas, abroad))


def nirs(kind: str = "any") -> st.SearchStrategy[str]:
    """Compact, valid NIR/NIA numbers (key computed) of one structural ``kind`` (see :data:`NIR_KINDS`)."""
    if kind not in NIR_KINDS:
        raise ValueError(f"kind must be one of {NIR_KINDS}")
    if kind == "any":
        return st.one_of([nirs(k) for k in NIR_KINDS[1:]])
    sexes = {"nir": "12", "nia": "34", "temporary": "78"}.get(kind, SEX_DIGITS)
    months = PSEUDO_MONTHS if kind == "unknown_month" else (*REAL_MONTHS, *PSEUDO_MONTHS)
    if kind in ("nir", "nia", "temporary", "unknown_month"):
        months = (
            st.sampled_from(months)
            if kind == "unknown_month"
            else st.one_of(st.sampled_from(REAL_MONTHS), st.sampled_from(PSEUDO_MONTHS))
        )
    else:
        months = st.sampled_from(REAL_MONTHS)
    years = st.one_of(st.integers(CORSICA_SPLIT, 99), st.integers(0, CORSICA_RECENT)) if kind == "corsica" \
        else st.integers(0, 99)
    return years.flatmap(lambda year: st.builds(
        make_nir,
        st.sampled_from(sexes),
        st.just(year),
        months,
        _places(kind, year),
        st.integers(1, 999),
    ))


def nir_groups(nir: str) -> tuple[str, ...]:
    """The seven groups of a compact NIR (overseas: 3-digit département, 2-digit commune)."""
    cuts = (1, 3, 5, 8, 10, 13) if nir[5:7] in ("97", "98") else (1, 3, 5, 7, 10, 13)
    bounds = (0, *cuts, 15)
    return tuple(nir[a:b] for a, b in itertools.pairwise(bounds))


def nir_written_forms(nir: str) -> list[str]:
    """Every written form of ``nir`` met in files (compact first).

    >>> nir_written_forms("185057800608491")[:3]
    ['185057800608491', '1 85 05 78 006 084 91', '1\\xa085\\xa005\\xa078\\xa0006\\xa0084\\xa091']
    """
    groups = nir_groups(nir)
    forms = [nir]
    forms += [sep.join(groups) for sep in (" ", "\u00a0", "\u202f", ".", "-")]
    forms.append(f"{nir[:13]} {nir[13:]}")
    if nir[5:7] in ("97", "98"):  # an overseas NIR in the groups of a metropolitan one, as some exports write it
        forms.append(" ".join(nir[a:b] for a, b in itertools.pairwise((0, 1, 3, 5, 7, 10, 13, 15))))
    if not nir[5:7].isdigit():  # Corsica written in lower case
        forms.append(nir.lower())
    return forms


def written_forms(nir: str) -> st.SearchStrategy[str]:
    """One written form of ``nir``: compact, grouped (space, NBSP, narrow NBSP, dot, dash), 13 + key, overseas
    in metropolitan groups, Corsica in lower case."""
    return st.sampled_from(nir_written_forms(nir))


# --- Decoys: numbers that look like a NIR and are not ------------------------------------------------------


def digits(n: int, first: str = "0123456789") -> st.SearchStrategy[str]:
    """``n`` random digits, the first one from ``first``."""
    return st.builds(
        lambda a, b: a + b,
        st.sampled_from(first),
        st.text("0123456789", min_size=n - 1, max_size=n - 1),
    )


def invoice_numbers() -> st.SearchStrategy[str]:
    """15 random digits: invoice and order numbers (about 1 in 97 passes the NIR key by chance)."""
    return digits(15)


def make_siret(siren_body: str, nic_body: str) -> str:
    """A SIRET from 8 SIREN digits and 4 NIC digits, both Luhn keys computed.

    >>> siret.is_valid(make_siret("73282932", "0001"))
    True
    """
    s = siren_body + luhn.calc_check_digit(siren_body)
    body = s + nic_body
    for d in "0123456789":  # the one digit (Luhn) that makes the 14 digits valid
        if luhn.is_valid(body + d):
            return body + d
    raise AssertionError("unreachable: one Luhn digit always exists")


def sirets() -> st.SearchStrategy[str]:
    """Valid 14-digit SIRET numbers (SIREN and SIRET Luhn keys computed)."""
    return st.builds(make_siret, digits(8, "123456789"), digits(4)).filter(
        lambda s: siret.is_valid(s) and siren.is_valid(s[:9])  # La Poste's SIRET follow another rule
    )


def make_ean13(body: str) -> str:
    """An EAN-13 from 12 digits, check digit computed."""
    return body + ean.calc_check_digit(body)


def ean13s() -> st.SearchStrategy[str]:
    """Valid EAN-13 bar codes."""
    return st.builds(make_ean13, digits(12, "123456789"))


def make_card_number(body: str) -> str:
    """A 16-digit card-like number from 15 digits, Luhn digit computed."""
    return body + luhn.calc_check_digit(body)


def card_like_numbers() -> st.SearchStrategy[str]:
    """16-digit card-like numbers (Luhn-valid), compact or in groups of four."""
    return st.builds(make_card_number, digits(15, "3456")).flatmap(
        lambda n: st.sampled_from([n, " ".join(n[i : i + 4] for i in range(0, 16, 4))])
    )


def long_digit_runs() -> st.SearchStrategy[str]:
    """Runs of 16 to 40 digits (trace ids, hashes in decimal, concatenated fields)."""
    return st.integers(16, 40).flatmap(digits)


def timestamps() -> st.SearchStrategy[str]:
    """Timestamps as written in logs and exports (ISO, French, epoch seconds and milliseconds)."""
    moments = st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31))
    return moments.flatmap(
        lambda m: st.sampled_from(
            [
                m.isoformat(timespec="seconds"),
                m.isoformat(timespec="milliseconds") + "Z",
                m.strftime("%d/%m/%Y %H:%M:%S"),
                m.strftime("%Y%m%d%H%M%S"),
                str(int(m.replace(tzinfo=dt.UTC).timestamp())),
                str(int(m.replace(tzinfo=dt.UTC).timestamp() * 1000)),
            ]
        )
    )


def amounts() -> st.SearchStrategy[str]:
    """Money amounts as written in French (``1 234,56 €``, ``12.50 EUR``, ``€ 30``)."""
    return st.builds(
        lambda euros, cents, fmt: fmt.format(e=euros, c=cents, es=f"{euros:,}".replace(",", " ")),
        st.integers(0, 99999),
        st.integers(0, 99),
        st.sampled_from(["{es},{c:02d} €", "{e}.{c:02d} EUR", "€ {e}", "{e},{c:02d}€", "{e} euros"]),
    )


def postcodes() -> st.SearchStrategy[str]:
    """French postcodes (5 digits)."""
    return st.builds(lambda d, r: f"{d:02d}{r:03d}", st.integers(1, 95), st.integers(0, 999))


# --- IBAN, phone, e-mail -----------------------------------------------------------------------------------


def make_rib_key(bank: str, branch: str, account: str) -> str:
    """The French RIB key: 97 - (89 bank + 15 branch + 3 account) mod 97 (digits-only account)."""
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def make_french_iban(bank: str, branch: str, account: str) -> str:
    """A compact French IBAN from bank (5), branch (5) and account (11) digits, RIB and IBAN keys computed.

    >>> iban.is_valid(make_french_iban("30006", "00001", "12345678901"))
    True
    """
    bban = bank + branch + account + make_rib_key(bank, branch, account)
    return "FR" + iban.calc_check_digits("FR00" + bban) + bban


def iban_written_forms(number: str) -> list[str]:
    """Compact and grouped (4 by 4, as printed on a RIB) forms."""
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return [number, grouped, grouped.replace(" ", "\u00a0")]


def ibans() -> st.SearchStrategy[str]:
    """Valid French IBANs, compact or grouped by four (``FR76 3000 ...``)."""
    return st.builds(make_french_iban, digits(5, "123456789"), digits(5), digits(11)).flatmap(
        lambda n: st.sampled_from(iban_written_forms(n))
    )


@st.composite
def foreign_ibans(draw) -> str:
    """Any country's IBAN, letters in the account number included, with right or wrong check digits."""
    country = draw(st.sampled_from(sorted(bban_lengths())))
    bban = draw(st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=bban_lengths()[country],
                        max_size=bban_lengths()[country]))
    check = iban.calc_check_digits(country + "00" + bban)
    if draw(st.booleans()):
        check = f"{(int(check) + draw(st.integers(1, 96))) % 100:02d}"
    number = country + check + bban
    return draw(st.sampled_from([number, " ".join(number[i : i + 4] for i in range(0, len(number), 4))]))


def is_valid_french_phone(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, "FR"))
    except phonenumbers.NumberParseException:
        return False


def phone_written_forms(national: str) -> list[str]:
    """Written forms of a 10-digit national number ``0XXXXXXXXX``.

    >>> phone_written_forms("0612345678")[:3]
    ['06 12 34 56 78', '06.12.34.56.78', '06-12-34-56-78']
    """
    pairs = [national[i : i + 2] for i in range(0, 10, 2)]
    rest = national[1:]
    intl_pairs = " ".join([rest[0], *[rest[i : i + 2] for i in range(1, 9, 2)]])
    return [
        " ".join(pairs),
        ".".join(pairs),
        "-".join(pairs),
        national,
        f"+33 {intl_pairs}",
        f"+33{rest}",
        f"+33 (0){rest[0]} {intl_pairs[2:]}",
        f"0033 {intl_pairs}",
        "/".join(pairs),
        f"+33 0{intl_pairs}",
        f"(0){rest[0]} {intl_pairs[2:]}",
        f"00 33 {intl_pairs}",
        f"{national[:3]} {national[3:6]} {national[6:8]} {national[8:]}",  # as neighbouring countries group them
        f"{national[:4]} {national[4:7]} {national[7:]}",
        "  ".join(pairs),  # as justified text and text taken out of a PDF space them
    ]


def phones() -> st.SearchStrategy[str]:
    """French phone numbers that ``phonenumbers`` deems valid, in the written forms people use."""
    national = st.builds(
        lambda p, rest: "0" + p + rest,
        st.sampled_from("12345679"),
        st.text("0123456789", min_size=8, max_size=8),
    ).filter(is_valid_french_phone)
    return national.flatmap(lambda n: st.sampled_from(phone_written_forms(n)))


FIRST_NAMES = (
    "camille",
    "lea",
    "lucas",
    "nathalie",
    "jean-pierre",
    "sophie",
    "mohamed",
    "ines",
    "thomas",
    "zoe",
)
LAST_NAMES = (
    "martin",
    "bernard",
    "dubois",
    "petit",
    "durand",
    "leroy",
    "moreau",
    "nguyen",
    "fontaine",
    "roux",
)
MAIL_DOMAINS = (
    "gmail.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "wanadoo.fr",
    "yahoo.fr",
    "outlook.fr",
    "sfr.fr",
    "hotmail.com",
    "example-mutuelle.fr",
    "assure.example.org",
)


def emails() -> st.SearchStrategy[str]:
    """E-mail addresses as people and systems write them (``prenom.nom42@domaine.fr``)."""
    return st.builds(
        lambda f, sep, last, n, d: f"{f}{sep}{last}{n}@{d}",
        st.sampled_from(FIRST_NAMES),
        st.sampled_from([".", "_", "-", ""]),
        st.sampled_from(LAST_NAMES),
        st.one_of(st.just(""), st.integers(1, 99).map(str)),
        st.sampled_from(MAIL_DOMAINS),
    )


# --- Health insurance --------------------------------------------------------------------------------------


def amc_numbers() -> st.SearchStrategy[str]:
    """Numbers of complementary insurers (AMC) on tiers-payant cards: 8 to 10 digits, first one non-zero; not one
    digit repeated, a placeholder (recognizers.amc.validate)."""
    return st.integers(8, 10).flatmap(lambda n: digits(n, "123456789")).filter(lambda v: not _ONE_DIGIT.fullmatch(v))


MEMBER_PREFIXES = ("MGEN", "HM", "MH", "AG2R", "ADH", "MBR", "MUT", "AXA", "CTR", "SL")


def member_ids() -> st.SearchStrategy[str]:
    """Adherent numbers at a mutuelle: 6-12 digits, an insurer prefix and digits, digits-suffix, or groups of
    digits maybe after a prefix."""
    plain = st.integers(6, 12).flatmap(lambda n: digits(n, "123456789"))
    prefixed = st.builds(
        lambda p, sep, d: f"{p}{sep}{d}",
        st.sampled_from(MEMBER_PREFIXES),
        st.sampled_from(["", "-", " "]),
        st.integers(5, 10).flatmap(digits),
    )
    suffixed = st.builds(
        lambda d, s: f"{d}-{s}", st.integers(6, 10).flatmap(lambda n: digits(n, "123456789")), digits(2)
    )
    # as cards print them: "0231 774 05", "MH-2207-0091"
    grouped = st.builds(
        lambda p, sep, groups: f"{p}{sep}{sep.join(groups)}" if p else sep.join(groups),
        st.sampled_from(["", *MEMBER_PREFIXES]),
        st.sampled_from([" ", "-"]),
        st.lists(st.integers(2, 4).flatmap(lambda n: digits(n, "123456789")), min_size=2, max_size=3),
    ).filter(lambda v: 6 <= len(v.replace(" ", "").replace("-", "")) <= 16 and not _ISO_DATE.fullmatch(v))
    # one digit repeated (``22 22 22``) is a placeholder the recognizer leaves out (recognizers.member_id.validate)
    return st.one_of(plain, prefixed, suffixed, grouped).filter(
        lambda v: not _ONE_DIGIT.fullmatch(v.replace(" ", "").replace("-", "")))


#: One digit repeated: a placeholder, no member number.
_ONE_DIGIT = re.compile(r"([0-9])\1*")
#: A calendar date the grouped form may draw (``2024-12-15``): a contract's date, no member number.
_ISO_DATE = re.compile(r"(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])")


@cache
def insurer_list() -> tuple[str, ...]:
    """The insurer names of ``recognizers/data/insurers.txt`` (``!`` markers removed)."""
    path = Path(__file__).resolve().parent.parent / "recognizers" / "data" / "insurers.txt"
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line.lstrip("!").strip())
    return tuple(names)


@cache
def unambiguous_insurer_list() -> tuple[str, ...]:
    """Names reported without context (the list's lines not marked ``!``)."""
    path = Path(__file__).resolve().parent.parent / "recognizers" / "data" / "insurers.txt"
    return tuple(
        line.split("#", 1)[0].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.split("#", 1)[0].strip() and not line.startswith("!")
    )


def insurer_names(*, ambiguous: bool = True) -> st.SearchStrategy[str]:
    """Names of French complementary insurers and tiers-payant operators, in the list's case or not."""
    names = insurer_list() if ambiguous else unambiguous_insurer_list()
    return st.sampled_from(names).flatmap(lambda n: st.sampled_from([n, n.upper(), n.lower()]))


#: Domain codes printed on tiers-payant cards (Assurance Maladie / SESAM-Vitale "codes prestation" families).
GUARANTEE_CODES = (
    "PHAR",
    "MED",
    "LABO",
    "RLAX",
    "SAGE",
    "AUXM",
    "DENT",
    "OPTI",
    "HOSP",
    "CSTE",
    "SVIL",
    "EXTE",
    "TRAN",
    "AUDI",
)
GUARANTEE_DOMAINS = (
    "Optique",
    "Dentaire",
    "Hospitalisation",
    "Pharmacie",
    "Soins courants",
    "Audiologie",
    "Médecine douce",
    "Prothèses dentaires",
    "Lunettes",
)
FORMULAS = (
    "Confort",
    "Essentielle",
    "Essentiel",
    "Sérénité",
    "Équilibre",
    "Premium",
    "Intégrale",
    "Initiale",
)


def guarantee_pairs() -> st.SearchStrategy[str]:
    """One domain-level pair as printed on a card: ``PHAR 100%``, ``OPTI: 300% BR``, ``DENT 150 % BRSS``."""
    return st.builds(
        lambda code, sep, level, pct, base: f"{code}{sep}{level}{pct}{base}",
        st.sampled_from(GUARANTEE_CODES),
        st.sampled_from([" ", ": ", ":", " : "]),
        st.sampled_from([100, 125, 150, 200, 250, 300, 400, 500]),
        st.sampled_from(["%", " %"]),
        st.sampled_from(["", " BR", " BRSS", " TM", " FR"]),
    )


def guarantees() -> st.SearchStrategy[str]:
    """Guarantee strings: pairs, runs of pairs, domain amounts, formulas, levels, ``100% Santé``."""
    run = st.lists(guarantee_pairs(), min_size=2, max_size=5).map(" ".join)
    amount = st.builds(
        lambda d, a, per: f"{d} {a} €{per}",
        st.sampled_from(GUARANTEE_DOMAINS),
        st.integers(50, 800).map(lambda a: a - a % 10),
        st.sampled_from([" / 2 ans", " par an", "/an", " / an / bénéficiaire"]),  # the period makes it one
    )
    domain_pct = st.builds(
        lambda d, p: f"{d} {p}%", st.sampled_from(GUARANTEE_DOMAINS), st.sampled_from([100, 150, 200, 300])
    )
    formula = st.builds(lambda f: f"Formule {f}", st.sampled_from(FORMULAS))
    level = st.builds(lambda n: f"Niveau {n}", st.integers(1, 6))
    return st.one_of(guarantee_pairs(), run, amount, domain_pct, formula, level, st.just("100% Santé"))


# --- Dates -------------------------------------------------------------------------------------------------

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def birth_dates() -> st.SearchStrategy[dt.date]:
    """Dates of birth of living people."""
    return st.dates(dt.date(1915, 1, 1), dt.date(2024, 12, 31))


def date_written_forms(d: dt.date) -> list[str]:
    """Day-first (``/ - .``), French long form (``1er janvier 1990``) and ISO forms of ``d``.

    >>> date_written_forms(dt.date(1990, 1, 1))
    ['01/01/1990', '01-01-1990', '01.01.1990', '1er janvier 1990', '1990-01-01']
    """
    day = "1er" if d.day == 1 else str(d.day)
    return [
        d.strftime("%d/%m/%Y"),
        d.strftime("%d-%m-%Y"),
        d.strftime("%d.%m.%Y"),
        f"{day} {MONTHS_FR[d.month - 1]} {d.year}",
        d.isoformat(),
    ]


def written_dates(d: dt.date) -> st.SearchStrategy[str]:
    return st.sampled_from(date_written_forms(d))


def birth_date_texts() -> st.SearchStrategy[str]:
    """A date of birth in one of its written forms."""
    return birth_dates().flatmap(written_dates)


def any_birth_dates() -> st.SearchStrategy[dt.date]:
    """Dates of birth the detector reports, the dead's too: from 1800 (its oldest year) on."""
    return st.dates(dt.date(1800, 1, 1), dt.date(2024, 12, 31))


#: The days of a month in French words, as dates in words write them (``premier`` for the first).
DAYS_IN_WORDS = DAY_WORDS
#: The usual abbreviations of the French month names (Imprimerie nationale).
MONTHS_FR_SHORT = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip


def birth_date_written_forms(d: dt.date) -> list[str]:
    """:func:`date_written_forms` and the other forms the date-of-birth detector reads: ``|``, a space on each
    side of the separator, digits spaced one by one, 8 digits either way, two digits apart by spaces, month
    names in capitals or abbreviated, ``de`` or hyphens around the month, the day in words; two-digit years for
    a date of the last hundred years (an older one is read in the next century).

    >>> birth_date_written_forms(dt.date(1961, 3, 1))[5:9]
    ['01|03|1961', '01 . 03 . 1961', '01 / 03 / 1961', '0 1 . 0 3 . 1 9 6 1']
    """
    dd, mm, yyyy, yy = f"{d.day:02d}", f"{d.month:02d}", f"{d.year:04d}", f"{d.year % 100:02d}"
    day = "1er" if d.day == 1 else str(d.day)
    month = MONTHS_FR[d.month - 1]
    forms = [
        *date_written_forms(d),
        f"{dd}|{mm}|{yyyy}",
        f"{dd} . {mm} . {yyyy}",
        f"{dd} / {mm} / {yyyy}",
        " ".join(f"{dd}.{mm}.{yyyy}"),
        " ".join(f"{dd}{mm}{yyyy}"),
        f"{dd} {mm} {yyyy}",
        f"{yyyy}{mm}{dd}",
        f"{yyyy}/{mm}/{dd}",  # year first with slashes, as databases and spreadsheets export it
        f"{dd}{mm}{yyyy}",
        f"{day} {month.upper()} {yyyy}",
        f"{d.day} {MONTHS_FR_SHORT[d.month - 1]} {yyyy}",
        f"{day} de {month} {yyyy}",
        f"{dd}-{month}-{yyyy}",
        f"{DAYS_IN_WORDS[d.day - 1]} {month} {yyyy}",
    ]
    if d.year > dt.date.today().year - 100:
        forms += [f"{dd}.{mm}.{yy}", f"{dd}/{mm}/{yy}", f"{dd}-{mm}-{yy}", f"{dd}|{mm}|{yy}", f"{day} {month} {yy}"]
    return forms


# --- Values placed in text ---------------------------------------------------------------------------------


class Placed(str):
    """A ``str`` (the text) that remembers where the placed value sits: ``start``, ``end``, ``value``.

    Python code takes it as the ``str`` it is; C extensions that insist on an exact ``str`` (spaCy, hence a
    Presidio ``AnalyzerEngine`` with an NLP engine) take ``placed.text``.
    """

    start: int
    end: int
    value: str
    text: str

    def __new__(cls, before: str, value: str, after: str) -> Placed:
        self = super().__new__(cls, before + value + after)
        self.start, self.end, self.value = len(before), len(before) + len(value), value
        self.text = before + value + after
        return self


#: Phrases that introduce a value of each entity, as written in mails, comments and call-centre notes.
CONTEXT_PHRASES: dict[str | None, tuple[str, ...]] = {
    None: (
        "Voici la valeur {} à vérifier.",
        "Référence transmise : {}",
        "{}",
        "Merci de traiter ({}) rapidement.",
        "Suite à notre échange, {} ; cordialement.",
    ),
    "FR_NIR": (
        "Mon numéro de sécurité sociale est le {}.",
        "N° SS : {}",
        "NIR {} (assuré principal)",
        "carte vitale n°{}, merci",
        "Bonjour, voici mon numéro de sécu {} pour le dossier.",
    ),
    "FR_AMC": (
        "N° AMC : {}",
        "numéro AMC {} sur la carte de tiers payant",
        "Organisme complémentaire : {}",
        "code AMC={}",
        "n° d'organisme {} (mutuelle)",
    ),
    "FR_MUTUELLE_MEMBER_ID": (
        "N° adhérent : {}",
        "numéro d'adhérent {} à rappeler",
        "Matricule adhérent {}",
        "n° de contrat {}",
        "Member ID: {}",
    ),
    "FR_HEALTH_INSURER": (
        "Ma mutuelle est {} depuis 2019.",
        "Organisme complémentaire : {}",
        "tiers payant géré par {}",
        "assureur {} ; contrat collectif",
        "Complémentaire santé {}",
    ),
    "FR_HEALTH_GUARANTEE": (
        "Garanties : {}",
        "Niveau de couverture {} selon le tableau.",
        "Votre contrat : {}",
        "droits ouverts {}",
    ),
    "DATE_OF_BIRTH": (
        "né le {} à Lyon",
        "Née le {}, mariée.",
        "Date de naissance : {}",
        "DDN {}",
        "né(e) le {}",
        "date_naissance={}",
    ),
    "EMAIL_ADDRESS": ("Écrivez-moi à {} merci.", "mail : {}", "contact <{}>", "adresse électronique {}."),
    "PHONE_NUMBER": ("Rappelez-moi au {} svp.", "Tél. : {}", "portable {}, fixe inconnu", "tel={}"),
    "IBAN_CODE": ("IBAN : {}", "Remboursement sur le compte {} svp.", "RIB {} (joint)", "iban={}"),
}

LOG_KEYS: dict[str | None, tuple[str, ...]] = {
    None: ("value", "ref", "field_3", "c0"),
    "FR_NIR": ("nir", "numero_secu", "ins"),
    "FR_AMC": ("amc", "numero_amc", "code_amc"),
    "FR_MUTUELLE_MEMBER_ID": ("adherent", "numero_adherent", "member_id"),
    "FR_HEALTH_INSURER": ("mutuelle", "organisme", "assureur"),
    "FR_HEALTH_GUARANTEE": ("garanties", "guarantees", "formule"),
    "DATE_OF_BIRTH": ("date_naissance", "dob", "birth_date"),
    "EMAIL_ADDRESS": ("email", "mail", "contact"),
    "PHONE_NUMBER": ("telephone", "phone", "tel"),
    "IBAN_CODE": ("iban", "rib", "account"),
}


def french_sentence_with(value: str, entity: str | None = None) -> st.SearchStrategy[Placed]:
    """A French sentence holding ``value``; with ``entity``, introduced by that entity's context words."""

    def place(template: str) -> Placed:
        before, after = template.split("{}")
        return Placed(before, value, after)

    return st.sampled_from(CONTEXT_PHRASES[entity]).map(place)


def _json_inline(value: str) -> bool:
    return json.dumps(value, ensure_ascii=False)[1:-1] == value


def log_line_with(value: str, entity: str | None = None) -> st.SearchStrategy[Placed]:
    """A gateway log line holding ``value``: ``key=value`` text, or a nested JSON payload (string or int)."""
    keys = LOG_KEYS[entity]

    def build(moment: dt.datetime, level: str, req: int, key: str, shape: int) -> Placed:
        head = f"{moment.isoformat(timespec='milliseconds')}Z {level} [tp-gateway] req={req:08x} "
        if shape == 0 or not _json_inline(value):
            return Placed(head + f"POST /v2/droits status=200 {key}=", value, " latency_ms=42")
        marker = "\x00VALUE\x00"
        as_int = shape == 2 and value.isdigit() and not value.startswith("0") and len(value) <= 18
        payload = {"event": "droits.verifies", "beneficiary": {key: marker, "rang": 1}, "status": "OK"}
        text = json.dumps(payload, ensure_ascii=False)
        quoted = json.dumps(marker, ensure_ascii=False)
        before, after = text.split(quoted)
        if as_int:
            return Placed(head + "payload=" + before, value, after)
        return Placed(head + "payload=" + before + '"', value, '"' + after)

    return st.builds(
        build,
        st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1)),
        st.sampled_from(["INFO", "WARN", "DEBUG", "ERROR"]),
        st.integers(0, 2**32 - 1),
        st.sampled_from(keys),
        st.integers(0, 2),
    )


def texts_with(value: str, entity: str | None = None) -> st.SearchStrategy[Placed]:
    """A French sentence or a log line holding ``value``."""
    return st.one_of(french_sentence_with(value, entity), log_line_with(value, entity))


def nir_stream_table(rows: int, seed: int, *, people: int = 500, note_every: int = 7) -> pa.Table:
    """A table whose NIR decisions need the column profile: NIRs of ``people`` persons under a meaningless name
    (``c0``, compact or formatted), random 15-digit references (one in 97 passes the key: never a NIR column),
    and notes holding a reference and a NIR every ``note_every`` rows."""
    import random

    from recognizers import nir

    rng = random.Random(seed)
    numbers: list[str] = []
    while len(numbers) < people:
        number = make_nir(rng.choice("12"), rng.randint(0, 99), rng.randint(1, 12),
                          f"{rng.randint(1, 95):02d}{rng.randint(1, 999):03d}", rng.randint(1, 999))
        if nir.is_valid(number):
            numbers.append(number)
    return pa.table({
        "c0": [nir.format(numbers[i % people]) if i % 2 else numbers[i % people] for i in range(rows)],
        "ref": [str(rng.randrange(10**14, 10**15)) for _ in range(rows)],
        "note": [f"rappel {rng.randrange(10**14, 10**15)} pour {numbers[i % people]}" if i % note_every == 0
                 else "ras" for i in range(rows)],
    })


# --- Whole files, as exported ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedFile:
    """A generated file: its name (the extension tells its format), its text, the encoding it is written in,
    and the number of records a reader must find in it."""

    name: str
    text: str
    encoding: str
    records: int
    #: CSV: the delimiter written
    delimiter: str | None = None

    @property
    def data(self) -> bytes:
        return self.text.encode(self.encoding)


def identifier_values() -> st.SearchStrategy[tuple[str, str]]:
    """``(entity, value)``: a generated identifier in one of its written forms."""
    return st.one_of(
        nirs().flatmap(written_forms).map(lambda v: ("FR_NIR", v)),
        emails().map(lambda v: ("EMAIL_ADDRESS", v)),
        phones().map(lambda v: ("PHONE_NUMBER", v)),
        ibans().map(lambda v: ("IBAN_CODE", v)),
    )


#: Words of exports and logs without personal data, in cp1252 (so every file can be written in it).
PLAIN_WORDS = ("ok", "rejet", "droits ouverts", "facture réglée", "PEC accordée", "à rappeler", "—", "n/a", "12,50 €")


def log_files() -> st.SearchStrategy[ExportedFile]:
    """Gateway logs: lines holding identifiers (``key=value`` or JSON payloads), plain lines, either newline."""
    line = st.one_of(
        identifier_values().flatmap(lambda found: log_line_with(found[1], found[0])).map(str),
        st.sampled_from(PLAIN_WORDS).map(lambda w: f"2026-02-01T10:00:00Z INFO tp-gateway {w}"),
    )
    return st.builds(
        lambda lines, newline, final: ExportedFile("gateway.log", newline.join(lines) + (newline if final else ""),
                                                   "utf-8", len(lines)),
        st.lists(line, min_size=1, max_size=10), st.sampled_from(["\n", "\r\n"]), st.booleans(),
    )


def json_lines_files() -> st.SearchStrategy[ExportedFile]:
    """JSON lines in any spacing, with lines cut short (not JSON) and blank lines among them."""
    record = st.builds(
        lambda found, name, note, amount: {"beneficiary": {"id": found[1], "nom": name}, "note": note,
                                           "montant": amount},
        identifier_values(), st.sampled_from(LAST_NAMES), st.sampled_from(PLAIN_WORDS),
        st.one_of(st.integers(0, 5000), st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 2))),
    )
    spacing = st.sampled_from([(", ", ": "), (",", ":"), (" , ", " :  ")])
    valid = st.builds(lambda r, s, a: json.dumps(r, separators=s, ensure_ascii=a), record, spacing, st.booleans())
    cut = st.builds(lambda text, at: text[: max(1, int(len(text) * at))], valid, st.floats(0.2, 0.9))
    lines = st.tuples(valid, st.lists(st.one_of(valid, cut, st.just("")), max_size=8)).map(
        lambda t: [t[0], *t[1]])
    return st.builds(
        lambda ls, newline: ExportedFile("events.jsonl", newline.join(ls) + newline, "utf-8", len(ls)),
        lines, st.sampled_from(["\n", "\r\n"]),
    )


def _csv_field(value: str, delimiter: str, quote_all: bool) -> str:
    if quote_all or any(c in value for c in (delimiter, '"', "\r", "\n")) or value.startswith(" "):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_exports() -> st.SearchStrategy[ExportedFile]:
    """CSV exports the French way and others: any delimiter, newline and encoding (UTF-8, with a BOM,
    cp1252), every field quoted or only those that must be, cells over several lines, blank lines, and rows
    with a field too few or too many."""

    @st.composite
    def build(draw: st.DrawFn) -> ExportedFile:
        delimiter = draw(st.sampled_from([";", ",", "|", "\t"]))
        newline = draw(st.sampled_from(["\n", "\r\n"]))
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
        quote_all = draw(st.booleans())
        width = draw(st.integers(2, 5))
        header = [f"col{i}" for i in range(width - 1)] + ["N° Sécurité Sociale"]
        cell = st.one_of(identifier_values().map(lambda found: found[1]), st.sampled_from(PLAIN_WORDS),
                         st.sampled_from(["deux\nlignes", 'dit "urgent"', f"a{delimiter}b", "  espaces"]))
        rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=8))
        for row in rows:
            if draw(st.integers(0, 5)) == 0:  # a row of the wrong width
                row[:] = row[:-1] if draw(st.booleans()) else [*row, draw(cell)]
        lines = [delimiter.join(_csv_field(v, delimiter, quote_all) for v in header)]
        for row in rows:
            lines.append(delimiter.join(_csv_field(v, delimiter, quote_all) for v in row))
            if draw(st.integers(0, 6)) == 0:
                lines.append("")  # a blank line: no record
        final = draw(st.booleans()) or lines[-1] == ""
        text = newline.join(lines) + (newline if final else "")
        if encoding == "cp1252":
            text = text.replace("\u202f", "\u00a0")  # cp1252 has the no-break space, not the narrow one
        return ExportedFile("export.csv", ("\ufeff" if encoding == "utf-8-sig" else "") + text,
                            "utf-8" if encoding == "utf-8-sig" else encoding, len(rows), delimiter)

    return build()


_ACCENTS = {"e": "eéèêëĕȇ", "a": "aàâä", "i": "iîïİ", "n": "nñńǹ", "o": "oôö", "u": "uùûü", "c": "cç", "s": "sśș"}


def respelt(text: str, data: st.DataObject) -> str:
    """``text`` with some letters swapped for others :func:`recognizers.spec.fold` reads the same, in some case."""
    rnd = data.draw(st.randoms(use_true_random=False))
    out = "".join(rnd.choice(_ACCENTS[c.lower()]) if c.lower() in _ACCENTS else c for c in text)
    return rnd.choice([out, out.upper(), out.lower(), out.title()])
