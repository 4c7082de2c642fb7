"""The words of the HTML report, in French (the default) and English, and how numbers are written in each.

French typography: thousands separated by a narrow no-break space (``1 234 567``), a decimal comma, a
no-break space before ``%`` (``12,5 %``); English: ``1,234,567`` and ``12.5%``.
"""

from __future__ import annotations

from recognizers import all_records

LANGUAGES = ("fr", "en")

_NNBSP = "\u202f"
_NBSP = "\u00a0"

#: Each entity's name in the report, per language (its record's labels).
ENTITY_LABELS: dict[str, dict[str, str]] = {
    language: {record.name: record.label(language) for record in all_records()} for language in LANGUAGES
}

QUASI_LABELS: dict[str, dict[str, str]] = {
    "fr": {"birth_date": "date de naissance", "birth_year_from_nir": "année de naissance (du NIR)",
           "sex": "sexe", "sex_from_nir": "sexe (du NIR)", "postcode": "code postal", "departement": "département"},
    "en": {"birth_date": "date of birth", "birth_year_from_nir": "year of birth (from the NIR)", "sex": "sex",
           "sex_from_nir": "sex (from the NIR)", "postcode": "postcode", "departement": "département"},
}

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Rapport leakguard : données personnelles trouvées",
        "colon": "\u00a0: ",
        "generated": "Analyse du {date} par leakguard {version}, {seconds} s.",
        "sources": "Sources analysées",
        "headline": "En bref",
        "files": "fichiers ou tables analysés",
        "records": "enregistrements",
        "records_pd": "enregistrements avec des données personnelles",
        "persons": "personnes (NIR distincts)",
        "persons_estimated": "estimation à ±{error} (écart type)",
        "breach": "enregistrements au profil de la fuite de 2024",
        "breach_help": "nom, date de naissance, NIR, organisme complémentaire et garanties réunis dans un même "
                       "enregistrement",
        "errors": "erreurs",
        "unreadable_count": "dont {count} fichier(s) illisible(s)",
        "nothing": "Aucune donnée personnelle trouvée dans ce qui a pu être lu.",
        "heatmap": "Où sont les données : fichiers et colonnes × types de données",
        "heatmap_help": "Chaque case donne la part des enregistrements non vides de la colonne qui contiennent ce "
                        "type de donnée ; plus la case est foncée, plus la part est grande. Cliquez sur un "
                        "en-tête pour trier.",
        "file": "Fichier ou table",
        "column": "Colonne",
        "lines": "(lignes)",
        "in_name": "(dans un nom)",
        "columns": "Détail par colonne",
        "columns_help": "Les exemples sont masqués : le rapport ne contient aucune valeur en clair.",
        "entity": "Type de donnée",
        "share": "Part",
        "score": "Score",
        "example": "Exemple masqué",
        "more_rows": "{count} lignes de plus dans le rapport json (--format json).",
        "combinations": "Combinaisons de données par enregistrement",
        "combinations_help": "Chaque ligne compte les enregistrements qui contiennent exactement cette combinaison "
                             "de types de données (points reliés). En rouge, les combinaisons qui réunissent le "
                             "profil de la fuite de 2024 : de quoi usurper une identité ou cibler une personne "
                             "selon sa couverture santé.",
        "by_entity": "Enregistrements par type de donnée",
        "more_combinations": "et {count} autres combinaisons, plus rares.",
        "kanonymity": "Risque de ré-identification (k-anonymat)",
        "kanonymity_help": "Même sans nom ni NIR, quelques attributs suffisent souvent à retrouver une personne. "
                           "Les enregistrements qui partagent les mêmes quasi-identifiants forment une classe ; "
                           "une classe de taille 1 désigne une seule personne à qui connaît ces attributs.",
        "quasi": "Quasi-identifiants",
        "unique": "uniques (classe de 1)",
        "below_5": "classe de moins de 5",
        "below_10": "classe de moins de 10",
        "at_least_10": "classe de 10 ou plus",
        "k": "k (plus petite classe)",
        "classes": "classes",
        "sampled": "estimé sur un échantillon de {share} des classes",
        "no_kanonymity": "Aucune table ne contient de quasi-identifiant (date ou année de naissance, sexe, code "
                         "postal, département) dans des enregistrements de données personnelles.",
        "cnil": "Notification à la CNIL",
        "cnil_help": "Les éléments demandés par le formulaire de notification d'une violation de données (RGPD, "
                     "art. 33), prêts à copier. À relire : leakguard compte ce qu'il a trouvé dans les fichiers "
                     "analysés.",
        "cnil_categories": "Catégories de données concernées",
        "cnil_persons": "Nombre approximatif de personnes concernées",
        "cnil_persons_value": "environ {persons} (NIR distincts)",
        "cnil_persons_estimated": "environ {persons} (NIR distincts, estimation à ±{error})",
        "cnil_persons_unknown": "non déterminé : aucun NIR ne permet de distinguer les personnes",
        "cnil_records": "Nombre approximatif d'enregistrements concernés",
        "cnil_records_value": "{records_pd} enregistrements contenant des données personnelles, sur {records} "
                              "analysés ; dont {breach} réunissant nom, date de naissance, NIR, organisme "
                              "complémentaire et garanties",
        "cnil_files": "Fichiers ou tables concernés",
        "cnil_files_more": "et {count} autre(s)",
        "cnil_file_records": "{path} ({records} enregistrements concernés)",
        "cnil_scan": "Analyse",
        "cnil_scan_value": "leakguard {version}, le {date} : {files} fichier(s) ou table(s) analysé(s), "
                           "{unreadable} illisible(s)",
        "copy_button": "Copier",
        "copied": "Copié",
        "unreadable": "Fichiers non lus",
        "unreadable_help": "Ces fichiers n'ont pas pu être lus : ce qu'ils contiennent n'est pas compté ci-dessus.",
        "reason": "Raison",
        "method": "Méthode",
        "method_text": "Les personnes sont comptées par leurs NIR distincts, identifiés par une clé aléatoire "
                       "propre à cette analyse et jamais conservée : le rapport ne contient ni valeur ni "
                       "empreinte d'une valeur. Au-delà de {bound} NIR distincts le nombre est estimé "
                       "(HyperLogLog, écart type relatif {error}). Le k-anonymat est calculé par table sur les "
                       "enregistrements qui contiennent des données personnelles.",
        "entities_records": "enregistrements",
    },
    "en": {
        "title": "leakguard report: personal data found",
        "colon": ": ",
        "generated": "Scanned on {date} by leakguard {version}, {seconds} s.",
        "sources": "Sources scanned",
        "headline": "At a glance",
        "files": "files or tables scanned",
        "records": "records",
        "records_pd": "records holding personal data",
        "persons": "persons (distinct NIRs)",
        "persons_estimated": "estimated, ±{error} (standard error)",
        "breach": "records with the profile of the 2024 breach",
        "breach_help": "name, date of birth, NIR, complementary insurer and guarantees together in one record",
        "errors": "errors",
        "unreadable_count": "including {count} unreadable file(s)",
        "nothing": "No personal data found in what could be read.",
        "heatmap": "Where the data is: files and columns × kinds of data",
        "heatmap_help": "Each cell is the share of the column's non-empty records holding that kind of data; the "
                        "darker, the larger. Click a header to sort.",
        "file": "File or table",
        "column": "Column",
        "lines": "(lines)",
        "in_name": "(in a name)",
        "columns": "Column by column",
        "columns_help": "Examples are masked: the report holds no value in clear.",
        "entity": "Kind of data",
        "share": "Share",
        "score": "Score",
        "example": "Masked example",
        "more_rows": "{count} more rows in the json report (--format json).",
        "combinations": "Kinds of data held together, record by record",
        "combinations_help": "Each row counts the records holding exactly this combination of kinds of data "
                             "(joined dots). In red, the combinations that hold the profile of the 2024 breach: "
                             "enough to steal an identity or target someone by their health cover.",
        "by_entity": "Records per kind of data",
        "more_combinations": "and {count} other, rarer combinations.",
        "kanonymity": "Re-identification risk (k-anonymity)",
        "kanonymity_help": "Even without a name or a NIR, a few attributes often single a person out. Records "
                           "sharing their quasi-identifiers form a class; a class of size 1 points at one "
                           "person for whoever knows those attributes.",
        "quasi": "Quasi-identifiers",
        "unique": "unique (class of 1)",
        "below_5": "class under 5",
        "below_10": "class under 10",
        "at_least_10": "class of 10 or more",
        "k": "k (smallest class)",
        "classes": "classes",
        "sampled": "estimated on a sample of {share} of the classes",
        "no_kanonymity": "No table holds a quasi-identifier (date or year of birth, sex, postcode, département) in "
                         "records with personal data.",
        "cnil": "Notification to the CNIL",
        "cnil_help": "What the CNIL's data breach notification form asks for (GDPR art. 33), ready to copy. Read "
                     "it again: leakguard counts what it found in the files scanned.",
        "cnil_categories": "Categories of data concerned",
        "cnil_persons": "Approximate number of persons concerned",
        "cnil_persons_value": "about {persons} (distinct NIRs)",
        "cnil_persons_estimated": "about {persons} (distinct NIRs, estimated, ±{error})",
        "cnil_persons_unknown": "unknown: no NIR tells the persons apart",
        "cnil_records": "Approximate number of records concerned",
        "cnil_records_value": "{records_pd} records holding personal data, of {records} scanned; {breach} of them "
                              "hold name, date of birth, NIR, complementary insurer and guarantees together",
        "cnil_files": "Files or tables concerned",
        "cnil_files_more": "and {count} more",
        "cnil_file_records": "{path} ({records} records concerned)",
        "cnil_scan": "Scan",
        "cnil_scan_value": "leakguard {version}, on {date}: {files} file(s) or table(s) scanned, {unreadable} "
                           "unreadable",
        "copy_button": "Copy",
        "copied": "Copied",
        "unreadable": "Files not read",
        "unreadable_help": "These files could not be read: what they hold is not counted above.",
        "reason": "Reason",
        "method": "Method",
        "method_text": "Persons are counted by their distinct NIRs, identified under a random key made for this "
                       "scan and never kept: the report holds no value and no hash of a value. Beyond {bound} "
                       "distinct NIRs the number is estimated (HyperLogLog, relative standard error {error}). "
                       "k-anonymity is computed per table over the records holding personal data.",
        "entities_records": "records",
    },
}


def number(value: int | float, lang: str) -> str:
    """``1 234`` (fr, narrow no-break space) or ``1,234`` (en)."""
    text = f"{round(value):,}"
    return text.replace(",", _NNBSP) if lang == "fr" else text


def percent(share: float | None, lang: str, digits: int = 1) -> str:
    """``12,5 %`` (fr) or ``12.5%`` (en); ``<0,1 %`` for a small share that is not zero; ``–`` for none."""
    if share is None:
        return "–"
    value = share * 100
    small = 10**-digits
    if 0 < value < small:
        text = f"<{small:.{digits}f}"
    elif 100 - small < value < 100:
        text = f">{100 - small:.{digits}f}"
    else:
        text = f"{value:.{digits}f}"
    return text.replace(".", ",") + _NBSP + "%" if lang == "fr" else text + "%"
