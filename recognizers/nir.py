"""NIR and NIA (French social-security numbers, "numéro de sécurité sociale").

The NIR (Numéro d'Inscription au Répertoire national d'identification des personnes physiques) is assigned by
INSEE to everyone born in France and is the number of the Carte Vitale; the NIA (Numéro d'Identification
d'Attente) and the temporary numbers (NNT) issued by the Assurance Maladie to people born abroad while their
file is checked have the same layout. Since 2021 the NIR is also the INS, the national health identifier
(OIDs 1.2.250.1.213.1.4.8 for an NIR, 1.2.250.1.213.1.4.9 for an NIA).

Layout, 13 digits and a 2-digit key::

    S  YY  MM  DD CCC  OOO  KK      written 1 85 05 78 006 084 91
    |  |   |   |  |    |    +-- key: 97 - (first 13 digits mod 97), 2A and 2B counting as 19 and 18
    |  |   |   |  |    +------- order number of the birth in the commune and month, 001-999
    |  |   |   |  +------------ commune (INSEE COG code), 001-999; country code when born abroad
    |  |   |   +--------------- département 01-95, 2A/2B (Corsica since 1976), 20 before;
    |  |   |                    97x/98x overseas (3 digits, leaving 2 for the commune); 99 born abroad
    |  |   +------------------- month 01-12; 20-42 or 50-99 when the month is unknown (pseudo-months)
    |  +----------------------- last two digits of the year of birth
    +-------------------------- 1 man, 2 woman; 3/4 NIA, 7/8 temporary number (NNT)

Written forms met in files: compact ``185057800608491``, grouped ``1 85 05 78 006 084 91``, "13 digits and
key" ``1850578006084 91``, dotted or dashed groups, no-break spaces, and integers in numeric columns; a NIR
column gone through a floating-point type, as pandas and JSON encoders write it (``185057800608491.0``) or as
Java's ``Double.toString`` (Spark, Jackson) writes it, in exponent notation with the mantissa's trailing zeros
dropped (``1.85057800608491E14``, ``1.8505780060849E+14`` for a key ending in 0).

Sources:

* INSEE, "Numéro d'inscription au répertoire (NIR)": https://www.insee.fr/fr/metadonnees/definition/c1409
* Assurance Maladie / ANS, "Référentiel INS" (INS = NIR or NIA, OIDs):
  https://esante.gouv.fr/produits-services/referentiel-ins
* Décret n° 82-103 du 22 janvier 1982 relatif au répertoire national d'identification des personnes physiques
* python-stdnum ``stdnum.fr.nir``: the reference for the key (used below).

>>> validate('2 95 10 99 126 111 93')
'295109912611193'
>>> validate('295109912611199')  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidChecksum: ...
>>> validate('283072B07300455')  # Corsica: 2B from 1976
'283072B07300455'
>>> validate('253072B07300470')  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidComponent: Corsica is written 20 for births before 1976
>>> is_valid('585057800608491')  # 5 is no sex digit
False
>>> format('185057800608491')
'1 85 05 78 006 084 91'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import nir as stdnum_nir

from recognizers import hl7
from recognizers.record import EntityRecord, SarifRule
from recognizers.spec import (
    SEP_CLASS,
    SEP_CLASS_PY,
    SEPARATORS,
    EntitySpec,
    checked_one_by_one,
    fold,
    lazy_attribute,
    words_re2,
)

ENTITY = "FR_NIR"

RECORD = EntityRecord(
    name=ENTITY,
    priority=0,
    preview_keep=5,
    token_prefix="NIR_",
    default_operator="token",
    normal_form="nir",
    sarif=SarifRule(
        id="LG-FR-NIR",
        name="FrenchSocialSecurityNumber",
        level="error",
        security_severity="9.5",
        short="French social-security number (NIR/NIA)",
        full=(
            "A NIR (numéro de sécurité sociale, also the INS health identifier) or a NIA/temporary number, in any "
            "written form, with a valid key and a plausible structure. It identifies one person for life."
        ),
    ),
    label_fr="NIR",
    label_en="NIR",
)

#: Two-digit years that may be of this century as well as of the last one, for Corsica: 00-30 (births up to
#: 2030 written 2A/2B; a fixed bound, so that a number's validity does not change with the date of the scan).
CORSICA_RECENT = 30

#: Sex digits of a NIR proper, and of NIA/temporary numbers.
NIR_SEX_DIGITS = "12"
TEMPORARY_SEX_DIGITS = "3478"
#: Sex digits of numbers given while a person's birth is being checked (foreigners "en cours d'immatriculation"):
#: their place fields are not checked (département ``00``, Corsica written either way), as python-stdnum does.
PENDING_SEX_DIGITS = "78"
#: The sex a first digit states: odd for a man, even for a woman.
MALE_DIGITS = "137"
FEMALE_DIGITS = "248"
#: The normal form of a NIR is its first 13 characters (the key is computed from them), separators removed,
#: ``2a``/``2b`` upper-cased.
BODY_LENGTH = 13

_SEPARATORS_RE = re.compile(f"{SEP_CLASS_PY}+")
#: A NIR in exponent notation (a double written by Java, Spark, Jackson): its 15 digits, or 14 when the key
#: ends in 0 (the mantissa's trailing zero dropped), times 10^14.
EXPONENT_FORM = r"[1-478]\.[0-9]{13,14}[eE]\+?14"
_EXPONENT_RE = re.compile(rf"\s*({EXPONENT_FORM})\s*", re.ASCII)
_EXPONENT_RE2 = rf"^\s*{EXPONENT_FORM}\s*$"


def compact(number: str) -> str:
    """Strip the separators (spaces, no-break spaces, dots, dashes) and upper-case 2a/2b; a number in exponent
    notation is written out (``1.85057800608491E14`` -> ``185057800608491``)."""
    exponent = _EXPONENT_RE.fullmatch(number)
    if exponent is not None:
        return exponent.group(1)[: exponent.group(1).upper().index("E")].replace(".", "").ljust(15, "0")
    return _SEPARATORS_RE.sub("", number).strip().upper()


def number_positions(written: str) -> list[int]:
    """Where the NIR's own characters stand in ``written``, a NIR as a finding spans it: its digits and the
    letter of ``2A``/``2B``, not its separators nor the words of a key given apart.

    >>> written = '1 85 05 2a 006 084, clé : 91'
    >>> ''.join(written[i] for i in number_positions(written))
    '185052a00608491'
    >>> ''.join('1.85057800608491E+14'[i] for i in number_positions('1.85057800608491E+14'))  # the mantissa
    '185057800608491'
    """
    end = written.upper().index("E") if _EXPONENT_RE.fullmatch(written) else len(written)
    return [i for i, char in enumerate(written[:end])
            if "0" <= char <= "9" or (char in "aAbB" and i > 0 and written[i - 1] == "2")]


def calc_check_digits(number: str) -> str:
    """The 2-digit key of the first 13 characters of a compact NIR (2A/2B count as 19/18)."""
    return stdnum_nir.calc_check_digits(compact(number))


#: Communes of each overseas département (INSEE COG: 97101-97134 ... 97801); collectivities 98x unchecked.
OVERSEAS_COMMUNES = {"971": 34, "972": 34, "973": 62, "974": 24, "975": 2, "976": 17, "977": 1, "978": 1}
#: Country codes after 99 (INSEE COG "pays": 99101-99599, one hundred per continent).
COUNTRY_CODES = (101, 599)
#: Corsica's split into 2A and 2B took effect in 1976: before, its births are written 20.
CORSICA_SPLIT = 76


def _check_corsica(dept: str, year: int) -> None:
    """20 only for births before 1976, 2A/2B only from 1976 (two-digit years: 00-26 may be either century)."""
    recent = year <= CORSICA_RECENT
    if dept == "20" and year >= CORSICA_SPLIT:
        raise InvalidComponent("Corsica is written 2A or 2B for births from 1976")
    if dept in ("2A", "2B") and not (year >= CORSICA_SPLIT or recent):
        raise InvalidComponent("Corsica is written 20 for births before 1976")


def _check_structure(number: str, *, places: bool = True) -> None:
    """Raise ``InvalidComponent`` when a field of the compact ``number`` is out of its range; ``places=False``
    leaves out the checks that need the place fields exact (Corsica's writing for the year, overseas
    communes, country codes)."""
    sex, month, dept = number[0], int(number[3:5]), number[5:7]
    if sex not in NIR_SEX_DIGITS + TEMPORARY_SEX_DIGITS:
        raise InvalidComponent("the first digit (sex) must be 1 or 2, or 3, 4, 7, 8 for a NIA")
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        raise InvalidComponent("the month must be 01-12, 20-42 or 50-99")
    if sex in PENDING_SEX_DIGITS:
        commune = number[8:10] if dept in ("97", "98") else number[7:10]
    elif dept in ("2A", "2B", "20"):
        if places:
            _check_corsica(dept, int(number[1:3]))
        commune = number[7:10]
    elif dept in ("97", "98"):
        if number[7] == "0":
            raise InvalidComponent("an overseas département is 971-978 or 984-989")
        commune = number[8:10]
        if places and int(commune) > OVERSEAS_COMMUNES.get(number[5:8], 99):
            raise InvalidComponent(f"département {number[5:8]} has {OVERSEAS_COMMUNES[number[5:8]]} communes")
    elif dept == "00" or (dept == "96" and sex in NIR_SEX_DIGITS and int(number[1:3]) < 68):
        raise InvalidComponent("the département must be 01-95, 2A, 2B, 97x, 98x or 99")
    else:
        commune = number[7:10]
        if places and dept == "99" and not COUNTRY_CODES[0] <= int(commune) <= COUNTRY_CODES[1]:
            raise InvalidComponent("a country of birth is coded 101-599 after 99")
    if int(commune) == 0:
        raise InvalidComponent("the commune (or country) code cannot be 000")
    if number[10:13] == "000":
        raise InvalidComponent("the order number must be 001-999")


def validate(number: str) -> str:
    """Check the written ``number`` and return its compact form.

    Raises ``InvalidFormat`` (not digits, or a letter outside 2A/2B), ``InvalidLength`` (not 15 characters),
    ``InvalidComponent`` (a field out of range: sex, month, département, commune, order) or
    ``InvalidChecksum`` (the key).
    """
    number = compact(number)
    if len(number) != 15:
        raise InvalidLength()
    if not (number[:5].isdigit() and number[7:].isdigit()):
        raise InvalidFormat()
    if not number[5:7].isdigit() and number[5:7] not in ("2A", "2B"):
        raise InvalidFormat()
    if not number.isascii():
        raise InvalidFormat()
    _check_structure(number)
    if stdnum_nir.calc_check_digits(number) != number[13:]:
        raise InvalidChecksum()
    return number


def is_valid(number: str) -> bool:
    """Whether ``number`` is a NIR or NIA with a plausible structure and the right key."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def is_temporary(number: str) -> bool:
    """Whether the (valid) ``number`` is a NIA or a temporary number rather than a NIR."""
    return compact(number)[:1] in TEMPORARY_SEX_DIGITS


