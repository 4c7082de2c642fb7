"""French telephone numbers.

French numbers have ten digits, the first a ``0`` (the trunk prefix), the second the zone or the kind of
line: 01 Île-de-France, 02 North-West (and 0262/0269 Réunion and Mayotte), 03 North-East, 04 South-East,
05 South-West (0590/0594/0596 Antilles and Guyane), 06 and 07 mobiles, 08 special rates, 09 VoIP lines.
Internationally the ``0`` is replaced by ``+33`` (or ``0033``). Written forms met in files::

    06 12 34 56 78    06.12.34.56.78    06-12-34-56-78    0612345678    (01) 45 56 78 90    06  12  34  56  78
    0 801 23 45 67    0 800 123 456 (special rates, in threes)
    +33 6 12 34 56 78    +33612345678    +33 (0)6 12 34 56 78    0033 6 12 34 56 78    (33) 1 45 56 78 90
    +33 06 12 34 56 78 (the trunk 0 kept by mistake)    06/12/34/56/78 (as forms are filled in)
    +262 692 12 34 56 (Réunion, and +269, +590, +594, +596 overseas)

A letter O typed for the leading zero (``O1 42 15 23 35``) is read as one.

The span is never taken out of a longer run of digits (a 10-digit id inside a 15-digit number, two groups of
a grouped NIR or IBAN): it must not touch a digit, nor a separator that continues a digit group. A match is
reported only if the ``phonenumbers`` library (Google's libphonenumber metadata, which Presidio already
depends on) says it is a valid number of France or of an overseas département.

Sources:

* ARCEP, "Plan national de numérotation téléphonique":
  https://www.arcep.fr/la-regulation/grands-dossiers-telecoms-mobile/la-numerotation.html
* libphonenumber metadata for FR, RE, GP, MQ, GF, YT: https://github.com/google/libphonenumber

>>> format('0612345678')
'06 12 34 56 78'
>>> is_valid('+33 6 12 34 56 78'), is_valid('0012345678')
(True, False)
>>> compact('+33 06 12 34 56 78'), compact('06/12/34/56/78')
('0612345678', '0612345678')
>>> text = 'Tél : 06.12.34.56.78 ; commande 30612345678901'
>>> [text[s:e] for s, e, _ in SPEC.find(text)]
['06.12.34.56.78']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from recognizers.record import EntityRecord, SarifRule
from recognizers.spec import EntitySpec, checked_one_by_one, lazy_attribute, validate_each

ENTITY = "PHONE_NUMBER"

RECORD = EntityRecord(
    name=ENTITY,
    priority=5,
    preview_keep=2,
    token_prefix="TEL_",
    default_operator="token",
    normal_form="phone",
    sarif=SarifRule(
        id="LG-PHONE-NUMBER",
        name="PhoneNumber",
        level="error",
        security_severity="7.0",
        short="Phone number",
        full="A French or international phone number.",
    ),
    label_fr="Téléphone",
    label_en="Phone",
)

#: Columns named for identifiers: their digit runs are no phone numbers, whatever their shape.
_IDENTIFIER_HINTS = frozenset({"FR_AMC", "FR_MUTUELLE_MEMBER_ID", "FR_NIR", "IBAN_CODE"})
#: Regions whose national numbers libphonenumber checks as French: metropolitan France, the overseas départements
#: and collectivities (Saint-Pierre-et-Miquelon's six-digit numbers match none of the ten-digit forms).
REGIONS = ("FR", "RE", "GP", "MQ", "GF", "YT", "PM", "BL", "MF")

_SEP = "[ \u00a0\u202f.\\-]"
#: Country calling codes of the overseas départements and collectivities dialled with a 0 from France. Not 508:
#: Saint-Pierre-et-Miquelon has six-digit numbers of its own (``+508 41 23 56``), read as another country's.
OVERSEAS_CODES = ("262", "269", "590", "594", "596")
_NATIONAL = f"(?:[0O]{_SEP}?[1-9]|\\(0[1-9]\\)|\\(0\\){_SEP}?[1-9])(?:{_SEP}?[0-9O]{{2}}){{4}}"
#: Ten digits grouped otherwise than in pairs, as neighbouring countries, some overseas numbers and some
#: help lines print them: 3-3-2-2 (``027 603 42 90``), 4-3-3 (``0590 123 456``), 2-2-3-3 (``09 69 392 393``).
_OTHER_GROUPS = (f"0[1-9][0-9]{_SEP}[0-9]{{3}}{_SEP}[0-9]{{2}}{_SEP}[0-9]{{2}}"
                 f"|0[1-9][0-9]{{2}}{_SEP}[0-9]{{3}}{_SEP}[0-9]{{3}}"
                 f"|0[1-9]{_SEP}[0-9]{{2}}{_SEP}[0-9]{{3}}{_SEP}[0-9]{{3}}")
#: Pairs two spaces apart, as justified text and text taken out of a PDF space them (``06  12  34  56  78``).
_WIDE_PAIRS = "0[1-9](?:[ \u00a0]{2}[0-9]{2}){4}"
#: Pairs one slash apart, as forms are filled in (``06/12/34/56/78``): the slashes of a date, five times.
_SLASHED = "0[1-9](?:/[0-9]{2}){4}"
#: Special-rate and non-geographic numbers as their owners print them, in threes after the ``0`` (``0 800 123
#: 456``, the ``09 69`` help lines as ``0 969 363 373``).
_SPECIAL_RATE = f"[0O]{_SEP}?[89][0-9]{{2}}{_SEP}?[0-9]{{3}}{_SEP}?[0-9]{{3}}"
#: After ``+33`` (``(+33)``, ``(0033)``), the trunk 0 in brackets (``+33 (0)6``) or, written by mistake, without
#: (``+33 06``).
_INTERNATIONAL = (f"(?:(?:\\+|00{_SEP}?)33|\\((?:\\+|00)?33\\)){_SEP}{{0,2}}(?:(?:\\(0\\)|0){_SEP}?)?"
                  f"[1-9](?:{_SEP}?[0-9]{{2}}){{4}}")
_OVERSEAS = f"(?:\\+|00{_SEP}?)(?:{'|'.join(OVERSEAS_CODES)}){_SEP}?[1-9][0-9]{{2}}(?:{_SEP}?[0-9]{{2}}){{3}}"
#: Other countries' numbers, written internationally: ``+`` (or ``00``, or ``(+`` … ``)``), the calling code, then
#: groups of digits (``+353 86 822 3689``, ``+41 27 603 42 90``, ``0032612345678``, ``(+351) 282 43 50 50``), an
#: area code maybe in brackets (``+86 (10)69445464``, ``+1 (202) 555 123 4``) or followed by a slash
#: (``+49-4312 / 777 777``: further on, a slash parts two numbers), two spaces maybe after the code (``+687  546
#: 835``); libphonenumber says which are numbers. After ``00``, separators between the groups: a run of digits
#: opening with ``00`` is more often a padded code.
_AREA_SLASH = "[ \u00a0]?/[ \u00a0]?"
_AREA_GROUPS = (f"(?:{_SEP}{{0,2}}\\([0-9]{{1,4}}\\){_SEP}?[0-9]{{1,8}}(?:{_SEP}?[0-9]{{1,4}}){{0,4}}"
                f"|{_SEP}{{0,2}}[0-9]{{1,4}}(?:{_SEP}?|{_AREA_SLASH})[0-9]{{2,4}}(?:{_SEP}?[0-9]{{2,4}}){{0,3}})")
_FOREIGN = (f"(?:\\+{_SEP}?[1-9][0-9]{{0,2}}|\\(\\+[1-9][0-9]{{0,2}}\\))(?:{_SEP}?\\(0\\))?{_AREA_GROUPS}"
            f"|00{_SEP}?[1-9][0-9]{{0,2}}(?:{_SEP}\\(0\\))?{_SEP}[0-9]{{1,4}}(?:{_SEP}[0-9]{{2,4}}){{1,4}}")
#: North American numbers as written there, without ``+1``, their area code in brackets (``(514) 765-4321``,
#: ``(305) 613 09 58``): an area code and an exchange of three digits not opening with 0 or 1; libphonenumber reads
#: them in the North American plan. Written with dashes or dots only (``514-765-4321``), they read like a range or a
#: reference: :data:`NANP_SPEC`, after a phone word.
NANP = (f"(?:1[ .\\-])?\\([2-9][0-9]{{2}}\\) ?[2-9][0-9]{{2}}"
        f"(?:{_SEP}?[0-9]{{4}}|{_SEP}[0-9]{{2}}{_SEP}[0-9]{{2}})")
NANP_DASHED = ("(?:1[ .\\-])?[2-9][0-9]{2}(?:[ /][2-9][0-9]{2}[.\\-]|[.\\-][2-9][0-9]{2}[.\\-])"
               "[0-9]{4}")
_FORMS = (f"(?:{_INTERNATIONAL}|{_OVERSEAS}|{_NATIONAL}|{_OTHER_GROUPS}|{_SPECIAL_RATE}|{_SLASHED}|{_WIDE_PAIRS}"
          f"|{_FOREIGN}|{NANP})")
#: A mobile number in the international form without its ``+`` (the MSISDN of SMS gateways and their exports,
#: ``33612345678``): ``33``, then a mobile's nine digits. Eleven digits are ids as often (an account number of a
#: RIB): read only after a phone word (:data:`MSISDN_SPEC`) or in a column named for phones.
SUBSCRIBER = "[67][0-9]{8}"
MSISDN = f"33{SUBSCRIBER}"

#: Python pattern: not after a letter, a digit or ``+``, nor after a digit and a separator; not before a digit
#: or a letter, nor before a separator and a digit (the rest of a longer grouped number).
_NOT_AFTER_A_NUMBER = r"(?<![0-9A-Za-z+])(?<![0-9][ \u00a0\u202f.\-/])(?<![0-9][ \u00a0]{2})"
_NOT_BEFORE_A_NUMBER = r"(?![0-9A-Za-z])(?![ \u00a0\u202f.\-/][0-9])(?![ \u00a0]{2}[0-9])"
SPAN_REGEX = re.compile(f"{_NOT_AFTER_A_NUMBER}{_FORMS}{_NOT_BEFORE_A_NUMBER}")
#: Numbers side by side, one space, slash or dash apart (``01.41.29.00.35 01 41 29 00 37``): each is a
#: number though it touches the next one's digits.
_BETWEEN = "(?=[ \u00a0\u202f/\\-])[ \u00a0\u202f]*[/\\-]?[ \u00a0\u202f]*"
_SIDE_BY_SIDE = re.compile(
    f"{_NOT_AFTER_A_NUMBER}{_FORMS}(?:(?<=[0-9]){_BETWEEN}(?=[0-9+(O]){_FORMS})+{_NOT_BEFORE_A_NUMBER}")
_ONE = re.compile(_FORMS)
_GAP = re.compile(_BETWEEN)
#: RE2 pre-filter: the same forms after the same left boundary, which RE2 says without a lookbehind (not after
#: a letter, a digit or ``+``, nor after a digit and a separator): a NIR's digits hold a number's shape.
_AFTER = " \\x{00a0}\\x{202f}.\\-/"
PREFILTER = f"(?:^[{_AFTER}]?|[^0-9][{_AFTER}]|[^0-9A-Za-z+{_AFTER}]){_FORMS}"

_DIGITS = re.compile(r"[0-9]")
_GROUPED = re.compile(_SEP)
_MSISDN = re.compile(MSISDN)


#: The calling code of a number written internationally (``+33``, ``0033``, ``(33)``, ``+262``...).
_CALLING_CODE = f"(?:33|{'|'.join(OVERSEAS_CODES)})"
_INTERNATIONAL_OPEN = f"(?:\\+|00{_SEP}?|\\((?:\\+|00)?)"
_INTERNATIONAL_PREFIX = re.compile(rf"\s*{_INTERNATIONAL_OPEN}{_CALLING_CODE}")
#: The opening of another country's number (:data:`_FOREIGN`): ``+`` or ``00``, then no French calling code.
_FOREIGN_OPEN = re.compile(r"\s*(?:\+|00|\(\+)")
_NANP = re.compile(NANP)
#: The calling code's digits, and a trunk 0 written after them (``+33 06 …``).
_CODE_DIGITS = re.compile(rf"^(?:00)?{_CALLING_CODE}0?")


def compact(number: str) -> str:
    """The national 10-digit form: ``+33 (0)6 12 34 56 78`` -> ``0612345678``; a letter O typed for a zero
    of a national number is read as one (``O1 42 15 23 35``, ``01 42 21 O9 28``)."""
    number = number.strip()
    if _MSISDN.fullmatch(number):
        return "0" + number[2:]
    if number[:1] in "Oo":
        number = "0" + number[1:]
    if number[:1] == "0":
        number = number.replace("O", "0")
    if number.startswith("(0)"):  # "(0)1 12 34 56 78": the trunk 0 in brackets, without the calling code
        number = "0" + number[3:]
    digits = "".join(_DIGITS.findall(number.replace("(0)", "")))
    if _INTERNATIONAL_PREFIX.match(number):
        digits = _CODE_DIGITS.sub("0", digits, count=1)
    return digits


def _bare(number: str) -> bool:
    """A run of digits without separators (``0612345678``): written so, ids look the same."""
    return number.strip().lstrip("Oo").isdigit()


def _foreign(number: str) -> bool:
    """Whether ``number`` is written as another country's number (:data:`_FOREIGN`, :data:`NANP`), not with a
    French code."""
    if _NANP.fullmatch(number.strip()):
        return True
    return _FOREIGN_OPEN.match(number) is not None and _INTERNATIONAL_PREFIX.match(number) is None


def validate_foreign(number: str) -> str:
    """Check another country's number with libphonenumber and return its E.164 form (a North American number
    written without ``+1``: in that plan)."""
    digits = "".join(_DIGITS.findall(number.replace("(0)", "")))
    if number.lstrip().startswith("00"):
        digits = digits[2:]
    elif _NANP.fullmatch(number.strip()):
        digits = "1" + digits[-10:]
    try:
        parsed = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        raise InvalidFormat() from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidComponent("not a valid number of its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate(number: str) -> str:
    """Check a French number and return its national 10-digit form (another country's number: its E.164 form,
    :func:`validate_foreign`).

    Raises ``InvalidFormat`` (not a French number shape), ``InvalidLength`` (not 10 digits) or
    ``InvalidComponent`` (a bare run of ten digits that is no valid number of France or an overseas
    département, per libphonenumber: written in pairs or with ``+33``, the shape alone makes it a phone).
    """
    if _foreign(number):
        return validate_foreign(number)
    national = compact(number)
    if not national.startswith("0") or national[1:2] in ("", "0"):
        raise InvalidFormat()
    if len(national) != 10:
        raise InvalidLength()
    if _bare(number) and not (is_allocated(national) or _MOBILE_BLOCK.match(national)):
        raise InvalidComponent("not an allocated French number range")
    typos = number.strip()[1:].count("O")
    if typos > 2 or (typos and not _GROUPED.search(number)):
        raise InvalidFormat()  # a code or a mask (06 OO OO OO OO), not a phone number with a typo
    return national


def is_allocated(national: str) -> bool:
    """Whether a national 10-digit number lies in a range allocated in France or an overseas département."""
    return _ALLOCATED.fullmatch(national[1:]) is not None


def _allocated_pattern() -> str:
    """The national numbers libphonenumber knows as valid in France and the overseas départements.

    ``is_valid_number`` accepts a number that matches one of its region's type patterns (fixed line,
    mobile, toll free, ...); the same patterns, joined, check a number without parsing it — in Python and,
    over whole columns, in RE2 (they use no syntax RE2 lacks).
    """
    kinds = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "voip", "personal_number",
             "pager", "uan", "voicemail")
    patterns = []
    for region in REGIONS:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        for kind in kinds:
            description = getattr(metadata, kind, None)
            if description is not None and description.national_number_pattern:
                patterns.append(description.national_number_pattern)
    return "(?:" + "|".join(dict.fromkeys(patterns)) + ")"


#: Valid national significant numbers (the nine digits after the leading 0).
ALLOCATED_RE2 = _allocated_pattern()
_ALLOCATED = re.compile(ALLOCATED_RE2, re.ASCII)
#: The mobile block of the numbering plan, 06 and 07 whole: libphonenumber lists only the ranges allocated so
#: far (07 3x to 07 9x), while validators' tests and filled-in forms write ``0712345678`` as a mobile.
MOBILE_BLOCK_RE2 = "0[67][0-9]{8}"
_MOBILE_BLOCK = re.compile(MOBILE_BLOCK_RE2)


#: In a column named for phone numbers, a number of nine digits is one whose leading zero a spreadsheet or a
#: numeric type dropped (``612345678``).
CUT_RE2 = "[1-9][0-9]{8}"


def is_valid_array(values: pa.Array) -> pa.Array:
    """Vectorised :func:`validate` for cells in one of the written forms (``SPEC.whole_re2``), or cut of their
    leading zero (:data:`CUT_RE2`)."""
    values = pc.replace_substring_regex(values, rf"^(\s*)({CUT_RE2})(\s*)$", r"\10\2\3")
    values = pc.replace_substring_regex(values, rf"^(\s*)33({SUBSCRIBER})(\s*)$", r"\10\2\3")
    values = pc.replace_substring_regex(values, r"^(\s*)(?:[Oo]|\(0\))", r"\10")
    digits = pc.replace_substring_regex(pc.replace_substring(values, "(0)", ""), "[^0-9]", "")
    international = pc.fill_null(pc.match_substring_regex(values, f"^{_INTERNATIONAL_PREFIX.pattern}"), False)
    without_code = pc.replace_substring_regex(digits, _CODE_DIGITS.pattern, "0", max_replacements=1)
    national = pc.if_else(international, without_code, digits)
    shaped = pc.fill_null(pc.match_substring_regex(national, "^0[1-9][0-9]{8}$"), False)
    allocated = pc.match_substring_regex(pc.utf8_slice_codeunits(national, 1), f"^{ALLOCATED_RE2}$")
    bare = pc.match_substring_regex(values, r"^\s*[0-9]+\s*$")
    mobile = pc.match_substring_regex(national, f"^{MOBILE_BLOCK_RE2}$")
    valid = pc.fill_null(pc.and_(shaped, pc.or_(pc.or_(allocated, mobile), pc.invert(bare))), False)
    foreign = np.flatnonzero(_foreign_array(values, international))
    if not len(foreign):
        return valid
    verdicts = valid.to_numpy(zero_copy_only=False).copy()
    verdicts[foreign] = [is_valid(value) for value in values.take(pa.array(foreign)).to_pylist()]
    return pa.array(verdicts)


def _foreign_array(values: pa.Array, international: pa.Array) -> np.ndarray:
    """Vectorised :func:`_foreign`, given which ``values`` open with a French calling code."""
    opens = pc.fill_null(pc.match_substring_regex(values, f"^{_FOREIGN_OPEN.pattern}"), False)
    nanp = pc.fill_null(pc.match_substring_regex(values, rf"^\s*(?:{NANP})\s*$"), False)
    return pc.or_(pc.and_(opens, pc.invert(international)), nanp).to_numpy(zero_copy_only=False)


def _national_array(values: pa.Array) -> pa.Array:
    """Vectorised :func:`compact` of cells that :func:`compact` reads (surrounding white space trimmed)."""
    values = pc.replace_substring_regex(pc.utf8_trim_whitespace(values), rf"^33({SUBSCRIBER})$", r"0\1")
    values = pc.replace_substring_regex(values, r"^(?:[Oo]|\(0\))", "0")
    values = pc.if_else(pc.starts_with(values, "0"), pc.replace_substring(values, "O", "0"), values)
    digits = pc.replace_substring_regex(pc.replace_substring(values, "(0)", ""), "[^0-9]", "")
    international = pc.fill_null(pc.match_substring_regex(values, f"^{_INTERNATIONAL_PREFIX.pattern}"), False)
    return pc.if_else(international, pc.replace_substring_regex(digits, _CODE_DIGITS.pattern, "0",
                                                                max_replacements=1), digits)


def scores_array(values: pa.Array) -> np.ndarray:
    """Vectorised :func:`_score_of` of valid whole cells, white space around them trimmed."""
    bare = pc.match_substring_regex(values, "^[Oo]*[0-9]+$").to_numpy(zero_copy_only=False)
    allocated = pc.match_substring_regex(pc.utf8_slice_codeunits(_national_array(values), 1),
                                         f"^{ALLOCATED_RE2}$").to_numpy(zero_copy_only=False)
    international = pc.fill_null(pc.match_substring_regex(values, f"^{_INTERNATIONAL_PREFIX.pattern}"), False)
    allocated |= _foreign_array(values, international)  # valid, libphonenumber says
    return np.where(bare, COMPACT_SCORE, np.where(allocated, SCORE, UNALLOCATED_SCORE))


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid French (or overseas) phone number in one of the written forms."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str, separator: str = " ") -> str:
    """The usual grouped presentation ``06 12 34 56 78``."""
    national = compact(number)
    return separator.join(national[i : i + 2] for i in range(0, 10, 2))


CONTEXT = (
    "tel",
    "tel.",
    "telephone",
    "numero de telephone",
    "n° de telephone",
    "n° tel",
    "portable",
    "mobile",
    "fixe",
    "gsm",
    "fax",
    "phone",
    "telephone_number",
    "phone_number",
    "mobile_phone",
    "cell",
    "contact",
    "joignable",
    "joindre",
    "appeler",
    "rappeler",
    "appelez",
    "rappelez",
    "sms",
)

#: A bare 10-digit run without separators is also how ids are written: lower score without context (and an
#: allocated range required); a grouped number outside the allocated ranges (a made-up one) scores lower too.
COMPACT_SCORE = 0.55
UNALLOCATED_SCORE = 0.6
SCORE = 0.7
CONTEXT_SCORE = 0.9


def _score_of(value: str) -> float:
    if _bare(value):
        return COMPACT_SCORE
    if _foreign(value):
        return SCORE
    return SCORE if is_allocated(compact(value)) else UNALLOCATED_SCORE


def _side_by_side(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the numbers of each run of numbers side by side in ``text``."""
    for run in _SIDE_BY_SIDE.finditer(text):
        pos, end = run.span()
        while pos < end and (one := _ONE.match(text, pos, end)):
            yield one.span()
            gap = _GAP.match(text, one.end(), end)
            pos = gap.end() if gap else end


