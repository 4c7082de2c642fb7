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

from click.testing import CliRunner

from leakguard.cli import cli
from leakguard.pseudonymise import pseudonymise_file
from leakguard.pseudonymise.operators import PSEUDONYM_RE
from leakguard.sources import streams
from tests.strategies import make_nir

KEY = bytes(range(32))
KEY_HEX = KEY.hex()


def generated_nirs(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [make_nir(rng.choice("12"), rng.randint(40, 99), rng.randint(1, 12),
                     f"{rng.randint(1, 95):02d}{rng.randint(1, 999):03d}", rng.randint(1, 999)) for _ in range(count)]


def assert_same_outside_tokens(original: str, output: str) -> list[str]:
    """``output`` is ``original`` but for spans replaced by pseudonym tokens; return the replaced texts."""
    pieces = PSEUDONYM_RE.split(output)
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