def format(number: str, separator: str = " ") -> str:
    """The standard grouped presentation: ``1 85 05 78 006 084 91``."""
    number = compact(number)
    if number[5:7] in ("97", "98"):
        groups = (number[:1], number[1:3], number[3:5], number[5:8], number[8:10], number[10:13], number[13:])
    else:
        groups = (number[:1], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13], number[13:])
    return separator.join(groups)


def _pattern(sep: str) -> str:
    """The written forms: the seven groups, each boundary with at most one separator.

    The département and commune are cut after 2 + 3 characters, or 3 + 2 (overseas); either cut is accepted
    for any number, since exports group every NIR one way (``1 47 01 97 642 707 06``, an overseas NIR in
    metropolitan groups) and format-preserving pseudonyms keep the cut of the number they replace.
    """
    s = f"{sep}?"
    return (
        rf"[1-478]{s}\d{{2}}{s}\d{{2}}{s}"
        rf"(?:(?:\d{{2}}|2[ABab]){s}\d{{3}}|\d{{3}}{s}\d{{2}})"
        rf"{s}\d{{3}}{s}\d{{2}}"
    )


#: RE2 (pyarrow.compute) pattern of the written forms, without boundaries.
RE2_FORMS = _pattern(SEP_CLASS)
#: RE2 pre-filter: 13 or more digits (or 2A/2B letters), each maybe after one separator. Cheaper than
#: RE2_FORMS, whose optional groups make RE2 fall back to slow matching on long digit runs.
RE2_PREFILTER = rf"\d(?:{SEP_CLASS}?[\dABab]){{12}}"
#: Digits spaced one by one (forms filled in box by box): 15 characters, or ``n`` of them.
def _spaced(n: int = 15, first: str = "[1-478]") -> str:
    return rf"(?<![0-9A-Za-z])(?<![0-9] ){first}(?: [0-9ABab]){{{n - 1}}}(?![0-9A-Za-z])(?! [0-9])"


