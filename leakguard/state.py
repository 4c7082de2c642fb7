"""Incremental scans: what the last scan reported of each file, so that the next one reads only what changed.

``leakguard scan PATHS --state FILE``: the first run scans everything and writes ``FILE``; a later run reads
again only the files that changed, and reports the others with their previous results, marked unchanged
(:meth:`leakguard.report.Reporter.file_unchanged`). Files that are gone leave the state. One state file is
for one sweep: a file outside this run's ``PATHS`` leaves it too.

When a file counts as unchanged
    1. The configuration is the one of the last scan: leakguard's version, the detector's options (entities,
       scores, column hints, NER, ``--show-values``), the project's ``allow`` list and pseudonymised columns,
       the baseline and inline ignores (:func:`scan_configuration`). Any change: everything is scanned again.
    2. Its size and modification time (nanoseconds) are those recorded, and it was last modified before the
       last scan started (a file written during that scan, within one clock tick, is checked by content).
    3. Otherwise its content decides: a keyed BLAKE2b digest of its bytes, so that a touched but identical
       file is not read again (its new size and time are recorded).
    A table directory (Delta, Iceberg: :mod:`leakguard.sources.tables`) is unchanged when the listing of its
    log is, or else when what its version is made of is (version, schema, live files and their sizes).

What the state holds
    No more than the ``json`` report: per file, its records, cells per column, errors, and its findings'
    locations (row, column, offsets), entities, scores and masked previews; column names masked as reports
    show them; seconds and sizes. Never a raw value, and no unkeyed hash of one: the file's path (which may
    hold a NIR) is kept as a keyed digest, and so are the content and configuration digests (the ``allow``
    list holds values; a small file may hold a single NIR, and a plain hash of it is reversed by enumerating
    NIRs, see :mod:`leakguard.baseline`). The key is the *state key*: ``$LEAKGUARD_STATE_KEY`` (hex or base64,
    at least 32 bytes), else ``FILE.key`` beside the state, written at the first run (mode 0600). The state
    records the key's fingerprint; with another key or none, the state cannot be used.

A state that cannot be used (written by another format or leakguard version, with another key, corrupt,
unreadable) is said in one line on standard error and the scan is a full one; the state is then written
anew. Written atomically (temporary file, ``fsync``, rename), as an Arrow IPC file (zstd): the findings table, and
the files' records as JSON in its schema metadata (``leakguard.state``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard import __version__
from leakguard.findings import TABLE_FIELDS
from leakguard.pseudonymise import keys
from leakguard.pseudonymise.atomic import atomic_path
from leakguard.report.text import shown_in_json
from leakguard.sources.special import special_kind
from leakguard.sources.tables import identity, log_listing, table_kind

#: Version of the state file's layout; another one is not read (a full scan writes this one).
FORMAT = 2
#: The environment variable holding the state key (hex or base64).
ENV_VAR = "LEAKGUARD_STATE_KEY"
#: Suffix of the key file beside the state.
KEY_SUFFIX = ".key"
#: Schema metadata key holding the files' records.
METADATA_KEY = b"leakguard.state"
#: The findings of the state: the contract's fields but ``path``, and the event each came with.
FINDINGS_SCHEMA = pa.schema([*TABLE_FIELDS, pa.field("event", pa.int32(), nullable=False)])
_BLOCK = 1 << 20
_DIGEST_BYTES = 32


class StateError(Exception):
    """A state or state key that cannot be used; ``str()`` is one line, never holding key text."""


# --- keys and digests ------------------------------------------------------------------------------------


def key_path(state_path: str) -> str:
    return state_path + KEY_SUFFIX


def load_or_create_key(state_path: str, env: Mapping[str, str] = os.environ) -> tuple[bytes, bool]:
    """The state key (``$LEAKGUARD_STATE_KEY``, else the key file beside the state, created when missing)
    and whether it was just created. Raises :class:`StateError` for a key that cannot be used."""
    text = env.get(ENV_VAR, "").strip()
    if text:
        try:
            return keys.parse_key(text, ENV_VAR), False
        except keys.KeyProblem as problem:
            raise StateError(str(problem)) from None
    path = key_path(state_path)
    try:
        with open(path, encoding="utf-8") as handle:
            return keys.parse_key(handle.read(), path), False
    except FileNotFoundError:
        pass
    except keys.KeyProblem as problem:
        raise StateError(str(problem)) from None
    except OSError as error:
        raise StateError(f"{path}: cannot read the state key ({error.strerror})") from None
    key = keys.generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(keys.format_key(key) + "\n")
    except OSError as error:
        raise StateError(f"{path}: cannot write the state key ({error.strerror})") from None
    return key, True


def _keyed(key: bytes, purpose: bytes) -> hashlib.blake2b:
    return hashlib.blake2b(key=key, person=purpose[:16], digest_size=_DIGEST_BYTES)


def path_digest(path: str, key: bytes) -> str:
    """The keyed digest standing for a path in the state."""
    digest = _keyed(key, b"leakguard-path")
    digest.update(os.path.abspath(path).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def content_digest(path: str, key: bytes) -> str | None:
    """Keyed digest of a file's bytes, or of what a table directory's version is made of; ``None`` when it
    cannot be read (the scan then reports why), or is not a regular file (a named pipe is never opened)."""
    digest = _keyed(key, b"leakguard-data")
    if special_kind(path) is not None:
        return None
    try:
        if table_kind(path) is not None:
            digest.update(identity(path))
        else:
            with open(path, "rb") as handle:
                while block := handle.read(_BLOCK):
                    digest.update(block)
    except Exception:  # OSError, SourceError: unreadable now; the scan says why
        return None
    return digest.hexdigest()


@dataclass(frozen=True)
class Stamp:
    """What is compared before reading: size and modification time; for a table, its log's listing."""

    size: int
    mtime_ns: int
    listing: str | None = None


