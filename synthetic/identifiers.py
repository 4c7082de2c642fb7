"""Synthetic identifiers of French tiers-payant data, one value at a time, with their decoys.

Every function takes a ``random.Random`` and is pure otherwise: the same generator state gives the same
value, on every machine, without Faker. Valid identifiers have their check digits computed with the same
code the recognizers use (``recognizers.nir.calc_check_digits``, python-stdnum for Luhn, EAN and IBAN), so a
generated value is valid by construction and nothing here is copied from a real person.

What is generated, and what it looks like in files:

* NIR / NIA (:func:`nir`): ``S YY MM DD CCC OOO KK``. Every structural case of ``recognizers.nir``: sex 1/2
  (mostly), 3/4 (NIA) and 7/8 (temporary numbers); months 01-12 and, rarely, the pseudo-months 20-42/50-99
  of an unknown month; départements 01-95, Corsica (``20`` before 1976, ``2A``/``2B`` after, whose key counts
  them as 19/18), overseas 971-978/986-988 with a 2-digit commune, and 99 + an INSEE country code for people
  born abroad. :func:`nir_written` writes it compact, grouped, key apart, dotted, dashed, with no-break
  spaces; :func:`nir_typo` changes one digit, which always breaks the key (97 is prime and divides no
  ``d * 10**k`` with ``0 < |d| < 10``).
* Decoys: 15-digit invoice and order numbers (:func:`invoice_number`; about 1 in 97 passes the NIR key by
  chance, which is the point), SIRET (14 digits, Luhn), EAN-13 (pharmacy CIP13 codes start ``34009``),
  trace ids, timestamps, care dates, amounts, postcodes.
* Contact and payment: French phones (06/07 mobiles, 01-05 and 09 landlines, ``+33`` forms), French IBANs
  (RIB key and IBAN check digits computed).
* Insurance: insurer names (``recognizers/data/insurers.txt`` when present, else a built-in list), AMC numbers
  (8 to 10 digits; each insurer has a stable few), member numbers in insurer-specific formats, guarantee
  strings (``PHAR 100% OPTI 200% DENT 150%``, ``OPTI: 300% BR``, ``Formule Confort - Optique 200 € / 2 ans``).

Sources: INSEE, "Numéro d'inscription au répertoire" (https://www.insee.fr/fr/metadonnees/definition/c1409)
and the Code officiel géographique (country codes 99xxx); ARCEP, "Plan national de numérotation"; the
European Committee for Banking Standards, IBAN registry (FR: 27 characters, RIB key ``97 - (89 * bank +
15 * branch + 3 * account) mod 97``); INSEE, SIRENE (SIREN/SIRET Luhn key); GS1 (EAN-13).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import zlib
from pathlib import Path

from stdnum import ean, iban, luhn

from recognizers import nir as nir_module
from recognizers.nir import OVERSEAS_COMMUNES

# --- NIR ---------------------------------------------------------------------------------------------------

#: INSEE country codes (the 3 digits after ``99``) of frequent countries of birth abroad.
COUNTRY_CODES = (
    101, 109, 110, 111, 127, 131, 132, 134, 135, 136, 139, 140, 141, 201, 205, 212, 216, 223, 243, 309, 312,
    318, 322, 326, 328, 329, 331, 333, 335, 336, 341, 342, 350, 351, 352, 401, 404, 406, 432, 436, 515,
)  # fmt: skip
#: Overseas départements and collectivities written with 3 digits (leaving 2 for the commune).
OVERSEAS = (971, 972, 973, 974, 975, 976, 977, 978, 986, 987, 988)

#: Written forms of a NIR, and how often each is met in mixed data.
NIR_FORMS = ("compact", "spaced", "key_apart", "dotted", "dashed", "nbsp", "narrow_nbsp")
NIR_FORM_WEIGHTS = (35, 30, 12, 6, 6, 8, 3)
_NIR_SEPARATORS = {"spaced": " ", "dotted": ".", "dashed": "-", "nbsp": "\u00a0", "narrow_nbsp": "\u202f"}


def sex_digit(rng: random.Random, female: bool) -> int:
    """1 (man) or 2 (woman) mostly; 3/4 (NIA) or 7/8 (temporary number) for about 3 in 100."""
    draw = rng.random()
    base = 1 if draw < 0.97 else 3 if draw < 0.985 else 7
    return base + int(female)


def birth_date(rng: random.Random, *, start: int = 1930, end: int = 2024) -> dt.date:
    """A date of birth between ``start`` and ``end`` (years, inclusive)."""
    first = dt.date(start, 1, 1).toordinal()
    last = dt.date(end, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(first, last))


def birth_place(rng: random.Random, year: int, sex: int) -> str:
    """The 5 characters ``DDCCC`` of a NIR: département and commune, overseas or country of birth."""
    draw = rng.random()
    if sex >= 3 or draw < 0.06:  # born abroad (NIA and temporary numbers nearly always)
        return f"99{rng.choice(COUNTRY_CODES):03d}"
    if draw < 0.10:
        dept = rng.choice(OVERSEAS)
        return f"{dept}{rng.randint(1, OVERSEAS_COMMUNES.get(str(dept), 34)):02d}"
    if draw < 0.115:  # Corsica: 20 before the split of 1976
        dept = ("2A" if rng.random() < 0.5 else "2B") if year >= 1976 else "20"
        return f"{dept}{rng.randint(1, 366):03d}"
    dept = rng.choice([d for d in range(1, 96) if d != 20])
    return f"{dept:02d}{rng.randint(1, 900):03d}"


def pseudo_month(rng: random.Random) -> int:
    """A month of the unknown-month ranges 20-42 or 50-99."""
    return rng.randint(20, 42) if rng.random() < 0.5 else rng.randint(50, 99)


def nir(rng: random.Random, *, female: bool | None = None, birth: dt.date | None = None, sex: int | None = None) -> str:
    """A valid compact NIR or NIA, consistent with ``birth`` (year, month) and ``female`` when given.

    About 1 in 100 has a pseudo-month (20-42, 50-99) instead of the month of ``birth``.
    """
    if female is None:
        female = rng.random() < 0.5
    if sex is None:
        sex = sex_digit(rng, female)
    if birth is None:
        birth = birth_date(rng)
    month = pseudo_month(rng) if rng.random() < 0.01 else birth.month
    body = f"{sex}{birth.year % 100:02d}{month:02d}{birth_place(rng, birth.year, sex)}{rng.randint(1, 999):03d}"
    return body + nir_module.calc_check_digits(body)


def nir_written(number: str, form: str = "spaced") -> str:
    """``number`` (a compact NIR) in one of :data:`NIR_FORMS`."""
    if form == "compact":
        return number
    if form == "key_apart":
        return f"{number[:13]} {number[13:]}"
    return nir_module.format(number, _NIR_SEPARATORS[form])


def nir_form(rng: random.Random) -> str:
    """A written form drawn with the frequencies of mixed data."""
    return rng.choices(NIR_FORMS, NIR_FORM_WEIGHTS)[0]


def nir_typo(rng: random.Random, number: str) -> str:
    """``number`` (compact) with one digit changed to another: a NIR-shaped value whose key is wrong."""
    positions = [i for i, c in enumerate(number) if c.isdigit()]
    i = rng.choice(positions)
    digit = rng.choice([d for d in "0123456789" if d != number[i]])
    return number[:i] + digit + number[i + 1 :]


# --- Decoys ------------------------------------------------------------------------------------------------


def invoice_number(rng: random.Random) -> str:
    """15 random digits (no leading zero), like invoice and order numbers; ~1 in 97 passes the NIR key."""
    return str(rng.randint(10**14, 10**15 - 1))


def siret(rng: random.Random) -> str:
    """A SIRET: 9-digit SIREN with its Luhn key, 5-digit NIC, Luhn over the 14 digits."""
    siren = str(rng.randint(10**7, 10**8 - 1))
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{rng.randint(1, 9999):04d}"
    return body + luhn.calc_check_digit(body)


def ean13(rng: random.Random, *, pharmacy: bool | None = None) -> str:
    """An EAN-13; pharmacy products are CIP13 codes, ``34009`` + 7 digits + key."""
    if pharmacy is None:
        pharmacy = rng.random() < 0.5
    body = f"34009{rng.randint(0, 10**7 - 1):07d}" if pharmacy else f"3{rng.randint(0, 10**11 - 1):011d}"
    return body + ean.calc_check_digit(body)


def trace_id(rng: random.Random, bits: int = 128) -> str:
    """A lowercase hexadecimal id (128 bits: a W3C trace id; 64: a span id)."""
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def timestamp(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A UTC instant between ``start`` and ``end``, to the millisecond."""
    span_ms = int((end - start).total_seconds() * 1000)
    return start + dt.timedelta(milliseconds=rng.randint(0, span_ms))


