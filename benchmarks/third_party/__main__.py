"""``python -m benchmarks.third_party [FILE.jsonl ...]``: detection quality on French text written by others.

    python -m benchmarks.third_party                                   # the sets in benchmarks/data/third_party
    python -m benchmarks.third_party ../shared/eval/fr_text_dev.jsonl \\
        --entities PERSON,DATE_OF_BIRTH,PHONE_NUMBER,EMAIL_ADDRESS,FR_NIR
    python -m benchmarks.third_party --no-ner --show-errors --json out.json
    python -m benchmarks.third_party ../shared/eval/fr_text_dev.jsonl --swap-names 7   # names from elsewhere
    python -m benchmarks.third_party ../shared/eval/fr_text_dev.jsonl --upper           # all in capitals
    python -m benchmarks.third_party ../shared/eval/fr_text_dev.jsonl --lower           # all in small letters
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from benchmarks.third_party import report
from benchmarks.third_party.dataset import DatasetError, load
from benchmarks.third_party.scan import scan_dataset
from benchmarks.third_party.scoring import score
from benchmarks.third_party.variants import lower_cased, swap_names, upper_cased
from leakguard.findings import ENTITIES

DATA = Path(__file__).resolve().parents[1] / "data" / "third_party"


def _entities(_ctx: click.Context, _param: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in ENTITIES]
    if not names or unknown:
        raise click.BadParameter(f"comma-separated entity names among {', '.join(ENTITIES)}")
    return names


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-ner", is_flag=True, help="Scan without the NER model (leakguard scan --no-ner).")
@click.option("--entities", callback=_entities,
              help="Entities the files annotate, for files that do not declare them (comma-separated).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the scores, timings and errors to this JSON file.")
@click.option("--show-errors", is_flag=True, help="Print every miss and false positive with its context.")
@click.option("--swap-names", "swap_seed", type=int, metavar="SEED",
              help="Swap each one-word name for a name from another country first (third_party/variants.py).")
@click.option("--upper", is_flag=True, help="Score the texts written all in capitals (third_party/variants.py).")
@click.option("--lower", is_flag=True, help="Score the texts written all in small letters (third_party/variants.py).")
def main(files: tuple[Path, ...], no_ner: bool, entities: list[str] | None, json_out: Path | None,
         show_errors: bool, swap_seed: int | None, upper: bool, lower: bool) -> None:
    """Score `leakguard scan` on annotated third-party French texts, one text file per text."""
    paths = list(files) or sorted(DATA.glob("*.jsonl"))
    results = []
    for path in paths:
        try:
            dataset = load(path, entities)
        except DatasetError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
        if swap_seed is not None:
            dataset = swap_names(dataset, swap_seed)
        if upper:
            dataset = upper_cased(dataset)
        if lower:
            dataset = lower_cased(dataset)
        run = scan_dataset(dataset, ner=not no_ner)
        result = score(dataset, run.findings)
        mode = "no NER" if no_ner else "NER"
        click.echo(f"\n### {dataset.name} ({len(dataset.texts)} texts, {mode})\n")
        click.echo(f"`{' '.join(run.command[2:])}` in {run.seconds:.1f} s "
                   f"(exit {run.exit_code}, {len(run.findings)} findings); entities scored: "
                   f"{', '.join(sorted(dataset.default_entities))} ({dataset.entities_from})\n")
        click.echo(report.table(result))
        click.echo("\n" + report.negatives_line(result))
        if line := report.unverifiable_line(result):
            click.echo(line)
        for problem in run.problems:
            click.echo(f"warning: {problem}", err=True)
        if show_errors:
            click.echo(report.errors(result, dataset))
        results.append({
            "dataset": str(path), "swap_names_seed": swap_seed, "upper": upper, "lower": lower,
            "texts": len(dataset.texts), "ner": not no_ner, "seconds": round(run.seconds, 2),
            "command": run.command[2:], "exit_code": run.exit_code, "entities": sorted(dataset.default_entities),
            "entities_from": dataset.entities_from, "problems": run.problems,
            "rows": {name: {**asdict(row), "recall": row.recall, "precision": row.precision,
                            "char_recall": row.char_recall, "char_precision": row.char_precision}
                     for name, row in result.rows.items()},
            "negatives": result.negatives, "negatives_flagged": result.negatives_flagged,
            "negatives_flagged_any": result.negatives_flagged_any,
            "errors": [asdict(e) for e in result.errors],
        })
    if json_out is not None:
        json_out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