#: Python lookahead: not the local part of an address (``…@patient.mssante.fr``), ``@`` then a domain with a dot.
_NOT_A_LOCAL_PART = r"(?!@[0-9A-Za-z][0-9A-Za-z\-]*\.[0-9A-Za-z])"
#: Python pattern of the written forms inside text, never inside a longer run of digits or letters; a
#: decimal part of zeros may follow (``185057800608491.0``: a NIR column gone through a float, as pandas and
#: JSON encoders write it). Not an address's local part: the patients' MSSanté address is their INS
#: (``277076322082910@patient.mssante.fr``), reported whole as an e-mail address.
SPAN_REGEX = re.compile(
    rf"(?<![0-9A-Za-z])(?<!\d[.\-])(?:{EXPONENT_FORM}(?![0-9A-Za-z.])"
    rf"|{_pattern(SEP_CLASS_PY)}(?![0-9A-Za-z])(?!-\d)(?!\.0*[1-9]){_NOT_A_LOCAL_PART})|{_spaced()}",
    re.ASCII,  # \d as RE2 reads it: ASCII digits only, so the pre-filter matches every span found here
)

CONTEXT = (
    "nir",
    "nirs",  # "les NIRs", "Invalid NIRs"
    "nia",
    "ins",
    "insee",
    "numero de securite sociale",
    "n° de securite sociale",
    "n° securite sociale",
    "num secu",
    "numero secu",
    "n° secu",
    "no secu",
    "securite sociale",
    "secu",
    "n° ss",
    "no ss",
    "num ss",
    "numero ss",
    "n° de ss",
    "no de ss",
    "numero de ss",
    "nss",
    "matricule",
    "carte vitale",
    "vitale",
    "assure",
    "assuree",
    "immatriculation",
    "numero d'identification",
    "n° d'identification",
    "no d'identification",
    "numero provisoire",
    "numero d'attente",
    "numero d'identification d'attente",
    "nnp",
    "nnt",
    "mig",
    "social security",
    "ssn",
    "1.2.250.1.213.1.4.8",
    "1.2.250.1.213.1.4.9",
    "1.2.250.1.213.1.4",  # the ANS's INS OIDs: 4.8 NIR, 4.9 NIA, 4.10 and 4.11 their test numbers...
)
#: After a number, the OID of the INS it is, in the same element or HL7 field repetition: HL7 CDA ``<id
#: extension="…" root="1.2.250.1.213.1.4.10"/>``, HL7 v2 ``…^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS``
#: (not past a field, a repetition or a segment: ``|``, ``~``, a line break).
INS_OID_AFTER = re.compile(r"[^<>\n\r|~]{0,60}?1\.2\.250\.1\.213\.1\.4\.[0-9]")
#: After a number, a comment on its line that names it (folded): ``subscriberId = "…" // Numéro de sécurité
#: sociale (NIR)``, ``nss: … # n° de sécu``, as code and configuration files explain a value.
_COMMENT_NAMING_AFTER = (r"""["']?[ \t]*[,;)]*[ \t]*(?://|#|--|/\*)[^\n\r]{0,40}?"""
                         r"""(?<![a-z])(?:nir|nss|insee|secu|securite sociale|social security)(?![a-z])""")
#: After a number, in an HL7 v2 identifier (CX), its authority or type naming it (folded): ``PID|||…^^^INS``,
#: ``…^^^INS^NH``, ``…^^^ASIP-SANTE-INS-NIR^INS-NIR``; not past a field, a repetition or a line.
_HL7_TYPE_AFTER = (r"\^(?:[^|~\n\r^]{0,40}\^){0,4}(?:[a-z\-]{0,20}-)?(?:ins|nir|nia|nss)(?:-[a-z]{1,4})?"
                   r"(?=[\^|~&\r\n]|$)")
#: What after a number gives it context: its INS OID, an HL7 identifier type naming it, a comment naming it.
CONTEXT_AFTER = re.compile(f"{INS_OID_AFTER.pattern}|{_HL7_TYPE_AFTER}|{_COMMENT_NAMING_AFTER}")
#: Before a number, in code, an identifier that names it in camel case (case kept: ``fournir`` names
#: nothing, ``setNir`` does) and what code writes between a name and its value: ``setNir("…")``,
#: ``formatNir('…')``, ``numeroSecuriteSociale).toBe("…")``, ``nirPatient = "…"``.
_NAMING_PART = r"(?:Nir|NIR|Nss|NSS|Insee|INSEE|Secu|SECU|Securite|SECURITE|SocialSecurity|Ssn|SSN)(?![a-z])"
#: Parts of an identifier that name a time, a count or a token about the NIR, not the NIR (``nirUpdatedAt``,
#: ``secuTokenExpiresAt``, ``nir_sync_ts``): their values are timestamps and counters.
_ABOUT_IT = (r"(?:At|AT|Date|DATE|Time|TIME|Stamp|STAMP|Ts|TS|Ms|MS|Expire|EXPIRE|Sync|SYNC|Count|COUNT|Token|TOKEN"
             r"|Hash|HASH|Version|VERSION|_(?:at|date|time|stamp|ts|ms|expires?|sync|count|token|hash|version))"
             r"(?![a-z])")
