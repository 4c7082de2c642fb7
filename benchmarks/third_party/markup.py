"""The development set's annotated sources: a readable mark-up, turned into the JSON lines the harness reads.

``benchmarks/data/third_party/source/*.txt`` hold the texts with their annotations inline, so a reviewer can
read and correct them; ``python -m benchmarks.third_party.markup`` rebuilds
``benchmarks/data/third_party/fr_third_party.jsonl`` from them (``--check``: fail if it is out of date).

Format of a source file::

    @stdnum: python-stdnum, stdnum/fr/nir.py doctests (commit 006192e5), LGPL-2.1+
    === tp-nir-001
    source: vector from @stdnum, sentence written for leakguard
    kind: form
    ---
    N° SS : [[2 95 10 99 126 111 93|NIR]], né le [[3 mars 1901|DOB]]

``@name: ...`` lines (before the first record) name a source once; ``@name`` in a ``source:`` line is
replaced by it. A record runs from its ``=== id`` line to the next one; its text is every line after
``---``, blank lines at its end removed. ``[[surface|LABEL]]`` marks a span; labels are entity names or the
short forms of :data:`LABELS`. Every text is declared annotated for all the contract's entities.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from benchmarks.third_party.dataset import Span, Text, dump
from leakguard.findings import ENTITIES

DATA = Path(__file__).resolve().parents[1] / "data" / "third_party"
SOURCES = DATA / "source"
OUTPUT = DATA / "fr_third_party.jsonl"
LABELS = {
    "P": "PERSON", "DOB": "DATE_OF_BIRTH", "TEL": "PHONE_NUMBER", "MAIL": "EMAIL_ADDRESS", "IBAN": "IBAN_CODE",
    "NIR": "FR_NIR", "AMC": "FR_AMC", "MID": "FR_MUTUELLE_MEMBER_ID", "INS": "FR_HEALTH_INSURER",
    "GAR": "FR_HEALTH_GUARANTEE", **{name: name for name in ENTITIES},
}
_MARK = re.compile(r"\[\[([^|\n]+?)\|([A-Z_]+)\]\]")
_DEFINE = re.compile(r"@([a-z0-9_-]+):\s*(.+)")
_REFERENCE = re.compile(r"@([a-z0-9_-]+)")


class MarkupError(ValueError):
    pass


def unmark(marked: str, where: str) -> tuple[str, list[Span]]:
    """The plain text and its spans from ``[[surface|LABEL]]`` mark-up."""
    out: list[str] = []
    spans: list[Span] = []
    length = 0
    position = 0
    for match in _MARK.finditer(marked):
        before = marked[position : match.start()]
        out.append(before)
        length += len(before)
        surface, label = match.groups()
        if label not in LABELS:
            raise MarkupError(f"{where}: unknown label {label!r}")
        spans.append(Span(length, length + len(surface), LABELS[label]))
        out.append(surface)
        length += len(surface)
        position = match.end()
    out.append(marked[position:])
    text = "".join(out)
    if "[[" in text or "]]" in text:
        raise MarkupError(f"{where}: unbalanced or malformed mark-up")
    return text, spans


def parse(path: Path) -> list[Text]:
    """The texts of one source file."""
    reader = _Reader(path)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        reader.read(number, line)
    reader.close()
    return reader.texts


class _Reader:
    """One source file, line by line: the ``@name`` definitions, then records of headers and a text."""

    def __init__(self, path: Path):
        self.path = path
        self.defines: dict[str, str] = {}
        self.texts: list[Text] = []
        self.record: dict | None = None

    def read(self, number: int, line: str) -> None:
        if line.startswith("=== "):
            self.close()
            self.record = {"id": line[4:].strip(), "line": number}
        elif self.record is None:
            self._preamble(number, line)
        elif "body" in self.record:
            self.record["body"].append(line)
        else:
            self._header(number, line)

    def close(self) -> None:
        """The record read so far, as a text."""
        record = self.record
        if record is None:
            return
        where = f"{self.path.name}:{record['line']} ({record['id']})"
        if "body" not in record:
            raise MarkupError(f"{where}: no '---' line before the text")
        body = "\n".join(record["body"]).rstrip("\n")
        text, spans = unmark(body, where)
        if not text.strip():
            raise MarkupError(f"{where}: empty text")
        if "source" not in record:
            raise MarkupError(f"{where}: no 'source:' line")
        extra = {"kind": record["kind"]} if "kind" in record else {}
        self.texts.append(Text(record["id"], text, tuple(spans), record["source"], frozenset(ENTITIES), extra))

    def _preamble(self, number: int, line: str) -> None:
        if match := _DEFINE.fullmatch(line.strip()):
            self.defines[match.group(1)] = match.group(2).strip()
        elif line.strip() and not line.startswith("#"):
            raise MarkupError(f"{self.path.name}:{number}: text before the first '=== id' line")

    def _header(self, number: int, line: str) -> None:
        assert self.record is not None
        if line.strip() == "---":
            self.record["body"] = []
        elif line.startswith("source:"):
            self.record["source"] = _REFERENCE.sub(lambda m: self._source(number, m), line[len("source:"):].strip())
        elif line.startswith("kind:"):
            self.record["kind"] = line[len("kind:"):].strip()
        elif line.strip():
            raise MarkupError(f"{self.path.name}:{number}: unexpected header line {line!r}")

    def _source(self, number: int, reference: re.Match) -> str:
        if reference.group(1) not in self.defines:
            raise MarkupError(f"{self.path.name}:{number}: undefined source @{reference.group(1)}")
        return self.defines[reference.group(1)]


def build(sources: Path = SOURCES) -> str:
    """The JSON lines of every source file, in file-name order."""
    texts = [t for path in sorted(sources.glob("*.txt")) for t in parse(path)]
    ids = [t.id for t in texts]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise MarkupError(f"duplicate ids: {', '.join(duplicates)}")
    return dump(texts)


@click.command()
@click.option("--check", is_flag=True, help="Fail if the JSON lines file is not what the sources give.")
def main(check: bool) -> None:
    """Rebuild benchmarks/data/third_party/fr_third_party.jsonl from its annotated sources."""
    try:
        built = build()
    except MarkupError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    if check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != built:
            click.echo(f"{OUTPUT} is out of date: run python -m benchmarks.third_party.markup", err=True)
            sys.exit(1)
        return
    OUTPUT.write_text(built, encoding="utf-8")
    click.echo(f"wrote {OUTPUT} ({built.count(chr(10))} texts)")


if __name__ == "__main__":
    main()
