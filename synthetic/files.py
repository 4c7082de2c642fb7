"""Writers: the generated data as the files it is met in, with the ground truth beside.

* Parquet (flat or nested), written so that the same table gives the same bytes (no timestamp is stored;
  ``created_by`` names the pyarrow version, so bytes change with pyarrow, not with the run).
* CSV the French way (:func:`csv_view`): ``;`` separator, a UTF-8 BOM (or cp1252 and CRLF, as Excel on
  Windows writes), French headers (``N° Sécurité Sociale``, ``Prénom``, ``Date de naissance``), dates
  ``DD/MM/YYYY``, decimal commas.
* JSON lines (one object per line, UTF-8, non-ASCII kept as is) and text/log lines.
* Any of them gzip-compressed when the path ends in ``.gz`` (no name and no time in the gzip header, so the
  bytes are stable too).

Writes are atomic (a temporary file renamed into place). The truth of ``X.csv.gz`` is ``X.truth.parquet``.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthetic import bulk
from synthetic.truth import GroundTruth, rename_columns

#: French headers of a CSV export of :func:`synthetic.tables.beneficiary_table` and of the decoy table.
CSV_HEADERS = {
    "nom": "Nom",
    "prenom": "Prénom",
    "date_naissance": "Date de naissance",
    "nir": "N° Sécurité Sociale",
    "c_12": "c_12",
    "organisme": "Organisme complémentaire",
    "num_amc": "N° AMC",
    "num_adherent": "N° adhérent",
    "garanties": "Garanties",
    "telephone": "Téléphone",
    "email": "E-mail",
    "iban": "IBAN",
    "commentaire": "Commentaire",
    "num_facture": "N° facture",
    "date_soin": "Date des soins",
    "montant": "Montant (€)",
    "code_postal": "Code postal",
    "num_commande": "N° commande",
    "siret_ps": "SIRET PS",
    "code_ean": "Code EAN",
    "horodatage": "Horodatage",
    "trace_id": "Trace",
}


def truth_path(path: str | os.PathLike[str]) -> Path:
    """``X.parquet``, ``X.csv.gz``, ``X.log`` -> ``X.truth.parquet`` beside it."""
    p = Path(path)
    name = p.name[:-3] if p.name.endswith(".gz") else p.name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return p.with_name(f"{stem}.truth.parquet")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _atomic(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``path`` complete or not at all (gzip-compressed for ``.gz``)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw:
            if target.name.endswith(".gz"):
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                    yield gz  # type: ignore[misc]
            else:
                yield raw
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; give the usual permissions
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_parquet(table: pa.Table, path: str | os.PathLike[str], *, row_group_size: int = 65536) -> None:
    """Parquet, zstd-compressed, row groups of ``row_group_size`` rows (readers stream by row group)."""
    with _atomic(path) as f:
        pq.write_table(table, f, compression="zstd", row_group_size=row_group_size)


def write_truth(truth: GroundTruth, path: str | os.PathLike[str]) -> None:
    write_parquet(truth, path, row_group_size=1 << 20)


def csv_view(table: pa.Table, truth: GroundTruth | None = None) -> tuple[pa.Table, GroundTruth | None]:
    """The strings a French CSV export holds, under French headers, and the truth in those terms.

    Dates become ``DD/MM/YYYY`` (same length as ISO, so spans hold), floats take a decimal comma, integers
    their decimal form, nulls the empty string.
    """
    columns = []
    for name in table.column_names:
        values = table.column(name).combine_chunks()
        if pa.types.is_date(values.type):
            text = bulk.fr_dates(values)
        elif pa.types.is_floating(values.type):
            numbers = values.to_numpy(zero_copy_only=False)
            text = pc.if_else(values.is_valid(), bulk.amount_text(np.nan_to_num(numbers)), pa.scalar(None, pa.string()))
        else:
            text = pc.cast(values, pa.string())
        columns.append(pc.fill_null(text, ""))
    headers = [CSV_HEADERS.get(name, name) for name in table.column_names]
    view = pa.Table.from_arrays(columns, names=headers)
    return view, None if truth is None else rename_columns(truth, dict(zip(table.column_names, headers)))


def write_csv(
    table: pa.Table, path: str | os.PathLike[str], *, encoding: str = "utf-8-sig", delimiter: str = ";"
) -> None:
    """A table of strings (see :func:`csv_view`) as CSV: header line, minimal quoting.

    ``encoding="cp1252"`` also ends lines with CRLF and writes the narrow no-break space as a no-break
    space (cp1252 has no U+202F; the length, hence every span, is unchanged).
    """
    crlf = encoding.lower() in ("cp1252", "windows-1252")
    with _atomic(path) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="", write_through=True)
        writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(table.column_names)
        batch_rows = 65536
        for offset in range(0, table.num_rows, batch_rows):
            chunk = table.slice(offset, batch_rows)
            rows = zip(*(c.to_pylist() for c in chunk.columns))
            if crlf:
                rows = ([v.replace("\u202f", "\u00a0") for v in row] for row in rows)  # type: ignore[assignment]
            writer.writerows(rows)
        text.flush()
        text.detach()


def write_jsonl(records: Iterable[dict[str, Any]], path: str | os.PathLike[str]) -> None:
    """One JSON object per line, UTF-8, non-ASCII characters kept."""
    write_lines((json.dumps(r, ensure_ascii=False) for r in records), path)


def write_lines(lines: Iterable[str], path: str | os.PathLike[str]) -> None:
    """Text lines, ``\\n``-terminated, UTF-8."""
    with _atomic(path) as f:
        for line in lines:
            f.write(line.encode("utf-8") + b"\n")