def stamp_of(path: str, key: bytes) -> Stamp | None:
    """The stamp of ``path`` now, or ``None`` when it cannot be looked at."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if table_kind(path) is None:
        return Stamp(stat.st_size, stat.st_mtime_ns)
    digest = _keyed(key, b"leakguard-log")
    digest.update(json.dumps([log_listing(path), getattr(path, "version", None)]).encode("utf-8", "surrogateescape"))
    return Stamp(0, 0, digest.hexdigest())


def scan_configuration(options: Any, *, allow: tuple[str, ...] = (), pseudonymised_columns: tuple[str, ...] = (),
                       baseline: str | None = None, inline: bool = True,
                       delta_version: int | None = None) -> dict[str, object]:
    """Everything besides a file that decides what its report says (compared through a keyed digest only)."""
    baseline_bytes = b""
    if baseline is not None:
        with contextlib.suppress(OSError), open(baseline, "rb") as handle:
            baseline_bytes = handle.read()
    return {
        "entities": sorted(options.entities) if options.entities is not None else None,
        "exclude_entities": sorted(options.exclude_entities),
        "min_score": options.min_score,
        "ner": options.ner,
        "column_hints": sorted((options.column_hints or {}).items()),
        "show_values": options.show_values,
        "allow": sorted(allow),
        "pseudonymised_columns": sorted(pseudonymised_columns),
        "baseline": hashlib.sha256(baseline_bytes).hexdigest() if baseline is not None else None,
        "inline": inline,
        "delta_version": delta_version,
    }


# --- the state -------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One file's results as the state keeps them."""

    stamp: Stamp
    digest: str
    records: int = 0
    bytes: int = 0
    seconds: float = 0.0
    cells: list[tuple[str | None, int]] = field(default_factory=list)
    not_text: list[tuple[str, int]] = field(default_factory=list)
    #: ``(event, row, message, fatal)``
    problems: list[tuple[int, int | None, str, bool]] = field(default_factory=list)
    findings: pa.Table = field(default_factory=FINDINGS_SCHEMA.empty_table)
    events: int = 0
    #: the file's exposure figures (:meth:`leakguard.report.exposure.Exposure.to_state`), when computed
    exposure: dict[str, Any] | None = None

    def to_json(self, path_key: str, first: int) -> dict[str, object]:
        return {"path": path_key, "size": self.stamp.size, "mtime_ns": self.stamp.mtime_ns,
                "listing": self.stamp.listing, "digest": self.digest, "records": self.records,
                "bytes": self.bytes, "seconds": self.seconds, "cells": self.cells, "not_text": self.not_text,
                "problems": self.problems, "events": self.events, "first": first,
                "count": self.findings.num_rows, "exposure": self.exposure}

    @classmethod
    def from_json(cls, item: dict[str, Any], findings: pa.Table) -> Entry:
        return cls(stamp=Stamp(item["size"], item["mtime_ns"], item["listing"]), digest=item["digest"],
                   records=item["records"], bytes=item["bytes"], seconds=item["seconds"],
                   cells=[(c, n) for c, n in item["cells"]], not_text=[(c, n) for c, n in item["not_text"]],
                   problems=[(e, r, m, f) for e, r, m, f in item["problems"]], events=item["events"],
                   findings=findings.slice(item["first"], item["count"]), exposure=item["exposure"])