def iso_timestamp(moment: dt.datetime) -> str:
    """``2026-02-01T10:12:03.123Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def care_date(rng: random.Random) -> dt.date:
    """A date of care (``date_soin``), 2023-01-01 to 2026-01-31: a date, not a date of birth."""
    first, last = dt.date(2023, 1, 1).toordinal(), dt.date(2026, 1, 31).toordinal()
    return dt.date.fromordinal(rng.randint(first, last))


def amount(rng: random.Random) -> float:
    """An amount in euros with cents, mostly small (pharmacy, consultations), sometimes large (optics)."""
    value = rng.lognormvariate(3.3, 1.0)
    return round(min(value, 4000.0), 2)


def amount_text(value: float) -> str:
    """``1234.5`` -> ``1234,50`` (French decimal comma)."""
    return f"{value:.2f}".replace(".", ",")


def postcode(rng: random.Random) -> str:
    """A French postcode: département + 3 digits (Corsica 20xxx, overseas 97xxx)."""
    draw = rng.random()
    if draw < 0.03:
        return f"{rng.choice((971, 972, 973, 974, 976))}{rng.randint(0, 99):02d}"
    if draw < 0.04:
        return f"20{rng.randint(0, 299):03d}"
    dept = rng.choice([d for d in range(1, 96) if d != 20])
    return f"{dept:02d}{rng.choice((0, 0, 0, 10, 20, 100, 110, 130, 150, 200, 300, 400, 500, 600)):03d}"


# --- Contact and payment -----------------------------------------------------------------------------------

#: Written forms of a phone number.
PHONE_FORMS = ("spaced", "compact", "dotted", "dashed", "intl_spaced", "intl_compact")
PHONE_FORM_WEIGHTS = (45, 20, 10, 3, 15, 7)


#: National prefixes (after the 0) that belong to no metropolitan number: overseas ranges of other country
#: codes (0262 Réunion, 0590 Guadeloupe, 0594 Guyane, 0639 Mayotte, 069x overseas mobiles) and unallocated
#: blocks (0400-0409, 0700-0729), per ARCEP's plan as libphonenumber's metadata encodes it.
UNUSED_PHONE_PREFIXES = frozenset({262, 590, 594, 639, *range(400, 410), *range(690, 698), *range(700, 730)})


def phone(rng: random.Random) -> str:
    """A French number in national compact form: mobiles 06/07 (07 3-9), landlines 01-05, 09."""
    while True:
        draw = rng.random()
        if draw < 0.45:
            prefix = "06"
        elif draw < 0.65:
            prefix = f"07{rng.randint(3, 9)}"
        elif draw < 0.95:
            prefix = f"0{rng.randint(1, 5)}"
        else:
            prefix = "09"
        rest = 10 - len(prefix)
        number = prefix + f"{rng.randint(0, 10**rest - 1):0{rest}d}"
        if int(number[1:4]) not in UNUSED_PHONE_PREFIXES:
            return number


def phone_written(number: str, form: str = "spaced") -> str:
    """``number`` (10 digits) in one of :data:`PHONE_FORMS`."""
    pairs = [number[i : i + 2] for i in range(0, 10, 2)]
    if form == "compact":
        return number
    if form == "spaced":
        return " ".join(pairs)
    if form == "dotted":
        return ".".join(pairs)
    if form == "dashed":
        return "-".join(pairs)
    if form == "intl_spaced":
        return "+33 " + number[1] + " " + " ".join(pairs[1:])
    if form == "intl_compact":
        return "+33" + number[1:]
    raise ValueError(f"unknown phone form {form!r}")


def phone_form(rng: random.Random) -> str:
    return rng.choices(PHONE_FORMS, PHONE_FORM_WEIGHTS)[0]


#: Bank codes (5 digits) of large French banks, for realistic IBANs.
BANK_CODES = ("30004", "30003", "30002", "30006", "20041", "10278", "10107", "11315", "13335", "16606",
              "17515", "18206", "30056", "30027", "12506", "14505", "15589", "16958", "10907", "13807")  # fmt: skip


def rib_key(bank: str, branch: str, account: str) -> str:
    """The 2-digit RIB key of a French account (account made of digits)."""
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def iban_fr(rng: random.Random) -> str:
    """A compact French IBAN (27 characters) with a valid RIB key and valid IBAN check digits."""
    bank = rng.choice(BANK_CODES)
    branch = f"{rng.randint(0, 99999):05d}"
    account = f"{rng.randint(0, 10**11 - 1):011d}"
    bban = bank + branch + account + rib_key(bank, branch, account)
    return "FR" + iban.calc_check_digits("FR00" + bban) + bban


def iban_written(number: str, grouped: bool = True) -> str:
    """``FR76 3000 6000 0112 3456 7890 189`` (grouped by 4) or compact."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4)) if grouped else number


