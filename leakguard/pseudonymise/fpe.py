"""Format-preserving encryption of NIRs: FF1 (NIST SP 800-38G) with cycle-walking onto plausible NIRs.

``leakguard pseudonymise --operator FR_NIR=fpe`` replaces each NIR with another NIR that is syntactically
valid (right key, plausible structure: it passes :func:`recognizers.nir.is_valid`), written exactly the same
way (every separator and space at the same place, same case of ``2a``/``2b``), and that only the key holder can
turn back into the original (``leakguard reidentify``, byte for byte). Downstream systems that check NIRs keep
working, joins on the NIR keep working, and no real person's number appears. A NIR written without its key
(13 characters, the key in a column of its own) is encrypted the same way, to another 13-character body.

How a compact NIR ``S YYMM DD CCC OOO KK`` is encrypted:

1. The sex digit ``S`` (1/2 NIR, 3/4 NIA, 7/8 temporary numbers) and the letters of a Corsican département
   ``2A``/``2B`` are the *class* of the number: they are not part of the FF1 plaintext.
2. The other digits of the 13-digit body are the FF1 plaintext, radix 10: 12 digits ``YYMMDDCCCOOO``, or for
   Corsica the 10 digits ``YYMM`` + ``CCCOOO`` around the letters. The domains (10^12, 10^10) are far above
   the 10^6 minimum of SP 800-38G Rev. 1.
3. FF1 permutes *all* digit strings of that length; most images are plausible NIR bodies, some are not (month
   13, département 00, commune or order 000, ...). **Cycle-walking**: while the image is not plausible,
   encrypt again. Starting from a plausible body, the walk follows the FF1 cycle through it and stops at the
   next plausible body of that cycle, so it restricts the permutation to the plausible set, and it is still a
   permutation there; decryption walks the same cycle backwards (decrypt until plausible) and lands exactly
   on the original. About 84% of 12-digit strings are plausible, so a walk takes 1.2 FF1 calls on average.
4. With ``fpe:sex=random`` the sex digit is then swapped with its pair (1-2, 3-4, 7-8) when a keyed bit of
   the encrypted digits says so (HMAC-SHA256 under a sub-key of the FF1 key, :data:`SEX_LABEL`). Decryption
   reads the same bit from the same digits, swaps back, and then knows the tweak. The map is still a
   permutation (the bit depends only on what the output shows), and the output's sex digit is a keyed coin:
   it tells nothing about the person's. The kind of number (NIR, NIA, temporary) stays visible.
5. The key ``KK`` is recomputed for the new body, and the digits are written back into the original string,
   every other character left where it was.

What a format-preserving NIR still shows: the sex digit (unless ``sex=random``) and the kind of number, and
whether the person was born in Corsica (the letters stay; ``2A``/``2B`` in, ``2A``/``2B`` out). The year, month,
département, commune and order number are encrypted together: an overseas (97x/98x) or born-abroad (99)
NIR usually comes out as a metropolitan one, so the pseudonyms of a file do not keep its share of people
born overseas or abroad.

The plausibility rules used for walking (:func:`plausible_body`) are frozen here as part of a numbered
format, independently of :mod:`recognizers.nir`: a later change of the detector's rules must not change how
existing pseudonyms decrypt. Format 2 (the current one, :data:`FORMAT`) adds to format 1 the structure the
detector checks since: Corsica written 20 for births before 1976 and 2A/2B from 1976 (this century's years up
to :data:`CORSICA_RECENT_V2`, as the detector), the communes of each overseas département, countries 101-599
after 99. Pseudonyms of format 1 are still decrypted when the file says so (``fpe:format=1``, which reidentify reads
from a Parquet file's metadata). A test checks that every plausible body of the current format is a valid NIR
for the detector.

Tweak: FF1's tweak is public per-message data; here it is ``lgNIRv1:`` (leakguard, FR_NIR, version 1)
followed by the class (the sex digit and, for Corsica, ``2A``/``2B``). It is constant for the entity and
class, so equal NIRs give equal outputs (the point: joins keep working) and the class, kept in clear, is
there at decryption time. Putting the class into the tweak makes the permutations of different classes
independent: two numbers that differ only in their sex digit do not encrypt to two numbers that differ only
in their sex digit.

FF1 is a deterministic cipher: equal inputs give equal outputs, which is intended here. ``decrypt`` of a
valid NIR that was never encrypted returns some other valid NIR: nothing marks an output as encrypted, which
is why ``leakguard reidentify`` checks the key fingerprint recorded with the file.

Sources: NIST SP 800-38G (2016) and SP 800-38G Rev. 1 draft (FF1, domain minimum 10^6); Bellare, Ristenpart,
Rogaway, Stegers, "Format-Preserving Encryption" (SAC 2009) for cycle-walking; the NIR layout in
:mod:`recognizers.nir`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from ffx import FF1
from stdnum.exceptions import ValidationError

from recognizers import nir

#: The tweak prefix of each format, constant for the entity; the class (sex digit, Corsican letters) follows it.
#: At most 11 bytes in all, so that FF1's per-round block Q (tweak, round number, 3-byte half) fits in one AES
#: block: a longer tweak costs a second AES call per round (about 30% slower).
TWEAK_PREFIXES = {1: b"lgNIRv1:", 2: b"lgNIRv2:"}
#: The format of new pseudonyms.
FORMAT = 2
TWEAK_PREFIX = TWEAK_PREFIXES[FORMAT]
#: Format 2, frozen: two-digit years this century in which Corsica is written 2A/2B (2000-2030).
CORSICA_RECENT_V2 = 30
#: Format 2, frozen: communes of the overseas départements (INSEE COG), countries after 99.
OVERSEAS_COMMUNES_V2 = {"971": 34, "972": 34, "973": 62, "974": 24, "975": 2, "976": 17, "977": 1, "978": 1}
COUNTRIES_V2 = (101, 599)

#: What ``fpe:sex=…`` accepts: keep the sex digit, or swap it with its pair under a keyed bit.
SEX_CHOICES = ("keep", "random")
#: The label of the sub-key of the sex bit (HMAC-SHA256 of the FF1 key), part of the ``v1`` format.
SEX_LABEL = b"lgNIRv1 sex"
_SEX_PAIRS = {"1": "2", "2": "1", "3": "4", "4": "3", "7": "8", "8": "7"}
_BODY_RE = re.compile(r"[1-478]\d{4}(?:\d\d|2[AB])\d{6}")

#: Month fields of a plausible NIR: 01-12, 20-42 and 50-99 for an unknown month.
_MONTHS = frozenset(f"{m:02d}" for m in [*range(1, 13), *range(20, 43), *range(50, 100)])


class NotANir(ValueError):
    """The value given to :class:`NirCipher` is not a valid NIR (the message never holds the value)."""


def fpe_choices(arg: str | None) -> tuple[str, int]:
    """The sex choice and the format of an ``fpe`` operator argument: ``sex=keep`` (default) or ``sex=random``,
    and ``format=1`` or ``format=2`` (default, :data:`FORMAT`), separated by a comma.

    Raises ``ValueError`` with one line naming the allowed arguments.
    """
    sex, version = "keep", FORMAT
    for part in (arg or "").split(",") if arg else ():
        name, _, value = (item.strip().lower() for item in part.partition("="))
        if name == "sex" and value in SEX_CHOICES:
            sex = value
        elif name == "format" and value in {str(n) for n in TWEAK_PREFIXES}:
            version = int(value)
        else:
            raise ValueError(f"fpe takes sex=keep or sex=random, and format=1 for old pseudonyms (got fpe:{arg})")
    return sex, version


def sex_choice(arg: str | None) -> str:
    """The sex choice of an ``fpe`` operator argument: ``None`` or ``sex=keep`` -> keep, ``sex=random``."""
    return fpe_choices(arg)[0]


def plausible_body(sex: str, digits: str) -> bool:
    """Whether the 12 digits after a sex digit form a plausible NIR body (frozen ``v1`` rules).

    ``digits`` is ``YYMMDDCCCOOO``: month 01-12, 20-42 or 50-99; département not 00, nor 96 for a NIR of a
    person born before 1968 (sex 1 or 2; département 96, Tunisia, was closed then); for an overseas
    département 97x/98x the third digit is 1-9 and the 2-digit commune is not 00; otherwise the 3-digit
    commune is not 000; the order number is not 000.
    """
    if digits[2:4] not in _MONTHS or digits[9:12] == "000":
        return False
    dept = digits[4:6]
    if dept == "97" or dept == "98":
        return digits[6] != "0" and digits[7:9] != "00"
    if dept == "00" or (dept == "96" and sex in "12" and digits[0:2] < "68"):
        return False
    return digits[6:9] != "000"


def plausible_corsican_body(digits: str) -> bool:
    """Whether the 10 digits ``YYMM`` + ``CCCOOO`` around ``2A``/``2B`` are plausible (frozen ``v1``)."""
    return digits[2:4] in _MONTHS and digits[4:7] != "000" and digits[7:10] != "000"


def plausible_body_v2(sex: str, digits: str) -> bool:
    """:func:`plausible_body` and the structure of format 2 (frozen): no 20 for births from 1976, overseas
    communes in range, countries 101-599."""
    if not plausible_body(sex, digits):
        return False
    dept = digits[4:6]
    if dept == "20":
        return digits[0:2] < "76"
    if dept in ("97", "98"):
        return int(digits[7:9]) <= OVERSEAS_COMMUNES_V2.get(digits[4:7], 99)
    if dept == "99":
        return COUNTRIES_V2[0] <= int(digits[6:9]) <= COUNTRIES_V2[1]
    return True


def plausible_corsican_body_v2(digits: str) -> bool:
    """:func:`plausible_corsican_body` for births from 1976 and this century's to 2030 (frozen format 2)."""
    return plausible_corsican_body(digits) and (digits[0:2] >= "76" or int(digits[0:2]) <= CORSICA_RECENT_V2)


