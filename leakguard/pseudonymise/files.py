"""Pseudonymisation of files, same format out as in: the driver of ``leakguard pseudonymise`` and ``reidentify``.

:func:`pseudonymise_file` reads a Parquet, Arrow IPC, ORC, CSV, JSON lines or text/log file or a plain SQL
dump (compressed with gzip, xz, bzip2 or zstd, or not) chunk by chunk with
:func:`leakguard.sources.open_source`, replaces what the detector finds with the operators of a
:class:`~leakguard.pseudonymise.operators.Policy`, and writes the same format
(:mod:`leakguard.pseudonymise.writers`, :mod:`leakguard.pseudonymise.dumps`). The output appears atomically
(:mod:`leakguard.pseudonymise.atomic`): after an error, an interruption or a failed verification there is no
output at all, and the input is only replaced when ``in_place=True``, itself atomically.

``verify=True`` scans the finished temporary file again before it is renamed into place, as a default
``leakguard scan`` does — every entity, NER included, whether or not the rewrite used NER, and the same column
hints; its records, then its column names and metadata; each table of a SQL dump on its own — and fails
(:class:`VerificationFailed`, no output) if an entity that was to be pseudonymised is still found. Entities
left alone by design are not verified: those the policy keeps (``keep``), and ``fpe`` NIRs, whose outputs are
valid NIRs on purpose. Dates of birth under ``generalise`` are verified to be generalised (day 01, and month
01 for ``generalise:year``, a month and year in January; or a year alone) rather than absent. What lies inside
pseudonyms (the e-mail recognizer reports ``EMAIL_…@example.invalid``; ``PERSON`` in ``nom=PERSON_…``) and a
civility left alone (``Mme`` before a name token, which the NER model may tag) are not identifiers
(:func:`~leakguard.pseudonymise.rewrite.outside_tokens`).

Before anything is written, a profile pass reads the input once to count each column's NIR-shaped values
(:func:`leakguard.scan.profile_source`; each table of a SQL dump has its own): every column gets one NIR
decision, on all its values, whatever the file's size and however its chunks fall.

:func:`reidentify_file` is the inverse of ``fpe``: it finds the NIRs of a file with the same detector and
decrypts each with the key, everything else left as it is, after checking the file's record of the key and
operator it was made with (:mod:`leakguard.pseudonymise.provenance`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect.engine import DetectOptions, Detector
from leakguard.detect.profile import NirProfile
from leakguard.pseudonymise import writers
from leakguard.pseudonymise.atomic import atomic_path, destination
from leakguard.pseudonymise.dates import parse_date
from leakguard.pseudonymise.dumps import write_dump
from leakguard.pseudonymise.fpe import FORMAT as FPE_FORMAT
from leakguard.pseudonymise.keys import fingerprint
from leakguard.pseudonymise.operators import (
    FpeOperator,
    KeepOperator,
    MaskOperator,
    Operator,
    Policy,
    _Inverse,
    check_operator,
)
from leakguard.pseudonymise.parallel import ParallelRewriter
from leakguard.pseudonymise.provenance import ReidentifyRefused, fpe_spec_for
from leakguard.pseudonymise.rewrite import (
    TOKEN_RE2,
    ChunkEdits,
    ChunkRewriter,
    Rewriter,
    cell_texts,
    detect_options,
    outside_tokens,
)
from leakguard.sources import Container, TablePath, open_source
from leakguard.sources.base import Chunk, LinePart, Problem, Source, SourceError
from leakguard.sources.flatten import SharedPath
from leakguard.sources.sniff import logical_extension
from leakguard.sources.sqldump import SqlDump
from leakguard.sources.streams import COMPRESSION_SUFFIXES
from leakguard.sources.tables import table_kind
from leakguard.workerserver import MIN_PARALLEL_BYTES

__all__ = ["PseudonymiseError", "ReidentifyRefused", "Report", "VerificationFailed", "pseudonymise_file",
           "reidentify_file"]

#: ``on_progress(path, records_so_far, bytes_of_input)``, as for :func:`leakguard.scan.scan_files`.
OnProgress = Callable[[str, int, int], None]
#: Operators whose outputs are not checked by ``verify``: the value is kept, or is a valid NIR on purpose.
UNVERIFIED_OPERATORS = ("keep", "fpe")
#: How many remaining findings :class:`VerificationFailed` lists (masked previews only).
EXAMPLES = 10
#: The key of :attr:`Report.column_values` for lines read as text: the lines of a text file, JSON lines that
#: are not JSON, CSV rows that could not be parsed (no column of the data can be named so).
TEXT_LINES = "\x00lines"


#: Why a container that is not a SQL dump is not pseudonymised, and what to do instead.
_NOT_REWRITTEN = {
    "workbook": "{src}: pseudonymising a workbook is not supported; export each sheet to CSV (Excel or "
                "LibreOffice: Save As, CSV UTF-8) and pseudonymise the CSV files",
    "database": "{src}: pseudonymising a database is not supported; dump it (pg_dump, sqlite3 .dump, "
                "mysqldump) and pseudonymise the dump, or export its tables to Parquet or CSV",
}


class PseudonymiseError(ValueError):
    """A usage problem: no destination, the destination is the input without ``in_place``, ..."""


@dataclass
class Remaining:
    """One finding left in an output by a failed verification (masked preview, never the value)."""

    row: int
    column: str | None
    entity: str
    preview: str
    #: the table of a SQL dump
    table: str | None = None


@dataclass
class Report:
    """What one file's pseudonymisation did."""

    source: str
    output: str
    format: str = ""
    compressed: bool = False
    #: the input's and output's compression (``gzip``, ``xz``, ``bzip2``, ``zstd``), if any
    compression: str | None = None
    records: int = 0
    #: spans (whole cells included) replaced, per entity
    replaced: Counter[str] = field(default_factory=Counter)
    #: spans found and kept (``keep`` operator), per entity
    kept: Counter[str] = field(default_factory=Counter)
    #: values that already were pseudonyms, left alone
    tokens: int = 0
    #: binary cells that are not UTF-8 text, per column: not scanned, written as they were
    not_text: Counter[str] = field(default_factory=Counter)
    #: values (cells, lines, names) rewritten per column, in the order met (``\x00names``: column names and
    #: metadata; :data:`TEXT_LINES`: lines read as text, a long line once however many windows it came in)
    column_values: Counter[str] = field(default_factory=Counter)
    #: spans replaced per column and entity
    column_entities: dict[str, Counter[str]] = field(default_factory=dict)
    #: records that could not be parsed (CSV rows of the wrong width, lines that are not JSON): kept as
    #: written but for the values found in their text and replaced (``Problem.as_text``)
    as_text: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    key_fingerprint: str = ""
    #: None: not verified; True: verified clean; False: verification failed (no output written)
    verified: bool | None = None
    #: entities verify does not check (``keep`` and ``fpe``)
    unverified: tuple[str, ...] = ()
    remaining: Counter[str] = field(default_factory=Counter)
    examples: list[Remaining] = field(default_factory=list)
    #: whether the long line whose windows are being collected was counted in ``column_values`` already
    _long_line_counted: bool = field(default=False, repr=False)

    def collect(self, item: ChunkEdits | Problem, records: int) -> None:
        if isinstance(item, Problem):
            self.problems.append(item)
            self.as_text += item.as_text
            return
        self.records += records
        self.replaced.update(item.replaced)
        self.kept.update(item.kept)
        self.tokens += item.tokens
        self.not_text.update(item.not_text)
        if item.part is not None and item.part.first:
            self._long_line_counted = False
        for name, edit in item.columns.items():
            changed = len(edit.changed)
            if not changed:
                continue
            if item.part is not None:  # a window: its line is one value, counted at its first change
                changed, self._long_line_counted = (0 if self._long_line_counted else 1), True
            key = TEXT_LINES if item.text else name
            self.column_values[key] += changed
            self.column_entities.setdefault(key, Counter()).update(edit.entities)

    @property
    def rows_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0


