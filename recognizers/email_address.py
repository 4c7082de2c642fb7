"""E-mail addresses.

An address is a local part, ``@`` and a domain (RFC 5322, section 3.4.1; domain names per RFC 1035). The
recognizer takes the forms people and systems actually write (the "dot-atom" subset): letters, digits and
``. _ % + -`` in the local part, and one inner apostrophe (``o'brien``), but not an elided French article or
pronoun glued to the address (``l'accueil@`` is ``l'`` then the address); dot-separated labels of letters,
digits and inner hyphens in the domain, ending with a top-level domain of 2 to 24 letters or an IDNA A-label
(``xn--p1ai``). Letters are of any script
(``françois@exämple.fr``): internationalised addresses (RFC 6531, RFC 6532; IDNA, RFC 5890). A quoted local
part (``"john..doe"@example.org``) and an IP-literal domain (``postmaster@[192.0.2.1]``, ``[IPv6:...]``) are
read by a spec of their own (:data:`LITERAL_SPEC`): help pages and validators' test vectors write them. No
public-suffix
lookup is made (Presidio's own e-mail recognizer uses ``tldextract``, which may download the suffix list at
run time).

Sources:

* RFC 5322, "Internet Message Format", section 3.4.1: https://www.rfc-editor.org/rfc/rfc5322#section-3.4.1
* RFC 5321, section 4.5.3.1 (lengths: 64 for the local part, 254 for the path)
* RFC 6531, "SMTP Extension for Internationalized Email"; RFC 5890, "IDNA: Definitions"

>>> is_valid('camille.martin42@orange.fr'), is_valid('a..b@x.fr'), is_valid('x@localhost')
(True, False, False)
>>> text = 'contact <camille.martin42@orange.fr>, merci.'
>>> [text[s:e] for s, e, _ in SPEC.find(text)]
['camille.martin42@orange.fr']
>>> text = "écrire à sean.o'brien@example.ie ou à l'accueil@exemple.fr"
>>> [text[s:e] for s, e, _ in SPEC.find(text)]
["sean.o'brien@example.ie", 'accueil@exemple.fr']
>>> list(SPEC.find('Message-ID: <20240220001900.12345@chb.mssante.fr>'))  # a message's identifier
[]
"""

from __future__ import annotations

import ipaddress
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from recognizers.record import EntityRecord, SarifRule
from recognizers.spec import EntitySpec, lazy_attribute

ENTITY = "EMAIL_ADDRESS"

RECORD = EntityRecord(
    name=ENTITY,
    priority=2,
    preview_keep=1,
    token_prefix="EMAIL_",
    default_operator="token",
    normal_form="email",
    sarif=SarifRule(
        id="LG-EMAIL-ADDRESS",
        name="EmailAddress",
        level="error",
        security_severity="7.0",
        short="E-mail address",
        full="An e-mail address.",
    ),
    label_fr="E-mail",
    label_en="E-mail",
)

#: Letters and digits of any script (Python ``re``; RE2 spells them ``[\\p{L}\\p{N}]``).
_ALNUM = "[^\\W_]"
#: An apostrophe inside the local part (``o'brien@``, ``jean.o'neil@``), not after a French elision
#: (``l'accueil@``: the article, then the address).
_LOCAL = "(?:(?![ldjmnstcLDJMNSTC]'|[qQ][uU]')[\\w.%+\\-]+')?[\\w.%+\\-]+"
_LABEL = f"{_ALNUM}(?:(?:{_ALNUM}|-){{0,61}}{_ALNUM})?"
#: A top-level domain: letters (``fr``, ``香港``) or an IDNA A-label (``xn--p1ai``).
_TLD = "(?:[^\\W\\d_]{2,24}|xn--[A-Za-z0-9\\-]{1,59})"
_DOMAIN = f"(?:{_LABEL}\\.)+{_TLD}"
_LOCAL_RE2 = "[\\p{L}\\p{N}_.%+\\-]+"
#: The same in RE2 without the lengths of labels and top-level domain: counted repetitions of Unicode classes
#: make RE2 slow (a tenth of a second per 10^5 cells); :func:`within_bounds` checks the lengths.
_LABEL_RE2 = "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\-]*[\\p{L}\\p{N}])?"
_DOMAIN_RE2 = f"(?:{_LABEL_RE2}\\.)+(?:\\p{{L}}\\p{{L}}+|xn--[A-Za-z0-9\\-]+)"

