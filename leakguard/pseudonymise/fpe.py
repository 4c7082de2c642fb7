"""Format-preserving encryption of NIRs: FF1 (NIST SP 800-38G) with cycle-walking onto plausible NIRs.

``leakguard pseudonymise --operator FR_NIR=fpe`` replaces each NIR with another NIR that is syntactically
valid (right key, plausible structure: it passes :func:`recognizers.nir.is_valid`), written the same way (same
separators at the same positions, same case of ``2a``/``2b``), and that only the key holder can turn back
into the original (``leakguard reidentify``). Downstream systems that check NIRs keep working, joins on the
NIR keep working, and no real person's number appears.

How a compact NIR ``S YYMM DD CCC OOO KK`` is encrypted:

1. The sex digit ``S`` (1/2 NIR, 3/4/7/8 NIA and temporary numbers) stays in clear, and so do the letters of a
   Corsican département ``2A``/``2B``: they are the *class* of the number.
2. The other digits of the 13-digit body are the FF1 plaintext, radix 10: 12 digits ``YYMMDDCCCOOO``, or for
   Corsica the 10 digits ``YYMM`` + ``CCCOOO`` around the letters. The domains (10^12, 10^10) are far above
   the 10^6 minimum of SP 800-38G Rev. 1.
3. FF1 permutes *all* digit strings of that length; most images are plausible NIR bodies, some are not (month
   13, département 00, commune or order 000, ...). **Cycle-walking**: while the image is not plausible,
   encrypt again. Starting from a plausible body, the walk follows the FF1 cycle through it and stops at the
   next plausible body of that cycle, so it restricts the permutation to the plausible set, and it is still a
   permutation there; decryption walks the same cycle backwards (decrypt until plausible) and lands exactly
   on the original. About 84% of 12-digit strings are plausible, so a walk takes 1.2 FF1 calls on average.
4. The key ``KK`` is recomputed for the new body, and the digits are written back into the original string.

The plausibility rules used for walking (:func:`plausible_body`) are frozen here as part of the ``v1`` format,
independently of :mod:`recognizers.nir`: a later change of the detector's rules must not change how existing
pseudonyms decrypt. A test checks that every plausible body is a valid NIR for the detector.

Tweak: FF1's tweak is public per-message data; here it is ``lgNIRv1:`` (leakguard, FR_NIR, version 1)
followed by the class (the sex digit and, for Corsica, ``2A``/``2B``). It is constant for the entity and
class, so equal NIRs give equal outputs (the point: joins keep working) and the class, kept in clear, is
there at decryption time. Putting the class into the tweak makes the permutations of different classes
independent: two numbers that differ only in their sex digit do not encrypt to two numbers that differ only
in their sex digit.

FF1 is a deterministic cipher: equal inputs give equal outputs, which is intended here, and the class (sex
digit, Corsica) is visible in the output. ``decrypt`` of a valid NIR that was never encrypted returns some
other valid NIR: nothing marks an output as encrypted.

Sources: NIST SP 800-38G (2016) and SP 800-38G Rev. 1 draft (FF1, domain minimum 10^6); Bellare, Ristenpart,
Rogaway, Stegers, "Format-Preserving Encryption" (SAC 2009) for cycle-walking; the NIR layout in
:mod:`recognizers.nir`.
"""

from __future__ import annotations

from collections.abc import Callable

from ffx import FF1
from stdnum.exceptions import ValidationError

from recognizers import nir

#: The tweak prefix, constant for the entity; the class (sex digit, Corsican letters) follows it. At most 11
#: bytes in all, so that FF1's per-round block Q (tweak, round number, 3-byte half) fits in one AES block:
#: a longer tweak costs a second AES call per round (about 30% slower).
TWEAK_PREFIX = b"lgNIRv1:"

#: Month fields of a plausible NIR: 01-12, 20-42 and 50-99 for an unknown month.
_MONTHS = frozenset(f"{m:02d}" for m in [*range(1, 13), *range(20, 43), *range(50, 100)])