def cycle_walk(step: Callable[..., str], digits: str, tweak: bytes, plausible: Callable[[str], bool]) -> str:
    """Apply ``step`` (an FF1 encryption or decryption) until the result is ``plausible``.

    With ``plausible(digits)`` true, this is a permutation of the plausible set (encryption), and the same
    walk with the inverse step undoes it (decryption).
    """
    digits = step(digits, tweak=tweak)
    while not plausible(digits):
        digits = step(digits, tweak=tweak)
    return digits


class NirCipher:
    """FF1 over the digits of NIRs, cycle-walked onto plausible NIRs, in any written form.

    ``key`` is the FF1 key: 16, 24 or 32 bytes (AES-128/192/256); leakguard passes a 32-byte sub-key derived
    from the master key (:func:`leakguard.pseudonymise.keys.derive`). ``sex="random"`` also hides the sex
    digit (see the module docstring); ``"keep"`` (the default) keeps it.

    >>> cipher = NirCipher(bytes(32))
    >>> out = cipher.encrypt("2 95 10 99 126 111 93")
    >>> nir.is_valid(out), out[:2], out.count(" ")
    (True, '2 ', 6)
    >>> cipher.decrypt(out)
    '2 95 10 99 126 111 93'
    >>> body = cipher.encrypt("2951099126111")  # 13 characters: the key is in a column of its own
    >>> len(body), cipher.decrypt(body)
    (13, '2951099126111')
    """

    def __init__(self, key: bytes, *, sex: str = "keep", version: int = FORMAT):
        if sex not in SEX_CHOICES:
            raise ValueError(f"sex must be one of {', '.join(SEX_CHOICES)}")
        if version not in TWEAK_PREFIXES:
            raise ValueError(f"fpe format must be one of {', '.join(map(str, TWEAK_PREFIXES))}")
        self._ff1 = FF1(key, radix=10)
        self.sex = sex
        self.version = version
        self._sex_key = hmac.new(key, SEX_LABEL, hashlib.sha256).digest() if sex == "random" else b""

    def encrypt_compact(self, number: str) -> str:
        """Encrypt a valid compact NIR (15 characters, upper-case ``2A``/``2B``), or its 13-character body."""
        return _with_key(number, self._encrypt_body(number[:13]))

    def decrypt_compact(self, number: str) -> str:
        """Decrypt a compact NIR (or 13-character body) produced by :meth:`encrypt_compact`."""
        return _with_key(number, self._decrypt_body(number[:13]))

    def encrypt(self, value: str) -> str:
        """Encrypt the NIR (or 13-character body) written in ``value``, keeping its written form exactly.

        Raises :class:`NotANir`.
        """
        return _rewrite(value, self.encrypt_compact(_checked(value, self.version)))

    def decrypt(self, value: str) -> str:
        """Decrypt the NIR (or 13-character body) written in ``value``, keeping its written form exactly.

        Raises :class:`NotANir`.
        """
        return _rewrite(value, self.decrypt_compact(_checked(value, self.version)))

    def _encrypt_body(self, body: str) -> str:
        sex, digits, letters = _split(body)
        digits = cycle_walk(self._ff1.encrypt, digits, self._tweak(sex, letters), self._plausible(sex, letters))
        if self.sex == "random":
            sex = _flip(sex, self._sex_bit(digits, letters))
        return _join(sex, digits, letters)

    def _decrypt_body(self, body: str) -> str:
        sex, digits, letters = _split(body)
        if self.sex == "random":
            sex = _flip(sex, self._sex_bit(digits, letters))
        digits = cycle_walk(self._ff1.decrypt, digits, self._tweak(sex, letters), self._plausible(sex, letters))
        return _join(sex, digits, letters)

    def _tweak(self, sex: str, letters: str) -> bytes:
        return TWEAK_PREFIXES[self.version] + (sex + letters).encode("ascii")

    def _plausible(self, sex: str, letters: str) -> Callable[[str], bool]:
        return _plausible(sex, letters, self.version)

    def _sex_bit(self, digits: str, letters: str) -> int:
        """A keyed bit of the encrypted digits: whether the sex digit is swapped with its pair."""
        return hmac.new(self._sex_key, (letters + digits).encode("ascii"), hashlib.sha256).digest()[0] & 1