class VerificationFailed(Exception):
    """``verify=True`` found identifiers left in the output; the output was not written."""

    def __init__(self, report: Report):
        self.report = report
        counts = ", ".join(f"{entity} {count}" for entity, count in sorted(report.remaining.items()))
        super().__init__(f"{report.output}: verification failed, still detectable: {counts}; output not written")


def _target(src: str, dst: str | None, in_place: bool) -> str:
    if not os.path.isfile(src):
        # let the reader say what is wrong (missing, a directory, ...): open_source raises SourceError
        return dst if dst is not None else src
    if in_place:
        if dst is not None and not _same_file(src, dst):
            raise PseudonymiseError(f"--in-place rewrites {src} itself: give no OUT, or OUT equal to IN")
        return src
    if dst is None:
        raise PseudonymiseError("no output file: give OUT, or --in-place to replace the input")
    if _same_file(src, dst):
        raise PseudonymiseError(f"{dst} is the input file: use --in-place to replace it")
    if os.path.isdir(dst):
        raise PseudonymiseError(f"{dst} is a directory: give an output file name")
    if not os.path.isdir(os.path.dirname(os.path.abspath(dst))):
        raise PseudonymiseError(f"{dst}: the output directory does not exist")
    return dst


#: The formats an output's extension may hold (text names may hold any text format, and a JSON document
#: spread over lines is read as text); other extensions say nothing.
_NAMED_FORMATS = {".parquet": ("parquet",), ".pq": ("parquet",), ".arrow": ("arrow",), ".feather": ("arrow",),
                  ".arrows": ("arrow",), ".ipc": ("arrow",), ".orc": ("orc",), ".csv": ("csv",), ".tsv": ("csv",),
                  ".jsonl": ("jsonl",), ".ndjson": ("jsonl",), ".json": ("jsonl", "text"),
                  ".log": ("text", "csv", "jsonl"), ".txt": ("text", "csv", "jsonl")}
