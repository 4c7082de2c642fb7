"""Pseudonymisation keys: how they are made, read, checked, fingerprinted and split per purpose.

One secret, the *master key*, drives every keyed operator of ``leakguard pseudonymise``: the HMAC tokens and
the FF1 format-preserving encryption of NIRs. Whoever holds it can link pseudonyms back to people (FF1
decrypts; HMAC tokens of a small space such as NIRs can be enumerated), so it is handled like a password:

* it is made by :func:`generate_key` (32 bytes from :mod:`secrets`, the OS CSPRNG) and written as hex by
  ``leakguard keygen``;
* it is read from ``--key-file FILE`` or, failing that, the environment variable ``LEAKGUARD_KEY``
  (:func:`load_key`), as hex or base64 (standard or URL-safe alphabet, padding optional), white space ignored;
* it must hold at least 32 bytes (256 bits, the HMAC-SHA256 block-size-independent security level and the
  AES-256 key size); a shorter key is refused rather than stretched;
* it is never printed, logged, or echoed in an error (:class:`KeyProblem` messages name where the key came
  from and what is wrong with it, never its text); outputs record :func:`fingerprint`, a short keyed digest
  that identifies which key was used without revealing it;
* each operator works with its own sub-key, derived with HKDF-SHA256 (RFC 5869) and a purpose label
  (:func:`derive`), so the HMAC key and the FF1 key are independent even though one secret is stored.

Sources: RFC 2104 (HMAC), RFC 5869 (HKDF), NIST SP 800-38G (FF1, AES keys of 128/192/256 bits),
RFC 4648 (base16/base32/base64 and the URL-safe alphabet).

>>> key = parse_key("00" * 32, "example")
>>> len(key), fingerprint(key) == fingerprint(bytes(32))
(32, True)
>>> parse_key("00" * 16, "LEAKGUARD_KEY")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
    ...
KeyProblem: key in LEAKGUARD_KEY is 16 bytes; at least 32 are needed; make one with `leakguard keygen`
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: The environment variable read when no ``--key-file`` is given.
ENV_VAR = "LEAKGUARD_KEY"
#: Smallest accepted master key, in bytes.
MIN_KEY_BYTES = 32
#: Size of the keys :func:`generate_key` makes.
KEY_BYTES = 32

_FINGERPRINT_LABEL = b"leakguard key fingerprint v1"
_HKDF_SALT = b"leakguard pseudonymise"
_HKDF_INFO_PREFIX = b"leakguard v1 "

_WHITESPACE_RE = re.compile(r"\s+")
_HEX_RE = re.compile(r"[0-9A-Fa-f]+")
_B64_RE = re.compile(r"[A-Za-z0-9+/\-_]+={0,2}")


class KeyProblem(Exception):
    """A missing, unreadable, malformed or too short key. ``str()`` is one line and never holds key text."""


def generate_key() -> bytes:
    """A new random master key of :data:`KEY_BYTES` bytes from the OS CSPRNG."""
    return secrets.token_bytes(KEY_BYTES)


def format_key(key: bytes) -> str:
    """The text form of ``key`` written by ``leakguard keygen``: lower-case hex."""
    return key.hex()


def _decode(text: str) -> bytes | None:
    """Hex first (an even-length run of hex digits), then base64 (standard, URL-safe); ``None`` if neither."""
    if _HEX_RE.fullmatch(text) and len(text) % 2 == 0:
        return bytes.fromhex(text)
    if not _B64_RE.fullmatch(text):
        return None
    body = text.rstrip("=")
    if len(body) % 4 == 1:  # no base64 string has this length
        return None
    padded = body + "=" * (-len(body) % 4)
    altchars = b"-_" if ("-" in body or "_" in body) else b"+/"
    if altchars == b"-_" and ("+" in body or "/" in body):
        return None  # the two alphabets mixed
    try:
        return base64.b64decode(padded, altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        return None


def parse_key(text: str, source: str) -> bytes:
    """The key written in ``text`` (hex or base64, white space anywhere ignored), checked for length.

    ``source`` names where the text came from (``"LEAKGUARD_KEY"``, ``"key file secrets/lg.key"``) for the
    error message. Raises :class:`KeyProblem` when the text is empty, not hex or base64, or decodes to fewer
    than :data:`MIN_KEY_BYTES` bytes.
    """
    compact = _WHITESPACE_RE.sub("", text)
    if not compact:
        raise KeyProblem(f"key in {source} is empty; make one with `leakguard keygen`")
    key = _decode(compact)
    if key is None:
        raise KeyProblem(f"key in {source} is neither hex nor base64; make one with `leakguard keygen`")
    if len(key) < MIN_KEY_BYTES:
        raise KeyProblem(
            f"key in {source} is {len(key)} bytes; at least {MIN_KEY_BYTES} are needed; "
            "make one with `leakguard keygen`"
        )
    return key


def load_key(key_file: str | None, env: Mapping[str, str] = os.environ) -> bytes:
    """The master key from ``key_file`` if given, else from the ``LEAKGUARD_KEY`` variable of ``env``.

    Raises :class:`KeyProblem` with one line saying what to do when there is no key, the file cannot be read,
    or the key is malformed or too short.
    """
    if key_file is not None:
        source = f"key file {key_file}"
        try:
            with open(key_file, "rb") as handle:
                raw = handle.read()
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise KeyProblem(f"cannot read key file {key_file}: {reason}") from None
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            raise KeyProblem(
                f"key in {source} is neither hex nor base64 text; make one with `leakguard keygen`"
            ) from None
        return parse_key(text, source)
    text = env.get(ENV_VAR)
    if text is None or not text.strip():
        raise KeyProblem(f"no key: pass --key-file FILE or set {ENV_VAR}")
    return parse_key(text, ENV_VAR)


def fingerprint(key: bytes) -> str:
    """16 hex characters identifying ``key`` in output metadata: HMAC-SHA256(key, label), truncated.

    The fingerprint is keyed, so it reveals nothing about the key and cannot be computed without it; 64 bits
    tell keys apart in any realistic set of keys.
    """
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


def derive(key: bytes, purpose: str, length: int = 32) -> bytes:
    """A sub-key of ``length`` bytes for one ``purpose`` (``"hmac"``, ``"ff1 FR_NIR"``), by HKDF-SHA256.

    Different purposes give independent keys; the same key and purpose always give the same sub-key.
    """
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=length,
        salt=_HKDF_SALT,
        info=_HKDF_INFO_PREFIX + purpose.encode("utf-8"),
    )
    return hkdf.derive(key)