#: Python pattern: local part, @, domain; not inside a longer address-like token.
SPAN_REGEX = re.compile(rf"(?<![\w.%+\-]){_LOCAL}@{_DOMAIN}(?!{_ALNUM}|-)(?!\.{_ALNUM})")
#: RE2 pre-filter: a local-part character, ``@``, a domain character.
PREFILTER = "[\\p{L}\\p{N}_.%+\\-]@[\\p{L}\\p{N}]"

_WHOLE = re.compile(rf"{_LOCAL}@{_DOMAIN}")


#: A quoted local part (RFC 5322 ``quoted-string``, on one line): any character but ``"`` and ``\\``, or one
#: escaped by ``\\``.
_QUOTED_LOCAL = r'"(?:[^"\\\r\n]|\\[^\r\n]){1,62}"'
#: An address literal (RFC 5321, section 4.1.3): an IPv4 address, or ``IPv6:`` and an IPv6 address.
_IP_LITERAL = r"\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]{2,45})\]"
LITERAL_REGEX = re.compile(
    rf'(?<![\w.%+\-"]){_QUOTED_LOCAL}@(?:{_DOMAIN}(?!{_ALNUM}|-)(?!\.{_ALNUM})|{_IP_LITERAL})'
    rf"|(?<![\w.%+\-]){_LOCAL}@{_IP_LITERAL}"
)
#: RE2 pre-filter of those forms: a quote before ``@``, or a bracket after it.
LITERAL_PREFILTER = r'"@|@\['


def is_valid_literal(address: str) -> bool:
    """Whether ``address``, with a quoted local part or an IP-literal domain, is an address: lengths within
    RFC 5321's, a literal a real IP address, a domain name as :func:`is_valid` reads it.

    >>> [is_valid_literal(a) for a in ('"john..doe"@example.org', 'postmaster@[192.0.2.1]', 'a@[300.1.1.1]')]
    [True, True, False]
    >>> is_valid_literal('postmaster@[IPv6:2001:db8::1]'), is_valid_literal('x@[IPv6:2001:db8:::1]')
    (True, False)
    """
    local, _, domain = address.strip().rpartition("@")
    if len(local) > 64 or len(address.strip()) > 254 or not local:
        return False
    if domain.startswith("["):
        literal = domain[1:-1].removeprefix("IPv6:")
        try:
            ipaddress.ip_address(literal)
        except ValueError:
            return False
        return domain.startswith("[IPv6:") == (":" in literal)
    return _DOMAIN_ONLY.fullmatch(domain) is not None and not domain.lower().endswith(RESERVED_TLD)


_DOMAIN_ONLY = re.compile(_DOMAIN)


#: How people hide an address from robots: ``prenom.nom @ domaine . fr``, ``[at]``, ``(at)``, ``arobase``,
#: ``[dot]``, ``point``, and as security reports "defang" them: ``[@]``, ``[.]``.
_AT = r"(?:\s+@\s*|@\s+|\s*[\[({]\s*(?:at|arobase|@)\s*[\])}]\s*|\s+(?:at|arobase|chez)\s+)"
_DOT = r"(?:\s*\.\s*|\s*[\[({]\s*(?:dot|point|\.)\s*[\])}]\s*|\s+(?:dot|point)\s+)"
#: Top-level domains a hidden address may end with (spelled-out dots make any word look like a domain).
_COMMON_TLDS = (
    "fr|com|org|net|eu|info|biz|io|me|co|be|ch|lu|mc|ca|de|uk|it|es|pt|nl|us|re|gp|mq|gf|yt|pm|pf|nc|wf"
    "|ma|dz|tn|sn|ci|cm|mg|ht|gouv"
)
OBFUSCATED_REGEX = re.compile(
    rf"(?<![\w.%+\-]){_LOCAL}{_AT}(?:{_LABEL}{_DOT})+(?:{_COMMON_TLDS})(?!{_ALNUM}|-)(?!\.{_ALNUM})",
    re.IGNORECASE,
)
#: RE2 pre-filter of the hidden forms: a spaced ``@``, or a bracketed or spelled-out one.
OBFUSCATED_PREFILTER = r"(?i)(?:\s@|@\s|[\[({]\s*(?:at|arobase|@)\s*[\])}]|\s(?:at|arobase|chez)\s)"
_AT_RE = re.compile(_AT, re.IGNORECASE)
_DOT_RE = re.compile(_DOT, re.IGNORECASE)


