"""Synthetic beneficiaries: coherent people with names, birth, NIR, contact and insurance.

A :class:`Person` is consistent the way real records are: the NIR's sex digit matches the sex (1/3/7 men,
2/4/8 women), its year and month match the date of birth (unless the NIR has a pseudo-month), married women
often use another name than their birth name, the e-mail is derived from the name, the member number has
the format of the insurer, the AMC number is one of the insurer's, and children (ayants droit) share their
parent's name, insurer and member number.

Names and addresses come from Faker ``fr_FR`` (seeded), drawn once into pools (:func:`name_pools`) that are
then combined with a plain ``random.Random``: Faker's French lists are short (about 400 surnames, 200 first
names), so compound first names (``Jean-Marc``) and double surnames (``Martin-Roux``) widen them, and calling
Faker per person would be slow. The same pools serve :mod:`synthetic.tables`.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import unicodedata
from dataclasses import dataclass

from faker import Faker

from synthetic import identifiers as ids

#: Webmail domains and their weights, for e-mails derived from names.
EMAIL_DOMAINS = ("gmail.com", "orange.fr", "wanadoo.fr", "free.fr", "hotmail.fr", "yahoo.fr", "laposte.net",
                 "sfr.fr", "outlook.fr", "icloud.com", "bbox.fr", "live.fr")  # fmt: skip
EMAIL_DOMAIN_WEIGHTS = (30, 14, 8, 10, 9, 7, 5, 4, 5, 3, 2, 3)


@dataclass(frozen=True)
class NamePools:
    """Names and addresses drawn from Faker ``fr_FR``, with ASCII forms for e-mails."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    last: tuple[str, ...]
    #: (street, postcode, city)
    addresses: tuple[tuple[str, str, str], ...]


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@functools.cache
def name_pools(seed: int = 0) -> NamePools:
    """Pools of names and addresses, the same for the same ``seed`` (and Faker version)."""
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    male = list(_unique([fake.first_name_male() for _ in range(600)]))
    female = list(_unique([fake.first_name_female() for _ in range(800)]))
    last = list(_unique([fake.last_name() for _ in range(3000)]))
    male += [f"{rng.choice(('Jean', 'Pierre', 'Paul', 'Louis'))}-{rng.choice(male)}" for _ in range(60)]
    female += [f"{rng.choice(('Marie', 'Anne', 'Marie'))}-{rng.choice(female)}" for _ in range(60)]
    last += [f"{rng.choice(last)}-{rng.choice(last)}" for _ in range(300)]
    addresses = tuple((fake.street_address(), fake.postcode(), fake.city()) for _ in range(1000))
    return NamePools(_unique(male), _unique(female), _unique(last), addresses)


def ascii_fold(text: str) -> str:
    """``"Lefèvre-D'Hôte"`` -> ``"lefevre-dhote"``: lower case, no accents, letters, digits and hyphens."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "- "))
    return kept.lower().replace(" ", "-")


def email_of(rng: random.Random, first: str, last: str) -> str:
    """An e-mail address derived from a name: ``marie.martin``, ``m.martin``, ``martinmarie85``..."""
    f, l = ascii_fold(first), ascii_fold(last)  # noqa: E741
    local = rng.choice((f"{f}.{l}", f"{f}.{l}", f"{f[:1]}.{l}", f"{f}{l}", f"{l}.{f}", f"{f}_{l}"))
    if rng.random() < 0.35:
        local += str(rng.randint(1, 99))
    return f"{local}@{rng.choices(EMAIL_DOMAINS, EMAIL_DOMAIN_WEIGHTS)[0]}"


@dataclass(frozen=True)
class Person:
    """One synthetic beneficiary. ``nir`` is compact; ``phone`` national compact; ``iban`` compact."""

    female: bool
    first_name: str
    last_name: str  # name of use
    birth_name: str | None  # only when it differs from ``last_name``
    birth_date: dt.date
    nir: str
    phone: str
    email: str
    street: str
    postcode: str
    city: str
    insurer: str
    amc: str
    member_id: str
    guarantees: str
    iban: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def civility(self) -> str:
        return "Mme" if self.female else "M."


class PersonFactory:
    """Makes coherent people from one seed: ``PersonFactory(7).person()`` is the same on every run."""

    def __init__(self, seed: int = 0):
        self.rng = random.Random(seed)
        self.pools = name_pools(seed)

    def person(
        self,
        *,
        female: bool | None = None,
        birth: dt.date | None = None,
        last_name: str | None = None,
        insurer: str | None = None,
        member_id: str | None = None,
    ) -> Person:
        rng, pools = self.rng, self.pools
        if female is None:
            female = rng.random() < 0.52
        if birth is None:
            birth = ids.birth_date(rng, start=1935, end=2023)
        first = rng.choice(pools.female if female else pools.male)
        own = last_name or rng.choice(pools.last)
        birth_name = None
        if female and last_name is None and birth.year < 2000 and rng.random() < 0.45:
            married = rng.choice(pools.last)
            if married != own:
                birth_name, own = own, married
        insurer = insurer or ids.insurer(rng)
        street, postcode, city = rng.choice(pools.addresses)
        return Person(
            female=female,
            first_name=first,
            last_name=own,
            birth_name=birth_name,
            birth_date=birth,
            nir=ids.nir(rng, female=female, birth=birth),
            phone=ids.phone(rng),
            email=email_of(rng, first, own),
            street=street,
            postcode=postcode,
            city=city,
            insurer=insurer,
            amc=ids.amc_for(rng, insurer),
            member_id=member_id or ids.member_id(rng, insurer),
            guarantees=ids.guarantees(rng),
            iban=ids.iban_fr(rng),
        )

    def child_of(self, parent: Person) -> Person:
        """An ayant droit: born 20 to 40 years after ``parent``, same name, insurer and member number."""
        start = min(parent.birth_date.year + 20, 2024)  # never born in the future
        year = self.rng.randint(start, max(start, min(start + 20, 2024)))
        birth = ids.birth_date(self.rng, start=year, end=year)
        return self.person(birth=birth, last_name=parent.last_name, insurer=parent.insurer, member_id=parent.member_id)


def people(n: int, seed: int = 0) -> list[Person]:
    """``n`` coherent people."""
    factory = PersonFactory(seed)
    return [factory.person() for _ in range(n)]