CODE_NAMING_BEFORE = re.compile(
    rf"(?![A-Za-z0-9_$]*{_ABOUT_IT})"
    rf"(?:[A-Za-z0-9_$]*[a-z0-9$]{_NAMING_PART}|(?<![A-Za-z0-9_])(?:nir|nss|insee|secu|ssn)(?=[A-Z0-9]))"
    r"""[A-Za-z0-9_]*(?:[ \t"'`()\[\]{},:=>]|\.to(?:Be|Equal|StrictEqual)\()*\Z""",
)

#: Words that name another 15-digit number: right before a NIR-shaped number, without a NIR context word,
#: they say it is an invoice, order or claim number that passes the key by chance (one in 97); or a time in
#: milliseconds since 1970, whose 13 digits have a NIR's shape without its key (``'updatedAt':1508161300543``).
NEGATIVE_CONTEXT = (
    "facture",
    "factures",
    "invoice",
    "commande",
    "order",
    "n° de commande",
    "bon de commande",
    "transaction",
    "ticket",
    "bordereau",
    "colis",
    "tracking",
    "siret",
    "siren",
    "fiscal",
    "fiscale",
    "ean",
    "updatedat",
    "updated_at",
    "createdat",
    "created_at",
    "modifiedat",
    "timestamp",
    "horodatage",
    "epoch",
)

SCORE = 0.85
TEMPORARY_SCORE = 0.6
CONTEXT_SCORE = 1.0


def _score_of(value: str) -> float:
    return TEMPORARY_SCORE if is_temporary(value) else SCORE


SPEC = EntitySpec(
    entity=ENTITY,
    name="NIR/NIA, any written form",
    span_regex=SPAN_REGEX,
    prefilter=RE2_PREFILTER,
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=is_valid,
    score_of=_score_of,
    negative_context=NEGATIVE_CONTEXT,
    context_after=CONTEXT_AFTER,
    context_before=CODE_NAMING_BEFORE,
)


# --- NIRs that the key cannot confirm: reported only next to a NIR context word ---------------------------

#: Score of a NIR-shaped number next to a NIR context word whose key is wrong or missing, or of a CNAM
#: temporary identifier (13 characters, no key): below every valid-key score, never without context.
UNKEYED_SCORE = 0.55
#: Sex digits of 13-character identifiers without a key: NIR bodies, and CNAM's temporary numbers (MIG 5/6,
#: NNP 7/8).
UNKEYED_SEX_DIGITS = "12345678"


def _body(sep: str) -> str:
    """The 13 characters before the key, in the written forms of :func:`_pattern`."""
    s = f"{sep}?"
    return rf"[1-8]{s}\d{{2}}{s}\d{{2}}{s}(?:(?:\d{{2}}|2[ABab]){s}\d{{3}}|9[78]\d{s}\d{{2}}){s}\d{{3}}"


#: A NIR-shaped number in its written forms, its key maybe missing, wrong, or given apart ("clé : 91").
UNKEYED_REGEX = re.compile(
    rf"(?<![0-9A-Za-z])(?<!\d[.\-])(?<!(?<![0-9A-Za-z])[0-9] )(?P<body>{_body(SEP_CLASS_PY)}|[1-8](?: [0-9ABab]){{12}}"
    rf"|[5-8](?: ?[0-9]){{12}})"  # CNAM's temporary numbers, grouped as written (6 2 789 65432189)
    rf"(?:{SEP_CLASS_PY}?(?P<key>\d{{2}})|\s*[,;]?\s*\(?(?:cl[eé]f?|key|cl[eé]\s+nir)\s*[:=]?\s*(?P<apart>\d{{2}})\)?"
    rf"|(?P<spaced_key> [0-9] [0-9]))?(?![0-9A-Za-z])(?![.\-]\d)(?! [0-9]){_NOT_A_LOCAL_PART}",
    re.ASCII | re.IGNORECASE,
)


def _unkeyed_body_plausible(body: str, *, typo: bool = False) -> bool:
    """Whether a 13-character body has a NIR's structure; ``typo``: a number that a NIR context word names,
    or a form's boxes, whose key does not check it: a digit may be wrong, so its month may be out of range and
    its place fields need not agree with each other or with the year (Corsica's ``20`` after 1975, an
    overseas commune or a country code out of range)."""
    if body[0] not in UNKEYED_SEX_DIGITS or not body[3:5].isdigit():
        return False
    month = "01" if typo else body[3:5]
    try:
        _check_structure(("1" if body[0] in "56" else body[0]) + body[1:3] + month + body[5:13] + "00",
                         places=not typo)
    except (InvalidComponent, ValueError):
        return False
    return True


def _unkeyed_score(number: str) -> float | None:
    """The score of a NIR-shaped number (a match of :data:`UNKEYED_REGEX`) whose key is wrong or missing, next
    to a NIR context word (a typo does not anonymise: there, a month out of range is a typo too); of a
    13-character body with its key given apart (``clé : 91``), the key right; ``None``: no such number.

    >>> [_unkeyed_score(n) for n in ('1 85 05 78 006 084 90', '1 85 05 78 006 084, clé : 91', '185057800608491')]
    [0.55, 1.0, None]
    >>> [_unkeyed_score(n) for n in ('1 89 05 20 006 084 90', '2 55 08 2A 168 025 97')]  # Corsica: typo, key right
    [0.55, None]
    """
    match = UNKEYED_REGEX.fullmatch(number)
    if match is None:
        return None
    body = compact(match.group("body")).replace(" ", "")
    key = match.group("key") or match.group("apart") or (match.group("spaced_key") or "").replace(" ", "")
    if len(body) != 13:
        return None
    if not _unkeyed_body_plausible(body):
        keyed = bool(key) and calc_check_digits(body) == key  # the key right: no typo, an impossible number
        return UNKEYED_SCORE if not keyed and _unkeyed_body_plausible(body, typo=True) else None
    if key and is_valid(body + key):
        return CONTEXT_SCORE if match.group("apart") else None  # a valid NIR: the main pattern reports it
    return UNKEYED_SCORE


def _has_unkeyed_score(number: str) -> bool:
    return _unkeyed_score(number) is not None


def _unkeyed_scored(numbers: list[str]) -> np.ndarray:
    """:func:`_has_unkeyed_score` of each of ``numbers`` (matches of :data:`UNKEYED_REGEX`): the valid NIRs among
    them (the main pattern's, checked at once in Arrow) have none; the others are checked one by one."""
    scored = ~are_valid(numbers)
    return checked_one_by_one(scored, numbers, scored, _has_unkeyed_score)


