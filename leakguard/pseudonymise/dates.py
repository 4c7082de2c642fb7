"""Dates of birth as they are written in French files, parsed with their style so they can be rewritten alike.

Forms understood (day, month, year; surrounding white space ignored):

====================  ==========================  =====================================
written               style                       note
====================  ==========================  =====================================
``12/05/1985``        day/month/year, ``/``       French order; also ``12-05-1985``,
                                                  ``12.05.1985``, one-digit day/month
``1985-05-12``        ISO 8601                    also ``1985/05/12``, ``1985.05.12``,
                                                  and a time after it (``T00:00:00``),
                                                  rewritten with zeros
``19850512``          ISO basic                   8 digits, years 1900-2099
``12 mai 1985``       French month name           ``1er mai 1985``, ``12 MAI 1985``,
                                                  ``12 févr. 1985``, ``12 fev 1985``
====================  ==========================  =====================================

Two-digit years (``12/05/85``) are not accepted: the century cannot be told for a date of birth.

:func:`parse_date` returns a :class:`WrittenDate`, which knows the date and how to write another date the
same way (:meth:`WrittenDate.render`): same order, separators, digit widths, month-name case and abbreviation.
The generalise operator uses it to turn ``12/05/1985`` into ``01/01/1985``, and the normaliser to turn any
form into ISO ``1985-05-12``.

Sources: ISO 8601-1:2019 (calendar dates, basic and extended formats); the French month names and their usual
abbreviations (Imprimerie nationale, *Lexique des règles typographiques*).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

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

_NUMERIC_DMY = re.compile(r"(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})")
_NUMERIC_YMD = re.compile(r"(?P<y>\d{4})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?P<rest>[T ][\d:.+\-Z]*)?")
_BASIC = re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})")
_SHORT = {1: "janv.", 2: "févr.", 4: "avr.", 7: "juil.", 9: "sept.", 10: "oct.", 11: "nov.", 12: "déc."}
_DIGIT_RE = re.compile(r"\d")
_NAMED = re.compile(r"(?P<d>\d{1,2})(?P<er>er)?\s+(?P<name>[^\W\d_]+)(?P<dot>\.?)\s+(?P<y>\d{4})")


@dataclass(frozen=True)
class WrittenDate:
    """A date and the style it was written in."""

    date: dt.date
    #: ``"dmy"``, ``"ymd"``, ``"basic"`` or ``"named"``
    style: str
    separator: str = ""
    day_width: int = 2
    month_width: int = 2
    #: for ``named``: the month as written (to copy its case and abbreviation); ``1er`` for the first day
    month_text: str = ""
    abbreviated: bool = False
    ordinal: bool = False
    #: what followed an ISO date (``T00:00:00``), kept as written
    rest: str = ""

    def render(self, date: dt.date) -> str:
        """``date`` written in this style: ``WrittenDate(12/05/1985).render(1985-01-01) == "01/01/1985"``."""
        day = f"{date.day:0{self.day_width}d}"
        month = f"{date.month:0{self.month_width}d}"
        if self.style == "dmy":
            return f"{day}{self.separator}{month}{self.separator}{date.year:04d}"
        if self.style == "ymd":
            rest = _DIGIT_RE.sub("0", self.rest)  # a time of birth is not kept
            return f"{date.year:04d}{self.separator}{month}{self.separator}{day}{rest}"
        if self.style == "basic":
            return f"{date.year:04d}{date.month:02d}{date.day:02d}"
        name = _month_name(date.month, self.abbreviated)
        if self.month_text.isupper():
            name = name.upper()
        elif self.month_text[:1].isupper():
            name = name[:1].upper() + name[1:]
        first = "1er" if self.ordinal and date.day == 1 else f"{date.day:0{self.day_width}d}"
        return f"{first} {name} {date.year:04d}"


def _month_name(month: int, abbreviated: bool) -> str:
    if abbreviated:
        return _SHORT.get(month, MONTH_NAMES[month - 1])
    folded = MONTH_NAMES[month - 1]
    return _WRITTEN.get(folded, folded)


def _month_number(name: str) -> int | None:
    folded = fold(name)
    if folded in MONTH_NAMES:
        return MONTH_NAMES.index(folded) + 1
    return _ABBREVIATIONS.get(folded)


def _date(year: str, month: str | int, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date(text: str) -> WrittenDate | None:
    """The date written in ``text`` with its style, or ``None`` when ``text`` is no date of a known form.

    >>> written = parse_date("12 févr. 1985")
    >>> written.date, written.render(dt.date(1985, 1, 1))
    (datetime.date(1985, 2, 12), '01 janv. 1985')
    >>> parse_date("31/02/1985") is None  # no such day
    True
    """
    text = text.strip()
    if match := _NUMERIC_DMY.fullmatch(text):
        date = _date(match["y"], match["m"], match["d"])
        return date and WrittenDate(date, "dmy", match["s"], day_width=len(match["d"]), month_width=len(match["m"]))
    if match := _NUMERIC_YMD.fullmatch(text):
        date = _date(match["y"], match["m"], match["d"])
        return date and WrittenDate(
            date,
            "ymd",
            match["s"],
            day_width=len(match["d"]),
            month_width=len(match["m"]),
            rest=match["rest"] or "",
        )
    if match := _BASIC.fullmatch(text):
        date = _date(match["y"], match["m"], match["d"])
        return date and WrittenDate(date, "basic")
    if match := _NAMED.fullmatch(text):
        month = _month_number(match["name"])
        if month is None:
            return None
        date = _date(match["y"], month, match["d"])
        abbreviated = bool(match["dot"]) or fold(match["name"]) not in MONTH_NAMES
        return date and WrittenDate(
            date,
            "named",
            day_width=len(match["d"]),
            month_text=match["name"],
            abbreviated=abbreviated,
            ordinal=bool(match["er"]),
        )
    return None
