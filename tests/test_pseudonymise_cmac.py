"""The batched AES-CMAC behind the ``token`` operator: RFC 4493's vectors, and ``cryptography``'s one-message
CMAC on generated messages of every length, one by one."""

from __future__ import annotations

import pyarrow as pa
import pytest
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.cmac import CMAC
from hypothesis import given, settings
from hypothesis import strategies as st

from leakguard.pseudonymise.cmac import BatchCmac

# RFC 4493 section 4 (AES-128, the NIST SP 800-38A example key and plaintext); the 40- and 16-byte messages
# are prefixes of the 64-byte one.
RFC4493_KEY = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
RFC4493_TEXT = bytes.fromhex(
    "6bc1bee22e409f96e93d7e117393172a"
    "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef"
    "f69f2445df4f9b17ad2b417be66c3710"
)
RFC4493_EXAMPLES = [
    # (message length, AES-CMAC)
    (0, "bb1d6929e95937287fa37d129b756746"),
    (16, "070a16b46b4d4144f79bdd9dd04a287c"),
    (40, "dfa66747de9ae63030ca32611497c827"),
    (64, "51f0bebf7e3b9d92fc49741779363cfe"),
]

#: Messages of mixed lengths: short ones, exact multiples of the block, long ones, the empty one.
messages = st.one_of(
    st.binary(max_size=40),
    st.integers(0, 6).flatmap(lambda blocks: st.binary(min_size=16 * blocks, max_size=16 * blocks)),
    st.binary(min_size=100, max_size=700),
)
aes_keys = st.sampled_from([16, 24, 32]).flatmap(lambda size: st.binary(min_size=size, max_size=size))


def one_at_a_time(key: bytes, message: bytes) -> bytes:
    """``cryptography``'s CMAC of one message: the reference."""
    mac = CMAC(algorithms.AES(key))
    mac.update(message)
    return mac.finalize()


@pytest.mark.parametrize(("length", "expected"), RFC4493_EXAMPLES)
def test_the_rfc_4493_examples_one_by_one(length, expected):
    assert BatchCmac(RFC4493_KEY).tag(RFC4493_TEXT[:length]).hex() == expected


def test_the_rfc_4493_examples_in_one_batch_in_any_order():
    lengths = [64, 0, 40, 16, 40]
    tags = BatchCmac(RFC4493_KEY).tags(pa.array([RFC4493_TEXT[:n] for n in lengths], pa.binary()))
    expected = dict(RFC4493_EXAMPLES)
    assert [t.tobytes().hex() for t in tags] == [expected[n] for n in lengths]


@given(key=aes_keys, batch=st.lists(messages, max_size=40), prefix=st.binary(max_size=40))
@settings(max_examples=300, deadline=None)
def test_a_batch_gives_the_one_message_cmac_of_each_message(key, batch, prefix):
    tags = BatchCmac(key).tags(pa.array(batch, pa.binary()), prefix=prefix)
    assert tags.shape == (len(batch), 16)
    assert [t.tobytes() for t in tags] == [one_at_a_time(key, prefix + m) for m in batch]


@given(key=aes_keys, batch=st.lists(st.text(max_size=60), min_size=1, max_size=30), data=st.data())
@settings(deadline=None)
def test_text_large_sliced_and_chunked_arrays_give_the_same_tags(key, batch, data):
    start = data.draw(st.integers(0, len(batch) - 1))
    expected = [one_at_a_time(key, text.encode("utf-8")) for text in batch[start:]]
    cmac = BatchCmac(key)
    for array in (
        pa.array(batch, pa.string()).slice(start),
        pa.array(batch, pa.large_string()).slice(start),
        pa.array([t.encode("utf-8") for t in batch], pa.large_binary()).slice(start),
        pa.chunked_array([batch[start:][:1], batch[start:][1:]], pa.string()),
    ):
        assert [t.tobytes() for t in cmac.tags(array)] == expected


@given(key=aes_keys, message=st.binary(max_size=100).filter(lambda m: len(m) % 16))
def test_a_message_and_its_padded_form_get_different_tags(key, message):
    # the last-block rule (K1 for a complete block, K2 after 10* padding) is what tells them apart
    padded = message + b"\x80" + bytes(-(len(message) + 1) % 16)
    tags = BatchCmac(key).tags(pa.array([message, padded], pa.binary()))
    assert tags[0].tobytes() != tags[1].tobytes()


def test_an_empty_batch_and_a_null_message():
    assert BatchCmac(RFC4493_KEY).tags(pa.array([], pa.binary())).shape == (0, 16)
    with pytest.raises(ValueError, match="null"):
        BatchCmac(RFC4493_KEY).tags(pa.array([b"a", None], pa.binary()))
