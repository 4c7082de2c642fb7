"""``token``, the default for identifiers: keyed tokens from AES-CMAC, computed for a whole column at once.

The MAC is ``AES-256-CMAC(K_token, entity || 0x00 || normal form)`` (NIST SP 800-38B, RFC 4493), with
``K_token`` derived from the master key by HKDF (purpose ``token``), independent of the ``hmac`` and FF1
sub-keys. CMAC is a PRF on messages of any length, like HMAC; unlike Python's HMAC, which costs a microsecond
per value, :class:`~leakguard.pseudonymise.cmac.BatchCmac` MACs every distinct normal form of a column in a
few AES-ECB calls over a numpy block matrix. The written token has the shape of ``hmac``'s
(:mod:`.keyed`) but another value: pseudonyms made with ``hmac`` (leakguard's default before) are reproduced
only with ``--operator ENTITY=hmac``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from leakguard.pseudonymise import keys
from leakguard.pseudonymise.cmac import BatchCmac
from leakguard.pseudonymise.operators.keyed import KeyedTokenOperator


class TokenOperator(KeyedTokenOperator):
    """``token``: a keyed, typed token (``NIR_`` + 16 base32 characters) from AES-CMAC.

    >>> op = TokenOperator("EMAIL_ADDRESS", bytes(32))
    >>> op.apply_one("Jean.Dupont@example.fr") == op.apply_one(" jean.dupont@EXAMPLE.fr")
    True
    >>> op.apply_one("jean.dupont@example.fr").startswith("EMAIL_")
    True
    """

    name = "token"

    def __init__(self, entity: str, key: bytes | None = None, arg: str | None = None):
        super().__init__(entity, key, arg)
        assert key is not None
        self._cmac = BatchCmac(keys.derive(key, "token"))

    def _digests(self, forms: pa.Array) -> np.ndarray:
        return self._cmac.tags(forms, prefix=self._label)
