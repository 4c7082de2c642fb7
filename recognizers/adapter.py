"""The Presidio side of an :class:`~recognizers.spec.EntitySpec`: a recognizer any ``AnalyzerEngine`` registers.

Kept apart from :mod:`recognizers.spec` because importing Presidio imports spaCy: the entity modules build their
recognizer classes on first use (:func:`recognizers.spec.lazy_attribute`), and only then is this module loaded.
"""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.spec import EntitySpec


class SpecRecognizer(EntityRecognizer):
    """A Presidio recognizer driven by one or more :class:`EntitySpec` of the same entity.

    Context words are applied by the recognizer itself (within ``CONTEXT_WINDOW`` characters before the
    match, accents and case folded), so the scores are the same whether or not the ``AnalyzerEngine`` runs a
    context enhancer; the enhancer may still raise them further.
    """

    def __init__(self, specs: list[EntitySpec], *, supported_language: str = "fr", name: str | None = None):
        self.specs = specs
        entity = specs[0].entity
        if any(s.entity != entity for s in specs):
            raise ValueError("a SpecRecognizer serves one entity")
        context = sorted({w for s in specs for w in s.context})
        super().__init__(
            supported_entities=[entity],
            name=name or type(self).__name__,
            supported_language=supported_language,
            context=context,
        )

    def load(self) -> None:  # nothing to load: the specs are compiled at import
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and not set(entities) & set(self.supported_entities):
            return []
        results: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        for spec in self.specs:
            for start, end, score in spec.find(text):
                if (start, end) in seen:
                    continue
                seen.add((start, end))
                results.append(self.result(spec, start, end, score))
        return results

    def result(self, spec: EntitySpec, start: int, end: int, score: float) -> RecognizerResult:
        """A finding of ``spec`` as Presidio's result, with its explanation."""
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=score,
            pattern_name=spec.name,
            pattern=spec.span_regex.pattern,
            validation_result=True if spec.validate is not None else None,
        )
        return RecognizerResult(
            entity_type=spec.entity,
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )
