"""AMC number: the number of the complementary insurer (organisme complémentaire) on a tiers-payant card.

In the French tiers-payant flows a complementary insurer (mutuelle, institution de prévoyance or insurance
company, *AMC* for "Assurance Maladie Complémentaire" as opposed to *AMO*, the compulsory scheme) is known by
a number printed on the beneficiary's tiers-payant card ("carte de tiers payant", "attestation de droits")
and carried in the SESAM-Vitale invoices (FSE) and the electronic claims sent to the AMC or to its operator
(Viamedis, Almerys, SP santé, iSanté...). It tells the pharmacist or the practitioner whom to bill.

Format: 8 to 10 digits, written compact; the usual forms are the 8-digit "numéro AMC" of the SESAM-Vitale
tables and the 9-digit registration number of the organism (a mutuelle's number at the Registre national des
mutuelles, a SIREN for an insurance company), sometimes followed by a routing suffix. There is no check
digit, so a number of this shape is an AMC number only when something says so: a context word just before it
(``N° AMC``, ``code AMC``, ``organisme complémentaire``, ``n° d'organisme``, ``numéro de mutuelle``...) or a
column named so. Without context this recognizer reports nothing (``needs_context``).

Sources:

* GIE SESAM-Vitale, "Cahier des charges SESAM-Vitale" and "Tiers payant AMC" documentation (numéro AMC, type
  de convention, domaines): https://www.sesam-vitale.fr
* Assurance Maladie, "Le tiers payant": https://www.ameli.fr/assure/remboursements/etre-bien-rembourse/tiers-payant
* Association Inter-AMC, "Cahier des charges de la carte de tiers payant" (the card layout):
  https://www.interamc.org

>>> validate('12345678')
'12345678'
>>> is_valid('1234567')   # too short
False
>>> is_valid('00000000')  # a placeholder, not a number
False
>>> text = 'Carte TP - N° AMC : 31203478 - type conv. RO'
>>> [text[s:e] for s, e, _ in SPEC.find(text)]
['31203478']
>>> list(SPEC.find('Commande 31203478 expédiée'))  # no context: nothing
[]
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from recognizers.record import EntityRecord, SarifRule
from recognizers.spec import EntitySpec, lazy_attribute, not_one_repeated_digit

ENTITY = "FR_AMC"

RECORD = EntityRecord(
    name=ENTITY,
    priority=3,
    preview_keep=2,
    token_prefix="AMC_",
    default_operator="token",
    normal_form="identifier",
    sarif=SarifRule(
        id="LG-FR-AMC",
        name="FrenchComplementaryInsurerNumber",
        level="warning",
        security_severity="4.0",
        short="AMC number of a complementary health insurer",
        full=(
            "The 8 to 10 digit number of the complementary insurer (organisme complémentaire) printed on a "
            "tiers-payant card, found next to its context (column name or words such as 'N° AMC')."
        ),
    ),
    label_fr="N° AMC",
    label_en="AMC number",
)

MIN_LENGTH = 8
MAX_LENGTH = 10

_SEPARATORS_RE = re.compile(r"[ \u00a0\u202f]+")


def compact(number: str) -> str:
    """Strip the spaces (plain, no-break, narrow no-break) of a written AMC number."""
    return _SEPARATORS_RE.sub("", number).strip()


def validate(number: str) -> str:
    """Check the shape of an AMC number and return its compact form.

    Raises ``InvalidFormat`` (not digits), ``InvalidLength`` (not 8-10 digits) or ``InvalidComponent`` (one
    digit repeated, a placeholder such as ``00000000``).
    """
    number = compact(number)
    if not (number.isascii() and number.isdigit()):
        raise InvalidFormat()
    if not MIN_LENGTH <= len(number) <= MAX_LENGTH:
        raise InvalidLength()
    if len(set(number)) == 1:
        raise InvalidComponent("a repeated digit is a placeholder, not an AMC number")
    return number


def is_valid(number: str) -> bool:
    """Whether ``number`` has the shape of an AMC number (there is no check digit to verify)."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


#: Python pattern: 8-10 digits, never inside a longer run of digits or letters, nor a decimal or dotted number.
SPAN_REGEX = re.compile(r"(?<![0-9A-Za-z])(?<![0-9][.,\-])[0-9]{8,10}(?![0-9A-Za-z])(?![.,\-][0-9])")
#: RE2 pre-filter: 8 digits in a row (every match above holds some).
PREFILTER = r"[0-9]{8}"

CONTEXT = (
    "amc",
    "n° amc",
    "no amc",
    "num amc",
    "numero amc",
    "code amc",
    "id amc",
    "numero d'amc",
    "organisme complementaire",
    "organisme complementaire sante",
    "complementaire sante",
    "n° d'organisme",
    "numero d'organisme",
    "no organisme",
    "code organisme",
    "organisme",
    "numero de mutuelle",
    "n° de mutuelle",
    "n° mutuelle",
    "code mutuelle",
    "ocam",
    "operateur tiers payant",
    "numero de l'organisme",
    "code prefectoral",  # the number the prefecture registered a mutuelle under, its AMC number in tiers payant
    "numero prefectoral",
    "n° prefectoral",
    # the number a tiers-payant card gives the organisme for SESAM-Vitale's transmissions (NOEMIE)
    "n° teletransmission",
    "n° de teletransmission",
    "numero de teletransmission",
    "numero teletransmission",
    "code teletransmission",
)
#: What may stand between the context word and the number: words and punctuation, not another number.
CONTEXT_GAP = re.compile(r"[^0-9]*")
CONTEXT_WINDOW = 40

SCORE = 0.4
CONTEXT_SCORE = 0.85

SPEC = EntitySpec(
    entity=ENTITY,
    name="AMC number (8-10 digits) after an AMC context word",
    span_regex=SPAN_REGEX,
    prefilter=PREFILTER,
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=is_valid,
    whole_re2=r"[0-9]{8,10}",
    validate_array=not_one_repeated_digit,
    needs_context=True,
    context_window=CONTEXT_WINDOW,
    context_gap=CONTEXT_GAP,
)


def _recognizer_class() -> type:
    from recognizers.adapter import SpecRecognizer

    class FrAmcRecognizer(SpecRecognizer):
        """Presidio recognizer of AMC numbers (complementary insurer numbers on tiers-payant cards).

        Reported only after a context word (``N° AMC``, ``organisme complémentaire``, ``n° d'organisme``...) in
        the 40 characters before the number with no other number between them; score 0.85.
        """

        def __init__(self, supported_language: str = "fr"):
            super().__init__([SPEC], supported_language=supported_language, name="FrAmcRecognizer")

    return FrAmcRecognizer


#: ``FrAmcRecognizer``, the Presidio recognizer, is built on first use: importing this module
#: for its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "FrAmcRecognizer", _recognizer_class)