class NotANir(ValueError):
    """The value given to :class:`NirCipher` is not a valid NIR (the message never holds the value)."""


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
    from the master key (:func:`leakguard.pseudonymise.keys.derive`).

    >>> cipher = NirCipher(bytes(32))
    >>> out = cipher.encrypt("2 95 10 99 126 111 93")
    >>> nir.is_valid(out), out[:2], out.count(" ")
    (True, '2 ', 6)
    >>> cipher.decrypt(out)
    '2 95 10 99 126 111 93'
    """

    def __init__(self, key: bytes):
        self._ff1 = FF1(key, radix=10)

    def encrypt_compact(self, number: str) -> str:
        """Encrypt a valid compact NIR (15 characters, upper-case ``2A``/``2B``)."""
        return self._crypt(number, encrypt=True)

    def decrypt_compact(self, number: str) -> str:
        """Decrypt a compact NIR produced by :meth:`encrypt_compact`."""
        return self._crypt(number, encrypt=False)

    def encrypt(self, value: str) -> str:
        """Encrypt the NIR written in ``value``, keeping its written form. Raises :class:`NotANir`."""
        return _rewrite(value, self.encrypt_compact(_checked(value)))

    def decrypt(self, value: str) -> str:
        """Decrypt the NIR written in ``value``, keeping its written form. Raises :class:`NotANir`."""
        return _rewrite(value, self.decrypt_compact(_checked(value)))

    def _crypt(self, number: str, *, encrypt: bool) -> str:
        step = self._ff1.encrypt if encrypt else self._ff1.decrypt
        sex = number[0]
        if number[5] == "2" and number[6] in "AB":
            letters = number[5:7]
            tweak = TWEAK_PREFIX + (sex + letters).encode("ascii")
            digits = cycle_walk(step, number[1:5] + number[7:13], tweak, plausible_corsican_body)
            body = sex + digits[:4] + letters + digits[4:]
        else:
            tweak = TWEAK_PREFIX + sex.encode("ascii")
            digits = cycle_walk(step, number[1:13], tweak, lambda d: plausible_body(sex, d))
            body = sex + digits
        return body + nir.calc_check_digits(body)


def _checked(value: str) -> str:
    """The compact form of the valid NIR ``value`` whose body is plausible under the frozen rules."""
    try:
        number = nir.validate(value)
    except ValidationError:
        raise NotANir("not a valid NIR: fpe encrypts valid NIRs only") from None
    if number[5:7] in ("2A", "2B"):
        ok = plausible_corsican_body(number[1:5] + number[7:13])
    else:
        ok = plausible_body(number[0], number[1:13])
    if not ok:
        raise NotANir("a NIR outside the fpe v1 rules: fpe encrypts plausible NIRs only")
    return number


def _rewrite(written: str, number: str) -> str:
    """``written`` with its digits replaced by those of the compact ``number``; letters, separators kept.

    A NIR written in its seven groups (``2 82 09 988 07 080 33``) has its département and commune groups cut
    after 2 + 3 digits, or 3 + 2 for overseas (97x/98x). When the new number is of the other kind, the
    separator between those groups moves with it, so the output is still a NIR written in groups (and is
    found again by the detector: ``reidentify`` needs that).
    """
    old_cuts, new_cuts = _group_cuts(nir.compact(written)), _group_cuts(number)
    if old_cuts != new_cuts and _boundaries(written) == old_cuts:
        written = _regroup(written, old_cuts, new_cuts)
    out = []
    position = 0
    for char in written:
        if char.isalnum():
            out.append(char if char.isalpha() else number[position])
            position += 1
        else:
            out.append(char)
    return "".join(out)


def _group_cuts(number: str) -> tuple[int, ...]:
    """Where the seven groups of a compact NIR end (overseas: 3-digit département, 2-digit commune)."""
    return (1, 3, 5, 8, 10, 13) if number[5:7] in ("97", "98") else (1, 3, 5, 7, 10, 13)


def _boundaries(written: str) -> tuple[int, ...]:
    """After how many letters/digits each run of separators of ``written`` comes (leading/trailing ignored)."""
    cuts, count, previous = [], 0, False
    for char in written.strip():
        if char.isalnum():
            count += 1
            previous = True
        elif previous:
            cuts.append(count)
            previous = False
    return tuple(cuts)


def _regroup(written: str, old_cuts: tuple[int, ...], new_cuts: tuple[int, ...]) -> str:
    """``written`` with the separator after ``old_cuts[k]`` characters moved after ``new_cuts[k]``."""
    lead = written[: len(written) - len(written.lstrip())]
    trail = written[len(written.rstrip()) :]
    body = written.strip()
    characters, separators, run = [], [], ""
    for char in body:
        if char.isalnum():
            if run:
                separators.append(run)
                run = ""
            characters.append(char)
        else:
            run += char
    out, k = [], 0
    for i, char in enumerate(characters, start=1):
        out.append(char)
        if k < len(new_cuts) and i == new_cuts[k]:
            out.append(separators[k])
            k += 1
    return lead + "".join(out) + trail