#: The layouts only a NIR is written in: its seven groups with one separator (``1 60 04 25 311 114 26``,
#: the Carte Vitale's; the first six alone when the key is left out), and its 13 or 15 digits one by one (a
#: form's boxes). A number in either layout whose fields are in range (in the boxes, the month may be out of
#: range) is a NIR whatever its key, as a context word would say.
NIR_LAYOUT = re.compile(
    r"[1-8](?P<sep>[ .])\d\d(?P=sep)\d\d(?P=sep)(?:(?:\d\d|2[AB])(?P=sep)\d{3}|9[78]\d(?P=sep)\d\d)"
    r"(?P=sep)\d{3}(?:(?P=sep)\d\d)?|[1-8](?: [0-9AB]){12}(?: [0-9] [0-9])?",
    re.ASCII | re.IGNORECASE,
)
#: RE2 pre-filter of the texts that may hold a NIR in its own layout, or a body with its key given apart.
LAYOUT_RE2 = (
    r"[1-8][ .]\d\d[ .]\d\d[ .][\dABab]{2,3}[ .]\d{2,3}[ .]\d{3}|[1-8](?: [0-9ABab]){12}"
    r"|[1-8]\d{4}2[AB]\d{6}|(?i:cl[eé]|key)"
)
#: Corsica's département among a NIR's digits, as written (upper case): no other number is written so.
CORSICA_INSIDE = re.compile(rf"[{NIR_SEX_DIGITS}]\d{{4}}2[AB]\d{{6}}", re.ASCII)


def _context_free(number: str) -> bool:
    """Whether ``number`` (a match of :data:`UNKEYED_REGEX` that scores) needs no context word: a body with its
    right key given apart, or a number in a NIR's own layout whose fields are all in range.

    >>> [_context_free(n) for n in ('1 60 04 25 311 114 26', '1 60 14 25 311 114 26', '1 60 04 25-311 114 26')]
    [True, False, False]
    >>> _context_free('1 60 04 25 311 114')
    True
    >>> _context_free('1 5 9 4 4 4 0 2 3 5 6 7 9 8 8')  # month 44 in a form's boxes
    True
    >>> [_context_free(n) for n in ('253012B073004', '177022A00100228', '253012b073004', '353072B073004',
    ...                             '199992B123456')]  # a part number's month 99
    [True, True, False, False, False]
    """
    match = UNKEYED_REGEX.fullmatch(number)
    if match is None:
        return False
    if match.group("apart") is not None:
        return _unkeyed_score(number) == CONTEXT_SCORE
    if CORSICA_INSIDE.match(number):  # its key missing or wrong, its year maybe too, but a calendar month
        return 1 <= int(number[3:5]) <= 12 and _unkeyed_body_plausible(number[:13], typo=True)
    layout = NIR_LAYOUT.fullmatch(number)
    # digits one by one are a form's boxes, which only a NIR fills 13 or 15 times: a month out of range there
    # is a typo, as after a context word
    return layout is not None and _unkeyed_body_plausible(
        compact(match.group("body")).replace(" ", ""), typo=layout.group("sep") is None)


UNKEYED_SPEC = EntitySpec(
    entity=ENTITY,
    name="NIR-shaped number next to a NIR context word, key wrong or missing",
    span_regex=UNKEYED_REGEX,
    prefilter=RE2_PREFILTER,
    score=UNKEYED_SCORE,
    context_score=UNKEYED_SCORE,
    context=CONTEXT,
    needs_context=True,
    negative_context=NEGATIVE_CONTEXT,
    negative_wins=True,
    validate=_has_unkeyed_score,
    validate_many=_unkeyed_scored,
    score_of=lambda number: _unkeyed_score(number) or UNKEYED_SCORE,
    context_free=_context_free,
    context_prefilter=f"{words_re2(CONTEXT)}|{LAYOUT_RE2}",
    context_after=CONTEXT_AFTER,
    context_before=CODE_NAMING_BEFORE,
)


# --- A NIR and its holder's date of birth side by side ----------------------------------------------------

#: A date as lists of people write it: day, month and year (``15/06/1985``, ``15-06-85``), or ISO 8601.
_LISTED_DATE = r"(?:[0-3]?[0-9][/.\-][01]?[0-9][/.\-](?:[0-9]{4}|[0-9]{2})|[12][0-9]{3}-[01][0-9]-[0-3][0-9])"
_LISTED_NIR = r"[1-8][0-9]{12}(?:[0-9]{2})?"
#: Between the two: blanks, a field's separator and quotes, nothing else.
_BESIDE = r"[ \t;,|\"']{1,6}"
#: A NIR-shaped number of 13 or 15 digits, and a date right after or right before it (a beneficiary's line of a
#: tiers-payant card or an export: ``MARTIN SOPHIE 2850675123456 15/06/1985``); the number found first, the date
#: then looked for on either side.
_LISTED_NIR_REGEX = re.compile(rf"(?<![0-9A-Za-z]){_LISTED_NIR}(?![0-9A-Za-z])")
_DATE_AFTER = re.compile(rf"{_BESIDE}({_LISTED_DATE})(?![0-9])")
_DATE_BEFORE = re.compile(rf"(?<![0-9])({_LISTED_DATE}){_BESIDE}$")
#: How far before a number a date and the gap may start.
_DATE_BEFORE_WINDOW = 18
#: The texts :func:`beside_their_dates` reads, as one pattern (the spec's written forms).
_BESIDE_A_DATE_REGEX = re.compile(
    rf"(?<![0-9A-Za-z]){_LISTED_NIR}{_BESIDE}{_LISTED_DATE}(?![0-9])"
    rf"|(?<![0-9]){_LISTED_DATE}{_BESIDE}{_LISTED_NIR}(?![0-9A-Za-z])")
BESIDE_A_DATE_RE2 = (f"{_LISTED_NIR}{_BESIDE}[0-9]{{1,4}}[/.\\-]"
                     f"|[/.\\-][0-9]{{2,4}}{_BESIDE}{_LISTED_NIR}")
