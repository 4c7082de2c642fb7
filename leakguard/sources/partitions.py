"""Hive-style partitions: ``year=2024/month=02/part-0.parquet`` holds records whose ``year`` is ``2024``.

Spark, Hive, pyarrow and most lake writers store a partitioned table as one directory per partition value,
named ``KEY=VALUE``, and leave the partition columns out of the files. A record's partition values are
still data about it (a table partitioned by ``date_naissance`` or by ``nir`` keeps those values only in
directory names), so :func:`with_partitions` gives each record of such a file its partition values as
columns: a NIR there is found in every record of the partition, counted in the exposure like any column.

Values are decoded as Hive writes them (``%3A`` escapes), ``__HIVE_DEFAULT_PARTITION__`` is a null; a column
that the file itself holds is not added again. Text and log files are lines, not records with columns: their
partition values are only seen in their path (:mod:`leakguard.detect.names`). Partitions are per file, so
each file stays a unit of its own (its column decisions, its incremental state, its worker).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from urllib.parse import unquote

import numpy as np
import pyarrow as pa

from leakguard.sources.base import CellColumn, Chunk, Problem, Source

#: How Hive writes a null partition value.
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
_KEY_VALUE = re.compile(r"^([^=]+)=(.*)$", re.S)


def partition_values(path: str) -> list[tuple[str, str | None]]:
    """``(key, value)`` of each ``KEY=VALUE`` directory of ``path``, outermost first (the file name aside).

    >>> partition_values("lake/events/year=2024/month=02/part-0.parquet")
    [('year', '2024'), ('month', '02')]
    >>> partition_values("lake/city=Saint%20Denis/country=__HIVE_DEFAULT_PARTITION__/a.csv")
    [('city', 'Saint Denis'), ('country', None)]
    """
    found: dict[str, str | None] = {}
    for part in re.split(r"[/\\]" if os.sep == "\\" else "/", os.path.dirname(str(path))):
        match = _KEY_VALUE.match(part)
        if match is not None:
            value = unquote(match.group(2))
            found[unquote(match.group(1))] = None if value == HIVE_NULL else value
    return list(found.items())


class PartitionedSource(Source):
    """Another source's chunks, each record given its partition values as columns."""

    def __init__(self, inner: Source, values: list[tuple[str, str | None]]):
        super().__init__(inner.path, inner.info, inner.batch_rows)
        self.inner = inner
        self.values = values
        inner.info.extra["partitions"] = [key for key, _ in values]

    def chunks(self) -> Iterator[Chunk | Problem]:
        for item in self.inner.chunks():
            if isinstance(item, Chunk) and not item.text and len(item.rows):
                item = self._with_values(item)
            yield item

    def _with_values(self, chunk: Chunk) -> Chunk:
        present = {column.name for column in chunk.columns}
        added = []
        for key, value in self.values:
            if key in present or value is None:
                continue
            # one dictionary entry repeated: the detector looks at the distinct value once
            indices = pa.array(np.zeros(len(chunk.rows), np.int32))
            values = pa.DictionaryArray.from_arrays(indices, pa.array([value], pa.string()))
            added.append(CellColumn(key, values, chunk.rows))
        if not added:
            return chunk
        return dataclasses.replace(chunk, columns=[*chunk.columns, *added])  # its raw records, batch... kept

    def close(self) -> None:
        self.inner.close()


def with_partitions(source: Source) -> Source:
    """``source`` with its path's partition values as columns, or ``source`` itself when there are none."""
    values = partition_values(source.path)
    return PartitionedSource(source, values) if values else source
