"""Pseudonymised SQL dumps: the input byte for byte, but for the values replaced, each written as the dump writes it.

:func:`write_dump` reads a plain dump as :mod:`leakguard.sources.sqlscript` events: text that holds no row is
copied as it is; rows are gathered per table into chunks of ``batch_rows`` rows, typed as the scan types them
(:func:`leakguard.sources.sqldump.table_batch`), detected and rewritten by one
:class:`~leakguard.pseudonymise.rewrite.Rewriter` per table (made for that table's name: its column
decisions are the table's own), and each row is written back with only its changed
values re-encoded:

* ``COPY`` rows: the changed fields in the text format (``\\t``, ``\\n``, ``\\\\`` escaped, ``\\N`` for NULL);
  a value ``redact`` empties is an empty string in a column declared as text (``''`` in ``INSERT`` rows), NULL in
  others and where no ``CREATE TABLE`` says, so the dump restores into ``NOT NULL`` text columns;
* ``INSERT`` rows: the changed literals only, as the dump's tool quotes them (``'l''été'`` for PostgreSQL,
  ``E'...'`` strings keeping their backslash escapes, ``'l\\'été'`` for MySQL); an integer stays a bare
  number (integer columns get integer tokens), a date a quoted ISO date, an array an array literal quoted as
  PostgreSQL's ``array_out`` quotes it.

Every other byte — statements, comments, spacing, untouched rows and values — is the input's, so the output
restores wherever the input did (tested by restoring a pseudonymised ``pg_dump`` into PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import BinaryIO

import pyarrow as pa

from leakguard.pseudonymise.operators import OperatorProblem
from leakguard.pseudonymise.rewrite import ChunkEdits, Rewriter
from leakguard.pseudonymise.writers import TextEncoder, open_output
from leakguard.sources import rebuild_batch
from leakguard.sources.base import Chunk, Problem, SourceError
from leakguard.sources.flatten import flatten_batch, record_indices
from leakguard.sources.sqldump import SqlDump, cell_text, table_batch
from leakguard.sources.sqlscript import DumpTable, End, Rows, Verbatim
from leakguard.sources.sqlstatements import RowLexer, ValueSpan
from leakguard.sources.sqltext import copy_encode, mysql_string_encode, pg_string_encode

#: Called with each chunk's edits and record count, and with each problem met (for the report).
Collector = Callable[[ChunkEdits | Problem, int], None]
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def encode_literal(literal: ValueSpan, old: str, text: str | None, table: DumpTable, declared: str = "") -> str:
    """The literal that replaces ``old`` (of ``literal.kind``) to hold ``text`` in ``table``'s dialect;
    ``declared``: the column's declared type."""
    kind = literal.kind
    if text is None:  # redacted whole: a text column's string emptied (it restores into NOT NULL), else NULL
        if kind in ("n", "x", "h") or not _is_text_type(declared):  # a NOT NULL one is refused before
            return "NULL"
        text = ""
    if kind == "x" or (kind == "n" and _NUMBER.fullmatch(text)):
        return text  # a number stays bare; an expression is written as its new SQL text
    if kind == "h":
        digits = text.encode("utf-8").hex().upper()
        return f"0x{digits}" if old[:1] == "0" else f"'{digits}'"
    if table.dialect == "mysql":
        return mysql_string_encode(text)
    return pg_string_encode(text, escapes=kind == "e")


def rewrite_row(table: DumpTable, raw: str, texts: dict[int, str | None]) -> str:
    """The row ``raw`` of ``table`` with the values of columns ``texts`` replaced, everything else kept.

    Raises :class:`~leakguard.pseudonymise.operators.OperatorProblem` when a value redacted whole would be NULL
    in a column that refuses NULL (the dump would not restore).
    """
    for column, text in texts.items():
        if text is None and _required(table, column) and not _is_text_type(_declared(table, column)):
            raise OperatorProblem(f"redact cannot empty the column {table.columns[column]!r} of {table.name} "
                                  f"({_declared(table, column)}, NOT NULL); choose token, hmac or fpe for its "
                                  "entity")
    if table.style == "copy":
        ending = "\r\n" if raw.endswith("\r\n") else "\n" if raw.endswith("\n") else ""
        fields = raw[: len(raw) - len(ending)].split("\t")
        for column, text in texts.items():
            fields[column] = copy_encode("" if text is None and _is_text_type(_declared(table, column)) else text)
        return "\t".join(fields) + ending
    literals = RowLexer(table.dialect, table.escapes).literals(raw)
    for column in sorted(texts, key=lambda c: literals[c].start, reverse=True):
        literal = literals[column]
        new = encode_literal(literal, raw[literal.start : literal.end], texts[column], table,
                             _declared(table, column))
        raw = raw[: literal.start] + new + raw[literal.end :]
    return raw


def _declared(table: DumpTable, column: int) -> str:
    """The type ``table``'s ``CREATE TABLE`` declares for ``column``, ``""`` when none does."""
    return table.types[column] if column < len(table.types) else ""