#: A looser RE2 screen of the same texts (the number's last or first five digits), for long alternations of
#: screens: the number's counted digits there take RE2's automaton past its memory, 70 times slower.
BESIDE_A_DATE_LOOSE_RE2 = (f"[0-9]{{5}}{_BESIDE}[0-9]{{1,4}}[/.\\-]"
                           f"|[/.\\-][0-9]{{2,4}}{_BESIDE}[1-8][0-9]{{4}}")


def _day_month_year(date: str) -> tuple[str, str, str]:
    """The day, the month (two digits each) and the year as written of a date of :data:`_LISTED_DATE`."""
    parts = re.split(r"[/.\-]", date)
    day, month, year = (parts[2], parts[1], parts[0]) if len(parts[0]) == 4 else parts
    return day.zfill(2), month.zfill(2), year


#: Right after a date, a time: an event's timestamp (``15/03/2024 09:30:12``), no one's birth.
_TIME_AFTER = re.compile(r"(?:[ T]|\s+à\s+)[0-2]?[0-9][:h][0-5][0-9]")
#: How many years back a date may be the date a number was made on (:func:`_dated_by_itself`).
_RECENT_YEARS = 3


def _dated_by_itself(body: str, date: str) -> bool:
    """Whether ``body`` reads as a number made on ``date``: a digit, then the date's year, month and day, as
    transaction and order numbers are made (``1240315093012`` on 15/03/2024), the date recent; a NIR's département
    is the day of its holder's birth by chance only."""
    day, _, year = _day_month_year(date)
    made = int(year) if len(year) == 4 else 2000 + int(year)  # a number made recently: this century's years
    return body[5:7] == day and dt.date.today().year - _RECENT_YEARS <= made <= dt.date.today().year


def beside_their_dates(text: str, folded: str | None = None) -> Iterator[tuple[tuple[int, int], tuple[int, int]]]:
    """The spans of the NIR-shaped numbers and the dates side by side in ``text`` whose year and month are the
    number's (its 2nd-3rd and 4th-5th digits), the number's structure right, its sex digit a NIR's: each says
    what the other is, a NIR (whatever its key, as a context word would say) and its holder's date of birth; not a
    number made on that date (:func:`_dated_by_itself`), nor a date with its time, nor after an order's or an
    invoice's word.

    >>> text = "MARTIN SOPHIE 2850675123456 15/06/1985 ; commande 1234567890123 12/03/2024"
    >>> [(text[slice(*n)], text[slice(*d)]) for n, d in beside_their_dates(text)]
    [('2850675123456', '15/06/1985')]
    """
    for number in _LISTED_NIR_REGEX.finditer(text):
        start, end = number.span()
        date = _DATE_AFTER.match(text, end) or _DATE_BEFORE.search(text, max(0, start - _DATE_BEFORE_WINDOW), start)
        if date is None or _TIME_AFTER.match(text, date.end(1)):
            continue
        body, (_, month, year) = number.group()[:13], _day_month_year(date.group(1))
        if body[0] not in NIR_SEX_DIGITS or body[1:5] != year[-2:] + month or not _unkeyed_body_plausible(body) \
                or _dated_by_itself(body, date[1]):
            continue
        folded = fold(text) if folded is None else folded
        if not UNKEYED_SPEC.has_negative_context(folded, min(start, date.start(1))):  # "commande", "facture"
            yield (start, end), date.span(1)


def _find_beside_dates(text: str, folded: str, in_context: bool) -> Iterator[tuple[int, int, float]]:
    for number, _ in beside_their_dates(text, folded):
        yield *number, UNKEYED_SCORE


#: A NIR beside its holder's date of birth, its key wrong or missing (a valid one is the main pattern's too).
BESIDE_A_DATE_SPEC = EntitySpec(
    entity=ENTITY,
    name="NIR-shaped number beside a date of its year and month",
    span_regex=_BESIDE_A_DATE_REGEX,
    prefilter=BESIDE_A_DATE_RE2,
    score=UNKEYED_SCORE,
    context_score=UNKEYED_SCORE,
    finder=_find_beside_dates,
)


def _find_in_hl7(text: str, folded: str, in_context: bool) -> Iterator[tuple[int, int, float]]:
    """The NIRs of the social-security number fields of HL7 v2 segments (:data:`recognizers.hl7.SSN_FIELDS`,
    ``PID|…|154049903408390|``): the field names its value, so a wrong or missing key is reported as after a
    NIR word; a valid one is :data:`SPEC`'s.

    >>> text = "PID|1||05560^^^MED^PI||SOLO^PEDRO||19750419|M|||||||||||154049903408390||"
    >>> [text[s:e] for s, e, _ in _find_in_hl7(text, text, False)]
    ['154049903408390']
    """
    for start, end in hl7.components(text, hl7.SSN_FIELDS):
        value = text[start:end]
        if UNKEYED_REGEX.fullmatch(value) and _has_unkeyed_score(value):
            yield start, end, _unkeyed_score(value) or UNKEYED_SCORE


HL7_SPEC = EntitySpec(
    entity=ENTITY,
    name="NIR-shaped number in an HL7 v2 social-security number field, key wrong or missing",
    span_regex=hl7.SEGMENT,
    prefilter=hl7.PREFILTER_RE2,
    score=UNKEYED_SCORE,
    context_score=UNKEYED_SCORE,
    finder=_find_in_hl7,
)


def _recognizer_class() -> type:
    from recognizers.adapter import SpecRecognizer

    class FrNirRecognizer(SpecRecognizer):
        """Presidio recognizer of French NIR/NIA numbers in every written form, key and structure checked.

        Scores: 0.85 for a valid NIR, 0.6 for a valid NIA/temporary number, 1.0 with a context word
        (``NIR``, ``n° SS``, ``sécurité sociale``, ``carte vitale``, the INS OIDs, ...) just before it.
        """

        def __init__(self, supported_language: str = "fr"):
            super().__init__([SPEC, UNKEYED_SPEC, BESIDE_A_DATE_SPEC, HL7_SPEC], supported_language=supported_language,
                             name="FrNirRecognizer")

    return FrNirRecognizer


#: ``FrNirRecognizer``, the Presidio recognizer, is built on first use: importing this module
#: for its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "FrNirRecognizer", _recognizer_class)


