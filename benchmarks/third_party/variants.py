"""Variants of an annotated set that ask what the set as written does not: other names, another case.

**Names from elsewhere.** The first-name list (INSEE's, French) finds many names by itself; a held-out set
names other people, some of them with names from Portugal, Turkey, Poland or the Netherlands.
``--swap-names SEED`` replaces every one-word ``PERSON`` span of each text with a name Faker makes for one of
:data:`LOCALES` (a first name where the lexicon knows the word as one, else a surname; capitals and small
letters as written), moves every other span by the change in length, and scores the result: the drop from
the set as written is the share of recall that only the lexicon gives. Same seed, same texts.

**In capitals.** Exports and old systems write whole texts in capitals; ``--upper`` upper-cases each text
(texts whose length would change, ``ß`` -> ``SS``, are left out), spans unchanged. Notes typed in a hurry, chat
messages and normalised exports are in small letters: ``--lower`` lower-cases each text the same way; there,
only the words around a name (a title, a key) can tell it.

>>> from benchmarks.third_party.dataset import Dataset, Span, Text
>>> text = Text("t", "Dr Jean DUPONT, né le 03/03/1961", (Span(3, 7, "PERSON"), Span(8, 14, "PERSON"),
...                                                       Span(22, 32, "DATE_OF_BIRTH")))
>>> swapped = swap_names(Dataset("d", (text,), frozenset({"PERSON"}), "gold"), seed=3).texts[0]
>>> [swapped.text[s.start:s.end].isupper() for s in swapped.spans]
[False, True, False]
>>> swapped.text[swapped.spans[2].start:swapped.spans[2].end]
'03/03/1961'
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from faker import Faker

from benchmarks.third_party.dataset import Dataset, Span, Text
from recognizers import lexicon

#: Faker's locales the new names come from (French among them, as in French documents).
LOCALES = ("it_IT", "de_DE", "en_GB", "es_ES", "pt_PT", "nl_NL", "pl_PL", "tr_TR", "fr_FR")


def _one_word(make: Callable[[], str]) -> str:
    while " " in (word := make()) or "-" in word or "'" in word:
        pass
    return word


def _new_name(word: str, rng: random.Random, fakers: list[Faker]) -> str:
    fake = rng.choice(fakers)
    name = _one_word(fake.first_name if lexicon.is_first_name(word) else fake.last_name)
    if word.isupper():
        return name.upper()
    return name.lower() if word.islower() else name


def _swapped(text: Text, rng: random.Random, fakers: list[Faker]) -> Text:
    pieces, spans, position, shift = [], [], 0, 0
    for span in sorted(text.spans, key=lambda s: (s.start, s.end)):
        word = text.text[span.start : span.end]
        if span.entity == "PERSON" and span.start >= position and word.isalpha():
            new = _new_name(word, rng, fakers)
            pieces += [text.text[position : span.start], new]
            spans.append(Span(span.start + shift, span.start + shift + len(new), span.entity))
            shift += len(new) - len(word)
            position = span.end
        else:  # another entity, or a name of several words or with a hyphen: kept as written
            spans.append(Span(span.start + shift, span.end + shift, span.entity))
    pieces.append(text.text[position:])
    return replace(text, text="".join(pieces), spans=tuple(spans))


def swap_names(dataset: Dataset, seed: int) -> Dataset:
    """``dataset`` with each one-word ``PERSON`` span replaced by a name from another country (see above)."""
    rng = random.Random(seed)
    fakers = [Faker(locale) for locale in LOCALES]
    for n, fake in enumerate(fakers):
        fake.seed_instance(seed * 100 + n)
    texts = tuple(_swapped(text, rng, fakers) for text in dataset.texts)
    return replace(dataset, name=f"{dataset.name}, names swapped (seed {seed})", texts=texts)


def upper_cased(dataset: Dataset) -> Dataset:
    """``dataset`` with each text in capitals (see above)."""
    return _recased(dataset, str.upper, "in capitals")


def lower_cased(dataset: Dataset) -> Dataset:
    """``dataset`` with each text in small letters (see above)."""
    return _recased(dataset, str.lower, "in small letters")


def _recased(dataset: Dataset, case: Callable[[str], str], label: str) -> Dataset:
    texts = tuple(replace(text, text=case(text.text)) for text in dataset.texts
                  if len(case(text.text)) == len(text.text))
    return replace(dataset, name=f"{dataset.name}, {label}", texts=texts)
