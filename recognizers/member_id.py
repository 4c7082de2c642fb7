"""Member (adherent) number at a mutuelle or a complementary insurer.

Every complementary insurer numbers its members ("adhérents", "membres participants" in the Code de la
mutualité) and their contracts; the number is printed on the tiers-payant card next to the AMC number, on
the "attestation de droits", the "décompte de remboursement" and every letter, and it is what a call centre
asks for. Each insurer chooses its own format; what is met in files:

* plain digits, 6 to 12 (``00123456``, ``7845123690``);
* an insurer or product prefix of 1 to 6 capitals/digits, then digits (``MGEN-01234567``, ``HM 4512378``,
  ``AG2R0045127``);
* digits with a short rank or check suffix (``4512789-01``: member and beneficiary rank, ``1234567/2``);
* groups of digits as cards print them, maybe after a prefix (``0231 774 05``, ``MH-2207-0091``).

None of these carries a check digit common to insurers, so a member number is recognised only after a
context word (``n° adhérent``, ``numéro d'adhérent``, ``matricule adhérent``, ``n° de contrat``, ``member
id``...) close before it, or in a column named so (``needs_context``).

Sources:

* Code de la mutualité, articles L114-1 (membres participants et honoraires) and L221-2 (adhésion):
  https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006074067
* Association Inter-AMC, "Cahier des charges de la carte de tiers payant" (the "N° adhérent" field):
  https://www.interamc.org

>>> validate('MGEN-01234567')
'MGEN01234567'
>>> is_valid('12345')          # too short
False
>>> is_valid('ABCDEF')         # no digits
False
>>> text = "N° d'adhérent : MGEN-7845123 (rang 01)"
>>> [text[s:e] for s, e, _ in SPEC.find(text)]
['MGEN-7845123']
>>> list(SPEC.find('Code postal 75012, tel 7845123690'))
[]
>>> list(SPEC.find('Contrat obligatoire frais de santé - IDCC 1501'))  # a collective agreement
[]
>>> list(SPEC.find('"date_debut_contrat": "2024-09-01"')), list(SPEC.find("Contrat signé le 2024-09-01 10:15"))
([], [])
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from recognizers.record import EntityRecord, SarifRule
from recognizers.spec import EntitySpec, lazy_attribute, not_one_repeated_digit

ENTITY = "FR_MUTUELLE_MEMBER_ID"

RECORD = EntityRecord(
    name=ENTITY,
    priority=4,
    preview_keep=2,
    token_prefix="ADH_",
    default_operator="token",
    normal_form="identifier",
    sarif=SarifRule(
        id="LG-FR-MUTUELLE-MEMBER-ID",
        name="MutuelleMemberNumber",
        level="error",
        security_severity="8.0",
        short="Member number at a mutuelle",
        full="The adherent or member number of a person at a mutuelle or complementary insurer.",
    ),
    label_fr="N° d'adhérent",
    label_en="Member number",
)

_SEPARATORS_RE = re.compile(r"[ \u00a0\u202f/\-]+")

#: Shortest and longest compact member numbers (prefix and suffix included).
MIN_LENGTH = 6
MAX_LENGTH = 16


def compact(number: str) -> str:
    """Strip separators (spaces, dashes, slashes) and upper-case: ``mgen-0123`` -> ``MGEN0123``."""
    return _SEPARATORS_RE.sub("", number).strip().upper()


def validate(number: str) -> str:
    """Check the shape of a member number and return its compact form.

    Raises ``InvalidFormat`` (characters other than letters, digits and separators, or fewer than 4 digits),
    ``InvalidLength`` (not 6-16 characters once compact) or ``InvalidComponent`` (one digit repeated, a
    placeholder such as ``000000``).
    """
    written = number.strip()
    if _DATE.match(written):
        raise InvalidComponent("a calendar date (maybe with its time), not a member number")
    number = compact(number)
    if not (number.isascii() and number.isalnum()):
        raise InvalidFormat()
    if not MIN_LENGTH <= len(number) <= MAX_LENGTH:
        raise InvalidLength()
    digits = "".join(c for c in number if c.isdigit())
    if len(digits) < 4:
        raise InvalidFormat("a member number holds at least 4 digits")
    if len(set(digits)) == 1 and digits == number:
        raise InvalidComponent("a repeated digit is a placeholder, not a member number")
    prefix = _PREFIX.match(number)[0]
    if prefix in OTHER_CODES and not (len(prefix) == 2 and written[2:3].isdigit()):
        # French standards are written apart ("NF EN 1234", "NF S 61-937"): "NF70304618" is a member's number
        raise InvalidComponent("the prefix names another kind of number")
    return number


#: A calendar date with dashes or slashes, ISO or French (``2024-09-01``, ``01/09/2024``): a contract's start, not
#: its number (the grouped form reads one).
_DATE_RE2 = (r"(?:19|20)[0-9]{2}[\-/](?:0[1-9]|1[0-2])[\-/](?:0[1-9]|[12][0-9]|3[01])"
             r"|(?:0[1-9]|[12][0-9]|3[01])[\-/](?:0[1-9]|1[0-2])[\-/](?:19|20)[0-9]{2}")
_DATE = re.compile(_DATE_RE2)
#: Prefixes that name another kind of number, not a member's (``IDCC 1501``: a collective agreement; ``CERFA
#: 12345``: a form; ``SIRET``, ``FINESS``, ``RPPS``, ``ADELI``: organisations and professionals).
OTHER_CODES = frozenset({"IDCC", "CERFA", "SIRET", "SIREN", "FINESS", "RPPS", "ADELI", "APE", "NAF", "RCS", "TVA",
                         "ISO", "NF", "DMP", "INSEE", "URSSAF", "CNIL"})
_PREFIX = re.compile(r"[A-Z]*")


def is_valid(number: str) -> bool:
    """Whether ``number`` has the shape of a member number (no check digit to verify)."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def is_valid_array(values: pa.Array) -> pa.Array:
    """Vectorised :func:`validate` for cells in one of the written forms (``SPEC.whole_re2``)."""
    length = pc.utf8_length(pc.replace_substring_regex(pc.utf8_trim_whitespace(values), r"[ \x{00a0}\x{202f}/\-]+", ""))
    sized = pc.and_(pc.greater_equal(length, MIN_LENGTH), pc.less_equal(length, MAX_LENGTH))
    dated = pc.match_substring_regex(values, rf"^\s*(?:{_DATE_RE2})")
    return pc.fill_null(pc.and_(pc.and_(sized, not_one_repeated_digit(values)), pc.invert(dated)), False)


