"""The baseline: findings known today, so that the pre-commit hook fails only on new ones.

``leakguard baseline FILE...`` writes ``.leakguard-baseline.json``; ``leakguard hook`` (and ``leakguard scan
--baseline FILE``) then ignore the findings it lists. Running the hook never rewrites it.

What an entry holds, and why
    ``{"path": "data/fixtures.csv", "column": "nir", "entity": "FR_NIR", "fingerprint": "9f0c…", "preview":
    "1 85 05 •• ••• ••• ••"}``. There is no row or line number, so a finding stays known when rows or lines
    move; the fingerprint depends on the value, so a new identifier written where an old one was is new.
    A moved or renamed file, or a renamed column, makes its findings new (run ``leakguard baseline`` again).
    A file or column name that holds an identifier is written masked (``data/18505••••••••••.csv``), like
    everywhere else leakguard shows a name.

Why a *keyed* fingerprint
    The file is committed, so it must not let anyone recover an identifier. A plain or salted hash of a NIR
    does not protect it: the space of valid NIRs is about 10^11 values and is enumerated in minutes. The
    fingerprint is HMAC-SHA256 (RFC 2104) over the entity and the normalised value
    (:mod:`leakguard.pseudonymise.normalise`: a NIR without separators, an e-mail in lower case...), under a
    sub-key derived by HKDF (RFC 5869) from the *baseline key*, truncated to 128 bits. Without the key the
    fingerprints reveal nothing; with it, someone could test guesses, so the key is a secret.

Where the key comes from, in order
    ``--key-file FILE``; the environment variable ``LEAKGUARD_BASELINE_KEY`` (64 hex digits, as for
    ``LEAKGUARD_KEY``); else ``.leakguard.key`` beside the baseline, which ``leakguard baseline`` creates when missing
    (32 random bytes as hex, mode 0600) and adds to ``.git/info/exclude`` so that it is never committed.
    The baseline records the key's fingerprint (:func:`leakguard.pseudonymise.keys.fingerprint`, itself
    keyed), never the key, so a wrong key is a clear error rather than every finding turning "new".

The trade-off: every machine whose commits touch baselined files needs the key. A team shares it like any
CI secret (``LEAKGUARD_BASELINE_KEY`` in the CI settings, a file from the team's password manager for each
developer). Without it the hook still passes files that have no finding, and stops with "no baseline key"
(exit 2) when it would have to look a finding up in the baseline. Losing the key only means writing the
baseline again with a new one; leaking it lets whoever also has the baseline test guesses of identifiers.

The file is deterministic: entries sorted, one per line, no timestamp, so ``leakguard baseline`` on unchanged
files writes identical bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from leakguard.allowlist import distinct_pairs
from leakguard.errors import OutputError
from leakguard.preview import MASK
from leakguard.pseudonymise import keys
from leakguard.pseudonymise.atomic import atomic_path
from leakguard.report.text import masked
from leakguard.sources.containers import uri_kind

#: The environment variable holding the baseline key (the forms of :func:`leakguard.pseudonymise.keys.parse_key`).
ENV_VAR = "LEAKGUARD_BASELINE_KEY"
#: The repository-local key file, beside the baseline.
KEY_FILE = ".leakguard.key"
#: The pre-commit hook that writes the baseline (``.pre-commit-hooks.yaml``, stage ``manual``).
BASELINE_HOOK_ID = "leakguard-baseline"
#: Version of the file format (and of the fingerprint: label, normalisation, truncation).
VERSION = 1
#: Hex characters kept of each fingerprint (128 bits).
FINGERPRINT_HEX = 32

_PURPOSE = "baseline"
_LABEL = b"leakguard baseline v1\x00"
_ABOUT = ("findings known when the baseline was written; fingerprint = HMAC-SHA256 of entity and normalised "
          "value under the baseline key (not stored here), truncated to 128 bits")


class BaselineError(Exception):
    """A baseline or baseline key that cannot be used; ``str()`` is one line, never holding key text."""


Key = tuple[str, str | None, str, str]  # path, column, entity, fingerprint


@dataclass(frozen=True)
class BaselineKey:
    """The baseline key and where it came from (for messages)."""

    key: bytes
    source: str

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(self.key)


# -- the key -------------------------------------------------------------------------------------------------


def key_path_for(baseline_path: str) -> str:
    """The repository-local key file used with ``baseline_path``."""
    return os.path.join(os.path.dirname(os.path.abspath(baseline_path)), KEY_FILE)


def find_key(baseline_path: str, key_file: str | None = None,
             env: Mapping[str, str] = os.environ) -> BaselineKey | None:
    """The baseline key from ``key_file``, ``LEAKGUARD_BASELINE_KEY`` or ``.leakguard.key``, else ``None``."""
    try:
        if key_file is not None:
            return BaselineKey(keys.load_key(key_file, env={}), f"key file {key_file}")
        text = env.get(ENV_VAR)
        if text is not None and text.strip():
            return BaselineKey(keys.parse_key(text, ENV_VAR), ENV_VAR)
        local = key_path_for(baseline_path)
        if os.path.isfile(local):
            return BaselineKey(keys.load_key(local, env={}), f"key file {os.path.relpath(local)}")
    except keys.KeyProblem as problem:
        raise BaselineError(str(problem)) from None
    return None


def create_key(baseline_path: str) -> tuple[BaselineKey, bool]:
    """Make ``.leakguard.key`` beside the baseline (mode 0600, complete or absent) and keep it out of git.

    Returns the key and whether the file was added to ``.git/info/exclude``.
    """
    path = key_path_for(baseline_path)
    key = keys.generate_key()
    try:
        keys.write_key_file(path, key)
    except OutputError as error:
        raise BaselineError(str(error)) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise BaselineError(f"cannot create the key file {path}: {reason}") from None
    return BaselineKey(key, f"key file {os.path.relpath(path)}"), git_exclude(path)


def git_exclude(path: str) -> bool:
    """Add ``path`` to the ``info/exclude`` file of its git repository; ``False`` outside a repository."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        answer = subprocess.run(
            ["git", "-C", directory, "rev-parse", "--path-format=absolute", "--git-path", "info/exclude",
             "--show-toplevel"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return False
    if len(answer) != 2:
        return False
    exclude, top = answer
    relative = os.path.relpath(os.path.realpath(path), os.path.realpath(top)).replace(os.sep, "/")
    if relative.startswith("../"):
        return False
    line = "/" + relative
    try:
        with open(exclude, encoding="utf-8") as handle:
            if line in handle.read().splitlines():
                return True
    except FileNotFoundError:
        os.makedirs(os.path.dirname(exclude), exist_ok=True)
    except OSError:
        return False
    try:
        with open(exclude, "a", encoding="utf-8") as handle:
            handle.write(f"# leakguard baseline key: never commit it\n{line}\n")
    except OSError:
        return False
    return True


def baseline_command(paths: str = "FILE...") -> str:
    """The command that writes the baseline, as the user can run it where they are.

    Under pre-commit (which sets ``PRE_COMMIT``), leakguard lives in pre-commit's own environment and is not on
    the PATH of a data repository: the baseline is written by the ``leakguard-baseline`` hook, run by hand.
    """
    if os.environ.get("PRE_COMMIT"):
        return (f"`pre-commit run {BASELINE_HOOK_ID} --hook-stage manual --all-files` (hook id "
                f"{BASELINE_HOOK_ID} in .pre-commit-config.yaml)")
    return f"`leakguard baseline {paths}`"


# -- fingerprints --------------------------------------------------------------------------------------------


class Fingerprinter:
    """Keyed fingerprints of ``(entity, value)``: HMAC-SHA256 under a sub-key of the baseline key."""

    def __init__(self, key: bytes):
        self._key = keys.derive(key, _PURPOSE)

    def fingerprint(self, entity: str, value: str) -> str:
        from leakguard.pseudonymise.normalise import normalise

        message = _LABEL + entity.encode("utf-8") + b"\x00" + normalise(entity, value).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:FINGERPRINT_HEX]

    def column(self, findings: pa.Table) -> list[str]:
        """The fingerprint of each finding (``findings`` must have the raw ``value`` column)."""
        if findings.num_rows == 0:
            return []
        pairs, index = distinct_pairs(findings)
        prints = np.array([self.fingerprint(entity, value) for entity, value in pairs], dtype=object)
        return prints[index].tolist()


