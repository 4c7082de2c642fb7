"""``hmac``: keyed tokens from HMAC-SHA256 (RFC 2104), for users who require that function.

The MAC is ``HMAC-SHA256(K_hmac, entity || 0x00 || normal form)`` with ``K_hmac`` derived from the master key
by HKDF (purpose ``hmac``); the token written from it is described in :mod:`.keyed`. These were the default
tokens of leakguard before ``token``: choose ``--operator ENTITY=hmac`` to reproduce pseudonyms made then.
One MAC costs about a microsecond of Python per distinct value; ``token`` computes a whole column at once.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa

from leakguard.pseudonymise import keys
from leakguard.pseudonymise.operators.keyed import KeyedTokenOperator

#: Bytes of an HMAC-SHA256 MAC.
MAC_BYTES = 32


class _HmacSha256:
    """HMAC-SHA256 (RFC 2104) with the padded-key hash states computed once.

    The same MACs as ``hmac.new(key, msg, "sha256")``, twice as fast on short messages: two C-level hash
    copies per message instead of the Python wrapper of :mod:`hmac`. ``key`` is at most 64 bytes.
    """

    def __init__(self, key: bytes):
        block = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


class HmacOperator(KeyedTokenOperator):
    """``hmac``: a keyed, typed token (``NIR_`` + 16 base32 characters) from HMAC-SHA256.

    >>> op = HmacOperator("EMAIL_ADDRESS", bytes(32))
    >>> op.apply_one("Jean.Dupont@example.fr") == op.apply_one(" jean.dupont@EXAMPLE.fr")
    True
    >>> op.apply_one("jean.dupont@example.fr").endswith("@example.invalid")
    True
    """

    name = "hmac"

    def __init__(self, entity: str, key: bytes | None = None, arg: str | None = None):
        super().__init__(entity, key, arg)
        assert key is not None
        self._mac = _HmacSha256(keys.derive(key, "hmac"))

    def _digests(self, forms: pa.Array) -> np.ndarray:
        digest, label = self._mac.digest, self._label
        joined = b"".join([digest(label + form.encode("utf-8")) for form in forms.to_pylist()])
        return np.frombuffer(joined, np.uint8).reshape(len(forms), MAC_BYTES)
