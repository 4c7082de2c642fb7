"""Dates of birth, as written in French files and messages.

A date of birth is a date that something says is one: the date itself looks like any other (a care date, an
invoice date, a timestamp), so this recognizer reports a date only when a birth context word stands *right
before* it, with nothing but separators between them::

    né le 12/05/1985     née le 1er janvier 1990     Date de naissance : 12.05.1985
    DDN 1985-05-12       "date_naissance": "1985-05-12"     dob=19850512

Written forms: day first with ``/``, ``-`` or ``.`` (``12/05/1985``, two-digit years too: ``12/05/85``), the
long French form (``12 mai 1985``, ``1er janvier 1990``), ISO (``1985-05-12``) and compact (``19850512``,
``12051985``). The date must exist in the calendar (no 31 April, 29 February only in leap years), lie between
1900 and today.

The context window is tight on purpose: in ``Date de naissance : 12/05/1985, soins du 03/02/2024`` the care
date is not reported, though ``naissance`` appears earlier in the sentence; ``soins du``, ``payé le``,
``facture du``, ``remboursé le`` are never birth contexts. Dates in a column named for birth dates are
reported by ``leakguard.detect`` from the column name.

Sources:

* INSEE / ANS, "Référentiel INS": the date of birth is one of the INS traits (nom, prénoms, sexe, date et
  lieu de naissance): https://esante.gouv.fr/produits-services/referentiel-ins
* ISO 8601 and the French day-month-year convention (Office québécois de la langue française, Banque de
  dépannage linguistique, "Date"): https://vitrinelinguistique.oqlf.gouv.qc.ca

>>> validate('1er janvier 1990')
'1990-01-01'
>>> validate('29/02/1985')  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidComponent: ...
>>> text = 'Mme X, née le 12/05/1985, soins du 03/02/2024'
>>> [text[s:e] for s, e, _ in SPEC.find(text)]
['12/05/1985']
>>> list(SPEC.find('Facture du 12/05/2023, payée le 14/05/2023'))
[]
"""

from __future__ import annotations

import datetime as dt
import re

from stdnum.exceptions import InvalidComponent, InvalidFormat, ValidationError

from recognizers.patterns import FLAGS, both_cases
from recognizers.spec import EntitySpec, fold, lazy_attribute, validate_each

ENTITY = "DATE_OF_BIRTH"

#: Oldest year of birth reported.
MIN_YEAR = 1900

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}

_SP = "[ \t\u00a0\u202f]"
_DAY = "(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH = "(?:0?[1-9]|1[0-2])"
_MONTH_WORD = both_cases(
    "(?:janv(?:ier|\\.)?|f[eé]v(?:rier|r?\\.)?|mars|avr(?:il|\\.)?|mai|juin|juil(?:let|\\.)?|ao[uû]t"
    "|sept(?:embre|\\.)?|oct(?:obre|\\.)?|nov(?:embre|\\.)?|d[eé]c(?:embre|\\.)?)"
)
_DAY_FIRST = f"{_DAY}(?P<sep>[/.\\-]){_MONTH}(?P=sep)(?:[0-9]{{4}}|[0-9]{{2}})"
_LONG = f"{_DAY}(?:er)?{_SP}+{_MONTH_WORD}{_SP}+[0-9]{{4}}"
_ISO = "(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_COMPACT = "[0-9]{8}"

#: Python pattern of the written forms, not inside a longer number or word (an ISO date may go on with ``T``).
SPAN_REGEX = re.compile(
    rf"(?<![0-9A-Za-z])(?<![0-9][/.\-:])(?:{_DAY_FIRST}|{_LONG}|{_ISO}|{_COMPACT})"
    rf"(?![0-9A-SU-Za-su-z])(?![/.\-:][0-9])",
    FLAGS,
)
#: RE2 form of a cell holding one date: the day-first forms spelled out per separator (RE2 has no
#: back-references), then the same long, ISO and compact forms as the span regex.
WHOLE_RE2 = "(?i)(?:" + "|".join(
    [f"{_DAY}{sep}{_MONTH}{sep}(?:[0-9]{{4}}|[0-9]{{2}})" for sep in ("/", "\\.", "-")] + [_LONG, _ISO, _COMPACT]
) + ")"
#: RE2 pre-filter: two numbers and a separator, a month name after a number, or 8 digits (no back-references).
PREFILTER = (
    f"(?i)(?:[0-9]{{1,2}}[/.\\-][0-9]{{1,2}}[/.\\-][0-9]{{2}}|[0-9]{{1,2}}(?:er)?{_SP}+{_MONTH_WORD}"
    f"|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|[0-9]{{8}})"
)

