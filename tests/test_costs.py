"""Cost grows with the data, not with its square: one cell of many findings, a table of many narrow columns.

Time is not measured here (``benchmarks/shapes.py`` does that): these tests count operations while the size
doubles. Python steps are the line events of leakguard's and the recognizers' code (``sys.settrace``), Arrow
work is the peak of Arrow's memory pool and the number of RE2 passes; each is taken in a fresh process where
a peak is needed. Quadratic work shows as a ratio near 4 when the size doubles, linear work near 2.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leakguard.detect import engine
from leakguard.detect.engine import DetectOptions, Detector, _resolve
from leakguard.sources import table_to_columns
from leakguard.sources.base import CellColumn, Chunk
from synthetic import beneficiary_table
from tests.strategies import random_nir

ROOT = Path(__file__).resolve().parent.parent
KEY = bytes(range(32))

# --- overlaps ----------------------------------------------------------------------------------------------


def pairwise(spans: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """The rule itself, quadratic: best first, a span kept when no kept span overlaps it."""
    if len(spans) == 1:
        return spans
    ranked = sorted(set(spans), key=lambda s: (-s[3], engine._RANK.get(s[2], 99), -(s[1] - s[0]), s[0]))
    kept: list[tuple[int, int, str, float]] = []
    for span in ranked:
        if all(span[1] <= k[0] or k[1] <= span[0] for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s[0])


spans = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 15), st.sampled_from(engine.PRIORITY), st.sampled_from([0.5, 0.85])
              ).map(lambda t: (t[0], t[0] + t[1], t[2], t[3])),
    min_size=1, max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(spans)
def test_overlaps_are_settled_as_the_pairwise_rule_settles_them(found):
    assert _resolve(found) == pairwise(found)


# --- one cell, many findings -------------------------------------------------------------------------------


def one_line_payload(records: int, seed: int = 7) -> str:
    """A JSON array of ``records`` beneficiaries dumped on one line (generated NIRs, e-mails, names)."""
    rng = random.Random(seed)
    items = []
    for _ in range(records):
        nir = random_nir(rng, years=(40, 99))
        items.append(json.dumps({"nir": nir, "nom": rng.choice(["Martin", "Bernard", "Petit"]),
                                 "email": f"assure{rng.randint(1, 10**6)}@exemple.fr"}))
    return "payload=[" + ",".join(items) + "]"


def probe(records: int) -> dict[str, int]:
    """Detect and rewrite one text cell of ``records`` records: Python steps, and Arrow's peak memory."""
    from leakguard.pseudonymise.operators import Policy
    from leakguard.pseudonymise.rewrite import Rewriter

    text = one_line_payload(records)
    rows = pa.array([0], pa.int64())
    chunk = Chunk([CellColumn("line", pa.array([text]), rows)], rows, text=True, raw=pa.array([text]))
    rewriter = Rewriter(Policy(KEY, {"DATE_OF_BIRTH": "hmac"}), ner=False)
    rewriter.edits(chunk)  # warm: imports, compiled patterns
    steps = 0
    watched = (str(ROOT / "leakguard"), str(ROOT / "recognizers"))

    def local(frame: FrameType, event: str, arg: object) -> Callable | None:
        nonlocal steps
        if event == "line":
            steps += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Callable | None:
        return local if frame.f_code.co_filename.startswith(watched) else None

    before = pa.default_memory_pool().max_memory()
    sys.settrace(calls)
    try:
        edits = rewriter.edits(chunk)
    finally:
        sys.settrace(None)
    assert edits.replaced["FR_NIR"] == records
    return {"steps": steps, "arrow_peak": pa.default_memory_pool().max_memory() - before}


def probed(records: int) -> dict[str, int]:
    code = f"import json; from tests.test_costs import probe; print(json.dumps(probe({records})))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_one_cell_of_many_findings_costs_linear_steps_and_memory():
    small, large = probed(1500), probed(3000)
    assert large["steps"] / small["steps"] < 2.5, (small, large)
    assert large["arrow_peak"] / max(small["arrow_peak"], 1) < 2.5, (small, large)


# --- many narrow columns -----------------------------------------------------------------------------------


def wide_chunk(columns: int, rows: int = 8, seed: int = 3) -> Chunk:
    """A chunk of ``columns`` narrow columns: codes, amounts, and a NIR column every 50 columns."""
    rng = random.Random(seed)
    index = pa.array(range(rows), pa.int64())
    cells = []
    for c in range(columns):
        if c % 50 == 0:
            values = [random_nir(rng, "2", (40, 99)) for _ in range(rows)]
        else:
            values = [rng.choice([f"{rng.randint(0, 999)}", f"{rng.randint(0, 99)},{rng.randint(0, 99):02d}",
                                  f"code {rng.choice('ABC')}{rng.randint(1, 9)}"]) for _ in range(rows)]
        cells.append(CellColumn(f"q{c}", pa.array(values), index))
    return Chunk(cells, index)


def regex_passes(monkeypatch: pytest.MonkeyPatch, chunk: Chunk) -> tuple[int, pa.Table]:
    calls = 0
    original = pc.match_substring_regex

    def counted(*args: object, **kwargs: object) -> pa.Array:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(pc, "match_substring_regex", counted)
    findings = Detector(DetectOptions(ner=False)).detect(chunk)
    monkeypatch.setattr(pc, "match_substring_regex", original)
    return calls, findings


def test_narrow_columns_share_their_regex_passes(monkeypatch):
    narrow, wider = regex_passes(monkeypatch, wide_chunk(200)), regex_passes(monkeypatch, wide_chunk(400))
    # the NIR columns' vectorised checks run per column (a few calls each); every other pass once per chunk
    per_nir_column = (wider[0] - narrow[0]) / 4
    assert per_nir_column < 10 and narrow[0] < 150, (narrow[0], wider[0])
    assert wider[1].num_rows == 2 * narrow[1].num_rows == 2 * 4 * 8


@pytest.mark.parametrize("ner", [False, True])
def test_pooled_and_unpooled_columns_give_the_same_findings(monkeypatch, ner):
    table, _ = beneficiary_table(40, seed=11)
    # the 17 columns under their names and again under meaningless ones: content alone must decide there
    wide = pa.table([*table.columns, *table.columns],
                    names=[*table.column_names, *(f"c{i}" for i in range(table.num_columns))])
    chunk = Chunk(table_to_columns(wide), pa.array(range(wide.num_rows), pa.int64()))
    assert len(chunk.columns) >= engine.POOLED_COLUMNS
    pooled = Detector(DetectOptions(ner=ner, show_values=True)).detect(chunk)
    monkeypatch.setattr(engine, "POOLED_COLUMNS", 10**9)
    alone = Detector(DetectOptions(ner=ner, show_values=True)).detect(chunk)
    assert pooled.num_rows > 500 and pooled.equals(alone)
