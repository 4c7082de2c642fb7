"""Data frames in: any object that exports Arrow data through the Arrow PyCapsule stream protocol.

pandas (2.2+), polars, DuckDB relations, ``pyarrow.RecordBatchReader`` and many others export their data as
an Arrow C stream (``__arrow_c_stream__``, the `Arrow PyCapsule interface
<https://arrow.apache.org/docs/format/CDataInterface/PyCapsuleInterface.html>`_). The library's entry points
take them through this module:

* :func:`as_table` — the whole data as one ``pyarrow.Table`` (``scan_table``, ``pseudonymise_table``);
* :func:`as_batches` — the data as a stream of record batches, read one at a time (``scan_batches``,
  ``pseudonymise_batches``): a DuckDB query or a record batch reader is never read whole;
* :func:`like` — a pseudonymised table given back in the kind it came in where that is natural: a pandas
  DataFrame for a pandas DataFrame (index and dtypes restored from the pandas metadata), a polars DataFrame
  for a polars one; an Arrow table for everything else (a DuckDB relation is a query, not data: the table
  it returned, pseudonymised, can be queried by DuckDB by name).

Neither pandas nor polars is imported unless the data is theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

__all__ = ["ArrowData", "as_batches", "as_table", "exports_arrow", "like"]

#: What the entry points accept: a pyarrow Table, RecordBatch or RecordBatchReader, or any object exporting an
#: Arrow C stream.
ArrowData = Any


def exports_arrow(data: object) -> bool:
    """Whether ``data`` exports an Arrow C stream (or is a pandas DataFrame, which pyarrow converts)."""
    return hasattr(data, "__arrow_c_stream__") or _is_pandas(data)


def as_table(data: ArrowData, *, what: str = "the data") -> pa.Table | pa.RecordBatch:
    """``data`` as an Arrow table (a record batch is kept as it is: the callers take both)."""
    if isinstance(data, pa.Table | pa.RecordBatch):
        return data
    if isinstance(data, pa.RecordBatchReader):
        return data.read_all()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(data).read_all()
    if _is_pandas(data):  # pandas before 2.2 has no __arrow_c_stream__
        return pa.Table.from_pandas(data)
    raise TypeError(_unsupported(data, what))


def as_batches(data: ArrowData | Iterable[pa.RecordBatch | pa.Table], *,
               what: str = "the data") -> Iterator[pa.RecordBatch | pa.Table]:
    """``data`` as record batches, one at a time: an object exporting Arrow (read as a stream), or an iterable
    of record batches and tables (passed on as they are)."""
    if isinstance(data, pa.RecordBatch):
        yield data
        return
    if isinstance(data, pa.Table):
        yield from data.to_batches()
        return
    if isinstance(data, pa.RecordBatchReader):
        yield from data
        return
    if exports_arrow(data):
        table_or_reader = (pa.RecordBatchReader.from_stream(data) if hasattr(data, "__arrow_c_stream__")
                           else pa.Table.from_pandas(data))
        yield from as_batches(table_or_reader, what=what)
        return
    if not isinstance(data, Iterable) or isinstance(data, str | bytes):
        raise TypeError(_unsupported(data, what, stream=True))
    for item in data:
        if isinstance(item, pa.RecordBatch | pa.Table):
            yield item
        else:
            raise TypeError(f"{what} must yield pyarrow RecordBatch or Table objects, not {_kind(item)}")


def like(original: object, table: pa.Table) -> Any:
    """``table`` in the kind of ``original`` where natural: pandas and polars DataFrames; else ``table``."""
    if _is_pandas(original):
        return table.to_pandas()
    if _module(original) == "polars" and type(original).__name__ == "DataFrame":
        import polars

        return polars.from_arrow(table)
    return table


def _module(data: object) -> str:
    return type(data).__module__.partition(".")[0]


def _is_pandas(data: object) -> bool:
    return _module(data) == "pandas" and type(data).__name__ == "DataFrame"


def _kind(data: object) -> str:
    return f"{type(data).__module__}.{type(data).__qualname__}"


def _unsupported(data: object, what: str, *, stream: bool = False) -> str:
    accepted = "a pyarrow Table, RecordBatch or RecordBatchReader"
    if stream:
        accepted += ", an iterable of record batches"
    return (f"{what} is a {_kind(data)}; expected {accepted}, or an object exporting Arrow data "
            "(__arrow_c_stream__: pandas, polars, DuckDB relations...)")
