"""Pseudonymisation never drops, reorders or alters a record it cannot parse.

A record that cannot be parsed (a log line too long to be one record, a line that is not JSON, a CSV row with
the wrong number of fields) is kept as written, the values found in its text replaced, and counted; every
other byte of the file comes out as it went in. :func:`assert_same_outside_tokens` is the oracle: the output
with each pseudonym token taken as a wildcard must match the input, whole.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from leakguard.cli import cli
from leakguard.pseudonymise import files as pseudonymise_files
from leakguard.pseudonymise import pseudonymise_file
from leakguard.pseudonymise.files import Report, VerificationFailed
from leakguard.pseudonymise.operators import PSEUDONYM_RE, Policy
from leakguard.sources import open_source, streams
from tests.strategies import csv_exports, json_lines_files, log_files, random_nir

KEY = bytes(range(32))
KEY_HEX = KEY.hex()
#: Every entity replaced by a token (dates of birth too: generalising keeps their digits' places), or kept.
TOKENS = Policy(KEY, {"DATE_OF_BIRTH": "hmac"})
QUOTED_TOKEN = re.compile(f'"?(?:{PSEUDONYM_RE.pattern})"?')


def generated_nirs(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [random_nir(rng, years=(40, 99)) for _ in range(count)]


def assert_same_outside_tokens(original: str, output: str, *, quoted_numbers: bool = False) -> list[str]:
    """``output`` is ``original`` but for spans replaced by pseudonym tokens; return the replaced texts.

    ``quoted_numbers``: a token may also come with quotes it did not have (a number in a JSON payload of a
    text line becomes a quoted token, so the payload stays valid JSON).
    """
    pieces = (QUOTED_TOKEN if quoted_numbers else PSEUDONYM_RE).split(output)
    pattern = "(.+?)".join(re.escape(piece) for piece in pieces)
    match = re.fullmatch(pattern, original, re.DOTALL)
    assert match is not None, "the output differs from the input outside the replaced values"
    assert all("\n" not in value for value in match.groups()), "a replaced value spans two lines"
    return list(match.groups())


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["pseudonymise", "--no-ner", *args], env={"LEAKGUARD_KEY": KEY_HEX},
                                catch_exceptions=False)
    return result.exit_code, result.stderr


# --- lines too long to be one record ---------------------------------------------------------------------


def test_a_log_line_over_the_cap_is_pseudonymised_in_place_not_dropped(tmp_path, monkeypatch):
    # the cap is 16 MiB (a 50 MB line, as in test_cli_scan); lowered here, the mechanism is the same
    monkeypatch.setattr(streams, "MAX_LINE_BYTES", 64 * 1024)
    nirs = generated_nirs(6, seed=1)
    filler = ",".join([json.dumps({"commentaire": "z" * 1000})] * 200)
    payload = "payload=[" + ",".join(f'{filler},{{"nir": "{nir}"}}' for nir in nirs[:5]) + "]"
    text = f"2026-02-01 INFO start nir={nirs[5]}\n{payload}\n2026-02-01 INFO end\n"
    assert len(payload) > 15 * streams.MAX_LINE_BYTES
    path = tmp_path / "gateway.log"
    path.write_text(text, encoding="utf-8")
    code, err = run("--in-place", str(path))
    out = path.read_text(encoding="utf-8")
    assert code == 0 and "warning" not in err and ": 3 records;" in err
    assert out.count("\n") == 3
    assert sorted(assert_same_outside_tokens(text, out)) == sorted(nirs)


def test_a_json_line_too_long_to_parse_and_a_broken_one_are_pseudonymised_as_text(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "MAX_LINE_BYTES", 4096)
    nirs = generated_nirs(5, seed=2)
    lines = [
        json.dumps({"beneficiary": {"nir": nirs[0]}}),
        json.dumps({"dossiers": [{"nir": nir, "note": "y" * 900} for nir in nirs[1:4]]}),  # 2.8 kB, then 8 kB
        json.dumps({"dossiers": [{"nir": nir, "note": "y" * 900} for nir in nirs[1:4]] * 3}),
        '{"nir": "' + nirs[4] + '", "tronqué',
        "",
    ]
    text = "\n".join(lines) + "\n"
    path = tmp_path / "events.jsonl"
    path.write_text(text, encoding="utf-8")
    report = pseudonymise_file(path, tmp_path / "out.jsonl", KEY, ner=False)
    out = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert sorted(set(assert_same_outside_tokens(text, out))) == sorted(nirs)
    assert (report.records, report.as_text) == (5, 2)
    assert [(p.row, p.as_text) for p in report.problems] == [(2, True), (3, True)]
    assert all(json.loads(line) for line in out.splitlines()[:3])


# --- CSV rows of the wrong width, quoting, unclosed quotes ----------------------------------------------------


def ragged_export(nirs: list[str]) -> str:
    """A ';' export of 30 data rows where 6 rows have one field too few or too many, NIRs everywhere."""
    rows = ["n°;nir;nom;commentaire"]
    for i, nir in enumerate(nirs):
        if i % 5 == 2:
            rows.append(f"{i};{nir};Martin")  # a field missing
        elif i % 5 == 4 and i < 20:
            rows.append(f'{i};{nir};Durand;"rappel; voir {nirs[0]}";en trop')  # one too many
        else:
            rows.append(f'{i};{nir};Bernard;"appel du {i:02d}/05, nir {nir}"')
    return "\r\n".join(rows) + "\r\n"


def test_rows_of_the_wrong_width_are_kept_in_place_and_counted(tmp_path):
    nirs = generated_nirs(30, seed=3)
    text = ragged_export(nirs)
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8"))
    code, err = run("--in-place", str(path))
    out = path.read_bytes().decode("utf-8")
    assert code == 0
    assert ": 30 records (10 not parsed: kept as written, pseudonymised as text);" in err
    assert err.count("fields instead of 4; scanned as text") == 10
    assert out.count("\r\n") == text.count("\r\n") == 31
    replaced = assert_same_outside_tokens(text, out)
    assert not any(nir in out for nir in nirs) and set(nirs) <= set(replaced)


EXPORTS = {
    "every field quoted, CRLF, BOM": ('\ufeff"nir";"nom";"note"\r\n"{0}";"Martin";"vu le 12/05"\r\n'
                                      '"{1}";"Petit";"dit ""urgent"""\r\n', "utf-8"),
    "quotes only where needed, blank lines": ('nir,nom,note\n\n{0},Martin,"a, b"\n\n\n{1},Petit,"deux\nlignes"\n',
                                              "utf-8"),
    "Excel sep line, cp1252, no final newline": ("sep=;\r\nnir;prénom\r\n{0};Hélène\r\n{1};Zoé", "cp1252"),
    "half-quoted fields and quotes inside bare ones": ('a|nir|b\n"x"y|{0}|5"6\n"p""q"r|"{1}"|z\n', "utf-8"),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_a_csv_comes_out_byte_for_byte_but_for_the_replaced_values(tmp_path, name):
    template, encoding = EXPORTS[name]
    nirs = generated_nirs(2, seed=4)
    text = template.format(*nirs)
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    report = pseudonymise_file(path, tmp_path / "out.csv", KEY, ner=False)
    out = (tmp_path / "out.csv").read_bytes().decode(encoding)
    assert report.records == 2 and not report.problems
    assert set(nirs) <= set(assert_same_outside_tokens(text, out))  # and the names, in name columns