@dataclass(frozen=True)
class Check:
    """What the state says of a file: its previous results when unchanged, and what to record if scanned."""

    unchanged: Entry | None
    stamp: Stamp | None
    digest: str | None


class ScanState:
    """The state of one sweep: read at the start (:meth:`open`), written at the end (:meth:`write`)."""

    def __init__(self, path: str, key: bytes, configuration: Mapping[str, object]):
        self.path = path
        self.key = key
        canonical = json.dumps({"leakguard": __version__, "format": FORMAT, **configuration}, sort_keys=True,
                               default=str)
        self.configuration = hmac.new(key, canonical.encode("utf-8", "surrogateescape"), "sha256").hexdigest()
        self.started_ns = time.time_ns()
        #: lines to say on standard error (why the state could not be used)
        self.notes: list[str] = []
        self._old: dict[str, Entry] = {}
        self._old_started_ns = 0
        self._new: dict[str, Entry] = {}
        self._source: pa.MemoryMappedFile | None = None
        #: whether this run's report shows exposure figures: a file recorded without them is read again
        self.needs_exposure = False

    @classmethod
    def open(cls, path: str, configuration: Mapping[str, object],
             env: Mapping[str, str] = os.environ) -> ScanState:
        """The state at ``path`` (none yet: an empty one); raises :class:`StateError` for an unusable key."""
        key, created = load_or_create_key(path, env)
        state = cls(path, key, configuration)
        if created and os.path.exists(path):
            state.notes.append(f"{path}: its key was missing (a new one is in {key_path(path)}); "
                               "scanning everything")
        else:
            state._load()
        return state

    def _load(self) -> None:
        if not os.path.exists(self.path):
            return
        why = None
        try:
            source = pa.memory_map(self.path)
            table = pa.ipc.open_file(source).read_all()
            meta = json.loads((table.schema.metadata or {})[METADATA_KEY])
            if meta.get("format") != FORMAT or meta.get("leakguard") != __version__:
                why = (f"written by leakguard {meta.get('leakguard')} (state format {meta.get('format')}); "
                       f"this is leakguard {__version__}")
            elif meta.get("key") != keys.fingerprint(self.key):
                why = "written with another state key"
            elif meta.get("configuration") != self.configuration:
                why = "the configuration changed (entities, scores, column hints, allow list, baseline...)"
            else:
                findings = table.select(FINDINGS_SCHEMA.names).cast(FINDINGS_SCHEMA)
                self._old = {item["path"]: Entry.from_json(item, findings) for item in meta["files"]}
                self._old_started_ns = int(meta["started_ns"])
                self._source = source
        except (OSError, pa.ArrowException, KeyError, TypeError, ValueError) as error:
            why = f"not a usable state file ({type(error).__name__})"
        if why is not None:
            self._old = {}
            self.notes.append(f"{self.path}: {why}; scanning everything")

    def owns(self, path: str) -> bool:
        """Whether ``path`` is this state's file or key (never scanned as data)."""
        for own in (self.path, key_path(self.path)):
            with contextlib.suppress(OSError):
                if os.path.abspath(path) == os.path.abspath(own) or os.path.samefile(path, own):
                    return True
        return False

    def check(self, path: str) -> Check:
        """Whether ``path`` changed since the last scan (reading it only when its stamp changed)."""
        stamp = stamp_of(path, self.key)
        if stamp is None:
            return Check(None, None, None)
        old = self._old.get(path_digest(path, self.key))
        if old is None or (self.needs_exposure and old.exposure is None):
            return Check(None, stamp, None)
        if old.stamp == stamp and (stamp.listing is not None or stamp.mtime_ns < self._old_started_ns):
            return Check(old, stamp, old.digest)
        digest = content_digest(path, self.key)
        if digest is not None and hmac.compare_digest(digest, old.digest):
            return Check(old, stamp, digest)
        return Check(None, stamp, digest)

    def carry(self, path: str, check: Check) -> None:
        """Keep the previous results of an unchanged file, with its stamp of now."""
        assert check.unchanged is not None and check.stamp is not None
        entry = check.unchanged
        self._new[path_digest(path, self.key)] = Entry(
            check.stamp, entry.digest, entry.records, entry.bytes, entry.seconds, entry.cells, entry.not_text,
            entry.problems, entry.findings, entry.events, entry.exposure)

    def events(self, entry: Entry) -> Iterator[pa.Table | tuple[int | None, str, bool]]:
        """The reporter events of an unchanged file, in their first order: findings tables and
        ``(row, message, fatal)`` problems (then give it the :meth:`stats`)."""
        problems = {event: (row, message, fatal) for event, row, message, fatal in entry.problems}
        findings = entry.findings
        event_of = findings.column("event").to_numpy() if findings.num_rows else None
        position = 0
        for event in range(entry.events):
            if event in problems:
                yield problems[event]
                continue
            end = position
            while event_of is not None and end < len(event_of) and event_of[end] == event:
                end += 1
            yield findings.slice(position, end - position).drop_columns(["event"])
            position = end

    @staticmethod
    def stats(entry: Entry, *, exposure: bool) -> Any:
        """The file's stats as the reporter gets them; with its exposure figures when ``exposure`` (and kept)."""
        from leakguard.report import FileStats
        from leakguard.report.exposure import Exposure

        figures = Exposure.from_state(entry.exposure) if exposure and entry.exposure is not None else None
        return FileStats(records=entry.records, cells_by_column=dict(entry.cells), bytes=entry.bytes,
                         seconds=entry.seconds, cells_not_text=dict(entry.not_text), exposure=figures)

    def recorder(self, reporter: Any) -> Recorder:
        """``reporter`` wrapped so that the files announced with :meth:`Recorder.expect` are recorded."""
        return Recorder(self, reporter)

    def write(self) -> None:
        """Write the state of this run (files scanned and unchanged), atomically."""
        tables, files, first = [], [], 0
        for path_key, entry in self._new.items():
            files.append(entry.to_json(path_key, first))
            tables.append(entry.findings)
            first += entry.findings.num_rows
        meta = {"format": FORMAT, "leakguard": __version__, "key": keys.fingerprint(self.key),
                "configuration": self.configuration, "started_ns": self.started_ns, "files": files}
        table = pa.concat_tables(tables) if tables else FINDINGS_SCHEMA.empty_table()
        table = table.replace_schema_metadata({METADATA_KEY: json.dumps(meta, separators=(",", ":"))})
        compressed = pa.ipc.IpcWriteOptions(compression="zstd")
        with (atomic_path(self.path) as temporary, pa.OSFile(temporary, "wb") as sink,
              pa.ipc.new_file(sink, table.schema, options=compressed) as writer):
            writer.write_table(table)
        self._old, self._new = {}, {}


