"""Rebuild the word lists of ``recognizers/data`` from their sources (run by hand, never at run time).

* ``first_names.txt``: French first names. The Grammalecte/Dicollecte French dictionary tags first names
  ``po:prn`` (Debian package ``hunspell-fr-comprehensive``, MPL-2.0); Faker's French person providers (MIT)
  add theirs.
* ``first_names_other.txt``: first names of the other languages most met in French hospitals' and insurers'
  files, from Faker's person providers (MIT). Apart, because some are French words (``Sante``, ``Pour``).
* ``places.txt``: the dictionary's proper nouns that are not people's (``po:npr``: cities, countries,
  regions...), for names of places the model takes for people.
* ``french_words.txt.gz``: folded (:func:`recognizers.spec.fold`), every inflected form of the dictionary's
  common words (nouns, adjectives, adverbs, function words) and the participles, infinitives and ``-ez``
  forms of its verbs, lower case, without its proper nouns. A capitalised word found here is a word before it
  is a name, unless it is a French first name too (``Pierre``, ``Marine``).

Usage, on a Debian machine::

    apt-get download hunspell-fr-comprehensive hunspell-tools
    dpkg-deb -x hunspell-fr-comprehensive_*.deb fr && dpkg-deb -x hunspell-tools_*.deb tools
    python -m recognizers.data.build_lexicons fr/usr/share/hunspell/fr.dic fr/usr/share/hunspell/fr.aff \\
        tools/usr/bin/unmunch
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import re
import subprocess
import tempfile
from pathlib import Path

from recognizers.spec import fold

HERE = Path(__file__).parent

#: Faker locales of French first names, and of the other languages whose first names are common in France.
FRENCH_LOCALES = ("fr_FR", "fr_BE", "fr_CA", "fr_CH")
OTHER_LOCALES = (
    "it_IT", "es_ES", "pt_PT", "pt_BR", "de_DE", "en_US", "en_GB", "nl_NL", "pl_PL", "ro_RO", "tr_TR", "ar_AA",
    "hu_HU", "cs_CZ",
)
_WORD = re.compile(r"^[a-zàâäçéèêëîïôöùûüÿœæ]+(?:-[a-zàâäçéèêëîïôöùûüÿœæ]+)*$")
_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[-'][A-ZÀ-ÖØ-Þ]?[a-zà-öø-ÿ]+)*$")
_VERB_FORM = re.compile(r"(?:er|ir|re|é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|ez|ant)$")
_PROPER = ("po:prn", "po:patr", "po:npr")

_FRENCH_HEADER = """\
# French first names, one per line. Derived from:
# - the Grammalecte/Dicollecte French dictionary (entries tagged po:prn), as packaged by Debian in
#   hunspell-fr-comprehensive 7.0 -- Mozilla Public License 2.0, https://grammalecte.net;
#   this file is therefore distributed under the MPL 2.0 (http://mozilla.org/MPL/2.0/);
# - the first names of Faker's person providers (locales {locales}) -- MIT licence,
#   https://github.com/joke2k/faker.
# Rebuild with recognizers/data/build_lexicons.py.
"""
_PLACES_HEADER = """\
# Names of places (and other proper nouns that are not people's), one per line: the entries tagged po:npr of
# the Grammalecte/Dicollecte French dictionary, as packaged by Debian in hunspell-fr-comprehensive 7.0 --
# Mozilla Public License 2.0 (http://mozilla.org/MPL/2.0/), https://grammalecte.net.
# Rebuild with recognizers/data/build_lexicons.py.
"""
_OTHER_HEADER = """\
# First names of other languages met in France, one per line, not in first_names.txt. From the person
# providers of Faker (locales {locales}) -- MIT licence, https://github.com/joke2k/faker.
# Rebuild with recognizers/data/build_lexicons.py.
"""


def _entries(dic: Path) -> list[str]:
    return dic.read_text(encoding="utf-8").splitlines()[1:]


def dictionary_first_names(dic: Path) -> set[str]:
    names = set()
    for line in _entries(dic):
        if "po:prn" in line:
            word = line.split("/")[0].split(" ")[0]
            if _NAME.match(word):
                names.add(word)
    return names


def dictionary_places(dic: Path) -> set[str]:
    places = set()
    for line in _entries(dic):
        if "po:npr" in line and "po:prn" not in line and "po:patr" not in line:
            word = line.split("/")[0].split(" ")[0]
            if word[:1].isupper():
                places.add(word)
    return places


def faker_first_names(locales: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for locale in locales:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            values = getattr(provider, attribute, None) or ()
            names.update(name for name in values if _NAME.match(name))
    return names


def _expand(dic_lines: list[str], aff: Path, unmunch: Path) -> set[str]:
    """Every form of ``dic_lines`` (hunspell entries), with ``unmunch``."""
    with tempfile.NamedTemporaryFile("w", suffix=".dic", encoding="utf-8", delete=False) as handle:
        handle.write(f"{len(dic_lines)}\n" + "\n".join(dic_lines) + "\n")
        path = handle.name
    try:
        output = subprocess.run([str(unmunch), path, str(aff)], capture_output=True, check=True).stdout
    finally:
        Path(path).unlink()
    forms = set()
    for line in output.decode("utf-8", "replace").splitlines():
        form = line.split("/")[0].split()[0].rstrip("0") if line.strip() else ""
        if _WORD.match(form):
            forms.add(form)
    return forms


def common_words(dic: Path, aff: Path, unmunch: Path) -> set[str]:
    entries = [line for line in _entries(dic) if not any(tag in line for tag in _PROPER)]
    verbs = [line for line in entries if "po:v" in line]
    others = [line for line in entries if "po:v" not in line]
    words = _expand(others, aff, unmunch)
    return words | {form for form in _expand(verbs, aff, unmunch) if _VERB_FORM.search(form)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dic", type=Path)
    parser.add_argument("aff", type=Path)
    parser.add_argument("unmunch", type=Path)
    args = parser.parse_args()
    french = dictionary_first_names(args.dic) | faker_first_names(FRENCH_LOCALES)
    folded = {fold(name) for name in french}
    other = {name for name in faker_first_names(OTHER_LOCALES) if fold(name) not in folded}
    for name, names, header, locales in (("first_names.txt", french, _FRENCH_HEADER, FRENCH_LOCALES),
                                          ("first_names_other.txt", other, _OTHER_HEADER, OTHER_LOCALES)):
        text = header.format(locales=", ".join(locales)) + "\n".join(sorted(names)) + "\n"
        (HERE / name).write_text(text, encoding="utf-8")
    places = dictionary_places(args.dic)
    (HERE / "places.txt").write_text(_PLACES_HEADER + "\n".join(sorted(places)) + "\n", encoding="utf-8")
    words = common_words(args.dic, args.aff, args.unmunch)
    folded = sorted({fold(word) for word in words})  # stored folded: loading is then one split
    with gzip.GzipFile(HERE / "french_words.txt.gz", "wb", mtime=0) as out:
        out.write(("\n".join(folded) + "\n").encode("utf-8"))
    print(f"{len(french)} French and {len(other)} other first names, {len(words)} word forms")


if __name__ == "__main__":
    main()
