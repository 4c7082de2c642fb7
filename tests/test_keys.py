"""Pseudonymisation and baseline keys: exactly one key, in one of two documented forms, read with a bound.

A damaged key must never be read as another valid key (other pseudonyms, broken joins, wrong
reidentification): every test here that refuses a key also checks that the message names the source and never
quotes the key. Keys are made here (``secrets`` or Hypothesis bytes), never typed.
"""

from __future__ import annotations

import base64
import os
import resource
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leakguard.baseline import BaselineError, find_key
from leakguard.pseudonymise import keys

thirty_two_bytes = st.binary(min_size=32, max_size=32)
HEX = "0123456789abcdef"


def forms(key: bytes) -> dict[str, str]:
    return {
        "hex": keys.format_key(key),
        "HEX": keys.format_key(key).upper(),
        "base64": base64.b64encode(key).decode(),
        "base64-urlsafe": base64.urlsafe_b64encode(key).decode(),
    }


def refused(text: str, source: str = "LEAKGUARD_KEY") -> str:
    with pytest.raises(keys.KeyProblem) as info:
        keys.parse_key(text, source)
    message = str(info.value)
    assert "\n" not in message and source in message and "leakguard keygen" in message
    stripped = text.strip()
    if len(stripped) >= 8:
        assert stripped not in message
    return message


@given(key=thirty_two_bytes, form=st.sampled_from(["hex", "HEX", "base64", "base64-urlsafe"]),
       before=st.sampled_from(["", " ", "\t", "\n"]), after=st.sampled_from(["", "\n", "\r\n", "  \n", "\n\n"]))
def test_a_key_reads_back_from_either_form_with_white_space_around_it(key, form, before, after):
    assert keys.parse_key(before + forms(key)[form] + after, "test") == key


@given(key=thirty_two_bytes, position=st.integers(0, 63))
def test_a_hex_key_with_one_character_lost_is_refused_not_read_as_base64(key, position):
    text = keys.format_key(key)
    damaged = text[:position] + text[position + 1:]
    assert refused(damaged).endswith("is 63 hex digits, not 64 (one character lost?); make one with "
                                     "`leakguard keygen`")


@given(key=thirty_two_bytes, position=st.integers(0, 64), extra=st.sampled_from(HEX))
def test_a_hex_key_with_one_character_too_many_is_refused(key, position, extra):
    text = keys.format_key(key)
    assert "65 hex digits" in refused(text[:position] + extra + text[position:])


@given(key=st.binary(min_size=1, max_size=96).filter(lambda k: len(k) != 32),
       form=st.sampled_from(["hex", "base64", "base64-urlsafe"]))
def test_a_key_of_another_length_is_refused(key, form):
    refused(forms(key)[form])


@given(key=thirty_two_bytes, form=st.sampled_from(["base64", "base64-urlsafe"]), cut=st.integers(1, 4))
def test_a_base64_key_cut_short_or_without_its_padding_is_refused(key, form, cut):
    refused(forms(key)[form][:-cut])


@given(first=thirty_two_bytes, second=thirty_two_bytes, form=st.sampled_from(["hex", "base64"]))
def test_two_keys_on_two_lines_are_refused_not_concatenated(first, second, form):
    message = refused(forms(first)[form] + "\n" + forms(second)[form] + "\n")
    assert "spans 2 lines" in message


@given(key=thirty_two_bytes, position=st.integers(1, 63), space=st.sampled_from([" ", "\t", "\u00a0"]))
def test_white_space_inside_a_key_is_refused(key, position, space):
    text = keys.format_key(key)
    assert "white space inside" in refused(text[:position] + space + text[position:])


@given(garbage=st.text(alphabet="!#$%&*()[]{}<>?~^|;,", min_size=8, max_size=80))
def test_a_garbled_key_is_refused_without_echoing_it(garbage):
    assert "neither 64 hex digits nor base64" in refused(garbage)


def test_an_empty_key_is_refused():
    assert "is empty" in refused(" \n")


def test_a_key_file_is_read_and_wins_over_the_environment(tmp_path):
    key, other = keys.generate_key(), keys.generate_key()
    path = tmp_path / "lg.key"
    keys.write_key_file(str(path), key)
    env = {"LEAKGUARD_KEY": keys.format_key(other)}
    assert keys.load_key(str(path), env=env) == key
    assert keys.load_key(None, env=env) == other
    assert path.read_text() == keys.format_key(key) + "\n" and path.stat().st_mode & 0o777 == 0o600


def test_a_key_file_is_never_replaced(tmp_path):
    path = tmp_path / "lg.key"
    keys.write_key_file(str(path), keys.generate_key())
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        keys.write_key_file(str(path), keys.generate_key())
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["lg.key"]


def test_no_key_says_how_to_give_one():
    with pytest.raises(keys.KeyProblem, match=r"^no key: pass --key-file FILE or set LEAKGUARD_KEY$"):
        keys.load_key(None, env={})
    with pytest.raises(keys.KeyProblem, match=r"^no key"):
        keys.load_key(None, env={"LEAKGUARD_KEY": "  \n"})


def test_an_unreadable_binary_or_oversized_key_file_is_a_key_problem(tmp_path):
    with pytest.raises(keys.KeyProblem, match=r"^cannot read key file .*missing\.key: "):
        keys.load_key(str(tmp_path / "missing.key"), env={})
    binary = tmp_path / "binary.key"
    binary.write_bytes(bytes(range(128, 192)))
    with pytest.raises(keys.KeyProblem, match=r"binary\.key is not text"):
        keys.load_key(str(binary), env={})
    big = tmp_path / "big.key"
    big.write_text(keys.format_key(keys.generate_key()) + "\n" + " " * 5000)
    with pytest.raises(keys.KeyProblem, match=r"big\.key is larger than 4096 bytes: not a key file"):
        keys.load_key(str(big), env={})


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_a_device_as_key_file_is_refused_after_a_bounded_read():
    """``--key-file /dev/zero`` once read without end; here the process has 1 GiB and 60 s to refuse it."""
    script = textwrap.dedent("""
        from leakguard.pseudonymise import keys
        try:
            keys.load_key("/dev/zero", env={})
        except keys.KeyProblem as problem:
            print(problem)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          preexec_fn=_limit_memory, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == ("key file /dev/zero is larger than 4096 bytes: not a key file; "
                                   "make one with `leakguard keygen`")


# --- the baseline key: the same rules ---------------------------------------------------------------------


def test_the_baseline_key_follows_the_same_rules(tmp_path):
    baseline = str(tmp_path / ".leakguard-baseline.json")
    key = keys.generate_key()
    assert find_key(baseline, env={"LEAKGUARD_BASELINE_KEY": keys.format_key(key) + "\n"}).key == key
    with pytest.raises(BaselineError, match=r"LEAKGUARD_BASELINE_KEY is 63 hex digits") as info:
        find_key(baseline, env={"LEAKGUARD_BASELINE_KEY": keys.format_key(key)[1:]})
    assert keys.format_key(key)[1:] not in str(info.value)
    local = tmp_path / ".leakguard.key"
    local.write_text(keys.format_key(key) + "\n" + keys.format_key(keys.generate_key()) + "\n")
    with pytest.raises(BaselineError, match=r"\.leakguard\.key spans 2 lines"):
        find_key(baseline, env={})