def spans(text: str) -> list[tuple[int, int]]:
    """The spans of the written numbers of ``text``, in order: alone, or side by side with others."""
    return sorted({m.span() for m in SPAN_REGEX.finditer(text)} | set(_side_by_side(text)))


def are_valid(values: list[str]) -> np.ndarray:
    """:func:`is_valid` of many written numbers (spans of :func:`spans`) at once, as numpy booleans: in Arrow
    (:func:`is_valid_array`), but for the few with a letter O typed for a zero, checked one by one.

    >>> are_valid(['06 12 34 56 78', '0012345678', 'O1 42 15 23 35', '01 42 21 O9 28', '06 OO OO OO OO']).tolist()
    [True, False, True, True, False]
    """
    array = pa.array(values, pa.string())
    valid = is_valid_array(array).to_numpy(zero_copy_only=False).copy()
    return checked_one_by_one(valid, values, pc.match_substring(array, "O").to_numpy(zero_copy_only=False), is_valid)


SPEC = EntitySpec(
    entity=ENTITY,
    name="French phone number (national or +33), libphonenumber-valid",
    span_regex=SPAN_REGEX,
    prefilter=PREFILTER,
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=is_valid,
    score_of=_score_of,
    whole_re2=_FORMS,
    hinted_whole_re2=f"{CUT_RE2}|{MSISDN}",
    validate_array=is_valid_array,
    score_array=scores_array,
    find_spans=spans,
    validate_many=are_valid,
    not_under=_IDENTIFIER_HINTS,
)

#: A number with a digit lost or doubled (nine or eleven digits after the ``0``, bare or in pairs with one short
#: or long group), right after a phone label: ``ligne téléphonique 031478923``, ``Tél : 01 45 67 89 0``. A typo
#: does not anonymise a number: it is reported, lower than a valid one, and never without its label.
_MISTYPED = (f"0[1-9](?:[0-9]{{7}}|[0-9]{{9}})"
             f"|0[1-9](?:{_SEP}[0-9]{{2}}){{3}}{_SEP}(?:[0-9]|[0-9]{{3}})")
MISTYPED_REGEX = re.compile(
    rf"(?<![0-9A-Za-z+])(?<![0-9][ \u00a0\u202f.\-/])(?:{_MISTYPED})(?![0-9A-Za-z])(?![ \u00a0\u202f.\-/][0-9])"
)
#: The labels a mistyped number must follow (folded), and what may stand between: ``Tél. :``, ``fax -``,
#: ``portable : au``, ``n° de téléphone``.
MISTYPED_CONTEXT = ("tel", "telephone", "telephonique", "portable", "mobile", "gsm", "fax", "phone")
MISTYPED_GAP = re.compile(r"[ \t.:=\-–/]*(?:(?:au|le|n°|no)[ \t.:]*)?")
MISTYPED_SCORE = 0.5

