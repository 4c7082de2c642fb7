"""Pseudonymisation of files: same format out as in, nothing left to find in the bytes, atomic writes.

Files are made by :mod:`synthetic.files` from generated beneficiaries (and their ground truth): Parquet, CSV
the French way (``;``, BOM; cp1252 + CRLF + gzip), nested JSON lines, gateway-style logs. Parquet inputs are
written uncompressed here so that the output's bytes can be searched for the original values.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import re
import struct
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.test_pseudonymise_tables as shared
from leakguard import pseudonymise_file, pseudonymise_table, scan_table
from leakguard.pseudonymise import atomic
from leakguard.pseudonymise.files import PseudonymiseError, VerificationFailed, reidentify_file
from leakguard.pseudonymise.jsonlines import Style, detect_style, dump, parse
from leakguard.pseudonymise.keys import fingerprint, generate_key
from leakguard.pseudonymise.operators import MaskOperator, TokenOperator
from leakguard.sources import SourceError
from recognizers import nir
from synthetic import beneficiary_table
from synthetic import files as synthetic_files
from synthetic.tables import call_notes
from tests.strategies import generated_nirs, log_line_with, nirs, written_forms
from tests.test_text_lines import percent_cases

KEY = shared.KEY
OTHER_KEY = shared.OTHER_KEY
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


@cache
def people(n: int = 160, seed: int = 21) -> tuple[pa.Table, pa.Table]:
    return beneficiary_table(n, seed)


def originals() -> dict[str, set[str]]:
    table, truth = people()
    return shared.truth_values(table, truth, shared.IDENTIFIERS)


def nested_records(table: pa.Table) -> list[dict]:
    """JSON records as a gateway sends them: nested beneficiary, a NIR as a JSON number, a list of dependants."""
    rows = table.to_pylist()
    out = []
    for i, row in enumerate(rows):
        record = {
            "event": "droits.verifies",
            "beneficiary": {"nom": row["nom"], "nir": row["nir"], "nir_num": row["c_12"], "rang": 1},
            "contact": {"email": row["email"], "telephone": row["telephone"]},
            "ayants_droit": [{"nir": rows[(i + 1) % len(rows)]["nir"], "rang": 2}],
            "montant": 12.50,
            "commentaire": row["commentaire"],
        }
        out.append(record)
    return out


def log_lines(table: pa.Table) -> list[str]:
    lines = []
    for row in table.to_pylist():
        lines.append(f"2025-03-01T10:00:00.000Z INFO [tp-gateway] POST /v2/droits nir={row['nir']} "
                     f"iban={row['iban']} mail={row['email']} latency_ms=42")
        lines.append("2025-03-01T10:00:00.001Z DEBUG [tp-gateway] heartbeat ok")
    return lines


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("inputs")
    table, _ = people()
    paths = {
        "parquet": directory / "beneficiaires.parquet",
        "csv": directory / "export.csv",
        "csv1252": directory / "export_windows.csv.gz",
        "jsonl": directory / "events.jsonl",
        "log": directory / "gateway.log",
    }
    pq.write_table(table.replace_schema_metadata({b"origin": b"synthetic test"}), paths["parquet"],
                   compression="none", use_dictionary=False, row_group_size=50)
    view, _ = synthetic_files.csv_view(table)
    synthetic_files.write_csv(view, paths["csv"])
    synthetic_files.write_csv(view, paths["csv1252"], encoding="cp1252")
    synthetic_files.write_jsonl(nested_records(table), paths["jsonl"])
    synthetic_files.write_lines(log_lines(table), paths["log"])
    return paths


def output_text(path: Path, encoding: str = "utf-8") -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode(encoding, errors="replace")


def int64_bytes(values: set[str]) -> bytes:
    return b"".join(struct.pack("<q", int(v)) for v in values if v.isdigit() and len(v) <= 18)


@cache
def pseudonymised(kind: str, directory: str, key: bytes = KEY, batch_rows: int = 1000) -> tuple[Path, object]:
    source = Path(directory) / {"parquet": "beneficiaires.parquet", "csv": "export.csv",
                                "csv1252": "export_windows.csv.gz", "jsonl": "events.jsonl",
                                "log": "gateway.log"}[kind]
    out = Path(directory) / f"out-{key.hex()[:6]}-{source.name}"
    report = pseudonymise_file(source, out, key, ner=False, batch_rows=batch_rows)
    return out, report


FORMATS = ("parquet", "csv", "csv1252", "jsonl", "log")


@pytest.mark.parametrize("kind", FORMATS)
def test_no_identifier_survives_in_the_output_bytes_in_any_written_form(inputs, kind):
    out, report = pseudonymised(kind, str(inputs[kind].parent))
    encoding = "cp1252" if kind == "csv1252" else "utf-8"
    text = output_text(out, encoding)
    found = originals()
    if kind == "log":  # the log holds NIRs, IBANs and e-mails only
        found = {k: v for k, v in found.items() if k in ("FR_NIR", "IBAN_CODE", "EMAIL_ADDRESS")}
    if kind == "jsonl":
        table, _ = people()
        found = {"FR_NIR": set(table.column("nir").to_pylist()),
                 "EMAIL_ADDRESS": set(table.column("email").to_pylist()),
                 "PHONE_NUMBER": set(table.column("telephone").to_pylist())}
    assert shared.survivors(found, output_text(inputs[kind], encoding))  # the search finds them in the input
    assert shared.survivors(found, text) == []
    if kind == "parquet":  # int64 NIRs are stored as 8 little-endian bytes
        table, _ = people()
        stored = {str(v) for v in table.column("c_12").drop_null().to_pylist()}
        assert int64_bytes(stored) and not any(int64_bytes({v}) in out.read_bytes() for v in stored)
    assert report.records == (2 * people()[0].num_rows if kind == "log" else people()[0].num_rows)


@pytest.mark.parametrize("kind", FORMATS)
def test_the_same_key_and_input_give_the_same_bytes(inputs, kind, tmp_path):
    first, _ = pseudonymised(kind, str(inputs[kind].parent))
    again = tmp_path / first.name
    pseudonymise_file(inputs[kind], again, KEY, ner=False, batch_rows=1000)
    assert again.read_bytes() == first.read_bytes()


def test_another_key_gives_other_pseudonyms(inputs):
    mine, _ = pseudonymised("csv", str(inputs["csv"].parent))
    theirs, _ = pseudonymised("csv", str(inputs["csv"].parent), OTHER_KEY)
    tokens = set(re.findall(r"NIR_[a-z2-7]{16}", output_text(mine)))
    assert tokens and not tokens & set(re.findall(r"NIR_[a-z2-7]{16}", output_text(theirs)))


def test_one_person_gets_one_token_across_parquet_csv_jsonl_and_logs(inputs):
    table, _ = people()
    directory = str(inputs["csv"].parent)
    parquet = pq.read_table(pseudonymised("parquet", directory)[0])
    csv_text = output_text(pseudonymised("csv", directory)[0]).lstrip("\ufeff").splitlines()
    header = csv_text[0].split(";")
    column = header.index("N° Sécurité Sociale")
    csv_tokens = [line.split(";")[column] for line in csv_text[1:]]
    events = [json.loads(line) for line in output_text(pseudonymised("jsonl", directory)[0]).splitlines()]
    logs = re.findall(r"nir=(\S+)", output_text(pseudonymised("log", directory)[0]))
    expected = TokenOperator("FR_NIR", KEY).apply(table.column("nir").to_pylist())
    assert parquet.column("nir").to_pylist() == expected
    assert csv_tokens == expected
    assert [e["beneficiary"]["nir"] for e in events] == expected
    assert logs == expected


def test_parquet_keeps_schema_metadata_and_untouched_columns_and_records_the_policy(inputs, tmp_path):
    out, _ = pseudonymised("parquet", str(inputs["parquet"].parent))
    before, after = pq.read_table(inputs["parquet"]), pq.read_table(out)
    assert after.schema.equals(before.schema)  # names, order, types, nullability
    metadata = dict(after.schema.metadata)
    recorded = json.loads(metadata.pop(b"leakguard"))
    assert metadata == dict(before.schema.metadata)
    assert recorded["policy"]["FR_HEALTH_INSURER"] == "keep" and recorded["policy"]["FR_NIR"] == "token"
    assert recorded["key_fingerprint"] == fingerprint(KEY)
    secret = generate_key()  # a random key (the fixed test key 00 01 02 ... is a run Parquet may hold)
    pseudonymise_file(inputs["parquet"], tmp_path / "secret.parquet", secret, ner=False)
    written = (tmp_path / "secret.parquet").read_bytes()
    assert secret not in written and secret.hex().encode() not in written
    assert fingerprint(secret).encode() in written
    for name in ("organisme", "garanties", "num_facture", "date_soin", "montant", "code_postal"):
        assert after.column(name).equals(before.column(name)), name
    assert pq.ParquetFile(out).metadata.num_row_groups == pq.ParquetFile(inputs["parquet"]).metadata.num_row_groups


def test_csv_keeps_its_bom_header_delimiter_newlines_and_untouched_cells(inputs):
    out, _ = pseudonymised("csv", str(inputs["csv"].parent))
    before, after = inputs["csv"].read_bytes(), out.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert after.split(b"\n", 1)[0] == before.split(b"\n", 1)[0]  # the header line, byte for byte
    assert after.endswith(b"\n") and after.count(b"\n") == before.count(b"\n")
    rows_before = [line.split(";") for line in before.decode("utf-8-sig").splitlines()]
    rows_after = [line.split(";") for line in after.decode("utf-8-sig").splitlines()]
    header = rows_before[0]
    for name in ("N° facture", "Date des soins", "Montant (€)", "Code postal", "Organisme complémentaire"):
        i = header.index(name)
        assert [r[i] for r in rows_after] == [r[i] for r in rows_before], name


def test_a_cp1252_crlf_gzip_csv_stays_cp1252_crlf_gzip(inputs):
    out, _ = pseudonymised("csv1252", str(inputs["csv1252"].parent))
    raw = out.read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    data = gzip.decompress(raw)
    before = gzip.decompress(inputs["csv1252"].read_bytes())
    assert data.split(b"\r\n", 1)[0] == before.split(b"\r\n", 1)[0]
    assert data.count(b"\r\n") == before.count(b"\r\n") and data.count(b"\n") == data.count(b"\r\n")
    data.decode("cp1252")  # no UTF-8 slipped in: é is one byte
    assert "é".encode("cp1252") in data


@pytest.mark.parametrize("name, line", [
    ("export.csv", "{nom};{nir};{note}"),
    ("batch.log", "INFO dossier {nir} de {nom} : {note}"),
])
def test_a_cp1252_file_accented_only_after_the_sniffed_sample_stays_cp1252(name, line, tmp_path, monkeypatch):
    """A Windows export whose first accented byte comes after the sniffer's sample: its bytes are cp1252 from
    the start (everything before was ASCII), and the output must not turn the accents into UTF-8."""
    from leakguard.sources import sniff, streams

    monkeypatch.setattr(sniff, "SAMPLE_BYTES", 4096)
    monkeypatch.setattr(streams, "BLOCK_BYTES", 1000)
    names = [n.upper() for n in people()[0].column("nom").to_pylist() if n.isascii()]
    nirs = generated_nirs(3, len(names))
    lines = ["nom;nir;note"] if name.endswith(".csv") else []
    lines += [line.format(nom=n, nir=nir, note="RAS") for n, nir in zip(names, nirs)] * 4
    lines.append(line.format(nom="HÉLÈNE", nir=nirs[0], note="réclamation reçue, 15 €"))
    source = tmp_path / name
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    assert source.read_bytes().find(b"\xc9") > sniff.SAMPLE_BYTES
    out = tmp_path / f"out-{name}"
    pseudonymise_file(source, out, KEY, ner=False)
    before, after = source.read_bytes().split(b"\r\n"), out.read_bytes().split(b"\r\n")
    assert len(after) == len(before)
    assert after[-2].decode("cp1252").endswith(";réclamation reçue, 15 €" if name.endswith(".csv")
                                              else " de HÉLÈNE : réclamation reçue, 15 €")
    assert b"NIR_" in after[-2] and nirs[0].encode() not in after[-2]


@pytest.mark.parametrize("entity, value, query", percent_cases())
def test_percent_encoded_identifiers_in_an_access_log_get_the_token_of_their_value(tmp_path, entity, value, query):
    from urllib.parse import quote, quote_plus

    line = (f'192.0.2.7 - - [10/Oct/2024:13:55:36 +0200] "GET /api/recherche?{query}&page=2 HTTP/1.1" 200 512 '
            '"-" "curl/8.5.0"\n')
    source, out = tmp_path / "access.log", tmp_path / "out.log"
    source.write_text(line * 3, encoding="utf-8")
    pseudonymise_file(source, out, KEY, ner=False)
    forms = (quote_plus(quote_plus(value)), quote(quote(value, safe=""), safe=""), quote_plus(value),
             quote(value, safe=""), value)
    written = next(form for form in forms if form in query)
    token = TokenOperator(entity, KEY).apply_span([value])[0]
    assert out.read_text(encoding="utf-8") == line.replace(written, token) * 3


def test_names_in_a_json_log_payload_with_unicode_escapes_get_the_token_of_the_name(tmp_path):
    from tests.test_text_lines import ESCAPED_NAMES, json_log_line

    source, out = tmp_path / "app.log", tmp_path / "out.log"
    source.write_text(json_log_line(ESCAPED_NAMES) + "\n", encoding="utf-8")
    report = pseudonymise_file(source, out, KEY, ner=False, verify=True)
    assert report.verified is True
    token = TokenOperator("PERSON", KEY).apply_one
    expected = {"nom": token("Lefèvre"), "prenom": token("Hélène"),
                "commentaire": f"Mme {token('Françoise LEFÈVRE')} appelle",
                "contact": f"appel de Mme {token('Zoë MÜLLER')} 😀"}
    assert out.read_text(encoding="utf-8") == json_log_line(expected) + "\n"  # no "\u00e8vre" left


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("ragged", ["court", '"deux{nl}lignes"', "a;b;trop"])
def test_a_csv_row_of_the_wrong_width_without_identifiers_is_kept_as_written(tmp_path, newline, ragged):
    nir = generated_nirs(5, 1)[0]
    text = newline.join(["nom;note", f"{nir};ok", ragged.format(nl=newline), "", f"x;{nir}", ""])
    source, out = tmp_path / "export.csv", tmp_path / "out.csv"
    source.write_bytes(text.encode("utf-8"))
    pseudonymise_file(source, out, KEY, ner=False)
    token = TokenOperator("FR_NIR", KEY).apply([nir])[0]
    assert out.read_bytes() == text.replace(nir, token).encode("utf-8")


def test_json_lines_keep_order_style_numbers_and_untouched_lines(inputs):
    out, _ = pseudonymised("jsonl", str(inputs["jsonl"].parent))
    before = inputs["jsonl"].read_text(encoding="utf-8").splitlines()
    after = out.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    table, _ = people()
    for old, new, row in zip(before, after, table.to_pylist()):
        a, b = json.loads(old), json.loads(new)
        assert list(a) == list(b) and list(a["beneficiary"]) == list(b["beneficiary"])
        assert '"montant": 12.5' in new and ", " in new  # the spaced style of json.dumps kept
        assert b["beneficiary"]["nir"].startswith("NIR_")
        if row["c_12"] is None:
            assert b["beneficiary"]["nir_num"] is None
        else:  # a NIR stored as a JSON number stays a number: an 18-digit numeric token
            assert isinstance(b["beneficiary"]["nir_num"], int) and len(str(b["beneficiary"]["nir_num"])) == 18
        assert b["ayants_droit"][0]["nir"].startswith("NIR_") and b["ayants_droit"][0]["rang"] == 2


def test_json_lines_without_findings_and_lines_that_are_not_json(tmp_path):
    table, _ = people()
    number = nir.compact(table.column("nir")[0].as_py())
    lines = ['{"event":"ping","n":1.50}', '{"a": 1,  "b": [1, 2]}', f"garbage nir={number} here",
             f'{{"nir":"{number}","x":"é"}}', '  {"mail":"lea.martin@orange.fr"}  ', ""]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")  # no final newline
    report = pseudonymise_file(path, tmp_path / "out.jsonl", KEY, ner=False)
    out = (tmp_path / "out.jsonl").read_text(encoding="utf-8").split("\n")
    token = TokenOperator("FR_NIR", KEY).apply_one(number)
    mail = TokenOperator("EMAIL_ADDRESS", KEY).apply_one("lea.martin@orange.fr")
    assert out[0] == lines[0] and out[1] == lines[1] and out[5] == ""
    assert out[2] == f"garbage nir={token} here"
    assert out[3] == f'{{"nir":"{token}","x":"é"}}'
    assert out[4] == f'  {{"mail":"{mail}"}}  '
    assert not (tmp_path / "out.jsonl").read_bytes().endswith(b"\n\n")
    assert [(p.row, p.as_text) for p in report.problems] == [(2, True)] and report.as_text == 1


@pytest.mark.parametrize("template", [
    '{{"level":"info","nir":"{0}","msg":"lookup","nir":"{1}"}}',  # a field logged twice (zap, logrus...)
    '{{"user.nir":"{0}","user":{{"nir":"{1}","id":7}}}}',  # a dotted key beside the same nested path
    '{{"user":{{"nir":"{0}"}},"user.nir":"{1}"}}',
], ids=["repeated key", "dotted key first", "nested first"])
def test_json_lines_with_two_values_under_one_path_lose_neither(tmp_path, template):
    first, second = generated_nirs(7, 2)
    lines = [template.format(first, second), template.format(second, "bonjour")]
    path = tmp_path / "app.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = pseudonymise_file(path, tmp_path / "out.jsonl", KEY, ner=False, verify=True)
    out = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    token = TokenOperator("FR_NIR", KEY).apply_one
    assert out == "\n".join([template.format(token(first), token(second)),
                             template.format(token(second), "bonjour")]) + "\n"
    assert [(p.row, p.as_text) for p in report.problems] == [(0, True), (1, True)]


def _two_leaves_one_path(first: list[str], second: list[str], kind: str) -> pa.Table:
    if kind == "repeated name":
        return pa.Table.from_arrays([pa.array(first), pa.array(second)], names=["nir", "nir"])
    return pa.table({"benef.nir": first, "benef": pa.array([{"nir": n, "rang": 1} for n in second])})


@pytest.mark.parametrize("kind", ["repeated name", "dotted name beside a struct field"])
def test_two_columns_under_one_path_are_refused_not_mixed(tmp_path, kind):
    first, second = generated_nirs(11, 6)[:3], generated_nirs(11, 6)[3:]
    table = _two_leaves_one_path(first, second, kind)
    pq.write_table(table, tmp_path / "in.parquet")
    with pytest.raises(PseudonymiseError, match="one flattened path"):
        pseudonymise_file(tmp_path / "in.parquet", tmp_path / "out.parquet", KEY, ner=False)
    assert not (tmp_path / "out.parquet").exists()
    with pytest.raises(ValueError, match="one flattened path"):
        pseudonymise_table(table, KEY, ner=False)


def _float_forms(number: str) -> list[str]:
    """A NIR as floating-point columns write it: pandas and Python (``….0``), Java and Spark (``1.85…E14``,
    trailing zeros of the mantissa dropped), other writers (``E+14``, ``e+14``)."""
    mantissa = f"{number[0]}.{number[1:].rstrip('0')}"
    return [f"{number}.0", f"{mantissa}E14", f"{mantissa}E+14", f"{mantissa}e+14"]


@pytest.mark.parametrize("operator", ["token", "hmac", "fpe", "redact"])
def test_nirs_written_as_floats_are_found_and_stay_json_numbers(tmp_path, operator):
    numbers = generated_nirs(21, 3) + [n for n in generated_nirs(22, 200) if n.endswith("0")][:1]
    lines = [f'{{"id":{i},"nir":{form}}}' for i, n in enumerate(numbers) for form in _float_forms(n)]
    source = tmp_path / "export.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = scan_table(pa.table({"nir": [form for n in numbers for form in _float_forms(n)]}), ner=False)
    assert found.num_rows == 4 * len(numbers)
    out = tmp_path / "out.jsonl"
    report = pseudonymise_file(source, out, KEY, operators={"FR_NIR": operator}, ner=False, verify=operator != "fpe")
    assert report.replaced["FR_NIR"] == 4 * len(numbers)
    written = [json.loads(line)["nir"] for line in out.read_text(encoding="utf-8").splitlines()]
    if operator == "redact":
        assert written == [None] * len(lines)
        return
    assert all(isinstance(value, float) for value in written)  # numbers, as written: floats
    by_number = [written[i : i + 4] for i in range(0, len(written), 4)]
    assert all(len(set(values)) == 1 for values in by_number)  # one value, one pseudonym, in every form
    if operator == "fpe":
        assert all(nir.is_valid(f"{values[0]:.0f}") for values in by_number)
        back = tmp_path / "back.jsonl"
        reidentify_file(out, back, KEY, force=True)
        assert back.read_bytes() == source.read_bytes()
    else:  # the float form of the keyed token: the one a float64 column of the same NIRs gets
        floats = pa.table({"nir": pa.array([float(n) for n in numbers], pa.float64())})
        column = pseudonymise_table(floats, KEY, operators={"FR_NIR": operator})["nir"].to_pylist()
        assert [values[0] for values in by_number] == column


@pytest.mark.parametrize(("operator", "same"), [("token", True), ("hmac", True), ("mask", True), ("fpe", False)])
def test_a_nir_written_as_a_float_in_a_csv_gets_the_pseudonym_of_the_nir(tmp_path, operator, same):
    """``NIR_….0`` would not join with the ``NIR_…`` of the same NIR in another file; ``fpe`` keeps the float."""
    numbers = generated_nirs(23, 3)
    source = tmp_path / "export.csv"
    source.write_text("id;nir\n" + "".join(f"{i};{n}\n{i};{n}.0\n" for i, n in enumerate(numbers)), encoding="utf-8")
    out = tmp_path / "out.csv"
    pseudonymise_file(source, out, KEY, operators={"FR_NIR": operator}, ner=False, verify=operator != "fpe")
    cells = [line.split(";")[1] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    plain, floats = cells[0::2], cells[1::2]
    assert (plain == floats) is same
    if not same:
        assert floats == [f"{p}.0" for p in plain] and all(nir.is_valid(p) for p in plain)
    # the same in a dictionary-encoded Arrow column (Parquet's string columns)
    column = pa.array([f"{n}.0" for n in numbers] + numbers).dictionary_encode()
    out = pseudonymise_table(pa.table({"nir": column}), KEY, operators={"FR_NIR": operator}, ner=False)["nir"]
    assert pa.types.is_dictionary(out.type)
    assert (out.to_pylist()[:3] == out.to_pylist()[3:]) is same


@given(value=st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                       st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(),
                                                                            max_size=3)),
       ascii_only=st.booleans(), compact=st.booleans())
@FAST
def test_json_serialisation_reproduces_json_dumps_in_its_detected_style(value, ascii_only, compact):
    separators = (",", ":") if compact else (", ", ": ")
    line = json.dumps({"k": value, "é": [value]}, ensure_ascii=ascii_only, separators=separators)
    parsed = parse(line)
    style = detect_style(line, parsed)
    assert dump(parsed, style) == line
    assert style in (Style(*separators, ascii_only), Style(*separators, False))


def test_text_logs_keep_every_character_outside_the_spans(inputs):
    out, _ = pseudonymised("log", str(inputs["log"].parent))
    before = inputs["log"].read_text(encoding="utf-8").splitlines()
    after = out.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    for old, new in zip(before, after):
        if "heartbeat" in old:
            assert new == old
        else:
            pattern = re.escape(re.sub(r"nir=.* iban=.* mail=\S+", "\0", old)).replace("\0", "(.*)")
            assert re.fullmatch(pattern, new)
            assert re.search(r"nir=NIR_\w{16} iban=IBAN_\w{16} mail=EMAIL_\w{16}@example\.invalid", new)


@given(data=st.data())
@FAST
def test_a_nir_in_any_log_line_is_replaced_and_the_rest_kept_byte_for_byte(data, tmp_path_factory):
    number = data.draw(nirs())
    line = data.draw(log_line_with(data.draw(written_forms(number)), "FR_NIR"))
    directory = tmp_path_factory.mktemp("log")
    source = directory / "app.log"
    source.write_bytes(line.text.encode("utf-8") + b"\r\n" + b"second line\r\n")
    pseudonymise_file(source, directory / "out.log", KEY, ner=False)
    out = (directory / "out.log").read_bytes().decode("utf-8")
    token = TokenOperator("FR_NIR", KEY).apply_one(number)
    before, after = line.text[: line.start], line.text[line.end :]
    bare_number = line.text[line.start : line.end].isdigit() and re.search(r'"\s*:\s*$', before)
    if bare_number and after.lstrip()[:1] in ("", ",", "}", "]"):
        token = f'"{token}"'  # a bare JSON number in a payload: the token is quoted, the JSON stays valid
    # everything else of the line is kept byte for byte
    assert out == before + token + after + "\r\nsecond line\r\n"


# --- fpe and reidentify -----------------------------------------------------------------------------------


ONLY_NIR_FPE = {"FR_NIR": "fpe", **{e: "keep" for e in ("FR_AMC", "FR_MUTUELLE_MEMBER_ID", "EMAIL_ADDRESS",
                                                         "PHONE_NUMBER", "IBAN_CODE", "PERSON", "DATE_OF_BIRTH")}}


@pytest.mark.parametrize("kind", ("csv", "csv1252", "jsonl", "log", "parquet"))
def test_fpe_nirs_are_valid_and_reidentify_gives_back_the_input(inputs, kind, tmp_path):
    source = inputs[kind]
    encrypted = tmp_path / ("enc-" + source.name)
    restored = tmp_path / ("dec-" + source.name)
    pseudonymise_file(source, encrypted, KEY, operators=ONLY_NIR_FPE, ner=False)
    encoding = "cp1252" if kind == "csv1252" else "utf-8"
    table, _ = people()
    if kind != "parquet":
        text = output_text(encrypted, encoding)
        assert shared.survivors({"FR_NIR": set(table.column("nir").to_pylist())}, text) == []
    report = reidentify_file(encrypted, restored, KEY, force=kind != "parquet")  # only Parquet records the key
    assert report.replaced["FR_NIR"] > 0
    if kind == "parquet":
        assert pq.read_table(restored).equals(pq.read_table(source))
        encrypted_nirs = pq.read_table(encrypted).column("nir").to_pylist()
        assert all(nir.is_valid(v) for v in encrypted_nirs)
        assert pq.read_table(encrypted).column("c_12").type == pa.int64()
    else:
        assert output_text(restored, encoding) == output_text(source, encoding)


# --- destinations, atomicity, verify ----------------------------------------------------------------------


def leftovers(directory: Path) -> list[str]:
    return [name for name in os.listdir(directory) if atomic.is_temporary(name)]


class Boom(RuntimeError):
    pass


@pytest.mark.parametrize("failure", (Boom, KeyboardInterrupt))
@pytest.mark.parametrize("kind", FORMATS)
def test_a_failure_midway_leaves_no_output_and_the_input_untouched(inputs, kind, failure, tmp_path):
    source = inputs[kind]
    before = source.read_bytes()
    out = tmp_path / ("out-" + source.name)

    def progress(path: str, records: int, size: int) -> None:
        if records >= 50:
            raise failure()

    with pytest.raises(failure):
        pseudonymise_file(source, out, KEY, ner=False, on_progress=progress, batch_rows=10)
    assert not out.exists() and leftovers(tmp_path) == []
    assert source.read_bytes() == before


def test_a_failing_output_replaces_nothing_already_there(inputs, tmp_path):
    out = tmp_path / "out.csv"
    out.write_bytes(b"previous content")

    def progress(path: str, records: int, size: int) -> None:
        raise Boom()

    with pytest.raises(Boom):
        pseudonymise_file(inputs["csv"], out, KEY, ner=False, on_progress=progress, batch_rows=10)
    assert out.read_bytes() == b"previous content" and leftovers(tmp_path) == []


def test_in_place_replaces_the_input_atomically_and_keeps_its_mode(inputs, tmp_path):
    copy = tmp_path / "copy.csv"
    copy.write_bytes(inputs["csv"].read_bytes())
    os.chmod(copy, 0o640)
    report = pseudonymise_file(copy, None, KEY, ner=False, in_place=True)
    assert report.output == str(copy)
    assert copy.read_bytes() == pseudonymised("csv", str(inputs["csv"].parent))[0].read_bytes()
    assert os.stat(copy).st_mode & 0o777 == 0o640 and leftovers(tmp_path) == []
    pseudonymise_file(copy, copy, KEY, ner=False, in_place=True)  # OUT equal to IN is accepted too


def test_the_input_is_never_the_output_unless_in_place(inputs, tmp_path):
    copy = tmp_path / "copy.csv"
    copy.write_bytes(inputs["csv"].read_bytes())
    with pytest.raises(PseudonymiseError, match="in-place"):
        pseudonymise_file(copy, copy, KEY, ner=False)
    with pytest.raises(PseudonymiseError, match="in-place"):
        pseudonymise_file(copy, tmp_path / "." / "copy.csv", KEY, ner=False)
    with pytest.raises(PseudonymiseError, match="no output"):
        pseudonymise_file(copy, None, KEY, ner=False)
    with pytest.raises(PseudonymiseError, match="--in-place rewrites"):
        pseudonymise_file(copy, tmp_path / "other.csv", KEY, ner=False, in_place=True)
    with pytest.raises(SourceError):
        pseudonymise_file(tmp_path / "missing.csv", tmp_path / "out.csv", KEY, ner=False)
    assert copy.read_bytes() == inputs["csv"].read_bytes() and leftovers(tmp_path) == []


@pytest.mark.ner
@pytest.mark.parametrize("kind", FORMATS)
def test_verify_passes_on_a_clean_output(inputs, kind, tmp_path):
    report = pseudonymise_file(inputs[kind], tmp_path / inputs[kind].name, KEY, verify=True)
    assert report.verified is True
    assert set(report.unverified) == {"FR_HEALTH_INSURER", "FR_HEALTH_GUARANTEE"}


@pytest.mark.ner
def test_verify_scans_with_ner_so_names_left_by_a_rewrite_without_ner_fail_it(tmp_path):
    # call-centre notes: the writing rules find about four names in five without the model, the model nearly all
    table, _ = call_notes(200, seed=4)
    source, out = tmp_path / "appels.parquet", tmp_path / "out.parquet"
    pq.write_table(table, source)
    with pytest.raises(VerificationFailed) as failed:
        pseudonymise_file(source, out, KEY, ner=False, verify=True)
    report = failed.value.report
    assert report.verified is False and set(report.remaining) == {"PERSON"}
    assert {e.column for e in report.examples} == {"commentaire"}
    assert all("•" in e.preview for e in report.examples)  # what is left is shown masked only
    assert not out.exists() and leftovers(tmp_path) == []


def test_verify_does_not_check_fpe_nirs_and_says_so(inputs, tmp_path):
    report = pseudonymise_file(inputs["log"], tmp_path / "out.log", KEY, operators={"FR_NIR": "fpe"}, ner=False,
                               verify=True)
    assert report.verified is True and "FR_NIR" in report.unverified


@pytest.mark.parametrize("operator", ["mask", "mask:0", "mask:2"])
def test_names_masked_in_name_columns_verify(tmp_path, operator):
    # a name column makes any word in it a name, its masked form too: "***ont" was counted as a name left
    source, out = tmp_path / "export.csv", tmp_path / "out.csv"
    source.write_text("nom;prenom;ville\nDupont;Jean-Pierre;Lyon\nMoreau;Léa;Paris\n", encoding="utf-8")
    report = pseudonymise_file(source, out, KEY, ner=False, verify=True, operators={"PERSON": operator})
    assert report.verified is True
    keep = int(operator.partition(":")[2] or 4)
    masked = [MaskOperator("PERSON", arg=str(keep)).apply_one(name) for name in ("Dupont", "Jean-Pierre", "Moreau",
                                                                                   "Léa")]
    assert out.read_text(encoding="utf-8") == "nom;prenom;ville\n{};{};Lyon\n{};{};Paris\n".format(*masked)


@pytest.mark.parametrize(("value", "keep", "masked"), [
    ("***ont", 4, True), ("******", 0, True), ("****-**erre", 4, True), ("**a", 4, True),
    ("Dupont", 4, False), ("Dup***", 4, False), ("**pont", 4, False), ("***ont", 2, False), ("*a*b", 4, False),
])
def test_what_verify_takes_for_a_masked_value(value, keep, masked):
    from leakguard.pseudonymise.files import _is_masked

    assert _is_masked(value, keep) is masked


@pytest.mark.parametrize(("written", "generalised"), [
    ("1985-05-12 00:00:00", "1985-01-01 00:00:00"),  # a datetime column through pandas, MySQL, PostgreSQL
    ("1985-05-12 10:11:12.000", "1985-01-01 10:11:12.000"),
    ("12/05/1985 00:00", "01/01/1985 00:00"),  # Excel's French date and time
    ("1985-05-12T00:00:00", "1985-01-01T00:00:00"),
])
def test_a_birth_date_with_its_time_of_day_is_generalised(tmp_path, written, generalised):
    source = tmp_path / "export.csv"
    source.write_text(f"id;date_naissance\n1;{written}\n2;{written}\n", encoding="utf-8")
    report = pseudonymise_file(source, tmp_path / "out.csv", KEY, ner=False, verify=True)
    assert report.verified is True
    out = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert out == f"id;date_naissance\n1;{generalised}\n2;{generalised}\n"


@pytest.mark.ner
def test_a_birth_date_column_under_generalise_month_verifies(inputs, tmp_path):
    report = pseudonymise_file(inputs["parquet"], tmp_path / "out.parquet", KEY,
                               operators={"DATE_OF_BIRTH": "generalise:month"}, verify=True)
    assert report.verified is True
    births = pq.read_table(tmp_path / "out.parquet").column("date_naissance").drop_null()
    assert pc.all(pc.equal(pc.day(births), 1)).as_py()


@pytest.mark.ner
@pytest.mark.parametrize("granularity", ["year", "month"])
def test_dates_of_birth_in_notes_come_out_generalised_in_their_own_form_and_verify(granularity, tmp_path):
    from tests.test_pseudonymise_operators import GENERALISED_DATES, GENERALISED_PARTS

    rows = [("Dossier {n} : né le {}, suivi régulier.", row) for row in GENERALISED_DATES]
    rows += [("Dossier {n} : née en {}, suivie.", row) for row in GENERALISED_PARTS]
    column = 1 if granularity == "year" else 2
    source, out = tmp_path / "notes.txt", tmp_path / "out.txt"
    source.write_text("".join(line.format(row[0], n=n) + "\n" for n, (line, row) in enumerate(rows)), encoding="utf-8")
    report = pseudonymise_file(source, out, KEY, operators={"DATE_OF_BIRTH": f"generalise:{granularity}"},
                               ner=False, verify=True)
    assert report.verified is True
    expected = [line.format(row[column], n=n) for n, (line, row) in enumerate(rows)]
    assert out.read_text(encoding="utf-8").splitlines() == expected


cells = st.text(alphabet=st.sampled_from(list("abcXYZ éà;,\"'\n\t-")), max_size=12)


@given(rows=st.lists(st.tuples(cells, cells), min_size=1, max_size=6), crlf=st.booleans(), bom=st.booleans(),
       final_newline=st.booleans())
@FAST
def test_a_csv_without_findings_comes_out_byte_for_byte(rows, crlf, bom, final_newline, tmp_path_factory):
    newline = "\r\n" if crlf else "\n"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator=newline).writerows([("libellé", "note"), *rows])
    text = buffer.getvalue()
    if not final_newline:
        text = text[: -len(newline)]
    directory = tmp_path_factory.mktemp("csv")
    source = directory / "plain.csv"
    source.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    report = pseudonymise_file(source, directory / "out.csv", KEY, ner=False)
    assert not report.replaced and not report.problems
    assert (directory / "out.csv").read_bytes() == source.read_bytes()


def test_a_nir_written_as_a_bare_json_number_in_a_text_file_leaves_valid_json(tmp_path):
    from tests.strategies import make_nir

    rng = random.Random(5)
    numbers = []
    while len(numbers) < 3:
        number = make_nir("1", rng.randint(0, 99), rng.randint(1, 12), f"{rng.randint(1, 95):02d}001", 7)
        if number.isdigit():
            numbers.append(number)
    document = tmp_path / "export.json"
    document.write_text(json.dumps(
        [{"beneficiaire": {"nom": "Durand", "nir": int(n)}, "commentaire": f"NIR {n}"} for n in numbers], indent=2))
    out = tmp_path / "export.pseudo.json"
    pseudonymise_file(document, out, KEY, ner=False)
    written = out.read_text()
    parsed = json.loads(written)
    assert [p["beneficiaire"]["nir"][:4] for p in parsed] == ["NIR_"] * 3
    assert not any(n in written for n in numbers)


def test_a_nir_after_a_colon_in_plain_text_is_not_quoted_as_json(tmp_path):
    from tests.strategies import make_nir

    number = make_nir("2", 85, 5, "78006", 84)
    log = tmp_path / "app.log"
    log.write_text(f'N° SS : {number}\npayload {{"nir": {number}}}\n', encoding="utf-8")
    out = tmp_path / "app.pseudo.log"
    pseudonymise_file(log, out, KEY, ner=False)
    plain, payload = out.read_text(encoding="utf-8").splitlines()
    assert plain.startswith("N° SS : NIR_") and '"' not in plain
    assert json.loads(payload.removeprefix("payload "))["nir"].startswith("NIR_")


# --- names in call-centre notes -------------------------------------------------------------------------------


@pytest.mark.ner
@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_call_centre_notes_keep_nothing_a_fresh_default_scan_finds(tmp_path, kind):
    table, _ = call_notes(1_000, seed=4)
    table = table.set_column(0, "dossier", pc.cast(table["dossier"], pa.string()))
    source, out = tmp_path / f"appels.{kind}", tmp_path / f"out.{kind}"
    if kind == "parquet":
        pq.write_table(table, source)
    else:
        synthetic_files.write_csv(table, source)
    report = pseudonymise_file(source, out, KEY, verify=True)
    assert report.verified is True
    if kind == "parquet":
        result = pq.read_table(out)
    else:
        result = pa.Table.from_pylist(list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig")), delimiter=";")))
    notes = result["commentaire"].to_pylist()
    # everything a default scan of the input reports is gone from its cell...
    before = scan_table(table, show_values=True)
    assert before.num_rows > 800
    for row, value in zip(before["row"].to_pylist(), before["value"].to_pylist()):
        assert value not in notes[row]
    # ...and a fresh default scan of the output finds nothing (a first name left beside a surname's token
    # is found again by the rewrite's second look)
    assert scan_table(result).num_rows == 0


REDACT = {"EMAIL_ADDRESS": "redact", "PHONE_NUMBER": "redact"}


@pytest.mark.parametrize(("name", "text", "expected"), [
    # a line that is one identifier alone is a text emptied: the marker, as a span in a text gets
    ("contacts.log", "marie.martin@orange.fr\nappeler le 06 12 34 56 78\n",
     "[REDACTED]\nappeler le [REDACTED]\n"),
    # a CSV cell emptied is an empty field; a row of the wrong width is read, and redacted, as text
    ("export.csv", "email;tel\nmarie.martin@orange.fr;06 12 34 56 78\npaul.petit@free.fr\n",
     "email;tel\n;\n[REDACTED]\n"),
])
def test_redact_writes_every_text_format(tmp_path, name, text, expected):
    source, out = tmp_path / name, tmp_path / f"out-{name}"
    source.write_text(text, encoding="utf-8")
    pseudonymise_file(source, out, KEY, operators=REDACT, ner=False)
    assert out.read_text(encoding="utf-8") == expected


def test_redact_empties_a_string_column_that_allows_no_null_and_refuses_a_number_one(tmp_path):
    schema = pa.schema([pa.field("email", pa.string(), nullable=False), pa.field("n", pa.int64())])
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.table({"email": ["marie.martin@orange.fr"], "n": [1]}, schema=schema), source)
    pseudonymise_file(source, out, KEY, operators=REDACT, ner=False)
    assert pq.read_table(out).to_pylist() == [{"email": "", "n": 1}]
    numbers = pa.schema([pa.field("nir", pa.int64(), nullable=False)])
    pq.write_table(pa.table({"nir": [int(generated_nirs(5, 1)[0])]}, schema=numbers), source)
    with pytest.raises(Exception, match="redact cannot empty the column 'nir'"):
        pseudonymise_file(source, tmp_path / "nir.parquet", KEY, operators={"FR_NIR": "redact"}, ner=False)
    assert not (tmp_path / "nir.parquet").exists()
