"""Text files read line by line, with what the lines above say: section headers, keys, the previous line."""

from __future__ import annotations

import pyarrow as pa
import pytest

from leakguard.detect.engine import DetectOptions
from leakguard.scan import scan_path
from leakguard.sources.base import Problem
from leakguard.sources.linecontext import LineContext
from tests.strategies import make_nir


def _findings(path, batch_rows: int = 65_536) -> set[tuple[int, str, str]]:
    out = set()
    lines = path.read_text(encoding="utf-8").split("\n")
    for item in scan_path(str(path), options=DetectOptions(ner=False, min_score=0.5), batch_rows=batch_rows):
        if isinstance(item, Problem):
            continue
        _, found = item
        for row, start, end, entity in zip(*(found[c].to_pylist() for c in ("row", "start", "end", "entity"))):
            out.add((row, entity, lines[row][start:end]))
    return out


@pytest.fixture
def export(tmp_path):
    """An INI-like export of one beneficiary: sections, keys, values on the line after their label."""
    number = make_nir("1", 85, 5, "78006", 84)
    text = (
        "[AMC]\n"
        "Mutuelle=99999997\n"
        "\n"
        "[Assure]\n"
        "Nom=DUPONT\n"
        f"NIR={number[:13]}\n"
        "Date de naissance :\n"
        "12/05/1985\n"
        "Facture : 12/05/2023\n"
        "Tel=06 12 34 56 78\n"
    )
    path = tmp_path / "export.ini"
    path.write_text(text, encoding="utf-8")
    return path, number


def test_keys_sections_and_labels_on_the_line_above_give_context(export) -> None:
    path, number = export
    assert _findings(path) == {
        (1, "FR_AMC", "99999997"),  # an 8-digit number is an AMC number only under [AMC]
        (4, "PERSON", "DUPONT"),
        (5, "FR_NIR", number[:13]),
        (7, "DATE_OF_BIRTH", "12/05/1985"),  # "Date de naissance :" on the line above
        (9, "PHONE_NUMBER", "06 12 34 56 78"),
    }


def test_the_context_of_a_line_does_not_depend_on_where_chunks_are_cut(export) -> None:
    path, _ = export
    assert _findings(path, batch_rows=1) == _findings(path)


def test_a_blank_line_ends_the_block_but_not_the_section() -> None:
    context = LineContext()
    first = context.of(pa.array(["[AMC]", "Mutuelle=1", ""]))
    second = context.of(pa.array(["Code=2"]))
    assert first.to_pylist() == [None, "AMC\n[AMC]", "AMC\nMutuelle=1"]
    assert second.to_pylist() == ["AMC\n"]


def test_an_invoice_date_under_a_birth_date_label_of_another_block_is_not_a_birth_date(tmp_path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Date de naissance :\n\nFacture du 12/05/2023\n", encoding="utf-8")
    assert _findings(path) == set()
