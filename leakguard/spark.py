"""Spark: scan and pseudonymise DataFrames where they live, with the library's own batch functions.

When a dump no longer fits one machine, leakguard runs inside Spark rather than beside it. Both adapters are
``DataFrame.mapInArrow`` over the functions the CLI uses on a file's chunks: every partition streams Arrow
record batches through :meth:`~leakguard.detect.engine.Detector.detect_raw` /
:meth:`~leakguard.detect.engine.Detector.resolve` (scan) or :func:`leakguard.pseudonymise_batches`
(pseudonymise), so a value gets the same findings, and the same pseudonym, on every executor as on a laptop.

* :func:`scan_dataframe` — a DataFrame of findings (the contract's fields, ``path`` replaced by ``partition``;
  ``id`` too with ``id_column=``);
* :func:`pseudonymise_dataframe` — the DataFrame with every entity replaced; same schema, same rows;
* :func:`profile_dataframe` — the first pass both run, to share it between a scan and a pseudonymisation.

Two passes, for the column profile
----------------------------------
About one random 15-digit number in 97 passes the NIR key, so one invoice number alone cannot be told from a
NIR: the column decides (:mod:`leakguard.detect.profile`). A partition is not a column, though: a partition
holding three invoice numbers, one of which passes by chance, would look like a column of NIRs. So the
decision is made where all the counts are, exactly as :mod:`leakguard.parallel` does across worker processes:

1. **Profile** (an action): each partition counts its distinct NIR-shaped and valid values per column
   (:meth:`~leakguard.detect.engine.Detector.count`, without NER: cheap) and its number of rows; the driver
   collects these sketches (a few kilobytes per column) and merges them (:meth:`NirProfile.merge`).
2. **Detect** (lazy, the returned DataFrame): each partition runs the full detector with the merged profile,
   frozen; it travels to the executors inside the ``mapInArrow`` function, which Spark ships (and
   broadcasts when large) with the task.

A coincidental hit in an invoice column therefore stays suppressed however the column is split, and the
findings equal those of :func:`leakguard.scan_table` on the whole table: the counts are distinct counts whose
merge does not depend on the split (:mod:`leakguard.detect.distinct`), so every partitioning gives the
decision of the whole column.

Row numbers
-----------
``row`` is a dense, 0-based record index over the whole DataFrame, in partition order and then in order
within the partition: the numbering of ``RDD.zipWithIndex`` and the order of ``df.collect()``. It is the
table's row for a DataFrame made from an Arrow table or a pandas frame, and the line for a single CSV or
JSON-lines file read in order. The profile pass counts each partition's rows, the driver turns the counts
into offsets, and the detect pass numbers its rows from its partition's offset. ``partition`` is the Spark
partition index, to find the task. (``monotonically_increasing_id`` is unique but not dense, so it is not
used.)

Like ``zipWithIndex``, this needs the DataFrame to give the same partitions, in the same order, each time it
is evaluated (it is evaluated twice). Files and tables do; a DataFrame that ends in a shuffle without a total
order (``repartition``, a join, ``groupBy``) may not: ``persist()`` or ``checkpoint()`` it first, or pass
``id_column=`` (the value of a key column of yours, reported in an ``id`` field; choose a technical key: it
is copied as is, and a finding inside it fails the task rather than printing it). A partition whose size
differs between the passes fails its task with a message saying so.

The key
-------
The pseudonymisation key reaches the executors only inside the ``mapInArrow`` function's closure, wrapped in
an object whose ``repr`` is the key's fingerprint: it is not a column, a literal, a Spark configuration value
or an environment variable, so query plans (``df.explain()``, the SQL tab of the Spark UI, event logs) show
the function's name (``leakguard_pseudonymise``), never the key. The pickled function is a few kilobytes
(the key, the operator choices, the column counts), well under the size above which pyspark would turn it
into a broadcast variable: it travels inside the serialized task. On a shared cluster, encrypt what travels
and what spills (``spark.network.crypto.enabled``, ``spark.io.encryption.enabled``, with
``spark.authenticate``), as for any secret a job uses. Executors build the
:class:`~leakguard.pseudonymise.Policy` (token, HMAC and FF1 sub-keys) from it per task and keep nothing.

Executors need leakguard installed (``pip install 'leakguard[spark]'`` in the cluster's image, or
``--py-files``), and the French spaCy model when ``ner=True``. Importing :mod:`leakguard` does not import
pyspark; importing this module does.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from pyspark import TaskContext
from pyspark.sql import DataFrame
from pyspark.sql.types import DoubleType, IntegerType, LongType, StringType, StructField, StructType

from leakguard.detect.engine import DetectOptions, Detector
from leakguard.detect.profile import NirProfile
from leakguard.pseudonymise import pseudonymise_batches
from leakguard.pseudonymise.keys import MIN_KEY_BYTES, KeyProblem, fingerprint
from leakguard.pseudonymise.operators import Policy
from leakguard.pseudonymise.rewrite import Rewriter, detect_options
from leakguard.sources.base import Chunk
from leakguard.sources.flatten import record_indices, table_to_columns

__all__ = ["DataFrameProfile", "profile_dataframe", "pseudonymise_dataframe", "scan_dataframe"]

#: Name of the findings field that says where a finding was computed (replaces the contract's ``path``).
PARTITION = "partition"

_PROFILE_SCHEMA = pa.schema([
    pa.field("partition", pa.int32(), nullable=False),
    pa.field("rows", pa.int64(), nullable=False),
    pa.field("counts", pa.string(), nullable=False),
])
_PROFILE_SPARK_SCHEMA = StructType([
    StructField("partition", IntegerType(), nullable=False),
    StructField("rows", LongType(), nullable=False),
    StructField("counts", StringType(), nullable=False),
])
_FINDINGS_SPARK_FIELDS = [
    StructField("row", LongType(), nullable=False),
    StructField("column", StringType(), nullable=True),
    StructField("start", IntegerType(), nullable=False),
    StructField("end", IntegerType(), nullable=False),
    StructField("entity", StringType(), nullable=False),
    StructField("score", DoubleType(), nullable=False),
    StructField("preview", StringType(), nullable=False),
]


# -- pass 1: the column profile and the partition sizes --------------------------------------------------------


@dataclass
class DataFrameProfile:
    """What the first pass learns about a DataFrame: merged NIR counts per column, and each partition's rows."""

    profile: NirProfile = field(default_factory=NirProfile)
    #: number of rows of partition *i*
    partition_rows: list[int] = field(default_factory=list)

    @property
    def offsets(self) -> list[int]:
        """Index of the first row of each partition (the sum of the rows of the partitions before it)."""
        out, total = [], 0
        for count in self.partition_rows:
            out.append(total)
            total += count
        return out

    @property
    def num_rows(self) -> int:
        return sum(self.partition_rows)


