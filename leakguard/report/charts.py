"""The geometry of the HTML report's charts, drawn as inline SVG by its template (no script, no library).

* :func:`upset` — the combinations of kinds of data held by records, UpSet-style (Lex et al., 2014), turned on
  its side: one row per combination, a dot per kind of data (filled when the combination holds it, the
  filled dots joined), and a bar for its records;
* :func:`bars` — records per kind of data;
* :func:`stacked` — one table's records by the size of their equivalence class (k-anonymity).

Functions return plain numbers (pixels in the SVG's own coordinates); the template writes the markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from leakguard.report.exposure import Combination

ROW = 24
COLUMN = 26
LABEL_SPACE = 150
BAR_WIDTH = 280
MAX_COMBINATIONS = 12


@dataclass
class Dot:
    x: float
    filled: bool


@dataclass
class UpsetRow:
    y: float
    dots: list[Dot]
    line: tuple[float, float] | None  # x of the first and last filled dots
    bar: float  # width
    records: int
    breach: bool
    entities: tuple[str, ...]


@dataclass
class UpsetChart:
    width: float
    height: float
    top: float  # y where the rows start
    bar_x: float
    columns: list[tuple[float, str]]  # x and entity of each column
    rows: list[UpsetRow] = field(default_factory=list)
    omitted: int = 0


def upset(combinations: Sequence[Combination], breach: Sequence[str], *,
          max_rows: int = MAX_COMBINATIONS) -> UpsetChart:
    """Rows for the ``max_rows`` most frequent combinations (already ranked), columns for their entities in
    the order of the first combination's, then as met."""
    shown = list(combinations[:max_rows])
    order: list[str] = []
    for combination in shown:
        order.extend(entity for entity in combination.entities if entity not in order)
    left = 12.0
    columns = [(left + COLUMN * i + COLUMN / 2, entity) for i, entity in enumerate(order)]
    x_of = {entity: x for x, entity in columns}
    bar_x = left + COLUMN * len(order) + 16
    top = LABEL_SPACE
    largest = max((c.records for c in shown), default=1) or 1
    chart = UpsetChart(width=bar_x + BAR_WIDTH + 90, height=top + ROW * len(shown) + 8, top=top, bar_x=bar_x,
                       columns=columns, omitted=max(0, len(combinations) - len(shown)))
    wanted = set(breach)
    for i, combination in enumerate(shown):
        held = set(combination.entities)
        filled = [x_of[e] for e in order if e in held]
        chart.rows.append(UpsetRow(
            y=top + ROW * i + ROW / 2,
            dots=[Dot(x, entity in held) for x, entity in columns],
            line=(min(filled), max(filled)) if len(filled) > 1 else None,
            bar=max(1.0, BAR_WIDTH * combination.records / largest),
            records=combination.records,
            breach=wanted <= held,
            entities=combination.entities,
        ))
    return chart


@dataclass
class Bar:
    y: float
    label: str
    value: int
    width: float


def bars(values: dict[str, int], labels: dict[str, str], *, label_width: float = 190) -> tuple[list[Bar], float]:
    """One bar per entry (in the order given), and the chart's height."""
    largest = max(values.values(), default=1) or 1
    out = [Bar(y=ROW * i, label=labels.get(key, key), value=value, width=max(1.0, BAR_WIDTH * value / largest))
           for i, (key, value) in enumerate(values.items())]
    return out, ROW * len(out)


@dataclass
class Segment:
    x: float
    width: float
    share: float
    key: str  # unique, below_5, below_10, at_least_10


def stacked(share_unique: float, share_below_5: float, share_below_10: float, *,
            width: float = 600) -> list[Segment]:
    """A 100 % bar cut into records alone in their class, in classes under 5, under 10, and the rest."""
    shares = [("unique", share_unique), ("below_5", share_below_5 - share_unique),
              ("below_10", share_below_10 - share_below_5), ("at_least_10", 1 - share_below_10)]
    out = []
    x = 0.0
    for key, share in shares:
        share = max(0.0, share)
        out.append(Segment(x, width * share, share, key))
        x += width * share
    return out