class Recorder:
    """A reporter wrapper that records, for the state, the events of the files it was told to expect."""

    def __init__(self, state: ScanState, inner: Any):
        self._state = state
        self._inner = inner
        self._open: dict[str, Entry] = {}

    def expect(self, path: str, check: Check) -> None:
        """``path`` is about to be scanned; record its events if it can be recognised next time."""
        if check.stamp is not None and check.digest is not None:
            self._open[path] = Entry(check.stamp, check.digest)
        else:
            self._open.pop(path, None)

    def findings(self, path: str, findings: pa.Table) -> None:
        entry = self._open.get(path)
        if entry is not None and findings.num_rows:
            kept = findings.select([f.name for f in TABLE_FIELDS])
            kept = kept.set_column(kept.schema.get_field_index("column"), "column", _masked(kept["column"]))
            kept = kept.append_column("event", pa.array(np.full(kept.num_rows, entry.events, np.int32)))
            entry.findings = pa.concat_tables([entry.findings, kept.cast(FINDINGS_SCHEMA)])
            entry.events += 1
        self._inner.findings(path, findings)

    def problem(self, path: str, message: str, row: int | None = None, fatal: bool = False) -> None:
        entry = self._open.get(path)
        if entry is not None:
            if fatal:  # not read: try again next time
                del self._open[path]
            else:
                entry.problems.append((entry.events, row, message, fatal))
                entry.events += 1
        self._inner.problem(path, message, row, fatal=fatal)

    def file_done(self, path: str, stats: Any) -> None:
        entry = self._open.pop(path, None)
        if entry is not None:
            entry.records, entry.bytes, entry.seconds = stats.records, stats.bytes, stats.seconds
            entry.findings = entry.findings.combine_chunks()
            entry.cells = [(_mask_name(c), n) for c, n in stats.cells_by_column.items()]
            entry.not_text = [(_mask_name(c), n) for c, n in stats.cells_not_text.items()]
            entry.exposure = stats.exposure.to_state() if stats.exposure is not None else None
            self._state._new[path_digest(path, self._state.key)] = entry
        self._inner.file_done(path, stats)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _mask_name(name: str | None) -> str | None:
    return shown_in_json(name)


def _masked(columns: pa.ChunkedArray) -> pa.Array:
    """Column names as reports show them (identifiers masked), each distinct name masked once."""
    encoded = pc.dictionary_encode(columns.combine_chunks())
    names = [_mask_name(name) for name in encoded.dictionary.to_pylist()]
    return pa.DictionaryArray.from_arrays(encoded.indices, pa.array(names, pa.string())).cast(pa.string())
