"""What leakguard says about one entity besides finding it: one record per entity, in the entity's module.

Detection rules live on :class:`~recognizers.spec.EntitySpec`; everything else about an entity — how it wins
an overlap, how much of it a masked preview keeps, its pseudonym's prefix and default operator, its SARIF
rule, its name in the HTML report — lives on its :class:`EntityRecord`, read by the detector, the previews,
the pseudonymiser and the reports. None of them names an entity: adding one is adding a module with its
``SPEC`` and ``RECORD`` and listing it in :func:`recognizers.all_records`.

SARIF 2.1.0 (OASIS) ``reportingDescriptor``: ``id``, ``name``, ``shortDescription``, ``fullDescription``,
``defaultConfiguration.level``; ``properties.security-severity`` is GitHub code scanning's 0-10 score
(Critical from 9.0, High from 7.0, Medium from 4.0).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SarifRule:
    """An entity's SARIF rule. ``id`` is stable: code-scanning tools key alerts on it, never change or reuse
    one."""

    id: str
    name: str
    level: str
    security_severity: str
    short: str
    full: str


@dataclass(frozen=True)
class EntityRecord:
    """One entity's facts outside detection.

    >>> from recognizers import nir
    >>> nir.RECORD.token_prefix, nir.RECORD.sarif.id, nir.RECORD.preview_keep
    ('NIR_', 'LG-FR-NIR', 5)
    """

    #: the contract name (``FR_NIR``)
    name: str
    #: rank when two overlapping findings tie on score: lower wins (checkable identifiers first)
    priority: int
    #: leading letters or digits a masked preview keeps (``1 85 05 •• ••• ••• ••``: 5 for a NIR)
    preview_keep: int
    #: the upper-case prefix of its keyed pseudonyms (``NIR_k3x7…``)
    token_prefix: str
    #: the pseudonymisation operator it gets unless ``--operator`` says otherwise
    default_operator: str
    #: the normal form its value is keyed on, so that ``06 12 34 56 78`` and ``+33612345678`` get one pseudonym:
    #: ``nir``, ``email``, ``phone``, ``iban``, ``identifier``, ``name``, ``date`` or ``text``
    #: (:mod:`leakguard.pseudonymise.normalise`)
    normal_form: str
    sarif: SarifRule
    #: its name in the HTML report, in French and in English
    label_fr: str
    label_en: str

    def label(self, language: str) -> str:
        """The entity's name in the report's ``language`` (``fr`` or ``en``)."""
        return self.label_en if language == "en" else self.label_fr
