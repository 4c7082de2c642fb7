"""The JSON text of findings, made for a whole findings table at once with Arrow kernels.

A dict per finding and one ``json.dumps`` each cost about 8 µs a finding in Python; a 10^5-row beneficiary
export holds 1.4 million findings, so the ``json`` and ``jsonl`` reports spent ten seconds in the main
process writing them, a serial part no worker could take. :func:`finding_texts` gives, for each finding, the
very text :func:`leakguard.report.base.dumps` gives for its dict (:func:`leakguard.report.summary.finding_dicts`):
strings escaped as Python's ``json`` does with ``ensure_ascii=False`` (``"`` and ``\\`` in Arrow, the rare
control characters value by value), fields with few distinct values (column names, entities, scores) encoded
once per value.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.errors import OutputError
from leakguard.report.base import dumps
from leakguard.report.text import shown_in_json

#: The contract fields of a finding, in the order of the JSON objects (``path`` before them).
FIELDS = ("row", "column", "start", "end", "entity", "score", "preview")
_CONTROL = r"[\x00-\x1f]"
#: Texts joined in one Arrow call by :func:`joined`.
_JOINED = 100_000


def json_strings(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    r"""Each string of ``values`` as a JSON literal, ``null`` where null: what :func:`dumps` writes for it.

    >>> print(*json_strings(pa.array(['a "b" \\ c', "é\tf", None])).to_pylist())
    "a \"b\" \\ c" "é\tf" null
    """
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    control = pc.fill_null(pc.match_substring_regex(values, _CONTROL), False)
    if pc.any(control).as_py():
        where = np.flatnonzero(control.to_numpy(zero_copy_only=False))
        texts = [dumps(text)[1:-1] for text in values.take(pa.array(where)).to_pylist()]
        escaped = pc.replace_with_mask(escaped, control, pa.array(texts, pa.string()))
    return pc.fill_null(pc.binary_join_element_wise('"', escaped, '"', ""), "null")


def _each_distinct(values: pa.ChunkedArray, text: Callable[[object], str]) -> pa.Array:
    """``text`` of each value, computed once per distinct value (null included)."""
    encoded = pc.dictionary_encode(values.combine_chunks(), null_encoding="encode")
    texts = pa.array([text(value) for value in encoded.dictionary.to_pylist()], pa.string())
    return texts.take(encoded.indices)


def finding_texts(path: str, findings: pa.Table, *, with_values: bool, head: dict[str, object] | None = None,
                  tail: dict[str, object] | None = None) -> pa.Array:
    """The JSON object of each finding: ``head``'s fields, ``path`` and the contract fields (``value`` only
    with ``with_values``; the path and column names masked unless values are asked for), ``tail``'s fields.

    >>> from leakguard.findings import TABLE_SCHEMA
    >>> table = pa.table({"row": [3], "column": ["note"], "start": [0], "end": [5], "entity": ["PERSON"],
    ...                   "score": [0.85], "preview": ["J•••"], "value": [None]}, schema=TABLE_SCHEMA)
    >>> print(*finding_texts("a.csv", table, with_values=False, head={"type": "finding"}).to_pylist())
    ... # doctest: +NORMALIZE_WHITESPACE
    {"type": "finding", "path": "a.csv", "row": 3, "column": "note", "start": 0, "end": 5, "entity": "PERSON",
     "score": 0.85, "preview": "J•••"}
    """
    if not findings.num_rows:
        return pa.array([], pa.string())
    names = [*FIELDS, "value"] if with_values and "value" in findings.column_names else list(FIELDS)
    shown = dumps(shown_in_json(path, path=True, show_values=with_values))
    pieces: list[pa.Array | str] = ["{" + "".join(f"{dumps(k)}: {dumps(v)}, " for k, v in (head or {}).items())
                                    + f'"path": {shown}']
    for name in names:
        column = findings[name]
        if name in ("row", "start", "end"):
            text = pc.cast(column.combine_chunks(), pa.string())
        elif name == "column":
            text = _each_distinct(column, lambda value: dumps(shown_in_json(value, show_values=with_values)))
        elif name in ("entity", "score"):
            text = _each_distinct(column, dumps)
        else:
            text = json_strings(column)
        pieces += [f", {dumps(name)}: ", text]
    pieces.append("".join(f", {dumps(k)}: {dumps(v)}" for k, v in (tail or {}).items()) + "}")
    return pc.binary_join_element_wise(*pieces, "")


def joined(texts: pa.Array, separator: str) -> str:
    r"""``separator.join(texts)``, joined in Arrow.

    >>> joined(pa.array(["{}", "[]", "1"]), ", ")
    '{}, [], 1'
    """
    return separator.join(part.to_pybytes().decode("utf-8") for part in _joined_parts(texts, separator))


def write_joined(texts: pa.Array, separator: str, out: TextIO, end: str = "") -> None:
    r"""Write ``separator.join(texts) + end`` to ``out``: as the UTF-8 bytes Arrow holds when ``out`` is a UTF-8
    text file (not decoded to a Python string and encoded again), else as text.

    >>> import io
    >>> out = io.StringIO()
    >>> write_joined(pa.array(['{"a": 1}', '{"b": "é"}']), "\n", out, end="\n")
    >>> out.getvalue()
    '{"a": 1}\n{"b": "é"}\n'
    """
    raw = _utf8_buffer(out)
    if raw is None:
        out.write(joined(texts, separator) + end)
        return
    out.flush()  # what the text layer holds goes first
    between = separator.encode("utf-8")
    for n, part in enumerate(_joined_parts(texts, separator)):
        if n:
            raw.write(between)
        raw.write(memoryview(part))
    raw.write(end.encode("utf-8"))


def _joined_parts(texts: pa.Array, separator: str) -> Iterator[pa.Buffer]:
    """The UTF-8 bytes of ``texts`` joined by ``separator``, in slices (one Arrow string holds less than
    2 GiB): ``separator`` also goes between two parts."""
    for start in range(0, len(texts), _JOINED):
        part = texts.slice(start, _JOINED)
        whole = pa.ListArray.from_arrays(pa.array([0, len(part)], pa.int32()), part)
        yield pc.binary_join(whole, separator)[0].as_buffer()


class SpoolError(OutputError):
    """The temporary file of :class:`Spool` could not be written: one line naming its directory."""

    def __str__(self) -> str:
        return f"{super().__str__()}; the json report's temporary file (TMPDIR sets its directory)"


class Spool:
    """JSON texts set aside while a scan runs, one a line in an anonymous temporary file, and copied into the
    document at its end: the ``json`` report then holds neither the findings nor their text in memory, and
    writes their text while the workers scan instead of after them."""

    #: Bytes copied at a time into the document.
    BLOCK = 8 * 1024 * 1024

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._size = 0

    def add(self, texts: pa.Array) -> tuple[int, int]:
        """Set ``texts`` aside; the range to :meth:`copy` them from."""
        try:
            return self._add(texts)
        except OSError as error:
            raise SpoolError(tempfile.gettempdir(), error) from error

    def _add(self, texts: pa.Array) -> tuple[int, int]:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="leakguard-")  # noqa: SIM115 (closed by close())
        start = self._size
        for data in _joined_parts(texts, "\n"):
            self._file.seek(self._size)
            self._file.write(data)
            self._file.write(b"\n")
            self._size += data.size + 1
        return start, self._size

    def copy(self, span: tuple[int, int], out: TextIO, separator: str) -> None:
        """Write the texts of ``span`` to ``out``, ``separator`` between them (as bytes when ``out`` is a UTF-8
        text file: the texts are not decoded and encoded again)."""
        assert self._file is not None
        raw = _utf8_buffer(out)
        if raw is not None:
            out.flush()
        start, end = span
        carry, first, between = b"", True, separator.encode("utf-8")
        while start < end:
            data = self._read(start, min(self.BLOCK, end - start))
            start += len(data)
            block = carry + data
            cut = block.rfind(b"\n") + 1  # whole lines only: a text holds no newline (JSON escapes them)
            if not cut:
                carry = block
                continue
            carry = block[cut:]
            lines = (b"" if first else between) + block[: cut - 1].replace(b"\n", between)
            if raw is not None:
                raw.write(lines)
            else:
                out.write(lines.decode("utf-8"))
            first = False

    def _read(self, start: int, size: int) -> bytes:
        assert self._file is not None
        try:
            self._file.seek(start)  # writes what is still buffered first
            return self._file.read(size)
        except OSError as error:
            raise SpoolError(tempfile.gettempdir(), error) from error

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _utf8_buffer(out: TextIO) -> IO[bytes] | None:
    """The binary file under ``out`` when ``out`` writes UTF-8 to one (a file, standard output) and leaves
    ``\n`` as it is, else None."""
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    buffer = getattr(out, "buffer", None)
    same = encoding == "utf8" and getattr(out, "errors", "strict") == "strict" and os.linesep == "\n"
    return buffer if same and buffer is not None else None