_FORMAT_NAMES = {"parquet": "Parquet", "arrow": "Arrow IPC", "orc": "ORC", "csv": "CSV", "jsonl": "JSON lines",
                 "text": "text"}
_EXTENSIONS = {"parquet": ".parquet", "arrow": ".arrow", "orc": ".orc", "csv": ".csv", "jsonl": ".jsonl",
               "text": ".log"}


def check_output_name(output: str, fmt: str, compression: str | None, source: str) -> None:
    """Refuse an output whose name says another format, or another compression, than the input's, which is
    the format written (``x.csv`` into ``out.parquet``, ``x.log.xz`` into ``out.log.gz``); a name that says
    nothing is accepted."""
    name = os.path.basename(output)
    wanted_suffix = COMPRESSION_SUFFIXES[compression] if compression is not None else ""
    suffix = next((s for s in COMPRESSION_SUFFIXES.values() if name.lower().endswith(s)), "")
    extension = logical_extension(name)
    allowed = _NAMED_FORMATS.get(extension)
    if allowed is not None and fmt not in allowed:
        own = logical_extension(source)
        wanted = own if fmt in _NAMED_FORMATS.get(own, ()) else _EXTENSIONS[fmt]
        stem = name[: len(name) - len(extension) - len(suffix)]
        raise PseudonymiseError(
            f"{output}: the output keeps the input's format ({_FORMAT_NAMES[fmt]}) but its name says "
            f"{_FORMAT_NAMES[allowed[0]]}; name it {stem}{wanted}{wanted_suffix}")
    if suffix != wanted_suffix:
        state = f"{compression}-compressed" if compression is not None else "not compressed"
        said = f"does not end in {wanted_suffix}" if not suffix else f"ends in {suffix}"
        raise PseudonymiseError(f"{output}: the output is {state}, as the input is, but its name {said}; "
                                f"name it {name[: len(name) - len(suffix)] + wanted_suffix}")


def _same_file(a: str, b: str) -> bool:
    if os.path.abspath(a) == os.path.abspath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _metadata(policy: Policy) -> dict[str, Any]:
    from leakguard import __version__

    return {"version": __version__, "operation": "pseudonymise", "policy": dict(policy.choices),
            "key_fingerprint": policy.fingerprint, "fpe_format": FPE_FORMAT}


def pseudonymise_file(src: str | os.PathLike[str], dst: str | os.PathLike[str] | None, key: bytes | Policy, *,
                      operators: Mapping[str, str] | None = None, ner: bool = True, in_place: bool = False,
                      verify: bool = False, on_progress: OnProgress | None = None,
                      batch_rows: int = 65_536, jobs: int = 1,
                      column_hints: Mapping[str, str] | None = None) -> Report:
    """Pseudonymise the file ``src`` into ``dst``, in the same format; return what was done.

    ``key`` is the master key or a ready :class:`Policy`; ``operators`` overrides the default operator per
    entity. ``column_hints`` are those of a scan (the project configuration's: ``{"c7": "FR_NIR"}``), for
    the rewrite and the verification. ``in_place=True`` replaces ``src`` itself (``dst`` None or equal to
    ``src``). ``jobs`` > 1 runs
    detection and operators in that many worker processes for Parquet, Arrow, ORC, CSV and text files of at
    least ``MIN_PARALLEL_BYTES`` (:mod:`leakguard.pseudonymise.parallel`; same output as one process). Raises
    :class:`~leakguard.sources.SourceError` when ``src`` cannot be read, :class:`PseudonymiseError` for a
    bad destination, :class:`VerificationFailed` when ``verify`` finds identifiers left (no output then).
    """
    policy = key if isinstance(key, Policy) else Policy(key, operators)
    if isinstance(key, Policy) and operators:
        raise PseudonymiseError("give either a Policy or a key with operators, not both")
    return _transform(os.fspath(src), None if dst is None else os.fspath(dst), policy,
                      options=detect_options(ner, column_hints), metadata=_metadata(policy), ner=ner,
                      in_place=in_place, verify=verify, on_progress=on_progress, batch_rows=batch_rows,
                      jobs=jobs)


