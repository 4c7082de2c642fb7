"""A NIR split over two columns (13 characters + a key column): found by content as well as by name,
pseudonymised by ``fpe`` together with its key column, and restored with it by ``reidentify``.

Every NIR is generated (``tests.strategies``); random numbers stand for the decoys.
"""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import leakguard
from leakguard import pseudonymise_file
from leakguard.pseudonymise import reidentify_file
from recognizers import nir
from tests.test_reidentify import KEY, ONLY_FPE, people

# --- a NIR split in two columns ---------------------------------------------------------------------------


def split_table(numbers: list[str], body: str, key: str) -> pa.Table:
    return pa.table({"id": [str(i) for i in range(len(numbers))], body: [n[:13] for n in numbers],
                     key: [n[13:] for n in numbers], "ville": ["Lyon"] * len(numbers)})


@pytest.mark.parametrize("body, key", [("nir13", "cle"), ("nirsanscle", "Clé"), ("c3", "c4"), ("nir_13", "cle")])
def test_a_nir_split_in_two_columns_is_found_by_its_key_column(body, key):
    numbers = people(40, 4)
    findings = leakguard.scan_table(split_table(numbers, body, key), ner=False)
    nirs_found = findings.filter(pc.equal(findings["entity"], "FR_NIR"))
    assert set(nirs_found["column"].to_pylist()) == {body} and nirs_found.num_rows == len(numbers)


def test_thirteen_digit_numbers_beside_two_digit_numbers_that_are_not_their_keys_are_not_nirs():
    numbers = people(200, 5)
    rng = random.Random(6)
    table = pa.table({"ref": [n[:13] for n in numbers], "code": [f"{rng.randrange(1, 98):02d}" for _ in numbers]})
    findings = leakguard.scan_table(table, ner=False)
    # but a body with Corsica's 2A/2B among its digits is written so by a NIR alone: its own context
    corsican = [row for row, n in enumerate(numbers) if n[5:7] in ("2A", "2B") and 1 <= int(n[3:5]) <= 12]
    assert findings["row"].to_pylist() == corsican and set(findings["score"].to_pylist()) <= {nir.UNKEYED_SCORE}


@pytest.mark.parametrize("style", ["padded", "natural", "integer"])
def test_fpe_rewrites_the_key_column_with_its_body_and_reidentify_restores_both(tmp_path, style):
    numbers = people(300, 7, corsica=0.5)
    keys = [int(n[13:]) for n in numbers]
    keys[5] = keys[5] % 97 + 1  # a typo in one key: it keeps its distance to the right key
    cells = {"padded": [f"{k:02d}" for k in keys], "natural": [str(k) for k in keys], "integer": keys}[style]
    table = pa.table({"id": list(range(len(numbers))), "nirsanscle": [n[:13] for n in numbers],
                      "cle": pa.array(cells, pa.int8() if style == "integer" else pa.string())})
    if style == "integer":
        source = tmp_path / "in.parquet"
        pq.write_table(table, source)
    else:
        source = tmp_path / "in.csv"
        source.write_text("id;nirsanscle;cle\n" + "".join(
            f"{i};{b};{k}\n" for i, b, k in zip(table["id"].to_pylist(), table["nirsanscle"].to_pylist(), cells)))
    pseudo, back = tmp_path / f"p-{source.name}", tmp_path / f"b-{source.name}"
    pseudonymise_file(source, pseudo, KEY, operators=ONLY_FPE, ner=False)
    out = pq.read_table(pseudo) if style == "integer" else None
    if out is None:
        rows = [line.split(";") for line in pseudo.read_text().splitlines()[1:]]
        bodies, new_keys = [r[1] for r in rows], [r[2] for r in rows]
    else:
        bodies, new_keys = out["nirsanscle"].to_pylist(), out["cle"].to_pylist()
        assert out.schema.field("cle").type == pa.int8()
    assert all(b != n[:13] for b, n in zip(bodies, numbers))
    assert [b[5:7].isdigit() for b in bodies] == [n[5:7].isdigit() for n in numbers]  # 2A/2B kept
    matches = [int(k) == int(nir.calc_check_digits(b)) for b, k in zip(bodies, new_keys)]
    assert matches == [i != 5 for i in range(len(numbers))]
    if style == "padded":
        assert all(len(k) == 2 for k in new_keys)
    reidentify_file(pseudo, back, KEY, force=style != "integer")
    if style == "integer":
        assert pq.read_table(back).equals(pq.read_table(source))
    else:
        assert back.read_bytes() == source.read_bytes()
