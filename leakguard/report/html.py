"""The ``html`` format: one self-contained page for the people who must act on a scan (a DPO, a security lead).

``leakguard scan PATHS --format html --output rapport.html`` writes, when the scan is done, one HTML file that
opens offline: styles, the small sorting script and the charts (SVG drawn by the template, :mod:`.charts`)
are inside it, and it loads nothing — no font, no script, no image from anywhere. Everything essential is
plain HTML: with JavaScript off, only sorting and the copy button are missing. French by default
(``--lang en``: English; :mod:`.html_text`).

What it shows, in order: the headline (files, records, persons, breach-profile records, errors); a heat map of
files and columns × kinds of data (share of records); the column-by-column table (records, share, score,
masked example); the combinations of kinds of data held by records and the k-anonymity of each table, each
with a sentence on what it means; the "Notification à la CNIL" block (:mod:`.cnil`), ready to copy; the
files that could not be read, with the reason.

It holds aggregates only, never a finding list, so a scan of 10^6 rows gives a page of a few tens of kB;
long lists are cut (:data:`MAX_HEAT_ROWS`, :data:`MAX_COLUMN_ROWS`, :data:`MAX_RISK_ROWS`,
:data:`MAX_CNIL_FILES`) with the count of what was left out. It never holds a raw value, even with
``--show-values``: examples are masked previews, and identifiers in file and column names are masked as
everywhere else. Jinja2 escapes everything the page takes from the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TextIO

import jinja2

from leakguard import __version__
from leakguard.detect.names import describe
from leakguard.report import charts, cnil
from leakguard.report.base import BaseReporter
from leakguard.report.exposure import BREACH_PROFILE, Exposure
from leakguard.report.exposure.distinct import EXACT_BOUND, PRECISION
from leakguard.report.html_text import ENTITY_LABELS, LANGUAGES, QUASI_LABELS, TEXTS, number, percent
from leakguard.report.summary import FileSummary, entity_order
from leakguard.report.text import printable, shown

MAX_HEAT_ROWS = 300
MAX_COLUMN_ROWS = 2_000
MAX_CNIL_FILES = 50
MAX_RISK_ROWS = 100


@dataclass
class HeatRow:
    file: str
    column: str
    cells: list[tuple[float | None, int]]  # share and records per entity column


@dataclass
class ColumnRow:
    file: str
    column: str
    entity: str
    records: int | None  # None: in a name
    share: float | None
    score: float
    example: str


@dataclass
class RiskRow:
    file: str
    quasi: list[str]
    records: int
    classes: int
    k: int
    shares: dict[str, float]
    segments: list[charts.Segment]
    sampled_fraction: float


@dataclass
class Page:
    """Everything the template shows, already counted, masked and formatted where it depends on language."""

    lang: str
    t: dict[str, str]
    version: str
    date: str
    seconds: str
    totals: dict[str, object]
    exposure: Exposure | None
    entities: list[str] = field(default_factory=list)
    heat: list[HeatRow] = field(default_factory=list)
    heat_more: int = 0
    columns: list[ColumnRow] = field(default_factory=list)
    columns_more: int = 0
    upset: charts.UpsetChart | None = None
    entity_bars: list[charts.Bar] = field(default_factory=list)
    entity_bars_height: float = 0
    risks: list[RiskRow] = field(default_factory=list)
    risks_more: int = 0
    cnil_lines: list[tuple[str, str]] = field(default_factory=list)
    cnil_categories: list[str] = field(default_factory=list)
    cnil_files: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    method: str = ""


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("leakguard.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class HtmlReporter(BaseReporter):
    """Keeps the summary (aggregates only) and writes the page at ``close``."""

    def __init__(self, out: TextIO, *, show_values: bool = False, lang: str = "fr"):
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
        # values never go into the page: the summary keeps no example value
        super().__init__(out, show_values=False)
        self.lang = lang

    def on_close(self) -> None:
        page = build_page(self.summary.files.values(), self.summary.totals(), self.summary.exposure,
                          self.summary.elapsed(), self.lang)
        template = _ENVIRONMENT.get_template("report.html.j2")
        self.out.write(template.render(page=page, number=lambda v: number(v, self.lang),
                                       percent=lambda v, d=1: percent(v, self.lang, d),
                                       entity=lambda e: ENTITY_LABELS[self.lang].get(e, e)))


def _path(path: str) -> str:
    return shown(path, path=True)


def _column(file: FileSummary, column: str | None, in_name: bool, t: dict[str, str]) -> str:
    if in_name:
        return f"{t['in_name']} {describe(shown(column) if column is not None else None)}"
    if column is None:
        return t["lines"]
    return shown(column)


def build_page(files: object, totals: dict[str, object], exposure: Exposure | None, seconds: float,
               lang: str) -> Page:
    """The content of the page, from the scan's per-file summaries, totals and run exposure."""
    t = TEXTS[lang]
    summaries: list[FileSummary] = list(files)  # type: ignore[call-overload]
    page = Page(lang=lang, t=t, version=__version__, date=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
                seconds=f"{seconds:.1f}" if lang == "en" else f"{seconds:.1f}".replace(".", ","),
                totals=totals, exposure=exposure)
    _heat_and_columns(page, summaries, t)
    if exposure is not None and exposure.combinations:
        page.upset = charts.upset(exposure.combinations, BREACH_PROFILE)
        labels = ENTITY_LABELS[lang]
        page.entity_bars, page.entity_bars_height = charts.bars(exposure.by_entity, labels)
    risks = _risks(summaries, lang)
    page.risks, page.risks_more = risks[:MAX_RISK_ROWS], max(0, len(risks) - MAX_RISK_ROWS)
    _cnil(page, summaries, totals, exposure, lang)
    page.unreadable = [(_path(s.path), printable(p.message)) for s in summaries if s.fatal
                       for p in s.problems if p.fatal]
    page.method = t["method_text"].format(bound=number(EXACT_BOUND, lang),
                                          error=percent(1.04 / 2 ** (PRECISION / 2), lang, 2))
    return page


