"""Dates of birth, as written in French files, forms, letters and notes.

A date of birth is a date that something says is one: the date itself looks like any other (a care date, an
invoice date, a timestamp). This recognizer reports a date when:

* a birth word stands right before it, with nothing but separators, ``le``, ``à PLACE (64) le`` or ``PLACE,
  le`` between them, or after ``née`` a maiden name or a night between two days::

      né le 12/05/1985     née le 1er janvier 1990     Date de naissance : 12.05.1985     DDN 1985-05-12
      "date_naissance": "1985-05-12"     Né à Lyon le 3 mars 1950     né(e) en 1923     née en novembre 1975
      née DUPONT le 14/09/1948     née dans la nuit du 1er au 2 février 1952

* an age follows it: ``22/01/1965 (27 ans)``, ``12/05/1985, 38 ans``;
* it comes right after a person's name (:func:`recognizers.person.find`), with only separators or a sex
  between them, as in identity headers and lists of patients: ``TRAVIS GUILLAUMET 02/01/1978``,
  ``Marie Daubert | F | 10/05/1986``, ``Mirella Rousset, 23/04/1976`` — not after a doctor's name, where a
  date is the day of a visit or a letter; with ``le`` between them (``TRAVIS GUILLAUMET le deux janvier
  1978``) only when the date lies 15 years or more before the latest year the text writes, else it is the
  day of a visit or a call; in a row of a list, a date 15 years or more older further in the name's record
  (``NAME  30/03/2022  <NIR>  29/10/1995``) is the birth date, and the first one a care's;
* a birth word follows it (``Le 7 novembre 1867 : naissance de ...``), or a name "a vu le jour" right
  before it (``Philippine a vu le jour en 1802``; not a mutuelle or a law);
* it opens a life span after a name, as biographies write it: ``Jean Aicardi (1926-2015)`` reports 1926, or in
  prose: ``a vécu de 1865 à 1938``, ``vécut entre 1863 et 1933``;
* it is a day and a month without a year after ``né(e) le`` (``née le 17 février à Nancy``).

Written forms: day first with ``/``, ``-``, ``.`` or ``|``, spaces around them allowed (``12 . 06 . 1981``),
two-digit years too; digits spaced one by one (``1 2 0 5 1 9 7 8``, ``1 2 . 0 6 . 1 9 8 1``); the long
French form with the month's name (``12 mai 1985``, ``1er janvier 1990``, ``12-mai-1985``, ``12 mai 85``); dates
in words (``le deux janvier mille neuf cent soixante-dix-huit``, ``mil neuf cent``, parsed with ``text2num``);
ISO (``1985-05-12``, ``1985/05/12``) and compact (``19850512``, ``12051985``); after ``né(e) en``, a month and
year or a year alone. The date must exist in the calendar (no 31 April, 29 February only in leap years) and lie
between 1800 and today, or 1000 where words state the birth (``né en 1766``, a life span: genealogy and
biographies).

Care, visit, admission and document dates are not reported: ``soins du``, ``payé le``, ``consultation du``,
``imprimé le`` are no birth words, and the context must stand right before the date (``Date de naissance :
12/05/1985, soins du 03/02/2024`` reports the first date only).

Sources:

* INSEE / ANS, "Référentiel INS": the date of birth is one of the INS traits (nom, prénoms, sexe, date et
  lieu de naissance): https://esante.gouv.fr/produits-services/referentiel-ins
* ISO 8601 and the French day-month-year convention (Office québécois de la langue française, Banque de
  dépannage linguistique, "Date"): https://vitrinelinguistique.oqlf.gouv.qc.ca
* Académie française, numbers in words ("Écrire les nombres en lettres", rectifications de 1990).

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
>>> text = 'Né le deux janvier mille neuf cent soixante-dix-huit, vu le 3 mars 2020. TRAVIS GUILLAUMET 02/01/1978'
>>> [text[s:e] for s, e, _ in SPEC.find(text)]
['deux janvier mille neuf cent soixante-dix-huit', '02/01/1978']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.exceptions import InvalidComponent, InvalidFormat, ValidationError
from text_to_num import text2num

from recognizers import hl7, insurer, lexicon, nir
from recognizers.patterns import BLANK, FLAGS, LOWER, UPPER, both_cases
from recognizers.record import EntityRecord, SarifRule
from recognizers.spec import (
    FOLDS_TO_LETTER_RE2,
    WHITESPACE_RE2,
    EntitySpec,
    fold,
    lazy_attribute,
    spelt_re2,
    validate_each,
    words_re2,
)

ENTITY = "DATE_OF_BIRTH"

RECORD = EntityRecord(
    name=ENTITY,
    priority=6,
    preview_keep=0,
    token_prefix="DOB_",
    default_operator="generalise",
    normal_form="date",
    sarif=SarifRule(
        id="LG-DATE-OF-BIRTH",
        name="DateOfBirth",
        level="error",
        security_severity="7.5",
        short="Date of birth",
        full="A date of birth (a date column or text identified as a birth date, not any date).",
    ),
    label_fr="Date de naissance",
    label_en="Date of birth",
)

#: Oldest year of birth reported.
MIN_YEAR = 1800
#: Oldest year of birth reported where words state the birth (``né en 1766``, ``née et baptisée le 4 décembre
#: 1783``, a life span after a name, ``a vécu de 1741 à 1802``): genealogy and biographies name people born
#: long before; elsewhere a year that old is no one's birth in the data leakguard reads.
OLDEST_STATED_YEAR = 1000

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

_SP = BLANK
_DAY = "(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH = "(?:0?[1-9]|1[0-2])"
_MONTH_WORD = both_cases(
    "(?:janv(?:ier|\\.)?|f[eé]v(?:rier|r?\\.)?|mars|avr(?:il|\\.)?|mai|juin|juil(?:let|\\.)?|ao[uû]t"
    "|sept(?:embre|\\.)?|oct(?:obre|\\.)?|nov(?:embre|\\.)?|d[eé]c(?:embre|\\.)?)"
)
#: French number words (a day or a year written out), joined by spaces or hyphens.
_NUMBER_WORD = (
    "(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingts?"
    "|trente|quarante|cinquante|soixante|cents?|mille|mil|et)"
)
_NUMBER_WORDS = f"{_NUMBER_WORD}(?:[ \\-]+{_NUMBER_WORD})*"
_DAY_WORDS = f"(?:premier|{_NUMBER_WORDS})"
#: The first word of a day in words (RE2 pre-filters).
_DAY_WORD_START = ("premier|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze"
                   "|seize|vingt|trente")
_YEAR_WORDS = f"(?:mil(?:le)?|deux[ \\-]+mille|dix[ \\-]+neuf[ \\-]+cents?)(?:[ \\-]+{_NUMBER_WORD})*"
#: Day-first numeric forms: one separator among / . - |, maybe with a space on each side.
_DAY_FIRST = f"{_DAY} ?(?P<sep>[/.\\-|]) ?{_MONTH} ?(?P=sep) ?(?:[0-9]{{4}}|[0-9]{{2}})"
#: Digits spaced one by one, maybe with separators: "1 2 0 5 1 9 7 8", "1 2 . 0 6 . 1 9 8 1".
_SPACED = "[0-3] [0-9] (?:[/.\\-|] )?[01] [0-9] (?:[/.\\-|] )?[12] [0-9] [0-9] [0-9]"
#: Two-digit day and month and a four-digit year apart by one space each, as forms print boxes: "03 04 1957".
_SPACE_APART = "(?:0[1-9]|[12][0-9]|3[01]) (?:0[1-9]|1[0-2]) (?:1[89]|20)[0-9]{2}"
#: Between the words of a date: blanks (no-break spaces of word processors included) or a hyphen (also where
#: :mod:`leakguard.pseudonymise.dates` writes a date back).
WORD_GAP = f"{_SP}*[ \\-\u00a0\u202f]{_SP}*"
_LONG = (f"(?:{_DAY}(?: ?er)?|{_DAY_WORDS}){WORD_GAP}(?:de{_SP}+)?{_MONTH_WORD}{WORD_GAP}"
         f"(?:[0-9]{{4}}|[0-9]{{2}}|{_YEAR_WORDS})")
#: Year first: ISO 8601 with dashes, or slashes as many databases and spreadsheets export it (``1985/05/12``).
_ISO = "(?:1[89]|20)[0-9]{2}(?:-(?:0[1-9]|1[0-2])-|/(?:0[1-9]|1[0-2])/)(?:0[1-9]|[12][0-9]|3[01])"
_COMPACT = "[0-9]{8}"
#: The 8-digit runs :func:`to_date` can read (year first or last, 1800-2099): an RE2 screen, where most 8-digit
#: runs are codes (an AMC or an invoice number after ``N° AMC``), not dates.
_CALENDAR_COMPACT = (
    "(?:(?:1[89]|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])(?:1[89]|20)[0-9]{2})"
)
#: The day of the week a date may open with, part of its span (``samedi 6 août 1836``): left outside, it would
#: stay beside a generalised or replaced date and narrow it down.
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_WEEKDAY = f"(?:(?:{'|'.join(WEEKDAYS)}),?{_SP}+)"
#: The same at the start of a folded text (:func:`to_date`, :mod:`leakguard.pseudonymise.dates`).
WEEKDAY_PREFIX = re.compile(f"(?:{'|'.join(WEEKDAYS)}),?{_SP}+")
_MONTH_YEAR = f"{_MONTH_WORD}{_SP}+(?:[0-9]{{4}}|{_YEAR_WORDS})"
_YEAR = "(?:1[89]|20)[0-9]{2}"
#: RE2: a cell that is a year alone: a birth year where its column's name says it is one (``annee_naissance``).
YEAR_CELL_RE2 = f"^\\s*{_YEAR}\\s*$"
#: A year of :data:`OLDEST_STATED_YEAR` or later.
_STATED_YEAR = "(?:1[0-9]|20)[0-9]{2}"

#: Python pattern of the full written forms, not inside a longer number or word; a time of day may follow
#: (``T10:30``, or `` 00:00:00`` as datetime exports write it).
SPAN_REGEX = re.compile(
    rf"(?<![0-9A-Za-z])(?<![0-9][/.\-:|])(?<![0-9] ){_WEEKDAY}?"
    rf"(?:{_DAY_FIRST}|{_SPACED}|{_SPACE_APART}|{_LONG}|{_ISO}|{_COMPACT})"
    rf"(?![0-9A-SU-Za-su-z])(?![/.\-:|][0-9])(?! [0-9](?![0-9]?:[0-5][0-9]))",
    FLAGS,
)
#: The partial forms, reported only after ``né(e) en``.
_PARTIAL_REGEX = re.compile(rf"(?<![0-9A-Za-z])(?:{_MONTH_YEAR}|{_STATED_YEAR})(?![0-9A-Za-z])", FLAGS)
#: A day and a month without a year, reported only after ``né(e) le`` (``née le 17 février à Nancy``).
_DAY_MONTH_REGEX = re.compile(
    rf"(?<![0-9A-Za-z])(?:{_DAY}(?: ?er)?|premier){WORD_GAP}(?:de{_SP}+)?{_MONTH_WORD}(?![0-9A-Za-z])"
    rf"(?!\.?{WORD_GAP}(?:[0-9]|{_YEAR_WORDS}))",
    FLAGS,
)
#: RE2 form of a cell holding one date: the day-first forms spelled out per separator (RE2 has no
#: back-references), then the same long, ISO and compact forms as the span regex.
_DAY_FIRST_RE2 = [f"{_DAY} ?{sep} ?{_MONTH} ?{sep} ?(?:[0-9]{{4}}|[0-9]{{2}})" for sep in ("/", "\\.", "-", "\\|")]
WHOLE_RE2 = f"(?i){_WEEKDAY}?(?:" + "|".join([*_DAY_FIRST_RE2, _SPACED, _SPACE_APART, _LONG, _ISO, _COMPACT]) + ")"
#: The same forms, 8-digit runs only where they can be a date (:data:`_CALENDAR_COMPACT`).
_DATE_RE2 = "(?:" + "|".join([*_DAY_FIRST_RE2, _SPACED, _SPACE_APART, _LONG, _ISO, _CALENDAR_COMPACT]) + ")"
#: RE2 pre-filter: a number, a separator and a number; a month's name; 8 digits; digits spaced one by one; a
#: year (before 1800 only after a parenthesis, a comma or a word that may date a birth; no back-references).
PREFILTER = (
    f"(?i)(?:[0-9]{{1,2}} ?[/.\\-|] ?[0-9]{{1,2}}|{_MONTH_WORD}|[0-9]{{8}}|[0-9] [0-9] [0-9]|{_YEAR}"
    "|(?:[(,] ?|(?:en|de|entre|vers|an|courant|fin|d[eé]but) )1[0-7][0-9]{2})"  # older: where words may state a birth
)

_NUMERIC = re.compile(r"([0-9]{1,4}) ?[/.\-|] ?([0-9]{1,2}) ?[/.\-|] ?([0-9]{1,4})")
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_WORDS = re.compile(rf"(\S+(?:[ \-]\S+)*?)[ \-]+(?:de )?({_MONTH_NAMES})\.?[ \-]+(.+)")


def full_year(text: str, today: dt.date | None = None) -> int:
    """The year written in digits ``text``: four as written, two in the latest century that keeps the year no
    later than ``today``'s (``85`` -> 1985, ``05`` -> 2005 in 2026); the one rule for a date of birth's
    two-digit year, here and where a date is written back (:mod:`leakguard.pseudonymise.dates`).

    >>> full_year('1887'), full_year('61', dt.date(2026, 1, 1)), full_year('26', dt.date(2026, 1, 1))
    (1887, 1961, 2026)
    """
    if len(text) == 4:
        return int(text)
    if len(text) == 2:  # two-digit year: the latest century that keeps the date in the past
        year = 2000 + int(text)
        return year if year <= (today or dt.date.today()).year else year - 100
    raise InvalidFormat("a year has 2 or 4 digits")


def _check(year: int, month: int, day: int, today: dt.date, oldest: int = MIN_YEAR) -> dt.date:
    try:
        date = dt.date(year, month, day)
    except ValueError as error:
        raise InvalidComponent(f"no such date: {error}") from None
    if date.year < oldest or date > today:
        raise InvalidComponent(f"a date of birth lies between {oldest} and today")
    return date


def read_number(text: str) -> int:
    """A day or a year, in digits or in French words (``premier``, ``mille neuf cent soixante-dix-huit``);
    raises ``InvalidFormat`` for anything else.

    >>> read_number('1er'), read_number('trente et un'), read_number('mil huit cent quatre-vingt-dix-neuf')
    (1, 31, 1899)
    """
    text = text.strip()
    if text.isdigit():
        return int(text)
    if text in ("1er", "1 er", "premier"):
        return 1
    try:
        return int(text2num(text.replace("-", " "), "fr"))
    except ValueError:
        raise InvalidFormat(f"not a number: {text!r}") from None


def to_date(text: str, today: dt.date | None = None, oldest: int = MIN_YEAR) -> dt.date:
    """The calendar date written in ``text`` (any full form above), of year ``oldest`` or later; raises a
    ``ValidationError`` subclass.

    >>> to_date('12.05.85'), to_date('1 2 . 0 6 . 1 9 8 1'), to_date('deux janvier mille neuf cent soixante-dix-huit')
    (datetime.date(1985, 5, 12), datetime.date(1981, 6, 12), datetime.date(1978, 1, 2))
    """
    today = today or dt.date.today()
    text = " ".join(fold(text).split())
    text = text[weekday.end() :] if (weekday := WEEKDAY_PREFIX.match(text)) else text
    if re.fullmatch(r"[0-9](?: [0-9]| [/.\-|])+", text):  # digits spaced one by one
        text = re.sub(r" ?([/.\-|]) ?", r"\1", text.replace(" ", "")) if re.search("[/.|-]", text) else \
            text.replace(" ", "")
    if re.fullmatch(_SPACE_APART, text):
        text = text.replace(" ", "/")
    if match := _NUMERIC.fullmatch(text):
        first, month, last = match.groups()
        if len(first) == 4:  # ISO
            return _check(int(first), int(month), int(last), today, oldest)
        return _check(full_year(last, today), int(month), int(first), today, oldest)
    if text.isdigit() and len(text) == 8:
        errors: list[ValidationError] = []
        for year, month, day in ((text[:4], text[4:6], text[6:]), (text[4:], text[2:4], text[:2])):
            try:
                return _check(int(year), int(month), int(day), today)
            except ValidationError as error:
                errors.append(error)
        raise errors[0]
    if match := _WORDS.fullmatch(text):
        day, word, year = match.groups()
        number = full_year(year, today) if year.isdigit() else read_number(year)
        return _check(number, MONTHS[word], read_number(day), today, oldest)
    raise InvalidFormat("not a date")


def validate(text: str) -> str:
    """Check that ``text`` is a date of birth's written form, a real date, in the past; return it as ISO."""
    return to_date(text).isoformat()