# --- Insurance ---------------------------------------------------------------------------------------------

INSURERS_FILE = Path(__file__).resolve().parent.parent / "recognizers" / "data" / "insurers.txt"

#: Used when ``recognizers/data/insurers.txt`` is absent: real French complementary insurers and
#: tiers-payant operators, as they appear in files.
BUILTIN_INSURERS = (
    "MGEN", "Harmonie Mutuelle", "Malakoff Humanis", "AG2R La Mondiale", "AXA", "Allianz", "Generali",
    "Groupama", "MAAF Santé", "MACIF", "MAIF", "Matmut", "MMA", "Swiss Life", "April Santé", "Alan",
    "Aésio Mutuelle", "Mutuelle Générale", "MNT", "MNH", "Intériale", "Mutualia", "Mutuelle Bleue",
    "Ociane Matmut", "Klesia", "Pro BTP", "Apicil", "Audiens", "Humanis", "Uniprévoyance", "CNP Assurances",
    "Apivia Mutuelle", "Crédit Agricole Assurances", "Pacifica", "BNP Paribas Cardif", "Viamedis",
    "Almerys", "Unéo", "Smatis", "Solimut",
)  # fmt: skip


@functools.cache
def _insurer_lines() -> tuple[tuple[str, bool], ...]:
    """(name, needs context) pairs of the insurers file, or the built-in list."""
    try:
        lines = INSURERS_FILE.read_text(encoding="utf-8").splitlines()
    except OSError:
        return tuple((name, False) for name in BUILTIN_INSURERS)
    names = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names.append((line.lstrip("!").strip(), line.startswith("!")))
    return tuple(names) or tuple((name, False) for name in BUILTIN_INSURERS)


