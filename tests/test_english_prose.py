"""NER on English prose: common words are not names. The examples' own README (English, no person in it) is
the first thing ``leakguard scan examples/`` shows; it must give no PERSON finding."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import leakguard

README = Path(__file__).resolve().parent.parent / "examples" / "README.md"


@pytest.mark.ner
def test_the_examples_english_readme_gives_no_person():
    findings = [table for _, table in leakguard.scan_path(str(README)) if isinstance(table, pa.Table)]
    people = pa.concat_tables(findings).filter(pa.compute.equal(pa.concat_tables(findings)["entity"], "PERSON"))
    assert people.select(["row", "start", "end", "preview"]).to_pylist() == []