_ONE_PIECE = (
    # prefix of capitals (and digits after the first letter), an optional separator, digits
    r"[A-Z][A-Z0-9]{0,5}[ \-]?[0-9]{4,12}"
    # plain digits with an optional rank/check suffix
    r"|[0-9]{6,12}(?:[/\-][0-9]{1,3})?"
)
#: Groups of digits apart by a space or a dash, maybe after a prefix, as cards print them.
_GROUPED = r"(?:[A-Z][A-Z0-9]{0,5}[ \-])?[0-9]{2,6}(?:[ \-][0-9]{1,6}){1,3}"
_FORMS = f"{_ONE_PIECE}|{_GROUPED}"
#: Python pattern of the written forms, never inside a longer word or number; groups first, not cut before another.
SPAN_REGEX = re.compile(rf"(?<![0-9A-Za-z])(?<![0-9][.,\-/])(?:(?<![0-9] )(?:{_GROUPED})(?![.,\-/ ][0-9])"
                        rf"|(?:{_ONE_PIECE})(?![.,\-/][0-9]))(?![0-9A-Za-z])")
#: RE2 pre-filter: 4 digits in a row, or a group of two and the next one (every form above holds one).
PREFILTER = r"[0-9]{4}|[0-9]{2}[ \-][0-9]"

CONTEXT = (
    "adherent",
    "n° adherent",
    "no adherent",
    "num adherent",
    "numero adherent",
    "numero d'adherent",
    "n° d'adherent",
    "matricule adherent",
    "id adherent",
    "code adherent",
    "membre",
    "n° de membre",
    "numero de membre",
    "n° membre",
    "n° de contrat",
    "n° contrat",
    "numero de contrat",
    "num contrat",
    "contrat",
    "ref contrat",
    "reference contrat",
    "member id",
    "member number",
    "membership",
    "member",
    "n° assure mutuelle",
    "numero assure complementaire",
    "n° affilie",
    "affilie",
    "affiliation",
    "n° de police",
    "numero de police",
)
#: Between the context word and the number: words and punctuation, no other number.
CONTEXT_GAP = re.compile(r"[^0-9]*")
CONTEXT_WINDOW = 40

SCORE = 0.4
CONTEXT_SCORE = 0.8

SPEC = EntitySpec(
    entity=ENTITY,
    name="mutuelle member / adherent number after a context word",
    span_regex=SPAN_REGEX,
    prefilter=PREFILTER,
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=is_valid,
    whole_re2=_FORMS,
    validate_array=is_valid_array,
    needs_context=True,
    context_window=CONTEXT_WINDOW,
    context_gap=CONTEXT_GAP,
)


def _recognizer_class() -> type:
    from recognizers.adapter import SpecRecognizer

    class FrMutuelleMemberIdRecognizer(SpecRecognizer):
        """Presidio recognizer of member / adherent numbers at a mutuelle or complementary insurer.

        Reported only after a context word (``n° adhérent``, ``matricule adhérent``, ``n° de contrat``,
        ``member id``...) in the 40 characters before it with no other number between them; score 0.8.
        """

        def __init__(self, supported_language: str = "fr"):
            super().__init__([SPEC], supported_language=supported_language, name="FrMutuelleMemberIdRecognizer")

    return FrMutuelleMemberIdRecognizer


#: ``FrMutuelleMemberIdRecognizer``, the Presidio recognizer, is built on first use: importing this module
#: for its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "FrMutuelleMemberIdRecognizer", _recognizer_class)