def test_an_unclosed_quote_is_reported_at_its_line_and_its_cell_pseudonymised(tmp_path):
    nirs = generated_nirs(400, seed=5)
    lines = ["id;nir;commentaire", f"1;{nirs[0]};ok", f'2;{nirs[1]};"rappel sans fin'] + [
        f"{i};{nir};suite {i}" for i, nir in enumerate(nirs[2:], start=3)]
    text = "\n".join(lines) + "\n"
    path = tmp_path / "cassé.csv"
    path.write_text(text, encoding="utf-8")
    report = pseudonymise_file(path, tmp_path / "out.csv", KEY, ner=False)
    out = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert [p.message for p in report.problems] == [
        "line 3: a quote opened here is never closed: the rest of the file is read as one cell"]
    assert report.records == 2
    assert sorted(assert_same_outside_tokens(text, out)) == sorted(nirs)


# --- the property ------------------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(exported=st.one_of(log_files(), json_lines_files(), csv_exports()), batch_rows=st.integers(1, 4))
def test_every_record_comes_out_once_in_order_unchanged_but_for_its_replaced_values(exported, batch_rows,
                                                                                    tmp_path_factory):
    """Logs, JSON lines (lines cut short, blank lines, any spacing), CSV (rows of the wrong width, cells over
    several lines, every quoting, BOM or cp1252): as many records out as in, and the same bytes but inside
    the values replaced. (Identifiers written as JSON numbers get numeric tokens: tested apart.)"""
    folder = tmp_path_factory.mktemp("property")
    path = folder / exported.name
    path.write_bytes(exported.data)
    with open_source(path) as source:
        expected = {".log": "text", ".jsonl": "jsonl", ".csv": "csv"}[path.suffix]
        assume(source.info.format == expected and source.info.delimiter == exported.delimiter)
    report = pseudonymise_file(path, folder / f"out-{exported.name}", TOKENS, ner=False, batch_rows=batch_rows)
    out = (folder / f"out-{exported.name}").read_bytes().decode(exported.encoding)
    assert_same_outside_tokens(exported.text, out, quoted_numbers=True)
    assert report.records == exported.records


def test_verify_sees_an_identifier_left_in_a_window_of_a_long_line_beside_pseudonyms(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "MAX_LINE_BYTES", 4096)
    nirs = generated_nirs(40, seed=4)
    payload = "payload=[" + ",".join(json.dumps({"nir": nir, "note": "y" * 300}) for nir in nirs) + "]"
    path = tmp_path / "gateway.log"
    path.write_text(f"{payload}\n", encoding="utf-8")
    pseudonymise_file(path, tmp_path / "pseudo.log", KEY, ner=False, verify=True)
    text = (tmp_path / "pseudo.log").read_text(encoding="utf-8")
    assert len(text) > 3 * streams.MAX_LINE_BYTES and not any(nir in text for nir in nirs)
    # a NIR left beside the last token, in a late window, as a rewrite that missed it would leave it
    last = list(PSEUDONYM_RE.finditer(text))[-1]
    left = tmp_path / "left.log"
    left.write_text(f"{text[: last.end()]} {nirs[0]}{text[last.end():]}", encoding="utf-8")
    with pytest.raises(VerificationFailed) as failed:
        pseudonymise_files._verify(str(left), str(left), TOKENS, 65_536, Report(str(left), str(left)), None)
    assert failed.value.report.remaining == {"FR_NIR": 1}