#: Every match has nine or eleven digits, so none is a valid number: the spec needs no check.
MISTYPED_SPEC = EntitySpec(
    entity=ENTITY,
    name="phone number with a digit lost or doubled, after a phone label",
    span_regex=MISTYPED_REGEX,
    prefilter=f"(?:^|[^0-9A-Za-z+])(?:{_MISTYPED})(?:[^0-9]|$)",
    score=MISTYPED_SCORE,
    context_score=MISTYPED_SCORE,
    context=MISTYPED_CONTEXT,
    needs_context=True,
    context_window=24,
    context_gap=MISTYPED_GAP,
    not_under=_IDENTIFIER_HINTS,
)


def _north_american(number: str) -> bool:
    """Whether ``number`` is a valid North American number (libphonenumber, read in the US plan)."""
    return _valid_in(number, "US")


#: A North American number written with dashes or dots (:data:`NANP_DASHED`), after a phone word (``Tél. :
#: 514-765-4321``): ranges (``250-450 1650 UI/L``) and references (``réf. 312-456-7890``) read the same.
NANP_SPEC = EntitySpec(
    entity=ENTITY,
    name="North American phone number with dashes or dots, after a phone word",
    span_regex=re.compile(f"{_NOT_AFTER_A_NUMBER}(?:{NANP_DASHED}){_NOT_BEFORE_A_NUMBER}"),
    prefilter=f"(?:^|[^0-9A-Za-z+])(?:{NANP_DASHED})(?:[^0-9]|$)",
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    needs_context=True,
    validate=_north_american,
    whole_re2=NANP_DASHED,
    validate_array=validate_each(_north_american),
    not_under=_IDENTIFIER_HINTS,
)


