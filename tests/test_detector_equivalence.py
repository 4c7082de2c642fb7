"""The detector's findings on the generated corpus, held against digests of what an earlier detector found.

A refactor of :mod:`leakguard.detect.engine` must not change one finding. Each case of :data:`CASES` scans
generated data (``synthetic``: the example files, beneficiary tables with French and meaningless column
names, narrow tables wide enough for the shared regex pool, a gateway log, call notes, column hints and entity
filters) and the third-party development texts of ``../shared/eval`` when present; its findings, every field
(``value`` too), sorted, and the NIR counts of the profile pass are hashed with SHA-256. The digests
(no raw value) are stored one per line, ``<sha256>  <case>``, in ``tests/data/detector_findings.sha256``.

When detection changes on purpose, regenerate the file with the new code and commit it with the change,
saying in the commit which cases changed and why (``git diff`` on the file lists them)::

    PYTHONPATH=$PWD python -m tests.test_detector_equivalence

A change to ``synthetic``, to Faker or to pyarrow that changes the generated data changes the digests too:
regenerate with the detector at the commit before the change, then check out the change and compare.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from leakguard.detect.engine import DetectOptions
from leakguard.scan import profile_path, scan_batches, scan_path, scan_table
from leakguard.sources.base import Problem
from synthetic import files, logs, tables
from synthetic.__main__ import write_examples
from synthetic.identifiers import NIR_FORMS

DIGESTS = Path(__file__).parent / "data" / "detector_findings.sha256"
#: ``shared/eval/fr_text_dev.jsonl`` next to the repository (or higher up), if there
DEV_TEXTS = next((parent / "shared" / "eval" / "fr_text_dev.jsonl" for parent in Path(__file__).resolve().parents
                  if (parent / "shared" / "eval" / "fr_text_dev.jsonl").is_file()), None)

#: every field of a finding, ``value`` included
OPTIONS = DetectOptions(ner=False, show_values=True)
NER = DetectOptions(ner=True, show_values=True)
#: meaningless column names of the beneficiary table, by what they hold
HINTS = {"c0": "PERSON", "c3": "FR_NIR", "c5": "FR_HEALTH_INSURER", "c6": "FR_AMC", "c8": "", "c12": "FREE_TEXT",
         "c16": "FR_MUTUELLE_MEMBER_ID"}


def _canonical(found: pa.Table) -> bytes:
    """The findings, every column, sorted on every column, as JSON."""
    keys = [(name, "ascending") for name in found.column_names]
    return json.dumps(found.sort_by(keys).to_pydict(), sort_keys=True, default=str).encode()


def _of_path(path: Path, options: DetectOptions = OPTIONS, **kwargs: object) -> list[bytes]:
    """Findings of one file through ``scan_path``, then its NIR counts through the profile pass."""
    found = [item[1] for item in scan_path(str(path), options=options, **kwargs) if not isinstance(item, Problem)]
    counts = profile_path(str(path), options, batch_rows=kwargs.get("batch_rows", 65_536))  # type: ignore[arg-type]
    # one table per file: how the scan splits its findings into tables (chunk by chunk, or a column read
    # again at the end) is not what this test holds
    every = pa.concat_tables(found) if found else None
    return [*([_canonical(every)] if every is not None and every.num_rows else []),
            json.dumps(counts.as_dict(), sort_keys=True).encode()]


def _wide(rows: int, seed: int) -> pa.Table:
    """Three beneficiary tables side by side: narrow columns enough to share the chunk's regex pool."""
    columns: dict[str, pa.Array] = {}
    for i, names in enumerate(("french", "meaningless", "french")):
        table, _ = tables.beneficiary_table(rows, seed + i, column_names=names)  # type: ignore[arg-type]
        columns.update({f"{name}_{i}": column for name, column in zip(table.column_names, table.columns)})
    columns["statut"] = pa.array(["actif" if i % 3 else "radie" for i in range(rows)])  # nothing can match
    return pa.table(columns)


def _cell_types() -> pa.Table:
    """The beneficiary table's values in other Arrow types; NIRs split into a body column and a key column."""
    table, _ = tables.beneficiary_table(1_000, 22)
    compact = table["c_12"].combine_chunks().cast(pa.string())
    numbers = table["c_12"].combine_chunks()
    holes = pa.array([i % 7 == 3 for i in range(table.num_rows)])
    tokens = [f"NIR_{base64.b32encode(hashlib.sha256(str(i).encode()).digest()[:10]).decode().lower()}"
              for i in range(table.num_rows)]
    return pa.table({
        "nir13": pc.utf8_slice_codeunits(compact, 0, 13),
        "cle": pc.cast(pc.utf8_slice_codeunits(compact, 13, 15), pa.int8()),
        "nir_octets": table["nir"].cast(pa.binary()),
        "nom": table["nom"].combine_chunks().dictionary_encode(),
        "c7": pc.if_else(holes, pa.scalar(None, pa.float64()), numbers.cast(pa.float64())),
        "c8": numbers.cast(pa.decimal128(19, 0)),
        "date_de_naissance": table["date_naissance"].cast(pa.timestamp("s")),
        "prenom": pc.if_else(holes, pa.array(tokens), table["prenom"].combine_chunks()),
        "commentaire": table["commentaire"].cast(pa.large_string()),
        "vide": pa.nulls(table.num_rows, pa.string()),
    })