#: RE2: six digits, a date of birth as the Carte Vitale and older exchange formats store it, year first
#: (``AAMMJJ``) or day first (``JJMMAA``): read only in a column named for dates of birth.
SIX_DIGITS_RE2 = "[0-9]{6}"


def is_six_digit_date(text: str, today: dt.date | None = None) -> bool:
    """Whether six digits are a real past date read year first (``AAMMJJ``) or day first (``JJMMAA``).

    >>> is_six_digit_date("610217"), is_six_digit_date("170261"), is_six_digit_date("613217")
    (True, True, False)
    """
    text, today = text.strip(), today or dt.date.today()
    if len(text) != 6 or not text.isdigit():
        return False
    for year, month, day in ((text[:2], text[2:4], text[4:]), (text[4:], text[2:4], text[:2])):
        try:
            _check(full_year(year, today), int(month), int(day), today)
        except InvalidComponent:
            continue
        return True
    return False


def _is_valid_cell(text: str) -> bool:
    """:func:`is_valid`, or six digits that are a date (:func:`is_six_digit_date`): cells of the whole-cell
    forms, and in a column named for dates of birth :data:`SIX_DIGITS_RE2`."""
    return is_valid(text) or is_six_digit_date(text)


def is_valid(text: str, oldest: int = MIN_YEAR) -> bool:
    """Whether ``text`` is a real calendar date between ``oldest`` (1800) and today, in one of the written forms."""
    try:
        return bool(to_date(text, oldest=oldest))
    except ValidationError:
        return False


