"""Dates of birth as they are written in French files, parsed with their style so they can be rewritten alike.

Forms understood (day, month, year; surrounding white space ignored), every form the date-of-birth detector
reports (:mod:`recognizers.date_of_birth`):

=============================  ==========================  ==========================================
written                        style                       note
=============================  ==========================  ==========================================
``12/05/1985``                 day/month/year, ``/``       French order; also ``-``, ``.``, ``|``,
                                                           a space on either side of the separator
                                                           (``12 . 05 . 1985``), one-digit day/month,
                                                           two-digit years (``12.05.85``)
``12 05 1985``                 day month year, space       two digits, two digits, four digits
``12051985``                   day month year, no sep.     8 digits, when no year comes first
``1985-05-12``                 ISO 8601                    also ``1985/05/12``, ``1985.05.12``,
                                                           and a time after it (``T00:00:00``),
                                                           rewritten with zeros
``19850512``                   ISO basic                   8 digits, years 1800-2099
``1 2 . 0 5 . 1 9 8 5``        any of the above            digits spaced one by one
``12 mai 1985``                French month name           ``1er mai 1985``, ``12 MAI 1985``,
                                                           ``12 févr. 1985``, ``12 fev 1985``,
                                                           ``12-mai-1985``, ``12 de mai 1985``,
                                                           ``12 mai 85``; day or year in words:
                                                           ``deux mai mille neuf cent quatre-vingt-cinq``
``mai 1985``                   month and year              only with ``partial=True`` (no day: no
                                                           date to normalise), year in words too
=============================  ==========================  ==========================================

A two-digit year is read as the detector reads it (:func:`recognizers.date_of_birth.full_year`: the latest
century that keeps it no later than this year), and written back with two digits.

:func:`parse_date` returns a :class:`WrittenDate`, which knows the date and how to write another date the
same way (:meth:`WrittenDate.render`): the day, month and year are replaced where they stand, each in its own
way (digit widths, ``1er``, words, month-name case and abbreviation); what stands between them (separators,
spaces, ``de``) is kept, and so is a part whose value does not change. The generalise operator uses it to turn
``12/05/1985`` into ``01/01/1985``, and the normaliser to turn any form into ISO ``1985-05-12``.

Sources: ISO 8601-1:2019 (calendar dates, basic and extended formats); the French month names and their usual
abbreviations (Imprimerie nationale, *Lexique des règles typographiques*).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from stdnum.exceptions import ValidationError

from recognizers.date_of_birth import WEEKDAY_PREFIX, WEEKDAYS, WORD_GAP, full_year, read_number
from recognizers.patterns import BLANK
from recognizers.spec import fold

#: French month names (folded: lower case, no accents) and the abbreviations met in files.
MONTH_NAMES = (
    "janvier", "fevrier", "mars", "avril", "mai", "juin",
    "juillet", "aout", "septembre", "octobre", "novembre", "decembre",
)  # fmt: skip
_ABBREVIATIONS = {
    "janv": 1, "jan": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
#: How each month is written with an accent, for rendering (folded name -> written name).
_WRITTEN = {"fevrier": "février", "aout": "août", "decembre": "décembre", "fevr": "févr", "dec": "déc"}
#: The abbreviation written for each month that has one (without its dot).
_SHORT = {1: "janv", 2: "févr", 4: "avr", 7: "juil", 9: "sept", 10: "oct", 11: "nov", 12: "déc"}
#: The days of a month in words, as dates in words write them.
DAY_WORDS = (
    "premier", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize",
    "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf", "vingt", "vingt et un", "vingt-deux",
    "vingt-trois", "vingt-quatre", "vingt-cinq", "vingt-six", "vingt-sept", "vingt-huit", "vingt-neuf", "trente",
    "trente et un",
)  # fmt: skip

_NUMERIC_DMY = re.compile(r"(?P<d>\d{1,2})(?P<s> ?[/.\-|] ?)(?P<m>\d{1,2}) ?[/.\-|] ?(?P<y>\d{4}|\d{2})")
#: Two digits, two digits and four apart by one space each, as forms print boxes: ``12 05 1985``.
_SPACE_APART = re.compile(r"(?P<d>\d{2})(?P<s> )(?P<m>\d{2}) (?P<y>\d{4})")
_NUMERIC_YMD = re.compile(r"(?P<y>\d{4})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?P<rest>[T ][\d:.+\-Z]*)?")
_BASIC = re.compile(r"(?P<y>(?:1[89]|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})")
_COMPACT_DMY = re.compile(r"(?P<d>\d{2})(?P<m>\d{2})(?P<y>\d{4})")
#: Digits spaced one by one, maybe with separators: ``1 2 . 0 5 . 1 9 8 5``.
_SPACED = re.compile(r"\d(?: \d| [/.\-|])+")
_DIGIT_RE = re.compile(r"\d")
#: A month's name or abbreviation in a folded text, with its dot.
_MONTH_WORD = re.compile(
    r"(?<![a-z])(?:" + "|".join(sorted([*MONTH_NAMES, *_ABBREVIATIONS], key=len, reverse=True)) + r")\.?(?![a-z])"
)
#: Before the month (folded): the day (digits, ``1er``, words) and the gap, maybe with ``de``.
_DAY_BEFORE = re.compile(rf"(?P<d>\d{{1,2}}(?: ?er)?|[a-z][a-z \-]*?)(?P<gap>{WORD_GAP}(?:de{BLANK}+)?)")
#: After the month (folded): the gap and the year (two or four digits, or words).
_YEAR_AFTER = re.compile(rf"(?P<gap>{WORD_GAP})(?P<y>\d{{4}}|\d{{2}}|[a-z][a-z \-]*)")


@dataclass(frozen=True)
class WrittenDate:
    """A date and the way it was written."""

    date: dt.date
    #: ``"dmy"``, ``"ymd"``, ``"basic"``, ``"named"`` or ``"month"`` (a month and year, no day)
    style: str
    #: the separator of a numeric form (``/``, ``.``, ``-``, ``|``, a space, or none), spaces around it left out
    separator: str = ""
    #: the date as written (digits spaced one by one: without the spaces)
    text: str = ""
    #: where the day (``None``: none written), month and year stand in :attr:`text`
    day_at: tuple[int, int] | None = None
    month_at: tuple[int, int] = (0, 0)
    year_at: tuple[int, int] = (0, 0)
    #: what followed an ISO date (``T00:00:00``), kept with its digits set to 0
    rest: str = ""
    #: whether the digits were spaced one by one (``1 2 . 0 5 . 1 9 8 5``)
    spaced: bool = False
    #: the day of the week written before the date (``samedi``, ``Samedi,``), rewritten for the new date
    weekday: str = ""

    def render(self, date: dt.date) -> str:
        """``date`` written in this style: ``parse_date("12/05/1985").render(1985-01-01) == "01/01/1985"``.

        Each part is written where it stood, as it was written (:func:`_write_day`, :func:`_write_month`,
        :func:`_write_year`); the text between the parts is kept.
        """
        parts = [(self.month_at, _write_month(self._part(self.month_at), self.date.month, date.month)),
                 (self.year_at, _write_year(self._part(self.year_at), self.date.year, date.year))]
        if self.day_at is not None:
            parts.append((self.day_at, _write_day(self._part(self.day_at), self.date.day, date.day)))
        out, last = [], 0
        for (start, end), written in sorted(parts):
            out += [self.text[last:start], written]
            last = end
        text = "".join([*out, self.text[last:], _DIGIT_RE.sub("0", self.rest)])  # a time of birth is not kept
        text = " ".join(text) if self.spaced else text
        return _write_weekday(self.weekday, date) + text

    def _part(self, at: tuple[int, int]) -> str:
        return self.text[at[0] : at[1]]


def _like(model: str, text: str) -> str:
    """``text`` in the case of ``model``: all capitals, a capital first, or as it is."""
    if model.isupper():
        return text.upper()
    return text[:1].upper() + text[1:] if model[:1].isupper() else text


def _write_day(written: str, old: int, new: int) -> str:
    """Day ``new`` written as ``written`` wrote day ``old``: same width, ``1er``, or words."""
    if new == old:
        return written
    if written.isdigit():
        return f"{new:0{len(written)}d}"
    if written[:1].isdigit():  # 1er, another day in digits
        return str(new)
    return _like(written, DAY_WORDS[new - 1])


def _write_weekday(written: str, date: dt.date) -> str:
    """The day of the week of ``date`` written as ``written`` (with what follows it) wrote another; ``""``
    for none."""
    if not written:
        return written
    name = written.rstrip(", \t\u00a0\u202f")
    return _like(name, WEEKDAYS[date.weekday()]) + written[len(name) :]


def _write_month(written: str, old: int, new: int) -> str:
    """Month ``new`` written as ``written`` wrote month ``old``: same width, or its name in the same case,
    abbreviated (with the dot, if one was written) or not."""
    if new == old:
        return written
    if written.isdigit():
        return f"{new:0{len(written)}d}"
    name = written.removesuffix(".")
    if fold(name) in MONTH_NAMES or new not in _SHORT:
        out = _WRITTEN.get(MONTH_NAMES[new - 1], MONTH_NAMES[new - 1])
    else:
        out = _SHORT[new] + written[len(name) :]
    return _like(name, out)


def _write_year(written: str, old: int, new: int) -> str:
    """Year ``new`` written as ``written`` wrote year ``old``: two or four digits; a year in words is kept when
    it does not change, else written in digits."""
    if new == old:
        return written
    return f"{new % 100:02d}" if len(written) == 2 else f"{new:04d}"


def _month_number(name: str) -> int | None:
    folded = fold(name).removesuffix(".")
    if folded in MONTH_NAMES:
        return MONTH_NAMES.index(folded) + 1
    return _ABBREVIATIONS.get(folded)


def _date(year: str | int, month: str | int, day: str | int) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _number(text: str, year: bool = False) -> int | None:
    """A day or a year (``year``) in digits or words, ``None`` when it is none; two-digit years as the detector
    reads them."""
    try:
        return full_year(text) if year and text.isdigit() else read_number(text)
    except ValidationError:
        return None


def parse_date(text: str, partial: bool = False) -> WrittenDate | None:
    """The date written in ``text`` with its style, or ``None`` when ``text`` is no date of a known form;
    with ``partial``, a month and year (``mars 1961``) too, read as the first day of that month.

    >>> written = parse_date("12 févr. 1985")
    >>> written.date, written.render(dt.date(1985, 1, 1))
    (datetime.date(1985, 2, 12), '01 janv. 1985')
    >>> parse_date("1 2 . 0 3 . 6 1").render(dt.date(1961, 1, 1))
    '0 1 . 0 1 . 6 1'
    >>> parse_date("31/02/1985") is None  # no such day
    True
    """
    text = text.strip()
    if weekday := WEEKDAY_PREFIX.match(fold(text)):
        written = parse_date(text[weekday.end() :], partial)
        return written and dataclasses.replace(written, weekday=text[: weekday.end()])
    if _SPACED.fullmatch(text):
        written = _parse_numeric(text.replace(" ", ""))
        return written and dataclasses.replace(written, spaced=True)
    return _parse_numeric(text) or _parse_named(text, partial)


def _parse_numeric(text: str) -> WrittenDate | None:
    """A date in digits (:func:`parse_date`)."""
    if match := _NUMERIC_DMY.fullmatch(text) or _SPACE_APART.fullmatch(text):
        date = _date(full_year(match["y"]), match["m"], match["d"])
        return date and WrittenDate(date, "dmy", match["s"].strip() or " ", text, match.span("d"), match.span("m"),
                                    match.span("y"))
    if match := _NUMERIC_YMD.fullmatch(text):
        date = _date(match["y"], match["m"], match["d"])
        return date and WrittenDate(date, "ymd", match["s"], text[: match.start("rest")] if match["rest"] else text,
                                    match.span("d"), match.span("m"), match.span("y"), match["rest"] or "")
    for style, compact in (("basic", _BASIC), ("dmy", _COMPACT_DMY)):  # a year first when it reads as one
        if (match := compact.fullmatch(text)) and (date := _date(match["y"], match["m"], match["d"])):
            return WrittenDate(date, style, "", text, match.span("d"), match.span("m"), match.span("y"))
    return None


def _parse_named(text: str, partial: bool) -> WrittenDate | None:
    """A date with the month's name (:func:`parse_date`): the first month's name between a day and a year
    that read as numbers; with ``partial``, a month's name then a year."""
    folded = fold(text)
    for month in _MONTH_WORD.finditer(folded):
        year = _YEAR_AFTER.fullmatch(folded, month.end())
        if year is None or (number := _number(year["y"], year=True)) is None:
            continue
        if month.start() == 0:
            written = _month_year(text, month, year, number) if partial else None
        else:
            written = _day_month_year(text, folded, month, year, number)
        if written is not None:
            return written
    return None


def _day_month_year(text: str, folded: str, month: re.Match[str], year: re.Match[str], number: int
                    ) -> WrittenDate | None:
    day = _DAY_BEFORE.fullmatch(folded, 0, month.start())
    if day is None or (day_number := _number(day["d"])) is None:
        return None
    date = _date(number, _month_number(month.group()) or 0, day_number)
    return date and WrittenDate(date, "named", "", text, day.span("d"), month.span(), year.span("y"))


def _month_year(text: str, month: re.Match[str], year: re.Match[str], number: int) -> WrittenDate | None:
    if len(year["y"]) == 2:  # "mars 61": no month and year the detector reports
        return None
    date = _date(number, _month_number(month.group()) or 0, 1)
    return date and WrittenDate(date, "month", "", text, None, month.span(), year.span("y"))