def _split(body: str) -> tuple[str, str, str]:
    """``(sex digit, the other digits, 2A/2B or "")`` of a 13-character body."""
    if body[5] == "2" and body[6] in "AB":
        return body[0], body[1:5] + body[7:13], body[5:7]
    return body[0], body[1:13], ""


def _join(sex: str, digits: str, letters: str) -> str:
    return sex + digits[:4] + letters + digits[4:] if letters else sex + digits


def _plausible(sex: str, letters: str, version: int = FORMAT) -> Callable[[str], bool]:
    if version == 1:
        return plausible_corsican_body if letters else (lambda digits: plausible_body(sex, digits))
    return plausible_corsican_body_v2 if letters else (lambda digits: plausible_body_v2(sex, digits))


def _flip(sex: str, bit: int) -> str:
    """``sex`` or its pair (1-2, 3-4, 7-8): the same kind of number (NIR, NIA, temporary), the other sex."""
    return _SEX_PAIRS[sex] if bit else sex


def _with_key(number: str, body: str) -> str:
    """``body`` followed by its key when ``number`` had one (15 characters), alone otherwise."""
    return body + nir.calc_check_digits(body) if len(number) == 15 else body


def _checked(value: str, version: int = FORMAT) -> str:
    """The compact form of the valid NIR (or NIR body) ``value`` whose body is plausible under the frozen rules.

    A body is the 13 characters of a NIR whose key sits in a column of its own: any plausible body has a key.
    """
    compact = "".join(value[i] for i in nir.number_positions(value)).upper()
    candidate = compact + nir.calc_check_digits(compact) if len(compact) == 13 and _BODY_RE.fullmatch(compact) \
        else compact
    try:
        number = nir.validate(candidate)
    except ValidationError:
        raise NotANir("not a valid NIR: fpe encrypts valid NIRs only") from None
    sex, digits, letters = _split(number)
    if not _plausible(sex, letters, version)(digits):
        raise NotANir(f"a NIR outside the rules of fpe format {version}: fpe encrypts plausible NIRs only")
    return number[: len(compact)]


def _rewrite(written: str, number: str) -> str:
    """``written`` with the NIR's own characters (:func:`recognizers.nir.number_positions`) replaced, in order,
    by those of the compact ``number``.

    Every other character stays where it is: separators, white space, the words of a key given apart
    (``1850578006084 clé : 91``), and the case of ``2a``/``2b`` (the letters are the class, kept by the cipher).
    So ``reidentify`` gives back exactly the bytes that were pseudonymised, however the NIR was grouped (an
    overseas NIR written in metropolitan groups, ``1 47 01 97 642 707 06``, stays so, both ways).
    """
    out = list(written)
    for position, i in enumerate(nir.number_positions(written)):
        if not written[i].isalpha():
            out[i] = number[position]
    return "".join(out)