CONTEXT = (
    "ne le", "nee le", "ne(e) le", "ne(e)", "nes le", "nees le", "nes les", "nees les", "ne(e)s les", "ne", "nee",
    "nait le", "nait", "naquit", "naquirent", "naissait", "ne et baptise", "nee et baptisee", "ne et baptise le",
    "nee et baptisee le", "venu au monde", "venue au monde", "vint au monde", "venus au monde", "venues au monde",
    "date de naissance", "date de naiss", "date de nais", "date naissance", "date_naissance", "date-naissance",
    "datenaissance", "datedenaissance", "dt_naissance", "dtnaissance", "date_naiss", "date naiss", "dt_naiss",
    "dt naiss",
    "naissance", "naiss", "ddn", "d.d.n", "dob", "d.o.b", "ne en", "nee en", "ne(e) en",
    "birth", "birthdate", "birth_date", "birth date", "birthday", "date of birth", "date_of_birth", "dateofbirth",
    "birthtime",
    "born", "born on",
)
#: Only separators and markup, a "le", or "à PLACE le" (a département in parentheses after the place), or
#: "PLACE, le" / "PLACE, " before digits, between the context word and the date; whose birth it is, as forms
#: label it ("Date de naissance de l'assuré(e) :", "du bénéficiaire", "de la mère") and a short remark in
#: parentheses ("(si connue)").
CONTEXT_GAP = re.compile(
    r"""(?:\s+(?:du|des|de\s+la|de\s+l['’]|d['’]|de)\s*[a-z\-]{2,20}(?:\s+[a-z\-]{2,20})?(?:\((?:e|s|es)\))?)?"""
    r"""(?:\s*\((?!jj|dd)[a-z' \-]{2,30}\))?"""  # "(si connue)"; a format hint is read below
    r"""(?:\s*</?[a-z][a-z0-9:_.\-]*(?:\s[^<>]{0,80})?/?>)*"""  # XML and HTML tags: <td>Date de naissance</td><td>
    r"""[\s.:=\"'(\[{}%<>,\-|¦]*(?:(?:a|au|aux|en)\s+[a-z' \-]{2,40}?(?:\s*\([0-9a-z' \-]{1,30}\))?"""
    r"""(?:\s*,\s*(?:en\s+banlieue|pres|non\s+loin|au\s+(?:nord|sud)|a\s+l'(?:est|ouest))\s+(?:de|d')\s*"""
    r"""[a-z' \-]{2,40}?\s*,)?\s*,?\s+"""
    # a place: "à Lyon (69)", "à Chamalières, en banlieue de Clermont-Ferrand, le", "Lyon, le", "Lyon, " (not
    # "inconnue, ")
    r"""|(?![ \-]*(?:inconnue?|non|ignoree?)\b)[a-z' \-]{2,40}?(?:\s*\([0-9a-z' \-]{1,30}\))?\s*,\s*(?=le\s|\Z))?"""
    r"""(?:\((?:jj|dd)[/.\- ]?mm[/.\- ]?(?:aaaa|aa|yyyy|yy)\)\s*)?"""  # a format hint: "(JJ/MM/AAAA)"
    r"""(?:le\s+|:\s*|(?:value|valeur)[\"']?\s*[=:]\s*)?(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"""
    r"""[\s:=\"'|¦]*"""  # "le samedi 6 août 1836"; XML: <birthTime value="19951023"/>; {key: …, value: …}; cells
    # a program's date built from a string: 'birthdate': new Date('1989-12-13'), LocalDate.parse("1989-12-13"),
    # PHP's new \DateTime('1990-05-15')
    r"""(?:(?:new\s+)?\\?(?:date|datetime|localdate|moment|dayjs)(?:\.(?:parse|of|fromisoformat))?\s*\(\s*[\"'])?"""
)
CONTEXT_WINDOW = 64
#: Before a month and year or a year alone: "né en", "née en", "né au Caire en" (no comma between: "né au Maroc,
#: arrivé en France en 1975"), the writer's "ma naissance en" (folded; "sa naissance" may be an institution's).
_BORN_IN = re.compile(
    r"(?<![a-z])(?:n(?:e|ee|e\(e\)|es|ees)|nait|naquit|naquirent|naissait|(?:ma|ta)\s+naissance)"
    r"\s+(?:(?:a|au|aux)\s+[^0-9.;,]{1,48}?\s+)?(?:en|courant|vers|fin|debut)\s+(?:l'an\s+)?$"
)
#: Before a year, a birth told with its subject after the verb (``C'est là que naît Anne MATHIEU en 1767``),
#: folded; the subject must be a name in the text as written (:func:`_born_subject_before`).
_BORN_SUBJECT_IN = re.compile(
    r"(?<![a-z])(?:nait|naquit|naquirent|naissait)\s+(?P<subject>[^0-9.;,:()]{2,48}?)\s+(?:en|vers|courant)\s+(?:l'an\s+)?$")
#: A name as written: capitalised words, maybe with particles (``Anne MATHIEU``, ``Louis de Broglie``).
_SUBJECT_NAME = re.compile(rf"[{UPPER}][\w'’\-]*(?:\s+(?:(?:de|du|d'|d’|le|la)\s*)?[{UPPER}][\w'’\-]*){{0,3}}")
#: Right before a date, a birth word in a condition addressed to the reader: an example, not someone's birth
#: ("si vous êtes né en 1990", as help pages explain the NIR), folded.
_IF_BORN = re.compile(
    r"(?<![a-z])si\s+(?:vous\s+etes|tu\s+es)\s+n(?:e|ee|e\(e\)|es|ees)\s+(?:(?:le|en|vers|courant)\s+)?$")
#: A birth word anywhere in a text (folded): without it, no partial date of the text is reported (one search
#: per text; the rules above are searched before each candidate).
_BORN_ANYWHERE = re.compile(r"(?<![a-z])(?:n(?:e|ee|e\(e\)|es|ees)|nait|naquit|naquirent|naissait|naissance)\s")
#: Before a day and a month without a year: "née le" (folded).
_BORN_ON = re.compile(r"(?<![a-z])n(?:e|ee|e\(e\)|es|ees)\s+le\s+$")
#: Before a date, a birth told as a life's first day, "a vu le jour le", "voit le jour à Nancy en" (folded): a
#: birth when a name is its subject (``Philippine a vu le jour en 1802``; a mutuelle or a law "voit le jour" too).
_SAW_THE_DAY = re.compile(
    r"(?<![a-z])(?:a\s+vu|avait\s+vu|voit|vit|virent|ont\s+vu)\s+le\s+jour\s+(?:a\s+[^0-9.;]{1,48}?\s+)?"
    r"(?:(?:en|le|courant|vers|fin|debut)\s+(?:l'an\s+)?)?$")
#: Between a name and the verb of :data:`_SAW_THE_DAY`; the word that ends the name.
_SUBJECT_GAP = re.compile(r"[ \t]*,?[ \t]*(?:qui[ \t]+)?")
_LAST_WORD = re.compile(r"([^\W\d_][\w'’\-]*)[ \t]*,?[ \t]*(?:qui[ \t]+)?$")
#: After a date: a birth word ("Le 7 novembre 1867 : naissance de ..."), folded.
_BIRTH_AFTER = re.compile(
    # a cleft's subject, a pronoun or a name: "le 27 décembre 1822, que Louis Pasteur naquit"; not a thing
    # ("que le projet est né"), nor a clause ("que j'ai su qu'elle est née")
    r"\s*[:,\-–]?\s*(?:qu(?:e\s+|['’])(?:(?!(?:le|la|les|l|un|une|ce|cet|cette|ces|son|sa|ses|notre|nos|leur|leurs"
    r"|j|je|on|nous|vous|qu)\b)[a-z\-]+\s+){0,3})?"
    r"(?:naissance|naquit|naquirent|naissait|nait|est nee?|voit le jour)\b")
#: A year, or a whole date in words or digits, in a life span.
_LIFE_DATE = f"(?:{_LONG}|{_DAY} ?[/.] ?{_MONTH} ?[/.] ?[0-9]{{4}}|{_DAY}-{_MONTH}-[0-9]{{4}}|{_STATED_YEAR})"
#: A life span in prose (folded): "a vécu de 1865 à 1938", "vécut entre 1863 et 1933".
_LIVED = re.compile(
    rf"(?<![a-z])vecu(?:t|rent|e|es|s)?\s+(?:de|entre)\s+(?:l'an\s+)?(?P<birth>{_LIFE_DATE})\s+"
    rf"(?:a|et|jusqu'en|jusqu'a)\s+(?:l'an\s+)?(?P<death>{_LIFE_DATE})(?![0-9])",
    FLAGS,
)
#: A place beside a date of a life span ("Varsovie", "Eaglesfield").
_LIFE_PLACE = "[^()0-9]{1,40}"
#: A life span in parentheses after a name: "(1869-1948)", "(Eaglesfield, 1766 - Manchester, 1844)",
#: "(7 novembre 1867, Varsovie – 4 juillet 1934, Sancellemoz)".
#: A life span with no death yet, "(1910- )", "(1936 - …)"; a place and a whole date alone, as notices write a birth
#: ("White, Kenneth (Glasgow, 28 avril 1936)"). Dashes of every kind (``‑``, the no-break hyphen, included).
_LIFESPAN = re.compile(
    rf"\(\s*(?P<place>{_LIFE_PLACE},\s*)?(?P<birth>{_LIFE_DATE})(?:\s*,{_LIFE_PLACE})?\s*"
    rf"(?:(?P<dash>[-‐‑‒–—])\s*(?:(?:{_LIFE_PLACE},\s*)?(?P<death>{_LIFE_DATE})(?:\s*,{_LIFE_PLACE})?|…|\.\.\.|\?)?)?"
    rf"(?:\s*[/,;]\s*[0-9]{{1,3}}\s*ans)?\s*\)",  # an obituary's age: "(1952-2024 / 72 ans)"
    FLAGS,
)
#: The word right before a life span, and the word before it: capitalised (a name), maybe after a comma or on
#: the line above, maybe followed by a role of one word in small letters (``Georges Guillain, médecin
#: (1876-1961)``; not more: ``Dr Lefebvre, chef de service (1970-2005)`` is a career).
_NAME_WORD = rf"[{UPPER}](?:[^\W\d_]|['’\-])*"  # letters, apostrophes and hyphens, as CONTEXT_PREFILTER reads it
_ROLE_WORDS = rf"[ \t]*,[ \t]*[{LOWER}][{LOWER}'’\-]*"
_WORD_BEFORE = re.compile(rf"(?:({_NAME_WORD})[ \t]+)?({_NAME_WORD})(?:{_ROLE_WORDS})?[ \t]*,?\s*$")
#: A role of two or three words in small letters between a name and its life span (``Chico Anysio, acteur
#: brésilien (1931-2012)``). A career reads the same (``Dr Lefebvre, chef de service (1970-2005)``): the span must
#: last longer than careers do (:data:`LONGER_THAN_A_CAREER` years) and the role hold no small word of a phrase.
_WORD_BEFORE_LONG_ROLE = re.compile(
    rf"(?:({_NAME_WORD})[ \t]+)?({_NAME_WORD})[ \t]*,[ \t]*(?P<role>[{LOWER}][{LOWER}'’\-]*"
    rf"(?:[ \t]+[{LOWER}][{LOWER}'’\-]*){{1,2}})[ \t]*$")
