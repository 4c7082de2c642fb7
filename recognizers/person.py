"""Names of people, from the French spaCy model's named entities.

A name has no format to check: the only way to find one in free text is a statistical model. This recognizer
is Presidio's :class:`~presidio_analyzer.predefined_recognizers.SpacyRecognizer` limited to ``PERSON`` (the
French model ``fr_core_news_sm`` labels people ``PER``; Presidio's NLP engine maps ``PER`` to ``PERSON``). It
runs on the NLP artefacts the ``AnalyzerEngine`` computed and adds one filter: the small French model also
labels insurers' names, card codes and identifiers as people (see DESIGN.md, "Notes from measuring the
anchors"), so a span that holds a digit or an ``@``, that is an all-capital code of four letters or fewer,
or that is a listed insurer name (:mod:`recognizers.insurer`) is dropped.

Sources:

* spaCy, "fr_core_news_sm" (WikiNER labels PER, LOC, ORG, MISC): https://spacy.io/models/fr
* Presidio, "SpacyRecognizer": https://microsoft.github.io/presidio/analyzer/nlp_engines/spacy_stanza/
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from recognizers import insurer

ENTITY = "PERSON"

_NOT_A_NAME = re.compile(r"[0-9@]|^[A-Z]{1,4}$")


def is_plausible_name(span: str) -> bool:
    """Whether a span the model labelled ``PER`` may be a person's name (see the module docstring).

    >>> is_plausible_name('Camille Martin'), is_plausible_name('PHAR'), is_plausible_name('Harmonie Mutuelle')
    (True, False, False)
    """
    span = span.strip()
    if not span or _NOT_A_NAME.search(span):
        return False
    return not any(spec.span_regex.fullmatch(span) for spec in insurer.SPECS)


class FrPersonRecognizer(SpacyRecognizer):
    """Presidio's spaCy recognizer for ``PERSON`` only, French, without insurer names and codes."""

    ENTITIES: ClassVar[list[str]] = [ENTITY]

    def __init__(self, supported_language: str = "fr", ner_strength: float = 0.85):
        super().__init__(
            supported_language=supported_language,
            supported_entities=[ENTITY],
            ner_strength=ner_strength,
            name="FrPersonRecognizer",
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        return [r for r in results if is_plausible_name(text[r.start : r.end])]