def insurer_names(*, standalone: bool = False) -> tuple[str, ...]:
    """Insurer names; ``standalone=True`` leaves out short acronyms recognised only with a context word."""
    return tuple(name for name, context in _insurer_lines() if not (standalone and context))


def insurer(rng: random.Random, *, standalone: bool = False) -> str:
    """An insurer name, the first names of the list (the large ones) more often."""
    names = insurer_names(standalone=standalone)
    if rng.random() < 0.5:
        return names[min(int(rng.paretovariate(0.8)) - 1, len(names) - 1)]
    return names[rng.randrange(len(names))]


def _stable_rng(name: str, salt: str) -> random.Random:
    return random.Random(zlib.crc32(f"{salt}:{name}".encode()))


def amc_number(rng: random.Random) -> str:
    """An AMC number: 8 to 10 digits, no leading zero."""
    length = rng.choice((8, 8, 8, 9, 10))
    return str(rng.randint(10 ** (length - 1), 10**length - 1))


def amc_numbers_of(insurer_name: str) -> tuple[str, ...]:
    """The (1 to 3) AMC numbers of an insurer: stable for a name, whatever the seed."""
    stable = _stable_rng(insurer_name, "amc")
    return tuple(amc_number(stable) for _ in range(stable.randint(1, 3)))


