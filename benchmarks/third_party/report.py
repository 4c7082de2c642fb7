"""Markdown tables of a dataset's scores, and the errors in their text context (for development)."""

from __future__ import annotations

from collections.abc import Iterable

from benchmarks.third_party.dataset import Dataset
from benchmarks.third_party.scoring import NIR_INVALID_NAMED, NIR_SPLIT, Error, Row, Score

CONTEXT = 40


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _row(row: Row) -> str:
    if row.gold is None:
        return f"| {row.name} | n/a | | n/a | {row.unverifiable} unverifiable | | | |"
    split = row.name in NIR_SPLIT
    char = ("", "") if split else (_ratio(row.char_recall), _ratio(row.char_precision))
    findings = "" if row.name == NIR_INVALID_NAMED else row.findings  # recall only: no finding names its reason
    return (f"| {row.name} | {row.gold} | {row.found} | {_ratio(row.recall)} | {findings} | "
            f"{_ratio(row.precision)} | {char[0]} | {char[1]} |")


def table(score: Score) -> str:
    """Entity, gold spans, gold spans found, recall, findings, precision, character recall and precision."""
    lines = ["| entity | gold | found | recall | findings | precision | char recall | char precision |",
             "|---|--:|--:|--:|--:|--:|--:|--:|"]
    lines += [_row(row) for row in score.rows.values()]
    total = score.total
    lines.append(f"| all (annotated entities) | {total.gold} | {total.found} | {_ratio(total.recall)} | "
                 f"{total.findings} | {_ratio(total.precision)} | | |")
    return "\n".join(lines)


def negatives_line(score: Score) -> str:
    if not score.negatives:
        return "Texts without personal data: none in this dataset."
    share = score.negatives_flagged / score.negatives
    line = (f"Texts without personal data: {score.negatives} of {score.texts}; "
            f"{score.negatives_flagged} got a finding of an annotated entity ({share:.1%}, target <= 5%)")
    if score.negatives_flagged_any != score.negatives_flagged:
        line += f", {score.negatives_flagged_any} a finding of any entity"
    return line + "."


def unverifiable_line(score: Score) -> str:
    counts = score.unverifiable
    if not counts:
        return ""
    listed = ", ".join(f"{name} {n}" for name, n in counts.items())
    return (f"Unverifiable findings (entities this dataset does not annotate, neither counted right nor wrong): "
            f"{listed}.")


def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT) : start]
    right = text[end : end + CONTEXT]
    snippet = f"{left}[[{text[start:end]}]]{right}"
    return snippet.replace("\r", "").replace("\n", " ⏎ ")


def errors(score: Score, dataset: Dataset, kinds: Iterable[str] = ("miss", "false_positive", "unverifiable")) -> str:
    """Every miss, false positive (and unverifiable finding) with its text around it, grouped by entity."""
    texts = {t.id: t.text for t in dataset.texts}
    titles = {"miss": "Missed", "false_positive": "False positives", "unverifiable": "Unverifiable"}
    out: list[str] = []
    for kind in kinds:
        chosen: list[Error] = sorted((e for e in score.errors if e.kind == kind),
                                     key=lambda e: (e.entity, e.text_id, e.start))
        if not chosen:
            continue
        out.append(f"\n#### {titles[kind]} ({len(chosen)})")
        entity = None
        for e in chosen:
            if e.entity != entity:
                entity = e.entity
                out.append(f"\n{entity}:")
            note = f" ({e.note})" if e.note else ""
            out.append(f"- {e.text_id}{note}: {_context(texts[e.text_id], e.start, e.end)}")
    return "\n".join(out)
