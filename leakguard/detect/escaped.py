"""Identifiers written inside escapes: percent-encoded, as URLs and form bodies carry them; between terminal
colour codes, as coloured logs written to files hold them.

A web server's access log writes the query string as the browser sent it: ``email=jean.dupont%40free.fr``,
``tel=06%2012%2034%2056%2078``, ``/assures%2F185057800608491``; the same text sits in referrer columns and
in proxies' and gateways' logs. Read as written, the ``@`` of the e-mail and the spaces of the phone are not
there, and ``%2F`` glues hexadecimal digits to a NIR: the recognizers see nothing.

A JSON payload in a log line, as ``json.dumps`` (``ensure_ascii``), Jackson's ``ESCAPE_NON_ASCII`` and many
loggers write it, escapes every accented letter: ``"nom": "Lef\\u00e8vre"``. Read as written, the name stops at
the escape (``Lef``) and a replacement would leave ``\\u00e8vre``; read decoded, it is ``Lefèvre``, and the
findings of the text as written that such a finding holds give way to it.

A logger that colours its output writes ``nir=\x1b[1m<NIR>\x1b[0m`` (ECMA-48 SGR sequences, ``ESC [ ... m``):
the ``m`` glued to the digits hides the number as well.

Cells holding a ``%XX`` escape, a query string with a ``+``, an ``ESC [`` sequence or a ``\\uXXXX`` escape
are read a second time decoded (``%XX`` sequences as UTF-8, ``+`` as a space, as
``application/x-www-form-urlencoded`` has it, ``\\uXXXX`` as JSON has it, ECMA-48 control sequences as
nothing; the escapes that decoding writes, from a ``%25``, decoded again, for a URL encoded twice) by the same
detector; each finding of the decoded text is moved back to the characters of the cell that encode it, so
that reports point at the written text and ``pseudonymise`` replaces the encoded span (with the pseudonym of
the decoded value: one token per person, encoded or not). A finding of the text as written that takes in
the characters of a control sequence (the ``36m`` of ``ESC[36m`` glued to an e-mail's local part) is dropped
(:func:`written_giving_way`): no identifier holds them, the decoded text has the value on its own
characters, and replacing the longer span would destroy the colour code.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect.pool import RegexPool
from leakguard.sources.base import CellColumn, Chunk

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from leakguard.detect.engine import Detector
    from leakguard.detect.profile import NirProfile

#: What makes a ``+`` a space: a percent escape or a query-string value (a cell of colour codes alone too).
_PLUS_RE2 = r"%[0-9A-Fa-f]{2}|[?&][^=&\s]+=[^&\s]*\+|\x1b\["
_PLUS_RE = re.compile(_PLUS_RE2)
#: RE2: a cell holding a percent escape, or a query-string value with a ``+`` (a space, as forms send it), a
#: colour code, or a JSON ``\\uXXXX`` escape.
ESCAPE_RE2 = _PLUS_RE2 + r"|\\u[0-9A-Fa-f]{4}"
#: ECMA-48 control sequence: ESC [, parameter and intermediate bytes, one final byte.
_CSI = "\x1b\\[[0-?]*[ -/]*[@-~]"
_UNICODE = r"(?:\\u[0-9A-Fa-f]{4})+"
_RUN = re.compile(rf"(?:%[0-9A-Fa-f]{{2}})+|{_UNICODE}|\+|{_CSI}")
_RUN_NO_PLUS = re.compile(rf"{_UNICODE}|{_CSI}")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
#: How many times a text is percent-decoded at most: a URL in a URL in a URL.
PERCENT_LEVELS = 3
_CONTROL = re.compile(_CSI)


def decode(text: str) -> tuple[str, list[int], list[int]] | None:
    """``text`` decoded, and for each decoded character the span of ``text`` it comes from (starts, ends);
    None when nothing changes. A run of escapes that is not UTF-8 is kept as written.

    A URL carried in another URL's query string is often encoded twice (``email%3Djean%2540free.fr``: the
    ``%`` of ``%40`` written ``%25``): the ``%XX`` escapes that the decoding wrote are decoded again, up to
    :data:`PERCENT_LEVELS` times (``+`` and colour codes once: a ``%2B`` is a plus sign).
    """
    decoded = _decode_once(text, _RUN if _PLUS_RE.search(text) else _RUN_NO_PLUS)
    if decoded is None:
        return None
    out, starts, ends = decoded
    level = decoded
    for _ in range(PERCENT_LEVELS - 1):
        # only a "%" that an escape wrote (a "%25") starts an escape of the next level
        if not any(char == "%" and end - start > 1 for char, start, end in zip(*level)):
            break
        level = _decode_once(out, _PERCENT)
        if level is None:
            break
        out = level[0]
        starts, ends = [starts[i] for i in level[1]], [ends[i - 1] for i in level[2]]
    return out, starts, ends


def _decode_once(text: str, runs: re.Pattern[str]) -> tuple[str, list[int], list[int]] | None:
    """One level of :func:`decode`: the ``runs`` of ``text`` decoded, with where each character comes from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    changed = False
    for match in runs.finditer(text):
        for i in range(at, match.start()):
            out.append(text[i])
            starts.append(i)
            ends.append(i + 1)
        run = match.group()
        if run == "+":
            pieces = [(" ", match.start(), match.end())]
        elif run.startswith("\x1b"):
            pieces = []  # a colour code: nothing of the text
            changed = True
        elif run.startswith("\\"):
            pieces = _unicode_run(run, match.start())
        else:
            pieces = _decoded_run(run, match.start())
        changed = changed or any(piece != text[start:end] for piece, start, end in pieces)
        for piece, start, end in pieces:
            out.append(piece)
            starts.append(start)
            ends.append(end)
        at = match.end()
    if not changed:
        return None
    for i in range(at, len(text)):
        out.append(text[i])
        starts.append(i)
        ends.append(i + 1)
    return "".join(out), starts, ends


