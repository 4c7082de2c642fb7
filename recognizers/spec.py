"""What one entity looks like in text, stated once for two consumers.

Every recognizer module of this package describes its entity with an :class:`EntitySpec`: the Python
regular expression that finds a written form inside a string, a cheaper RE2 pattern that every string holding
such a form also matches (``pyarrow.compute`` speaks RE2, not Python ``re``), the validation that decides
whether a matched form really is the entity (a check digit, a structure rule), the context words that raise
confidence, and the scores.

Two consumers read the same spec, so they cannot disagree:

* :class:`recognizers.adapter.SpecRecognizer`, a Presidio ``EntityRecognizer`` that any ``AnalyzerEngine``
  can register;
* ``leakguard.detect``, which runs the RE2 pre-filter over whole Arrow arrays and the Python expression and
  validation only on the few strings that survive.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

#: Separators people put inside written identifiers: space, no-break space, narrow no-break space, dot, dash.
SEPARATORS = " \u00a0\u202f.-"
#: The same separators as a regex character class (valid in Python ``re`` and in RE2).
SEP_CLASS = r"[ \x{00a0}\x{202f}.\-]"
SEP_CLASS_PY = r"[ \u00a0\u202f.\-]"

#: How far (in characters) before a match context words are looked for by ``leakguard.detect``.
CONTEXT_WINDOW = 48


def _fold_table() -> dict[int, str]:
    """Accented letters of Latin-1 and Latin Extended-A/B -> their base letter (one character each)."""
    table = {}
    for code in range(0x00C0, 0x0250):
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if len(base) == 1 and base != chr(code):
            table[code] = base
    return table


_FOLD = str.maketrans(_fold_table())
#: The same, char to char, and a regex of the chars it folds: ``str.translate`` looks every character of a
#: non-ASCII text up in its table (~20 us for a comment); replacing the few accented ones costs a fifth.
_BASE = {chr(code): base for code, base in _fold_table().items()}
_ACCENTED_CHAR = re.compile("[" + "".join(_BASE) + "]")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip the accents of Latin letters: ``"N° Sécurité"`` -> ``"n° securite"``.

    Context words are compared in this folded form. Folding keeps the string's length (one character for
    one), so offsets found in the folded text hold in the original.
    """
    if text.isascii():
        return text.lower()
    folded = text
    for char in set(_ACCENTED_CHAR.findall(text)):  # no base letter is folded again: one pass, as translate
        folded = folded.replace(char, _BASE[char])
    folded = folded.lower()
    if len(folded) != len(text):  # "İ".lower() is two characters: fold those one by one
        return "".join(c.translate(_FOLD).lower()[:1] or c for c in text)
    return folded


#: RE2 class body of Python's white space (``str.isspace``, what ``\\s`` matches in a folded text); RE2's own
#: ``\\s`` is ASCII.
WHITESPACE_RE2 = (
    "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}"
    "\\x{202f}\\x{205f}\\x{3000}"
)
#: RE2 class body of the characters :func:`fold` turns into an ASCII letter (the Kelvin sign lower-cases to k).
FOLDS_TO_LETTER_RE2 = "a-zA-Z\\x{212a}" + "".join(c for c, base in sorted(_BASE.items()) if "a" <= base.lower() <= "z")


def _spellings(char: str) -> str:
    if not ("a" <= char <= "z"):
        return re.escape(char)
    accented = "".join(c for c, base in sorted(_BASE.items()) if base.lower() == char)
    return f"[{char}{accented}]" if accented else char


def spellings_re2(folded: str) -> str:
    """An RE2 pattern (to use under ``(?i)``) of every text :func:`fold` turns into ``folded``.

    >>> spellings_re2("d.n")
    '[dĎď]\\\\.[nÑñŃńŅņŇňǸǹ]'
    """
    return "".join(_spellings(char) for char in folded)


def _alternatives(folded: set[str]) -> str:
    """RE2: the spellings of each of ``folded``, longest first, then in alphabetical order: the same program
    whatever the process's hash seed (a set's order changes with it, and with the order the size of RE2's DFA)."""
    return "|".join(spellings_re2(w) for w in sorted(folded, key=lambda w: (-len(w), w)))


def spelt_re2(*folded: str) -> str:
    """RE2: any of the ``folded`` words, in every spelling :func:`fold` reads as it (case and accents aside).

    >>> spelt_re2("ne", "a")
    '(?i:[nÑñŃńŅņŇňǸǹ][eÈÉÊËèéêëĒēĔĕĖėĘęĚěȄȅȆȇȨȩ]|[aÀÁÂÃÄÅàáâãäåĀāĂăĄąǍǎǞǟǠǡǺǻȀȁȂȃȦȧ])'
    """
    return f"(?i:{_alternatives(set(folded))})"


