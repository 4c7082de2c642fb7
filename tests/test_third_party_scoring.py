"""The third-party quality harness scores what issue 11 says it scores: pure functions on a hand-made case.

No CLI here: :func:`benchmarks.third_party.scoring.score` gets findings already placed in their texts, so the
counting rules (overlap, wrong entity, NIR key split, unverifiable entities, negatives) cannot silently
change; one end-to-end run through the real CLI checks the line-to-text mapping. Identifier values are
python-stdnum's NIR doctest vectors and an address of python-email-validator's tests.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from benchmarks.third_party import markup
from benchmarks.third_party.__main__ import main
from benchmarks.third_party.dataset import Dataset, DatasetError, Span, Text, parse_text
from benchmarks.third_party.scan import text_offsets
from benchmarks.third_party.scoring import (
    NIR_INVALID,
    NIR_INVALID_NAMED,
    NIR_VALID,
    Finding,
    nir_has_valid_key,
    nir_word_before,
    score,
)
from benchmarks.third_party.variants import swap_names, upper_cased

ANNOTATED = frozenset({"PERSON", "DATE_OF_BIRTH", "FR_NIR", "PHONE_NUMBER"})
LETTER = "Jean DUPONT, né le 03/03/1961, vu le 12/05/2024.\nNIR 2 95 10 99 126 111 93"
NOTE = "NIR saisi 295109912611199 (clé fausse)"
HELP = "Le NIR compte 13 chiffres et une clé."


def _dataset() -> Dataset:
    texts = (
        Text("letter", LETTER, (Span(0, 4, "PERSON"), Span(5, 11, "PERSON"), Span(19, 29, "DATE_OF_BIRTH"),
                                Span(53, 74, "FR_NIR"))),
        Text("note", NOTE, (Span(10, 25, "FR_NIR"),)),
        Text("help", HELP, ()),
    )
    return Dataset("tiny", texts, ANNOTATED, "option")


FINDINGS = [
    Finding("letter", 0, 11, "PERSON"),          # one finding over both gold names: finds both
    Finding("letter", 37, 47, "DATE_OF_BIRTH"),  # the visit date: a false positive
    Finding("letter", 53, 74, "FR_NIR"),         # valid key, correct
    Finding("letter", 19, 29, "PHONE_NUMBER"),   # on the birth date: a false positive of PHONE_NUMBER
    Finding("note", 10, 25, "PERSON"),           # wrong entity on the NIR: PERSON false positive, NIR missed
    Finding("help", 3, 6, "FR_AMC"),             # FR_AMC is not annotated: unverifiable
    Finding("help", 14, 16, "PHONE_NUMBER"),     # a finding on the negative text
]


@pytest.fixture
def result():
    return score(_dataset(), FINDINGS)


@pytest.mark.parametrize(
    ("entity", "gold", "found", "findings", "correct"),
    [
        ("PERSON", 2, 2, 2, 1),
        ("DATE_OF_BIRTH", 1, 0, 1, 0),
        ("PHONE_NUMBER", 0, 0, 2, 0),
        ("FR_NIR", 2, 1, 1, 1),
        (NIR_VALID, 1, 1, 1, 1),
        (NIR_INVALID, 1, 0, 0, 0),
        (NIR_INVALID_NAMED, 1, 0, 0, 0),  # "NIR saisi ...": a NIR word before it
    ],
)
def test_span_counts_follow_the_overlap_rule(result, entity, gold, found, findings, correct):
    row = result.rows[entity]
    assert (row.gold, row.found, row.findings, row.correct) == (gold, found, findings, correct)


def test_recall_and_precision_are_the_ratios_of_those_counts(result):
    person = result.rows["PERSON"]
    assert person.recall == 1.0 and person.precision == 0.5
    assert result.rows["DATE_OF_BIRTH"].recall == 0.0
    assert result.rows["PHONE_NUMBER"].recall is None and result.rows["PHONE_NUMBER"].precision == 0.0


def test_an_entity_the_dataset_does_not_annotate_is_not_applicable_and_its_findings_unverifiable(result):
    amc = result.rows["FR_AMC"]
    assert amc.gold is None and amc.recall is None and amc.precision is None
    assert amc.unverifiable == 1 and amc.findings == 0
    assert result.unverifiable == {"FR_AMC": 1}


def test_character_level_ignores_whitespace_and_counts_each_character_once(result):
    person = result.rows["PERSON"]
    assert (person.char_gold, person.char_found, person.char_correct) == (10, 10 + 15, 10)


def test_negatives_flagged_count_only_annotated_entities(result):
    assert (result.negatives, result.negatives_flagged, result.negatives_flagged_any) == (1, 1, 1)
    quiet = score(_dataset(), [f for f in FINDINGS if f.text_id != "help" or f.entity == "FR_AMC"])
    assert (quiet.negatives_flagged, quiet.negatives_flagged_any) == (0, 1)


def test_errors_say_what_else_overlaps(result):
    misses = {(e.text_id, e.entity, e.note) for e in result.errors if e.kind == "miss"}
    assert misses == {("letter", "DATE_OF_BIRTH", "found as PHONE_NUMBER"), ("note", "FR_NIR", "found as PERSON")}
    wrong = {(e.text_id, e.entity, e.note) for e in result.errors if e.kind == "false_positive"}
    assert ("note", "PERSON", "overlaps gold FR_NIR") in wrong
    assert ("letter", "DATE_OF_BIRTH", "") in wrong


def test_micro_average_leaves_out_the_nir_split_rows(result):
    total = result.total
    assert (total.gold, total.found) == (5, 3)


@pytest.mark.parametrize(
    ("written", "valid"),
    [("2 95 10 99 126 111 93", True), ("2.95.10.99.126.111.93", True), ("295109912611193", True),
     ("295109912611199", False), ("2 95 10 99 126 111", False), ("253072B07300470", True)],
)
def test_nir_rows_split_on_the_key_whatever_the_separators(written, valid):
    assert nir_has_valid_key(written) is valid


@pytest.mark.parametrize(("before", "named"), [
    ("NIR saisi ", True),
    ("Numéro de sécurité sociale :\n", True),  # the line above
    ("N° d'immatriculation (à compléter par l'assuré(e)) ", True),
    ("Consultation\n", False),
    ("Référence dossier ", False),
])
def test_a_wrong_key_counts_after_a_nir_word_only_with_one_in_the_window(before, named):
    assert nir_word_before(before + "295109912611199", len(before)) is named


@pytest.mark.parametrize(
    ("text", "row", "start", "end", "expected"),
    [
        ("ab\ncd NIR\nef", 1, 3, 6, (6, 9)),
        ("ab\r\ncd NIR\r\nef", 1, 3, 6, (7, 10)),
        ("\ufeffNIR x", 0, 0, 3, (1, 4)),
        ("one line", 0, 4, 8, (4, 8)),
    ],
)
def test_line_offsets_map_back_to_text_offsets(text, row, start, end, expected):
    assert text_offsets(text, row, start, end) == expected
    assert text[expected[0] : expected[1]] == text.splitlines()[row].lstrip("\ufeff")[start:end]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"id": "a b", "text": "x", "spans": []}, "file name"),
        ({"id": "a", "text": "xy", "spans": [[1, 3, "PERSON"]]}, "outside the text"),
        ({"id": "a", "text": "xy", "spans": [[0, 1, "NAME"]]}, "unknown entity"),
        ({"id": "a", "text": "xy", "spans": [[0, 1, "PERSON"]], "entities": ["FR_NIR"]}, "declared"),
    ],
)
def test_inconsistent_records_are_refused_with_the_reason(record, message):
    with pytest.raises(DatasetError, match=message):
        parse_text(record, "f.jsonl:1")


def test_markup_gives_plain_text_and_offsets():
    text, spans = markup.unmark("Mme [[Sophie|P]] [[LEROY|P]], mail [[s.l [at] example [dot] org|MAIL]].", "t")
    assert text == "Mme Sophie LEROY, mail s.l [at] example [dot] org."
    assert [(text[s.start : s.end], s.entity) for s in spans] == [
        ("Sophie", "PERSON"), ("LEROY", "PERSON"), ("s.l [at] example [dot] org", "EMAIL_ADDRESS")]


def test_the_committed_development_set_is_built_from_its_annotated_sources():
    assert markup.OUTPUT.read_text(encoding="utf-8") == markup.build()


@pytest.mark.slow
def test_the_harness_runs_the_real_cli_and_places_findings_on_later_lines(tmp_path):
    """End to end, without NER: one file per text, findings on the second line land on the gold span."""
    letter = "Nom : voir dossier\nNIR : 2 95 10 99 126 111 93"
    records = [
        {"id": "letter", "text": letter, "spans": [[25, 46, "FR_NIR"]]},
        {"id": "mail", "text": "Courriel : Abc@example.tld", "spans": [[11, 26, "EMAIL_ADDRESS"]]},
        {"id": "quiet", "text": "Rien à signaler.", "spans": []},
    ]
    dataset = tmp_path / "tiny.jsonl"
    dataset.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "scores.json"
    done = CliRunner().invoke(main, [str(dataset), "--no-ner", "--json", str(out)])
    assert done.exit_code == 0, done.output
    [result] = json.loads(out.read_text(encoding="utf-8"))
    assert result["entities"] == ["EMAIL_ADDRESS", "FR_NIR"] and result["problems"] == []
    for entity in ("FR_NIR", "EMAIL_ADDRESS"):
        assert (result["rows"][entity]["recall"], result["rows"][entity]["precision"]) == (1.0, 1.0)
    assert (result["negatives"], result["negatives_flagged"]) == (1, 0)
    assert "| FR_NIR | 1 | 1 | 1.00 | 1 | 1.00 |" in done.output


def test_swapped_names_keep_every_span_on_its_words_and_the_same_seed_the_same_texts() -> None:
    import doctest

    from benchmarks.third_party import variants

    dataset = _dataset()
    swapped = swap_names(dataset, seed=5)
    for before, after in zip(dataset.texts, swapped.texts, strict=True):
        for old, new in zip(before.spans, after.spans, strict=True):
            old_word, new_word = before.text[old.start : old.end], after.text[new.start : new.end]
            if old.entity == "PERSON":
                assert new_word.isalpha() and new_word.isupper() == old_word.isupper(), (old_word, new_word)
            else:
                assert new_word == old_word
    assert swapped.texts[0].text != LETTER and swapped.texts[2] == dataset.texts[2]
    assert swap_names(dataset, seed=5) == swapped
    assert doctest.testmod(variants).failed == 0


def test_texts_in_capitals_keep_their_spans() -> None:
    upper = upper_cased(_dataset())
    assert [t.text for t in upper.texts] == [t.text.upper() for t in _dataset().texts]
    assert [t.spans for t in upper.texts] == [t.spans for t in _dataset().texts]