def _decoded_run(run: str, offset: int) -> list[tuple[str, int, int]]:
    """The characters of a run of ``%XX`` escapes starting at ``offset``, each with the escapes it spans."""
    data = bytes.fromhex(run.replace("%", ""))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [(c, offset + i, offset + i + 1) for i, c in enumerate(run)]
    pieces = []
    at = 0
    for char in text:
        size = len(char.encode("utf-8"))
        pieces.append((char, offset + 3 * at, offset + 3 * (at + size)))
        at += size
    return pieces


def _unicode_run(run: str, offset: int) -> list[tuple[str, int, int]]:
    """The characters of a run of JSON ``\\uXXXX`` escapes starting at ``offset`` (a surrogate pair is one
    character of 12), each with the escapes it spans; a lone surrogate is kept as written."""
    units = [int(run[i + 2:i + 6], 16) for i in range(0, len(run), 6)]
    pieces = []
    i = 0
    while i < len(units):
        start = offset + 6 * i
        unit = units[i]
        if 0xD800 <= unit < 0xDC00 and i + 1 < len(units) and 0xDC00 <= units[i + 1] < 0xE000:
            char = chr(0x10000 + ((unit - 0xD800) << 10) + (units[i + 1] - 0xDC00))
            pieces.append((char, start, start + 12))
            i += 2
            continue
        if 0xD800 <= unit < 0xE000:
            pieces.extend((c, start + j, start + j + 1) for j, c in enumerate(run[6 * i:6 * i + 6]))
        else:
            pieces.append((chr(unit), start, start + 6))
        i += 1
    return pieces


def _string_columns(chunk: Chunk) -> Iterator[tuple[CellColumn, pa.Array]]:
    """The string columns of ``chunk``, each with its values (a dictionary column decoded)."""
    for column in chunk.columns:
        values = column.values
        if pa.types.is_dictionary(values.type):
            values = values.dictionary_decode()
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            yield column, values


def decoded_chunk(chunk: Chunk) -> tuple[Chunk, dict[tuple[int, str], tuple[list[int], list[int]]]] | None:
    """The cells of ``chunk`` that hold an escape (:data:`ESCAPE_RE2`), decoded, as a chunk of their own; and for each
    (record, column), where each decoded character was written. None when no cell holds an escape."""
    if chunk.part is not None:
        return None  # a window of a long line: left as written
    columns: list[CellColumn] = []
    places: dict[tuple[int, str], tuple[list[int], list[int]]] = {}
    context = None
    strings = list(_string_columns(chunk))
    # one RE2 pass over every string column at once (its compiling would grow with the columns of a wide table)
    pool = RegexPool([values for _, values in strings])
    for part, (column, values) in enumerate(strings):
        positions = np.flatnonzero(pool.match(part, None, ESCAPE_RE2))
        if not len(positions):
            continue
        texts, rows, kept = [], [], []
        for position, text, row in zip(positions.tolist(), values.take(pa.array(positions)).to_pylist(),
                                       column.rows.take(pa.array(positions)).to_pylist()):
            decoded = decode(text)
            if decoded is None:
                continue
            texts.append(decoded[0])
            rows.append(row)
            kept.append(position)
            places[(row, column.name)] = (decoded[1], decoded[2])
        if texts:
            columns.append(CellColumn(column.name, pa.array(texts, pa.string()), pa.array(rows, pa.int64())))
            if chunk.text and chunk.context is not None:
                context = chunk.context.take(pa.array(kept))
    if not columns:
        return None
    rows = pa.array(sorted({row for column in columns for row in column.rows.to_pylist()}), pa.int64())
    return Chunk(columns, rows, text=chunk.text, context=context), places