_PHRASE_WORD = re.compile(r"(?<![^\W\d_])(?:de|du|des|d['’]|la|le|les|et|en|au|aux|à|a|pour|par|sur|dans)(?![^\W\d_])")
LONGER_THAN_A_CAREER = 50
#: After a date: the age ("(27 ans)", ", 38 ans", "- âgée de 38 ans"), folded.
_AGE_AFTER = re.compile(r"\s*[,;\-]?\s*\(?\s*(?:age(?:e|\(e\))?\s+de\s+)?[0-9]{1,3}\s*ans\b")
#: Before a date: the age it gives, as identity lines write both ("DUPONT Marie, 38 ans (12/05/1985)", "Âge :
#: 38 ans - 12/05/1985"), after a comma, a colon or "âgé(e) de", not after "il y a", "depuis"... (folded).
_AGE_BEFORE = re.compile(
    r"(?:^|[,;:(|]|(?<![a-z])age(?:e|\(e\))?(?:\s+de)?)\s*(?P<age>[0-9]{1,3})\s*ans\s*[,;:\-–(]?\s*$")
#: The oldest age :data:`_AGE_BEFORE` reads.
MAX_AGE = 120
#: Between a name and its date of birth: separators, quotes (fields of a row) and maybe a sex, nothing else (folded).
_AFTER_NAME_GAP = re.compile(
    r"""[\s,;:|/\-("']*(?:(?:m|f|h|homme|femme|masculin|feminin|sexe\s*:?\s*[mfh])[\s,;:|/\-()"']+)?""")
#: In a folded text: a letter right before a gap :data:`_AFTER_NAME_GAP` allows up to the end of the search.
_LETTER_BEFORE_GAP = re.compile(rf"[^\W\d_](?={_AFTER_NAME_GAP.pattern}\Z)")
#: How far before a date its gap from a name is first looked for; a character no gap holds bounds it.
_GAP_WINDOW = 24
_NOT_IN_GAP = re.compile(r"""[^\s,;:|/\-()"'mfhomeasculinx]""")
#: After a date: what happened that day to the person, a care or a document ("PODA Stéphanie : 01.10.2001
#: Première consultation"): the date after a name is then not a birth (folded).
_CARE_AFTER = re.compile(
    r"""\s*["']?\s*[:,;\-–]?\s*["']?\s*(?:(?:premiere|derniere|nouvelle|1ere|1re)\s+)?"""
    r"(?:consultation|visite|hospitalisation"
    r"|admission|entree|sortie|intervention|operation|rdv|rendez-vous|seance|examen|bilan|controle|suivi|sejour"
    r"|compte[ -]rendu|courrier|ordonnance|prescription|facture|soins?)\b"
)
#: A doctor's title or a role's label before a name (``Prescripteur :``, ``updated_by=``): the date after it is a
#: visit's, a letter's or a change's, not a birth (folded).
_DOCTOR_BEFORE = re.compile(
    r"""(?<![a-z])(?:dr|pr|docteur|professeur|interne|ide|drs|par|signe|valide|prescripteur|medecin|redacteur|auteur"""
    r"""|operateur|utilisateur|user|by)\.?\s*[=:]?\s*["']?$""")
#: Right after a date, a time: the date of an event (``12/03/2024 14:05``, ``2024-03-12T10:00:00Z``, a row's
#: ``'2024-03-12','10:30'``), no birth (folded).
_TIME_AFTER = re.compile(r"""(?:t|["']?[ \t]*[,;]?[ \t]*["']?[ \t]*(?:a[ \t]+)?)[0-2]?[0-9][:h][0-5][0-9]""")
#: ``le`` between a name and a date (``TRAVIS GUILLAUMET le deux janvier 1978``), folded: a date of birth
#: only when the text shows it is long past (:data:`BIRTH_AGE_GAP`); else the day of a visit or an event.
_LE_BEFORE = re.compile(r"(?<![a-z])le\s+$")
#: How many years before the latest year a text writes a date after ``NAME le`` must lie to be a birth.
BIRTH_AGE_GAP = 15
#: How far after a date that follows a name its record may hold the name's birth date (characters).
_RECORD_WINDOW = 80
_YEARS = re.compile(r"(?<![0-9])(?:1[0-9]|2[01])[0-9]{2}(?![0-9])")
#: After ``née``, what may stand before the date but for separators, ``le`` and a place: a maiden name
#: (``née DUPONT le``; capitalised, in the text), or a night between two days (``dans la nuit du 1er au``,
#: ``entre le 01/02 et le``; folded).
_MAIDEN_NAME = re.compile(rf"[ \t]+(?:[{UPPER}][\w'’\-]*[ \t]+){{1,3}}le[ \t]+")
_NIGHT_BETWEEN = re.compile(
    r"\s+(?:(?:dans\s+)?la\s+nuit\s+)?(?:du|entre\s+le)\s+[0-9]{1,2}(?:er)?(?:\s*[/.\-]\s*[0-9]{1,2}|\s+[a-z]+\.?)?"
    r"\s+(?:au|et\s+le)\s+"
)
_BORN_WORD = re.compile(r"n(?:e|ee|e\(e\)|es|ees)")
#: The birth words a sentence's subject may be a thing's (:func:`_thing_is_born`): ``est né(e)``, ``est venu au monde``.
_BORN_SUBJECT_WORD = re.compile(rf"{_BORN_WORD.pattern}|venue?s?")

SCORE = 0.5
CONTEXT_SCORE = 0.9
AGE_SCORE = 0.85
AFTER_NAME_SCORE = 0.75

_spelt = spelt_re2


_WS = f"[{WHITESPACE_RE2}]"
_GAP_RE2 = f"[{WHITESPACE_RE2},;:|/\\-()\"']"
#: RE2 forms of the rules' folded patterns: a birth word standing alone (before the date, or after it:
#: :data:`_BIRTH_AFTER`), a number then ``ans``, a capitalised word then what
#: :data:`_AFTER_NAME_GAP` allows then a date, ``né(e) en`` (:data:`_BORN_IN`), a life span's opening.
_BIRTH_WORD_RE2 = (f"(?:^|[^0-9{FOLDS_TO_LETTER_RE2}])"
                   f"{_spelt(*(fold(w) for w in CONTEXT), 'nes', 'nees')}"
                   f"(?:[^{FOLDS_TO_LETTER_RE2}]|$)")
#: a birth word after a date may touch it (``01/01/2000naissance`` reads as a birth); and the verbs of
#: :data:`_SAW_THE_DAY`, before a date
_BIRTH_AFTER_RE2 = _spelt("naissance", "naquit", "naquirent", "naissait", "nait", "est ne", "voit le jour",
                          "vu le jour", "vit le jour")
#: a life span in prose (:data:`_LIVED`)
_LIVED_RE2 = f"{_spelt('vecu', 'vecut', 'vecurent')}{_WS}+{_spelt('de', 'entre')}{_WS}"
_AGE_RE2 = f"[0-9]{_WS}*{_spelt('ans')}"
_SEX_RE2 = (f"(?:{_spelt('m', 'f', 'h', 'homme', 'femme', 'masculin', 'feminin')}"
            f"|{_spelt('sexe')}{_WS}*:?{_WS}*{_spelt('m', 'f', 'h')})")
_NAME_THEN_DATE_RE2 = (f"\\p{{Lu}}[\\p{{L}}'’\\-]*{_GAP_RE2}*(?:{_SEX_RE2}{_GAP_RE2}+|{_spelt('le')}{_WS}+)?"
                       f"(?i:{_DATE_RE2})(?:[^0-9]|$)")  # no digit after (SPAN_REGEX)
#: the titles in small letters after which ``person.find`` reads a name in small letters (its
#: ``_SMALL_LETTER_TITLES``; person is imported late, so they are written here too, and a test compares them; not
#: ``pr`` and ``prof``, before initials only, whose dates are visits as a doctor's are, ``_DOCTOR_BEFORE``)
_SMALL_LETTER_TITLES = ("m", "mme", "mlle", "melle", "madame", "monsieur", "mademoiselle", "docteur", "dr",
                        "professeur")