def profile_options(options: DetectOptions) -> DetectOptions:
    """The detector of the profile pass: the options of the detection to come, without NER.

    :meth:`~leakguard.detect.engine.Detector.count` runs only what a column's NIR counts depend on (the
    whole-cell checks, the NIR recognizer on candidates; not NER), so it counts exactly what the full
    detector counts, at a fraction of the cost.
    """
    return dataclasses.replace(options, ner=False, previews=False, show_values=False)


def _chunk(batch: pa.RecordBatch, offset: int) -> Chunk:
    return Chunk(columns=table_to_columns(batch, row_offset=offset), rows=record_indices(offset, batch.num_rows))


def _partition_id() -> int:
    context = TaskContext.get()
    if context is None:  # called outside a Spark task (a unit test): one partition
        return 0
    return context.partitionId()


class _Profiler:
    """The profile pass of one partition: one row of (partition, rows, merged counts as JSON)."""

    __name__ = "leakguard_profile"

    def __init__(self, options: DetectOptions):
        self.options = profile_options(options)

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        detector = Detector(self.options)
        counts = NirProfile()
        rows = 0
        for batch in batches:
            if batch.num_rows:
                counts.merge(detector.count(_chunk(batch, rows)))
            rows += batch.num_rows
        yield pa.RecordBatch.from_arrays(
            [pa.array([_partition_id()], pa.int32()), pa.array([rows], pa.int64()),
             pa.array([json.dumps(counts.as_dict(), sort_keys=True)], pa.string())],
            schema=_PROFILE_SCHEMA,
        )

    def __repr__(self) -> str:
        return "<leakguard profile pass>"


