"""What a pseudonymised file records about how it was made, and what ``reidentify`` checks before decrypting.

``fpe`` outputs are valid NIRs and nothing in a NIR marks it as encrypted: decrypting a NIR that was never
encrypted, or with another key, gives some other valid NIR. ``reidentify`` run on the wrong file or with the
wrong key would therefore quietly replace every NIR with a wrong one. Parquet and Arrow IPC outputs carry a
``leakguard`` key-value entry (version, operation, policy, key fingerprint — never the key), and
``reidentify`` reads it first (:func:`fpe_spec_for`):

* another key's fingerprint: refused, always (the key is known to be the wrong one);
* NIRs pseudonymised with another operator (``hmac``...), or a file already reidentified: refused;
* ``fpe:sex=random`` recorded: decrypted with it (a different ``--operator`` choice is refused); a file
  written before the ``fpe_format`` entry is decrypted with format 1 (:mod:`leakguard.pseudonymise.fpe`);
* no ``leakguard`` entry — every CSV, JSON lines, text or ORC file (they have nowhere to carry one; ORC
  could, but pyarrow writes no ORC user metadata), or a Parquet or Arrow file leakguard did not write:
  refused unless the user insists (``force``), then decrypted with the ``fpe`` choice given.
"""

from __future__ import annotations

import json
from typing import Any

from leakguard.sources.base import SourceInfo

#: The key of the Parquet (and Arrow IPC) key-value metadata entry leakguard writes.
METADATA_KEY = b"leakguard"
#: The formats whose outputs carry the entry (ORC: pyarrow writes no ORC user metadata).
_CARRIERS = {"parquet": "a Parquet file", "arrow": "an Arrow IPC file"}


class ReidentifyRefused(ValueError):
    """``reidentify`` will not decrypt this file with this key; ``str()`` is one line."""


def recorded(info: SourceInfo) -> dict[str, Any] | None:
    """The ``leakguard`` metadata entry of a file, or ``None`` (no entry, not JSON, not an object)."""
    metadata = info.schema.metadata if info.schema is not None else None
    raw = (metadata or {}).get(METADATA_KEY)
    if raw is None:
        return None
    try:
        entry = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return entry if isinstance(entry, dict) else None


def fpe_spec_for(info: SourceInfo | None, fingerprint: str, *, given: str | None, force: bool,
                 path: str | None = None) -> str:
    """The ``fpe`` operator choice to decrypt the file of ``info`` with, or :class:`ReidentifyRefused`.

    ``fingerprint`` is the key's; ``given`` the ``fpe`` choice of the command line (``None``: not given).
    ``info`` is ``None`` for a file of tables (a SQL dump), which records nothing; ``path`` names it.
    """
    path = info.path if info is not None else str(path)
    entry = recorded(info) if info is not None else None
    if entry is None:
        if not force:
            where = ("SQL dumps cannot carry one" if info is None
                     else f"{_CARRIERS[info.format]} leakguard did not write" if info.format in _CARRIERS
                     else f"{info.format.upper()} files cannot carry one")
            raise ReidentifyRefused(
                f"{path}: no leakguard metadata ({where}), so nothing shows that its NIRs were pseudonymised "
                "with fpe under this key, and reidentify would turn real NIRs into other ones; pass --force "
                "if you are sure")
        return given or "fpe"
    known = entry.get("key_fingerprint")
    if known is not None and known != fingerprint:
        raise ReidentifyRefused(
            f"{path}: pseudonymised with another key (fingerprint {known}; this key is {fingerprint}); "
            "reidentify would turn every NIR into a wrong one: use the key that made the file")
    if entry.get("operation") != "pseudonymise":
        raise ReidentifyRefused(f"{path}: leakguard's metadata says '{entry.get('operation')}', not "
                                "'pseudonymise': its NIRs are not fpe pseudonyms")
    policy = entry.get("policy") if isinstance(entry.get("policy"), dict) else {}
    spec = str(policy.get("FR_NIR", ""))
    if spec.split(":")[0] != "fpe":
        raise ReidentifyRefused(f"{path}: its NIRs were pseudonymised with {spec or 'no operator'}, which "
                                "cannot be reversed; only fpe can")
    if given is not None and _sex(given) != _sex(spec):
        raise ReidentifyRefused(f"{path}: pseudonymised with FR_NIR={spec}, not FR_NIR={given}")
    if "fpe_format" not in entry:  # written before fpe format 2: its pseudonyms are of format 1
        spec = spec + ("," if ":" in spec else ":") + "format=1"
    return spec


def _sex(spec: str) -> str:
    return "random" if "sex=random" in spec.replace(" ", "").lower() else "keep"


__all__ = ["METADATA_KEY", "ReidentifyRefused", "fpe_spec_for", "recorded"]
