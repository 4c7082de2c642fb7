"""Scores of findings against annotated texts: per entity, span-level and character-level.

Span level (what issue 11 measures):

* **recall** of an entity = gold spans of that entity overlapped (by at least one character) by a finding of
  the same entity / gold spans of that entity;
* **precision** of an entity = findings of that entity that overlap a gold span of the same entity / findings
  of that entity. A finding that overlaps only spans of another entity is a false positive of its own entity
  (and the other entity's span stays missed unless something else finds it);
* a gold span split into several findings is found once and every piece is correct; a finding covering two
  gold spans (``Jean DUPONT`` over ``Jean`` and ``DUPONT``) finds both.

Character level (a second view, whitespace ignored): the characters of the findings of an entity against the
characters of its gold spans, so a finding that takes ``Dr`` with the name or misses half of a number shows.

``FR_NIR`` is also split by the value written: a gold span or a finding whose text, without separators, is a
NIR with a valid key (python-stdnum ``stdnum.fr.nir``, 2A/2B included) goes to the "valid key" row, any other
(wrong key, no key, key given apart, temporary numbers) to the "wrong or missing key" row; in those rows a
finding is correct when it overlaps any gold ``FR_NIR`` span. The issue asks for wrong or missing keys only
"next to NIR words": a third row counts the recall of those whose text has a NIR context word (the list of
``recognizers.nir``) in the context window before the span, the line above included.

Which entities count: a text is scored only for the entities its dataset annotates
(:meth:`~benchmarks.third_party.dataset.Dataset.scored_entities`); findings of other entities are
**unverifiable** — neither right nor wrong — and are counted apart. A text with no gold span is a
**negative**; the share of negatives with at least one scored finding is the false-alarm rate of issue 11
(target: at most 5%).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from stdnum.fr import nir as stdnum_nir

from benchmarks.third_party.dataset import Dataset, Span, Text
from leakguard.findings import ENTITIES
from recognizers.nir import SPEC as nir_spec
from recognizers.spec import fold

NIR = "FR_NIR"
NIR_VALID = "FR_NIR valid key"
NIR_INVALID = "FR_NIR wrong or missing key"
NIR_INVALID_NAMED = "FR_NIR wrong or missing key, after a NIR word"
#: Rows in the order of issue 11; any other contract entity follows.
ORDER = ("PERSON", "DATE_OF_BIRTH", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", NIR, NIR_VALID, NIR_INVALID,
         NIR_INVALID_NAMED, "FR_AMC", "FR_MUTUELLE_MEMBER_ID", "FR_HEALTH_INSURER", "FR_HEALTH_GUARANTEE")
#: The rows that split ``FR_NIR`` (left out of the total).
NIR_SPLIT = (NIR_VALID, NIR_INVALID, NIR_INVALID_NAMED)
_SEPARATORS = re.compile(r"[\s.\-/_]+")


@dataclass(frozen=True)
class Finding:
    """One finding mapped back to its text: offsets are ``str`` indices into the whole text."""

    text_id: str
    start: int
    end: int
    entity: str
    score: float = 1.0


@dataclass
class Row:
    """Counts for one entity (or one of the two NIR rows); ``gold is None``: not annotated in this dataset."""

    name: str
    gold: int | None = 0
    found: int = 0
    findings: int = 0
    correct: int = 0
    unverifiable: int = 0
    char_gold: int | None = None
    char_found: int | None = None
    char_correct: int | None = None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.findings if self.gold is not None and self.findings else None

    @property
    def char_recall(self) -> float | None:
        return self.char_correct / self.char_gold if self.char_gold else None

    @property
    def char_precision(self) -> float | None:
        return self.char_correct / self.char_found if self.char_found else None


@dataclass(frozen=True)
class Error:
    """A miss (gold span not found), a false positive, or an unverifiable finding; ``note`` says what else
    overlaps it (``found as FR_AMC``, ``overlaps gold PERSON``)."""

    kind: str
    text_id: str
    start: int
    end: int
    entity: str
    note: str = ""


@dataclass
class Score:
    rows: dict[str, Row]
    texts: int
    negatives: int
    negatives_flagged: int
    negatives_flagged_any: int
    errors: list[Error] = field(default_factory=list)

    @property
    def total(self) -> Row:
        """Micro-average over the annotated entities (the NIR split rows excluded)."""
        total = Row("all")
        for name, row in self.rows.items():
            if name in NIR_SPLIT or row.gold is None:
                continue
            total.gold = (total.gold or 0) + row.gold
            total.found += row.found
            total.findings += row.findings
            total.correct += row.correct
        return total

    @property
    def unverifiable(self) -> Counter:
        return Counter({name: row.unverifiable for name, row in self.rows.items() if row.unverifiable})


def nir_has_valid_key(value: str) -> bool:
    """Whether ``value`` written with any separators is a NIR whose key checks (python-stdnum)."""
    return stdnum_nir.is_valid(_SEPARATORS.sub("", value).upper())


def nir_word_before(text: str, start: int) -> bool:
    """Whether a NIR context word of ``recognizers.nir`` ends in its context window before ``start``."""
    return nir_spec.has_context(fold(text), start)


def _nir_rows(text: str, span: Span) -> tuple[str, ...]:
    """The split rows a gold ``FR_NIR`` span counts in."""
    if nir_has_valid_key(text[span.start:span.end]):
        return (NIR_VALID,)
    return (NIR_INVALID, NIR_INVALID_NAMED) if nir_word_before(text, span.start) else (NIR_INVALID,)


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _chars(text: str, items: Iterable[Span | Finding]) -> set[int]:
    return {i for item in items for i in range(item.start, item.end) if not text[i].isspace()}


def entity_order(names: Iterable[str]) -> list[str]:
    names = set(names)
    known = [n for n in ORDER if n in names]
    return known + sorted(n for n in names if n not in ORDER)


def score(dataset: Dataset, findings: Sequence[Finding]) -> Score:
    """Score ``findings`` (already mapped to text offsets) against ``dataset``; pure, no I/O."""
    by_text: dict[str, list[Finding]] = {}
    for f in findings:
        by_text.setdefault(f.text_id, []).append(f)
    annotated = set().union(*(dataset.scored_entities(t) for t in dataset.texts)) if dataset.texts else set()
    rows = {name: Row(name, gold=0 if name in annotated else None, char_gold=0 if name in annotated else None,
                      char_found=0 if name in annotated else None, char_correct=0 if name in annotated else None)
            for name in ENTITIES}
    if NIR in annotated:
        rows.update((name, Row(name)) for name in NIR_SPLIT)
    errors: list[Error] = []
    negatives = flagged = flagged_any = 0
    for text in dataset.texts:
        scored = dataset.scored_entities(text)
        gold = [s for s in text.spans if s.entity in scored]
        mine = by_text.get(text.id, [])
        checked = [f for f in mine if f.entity in scored]
        for f in mine:
            if f.entity not in scored:
                rows[f.entity].unverifiable += 1
                errors.append(Error("unverifiable", text.id, f.start, f.end, f.entity))
        if not gold:
            negatives += 1
            flagged += bool(checked)
            flagged_any += bool(mine)
        _score_text(text, gold, checked, rows, errors)
    ordered = {name: rows[name] for name in entity_order(rows)}
    return Score(ordered, len(dataset.texts), negatives, flagged, flagged_any, errors)


def _score_text(text: Text, gold: list[Span], findings: list[Finding], rows: dict[str, Row],
                errors: list[Error]) -> None:
    for span in gold:
        row = rows[span.entity]
        row.gold += 1
        hits = [f for f in findings if _overlaps(f.start, f.end, span.start, span.end)]
        found = any(f.entity == span.entity for f in hits)
        row.found += found
        if not found:
            others = sorted({f.entity for f in hits})
            errors.append(Error("miss", text.id, span.start, span.end, span.entity,
                                f"found as {', '.join(others)}" if others else ""))
        if span.entity == NIR:
            for name in _nir_rows(text.text, span):
                rows[name].gold += 1
                rows[name].found += found
    for f in findings:
        row = rows[f.entity]
        row.findings += 1
        hits = [s for s in gold if _overlaps(f.start, f.end, s.start, s.end)]
        correct = any(s.entity == f.entity for s in hits)
        row.correct += correct
        if not correct:
            others = sorted({s.entity for s in hits})
            errors.append(Error("false_positive", text.id, f.start, f.end, f.entity,
                                f"overlaps gold {', '.join(others)}" if others else ""))
        if f.entity == NIR:
            split = rows[NIR_VALID if nir_has_valid_key(text.text[f.start:f.end]) else NIR_INVALID]
            split.findings += 1
            split.correct += correct
    for entity in {s.entity for s in gold} | {f.entity for f in findings}:
        row = rows[entity]
        gold_chars = _chars(text.text, (s for s in gold if s.entity == entity))
        found_chars = _chars(text.text, (f for f in findings if f.entity == entity))
        row.char_gold += len(gold_chars)
        row.char_found += len(found_chars)
        row.char_correct += len(gold_chars & found_chars)