def _required(table: DumpTable, column: int) -> bool:
    """Whether ``table``'s ``CREATE TABLE`` refuses NULL in ``column``."""
    return column < len(table.required) and table.required[column]


def _is_text_type(declared: str) -> bool:
    """Whether a column's declared type holds text (``text``, ``character varying(20)``, ``varchar``, ``char``):
    a value redacted whole is an empty string there, NULL in other columns."""
    return "char" in declared or "text" in declared


def _top_level(names: list[str], path: str) -> int:
    """Index of the column a flattened path (``telephones.0``) belongs to."""
    best = -1
    for index, name in enumerate(names):
        if (path == name or path.startswith(name + ".")) and (best < 0 or len(name) > len(names[best])):
            best = index
    return best


class _DumpWriter:
    """Writes events out, holding back the text that follows rows until their chunk is rewritten."""

    def __init__(self, out: BinaryIO, encoder: TextEncoder, make_rewriter: Callable[[str], Rewriter],
                 collect: Collector, progress: Callable[[int], None] | None, batch_rows: int):
        self.out, self.encoder = out, encoder
        self.make_rewriter, self.collect, self.progress = make_rewriter, collect, progress
        self.batch_rows = batch_rows
        self.rewriters: dict[str, Rewriter] = {}
        self.offsets: dict[str, int] = {}
        self.records = 0
        self.table: DumpTable | None = None
        self.pending: list[str | int] = []
        self.raw: list[str] = []
        self.values: list[list[str | None]] = []
        self.kinds: list[str] = []

    def text(self, text: str) -> None:
        if self.raw:
            self.pending.append(text)
        else:
            self.out.write(self.encoder.encode(text))

    def rows(self, event: Rows) -> None:
        for problem in event.problems:
            self.collect(problem, 0)
        if self.table is not None and event.table is not self.table:
            self.flush()
        self.table = event.table
        for i, raw in enumerate(event.raw):
            self.pending.append(len(self.raw))
            self.raw.append(raw)
            self.values.append(event.values[i])
            if event.kinds is not None:
                self.kinds.append(event.kinds[i])
            if len(self.raw) >= self.batch_rows:
                self.flush()

    def flush(self) -> None:
        new = self._rewrite() if self.raw else []
        encode = self.encoder.encode
        self.out.write(encode("".join(item if isinstance(item, str) else new[item] for item in self.pending)))
        self.pending, self.raw, self.values, self.kinds = [], [], [], []

    def _rewrite(self) -> list[str]:
        table = self.table
        assert table is not None
        batch = table_batch(table, self.values, self.kinds or None)
        start = self.offsets.get(table.name, 0)
        rows = record_indices(start, batch.num_rows)
        chunk = Chunk(columns=flatten_batch(batch, rows), rows=rows, batch=batch)
        rewriter = self.rewriters.get(table.name)
        if rewriter is None:
            rewriter = self.rewriters[table.name] = self.make_rewriter(table.name)
        edits = rewriter.edits(chunk)
        self.offsets[table.name] = start + batch.num_rows
        self.records += batch.num_rows
        self.collect(edits, batch.num_rows)
        if self.progress is not None:
            self.progress(self.records)
        if not edits.columns:
            return self.raw
        new_batch = rebuild_batch(batch, edits.replacements())
        cells = {column.name: column for column in chunk.columns}
        names = batch.schema.names
        changed: dict[int, set[int]] = {}
        for path, edit in edits.columns.items():
            column = _top_level(names, path)
            records = cells[path].rows.take(pa.array(edit.changed)).to_numpy() - start
            for row in records.tolist():
                changed.setdefault(row, set()).add(column)
        out = list(self.raw)
        for row, columns in changed.items():
            texts = {column: cell_text(new_batch.column(column)[row].as_py()) for column in columns}
            out[row] = rewrite_row(table, self.raw[row], texts)
        return out


def write_dump(dump: SqlDump, out_path: str, make_rewriter: Callable[[str], Rewriter], collect: Collector,
               progress: Callable[[int], None] | None = None) -> None:
    """``dump`` pseudonymised into ``out_path`` (compressed as the input is), in the input's encoding;
    ``make_rewriter(table)`` gives the rewriter of each table.

    Raises :class:`SourceError` for a truncated dump (the output is then incomplete: write it atomically).
    """
    encoder = TextEncoder(dump.encoding)
    with open_output(out_path, compression=dump.compression) as out:
        out.write(encoder.bom)
        writer = _DumpWriter(out, encoder, make_rewriter, collect, progress, dump.batch_rows)
        for event in dump.events():
            if isinstance(event, Verbatim):
                writer.text(event.text)
            elif isinstance(event, Rows):
                writer.rows(event)
            elif isinstance(event, End) and not event.complete:
                raise SourceError(dump.display, "truncated dump: the dump tool's closing comment is missing",
                                  "the file is incomplete; nothing was written")
        writer.flush()


__all__ = ["encode_literal", "rewrite_row", "write_dump"]