class _Reidentify:
    """The policy of ``reidentify``: FR_NIR decrypted (fpe inverse), everything else kept."""

    def __init__(self, key: bytes, spec: str = "fpe"):
        self.fingerprint = fingerprint(key)
        _, _, arg = spec.partition(":")
        self._decrypt = _Inverse(FpeOperator("FR_NIR", key, arg or None))
        self._keep: dict[str, Operator] = {}

    def operator(self, entity: str) -> Operator:
        if entity == "FR_NIR":
            return self._decrypt
        return self._keep.setdefault(entity, KeepOperator(entity))


def reidentify_file(src: str | os.PathLike[str], dst: str | os.PathLike[str] | None, key: bytes, *,
                    in_place: bool = False, on_progress: OnProgress | None = None,
                    batch_rows: int = 65_536, force: bool = False, operator: str | None = None) -> Report:
    """The inverse of ``fpe``: every NIR found in ``src`` decrypted with ``key``; same format out; atomic.

    Only NIRs are looked for (no NER). A valid NIR that ``fpe`` never produced also "decrypts" to some other
    valid NIR, so the file's record of how it was made is checked first
    (:mod:`leakguard.pseudonymise.provenance`): :class:`ReidentifyRefused` when it names another key, another
    operator, or no record exists (CSV, JSON lines, text) and ``force`` is not set. ``operator`` is the
    ``fpe`` choice the file was made with (``"fpe:sex=random"``), for files that do not record it.
    """
    src, dst = os.fspath(src), None if dst is None else os.fspath(dst)
    if operator is not None:
        check_operator("FR_NIR", operator)
        if not operator.startswith("fpe"):
            raise PseudonymiseError(f"reidentify reverses fpe only, not {operator}")
    with open_source(src, batch_rows=batch_rows) as source:
        info = source.info if isinstance(source, Source) else None  # a dump's tables record nothing
        spec = fpe_spec_for(info, fingerprint(key), given=operator, force=force, path=src)
    policy = _Reidentify(key, spec)
    options = DetectOptions(ner=False, entities=frozenset({"FR_NIR"}), show_values=True, previews=False)
    metadata = {"operation": "reidentify", "key_fingerprint": policy.fingerprint}
    from leakguard import __version__

    metadata["version"] = __version__
    return _transform(src, dst, policy,  # type: ignore[arg-type]
                      options=options, metadata=metadata, ner=False, in_place=in_place, verify=False,
                      on_progress=on_progress, batch_rows=batch_rows)