def _heat_and_columns(page: Page, summaries: list[FileSummary], t: dict[str, str]) -> None:
    found = {a.entity for s in summaries for a in s.aggregates.values()}
    page.entities = sorted(found, key=entity_order)
    heat_rows = 0
    column_rows = 0
    for summary in summaries:
        file = _path(summary.path)
        by_column: dict[str | None, dict[str, tuple[float | None, int]]] = {}
        for aggregate in summary.sorted_aggregates():
            if column_rows < MAX_COLUMN_ROWS:
                page.columns.append(ColumnRow(file, _column(summary, aggregate.column, aggregate.in_name, t),
                                              aggregate.entity, None if aggregate.in_name else aggregate.records,
                                              aggregate.share, aggregate.top_score, aggregate.example))
            column_rows += 1
            if not aggregate.in_name:
                by_column.setdefault(aggregate.column, {})[aggregate.entity] = (aggregate.share, aggregate.records)
        for column, cells in by_column.items():
            if heat_rows < MAX_HEAT_ROWS:
                page.heat.append(HeatRow(file, _column(summary, column, False, t),
                                         [cells.get(entity, (None, 0)) for entity in page.entities]))
            heat_rows += 1
    page.heat_more = max(0, heat_rows - MAX_HEAT_ROWS)
    page.columns_more = max(0, column_rows - MAX_COLUMN_ROWS)


def _risks(summaries: list[FileSummary], lang: str) -> list[RiskRow]:
    """The tables with k-anonymity figures, the most records alone in their class first."""
    out = []
    for summary in summaries:
        figures = summary.stats.exposure if summary.stats is not None else None
        k = figures.k_anonymity if figures is not None else None
        if k is None:
            continue
        out.append(RiskRow(
            file=_path(summary.path),
            quasi=[QUASI_LABELS[lang].get(q, q) for q in k.quasi_identifiers],
            records=k.records, classes=k.classes, k=k.k,
            shares={"unique": k.share_unique, "below_5": k.share_below_5, "below_10": k.share_below_10},
            segments=charts.stacked(k.share_unique, k.share_below_5, k.share_below_10),
            sampled_fraction=k.sampled_fraction,
        ))
    out.sort(key=lambda row: (-row.shares["unique"] * row.records, -row.records))
    return out


def _concerned(summary: FileSummary, t: dict[str, str], lang: str) -> str:
    """A file of the CNIL block: its path, and how many of its records hold personal data."""
    figures = summary.stats.exposure if summary.stats is not None else None
    if figures is None or not figures.records_with_personal_data:
        return _path(summary.path)
    return t["cnil_file_records"].format(path=_path(summary.path),
                                         records=number(figures.records_with_personal_data, lang))


def _cnil(page: Page, summaries: list[FileSummary], totals: dict[str, object], exposure: Exposure | None,
          lang: str) -> None:
    t = page.t
    entities = {a.entity for s in summaries for a in s.aggregates.values()}
    page.cnil_categories = [category.label(lang) for category in cnil.categories(entities)]
    if exposure is not None and exposure.persons.value:
        persons = exposure.persons
        key = "cnil_persons_estimated" if persons.estimated else "cnil_persons_value"
        persons_text = t[key].format(persons=number(persons.value, lang),
                                     error=percent(persons.relative_error, lang, 2))
    else:
        persons_text = t["cnil_persons_unknown"]
    records = exposure.records if exposure is not None else int(totals["records"])  # type: ignore[arg-type]
    with_data = exposure.records_with_personal_data if exposure is not None else int(
        totals["records_with_findings"])  # type: ignore[arg-type]
    breach = exposure.breach_profile_records if exposure is not None else 0
    concerned = [s for s in summaries if s.findings]
    listed = [_concerned(s, t, lang) for s in concerned[:MAX_CNIL_FILES]]
    if len(concerned) > MAX_CNIL_FILES:
        listed.append(t["cnil_files_more"].format(count=number(len(concerned) - MAX_CNIL_FILES, lang)))
    page.cnil_files = listed
    unreadable = int(totals["files_unreadable"])  # type: ignore[arg-type]
    page.cnil_lines = [
        (t["cnil_persons"], persons_text),
        (t["cnil_records"], t["cnil_records_value"].format(records_pd=number(with_data, lang),
                                                           records=number(records, lang),
                                                           breach=number(breach, lang))),
        (t["cnil_scan"], t["cnil_scan_value"].format(version=__version__, date=page.date,
                                                     files=number(int(totals["files"]) - unreadable, lang),  # type: ignore[arg-type]
                                                     unreadable=number(unreadable, lang))),
    ]