def profile_dataframe(df: DataFrame, *, ner: bool = True, options: DetectOptions | None = None) -> DataFrameProfile:
    """Run the first pass: the merged NIR counts of every column and the number of rows of each partition.

    This is an action (one Spark job, which reads the DataFrame once). Pass the result as ``profile=`` to
    :func:`scan_dataframe` and :func:`pseudonymise_dataframe` to run it once for both.
    """
    options = options or DetectOptions(ner=ner)
    rows = df.mapInArrow(_Profiler(options), _PROFILE_SPARK_SCHEMA).collect()
    result = DataFrameProfile(partition_rows=[0] * (max((r["partition"] for r in rows), default=-1) + 1))
    for row in sorted(rows, key=lambda r: r["partition"]):
        result.partition_rows[row["partition"]] += row["rows"]
        result.profile.merge(NirProfile.from_dict(json.loads(row["counts"])))
    return result


# -- pass 2: findings ---------------------------------------------------------------------------------------------


def findings_schema(df: DataFrame, *, id_column: str | None = None, show_values: bool = False) -> StructType:
    """The Spark schema of :func:`scan_dataframe`'s result for ``df``."""
    fields = [StructField(PARTITION, IntegerType(), nullable=False)]
    if id_column is not None:
        fields.append(StructField("id", df.schema[id_column].dataType, nullable=True))
    fields.extend(_FINDINGS_SPARK_FIELDS)
    if show_values:
        fields.append(StructField("value", StringType(), nullable=True))
    return StructType(fields)


class _Scanner:
    """The detect pass of one partition: findings of each batch, rows numbered from the partition's offset."""

    __name__ = "leakguard_scan"

    def __init__(self, options: DetectOptions, profile: DataFrameProfile, id_column: str | None):
        self.options = options
        self.counts = profile.profile.as_dict()
        self.partition_rows = list(profile.partition_rows)
        self.offsets = profile.offsets
        self.id_column = id_column

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        partition = _partition_id()
        if partition >= len(self.offsets):
            raise RuntimeError(_CHANGED.format(partition=partition, before="no", now="some"))
        detector = Detector(self.options, profile=NirProfile.from_dict(self.counts), frozen_profile=True)
        start = self.offsets[partition]
        seen = 0
        for batch in batches:
            if batch.num_rows == 0:
                continue
            offset = start + seen
            seen += batch.num_rows
            findings = detector.detect(_chunk(batch, offset))
            if findings.num_rows:
                yield self._batch(partition, batch, offset, findings)
        if seen != self.partition_rows[partition]:
            raise RuntimeError(_CHANGED.format(partition=partition, before=self.partition_rows[partition], now=seen))

    def _batch(self, partition: int, batch: pa.RecordBatch, offset: int, findings: pa.Table) -> pa.RecordBatch:
        columns = [pa.array([partition] * findings.num_rows, pa.int32())]
        names = [PARTITION]
        if self.id_column is not None:
            inside = findings.filter(pc.equal(findings["column"], self.id_column))
            if inside.num_rows:
                entity = inside["entity"][0].as_py()
                raise ValueError(f"id_column {self.id_column!r} holds personal data ({entity}); "
                                 "choose a technical key: its values are copied into the findings")
            positions = pc.subtract(findings["row"], pa.scalar(offset, pa.int64()))
            columns.append(batch.column(self.id_column).take(positions.combine_chunks()))
            names.append("id")
        for name in findings.column_names:
            columns.append(findings[name].combine_chunks())
            names.append(name)
        return pa.RecordBatch.from_arrays(columns, names=names)

    def __repr__(self) -> str:
        return "<leakguard scan pass>"


_CHANGED = ("partition {partition} had {before} rows in the profile pass and {now} now: the DataFrame is not "
            "evaluated the same way twice (a shuffle without a total order?); persist() or checkpoint() it "
            "before scanning, or pass id_column=")