# --- Vectorised forms, for whole Arrow arrays -------------------------------------------------------------

_MONTH_OK = pa.array(
    [f"{m:02d}" for m in [*range(1, 13), *range(20, 43), *range(50, 100)]], pa.string()
)
_WHOLE_CELL_RE2 = rf"^\s*{RE2_FORMS}\s*$"


#: RE2 form of a cell holding the 13 characters of a NIR without its key (exports often put the key in a
#: column of its own, "Clé").
BODY_RE2 = (
    rf"^\s*[1-478]{SEP_CLASS}?\d{{2}}{SEP_CLASS}?\d{{2}}{SEP_CLASS}?"
    rf"(?:(?:\d{{2}}|2[ABab]){SEP_CLASS}?\d{{3}}|\d{{3}}{SEP_CLASS}?\d{{2}}){SEP_CLASS}?\d{{3}}\s*$"
)


def is_valid_body_array(values: pa.Array) -> pa.BooleanArray:
    """Vectorised: cells that are the 13 characters of a NIR/NIA with a plausible structure, key left out.

    Without the key a random 13-digit number passes often, so ``leakguard.detect`` uses this only in columns
    whose name says they hold NIRs, or beside a column holding their keys (:func:`body_key_array`).
    """
    return pc.is_valid(body_key_array(values))


def body_key_array(values: pa.Array) -> pa.Int64Array:
    """Vectorised: the key (1-97) of each cell that is a plausible NIR/NIA body of 13 characters; else null.

    Exports that split a NIR write this key in a column of their own ("Clé"): a column whose values equal
    these keys row by row is the key column of this one.
    """
    values = values.cast(pa.string()) if values.type != pa.string() else values
    shaped = pc.fill_null(pc.match_substring_regex(values, BODY_RE2), False)
    body = pc.if_else(shaped, compact_array(values), pa.scalar("1000101001001"))
    key = _key_of(body)
    key_text = pc.utf8_lpad(pc.cast(key, pa.string()), 2, "0")
    valid = pc.and_(shaped, is_valid_array(pc.binary_join_element_wise(body, key_text, "")))
    return pc.if_else(valid, key, pa.scalar(None, pa.int64()))


def compact_array(values: pa.Array) -> pa.Array:
    """Vectorised :func:`compact` of a string array (nulls stay null)."""
    stripped = values
    for separator in SEPARATORS:  # literal replacements: two and a half times faster than one RE2 replace
        stripped = pc.replace_substring(stripped, separator, "")
    return written_out(values, pc.utf8_upper(pc.utf8_trim_whitespace(stripped)))


def written_out(values: pa.Array, compacted: pa.Array) -> pa.Array:
    """``compacted`` (the compact forms of ``values``), with the numbers of ``values`` in exponent notation
    written out: a double holds every 15-digit integer exactly."""
    exponent = pc.fill_null(pc.match_substring_regex(values, _EXPONENT_RE2), False)
    if not pc.any(exponent).as_py():
        return compacted
    number = pc.cast(pc.if_else(exponent, pc.utf8_trim_whitespace(values), pa.scalar("0")), pa.float64())
    return pc.if_else(exponent, pc.cast(pc.cast(number, pa.int64()), pa.string()), compacted)


def _places_plausible(number: pa.Array, dept: pa.Array, commune: pa.Array) -> pa.Array:
    """Vectorised: Corsica written as the year of birth wants, overseas communes and countries in range."""
    year = pc.cast(pc.utf8_slice_codeunits(number, 1, 3), pa.int32(), safe=False)
    commune_number = pc.cast(commune, pa.int32(), safe=False)
    corsica_split = pc.is_in(dept, pa.array(["2A", "2B"]))
    ok = pc.invert(pc.and_(pc.equal(dept, "20"), pc.greater_equal(year, CORSICA_SPLIT)))
    ok = pc.and_(ok, pc.invert(pc.and_(corsica_split, pc.and_(pc.less(year, CORSICA_SPLIT),
                                                                pc.greater(year, CORSICA_RECENT)))))
    overseas = pc.utf8_slice_codeunits(number, 5, 8)
    most = pc.fill_null(pc.index_in(overseas, pa.array(list(OVERSEAS_COMMUNES))), -1)
    limits = pa.array([*OVERSEAS_COMMUNES.values(), 99], pa.int32())
    limit = pc.take(limits, pc.if_else(pc.equal(most, -1), len(OVERSEAS_COMMUNES), most))
    ok = pc.and_(ok, pc.invert(pc.and_(pc.is_in(dept, pa.array(["97", "98"])), pc.greater(commune_number, limit))))
    abroad = pc.equal(dept, "99")
    in_range = pc.and_(pc.greater_equal(commune_number, COUNTRY_CODES[0]), pc.less_equal(commune_number,
                                                                                        COUNTRY_CODES[1]))
    pending = pc.is_in(pc.utf8_slice_codeunits(number, 0, 1), pa.array(list(PENDING_SEX_DIGITS)))
    return pc.or_(pending, pc.and_(ok, pc.or_(pc.invert(abroad), in_range)))


def _whole_cells(values: pa.Array) -> tuple[pa.BooleanArray, pa.Array]:
    """Which cells of ``values`` are one NIR-shaped number (:data:`_WHOLE_CELL_RE2`), and their compact forms
    (``000000000000000`` for the others, which no check passes)."""
    values = values.cast(pa.string()) if values.type != pa.string() else values
    shaped = pc.fill_null(pc.match_substring_regex(values, _WHOLE_CELL_RE2), False)
    return shaped, pc.if_else(shaped, compact_array(values), pa.scalar("000000000000000"))