#: RE2 of an MSISDN in a text, word-bounded.
_MSISDN_RE2 = f"(?:^|[^0-9A-Za-z+]){MSISDN}(?:[^0-9A-Za-z]|$)"
MSISDN_SPEC = EntitySpec(
    entity=ENTITY,
    name="French mobile number in international form without its +, after a phone word",
    span_regex=re.compile(rf"(?<![0-9A-Za-z+]){MSISDN}(?![0-9A-Za-z])"),
    prefilter=_MSISDN_RE2,
    score=COMPACT_SCORE,
    context_score=CONTEXT_SCORE,
    context=(*CONTEXT, "msisdn", "sms"),
    needs_context=True,
    validate=is_valid,
    not_under=_IDENTIFIER_HINTS,
)


#: A quoted number beside a quoted region code, either first, as phone libraries' and validators' tests and data
#: write them (``['650-798-2800', 'US']``, ``{"044 668 18 00", "CH"}``, ``('FR', '06 12 34 56 78')``): the code
#: says how to read a national number, libphonenumber checks it there.
_QUOTED_NUMBER = r"""["'](?P<number>\+?[0-9(][0-9 ().\-]{4,22}[0-9])["']"""
_QUOTED_REGION = r"""["'](?P<region>[A-Za-z]{2})["']"""
_PAIR_GAP = r"[ \t]*,[ \t]*"
#: Python: the number before its region (consumed), or the region before its number (looked ahead: a number may
#: stand between two codes, ``['+33123456789', 'US', '011 33 1 23 45 67 89']``).
REGIONED_REGEX = re.compile(f"{_QUOTED_NUMBER}(?={_PAIR_GAP}{_QUOTED_REGION})")
_REGION_FIRST = re.compile(f"(?={_QUOTED_REGION}{_PAIR_GAP}{_QUOTED_NUMBER})")
_REGIONED_RE2 = (r"""["'][+0-9(][0-9 ().\-]{4,22}[0-9]["'][ \t]*,[ \t]*["'][A-Za-z]{2}["']"""
                 r"""|["'][A-Za-z]{2}["'][ \t]*,[ \t]*["'][+0-9(][0-9 ().\-]{4,22}[0-9]["']""")
