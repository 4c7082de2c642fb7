"""Many texts searched as one: an entity's pattern run once over all the candidate texts of a column.

The candidates are joined by newlines into one string; the pattern's ``finditer`` runs over it once, and each
match goes back to its text by its offset (``numpy.searchsorted`` over the texts' starts). There is no Python
call per text: the matches are validated at once (a phone number's range, in Arrow), and only the valid ones
are scored one by one. The validation and the context words are those of the text-by-text search
(:meth:`recognizers.spec.EntitySpec.find`), the context window stopping at the text's start.

Why it gives the same spans: the patterns searched this way (entities without a ``finder``, and NIRs) see a
newline where a text alone has its start or end: their lookarounds are character classes without ``\\n``
(``(?<![0-9A-Za-z])``, ``(?![.\\-][0-9])``), which a text boundary and a newline satisfy alike. Only ``\\s``
and negated classes can take a newline in; a match that does runs over two texts, so it is dropped and the
texts it touches are searched alone. ``tests/test_joined.py`` compares both searches, spec by spec.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from recognizers.spec import EntitySpec, fold

SEPARATOR = "\n"


class Joined:
    """Texts end to end, one :data:`SEPARATOR` apart: ``text``, each text's ``starts`` and ``ends`` in it."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.text = SEPARATOR.join(texts)
        lengths = np.fromiter(map(len, texts), np.int64, len(texts))
        self.ends = np.cumsum(lengths + len(SEPARATOR)) - len(SEPARATOR)
        self.starts = self.ends - lengths
        self._folded: str | None = None

    @property
    def folded(self) -> str:
        """:func:`recognizers.spec.fold` of :attr:`text` (same length, so offsets hold)."""
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    def owners(self, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, set[int]]:
        """The index of the text each span (offsets in :attr:`text`) lies in, and the texts a span ran over the
        separator of (those must be searched alone)."""
        first = np.searchsorted(self.starts, starts, side="right") - 1
        last = np.searchsorted(self.starts, np.maximum(ends - 1, starts), side="right") - 1
        across = (first != last) | (ends > self.ends[first]) | (starts >= self.ends[first])
        alone: set[int] = set()
        for i in np.flatnonzero(across).tolist():
            alone.update(range(int(first[i]), int(last[i]) + 1))
        return first, alone

    def spans(self, regex: re.Pattern[str]) -> Iterator[tuple[int, int, int, re.Match[str] | None]]:
        """``(text index, start, end, match)`` of ``regex``'s matches, offsets within the joined text, for the
        matches inside one text; then ``(text index, -1, -1, None)`` for each text a match ran over the
        separator of: those texts must be searched alone."""
        matches = list(regex.finditer(self.text))
        if not matches:
            return
        starts = np.fromiter((m.start() for m in matches), np.int64, len(matches))
        ends = np.fromiter((m.end() for m in matches), np.int64, len(matches))
        first, alone = self.owners(starts, ends)
        for i, match in enumerate(matches):
            owner = int(first[i])
            if owner not in alone:
                yield owner, match.start(), match.end(), match
        for owner in sorted(alone):
            yield owner, -1, -1, None


def _spans_in(spec: EntitySpec, text: str, searched: dict[object, tuple[str, np.ndarray]] | None) -> np.ndarray:
    """``spec``'s written forms in ``text``, as an ``(n, 2)`` array; with ``searched``, the forms' last search
    is kept there and not run again on the same text (two specs of one entity, an IBAN and a mistyped one, search
    the same forms in the same candidates, one after the other)."""
    forms = spec.find_spans or spec.span_regex
    last = None if searched is None else searched.get(forms)
    if last is not None and last[0] == text:
        return last[1]
    spans = np.array(spec.spans_in(text), np.int64).reshape(-1, 2)
    if searched is not None:
        searched[forms] = (text, spans)
    return spans


def find_many(spec: EntitySpec, texts: list[str], *, context: bool,
              searched: dict[object, tuple[str, np.ndarray]] | None = None) -> Iterator[tuple[int, int, int, float]]:
    """``(text index, start, end, score)`` of ``spec``'s spans in each of ``texts``, as ``spec.find`` finds them
    in each text alone (``context``: a column hint says the texts are about the entity). For specs without a
    ``finder``: the spans of all the texts are validated at once (:meth:`~recognizers.spec.EntitySpec.are_valid`).
    ``searched``: one column's searches so far (:func:`_spans_in`)."""
    joined = Joined(texts)
    spans = _spans_in(spec, joined.text, searched)
    if not len(spans):
        return
    owners, alone = joined.owners(spans[:, 0], spans[:, 1])
    inside = np.flatnonzero(~np.isin(owners, list(alone))) if alone else np.arange(len(spans))
    values = [joined.text[start:end] for start, end in spans[inside].tolist()]
    folds = not context and bool(spec.context or spec.negative_context)  # folded once, at the first valid match
    for i in inside[spec.are_valid(values)].tolist():
        owner, (start, end) = int(owners[i]), spans[i].tolist()
        offset = int(joined.starts[owner])
        score = spec.score_valid(joined.text[start:end], joined.folded if folds else "", start, context=context,
                                 text_start=offset, text=joined.text)
        if score is not None:
            yield owner, start - offset, end - offset, score
    for owner in sorted(alone):
        yield from ((owner, *span) for span in spec.find(texts[owner], context=context))