def _key_value_lines(tmp: Path) -> list[bytes]:
    """An INI-like export: sections, ``key = value`` lines, labels on the line above their value."""
    table, _ = tables.beneficiary_table(300, 23)
    lines = []
    for row in table.to_pylist():
        lines += ["[AMC]", f"Mutuelle={row['num_amc']}", "", "[Assure]", f"Nom={row['nom'].upper()}",
                  f"Prénom : {row['prenom']}", f"N° Sécurité Sociale : {row['nir']}", f"NIR={str(row['c_12'])[:13]}",
                  "Date de naissance :", row["date_naissance"].strftime("%d/%m/%Y"), f"Tel={row['telephone']}",
                  "Nom : .... Prénom : ....", f"Facture : {row['num_facture']}", ""]
    files.write_lines(lines, tmp / "export.txt")
    return _of_path(tmp / "export.txt")


def _dev_texts() -> pa.Table:
    if DEV_TEXTS is None:
        pytest.skip("the shared development texts (shared/eval/fr_text_dev.jsonl) are not on this machine")
    texts = [json.loads(line)["text"] for line in DEV_TEXTS.read_text(encoding="utf-8").splitlines()]
    return pa.table({"texte": texts, "observation": [t.replace("\n", " ") for t in texts]})


def _examples(tmp: Path) -> list[bytes]:
    write_examples(tmp / "examples")
    paths = sorted(p for p in (tmp / "examples").iterdir() if ".truth." not in p.name)
    return [part for path in paths for part in [path.name.encode(), *_of_path(path)]]


def _streamed(tmp: Path) -> list[bytes]:
    """A meaningless-name Parquet file in small chunks with a small budget of held NIRs (second read)."""
    table, _ = tables.beneficiary_table(1_000, 21, column_names="meaningless")
    files.write_parquet(table, tmp / "stream.parquet", row_group_size=350)
    batches = [_canonical(t) for t in scan_batches(table.to_batches(max_chunksize=350), options=OPTIONS)]
    return [*batches, *_of_path(tmp / "stream.parquet", batch_rows=350, budget=30)]


def _log(tmp: Path) -> list[bytes]:
    lines, _ = logs.gateway_log(1_000, 5)
    files.write_lines(lines, tmp / "gateway.log")
    return _of_path(tmp / "gateway.log")


def _table(make: Callable[[], pa.Table], options: DetectOptions = OPTIONS) -> Callable[[Path], list[bytes]]:
    return lambda _tmp: [_canonical(scan_table(make(), options=options))]


def _first(made: tuple[pa.Table, object]) -> pa.Table:
    return made[0]


CASES: dict[str, Callable[[Path], Iterable[bytes]]] = {
    "examples": _examples,
    "beneficiaries": _table(lambda: _first(tables.beneficiary_table(3_000, 11))),
    "beneficiaries-meaningless": _table(lambda: _first(tables.beneficiary_table(3_000, 12,
                                                                                column_names="meaningless"))),
    "beneficiaries-nir-forms": _table(lambda: pa.concat_tables(
        _first(tables.beneficiary_table(150, 30 + i, forms=form)) for i, form in enumerate(NIR_FORMS))),
    "wide-pooled": _table(lambda: _wide(1_000, 13)),
    "streamed": _streamed,
    "cell-types": _table(_cell_types),
    "key-value-lines": _key_value_lines,
    "gateway-log": _log,
    "call-notes": _table(lambda: _first(tables.call_notes(1_500, 14))),
    "column-hints": _table(lambda: _first(tables.beneficiary_table(1_500, 15, column_names="meaningless")),
                           DetectOptions(ner=False, show_values=True, column_hints=HINTS)),
    "entity-filters": _table(lambda: _first(tables.beneficiary_table(1_500, 16)),
                             DetectOptions(ner=False, entities=frozenset({"FR_NIR", "PERSON", "PHONE_NUMBER",
                                                                          "FR_HEALTH_INSURER"}),
                                           exclude_entities=frozenset({"PHONE_NUMBER"}), min_score=0.5)),
    "no-previews": _table(lambda: _first(tables.beneficiary_table(1_000, 17)),
                          DetectOptions(ner=False, previews=False)),
    "dev-texts": _table(_dev_texts),
    "ner-beneficiaries": _table(lambda: _first(tables.beneficiary_table(100, 18)), NER),
    "ner-call-notes": _table(lambda: _first(tables.call_notes(200, 19)), NER),
    "ner-dev-texts": _table(_dev_texts, NER),
}


def digest(case: str, tmp: Path) -> str:
    hasher = hashlib.sha256()
    for part in CASES[case](tmp):
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


def _stored() -> dict[str, str]:
    lines = DIGESTS.read_text(encoding="ascii").splitlines()
    return {case: sha for sha, case in (line.split("  ", 1) for line in lines if line.strip())}


def test_the_stored_digests_cover_every_case() -> None:
    assert sorted(_stored()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_detector_finds_what_it_found_before(case: str, tmp_path: Path) -> None:
    assert digest(case, tmp_path) == _stored()[case], f"findings of {case!r} changed (see the module docstring)"


def main() -> None:
    """Write the digests of the current detector."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        lines = []
        for case in sorted(CASES):
            (Path(tmp) / case).mkdir()
            lines.append(f"{digest(case, Path(tmp) / case)}  {case}\n")
            print(lines[-1], end="", file=sys.stderr)
    DIGESTS.parent.mkdir(exist_ok=True)
    DIGESTS.write_text("".join(lines), encoding="ascii")


if __name__ == "__main__":
    main()
