"""Annotated texts: reading and checking the JSON lines format of ``shared/eval`` and of ``benchmarks/data``.

One JSON object per line::

    {"id": "...", "text": "...", "spans": [[start, end, "ENTITY"], ...], "source": "...",
     "entities": ["PERSON", ...]}                  # optional: the entities this text is annotated for

Offsets are Python ``str`` indices into ``text`` (which may hold newlines). ``entities`` says which entities
the annotators looked for: a finding of another entity can be neither right nor wrong there. A line without
``text`` whose only content is ``entities`` (a header) declares them for every line of the file that does
not declare its own. Without any declaration, the entities a dataset annotates are taken to be those found in
its gold spans (``--entities`` on the command line overrides that).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from leakguard.findings import ENTITIES

#: Ids become file names (``<id>.txt``): keep them to characters that are safe everywhere.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class DatasetError(ValueError):
    """A line of a dataset that cannot be scored; the message names the file and the line."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity: str


@dataclass(frozen=True)
class Text:
    id: str
    text: str
    spans: tuple[Span, ...]
    source: str = ""
    #: entities this text is annotated for; ``None``: not declared (the dataset decides)
    entities: frozenset[str] | None = None
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Dataset:
    name: str
    texts: tuple[Text, ...]
    #: entities scored for texts that declare none
    default_entities: frozenset[str]
    #: where ``default_entities`` came from: "declared", "option" or "gold"
    entities_from: str

    def scored_entities(self, text: Text) -> frozenset[str]:
        return text.entities if text.entities is not None else self.default_entities


def _entities(value: object, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise DatasetError(f"{where}: 'entities' must be a list of entity names")
    unknown = sorted(set(value) - set(ENTITIES))
    if unknown:
        raise DatasetError(f"{where}: unknown entity {unknown[0]}; known: {', '.join(ENTITIES)}")
    return frozenset(value)


def parse_text(record: dict, where: str) -> Text:
    """One annotated text from its JSON object; raises :class:`DatasetError` on anything inconsistent."""
    for key, kind in (("id", str), ("text", str), ("spans", list)):
        if not isinstance(record.get(key), kind):
            raise DatasetError(f"{where}: '{key}' missing or not a {kind.__name__}")
    text_id, text = record["id"], record["text"]
    if not ID_PATTERN.fullmatch(text_id):
        raise DatasetError(f"{where}: id {text_id!r} is not usable as a file name ({ID_PATTERN.pattern})")
    spans = []
    for item in record["spans"]:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], int) and isinstance(item[1], int)):
            raise DatasetError(f"{where}: span {item!r} is not [start, end, entity]")
        start, end, entity = item
        if not 0 <= start < end <= len(text):
            raise DatasetError(f"{where}: span {item!r} is outside the text ({len(text)} characters)")
        if entity not in ENTITIES:
            raise DatasetError(f"{where}: span {item!r} has an unknown entity")
        spans.append(Span(start, end, entity))
    declared = _entities(record["entities"], where) if "entities" in record else None
    if declared is not None and any(s.entity not in declared for s in spans):
        raise DatasetError(f"{where}: a span's entity is not among the declared 'entities'")
    extra = {k: v for k, v in record.items() if k not in {"id", "text", "spans", "source", "entities"}}
    return Text(text_id, text, tuple(sorted(spans, key=lambda s: (s.start, s.end))),
                str(record.get("source", "")), declared, extra)


def load(path: Path, entities: Iterable[str] | None = None) -> Dataset:
    """Read a JSON lines dataset; ``entities`` (from the command line) declares what texts without a
    declaration are annotated for."""
    texts: list[Text] = []
    header: frozenset[str] | None = None
    seen: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DatasetError(f"{where}: invalid JSON ({error.msg})") from None
            if not isinstance(record, dict):
                raise DatasetError(f"{where}: not a JSON object")
            if "text" not in record and "entities" in record:
                header = _entities(record["entities"], where)
                continue
            text = parse_text(record, where)
            if text.id in seen:
                raise DatasetError(f"{where}: duplicate id {text.id!r}")
            seen.add(text.id)
            texts.append(text)
    if entities is not None:
        default, origin = _entities(list(entities), "--entities"), "option"
    elif header is not None:
        default, origin = header, "declared"
    elif texts and all(t.entities is not None for t in texts):
        default, origin = frozenset().union(*(t.entities for t in texts)), "declared"
    else:
        default, origin = frozenset(s.entity for t in texts for s in t.spans), "gold"
    return Dataset(path.name, tuple(texts), default, origin)


def dump(texts: Sequence[Text]) -> str:
    """The JSON lines of ``texts`` (one object per line, keys in a stable order)."""
    out = []
    for t in texts:
        record: dict = {"id": t.id, "text": t.text, "spans": [[s.start, s.end, s.entity] for s in t.spans],
                        "source": t.source}
        if t.entities is not None:
            record["entities"] = sorted(t.entities, key=ENTITIES.index)
        record.update(t.extra)
        out.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(out) + "\n"