def amc_for(rng: random.Random, insurer_name: str) -> str:
    """One of the AMC numbers of ``insurer_name``."""
    return rng.choice(amc_numbers_of(insurer_name))


#: Member-number formats: ``?`` a capital letter, ``#`` a digit, ``+`` a digit 1-9, others literal.
MEMBER_ID_FORMATS = ("+########", "??########", "ADH+######", "+######-##", "+#########", "+#######/#",
                     "+###########", "MB+#######", "HM +######")  # fmt: skip
#: Letters used in member numbers (no I, O, Q: read as digits).
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def member_id_format(insurer_name: str) -> str:
    """The member-number format of an insurer (stable for a name)."""
    return MEMBER_ID_FORMATS[zlib.crc32(insurer_name.encode()) % len(MEMBER_ID_FORMATS)]


def fill_format(rng: random.Random, pattern: str) -> str:
    """Replace ``?``, ``#`` and ``+`` of ``pattern`` with a random letter, digit and non-zero digit."""
    out = []
    for c in pattern:
        if c == "?":
            out.append(rng.choice(LETTERS))
        elif c == "#":
            out.append(str(rng.randrange(10)))
        elif c == "+":
            out.append(str(rng.randint(1, 9)))
        else:
            out.append(c)
    return "".join(out)


def member_id(rng: random.Random, insurer_name: str | None = None) -> str:
    """A member (adhérent) number in the format of ``insurer_name`` (a random format without one)."""
    pattern = member_id_format(insurer_name) if insurer_name else rng.choice(MEMBER_ID_FORMATS)
    return fill_format(rng, pattern)


_PERCENTS = (100, 125, 150, 175, 200, 250, 300, 350, 400, 500)
_EUROS = (100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 800)
_PLANS = ("Confort", "Essentiel", "Sérénité", "Premium", "Équilibre", "Initiale", "Optimum", "Responsable")


def guarantees(rng: random.Random) -> str:
    """A guarantee string as tiers-payant cards and contracts write them."""
    p = lambda: rng.choice(_PERCENTS)  # noqa: E731
    e = lambda: rng.choice(_EUROS)  # noqa: E731
    templates = (
        lambda: f"PHAR {p()}% OPTI {p()}% DENT {p()}%",
        lambda: f"OPTI: {p()}% BR",
        lambda: f"DENT {p()} % BRSS",
        lambda: f"Formule {rng.choice(_PLANS)} - Optique {e()} € / 2 ans",
        lambda: f"HOSP {p()}% FR - CONS {p()}% BR - PHAR 100%",
        lambda: f"PHAR {p()}% LABO {p()}% RADL {p()}% OPTI {e()}€",
        lambda: f"Niveau {rng.randint(1, 6)} : hospitalisation {p()}% BR, optique {e()} €/an",
        lambda: f"SOINS COURANTS 100% TM - HOSPI {p()}% BR - DENT {p()}% BR",
        lambda: f"100% Santé + DENT {p()}% BR + AUDIO {e()} €",
        lambda: f"OPTI {e()}€ / DENT {p()}% / AUDI {e()}€",
    )
    return rng.choice(templates)()