def words_re2(words: tuple[str, ...]) -> str:
    """An RE2 pattern matching any of ``words``, accents and case aside (``"ne le"`` matches ``"Né le"``)."""
    return f"(?i)(?:{_alternatives({fold(w) for w in words})})"


@dataclass(frozen=True)
class EntitySpec:
    """How one entity is found and checked in text.

    ``span_regex`` finds candidates in any string; group 0 is the span reported (use lookarounds for
    boundaries). ``prefilter`` is an RE2 pattern matched (unanchored) by every string that holds a match of
    ``span_regex``: it may match more, never less. ``validate`` takes the matched text and says whether it is
    the entity. A match with one of ``context`` (folded, see :func:`fold`) in the ``CONTEXT_WINDOW``
    characters before it scores ``context_score``, else ``score``; entities with ``needs_context`` are not
    reported without context (a column name hint counts as context in ``leakguard.detect``).

    ``context_window`` narrows (or widens) that window for one entity; ``context_gap``, when given, is a
    regex the folded text between the end of the context word and the match must match entirely (e.g.
    only separators: the context word must be *right before* the value, as for a date of birth).
    """

    entity: str
    name: str
    span_regex: re.Pattern[str]
    prefilter: str
    score: float
    context_score: float
    context: tuple[str, ...] = ()
    validate: Callable[[str], bool] | None = None
    needs_context: bool = False
    #: optional: a score for a valid match that depends on the value (e.g. NIA/temporary NIRs score lower)
    score_of: Callable[[str], float] | None = None
    #: how far before a match context words are looked for (characters)
    context_window: int = CONTEXT_WINDOW
    #: optional: what may stand between a context word and the match (folded text, ``fullmatch``)
    context_gap: re.Pattern[str] | None = None
    #: optional: an RE2 pattern (no anchors, no lookarounds) of a cell that is one value and nothing else,
    #: for entities met as whole columns; ``leakguard.detect`` settles such cells in Arrow, without Python
    whole_re2: str | None = None
    #: optional: another whole-cell form (RE2, as ``whole_re2``), read only in a column named for the entity: a
    #: value a spreadsheet or a numeric type has cut (``612345678``, a phone number without its leading zero)
    hinted_whole_re2: str | None = None
    #: optional: the bounds of the whole-cell form that ``whole_re2`` leaves out (string array -> boolean
    #: array), for forms whose counted repetitions of Unicode classes make RE2 slow (an e-mail's labels of at
    #: most 63 characters): a cell is in the whole-cell form when it matches ``whole_re2`` and these bounds
    whole_bounds: Callable[[pa.Array], np.ndarray] | None = None
    #: optional: vectorised ``validate`` of cells matching ``whole_re2`` (string array -> boolean array)
    validate_array: Callable[[pa.Array], pa.Array] | None = None
    #: optional: vectorised ``score_of`` of valid whole cells, surrounding white space trimmed (string array ->
    #: float64 numpy array); without it, ``leakguard.detect`` calls ``score_of`` cell by cell
    score_array: Callable[[pa.Array], np.ndarray] | None = None
    #: optional: words that, right before a match and without a context word, say it is something else
    #: (``facture n°``, ``commande``: a 15-digit invoice number that passes the NIR key by chance)
    negative_context: tuple[str, ...] = ()
    #: optional: the whole search in a text, for entities whose rules are more than a pattern and context words
    #: (``finder(text, folded, in_context)`` yields ``(start, end, score)``; ``span_regex`` then only documents
    #: the written forms, and ``prefilter`` must match every text the finder reports in)
    finder: Callable[[str, str, bool], Iterator[tuple[int, int, float]]] | None = None
    #: optional: the spans of the written forms in a text, in order, for forms one pattern cannot say (numbers
    #: side by side); default: the matches of ``span_regex``. No span may take in a newline
    find_spans: Callable[[str], list[tuple[int, int]]] | None = None
    #: optional: ``validate`` of many matched values at once (list of strings -> numpy booleans)
    validate_many: Callable[[list[str]], np.ndarray] | None = None
    #: the ``negative_context`` words say no even after a context word (numbers that no check confirms)
    negative_wins: bool = False
    #: optional: a regex matched in the folded text right after a match, that gives it context as a word before
    #: it does (an identifier's type written after it: ``extension="…" root="1.2.250.1.213.1.4.8"``); it must
    #: not match across a line break (texts searched together are joined by one)
    context_after: re.Pattern[str] | None = None
    #: optional: a regex matched in the original text (case kept) that ends right at a match, within the
    #: context window, and gives it context as a word before it does: code identifiers that name the entity,
    #: whose camel case folding hides (``setNir("…")``, ``numeroSecuriteSociale).toBe("…")``)
    context_before: re.Pattern[str] | None = None
    #: optional: the valid values that are their own context, as if a context word preceded them (a NIR body with
    #: its right key given apart, a NIR in its own layout, in a spec that otherwise needs context); a negative
    #: context word still says no where it would after a context word
    context_free: Callable[[str], bool] | None = None
    #: optional: an RE2 pattern every text matches where the entity can be reported without a column hint
    #: (default: any of the ``context`` words); for entities whose context is more than words
    context_prefilter: str | None = None
    #: optional: a second RE2 pattern every text matches where the entity can be reported without a column
    #: hint, for a tighter pre-filter than one pattern can say (a text must match both)
    reportable_re2: str | None = None
    #: optional: the column hints (entities a column's name says it holds) under which ``leakguard.detect`` does
    #: not look for this entity: a digit run in a column of member numbers is no phone number
    not_under: frozenset[str] = frozenset()
    #: folded context words compiled into one regex, built on first use
    _context_re: list[re.Pattern[str]] = field(default_factory=list, compare=False, repr=False)
    _negative_re: list[re.Pattern[str]] = field(default_factory=list, compare=False, repr=False)
    _context_re2: list[str] = field(default_factory=list, compare=False, repr=False)
    _context_word_re2: list[str] = field(default_factory=list, compare=False, repr=False)

    def context_regex(self) -> re.Pattern[str] | None:
        """One regex matching any folded context word on word boundaries, or ``None`` without context."""
        if not self.context:
            return None
        if not self._context_re:
            words = sorted({fold(w) for w in self.context}, key=len, reverse=True)
            alternation = "|".join(re.escape(w) for w in words)
            # a setter named for the word counts as the word: setDateNaissance("…"), with_birthdate(…)
            self._context_re.append(re.compile(rf"(?<![0-9a-z])(?:(?:set|with)_?)?(?:{alternation})(?![a-z])"))
        return self._context_re[0]

    def has_negative_context(self, folded_text: str, start: int, text_start: int = 0) -> bool:
        """Whether a negative context word ends in the ``context_window`` characters before ``start`` (and
        after ``text_start``, where the text begins in a longer string)."""
        if not self.negative_context:
            return False
        if not self._negative_re:
            words = sorted({fold(w) for w in self.negative_context}, key=len, reverse=True)
            alternation = "|".join(re.escape(w) for w in words)
            self._negative_re.append(re.compile(rf"(?<![0-9a-z])(?:{alternation})(?![a-z])"))
        return self._negative_re[0].search(folded_text, max(text_start, start - self.context_window), start) is not None

    def context_re2(self) -> str | None:
        """An RE2 pattern that every text holding one of the context words matches (accents and case aside).

        ``leakguard.detect`` uses it to skip, in one vectorised pass, the texts where an entity that needs
        context cannot be reported.
        """
        if self.context_prefilter is not None:
            return self.context_prefilter
        if not self.context:
            return None
        if not self._context_re2:  # built once: the detector asks for it on every column
            self._context_re2.append(words_re2(self.context))
        return self._context_re2[0]

    def context_word_re2(self) -> str | None:
        """An RE2 pattern of the texts holding one of the context words as :meth:`context_regex` finds them,
        a word of its own (``nir`` but not ``fournir``); ``None`` without context words."""
        if not self.context:
            return None
        if not self._context_word_re2:
            letter, words = FOLDS_TO_LETTER_RE2, words_re2(self.context).removeprefix("(?i)")
            self._context_word_re2.append(f"(?:^|[^0-9{letter}])(?i:{words})(?:[^{letter}]|$)")
        return self._context_word_re2[0]

    def has_context(self, folded_text: str, start: int, window: int | None = None, text_start: int = 0) -> bool:
        """Whether a context word ends in the ``window`` characters before ``start`` of ``folded_text``.

        ``window`` defaults to the spec's ``context_window``; with a ``context_gap`` the text between the
        context word and ``start`` must match it. ``text_start``: where the text begins, when it is one of
        several joined in ``folded_text`` (the window does not reach into the text before).
        """
        regex = self.context_regex()
        if regex is None:
            return False
        lo = max(text_start, start - (self.context_window if window is None else window))
        if self.context_gap is None:
            return regex.search(folded_text, lo, start) is not None
        gap = self.context_gap
        return any(gap.fullmatch(folded_text, m.end(), start) for m in regex.finditer(folded_text, lo, start))

    def in_context(self, folded_text: str, start: int, end: int, text_start: int = 0, text: str = "") -> bool:
        """Whether the match ``start:end`` of ``folded_text`` (folded from ``text``) has context: a context word
        before it (:meth:`has_context`), ``context_after`` right after it, or ``context_before`` right before it
        in ``text``."""
        return self.has_context(folded_text, start, text_start=text_start) or (
            self.context_after is not None and self.context_after.match(folded_text, end) is not None) or (
            self.context_before is not None and bool(text) and self.context_before.search(
                text, max(text_start, start - self.context_window), start) is not None)

    def base_score(self, value: str) -> float:
        return self.score_of(value) if self.score_of is not None else self.score

    def find(self, text: str, *, context: bool = False, folded: str | None = None) -> Iterator[tuple[int, int, float]]:
        """Yield ``(start, end, score)`` for every valid match in ``text``.

        ``context=True`` says the caller already knows the text is about this entity (a column hint): every
        valid match scores ``context_score`` and ``needs_context`` entities are reported. ``folded`` is
        ``fold(text)`` when the caller has it already (it is computed here otherwise, when needed).
        """
        if self.finder is not None:
            yield from self.finder(text, fold(text) if folded is None else folded, context)
            return
        for start, end in self.spans_in(text):
            value = text[start:end]
            if self.validate is not None and not self.validate(value):
                continue
            if folded is None and not context and (self.context or self.negative_context):
                folded = fold(text)
            score = self.score_valid(value, folded or "", start, context=context, text=text)
            if score is not None:
                yield start, end, score

    def spans_in(self, text: str) -> list[tuple[int, int]]:
        """The ``(start, end)`` of the written forms in ``text`` (``find_spans``, or ``span_regex``'s matches)."""
        if self.find_spans is not None:
            return self.find_spans(text)
        return [match.span() for match in self.span_regex.finditer(text)]

    def are_valid(self, values: list[str]) -> np.ndarray:
        """``validate`` of each of ``values`` (matched spans), as numpy booleans, batched where the entity can."""
        if self.validate is None:
            return np.ones(len(values), bool)
        if self.validate_many is not None:
            return self.validate_many(values)
        return np.fromiter(map(self.validate, values), bool, len(values))

    def score_valid(self, value: str, folded: str, start: int, *, context: bool, text_start: int = 0,
                    text: str = "") -> float | None:
        """The score of a valid ``value`` found at ``start`` of ``text`` folded to ``folded`` (beginning at
        ``text_start``), from its context words (``context``: a column hint); ``None`` when the context says it
        is no such entity."""
        near = context or (self.context_free is not None and self.context_free(value))
        if not context and (self.context or self.negative_context):
            near = near or self.in_context(folded, start, start + len(value), text_start=text_start, text=text)
            if (self.negative_wins or not near) and self.has_negative_context(folded, start, text_start):
                return None
        if self.needs_context and not near:
            return None
        base = self.base_score(value)
        return max(base, self.context_score) if near else base