#: the same as an alternation (``m`` only with its full stop), for the RE2 screen and :data:`_SMALL_TITLED_NAME`
_SMALL_TITLE = "|".join("m\\." if title == "m" else title for title in _SMALL_LETTER_TITLES)
#: a name in small letters after a title in small letters (``mme dupont``, ``dr l. simon``), then a gap and a
#: digit: a screen in Latin letters without counts (Unicode classes and counted repetitions here made RE2 leave
#: its DFA: 250 times slower over a log)
_SMALL_NAME_THEN_DATE_RE2 = (
    f"(?:^|[^a-zà-ÿ])(?:{_SMALL_TITLE})\\.? +(?:[a-z]\\. ?)?(?:[a-z]\\. ?)?"
    "[a-zà-ÿ'’\\-]+(?: [a-zà-ÿ'’\\-]+)?[ ,;:|/()\\-]*(?:le +)?[0-9]"
)
_BORN_IN_RE2 = f"(?:^|[^{FOLDS_TO_LETTER_RE2}]){_spelt('ne', 'nee', 'ne(e)', 'nes', 'nees')}{_WS}"
_LIFESPAN_RE2 = f"\\([^()0-9]*(?:[0-9]{{1,2}}[^()0-9]{{1,20}}){{0,2}}{_STATED_YEAR}"
#: RE2: the degree sign that marks a birth in notices and civil-status writing (``(°12/05/1985)``, ``° le``).
_DEGREE_RE2 = f"(?:^|[^\\p{{L}}0-9])°{_WS}*(?:{_spelt('le')}{_WS}+)?[0-9]"
#: RE2: the star of a birth before a date (:data:`_STAR_BEFORE`; the death's cross is looked for after).
_STAR_RE2 = f"\\*{_WS}*(?:{_spelt('le')}{_WS}+)?[0-9]"
#: RE2: ``DN`` as a label (``DN : 12/05/1985``, ``D.N.=``), the date of birth of medical software's headers; a
#: label only: ``DN`` alone stands for other things.
_DN_LABEL_RE2 = f"(?:^|[^\\p{{L}}0-9])(?i:d\\.?n)\\.?{_WS}*[:=]{_WS}*[0-9]"
#: RE2: the texts where :func:`find_dates` may report a date without a column hint (one of its rules may
#: apply), in every spelling :func:`recognizers.spec.fold` reads as what the rules look for.
REPORTABLE_RE2 = "|".join(
    [_BIRTH_WORD_RE2, _BIRTH_AFTER_RE2, _AGE_RE2, _NAME_THEN_DATE_RE2, _SMALL_NAME_THEN_DATE_RE2, _BORN_IN_RE2,
     _LIFESPAN_RE2, hl7.PREFILTER_RE2, _DEGREE_RE2, _DN_LABEL_RE2, _LIVED_RE2, _STAR_RE2, nir.BESIDE_A_DATE_LOOSE_RE2]
)


#: RE2: the texts where a date may be reported without a column hint, a cheap first screen before
#: :data:`REPORTABLE_RE2`: a birth word, an age, a capitalised word then what :data:`_AFTER_NAME_GAP` or
#: ``le`` allows then a digit or a day in words, a life span after a capitalised word.
CONTEXT_PREFILTER = "|".join([
    words_re2(CONTEXT), _BIRTH_AFTER_RE2, _AGE_RE2, hl7.PREFILTER_RE2, _DEGREE_RE2, _DN_LABEL_RE2, _LIVED_RE2,
    _STAR_RE2, nir.BESIDE_A_DATE_LOOSE_RE2,
    f"\\p{{Lu}}[\\p{{L}}'’\\-]*{_GAP_RE2}*(?:{_SEX_RE2}{_GAP_RE2}+|{_spelt('le')}{_WS}+)?"
    f"(?:[0-9]|(?i:{_DAY_WORD_START}))",
    _SMALL_NAME_THEN_DATE_RE2,
    "\\p{Lu}[\\p{L}'’\\-]*[ \\t]*,?\\s*\\((?:[^()0-9]{1,40},\\s*)?(?:[0-9]{1,2}[^()0-9]{1,20}){0,2}"
    + _STATED_YEAR,
])


#: Right before a date, the degree sign of a birth (folded; not the ``n°`` of a number), or a ``DN :`` label.
_BIRTH_MARK_BEFORE = re.compile(r"(?<![a-z0-9])(?:°\s*(?:le\s+)?|d\.?n\.?\s*[:=]\s*)$")
#: Right before a date, the star of a birth as genealogy writes it (``* le 7 novembre 1867``), a birth only
#: where the cross of a death follows (``† 4 juillet 1934``): a star alone opens a list's item.
_STAR_BEFORE = re.compile(r"(?:^|[\s(])\*\s*(?:le\s+)?$")
#: How far after a starred date its death's cross may stand.
_CROSS_WINDOW = 200


#: Before a date, a birth in a country or a region, "née en Nouvelle-Calédonie le" (folded): the place must be
#: written as one, capitalised (:func:`_born_in_a_place`; not "né en cours d'année le").
_BORN_IN_PLACE = re.compile(r"(?<![a-z])n(?:e|ee|e\(e\)|es|ees)\s+en\s+"
                            r"(?P<place>[a-z'’\-]{2,30}(?:\s+[a-z'’\-]{2,20})?)\s+le\s+$")


def _born_in_a_place(text: str, folded: str, start: int) -> bool:
    """Whether ``né en`` and a place written capitalised stand right before the date at ``start`` (``est né en
    France le 28 avril 1943``)."""
    found = _BORN_IN_PLACE.search(folded, max(0, start - 50), start)
    return found is not None and all(word[:1].isupper() or word in ("de", "du", "des")
                                     for word in text[slice(*found.span("place"))].split())


def _birth_word_before(text: str, folded: str, start: int) -> bool:
    lo = max(0, start - CONTEXT_WINDOW)
    if _BIRTH_MARK_BEFORE.search(folded, max(0, start - 8), start) or _born_in_a_place(text, folded, start):
        return True
    if folded.find("*", max(0, start - 8), start) >= 0 and _STAR_BEFORE.search(folded, max(0, start - 8), start) \
            and "†" in text[start : start + _CROSS_WINDOW]:
        return True
    return any((CONTEXT_GAP.fullmatch(folded, m.end(), start) and not _thing_born(folded, m)
                and not (_BORN_SUBJECT_WORD.fullmatch(m.group().split()[0]) and _thing_is_born(text, folded, m.start()))
                and folded[m.start() - 1 : m.start()] != "$") or (  # a query's operator: MongoDB's $ne
        _BORN_WORD.fullmatch(m.group()) is not None
        and bool(_MAIDEN_NAME.fullmatch(text, m.end(), start) or _NIGHT_BETWEEN.fullmatch(folded, m.end(), start))
    ) for m in SPEC.context_regex().finditer(folded, lo, start))


#: A birth verb (folded), and before it a thing as its subject: an article and a noun that names no person
#: (``L'entreprise naquit à Lyon``, ``le projet naît d'un constat``; not ``leur fille naquit``).
_BIRTH_VERB = re.compile(r"na(?:it|quit|quirent|issait)\b")
#: Nouns of a family's members and of patients (folded), which an article may open as a birth's subject (``cadet``
#: is left to :data:`_PERSON_NOUNS`, as the rule has read it so far).
_KIN_NOUNS = frozenset({
    "fille", "fils", "enfant", "bebe", "frere", "soeur", "pere", "mere", "garcon", "petit", "petite", "cadette",
    "aine", "ainee", "heritier", "heritiere", "jumeau", "jumelle", "jumeaux", "patient", "patiente",
})
_THING_BEFORE = re.compile(
    r"(?<![a-z])(?:l'|l’|le|la|les|un|une|ce|cet|cette|ces)\s*(?!(?:"
    + "|".join(sorted(_KIN_NOUNS, key=len, reverse=True)) + r")\b)[a-z\-]+\s+$")


def _thing_born(folded: str, word: re.Match[str]) -> bool:
    """Whether the context word ``word`` is a birth verb whose subject is a thing (:data:`_THING_BEFORE`)."""
    return _BIRTH_VERB.match(word.group()) is not None and \
        _THING_BEFORE.search(folded, max(0, word.start() - 30), word.start()) is not None


#: Before ``né(e)``, the auxiliary of a sentence whose subject it ends, and that subject from the sentence's
#: start: a determiner and its noun (folded). ``La Sécurité sociale est née en 1945``, ``Cette idée est née à
#: Lyon``: a thing's birth; ``Sa fille est née``, ``La patiente est née``: a person's.
_SUBJECT_IS_BORN = re.compile(
    r"(?:^|[.!?;:\n])\s*(?P<subject>(?:l['’]|la\s+|le\s+|les\s+|cette\s+|cet\s+|ce\s+|ces\s+|un\s+|une\s+)"
    r"(?P<head>[^\W\d_][\w\-]*)[^.!?;:\n]{0,80}?)\s+(?:est|sont|etait|etaient|fut|furent)\s+$")