def _transform(src: str, dst: str | None, policy: Policy, *, options: DetectOptions,
               metadata: dict[str, Any], ner: bool, in_place: bool, verify: bool,
               on_progress: OnProgress | None, batch_rows: int, jobs: int = 1) -> Report:
    target = destination(_target(src, dst, in_place))  # a symbolic link: the file it points to is rewritten
    started = time.perf_counter()
    report = Report(source=src, output=target, key_fingerprint=policy.fingerprint)
    try:
        size = os.path.getsize(src)
    except OSError:
        size = 0
    progress = None if on_progress is None else (lambda records: on_progress(src, records, size))
    if table_kind(src) is not None:  # its files are rewritten through its log, which this would bypass
        raise SourceError(src, "a Delta or Iceberg table directory",
                          "pseudonymise its data with leakguard.spark or on its Arrow batches (pseudonymise_batches)")
    with open_source(src, batch_rows=batch_rows) as source:
        if isinstance(source, Container):
            if not isinstance(source, SqlDump):
                message = _NOT_REWRITTEN.get(source.kind, _NOT_REWRITTEN["database"])
                raise PseudonymiseError(message.format(src=source.display))  # never the URI: it may hold a password
            report.format, report.compression = "sql", source.compression
            report.compressed = source.compression is not None
            # the profile pass, table by table: each column's NIR decision on all its values
            profiles = _dump_profiles(source, options)

            def table_rewriter(table: str) -> Rewriter:
                profile = profiles.get(table, NirProfile())
                return Rewriter(policy, detector=Detector(options, profile=profile, frozen_profile=True))

            with atomic_path(target, mode_from=src) as temporary:
                write_dump(source, temporary, table_rewriter, report.collect, progress)
                if verify:
                    _verify(temporary, target, policy, batch_rows, report, options.column_hints, dump=True)
            report.seconds = time.perf_counter() - started
            return report
        info = source.info
        report.format, report.compressed, report.compression = info.format, info.compressed, info.compression
        if not in_place:
            check_output_name(target, info.format, info.compression, src)
        # the profile pass: each column's NIR decision on all its values, before anything is written
        profile = _profile(source, options) if options.wants("FR_NIR") else NirProfile()

        def rewriter() -> Rewriter:
            return Rewriter(policy, detector=Detector(options, profile=profile, frozen_profile=True))

        with atomic_path(target, mode_from=src) as temporary, contextlib.ExitStack() as stack:
            if jobs > 1 and info.format != "jsonl" and size >= MIN_PARALLEL_BYTES:
                chunk_rewriter: ChunkRewriter = stack.enter_context(
                    ParallelRewriter(policy, jobs=jobs, profile=profile, options=options))
            else:
                chunk_rewriter = rewriter()
            try:
                _write(source, temporary, chunk_rewriter, rewriter, report.collect, metadata, progress)
            except SharedPath as error:
                raise PseudonymiseError(f"{info.path}: {error}") from None
            stack.close()  # workers stopped before the output is verified and moved in place
            if verify:
                _verify(temporary, target, policy, batch_rows, report, options.column_hints)
    report.seconds = time.perf_counter() - started
    return report


def _write(source: Source, temporary: str, chunk_rewriter: ChunkRewriter, rewriter: Callable[[], Rewriter],
           collect: writers.Collector, metadata: dict[str, Any], progress: writers.Progress | None) -> None:
    """Write the pseudonymised ``source`` into ``temporary`` with the writer of its format; ``rewriter`` makes
    the rewriters of column names and metadata, and of JSON lines."""
    fmt = source.info.format
    if fmt == "parquet":
        writers.write_parquet(source, temporary, chunk_rewriter, collect, metadata, progress, names=rewriter())
    elif fmt == "arrow":
        writers.write_arrow(source, temporary, chunk_rewriter, collect, metadata, progress, names=rewriter())
    elif fmt == "orc":
        writers.write_orc(source, temporary, chunk_rewriter, collect, progress, names=rewriter())
    elif fmt == "csv":
        writers.write_csv(source, temporary, chunk_rewriter, collect, progress, names=rewriter())
    elif fmt == "jsonl":
        # lines that are not JSON are scanned as text, by a detector of their own
        writers.write_jsonl(source, temporary, rewriter(), rewriter(), collect, progress)
    else:
        writers.write_text(source, temporary, chunk_rewriter, collect, progress)


def verify_options(column_hints: Mapping[str, str] | None = None) -> DetectOptions:
    """What ``--verify`` detects with: a default scan's detection (every entity, NER included), any score."""
    return DetectOptions(ner=True, show_values=True, column_hints=dict(column_hints) if column_hints else None)


def _sources(opened: Source | Container) -> Iterator[Source]:
    """The source itself, or each table of a container."""
    if not isinstance(opened, Container):
        yield opened
        return
    for table in opened.tables():
        if isinstance(table, SourceError):
            raise table
        yield table


def _profile(source: Source, options: DetectOptions) -> NirProfile:
    """The profile pass over ``source`` (:func:`leakguard.scan.profile_source`)."""
    from leakguard.scan import profile_source  # leakguard.scan needs leakguard.state, which needs this package

    return profile_source(source, options)


def _dump_profiles(dump: SqlDump, options: DetectOptions) -> dict[str, NirProfile]:
    """The profile pass of a SQL dump: each table's NIR counts (a table is a stream of its own)."""
    profiles: dict[str, NirProfile] = {}
    if options.wants("FR_NIR"):
        for source in dump.tables():
            if isinstance(source, SourceError):
                continue  # a truncated dump: the rewrite says so, and writes nothing
            name = str(source.info.extra.get("table"))
            profiles.setdefault(name, NirProfile()).merge(_profile(source, options))
    return profiles