def decoded_findings(detector: Detector, chunk: Chunk, counts: NirProfile) -> pa.Table | None:
    """Findings of the decoded cells of ``chunk``, at the places of the cells that encode them (their NIR
    counts added to ``counts``); None when no cell holds an escape."""
    decoded = decoded_chunk(chunk)
    if decoded is None:
        return None
    sub, places = decoded
    found, sub_counts = detector.detect_raw(sub, decoded=False)
    counts.merge(sub_counts)
    if found.num_rows == 0:
        return None
    name = chunk.columns[0].name if chunk.text else None
    starts, ends = [], []
    for row, column, start, end in zip(found["row"].to_pylist(), found["column"].to_pylist(),
                                       found["start"].to_pylist(), found["end"].to_pylist()):
        first, last = places[(row, name if column is None else column)]
        starts.append(first[start])
        ends.append(last[end - 1])
    for field, values in (("start", starts), ("end", ends)):
        index = found.schema.get_field_index(field)
        found = found.set_column(index, found.schema.field(index), pa.array(values, pa.int32()))
    return found


def decoded_counts(detector: Detector, chunk: Chunk) -> NirProfile | None:
    """The NIR counts of the decoded cells of ``chunk``, as :func:`decoded_findings` adds them."""
    decoded = decoded_chunk(chunk)
    return None if decoded is None else detector.count(decoded[0], decoded=False)


def written_giving_way(tables: list[pa.Table], chunk: Chunk, decoded: pa.Table) -> list[pa.Table]:
    """Findings of ``chunk`` as written (``tables``) without those that give way to the ``decoded`` ones: a span
    that overlaps an ECMA-48 control sequence of its cell, and a span inside a longer finding of the decoded
    text (an escape cut the value there: ``Lef`` of ``Lef\\u00e8vre``, whose decoded text holds ``Lefèvre``)."""
    controls, held = _control_spans(chunk), _spans(decoded)
    return [_without(_without(t, controls, _overlaps), held, _inside_longer) for t in tables]


def _control_spans(chunk: Chunk) -> dict[tuple[int, str | None], list[tuple[int, int]]]:
    """The spans of the ECMA-48 control sequences of each cell of ``chunk`` that holds one, by (row, column)."""
    text_name = chunk.columns[0].name if chunk.text else None
    controls: dict[tuple[int, str | None], list[tuple[int, int]]] = {}
    for column, values in _string_columns(chunk):
        has = np.flatnonzero(pc.fill_null(pc.match_substring(values, "\x1b["), False).to_numpy(zero_copy_only=False))
        if not len(has):
            continue
        positions = pa.array(has)
        for row, text in zip(column.rows.take(positions).to_pylist(), values.take(positions).to_pylist()):
            controls[(row, column.name)] = [match.span() for match in _CONTROL.finditer(text)]
            if column.name == text_name:
                controls[(row, None)] = controls[(row, column.name)]  # a text's findings name no column
    return controls


def _spans(findings: pa.Table) -> dict[tuple[int, str | None], list[tuple[int, int]]]:
    """The spans of ``findings`` by (row, column)."""
    spans: dict[tuple[int, str | None], list[tuple[int, int]]] = {}
    for row, column, start, end in zip(*(findings[c].to_pylist() for c in ("row", "column", "start", "end"))):
        spans.setdefault((row, column), []).append((start, end))
    return spans


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    return start < other_end and other_start < end


def _inside_longer(start: int, end: int, outer_start: int, outer_end: int) -> bool:
    return outer_start <= start and end <= outer_end and outer_end - outer_start > end - start


def _without(findings: pa.Table, spans: dict[tuple[int, str | None], list[tuple[int, int]]],
             drops: Callable[[int, int, int, int], bool]) -> pa.Table:
    """``findings`` without those whose span ``drops`` for a span of ``spans`` in the same cell; only the
    findings of the rows in ``spans`` are looked at one by one."""
    if not spans or findings.num_rows == 0:
        return findings
    rows = pa.array(sorted({row for row, _ in spans}), findings.schema.field("row").type)
    candidates = np.flatnonzero(pc.is_in(findings["row"], value_set=rows).to_numpy(zero_copy_only=False))
    if not len(candidates):
        return findings
    picked = findings.take(pa.array(candidates))
    keep = np.ones(findings.num_rows, dtype=bool)
    for at, row, name, start, end in zip(candidates.tolist(),
                                         *(picked[c].to_pylist() for c in ("row", "column", "start", "end"))):
        keep[at] = not any(drops(start, end, start_, end_) for start_, end_ in spans.get((row, name), ()))
    return findings if keep.all() else findings.filter(pa.array(keep))
