"""Pseudonymisation keys: how they are made, read, checked, fingerprinted and split per purpose.

One secret, the *master key*, drives every keyed operator of ``leakguard pseudonymise``: the HMAC tokens and
the FF1 format-preserving encryption of NIRs. Whoever holds it can link pseudonyms back to people (FF1
decrypts; HMAC tokens of a small space such as NIRs can be enumerated), so it is handled like a password:

* it is made by :func:`generate_key` (32 bytes from :mod:`secrets`, the OS CSPRNG) and written by
  ``leakguard keygen`` as 64 hex digits and a newline (:func:`write_key_file`: complete or absent, mode 0600,
  never over an existing file);
* it is read from ``--key-file FILE`` or, failing that, the environment variable ``LEAKGUARD_KEY``
  (:func:`load_key`) in exactly one of two forms (:func:`parse_key`), white space around it allowed:

  - 64 hex digits, either case (``leakguard keygen``, ``openssl rand -hex 32``);
  - 44 base64 characters ending in ``=``, standard or URL-safe alphabet (``openssl rand -base64 32``).

  Anything else is refused with one line saying what is wrong: a digit lost in a copy-paste (63 hex digits),
  a key file of two lines, a longer or shorter key. The two forms cannot be mistaken for each other (a hex
  key has no ``=``, and 64 characters), so a damaged key is never read as another, valid, key. A key file is
  read up to :data:`MAX_KEY_FILE_BYTES` (a device or a huge file is refused, never read to its end);
* it is 32 bytes (256 bits: the HMAC-SHA256 security level and the AES-256 key size); the library
  functions accept longer keys given as bytes;
* it is never printed, logged, or echoed in an error (:class:`KeyProblem` messages name where the key came
  from and what is wrong with it, never its text); outputs record :func:`fingerprint`, a short keyed digest
  that identifies which key was used without revealing it;
* each operator works with its own sub-key, derived with HKDF-SHA256 (RFC 5869) and a purpose label
  (:func:`derive`), so the HMAC key and the FF1 key are independent even though one secret is stored.

Sources: RFC 2104 (HMAC), RFC 5869 (HKDF), NIST SP 800-38G (FF1, AES keys of 128/192/256 bits),
RFC 4648 (base16/base64 and the URL-safe alphabet).

>>> key = parse_key("00" * 32, "example")
>>> len(key), fingerprint(key) == fingerprint(bytes(32))
(32, True)
>>> parse_key("0" * 63, "LEAKGUARD_KEY")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
    ...
KeyProblem: key in LEAKGUARD_KEY is 63 hex digits, not 64 (one character lost?); make one with `leakguard keygen`
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

from leakguard.pseudonymise import atomic

#: The environment variable read when no ``--key-file`` is given.
ENV_VAR = "LEAKGUARD_KEY"
#: Smallest master key the library functions accept, in bytes.
MIN_KEY_BYTES = 32
#: Size of a key: what :func:`generate_key` makes and what :func:`parse_key` reads.
KEY_BYTES = 32
#: A key file larger than this is no key file: it is refused after reading this many bytes and one more.
MAX_KEY_FILE_BYTES = 4096
#: How to make a key, the end of every message about a bad one.
MAKE_ONE = "make one with `leakguard keygen`"

_FINGERPRINT_LABEL = b"leakguard key fingerprint v1"
_HKDF_SALT = b"leakguard pseudonymise"
_HKDF_INFO_PREFIX = b"leakguard v1 "

_HEX_KEY_RE = re.compile(rf"[0-9A-Fa-f]{{{2 * KEY_BYTES}}}")
_BASE64_KEY_RE = re.compile(r"[A-Za-z0-9+/]{43}=|[A-Za-z0-9_\-]{43}=")
_HEX_RE = re.compile(r"[0-9A-Fa-f]+")
_BASE64_ALPHABET_RE = re.compile(r"[A-Za-z0-9+/_\-]+={0,2}")


class KeyProblem(Exception):
    """A missing, unreadable or malformed key. ``str()`` is one line and never holds key text."""


def generate_key() -> bytes:
    """A new random master key of :data:`KEY_BYTES` bytes from the OS CSPRNG."""
    return secrets.token_bytes(KEY_BYTES)


def format_key(key: bytes) -> str:
    """The text form of ``key`` written by ``leakguard keygen``: lower-case hex."""
    return key.hex()


def write_key_file(path: str, key: bytes) -> None:
    """Write ``key`` as :func:`format_key` and a newline into the new file ``path``, mode 0600.

    The file appears complete or not at all (a full disk leaves no empty key file behind) and an existing
    file is never replaced: :class:`FileExistsError` then.
    """
    atomic.write_new_file(path, (format_key(key) + "\n").encode("ascii"), mode=0o600)


def parse_key(text: str, source: str) -> bytes:
    """The key written in ``text``: 64 hex digits, or base64 of 32 bytes (44 characters ending in ``=``).

    White space around the key is ignored; anything else (white space inside, a second line, another
    length) is refused. ``source`` names where the text came from (``"LEAKGUARD_KEY"``, ``"key file
    secrets/lg.key"``) for the message of the :class:`KeyProblem` raised.
    """
    where = f"key in {source}"
    compact = text.strip()
    if not compact:
        raise KeyProblem(f"{where} is empty; {MAKE_ONE}")
    lines = compact.splitlines()
    if len(lines) > 1:
        raise KeyProblem(f"{where} spans {len(lines)} lines; a key is one line of {2 * KEY_BYTES} hex digits; "
                         f"{MAKE_ONE}")
    if _HEX_KEY_RE.fullmatch(compact):
        return bytes.fromhex(compact)
    if _BASE64_KEY_RE.fullmatch(compact):
        altchars = b"-_" if ("-" in compact or "_" in compact) else b"+/"
        try:
            key = base64.b64decode(compact, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) == KEY_BYTES:
            return key
    raise KeyProblem(f"{where} {_what_is_wrong(compact)}; {MAKE_ONE}")


def _what_is_wrong(compact: str) -> str:
    """Why ``compact`` (one line, stripped) is no key, in words that never quote it."""
    hex_digits = 2 * KEY_BYTES
    if any(char.isspace() for char in compact):
        return "holds white space inside; a key is one run of characters"
    if _HEX_RE.fullmatch(compact):
        slip = {hex_digits - 1: " (one character lost?)", hex_digits + 1: " (one character too many?)"}
        return f"is {len(compact)} hex digits, not {hex_digits}{slip.get(len(compact), '')}"
    if _BASE64_ALPHABET_RE.fullmatch(compact):
        return (f"is {len(compact)} characters: neither {hex_digits} hex digits nor 44 base64 characters "
                "ending in = (32 bytes)")
    return f"is neither {hex_digits} hex digits nor base64 of {KEY_BYTES} bytes"


def read_key_file(path: str) -> bytes:
    """The key in the file ``path`` (see :func:`parse_key`), read up to :data:`MAX_KEY_FILE_BYTES`."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise KeyProblem(f"cannot read key file {path}: {reason}") from None
    source = f"key file {path}"
    if len(raw) > MAX_KEY_FILE_BYTES:
        raise KeyProblem(f"{source} is larger than {MAX_KEY_FILE_BYTES} bytes: not a key file; {MAKE_ONE}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KeyProblem(f"key in {source} is not text; {MAKE_ONE}") from None
    return parse_key(text, source)


def load_key(key_file: str | None, env: Mapping[str, str] = os.environ) -> bytes:
    """The master key from ``key_file`` if given, else from the ``LEAKGUARD_KEY`` variable of ``env``.

    Raises :class:`KeyProblem` with one line saying what to do when there is no key, the file cannot be read,
    or the key is malformed.
    """
    if key_file is not None:
        return read_key_file(key_file)
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
