"""Word lists shipped in ``recognizers/data``: French first names and French common words.

Both are loaded on first use (the common words take about 0.2 s and 30 MB) and compared in folded form
(:func:`recognizers.spec.fold`: lower case, accents stripped). Where they come from, and how to rebuild them:
``recognizers/data/build_lexicons.py``.

>>> is_first_name("Thérèse"), is_first_name("THERESE"), is_first_name("Poumon")
(True, True, False)
>>> is_word("Poumon"), is_word("Résultats"), is_word("Jalonnet"), is_word("Santé"), is_first_name("Santé")
(True, True, False, True, True)
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from recognizers.spec import fold


def _lines(name: str) -> list[str]:
    data = resources.files("recognizers") / "data" / name
    raw = data.read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return [line for line in raw.decode("utf-8").splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def french_first_names() -> frozenset[str]:
    """Folded French first names (``"therese"``, ``"jean-pierre"``)."""
    return frozenset(fold(name) for name in _lines("first_names.txt"))


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Folded first names, French and of the other languages met in France."""
    return french_first_names() | frozenset(fold(name) for name in _lines("first_names_other.txt"))


@lru_cache(maxsize=1)
def french_words() -> frozenset[str]:
    """Folded forms of French common words (no proper nouns); the file is stored folded."""
    return frozenset(_lines("french_words.txt.gz"))


#: What a cell holds where a value is missing or a flag answers (folded): no name of a person or an insurer.
FLAGS_AND_MISSING = frozenset({"true", "false", "vrai", "faux", "null", "none", "nan", "undefined", "n/a"})


@lru_cache(maxsize=1)
def areas() -> frozenset[str]:
    """Folded names of French regions and départements and of the countries (``gers``, ``lorraine``, ``maroc``)."""
    return frozenset(fold(name) for name in _lines("areas.txt"))


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Folded names of places and other proper nouns that are not people's (``paris``, ``varsovie``), French
    regions and départements included but those that are first names too (``gers``, not ``lorraine``)."""
    return frozenset(fold(name) for name in _lines("places.txt")) | (areas() - first_names())


def is_area(token: str) -> bool:
    """Whether ``token`` (any case) names a French region or département or a country, first names included
    (``Lorraine``, ``France``)."""
    return fold(token) in areas()


def load() -> None:
    """Load every list now rather than on first use (a server that forks workers does, once for them all)."""
    first_names()
    french_words()
    places()


def is_place(token: str) -> bool:
    """Whether ``token`` (any case) names a place (``Paris``, ``VARSOVIE``)."""
    return fold(token) in places()


def _listed(folded: str, names: frozenset[str]) -> bool:
    return folded in names or ("-" in folded and all(part in names for part in folded.split("-")))


def is_first_name(token: str) -> bool:
    """Whether ``token`` (any case) is a listed first name, or a compound of them (``Jean-Pierre``)."""
    return _listed(fold(token), first_names())


def is_french_first_name(token: str) -> bool:
    """Whether ``token`` is a French first name (``Pierre``, ``Marine``), which a French word may also be."""
    return _listed(fold(token), french_first_names())


def is_word(token: str) -> bool:
    """Whether ``token`` (any case) is a French common word (``Poumon``, ``RÉSULTATS``, ``EX-PRÉSIDENT``)."""
    return _listed(fold(token), french_words())
