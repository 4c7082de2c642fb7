"""Helpers to write one pattern that Python ``re`` and RE2 read the same way.

:class:`~recognizers.spec.EntitySpec` asks for a Python span regex and an RE2 pre-filter that matches at
least every string the span regex matches. The two engines agree on plain syntax (character classes, ``?``,
``{m,n}``, alternation, literal non-ASCII characters) but not on everything:

* ``\\d``, ``\\w``, ``\\s`` are Unicode-aware in Python and ASCII-only in RE2: write ``[0-9]`` and explicit
  classes instead;
* case-insensitive matching folds more in Python (``i`` matches ``İ`` and ``ı``) than in RE2: compile the Python
  side with ``re.IGNORECASE | re.ASCII`` (ASCII letters only fold) and spell out the accented capitals in
  the classes (:func:`both_cases`); RE2's ``(?i)`` then matches at least as much;
* RE2 has no lookarounds and no back-references: boundaries go around the shared core on the Python side only.

>>> both_cases("m[eé]decine")
'm[eéÉ]decine'
>>> import re
>>> bool(re.fullmatch(both_cases("m[eé]decine"), "MÉDECINE", FLAGS))
True
>>> [bool(re.fullmatch(f"[{UPPER}][{LOWER}]+", word)) for word in ("Łukasz", "Şahin", "Nguyễn", "ŁUKASZ")]
[True, True, True, False]
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Flags of every case-insensitive Python span regex: ASCII letters fold, other letters are spelled out.
FLAGS = re.IGNORECASE | re.ASCII

#: A blank inside a line: space, tab, and the no-break and narrow no-break spaces of word processors.
BLANK = "[ \t\u00a0\u202f]"

#: Letters (ASCII, Latin-1, Latin Extended-A/B) and digits: what a word-bounded match must not touch.
WORD_CHARS = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"


def _class_of(test: Callable[[str], bool], *blocks: tuple[int, int]) -> str:
    """The characters of ``blocks`` (first and last code point) that pass ``test``, as a class body of ranges."""
    out = []
    for first, last in blocks:
        start = None
        for code in range(first, last + 2):
            if code <= last and test(chr(code)):
                start = code if start is None else start
            elif start is not None:
                out.append(chr(start) if start == code - 1 else f"{chr(start)}-{chr(code - 1)}")
                start = None
    return "".join(out)


_LATIN = ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF))
#: Class bodies of the capital and the small letters of the Latin script (ASCII, Latin-1, Latin Extended-A
#: and -B, Latin Extended Additional): names are written in Polish, Turkish, Romanian or Vietnamese too
#: (``Łukasz``, ``ELŻBIETA``, ``Şahin``, ``Nguyễn``). Literal characters, read alike by ``re`` and RE2.
UPPER = _class_of(str.isupper, *_LATIN)
LOWER = _class_of(str.islower, *_LATIN)


def both_cases(pattern: str) -> str:
    """Add the capital of every non-ASCII lower-case letter inside the character classes of ``pattern``.

    Raises ``ValueError`` for a non-ASCII letter outside a class, where one character cannot become two.
    """
    out = []
    in_class = False
    escaped = False
    for char in pattern:
        out.append(char)
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif not char.isascii() and char.isalpha() and char.islower():
            upper = char.upper()
            if len(upper) != 1 or upper == char:
                continue
            if not in_class:
                raise ValueError(f"put {char!r} in a character class: [{char}]")
            out.append(upper)
    return "".join(out)