#: Nouns of people that may head such a subject (folded): ``La fille de Jean est née``.
_PERSON_NOUNS = _KIN_NOUNS | frozenset({
    "cadet", "enfants", "jumelles", "femme", "homme", "dame", "monsieur", "madame", "mari", "epouse", "epoux", "veuve",
    "defunt", "defunte", "auteur", "autrice", "ecrivain", "ecrivaine", "poete", "artiste", "peintre", "chanteur",
    "chanteuse", "acteur", "actrice", "comedien", "comedienne", "musicien", "musicienne", "joueur", "joueuse",
    "champion", "championne", "medecin", "docteur", "professeur", "president", "presidente", "roi", "reine",
    "prince", "princesse", "empereur", "imperatrice", "pape", "ministre", "assure", "assuree", "adherent",
    "adherente", "beneficiaire", "titulaire", "eleve", "etudiant", "etudiante", "nourrisson", "ancetre", "aieul",
    "aieule", "grand-pere", "grand-mere", "oncle", "tante", "cousin", "cousine", "neveu", "niece", "personnage",
    "heros", "heroine", "futur", "future", "jeune", "nouveau-ne", "nouvelle-nee", "cadets", "ainees", "freres",
    "soeurs", "garcons", "filles", "personne", "individu", "sujet", "malade", "victime", "interesse", "interessee",
    "requerant", "requerante", "demandeur", "demandeuse", "salarie", "salariee", "agent", "candidat", "candidate",
    "souscripteur", "souscriptrice", "conjoint", "conjointe", "concubin", "concubine", "declarant", "declarante",
    "mineur", "mineure", "resident", "residente", "usager", "client", "cliente", "auteure", "benjamin", "benjamine",
    "petit-fils", "petite-fille", "arriere-grand-pere", "arriere-grand-mere", "belle-mere", "beau-pere",
})


def _thing_is_born(text: str, folded: str, at: int) -> bool:
    """Whether the ``né(e)`` at ``at`` ends a sentence's subject that is a thing: a determiner and a French
    noun that names no person, no first name nor surname after it (``Le président Pompidou est né``)."""
    found = _SUBJECT_IS_BORN.search(folded, max(0, at - 120), at)
    if found is None or found["head"] in _PERSON_NOUNS:
        return False
    head = text[slice(*found.span("head"))]
    if not (lexicon.is_word(found["head"]) or (head.isupper() and len(head) <= 6)):
        return False  # "La Callas est née", "Le Corbusier": a name after the determiner
    rest = text[found.end("head") : found.end("subject")]
    return not any(lexicon.is_first_name(word) or not lexicon.is_word(fold(word))
                   for word in _CAPITALISED.findall(rest) if not word.isupper())


#: A capitalised word (a name's, or an institution's: ``Sécurité``).
_CAPITALISED = re.compile(rf"[{UPPER}][\w'’\-]*")


def _age_before(folded: str, start: int, date_text: str) -> bool:
    """Whether an age stands right before the date at ``start`` and the date is old enough to be the birth of
    someone that age today or earlier."""
    found = _AGE_BEFORE.search(folded, max(0, start - 40), start)
    if found is None or int(found["age"]) > MAX_AGE:
        return False
    year = _year_of(date_text)
    return year is not None and year + int(found["age"]) <= dt.date.today().year


#: Between two dates of a list: a comma, a semicolon, ``et`` (folded).
_NEXT_IN_LIST = re.compile(r"\s*(?:[,;]|et)\s*")
#: Words that announce several births (folded): ``Dates de naissance :``, ``nés les``.
_PLURAL_BIRTHS = re.compile(r"(?<![a-z])(?:dates\s+de\s+naissance|naissances|nee?s\s+les|ne\(e\)s\s+les)(?![a-z])")


def _next_in_list(folded: str, start: int, previous_end: int) -> bool:
    """Whether the date at ``start`` goes on a list of births whose last date (a birth) ends at
    ``previous_end``: ``Dates de naissance : 12/05/2010, 03/02/2012``, ``nés les 12/05/1985 et 03/02/1987``."""
    return previous_end > 0 and _NEXT_IN_LIST.fullmatch(folded, previous_end, start) is not None \
        and _PLURAL_BIRTHS.search(folded, max(0, previous_end - 120), previous_end) is not None


def _year_of(date_text: str) -> int | None:
    """The year of the date written ``date_text``, ``None`` when it is no date."""
    try:
        return to_date(date_text).year
    except ValidationError:
        return None


def _long_past(text: str, date_text: str) -> bool:
    """Whether the date ``date_text`` lies :data:`BIRTH_AGE_GAP` years or more before the latest year of
    ``text`` (dates, years: the day of the letter, a visit, an admission)."""
    year = _year_of(date_text)
    return year is not None and max(map(int, _YEARS.findall(text)), default=0) - year >= BIRTH_AGE_GAP


def _names(text: str) -> list[tuple[int, int, float]]:
    from recognizers import person  # person imports nothing from here; imported late to keep start-up light

    return person.find(text)


def _may_follow_name(text: str, folded: str, start: int) -> bool:
    """Whether a word opening with a capital ends right before ``start`` but for a gap a name may leave before
    its date of birth: a name's last word opens with one (``person.find``) unless a title in small letters
    precedes it (``mme dupont``), so without either no name can be there, and the names are not looked for."""
    lo = max(0, start - _GAP_WINDOW)
    if lo and not _NOT_IN_GAP.search(folded, lo, start):
        lo = 0  # the window is all gap: the gap may go on before it
    return any(_capital_word_ends(text, letter.end())
               or _SMALL_TITLED_NAME.search(folded, max(0, letter.end() - 48), letter.end())
               for letter in _LETTER_BEFORE_GAP.finditer(folded, lo, start))


#: A name in small letters after a title in small letters, ending the text (folded; see ``person.find``).
_SMALL_TITLED_NAME = re.compile(rf"(?<![a-z])(?:{_SMALL_TITLE})\.?\s+"
                                r"(?:[a-z](?:-[a-z])?\.\s*){0,2}[a-z'’\-]+(?:\s+[a-z'’\-]+)?$")


def _capital_word_ends(text: str, end: int) -> bool:
    """Whether the run of word characters ending at ``end`` holds a capital letter."""
    while end and (text[end - 1].isalpha() or text[end - 1] in "'’-"):
        end -= 1
        if text[end].isupper():
            return True
    return False


def _after_name(text: str, folded: str, start: int, names: list[tuple[int, int, float]]) -> bool:
    for name_start, name_end, _ in names:
        if name_end <= start and _AFTER_NAME_GAP.fullmatch(folded, name_end, start):
            return not _DOCTOR_BEFORE.search(folded, max(0, name_start - 20), name_start)
    return False


def _name_gap_end(folded: str, start: int) -> int:
    """Where the gap between a name and the date at ``start`` ends: before ``le`` if one stands there."""
    le = _LE_BEFORE.search(folded, max(0, start - 8), start)
    return le.start() if le else start


def _follows_a_name(text: str, folded: str, match: re.Match[str], names: list[tuple[int, int, float]]) -> bool:
    """Whether the date ``match`` is a birth date for coming right after one of ``names``; not with a weekday
    (``A.BEAUFILS`` then ``mercredi 23 septembre 2020``): letters, minutes and visits are dated so, births in
    lists and headers never are."""
    start, end = match.span()
    if WEEKDAY_PREFIX.match(folded, start):
        return False
    gap_end = _name_gap_end(folded, start)
    if not _after_name(text, folded, gap_end, names) or _CARE_AFTER.match(folded, end) \
            or _TIME_AFTER.match(folded, end):
        return False
    return gap_end == start or _long_past(text, match.group(0))


def _older_in_record(text: str, match: re.Match[str], names: list[tuple[int, int, float]]) -> re.Match[str] | None:
    """A date :data:`BIRTH_AGE_GAP` years or more older than ``match`` further in its record (up to the next
    name or the end of the line, :data:`_RECORD_WINDOW` characters at most): in a row of a list of patients
    (``FALMANTE Giuseppe  30/03/2022  <NIR>  29/10/1995``) the date after the name is then a care's."""
    end = match.end()
    stop = min([len(text), end + _RECORD_WINDOW, *(s for s, _, _ in names if s >= end)])
    line_end = text.find("\n", end, stop)
    stop = stop if line_end == -1 else line_end
    year = _year_of(match.group(0))
    if year is None:
        return None
    for later in SPAN_REGEX.finditer(text, end):
        if later.start() >= stop:
            break
        older = _year_of(later.group(0))
        if older is not None and year - older >= BIRTH_AGE_GAP:
            return later
    return None


def _birth_after_name(text: str, folded: str, match: re.Match[str], names: list[tuple[int, int, float]]
                      ) -> re.Match[str] | None:
    """The birth date of a name that ``match`` follows: ``match``, or an older date of its record; ``None``
    when ``match`` follows no name."""
    if not _follows_a_name(text, folded, match, names):
        return None
    return _older_in_record(text, match, names) or match


def _addressed_to_reader(folded: str, start: int) -> bool:
    """Whether the date at ``start`` follows a birth word in a condition addressed to the reader (:data:`_IF_BORN`)."""
    return _IF_BORN.search(folded, max(0, start - 40), start) is not None


#: Right after a date, how a company, a mutuelle or a group was born, not a person (folded): ``elle est née le
#: 1er janvier 2013 de la fusion de deux mutuelles``, ``née en 2016 sous la forme d'une start-up``.
_FOUNDED_AFTER = re.compile(
    r"[ \t]*,?[ \t]*(?:de[ \t]+la[ \t]+(?:fusion|transformation|scission)|du[ \t]+(?:rapprochement|regroupement)"
    r"|sous[ \t]+(?:la[ \t]+)?forme)(?![a-z])")