def _fields_in_range(number: pa.Array) -> tuple[pa.BooleanArray, pa.Array, pa.Array]:
    """Vectorised, for compact NIRs: whether the fields a typo leaves checkable are in range (département,
    commune, order, the 96 of births before 1968), and the département and commune fields."""
    field = lambda start, end: pc.utf8_slice_codeunits(number, start, end)  # noqa: E731
    dept = field(5, 7)
    overseas = pc.is_in(dept, pa.array(["97", "98"]))
    commune = pc.if_else(overseas, field(8, 10), field(7, 10))
    pending = pc.is_in(field(0, 1), pa.array(list(PENDING_SEX_DIGITS)))
    dept_ok = pc.or_(pending, pc.and_(pc.not_equal(dept, "00"), pc.invert(pc.and_(overseas, pc.equal(field(7, 8),
                                                                                                  "0")))))
    in_range = pc.and_(
        pc.and_(dept_ok, pc.not_equal(pc.cast(commune, pa.int32(), safe=False), 0)),
        pc.not_equal(field(10, 13), "000"),
    )
    dept96_old = pc.and_(
        pc.equal(dept, "96"),
        pc.and_(pc.is_in(field(0, 1), pa.array(list(NIR_SEX_DIGITS))),
                pc.less(pc.cast(field(1, 3), pa.int32(), safe=False), 68)),
    )
    return pc.and_(in_range, pc.invert(dept96_old)), dept, commune


def _key_of(number: pa.Array) -> pa.Int64Array:
    """Vectorised: the key of the first 13 characters of compact NIRs (2A and 2B counting as 19 and 18)."""
    body_text = pc.replace_substring(
        pc.replace_substring(pc.utf8_slice_codeunits(number, 0, 13), "2A", "19"), "2B", "18"
    )
    body = pc.cast(body_text, pa.int64(), safe=False)
    return pc.subtract(97, pc.subtract(body, pc.multiply(pc.divide(body, 97), 97)))


def _written_key(number: pa.Array) -> pa.Int64Array:
    return pc.cast(pc.utf8_slice_codeunits(number, 13, 15), pa.int64(), safe=False)


def is_valid_array(values: pa.Array) -> pa.BooleanArray:
    """Vectorised :func:`is_valid` for cells that hold one written NIR and nothing else.

    ``values`` is a string array; the result is true where the whole cell (surrounding white space aside) is
    a NIR or NIA with a plausible structure and the right key, false elsewhere (nulls included). It agrees
    with :func:`is_valid` on every whole-cell string; cells that merely contain a NIR are false here and are
    left to :data:`SPAN_REGEX`.
    """
    return keyed_and_valid_array(values)[1]


def keyed_and_valid_array(values: pa.Array) -> tuple[pa.BooleanArray, pa.BooleanArray]:
    """Vectorised, for cells that hold one written NIR: whether the key is right and the fields are in range,
    places aside (Corsica's writing for the year, overseas communes, country codes), and whether the number
    is valid (:func:`is_valid_array`: its places too). The first is what says a column holds NIRs
    (:mod:`leakguard.detect.profile`), a validator's vector with an impossible place included: a chance
    number passes the key one time in 97 whatever its places.

    >>> [a.to_pylist() for a in keyed_and_valid_array(pa.array(['253072B07300470', '295109912611193', '2951']))]
    [[True, True, False], [False, True, False]]
    """
    shaped, number = _whole_cells(values)
    sex = pc.utf8_slice_codeunits(number, 0, 1)
    fields_ok, dept, commune = _fields_in_range(number)
    structure = pc.and_(pc.and_(pc.is_in(sex, pa.array(list(NIR_SEX_DIGITS + TEMPORARY_SEX_DIGITS))),
                                pc.is_in(pc.utf8_slice_codeunits(number, 3, 5), _MONTH_OK)), fields_ok)
    keyed = pc.fill_null(pc.and_(pc.and_(shaped, structure), pc.equal(_written_key(number), _key_of(number))),
                         False)
    return keyed, pc.fill_null(pc.and_(keyed, _places_plausible(number, dept, commune)), False)


def is_typo_array(values: pa.Array) -> pa.BooleanArray:
    """Vectorised: cells that are one NIR-shaped number (:func:`is_valid_array`'s forms) whose key is wrong and
    whose other fields a typo explains, the whole cells :data:`UNKEYED_SPEC` reports next to a NIR word (its
    month and place fields free; a right key with an impossible structure is no typo).

    >>> is_typo_array(pa.array(['1 85 05 78 006 084 90', '185057800608491', '1 89 05 20 006 084 90',
    ...                         '255082A16802597', '1 85 05 00 006 084 90'])).to_pylist()
    [True, False, True, False, False]
    """
    shaped, number = _whole_cells(values)
    fields_ok, _, _ = _fields_in_range(number)
    wrong_key = pc.not_equal(_written_key(number), _key_of(number))
    return pc.fill_null(pc.and_(pc.and_(shaped, wrong_key), fields_ok), False)


def are_valid(values: list[str]) -> np.ndarray:
    """:func:`is_valid` of many written NIRs at once (spans of :data:`SPAN_REGEX`), as numpy booleans.

    The forms a whole cell takes are checked in Arrow (:func:`is_valid_array`: the key in integer arithmetic);
    the few others (one digit at a time with odd spacing) one by one.

    >>> are_valid(['1 85 05 78 006 084 91', '185057800608492', '1 8 5 0 5 7 8 0 0 6 0 8 4 9 1']).tolist()
    [True, False, True]
    """
    return are_keyed_and_valid(values)[1]


def are_keyed_and_valid(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`keyed_and_valid_array` of many written NIRs at once (spans of :data:`SPAN_REGEX`): whether each
    has its key right (places aside; the column decision's evidence), and whether it is valid (:func:`are_valid`).
    The forms a whole cell takes are checked in Arrow; the few others by their compact forms (the key) and one by
    one (the validity).

    >>> [a.tolist() for a in are_keyed_and_valid(['253072B07300470', '2 5 3 0 7 2 B 0 7 3 0 0 4 7 0', '2951'])]
    [[True, True, False], [False, False, False]]
    """
    array = pa.array(values, pa.string())
    keyed, valid = (checked.to_numpy(zero_copy_only=False).copy() for checked in keyed_and_valid_array(array))
    odd = ~pc.fill_null(pc.match_substring_regex(array, _WHOLE_CELL_RE2), False).to_numpy(zero_copy_only=False)
    if odd.any():
        keyed[odd] = keyed_and_valid_array(compact_array(array.filter(pa.array(odd))))[0].to_numpy(
            zero_copy_only=False)
        valid = checked_one_by_one(valid, values, odd, is_valid)
    return keyed | valid, valid
