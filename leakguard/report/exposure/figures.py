"""The exposure figures of a table or of a whole run, and their JSON form (the ``exposure`` objects)."""

from __future__ import annotations

from dataclasses import dataclass

from leakguard.report.exposure.distinct import DistinctCount
from leakguard.report.exposure.kanonymity import KAnonymity
from leakguard.report.exposure.records import BREACH_PROFILE

#: Combinations listed in the machine formats (the most frequent first); the others are counted.
COMBINATIONS_SHOWN = 32


@dataclass(frozen=True)
class Combination:
    """Records holding exactly these entities (and no other)."""

    entities: tuple[str, ...]
    records: int


@dataclass(frozen=True)
class Exposure:
    """What a table (or a run) exposes, record by record.

    ``combinations`` are ranked by records (then by more entities first); records without personal data are
    not a combination. ``persons`` counts distinct NIRs. ``k_anonymity`` is set for tables with
    quasi-identifiers, never for a run.
    """

    records: int
    records_with_personal_data: int
    by_entity: dict[str, int]
    breach_profile_records: int
    combinations: tuple[Combination, ...]
    persons: DistinctCount
    k_anonymity: KAnonymity | None = None

    def to_dict(self) -> dict[str, object]:
        """The ``exposure`` object of the ``json`` and ``jsonl`` formats."""
        shown = self.combinations[:COMBINATIONS_SHOWN]
        return {
            "records": self.records,
            "records_with_personal_data": self.records_with_personal_data,
            "by_entity": dict(self.by_entity),
            "breach_profile": list(BREACH_PROFILE),
            "breach_profile_records": self.breach_profile_records,
            "persons": self.persons.value,
            "persons_estimate": self.persons.to_dict(),
            "combinations": [{"entities": list(c.entities), "records": c.records} for c in shown],
            "combinations_omitted": len(self.combinations) - len(shown),
            "k_anonymity": self.k_anonymity.to_dict() if self.k_anonymity is not None else None,
        }