def _verify(path: str, display: str, policy: Policy, batch_rows: int, report: Report,
            column_hints: Mapping[str, str] | None, *, dump: bool = False) -> None:
    """Scan the written output as a default scan does (each table of a ``dump`` on its own); raise
    VerificationFailed if identifiers remain."""
    unverified = sorted(e for e, spec in policy.choices.items() if spec.split(":")[0] in UNVERIFIED_OPERATORS)
    report.unverified = tuple(unverified)
    generalised: dict[str, bool] = {}
    from leakguard.scan import scan_path  # leakguard.scan needs leakguard.state, which needs this package

    options = verify_options(column_hints)
    if not dump:
        for item in scan_path(path, options=options, batch_rows=batch_rows, display_path=display):
            if not isinstance(item, Problem):
                _remaining(*item, unverified, policy, generalised, report, None)
    else:
        with SqlDump(path, batch_rows=batch_rows, display_path=display) as opened:
            for source in _sources(opened):
                table = source.info.extra.get("table")
                for item in scan_path(TablePath(source), options=options, batch_rows=batch_rows):
                    if not isinstance(item, Problem):
                        _remaining(*item, unverified, policy, generalised, report, table)
    report.verified = not report.remaining
    if report.remaining:
        raise VerificationFailed(report)


def _remaining(chunk: Chunk, findings: pa.Table, unverified: list[str], policy: Policy,
               generalised: dict[str, bool], report: Report, table: str | None) -> None:
    """Count in ``report`` the findings of an output that are identifiers left (not tokens, kept or fpe)."""
    if unverified and findings.num_rows:
        findings = findings.filter(pc.invert(pc.is_in(findings["entity"], pa.array(unverified, pa.string()))))
    if not findings.num_rows:
        return
    findings = findings.filter(pc.invert(pc.match_substring_regex(findings["value"], TOKEN_RE2)))
    # what lies inside pseudonyms, and a civility left alone before a name token ("Mme NAME_…"), is no name
    local = _in_window(findings, chunk.part)
    findings = outside_tokens(local, cell_texts(chunk, local))
    for row in findings.select(["row", "column", "entity", "value", "preview"]).to_pylist():
        entity = row["entity"]
        op = policy.operator(entity)
        if op.name == "mask" and _is_masked(row["value"], getattr(op, "keep", 0)):
            continue  # what mask writes on purpose: in a name column, "***ne" is still read as a name
        if op.name == "generalise":
            value = row["value"]
            ok = generalised.get(value)
            if ok is None:
                ok = generalised[value] = _is_generalised(value, getattr(op, "granularity", "year"))
            if ok:
                continue
        report.remaining[entity] += 1
        if len(report.examples) < EXAMPLES:
            report.examples.append(Remaining(row["row"], row["column"], entity, row["preview"], table))


def _in_window(findings: pa.Table, part: LinePart | None) -> pa.Table:
    """Findings of a window of a long line (offsets in the whole line) at their offsets in the window's text."""
    if part is None or part.offset == part.lead or findings.num_rows == 0:
        return findings
    for name in ("start", "end"):
        index = findings.schema.get_field_index(name)
        kind = findings.schema.field(index).type
        findings = findings.set_column(index, findings.schema.field(index),
                                       pc.subtract(findings[name], pa.scalar(part.offset - part.lead, kind)))
    return findings


def _is_masked(value: str, keep: int) -> bool:
    """Whether ``value`` is as ``mask:keep`` writes a value: letters and digits starred but the last ones, at
    most ``keep`` and at most half of them (:class:`~leakguard.pseudonymise.operators.mask.MaskOperator`)."""
    stars = value.count(MaskOperator.MASK)
    kept = [i for i, char in enumerate(value) if char.isalnum()]
    if not stars or (kept and MaskOperator.MASK in value[kept[0]:]):
        return False
    return len(kept) <= min(keep, (stars + len(kept)) // 2)


def _is_generalised(value: str, granularity: str) -> bool:
    written = parse_date(value, partial=True)  # a month and year too: "janvier 1961" (year), "mars 1961" (month)
    if written is None:
        return value.strip().isdigit()  # a year alone
    return written.date.day == 1 and (granularity == "month" or written.date.month == 1)