def deobfuscate(address: str) -> str:
    """The address behind a hidden form: ``tlabelle @ medimail . com`` -> ``tlabelle@medimail.com``."""
    parts = _AT_RE.split(address.strip(), maxsplit=1)
    if len(parts) != 2:
        return address.strip()
    local, domain = parts
    return f"{local}@{_DOT_RE.sub('.', domain)}"


def compact(address: str) -> str:
    """Strip surrounding white space, undo hiding (:func:`deobfuscate`) and lower-case the domain (the local
    part is case-sensitive)."""
    local, _, domain = deobfuscate(address).rpartition("@")
    return f"{local}@{domain.lower()}"


def validate(address: str) -> str:
    """Check an address and return it (domain lower-cased).

    Raises ``InvalidFormat`` (not ``local@domain.tld``, a dot at either end of the local part or two dots
    in a row) or ``InvalidLength`` (local part over 64, address over 254 characters).
    """
    address = compact(address)
    if not _WHOLE.fullmatch(address):
        raise InvalidFormat()
    local = address.rpartition("@")[0]
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidFormat("the local part cannot start or end with a dot, or hold two in a row")
    if len(local) > 64 or len(address) > 254:
        raise InvalidLength()
    if address.endswith(RESERVED_TLD):
        raise InvalidComponent("the .invalid top-level domain is reserved (RFC 2606): a placeholder or a pseudonym")
    return address


#: RFC 2606 reserves ``.invalid`` for addresses that cannot exist: leakguard's own e-mail pseudonyms use it.
RESERVED_TLD = ".invalid"


def is_valid_array(values: pa.Array) -> pa.Array:
    """Vectorised :func:`validate` for cells that match the whole-cell form (``WHOLE_RE2``)."""
    trimmed = pc.utf8_trim_whitespace(values)
    bad = pc.match_substring_regex(trimmed, r"(?i)^\.|\.@|\.\.|^[^@]{65,}@|\.invalid$")
    too_long = pc.greater(pc.utf8_length(trimmed), 254)
    return pc.fill_null(pc.invert(pc.or_(bad, too_long)), False)


def within_bounds(cells: pa.Array) -> np.ndarray:
    """Vectorised: whether each address matching the RE2 form has labels of at most 63 characters and a
    top-level domain of at most 24 letters (an A-label: 63 characters), as ``SPAN_REGEX`` requires.

    >>> within_bounds(pa.array(["a@b.fr", "a@" + "b" * 64 + ".fr", "a@b." + "c" * 25, "a@b.xn--" + "c" * 30])).tolist()
    [True, False, False, True]
    """
    domains = pc.replace_substring_regex(pc.utf8_trim_whitespace(cells), "^[^@]*@", "")
    labels = pc.split_pattern(domains, ".")
    offsets = labels.offsets.to_numpy()
    flat = pc.list_flatten(labels)
    lengths = pc.utf8_length(flat).to_numpy(zero_copy_only=False)
    if len(lengths) == 0:
        return np.zeros(len(cells), dtype=bool)
    last = offsets[1:] - 1
    a_label = pc.starts_with(flat, "xn--").to_numpy(zero_copy_only=False)[last]
    return (np.maximum.reduceat(lengths, offsets[:-1]) <= 63) & (lengths[last] <= np.where(a_label, 63, 24))


def is_valid(address: str) -> bool:
    """Whether ``address`` is an e-mail address of the usual form."""
    try:
        return bool(validate(address))
    except ValidationError:
        return False


CONTEXT = (
    "mail",
    "e-mail",
    "email",
    "courriel",
    "adresse electronique",
    "adresse mail",
    "mel",
    "contact",
    "ecrire",
    "ecrivez",
)

SCORE = 0.9
CONTEXT_SCORE = 1.0
#: Before an address inside angle brackets: a mail header (or a log's or a JSON field) whose value has an
#: address's form but names a message or a part, not a mailbox (``Message-ID: <199509200019.12345@chb.fr>``,
#: ``References: <a@b.fr> <c@d.fr>``; RFC 5322 section 3.6.4, RFC 2392); on one line.
_MESSAGE_ID_BEFORE = re.compile(
    r"(?i)(?<![a-z])(?:message[-_ ]?id|in-reply-to|content[-_]id|msgid|references)[\"']?[ \t]*[:=][ \t]*[\"']?"
    r"[ \t]*(?:<[^<>\n]*>[ \t,]*)*<[^<>\s]*$")