#: Before a date, a sentence whose subject is an organisation, then its birth word (folded): ``L'association des
#: diabétiques de Saône-et-Loire, née à Mâcon en 1985``, ``Le club, né en 1920``; not ``La fille de la présidente
#: de l'association, née le`` (a person is the subject).
_FOUNDED_SUBJECT_BEFORE = re.compile(
    r"(?:^|[.!?\n])[ \t]*(?:l[' ’]|la[ \t]+|le[ \t]+|notre[ \t]+|votre[ \t]+|cette[ \t]+|ce[ \t]+)?"
    r"(?:association|societe|entreprise|mutuelle|structure|start-?up|marque|revue|federation|union|cooperative"
    r"|fondation|compagnie|banque|clinique|institution|club|ecole|commune|collection|enseigne|plateforme|agence)"
    r"(?![a-z])(?P<gap>[^.!?\n]{0,80})(?<![a-z])nee?s?(?![a-z])[^.!?\n]{0,40}$")
#: Between the organisation and the birth word, what says a person is the one born: a field's separator
#: (``Clinique X : Mme …``, ``Agence de Lyon - Mme …``), a title, a word for a person (folded).
_PERSON_IN_GAP = re.compile(
    r"[:;|/]|[ \t][-–][ \t]|(?<![a-z])(?:m|mme|mlle|mr|dr|pr|monsieur|madame|mademoiselle|docteur|professeur"
    r"|eleve|assuree?|patiente?|residente?|souscript(?:eur|rice)|adherente?|beneficiaire|fils|fille|enfant|bebe"
    r"|epouse|veuve)(?![a-z])")


def _founded(folded: str, start: int, end: int) -> bool:
    """Whether the date ``start:end`` tells a foundation (:data:`_FOUNDED_AFTER`, :data:`_FOUNDED_SUBJECT_BEFORE`
    with no person between the organisation and its birth word)."""
    if _FOUNDED_AFTER.match(folded, end) is not None:
        return True
    subject = _FOUNDED_SUBJECT_BEFORE.search(folded, max(0, start - 160), start)
    return subject is not None and _PERSON_IN_GAP.search(subject["gap"]) is None