REGIONED_SCORE = 0.85


def find_regioned(text: str, folded: str, in_context: bool) -> Iterator[tuple[int, int, float]]:
    """The numbers of :data:`REGIONED_REGEX` that libphonenumber finds valid in the region beside them.

    >>> text = "['650-798-2800', 'US'], ['+33123456789', 'US', '011 33 1 23 45 67 89'], ['75001', 'FR']"
    >>> [text[s:e] for s, e, _ in find_regioned(text, text, False)]
    ['650-798-2800', '+33123456789', '011 33 1 23 45 67 89']
    """
    found = {match.span("number"): match["region"] for regex in (REGIONED_REGEX, _REGION_FIRST)
             for match in regex.finditer(text)}
    for (start, end), region in sorted(found.items()):
        if _valid_in(text[start:end], region.upper()):
            yield start, end, REGIONED_SCORE


def _valid_in(number: str, region: str) -> bool:
    """Whether libphonenumber reads ``number`` as a valid number of ``region``; in France, a bare run of digits
    only with its trunk ``0`` (``"FR", "552100554"``: a SIREN beside a country code)."""
    if region not in phonenumbers.SUPPORTED_REGIONS or (region in REGIONS and number.isdigit() and number[0] != "0"):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False


REGIONED_SPEC = EntitySpec(
    entity=ENTITY,
    name="phone number beside its region code (libraries' tests and data)",
    span_regex=REGIONED_REGEX,
    prefilter=_REGIONED_RE2,
    score=REGIONED_SCORE,
    context_score=REGIONED_SCORE,
    finder=find_regioned,
    not_under=_IDENTIFIER_HINTS,
)