#: The same headers with the identifier written bare after the colon (``Message-Id: E1L4bAo-0000SE@host.org``).
_BARE_MESSAGE_ID_BEFORE = re.compile(r"(?i)(?<![a-z])(?:message[-_ ]?id|in-reply-to|content[-_]id|msgid)[ \t]*:[ \t]*$")
#: A remote of git and of scp (``git@github.com:owner/repo.git``, ``root@host:/etc``): a user of an SSH server,
#: a path after the colon; no mailbox. (An address then a colon and a password, as leaked lists write them, is
#: one: ``admin@mairie.fr:Azerty123``.)
_SSH_USER = re.compile(r"(?:git|hg|root|ubuntu|ec2-user|admin|deploy)@", re.IGNORECASE)
_SSH_PATH_AFTER = re.compile(r":(?:[/~]|[\w.\-]+/)")


def _names_no_mailbox(text: str, start: int, end: int) -> bool:
    """Whether the address ``start:end`` identifies a message (:data:`_MESSAGE_ID_BEFORE`) or is an SSH remote
    (:data:`_SSH_USER`)."""
    before = max(0, start - 400)
    if text.startswith(">", end) and _MESSAGE_ID_BEFORE.search(text, before, start):
        return True
    if _BARE_MESSAGE_ID_BEFORE.search(text, before, start):
        return True
    return _SSH_USER.match(text, start) is not None and _SSH_PATH_AFTER.match(text, end) is not None


def spans(text: str) -> list[tuple[int, int]]:
    """The addresses of ``text`` but those that name no mailbox (:func:`_names_no_mailbox`)."""
    return [match.span() for match in SPAN_REGEX.finditer(text) if not _names_no_mailbox(text, *match.span())]

OBFUSCATED_SCORE = 0.85
#: A web server's name after a spelled-out ``at`` (``found at www.ecbs.org``): a page's address, no mailbox.
_WEB_HOST = re.compile(r"www[0-9]?\.")
#: Small words before a spaced ``@``: a domain named in a sentence (``au profit du @univ-rennes.fr``), no local
#: part.
_FUNCTION_WORDS = frozenset({
    "le", "la", "les", "l", "du", "de", "des", "d", "au", "aux", "un", "une", "en", "par", "pour", "sur", "et", "ou",
    "avec", "chez", "vers", "sans", "the", "a", "an", "of", "to", "on", "in", "via", "and", "or", "from", "by",
})


def _hidden_address(value: str) -> bool:
    """Whether ``value`` is an address hidden from robots: not a plain address, valid once its hiding is undone,
    neither a web page's address nor a domain after a small word."""
    if _WHOLE.fullmatch(value.strip()) or not is_valid(value):
        return False
    local, _, domain = compact(value).rpartition("@")
    return not _WEB_HOST.match(domain) and local.lower() not in _FUNCTION_WORDS

#: Addresses hidden from robots (``prenom.nom [at] domaine [dot] fr``): valid once their hiding is undone.
OBFUSCATED_SPEC = EntitySpec(
    entity=ENTITY,
    name="e-mail address written to hide it (spaced @, [at], arobase, [dot])",
    span_regex=OBFUSCATED_REGEX,
    prefilter=OBFUSCATED_PREFILTER,
    score=OBFUSCATED_SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=_hidden_address,
)

#: Addresses with a quoted local part or an IP-literal domain (``"john..doe"@example.org``).
LITERAL_SPEC = EntitySpec(
    entity=ENTITY,
    name="e-mail address with a quoted local part or an IP-literal domain",
    span_regex=LITERAL_REGEX,
    prefilter=LITERAL_PREFILTER,
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=is_valid_literal,
)

SPEC = EntitySpec(
    entity=ENTITY,
    name="e-mail address",
    span_regex=SPAN_REGEX,
    prefilter=PREFILTER,
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=is_valid,
    find_spans=spans,
    whole_re2=f"{_LOCAL_RE2}@{_DOMAIN_RE2}",
    whole_bounds=within_bounds,
    validate_array=is_valid_array,
)


def _recognizer_class() -> type:
    from recognizers.adapter import SpecRecognizer

    class EmailRecognizer(SpecRecognizer):
        """Presidio recognizer of e-mail addresses (no network, no suffix list): 0.9, 1.0 after ``mail``,
        ``courriel``, ``contact``..."""

        def __init__(self, supported_language: str = "fr"):
            super().__init__([SPEC, OBFUSCATED_SPEC, LITERAL_SPEC], supported_language=supported_language,
                             name="EmailRecognizer")

    return EmailRecognizer


#: ``EmailRecognizer``, the Presidio recognizer, is built on first use: importing this module
#: for its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "EmailRecognizer", _recognizer_class)