def births_after(text: str, names: list[tuple[int, int, float]], found: list[tuple[int, int]]
                 ) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` of the dates of ``text`` that are birth dates for following one of ``names``,
    names found elsewhere (a NER model's), where no finding of ``text`` (``found``: its spans) stands already:
    the rule :func:`find_dates` applies to the names of :func:`recognizers.person.find`."""
    folded = fold(text)
    births = {birth.span() for match in SPAN_REGEX.finditer(text)
              if (birth := _birth_after_name(text, folded, match, names)) is not None}
    return [(start, end, AFTER_NAME_SCORE) for start, end in sorted(births)
            if not any(s < end and start < e for s, e in found) and is_valid(text[start:end])]


def find_dates(text: str, folded: str, in_context: bool) -> Iterator[tuple[int, int, float]]:
    """``(start, end, score)`` of the dates of birth of ``text`` (see the module docstring)."""
    names: list[tuple[int, int, float]] | None = None
    taken_until, taken, older = 0, set(), set()
    for match in SPAN_REGEX.finditer(text):
        start, end = match.span()
        if not in_context and (_addressed_to_reader(folded, start) or _founded(folded, start, end)):
            continue
        if in_context or _birth_word_before(text, folded, start) or _BIRTH_AFTER.match(folded, end) \
                or _next_in_list(folded, start, taken_until) or _saw_the_day(text, folded, start):
            score = CONTEXT_SCORE
        elif _AGE_AFTER.match(folded, end) or _age_before(folded, start, match.group(0)):
            score = AGE_SCORE
        elif start in older:
            score = AFTER_NAME_SCORE
        else:
            if names is None:
                if not _may_follow_name(text, folded, _name_gap_end(folded, start)):
                    continue
                names = _names(text)
            birth = _birth_after_name(text, folded, match, names)
            if birth is not match:
                if birth is not None:
                    older.add(birth.start())
                continue
            score = AFTER_NAME_SCORE
        # after the context: most dates of a text are no birth dates
        if not is_valid(match.group(0), OLDEST_STATED_YEAR if score == CONTEXT_SCORE and not in_context else MIN_YEAR):
            continue
        taken_until = end
        taken.add(start)
        yield start, end, score
    yield from _other_forms(text, folded, in_context, taken, taken_until)


def _other_forms(text: str, folded: str, in_context: bool, taken: set[int], taken_until: int
                 ) -> Iterator[tuple[int, int, float]]:
    """The dates of birth of :func:`find_dates` that are not one date's written form after or before its cue:
    partial dates, life spans, records' fields, programs' dates; none starting at a date already ``taken``."""
    born = _BORN_ANYWHERE.search(folded) is not None
    if born or "le jour" in folded:  # else no month or year alone: not looked for
        yield from _partial_dates(text, folded, taken_until)
    if born:
        yield from (span for span in _days_of_birth(folded) if span[0] not in taken)
    yield from (span for span in _lifespans(text) if span[0] not in taken)
    if "vecu" in folded:
        yield from (span for span in _lived(folded) if span[0] not in taken)
    yield from (span for span in _hl7_births(text) if span[0] not in taken)
    yield from (span for span in _beside_a_nir(text, folded) if span[0] not in taken)
    if "<" in text:
        yield from (span for span in _xml_births(text) if span[0] not in taken)
    if any(end in text for end in _PROGRAM_DATE_ENDS):  # a cheap first search
        yield from (span for span in _program_dates(text, folded, in_context) if span[0] not in taken)


#: A date as programs build it from its year, month and day (C#'s ``new DateTime(1951, 2, 1)``, Dart's
#: ``DateTime(1989, 04, 01)``, Java's ``LocalDate.of(1989, 4, 1)``, Python's ``date(1989, 4, 1)``, JavaScript's
#: ``new Date(1989, 3, 1)`` whose months count from 0): the arguments are the date.
_PROGRAM_DATE = re.compile(
    r"(?<![\w.])(?P<new>new\s+)?(?P<type>DateTime|DateOnly|LocalDate\.of|LocalDateTime\.of|date|datetime|Date)\(\s*"
    r"(?P<date>(?P<y>1[89][0-9]{2}|20[0-9]{2})\s*,\s*(?P<m>[0-9]{1,2})\s*,\s*(?P<d>[0-9]{1,2}))\s*[,)]")


#: How every constructor of :data:`_PROGRAM_DATE` ends.
_PROGRAM_DATE_ENDS = ("ate(", "ime(", "nly(", ".of(")


def _program_dates(text: str, folded: str, in_context: bool) -> Iterator[tuple[int, int, float]]:
    """The dates of :data:`_PROGRAM_DATE` after a birth key (``birthDate: DateTime(1989, 04, 01)``)."""
    for match in _PROGRAM_DATE.finditer(text):
        start, end = match.span("date")
        if not (in_context or SPEC.has_context(folded, match.start())):
            continue
        month = int(match["m"]) + (1 if match["new"] and match["type"] == "Date" else 0)
        try:
            _check(int(match["y"]), month, int(match["d"]), dt.date.today())
        except InvalidComponent:
            continue
        yield start, end, CONTEXT_SCORE


#: The date and time of birth of an HL7 CDA R2 or FHIR XML element (``<birthTime value="19851204083000+0100"/>``,
#: the HL7 TS datatype: the date, then maybe the time and the time zone).
_XML_BIRTH = re.compile(
    r"<(?:[A-Za-z0-9]{1,20}:)?birth(?:time|date)\s+value\s*=\s*[\"'](?P<date>[0-9]{8})[0-9]{0,6}(?:\.[0-9]{1,4})?"
    r"(?:[+\-][0-9]{4})?[\"']", re.IGNORECASE)


def _xml_births(text: str) -> Iterator[tuple[int, int, float]]:
    """The ``YYYYMMDD`` a CDA or FHIR XML date and time of birth opens with."""
    for match in _XML_BIRTH.finditer(text):
        if is_valid(match.group("date")):
            yield *match.span("date"), CONTEXT_SCORE


def _beside_a_nir(text: str, folded: str) -> Iterator[tuple[int, int, float]]:
    """A date beside a NIR-shaped number of its year and month (:func:`recognizers.nir.beside_their_dates`: a
    beneficiary's line, ``MARTIN SOPHIE 2850675123456 15/06/1985``): its holder's date of birth."""
    for _, (start, end) in nir.beside_their_dates(text, folded):
        if is_valid(text[start:end]):
            yield start, end, AGE_SCORE


def _hl7_births(text: str) -> Iterator[tuple[int, int, float]]:
    """The dates of birth of HL7 v2 segments (:mod:`recognizers.hl7`: ``PID|…||19850512|M``): the
    ``YYYYMMDD`` a date and time of birth opens with."""
    for start, end in hl7.components(text, hl7.BIRTH_FIELDS):
        if end - start >= 8 and text[start : start + 8].isdigit() and is_valid(text[start : start + 8]):
            yield start, start + 8, CONTEXT_SCORE


def _partial_dates(text: str, folded: str, taken_until: int) -> Iterator[tuple[int, int, float]]:
    """A month and year or a year alone after ``né(e) en``, past ``taken_until``."""
    for match in _PARTIAL_REGEX.finditer(text):
        start, end = match.span()
        if start < taken_until or not folded[max(0, start - 8) : start].rstrip().endswith(_LAST_WORDS_BEFORE):
            continue  # most years of a text: no regex search
        born_in = _BORN_IN.search(folded, max(0, start - 80), start)
        if born_in is not None and _thing_is_born(text, folded, born_in.start()):
            continue  # "La Sécurité sociale est née en 1945"
        if (born_in or _saw_the_day(text, folded, start)
                or _born_subject_before(text, folded, start)) \
                and _plausible_partial(match.group(0)) and not _addressed_to_reader(folded, start) \
                and not _founded(folded, start, end):
            yield start, end, CONTEXT_SCORE


#: The words :data:`_BORN_IN` and :data:`_SAW_THE_DAY` end with, right before a partial date (``jour``: the
#: latter's last words are optional).
_LAST_WORDS_BEFORE = ("en", "courant", "vers", "fin", "debut", "l'an", "le", "jour")


def _born_subject_before(text: str, folded: str, start: int) -> bool:
    """Whether a birth verb and its subject, a person's name, stand right before the year at ``start`` (``naît Anne
    MATHIEU en 1767``): the name opens with a listed first name (not ``naît de la fusion en 2005``, ``naît Airbus
    en 1970``) and is no insurer's (``naît Harmonie Mutuelle en 2012``)."""
    found = _BORN_SUBJECT_IN.search(folded, max(0, start - 80), start)
    if found is None or _SUBJECT_NAME.fullmatch(text, *found.span("subject")) is None:
        return False
    subject = text[slice(*found.span("subject"))]
    return lexicon.is_first_name(subject.split()[0]) and not any(
        spec.span_regex.search(subject) for spec in insurer.SPECS)


def _days_of_birth(folded: str) -> Iterator[tuple[int, int, float]]:
    """A day and a month without a year after ``né(e) le`` (``née le 17 février``), a day that exists."""
    for match in _DAY_MONTH_REGEX.finditer(folded):
        if _BORN_ON.search(folded, max(0, match.start() - 16), match.start()) and _day_exists(match.group(0)):
            yield match.start(), match.end(), CONTEXT_SCORE


def _day_exists(text: str) -> bool:
    """Whether the day and month ``text`` (folded, :data:`_DAY_MONTH_REGEX`) is a day of some year."""
    words = text.replace("-", " ").replace(" de ", " ").split()
    try:
        dt.date(2000, MONTHS[words[-1].rstrip(".")], read_number(" ".join(words[:-1])))
    except (KeyError, ValueError, ValidationError):
        return False
    return True


def _saw_the_day(text: str, folded: str, start: int) -> bool:
    """Whether the date at ``start`` follows "a vu le jour" (:data:`_SAW_THE_DAY`) whose subject is a name."""
    if folded.find("le jour", max(0, start - 80), start) < 0:
        return False  # most dates: no regex search
    phrase = _SAW_THE_DAY.search(folded, max(0, start - 80), start)
    if phrase is None:
        return False
    word = _LAST_WORD.search(text, max(0, phrase.start() - 40), phrase.start())
    if word is not None and lexicon.is_first_name(word.group(1)):
        return True
    return any(_SUBJECT_GAP.fullmatch(text, end, phrase.start()) for _, end, _ in _names(text))


def _lived(folded: str) -> Iterator[tuple[int, int, float]]:
    """The first date or year of a life span in prose, "a vécu de 1865 à 1938" (:data:`_LIVED`)."""
    for match in _LIVED.finditer(folded):
        birth = match.group("birth")
        if not _stated_birth(birth):
            continue
        years = _years_in(match)
        if len(years) == 2 and years[1] - years[0] >= BIRTH_AGE_GAP:
            yield match.start("birth"), match.end("birth"), AFTER_NAME_SCORE


def _lifespans(text: str) -> Iterator[tuple[int, int, float]]:
    """The birth date or year of a life span right after a name: ``Jean Aicardi (1926-2015)``, ``Curie Marie
    (7 novembre 1867, Varsovie – 4 juillet 1934, Sancellemoz)``; after a word of the language, when the names'
    rules end a name there (``Guy BLAUDIN de THÉ (1930-2014)``)."""
    names: list[tuple[int, int, float]] | None = None
    for match in _LIFESPAN.finditer(text):
        before = _name_before_lifespan(text, match)
        if before is None:
            continue
        first, word, birth = before.group(1), before.group(2), match.group("birth")
        if not _stated_birth(birth):
            continue
        if not _a_life(match, birth):
            continue
        if lexicon.is_first_name(word) or not lexicon.is_word(word) or (first and lexicon.is_first_name(first)):
            yield match.start("birth"), match.end("birth"), AFTER_NAME_SCORE
            continue
        names = _names(text) if names is None else names
        if any(_NAME_TO_LIFESPAN.fullmatch(text, end, match.start()) for _, end, _ in names):
            yield match.start("birth"), match.end("birth"), AFTER_NAME_SCORE


#: Between a name and its life span.
_NAME_TO_LIFESPAN = re.compile(r"[ \t]*,?[ \t]*")


def _name_before_lifespan(text: str, span: re.Match[str]) -> re.Match[str] | None:
    """The word or two right before the life span ``span`` that may end a name (groups 1 and 2), maybe after a
    role of one word, or of two or three for a span longer than a career."""
    before = _WORD_BEFORE.search(text, max(0, span.start() - 40), span.start())
    if before is not None or span.group("death") is None:
        return before
    before = _WORD_BEFORE_LONG_ROLE.search(text, max(0, span.start() - 60), span.start())
    years = _years_in(span)
    if before is None or _PHRASE_WORD.search(before["role"]) or max(years) - min(years) < LONGER_THAN_A_CAREER:
        return None
    return before


def _a_life(span: re.Match[str], birth: str) -> bool:
    """Whether the life span ``span`` is a life's: its two dates at least :data:`BIRTH_AGE_GAP` years apart (not a
    period: "Contrat Harmonie (1 mars 2019 - 2 mars 2020)"); with no death ("(1910- )") or as a place and a whole
    date alone ("(Glasgow, 28 avril 1936)"), a date at least as long ago."""
    years = _years_in(span)
    if span.group("death") is not None:
        return max(years) - min(years) >= BIRTH_AGE_GAP
    if span.group("dash") is None and (span.group("place") is None or birth.isdigit()):
        return False  # "(2019)", "(Paris, 1936)": a year alone, no life span
    return dt.date.today().year - min(years) >= BIRTH_AGE_GAP


def _years_in(span: re.Match[str]) -> list[int]:
    """The years written in a life span's match, in order."""
    return [int(year) for year in _YEARS.findall(span.group(0))]


def past_years(cells: pa.Array) -> np.ndarray:
    """Which of ``cells`` (each a year alone, :data:`YEAR_CELL_RE2`) lie between 1800 and this year, as numpy
    booleans: the birth years of a column named for them."""
    years = pc.cast(pc.utf8_trim_whitespace(cells), pa.int32()).to_numpy(zero_copy_only=False)
    return (years >= MIN_YEAR) & (years <= dt.date.today().year)


def _stated_birth(birth: str) -> bool:
    """Whether ``birth``, the first date of a life span, is a year or a whole date words may state a birth at."""
    return (birth.isdigit() and _plausible_partial(birth)) or is_valid(birth, OLDEST_STATED_YEAR)


def _plausible_partial(text: str) -> bool:
    words = fold(text).split(maxsplit=1)
    try:
        year = read_number(words[-1]) if len(words) == 2 else int(words[0])
    except ValidationError:
        return False
    return OLDEST_STATED_YEAR <= year <= dt.date.today().year


SPEC = EntitySpec(
    entity=ENTITY,
    name="date of birth: after a birth word or a name, or before an age",
    span_regex=SPAN_REGEX,
    prefilter=PREFILTER,
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=is_valid,
    needs_context=True,
    whole_re2=WHOLE_RE2,
    hinted_whole_re2=SIX_DIGITS_RE2,
    validate_array=validate_each(_is_valid_cell),
    context_window=CONTEXT_WINDOW,
    context_gap=CONTEXT_GAP,
    finder=find_dates,
    context_prefilter=CONTEXT_PREFILTER,
    reportable_re2=REPORTABLE_RE2,
)


def _model_names(text: str, entities: list) -> list[tuple[int, int, float]]:  # type: ignore[type-arg]
    """The names of ``text``: the rules' and the NER model's plausible ``PER`` spans (as leakguard keeps them)."""
    from recognizers import person

    spans = _names(text)
    for entity in entities:
        if entity.label_ not in ("PER", "PERSON"):  # spaCy's label, or the one Presidio's NLP engine maps it to
            continue
        kept = person.plausible_model_span(text, entity.start_char, entity.end_char)
        if kept is not None:
            spans.append((*kept, person.MODEL_SCORE))
    return person.merge(spans)


def _recognizer_class() -> type:
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts

    from recognizers.adapter import SpecRecognizer

    class DateOfBirthRecognizer(SpecRecognizer):
        """Presidio recognizer of dates of birth: a real date right after ``né le``, ``date de naissance``,
        ``DDN``... (score 0.9), before an age (0.85), or right after a person's name (0.75), the rules' or the
        NLP engine's."""

        def __init__(self, supported_language: str = "fr"):
            super().__init__([SPEC], supported_language=supported_language, name="DateOfBirthRecognizer")

        def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                    ) -> list[RecognizerResult]:
            results = super().analyze(text, entities, nlp_artifacts)
            if (entities and ENTITY not in entities) or nlp_artifacts is None or not nlp_artifacts.entities:
                return results
            names = _model_names(text, nlp_artifacts.entities)
            results += [self.result(SPEC, start, end, score)
                        for start, end, score in births_after(text, names, [(r.start, r.end) for r in results])]
            return results

    return DateOfBirthRecognizer


#: ``DateOfBirthRecognizer``, the Presidio recognizer, is built on first use: importing this module
#: for its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "DateOfBirthRecognizer", _recognizer_class)