#: A French number written again in the same text without its trunk 0 (``633344554``), or with its calling code but
#: no ``+`` (``33633344554``, ``33 6 33 34 45 54``), as phone libraries' and validators' tests write one number in
#: every form: a run of the nine digits after the trunk 0 is that number where the text writes it with its ``+`` or
#: ``00`` and a French or overseas calling code (``'+33633344554'``, ``'+262 692 98 01 01'``). Alone, such a run is
#: an id as often.
_RESTATED = ("(?:330?)?[1-9][0-9]{8}|(?:33 0?)?[1-9](?: [0-9]{2}){4}|(?:33\\.0?)?[1-9](?:\\.[0-9]{2}){4}"
             "|(?:33-0?)?[1-9](?:-[0-9]{2}){4}")
RESTATED_REGEX = re.compile(f"(?<![0-9A-Za-z+])(?<![0-9][ .\\-])(?:{_RESTATED})(?![0-9A-Za-z])(?![ .\\-][0-9])")
#: RE2: a number the runs may write again: with its calling code, or in pairs from its trunk 0.
_ANCHOR = f"{_INTERNATIONAL_OPEN}{_CALLING_CODE}|0{_SEP}?[1-9](?:{_SEP}?[0-9]{{2}}){{4}}"
_WRITTEN_BEFORE = f"(?:(?:^|[^0-9])(?:{_ANCHOR}))"
_ANCHOR_START = re.compile(_ANCHOR)
RESTATED_RE2 = f"(?:^|[^0-9A-Za-z+])(?:{_RESTATED})(?:[^0-9A-Za-z]|$)"
RESTATED_SCORE = 0.75
_NOT_DIGIT = re.compile(r"[^0-9]")


