"""What a CNIL notification asks for (GDPR art. 33(3)(a)), from the figures of a scan.

The notification names the *categories* of personal data concerned, the approximate number of persons and
the approximate number of records. :data:`CATEGORIES` maps each entity to the category the CNIL's
notification form uses for it (in French, and in English for ``--lang en``); :func:`categories` lists the
categories of the entities found, in the form's order. The numbers come from :mod:`leakguard.report.exposure`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One category of the notification form, and what leakguard found of it."""

    key: str
    fr: str
    en: str
    entities: tuple[str, ...]

    def label(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


#: The categories, in the order of the notification form.
CATEGORIES: tuple[Category, ...] = (
    Category("identity", "État civil, identité, données d'identification (nom, prénom, date de naissance)",
             "Civil status, identity, identification data (name, first name, date of birth)",
             ("PERSON", "DATE_OF_BIRTH")),
    Category("nir", "Numéro de sécurité sociale (NIR)", "Social security number (NIR)", ("FR_NIR",)),
    Category("health", "Données de santé / complémentaire santé (organisme complémentaire, numéro AMC, "
                       "numéro d'adhérent, garanties du contrat)",
             "Health data / complementary health insurance (insurer, AMC number, member number, contract "
             "guarantees)",
             ("FR_HEALTH_INSURER", "FR_AMC", "FR_MUTUELLE_MEMBER_ID", "FR_HEALTH_GUARANTEE")),
    Category("contact", "Coordonnées (adresse électronique, numéro de téléphone)",
             "Contact details (e-mail address, telephone number)", ("EMAIL_ADDRESS", "PHONE_NUMBER")),
    Category("bank", "Données bancaires (IBAN)", "Bank details (IBAN)", ("IBAN_CODE",)),
)
#: Entities of no category above (added after this table was written).
OTHER = Category("other", "Autres données personnelles", "Other personal data", ())


def categories(entities: Iterable[str]) -> list[Category]:
    """The categories of ``entities``, in the form's order (:data:`OTHER` last, for unknown entities)."""
    found = set(entities)
    out = [category for category in CATEGORIES if found.intersection(category.entities)]
    known = {entity for category in CATEGORIES for entity in category.entities}
    if found - known:
        out.append(OTHER)
    return out