def checked_one_by_one(verdicts: np.ndarray, values: list[str], where: np.ndarray,
                       check: Callable[[str], bool]) -> np.ndarray:
    """``verdicts`` (numpy booleans, set in place) with ``check`` of each of ``values`` where ``where`` is true:
    the few values a vectorised check leaves to Python (a ``validate_many`` of an entity)."""
    for i in np.flatnonzero(where).tolist():
        verdicts[i] = check(values[i])
    return verdicts


def validate_each(validate: Callable[[str], bool]) -> Callable[[pa.Array], pa.Array]:
    """A ``validate_array`` that calls ``validate`` on each (distinct) cell, for entities whose columns hold
    few distinct values (dates of birth) or whose rules do not vectorise."""

    def validate_array(values: pa.Array) -> pa.Array:
        return pa.array([value is not None and validate(value) for value in values.to_pylist()], pa.bool_())

    return validate_array


def not_one_repeated_digit(values: pa.Array) -> pa.Array:
    """Vectorised: false for placeholders made of one repeated digit (``00000000``), true otherwise."""
    import pyarrow.compute as pc

    repeated = pa.array([False] * len(values), pa.bool_())
    for digit in "0123456789":
        repeated = pc.or_(repeated, pc.fill_null(pc.match_substring_regex(values, rf"^\s*{digit}+\s*$"), False))
    return pc.invert(repeated)


def lazy_attribute(namespace: dict[str, object], name: str, factory: Callable[[], object]) -> Callable[[str], object]:
    """A module ``__getattr__`` that builds ``name`` with ``factory`` on first access and keeps it.

    Each recognizer module defines its Presidio class inside a factory, so that importing the module (as
    ``leakguard.detect`` does, for the specs alone) does not import Presidio and spaCy, which costs seconds
    on every run of a pre-commit hook. ``from recognizers.nir import FrNirRecognizer`` works as usual.
    """

    def __getattr__(attribute: str) -> object:
        if attribute != name:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {attribute!r}")
        value = factory()
        if isinstance(value, type):
            value.__module__ = str(namespace["__name__"])
            value.__qualname__ = name
        namespace[name] = value
        return value

    return __getattr__