def subscribers(numbers: Iterable[str]) -> dict[str, bool]:
    """The nine digits after the trunk 0 of the French ``numbers`` (``+33 6 33 34 45 54``, ``04 66 32 83 16``),
    each with whether it was written with its calling code."""
    known: dict[str, bool] = {}
    for number in numbers:
        national = compact(number)
        if len(national) == 10 and national[0] == "0":
            coded = _INTERNATIONAL_PREFIX.match(number) is not None
            known[national[1:]] = known.get(national[1:], False) or coded
    return known


def restated(text: str, known: dict[str, bool]) -> Iterator[tuple[int, int]]:
    """The runs of :data:`RESTATED_REGEX` in ``text`` that write one of the ``known`` subscriber numbers again: with
    ``33`` before them, any; without, one written with its calling code (``04 66 32 83 16`` says nothing of a
    ``466328316`` further on, a reference as often)."""
    for match in RESTATED_REGEX.finditer(text):
        digits = _NOT_DIGIT.sub("", match.group())
        coded = known.get(digits[-9:])
        if coded is not None and (digits[:-9] in ("33", "330") or (coded and len(digits) == 9)):
            yield match.span()


def find_restated(text: str, folded: str, in_context: bool) -> Iterator[tuple[int, int, float]]:
    """The numbers of ``text`` written again without their trunk 0 or ``+`` (:func:`restated`).

    >>> text = "${'+33633344554'} | ${'633344554'}, ${'33633344554'}, ${'612345678'}"
    >>> [text[s:e] for s, e, _ in find_restated(text, text, False)]
    ['633344554', '33633344554']
    >>> text = "de la France au 04 66 32 83 16, hors de France au 33 4 66 32 83 16 (réf. 466328316)"
    >>> [text[s:e] for s, e, _ in find_restated(text, text, False)]
    ['33 4 66 32 83 16']
    >>> [list(find_restated(t, t, False)) for t in ("Tél : +33 (0)6 12 34 56 78", "(+33) 6 12 34 56 78")]
    [[], []]
    """
    numbers = [(start, end) for start, end in spans(text) if _ANCHOR_START.match(text, start)]
    known = subscribers(text[start:end] for start, end in numbers)
    for start, end in restated(text, known) if known else ():
        if not any(start < e and s < end for s, e in numbers):  # "+33 (0)6 12 34 56 78" holds "6 12 34 56 78"
            yield start, end, RESTATED_SCORE


RESTATED_SPEC = EntitySpec(
    entity=ENTITY,
    name="French number written again without its trunk 0 or its +, beside its international form",
    # the run with the number written with its code, before or after it (the finder reports the run alone)
    span_regex=re.compile(f"(?s){_WRITTEN_BEFORE}.*?{RESTATED_REGEX.pattern}"
                          f"|{RESTATED_REGEX.pattern}(?=.*?{_WRITTEN_BEFORE})"),
    prefilter=f"(?s){_WRITTEN_BEFORE}.*{RESTATED_RE2}|{RESTATED_RE2}.*{_WRITTEN_BEFORE}",
    score=RESTATED_SCORE,
    context_score=RESTATED_SCORE,
    finder=find_restated,
    not_under=_IDENTIFIER_HINTS,
)


def _recognizer_class() -> type:
    from recognizers.adapter import SpecRecognizer

    class FrPhoneRecognizer(SpecRecognizer):
        """Presidio recognizer of French phone numbers, checked with libphonenumber.

        Scores: 0.7 for a grouped or international number, 0.4 for a bare run of ten digits, 0.9 after a context
        word (``tél``, ``portable``, ``mobile``, ``fixe``, ``contact``...). Never inside a longer digit run.
        """

        def __init__(self, supported_language: str = "fr"):
            super().__init__([SPEC, MISTYPED_SPEC, MSISDN_SPEC, REGIONED_SPEC, NANP_SPEC, RESTATED_SPEC],
                             supported_language=supported_language, name="FrPhoneRecognizer")

    return FrPhoneRecognizer


#: ``FrPhoneRecognizer``, the Presidio recognizer, is built on first use: importing this module
#: for its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "FrPhoneRecognizer", _recognizer_class)
