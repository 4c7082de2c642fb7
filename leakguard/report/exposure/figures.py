"""The exposure figures of a table or of a whole run, and their JSON forms: the ``exposure`` objects of the
reports, and the complete form ``--state`` keeps of a file (:meth:`Exposure.to_state`)."""

from __future__ import annotations

import base64
import dataclasses
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

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
    quasi-identifiers, never for a run. ``persons_registers``: the HyperLogLog registers of the table's keyed
    NIR identifiers, kept with ``--state`` (and only then) to count the persons of a run that does not read
    the table again.
    """

    records: int
    records_with_personal_data: int
    by_entity: dict[str, int]
    breach_profile_records: int
    combinations: tuple[Combination, ...]
    persons: DistinctCount
    k_anonymity: KAnonymity | None = None
    persons_registers: np.ndarray | None = field(default=None, compare=False, repr=False)

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

    def to_state(self) -> dict[str, Any]:
        """Everything, for the state of an incremental scan: all the combinations, the unrounded k-anonymity
        figures, the persons' registers (compressed: a small file sets few of them). Counts only, no value."""
        registers = self.persons_registers
        return {
            "records": self.records,
            "records_with_personal_data": self.records_with_personal_data,
            "by_entity": dict(self.by_entity),
            "breach_profile_records": self.breach_profile_records,
            "combinations": [[list(c.entities), c.records] for c in self.combinations],
            "persons": dataclasses.asdict(self.persons),
            "k_anonymity": dataclasses.asdict(self.k_anonymity) if self.k_anonymity is not None else None,
            "persons_registers": None if registers is None
            else base64.b64encode(zlib.compress(registers.tobytes(), 9)).decode("ascii"),
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Exposure:
        """The figures :meth:`to_state` wrote."""
        k_anonymity = data["k_anonymity"]
        registers = data["persons_registers"]
        return cls(
            records=data["records"],
            records_with_personal_data=data["records_with_personal_data"],
            by_entity=dict(data["by_entity"]),
            breach_profile_records=data["breach_profile_records"],
            combinations=tuple(Combination(tuple(entities), records) for entities, records in data["combinations"]),
            persons=DistinctCount(**data["persons"]),
            k_anonymity=None if k_anonymity is None else KAnonymity(
                **{**k_anonymity, "quasi_identifiers": tuple(k_anonymity["quasi_identifiers"])}),
            persons_registers=None if registers is None
            else np.frombuffer(zlib.decompress(base64.b64decode(registers)), np.uint8).copy(),
        )