_NUMERIC = re.compile(r"([0-9]{1,4})[/.\-]([0-9]{1,2})[/.\-]([0-9]{1,4})")
_WORDS = re.compile(r"([0-9]{1,2})(?:er)?\s+([a-z]+)\.?\s+([0-9]{4})")


def _year(text: str, today: dt.date) -> int:
    if len(text) == 4:
        return int(text)
    if len(text) == 2:  # two-digit year: the latest century that keeps the date in the past
        year = 2000 + int(text)
        return year if year <= today.year else year - 100
    raise InvalidFormat("a year has 2 or 4 digits")


def _check(year: int, month: int, day: int, today: dt.date) -> dt.date:
    try:
        date = dt.date(year, month, day)
    except ValueError as error:
        raise InvalidComponent(f"no such date: {error}") from None
    if date.year < MIN_YEAR or date > today:
        raise InvalidComponent(f"a date of birth lies between {MIN_YEAR} and today")
    return date


def to_date(text: str, today: dt.date | None = None) -> dt.date:
    """The calendar date written in ``text`` (any form above); raises a ``ValidationError`` subclass.

    >>> to_date('12.05.85')
    datetime.date(1985, 5, 12)
    """
    today = today or dt.date.today()
    text = fold(text.strip())
    if match := _NUMERIC.fullmatch(text):
        first, month, last = match.groups()
        if len(first) == 4:  # ISO
            return _check(int(first), int(month), int(last), today)
        return _check(_year(last, today), int(month), int(first), today)
    if match := _WORDS.fullmatch(text):
        day, word, year = match.groups()
        if word not in MONTHS:
            raise InvalidFormat(f"unknown month {word!r}")
        return _check(int(year), MONTHS[word], int(day), today)
    if text.isdigit() and len(text) == 8:
        errors: list[ValidationError] = []
        for year, month, day in ((text[:4], text[4:6], text[6:]), (text[4:], text[2:4], text[:2])):
            try:
                return _check(int(year), int(month), int(day), today)
            except ValidationError as error:
                errors.append(error)
        raise errors[0]
    raise InvalidFormat("not a date")


def validate(text: str) -> str:
    """Check that ``text`` is a date of birth's written form, a real date, in the past; return it as ISO."""
    return to_date(text).isoformat()


def is_valid(text: str) -> bool:
    """Whether ``text`` is a real calendar date between 1900 and today, in one of the written forms."""
    try:
        return bool(validate(text))
    except ValidationError:
        return False


CONTEXT = (
    "ne le",
    "nee le",
    "ne(e) le",
    "ne(e)",
    "nes le",
    "nees le",
    "ne",
    "nee",
    "date de naissance",
    "date naissance",
    "date_naissance",
    "date-naissance",
    "datenaissance",
    "dt_naissance",
    "dtnaissance",
    "date_naiss",
    "date naiss",
    "dt_naiss",
    "naissance",
    "naiss",
    "ddn",
    "birth",
    "birthdate",
    "birth_date",
    "birth date",
    "birthday",
    "date of birth",
    "date_of_birth",
    "dateofbirth",
    "born",
    "born on",
    "dob",
)
#: Only separators (and a "le") between the context word and the date: the word must be right before it.
CONTEXT_GAP = re.compile(r"""[\s:=\"'(\[{<>,\-]*(?:le\s+)?[\s:=\"']*""")
CONTEXT_WINDOW = 40

SCORE = 0.5
CONTEXT_SCORE = 0.9

SPEC = EntitySpec(
    entity=ENTITY,
    name="date right after a birth context word",
    span_regex=SPAN_REGEX,
    prefilter=PREFILTER,
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=is_valid,
    needs_context=True,
    whole_re2=WHOLE_RE2,
    validate_array=validate_each(is_valid),
    context_window=CONTEXT_WINDOW,
    context_gap=CONTEXT_GAP,
)


def _recognizer_class() -> type:
    from recognizers.adapter import SpecRecognizer

    class DateOfBirthRecognizer(SpecRecognizer):
        """Presidio recognizer of dates of birth: a real date right after ``né le``, ``date de naissance``, ``DDN``,
        ``dob``... (nothing but separators between them); score 0.9. Other dates are not reported."""

        def __init__(self, supported_language: str = "fr"):
            super().__init__([SPEC], supported_language=supported_language, name="DateOfBirthRecognizer")

    return DateOfBirthRecognizer


#: ``DateOfBirthRecognizer``, the Presidio recognizer, is built on first use: importing this module
#: for its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "DateOfBirthRecognizer", _recognizer_class)