# -- the file ------------------------------------------------------------------------------------------------


def entry_path(path: str, baseline_dir: str) -> str:
    """How a scanned file is named in a baseline: relative to the baseline's directory, with ``/``, and the
    identifiers a name may hold masked (the baseline is committed); a database table as it is named in reports
    (``postgresql://HOST:PORT/DB#TABLE``)."""
    if uri_kind(path) is not None:
        return masked(path, path=True)
    return masked(os.path.relpath(os.path.abspath(path), baseline_dir).replace(os.sep, "/"), path=True)


def _entry_column(column: str | None) -> str | None:
    return None if column is None else masked(column)


class Baseline:
    """The findings of a baseline file; :meth:`known` tells which findings of a table it lists."""

    def __init__(self, path: str, key_fingerprint: str | None = None,
                 entries: Mapping[Key, str] | None = None):
        self.path = path
        self.directory = os.path.dirname(os.path.abspath(path))
        self.key_fingerprint = key_fingerprint
        #: match key -> masked preview
        self.entries: dict[Key, str] = dict(entries or {})

    @classmethod
    def load(cls, path: str) -> Baseline:
        """Read a baseline file (no key is needed to read it, only to match findings)."""
        try:
            with open(path, encoding="utf-8") as handle:
                document = json.load(handle)
        except OSError as error:
            raise BaselineError(f"{path}: cannot read the baseline ({error.strerror or type(error).__name__})"
                                ) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise BaselineError(f"{path}: not a leakguard baseline (invalid JSON: {error})") from None
        if not isinstance(document, dict) or document.get("version") != VERSION:
            raise BaselineError(f"{path}: not a leakguard baseline of version {VERSION}; "
                                f"write it again with {baseline_command()}")
        entries: dict[Key, str] = {}
        try:
            for entry in document["findings"]:
                key = (entry["path"], entry["column"], entry["entity"], entry["fingerprint"])
                if not all(isinstance(part, str) for part in key if part is not None) or key[0] is None:
                    raise TypeError
                entries[key] = str(entry.get("preview", ""))
            key_fingerprint = document["key_fingerprint"]
        except (KeyError, TypeError):
            raise BaselineError(
                f"{path}: malformed baseline (findings need path, column, entity, fingerprint)"
            ) from None
        return cls(path, key_fingerprint, entries)

    def check_key(self, key: BaselineKey) -> None:
        """Raise :class:`BaselineError` unless ``key`` is the key the baseline was made with."""
        if self.key_fingerprint is not None and self.key_fingerprint != key.fingerprint:
            raise BaselineError(
                f"baseline made with another key: {self.path} expects key {self.key_fingerprint}, "
                f"{key.source} is key {key.fingerprint}; use the team's key (--key-file or {ENV_VAR}) "
                f"or rewrite the baseline with {baseline_command()}"
            )

    def keys_of(self, path: str, findings: pa.Table, fingerprinter: Fingerprinter) -> list[Key]:
        """The match keys of ``findings`` of file ``path`` (a table with the raw ``value`` column)."""
        name = entry_path(path, self.directory)
        columns = {c: _entry_column(c) for c in set(findings["column"].to_pylist())}
        return list(zip([name] * findings.num_rows, [columns[c] for c in findings["column"].to_pylist()],
                        findings["entity"].to_pylist(), fingerprinter.column(findings)))

    def known(self, path: str, findings: pa.Table, fingerprinter: Fingerprinter) -> np.ndarray:
        """Per finding of file ``path``, whether the baseline lists it."""
        if not self.entries or findings.num_rows == 0:
            return np.zeros(findings.num_rows, dtype=bool)
        keys_of = self.keys_of(path, findings, fingerprinter)
        return np.array([key in self.entries for key in keys_of], dtype=bool)

    def add(self, path: str, findings: pa.Table, fingerprinter: Fingerprinter) -> None:
        """List the findings of file ``path`` (a table with the raw ``value`` column)."""
        for key, preview in zip(self.keys_of(path, findings, fingerprinter), findings["preview"].to_pylist()):
            self.entries.setdefault(key, preview)

    def forget(self, names: Iterable[str]) -> None:
        """Drop the entries of these files (entry paths)."""
        gone = set(names)
        self.entries = {key: preview for key, preview in self.entries.items() if key[0] not in gone}

    def prune_missing(self) -> None:
        """Drop the entries of files that no longer exist (a table ``FILE#TABLE``: when FILE does not; the
        tables of a database are kept)."""
        exists: dict[str, bool] = {}
        for name, *_ in self.entries:
            if name not in exists:
                # a name with a masked identifier cannot be looked up: kept (rewritten when its file is scanned)
                container, mark, _ = name.rpartition("#")
                exists[name] = (MASK in name or uri_kind(name) is not None
                                or os.path.isfile(os.path.join(self.directory, name))
                                or (bool(mark) and os.path.isfile(os.path.join(self.directory, container))))
        self.entries = {key: preview for key, preview in self.entries.items() if exists[key[0]]}

    def dumps(self) -> str:
        """The file's text: stable JSON, entries sorted, one per line."""
        rows = sorted(self.entries.items(),
                      key=lambda item: (item[0][0], item[0][1] or "", item[0][1] is not None, *item[0][2:]))
        lines = [
            json.dumps({"path": path, "column": column, "entity": entity, "fingerprint": fingerprint,
                        "preview": preview}, ensure_ascii=False)
            for (path, column, entity, fingerprint), preview in rows
        ]
        head = [
            "{",
            f'  "version": {VERSION},',
            f'  "about": {json.dumps(_ABOUT)},',
            f'  "key_fingerprint": {json.dumps(self.key_fingerprint)},',
        ]
        body = ('  "findings": [\n    ' + ",\n    ".join(lines) + "\n  ]") if lines else '  "findings": []'
        return "\n".join([*head, body, "}"]) + "\n"

    def write(self) -> None:
        """Write the file atomically (a temporary file, then a rename)."""
        with atomic_path(self.path) as temporary, open(temporary, "w", encoding="utf-8", newline="\n") as out:
            out.write(self.dumps())


__all__ = [
    "BASELINE_HOOK_ID",
    "ENV_VAR",
    "KEY_FILE",
    "Baseline",
    "BaselineError",
    "BaselineKey",
    "Fingerprinter",
    "baseline_command",
    "create_key",
    "entry_path",
    "find_key",
    "git_exclude",
    "key_path_for",
]