def scan_dataframe(df: DataFrame, *, ner: bool = True, options: DetectOptions | None = None,
                   id_column: str | None = None, profile: DataFrameProfile | None = None) -> DataFrame:
    """Findings of every cell of ``df``: a DataFrame with one row per finding.

    Fields: ``partition`` (int, the Spark partition of the record), ``id`` (with ``id_column``: that
    column's value for the record), ``row`` (long, dense 0-based record index over the DataFrame, see the
    module docstring), ``column`` (dotted path for nested fields: ``beneficiaire.nir``,
    ``ayants_droit.0.nir``), ``start``, ``end`` (int), ``entity``, ``score`` (double), ``preview`` (masked);
    ``value`` too with ``options.show_values``. The findings of one partition come sorted by row and offset.

    ``ner=False`` skips the NER model; ``options`` gives every detector option
    (:class:`~leakguard.detect.engine.DetectOptions`). Runs the profile pass now (one Spark job) unless
    ``profile`` is given; the findings are computed when the returned DataFrame is.
    """
    options = options or DetectOptions(ner=ner)
    if id_column is not None and id_column not in df.columns:
        raise ValueError(f"id_column {id_column!r} is not a top-level column of the DataFrame")
    if profile is None:
        profile = profile_dataframe(df, options=options)
    schema = findings_schema(df, id_column=id_column, show_values=options.show_values)
    return df.mapInArrow(_Scanner(options, profile, id_column), schema)


# -- pseudonymisation ---------------------------------------------------------------------------------------------


class _Secret:
    """The master key on its way to the executors: its ``repr`` (in plans, logs, UIs) is its fingerprint."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes):
        self._key = bytes(key)

    def reveal(self) -> bytes:
        return self._key

    def __repr__(self) -> str:
        return f"<leakguard key {fingerprint(self._key)}>"

    __str__ = __repr__


class _Pseudonymiser:
    """The rewrite pass of one partition: :func:`leakguard.pseudonymise_batches` with the merged profile."""

    __name__ = "leakguard_pseudonymise"

    def __init__(self, key: bytes, operators: Mapping[str, str] | None, ner: bool, profile: DataFrameProfile):
        self.secret = _Secret(key)
        self.operators = dict(operators or {})
        self.ner = ner
        self.counts = profile.profile.as_dict()

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        policy = Policy(self.secret.reveal(), self.operators)
        detector = Detector(detect_options(self.ner), profile=NirProfile.from_dict(self.counts), frozen_profile=True)
        rewriter = Rewriter(policy, detector=detector)
        schema: list[pa.Schema] = []

        def remember() -> Iterator[pa.RecordBatch]:
            for batch in batches:
                schema[:] = [batch.schema]
                yield batch

        for out in pseudonymise_batches(remember(), policy, rewriter=rewriter):
            # the output of each batch comes right after it is read: schema[0] is its input's schema
            yield out if out.schema == schema[0] else out.cast(schema[0])

    def __repr__(self) -> str:
        return f"<leakguard pseudonymise pass, {self.secret!r}>"


def pseudonymise_dataframe(df: DataFrame, key: bytes, operators: Mapping[str, str] | None = None, *,
                           ner: bool = True, profile: DataFrameProfile | None = None) -> DataFrame:
    """``df`` with every entity found replaced by its operator's output: same schema, same rows, same order.

    ``key`` is the master key (at least 32 bytes, :func:`leakguard.pseudonymise.load_key`); ``operators``
    overrides the default policy per entity (``{"FR_NIR": "fpe"}``), as ``--operator`` does. A value gets the
    pseudonym :func:`leakguard.pseudonymise_table` and the CLI give it with the same key, on every executor.
    Runs the profile pass now (one Spark job) unless ``profile`` is given; the rewrite happens when the
    returned DataFrame is computed. The key travels inside the function's closure only (module docstring).
    """
    if not isinstance(key, bytes | bytearray):
        raise TypeError("key must be bytes (see leakguard.pseudonymise.load_key)")
    if len(key) < MIN_KEY_BYTES:
        raise KeyProblem(f"the key is {len(key)} bytes; at least {MIN_KEY_BYTES} are needed; "
                         "make one with `leakguard keygen`")
    Policy(bytes(key), operators)  # a bad operator choice fails here, on the driver, not in every task
    if profile is None:
        profile = profile_dataframe(df, options=detect_options(ner))
    return df.mapInArrow(_Pseudonymiser(bytes(key), operators, ner, profile), df.schema)
