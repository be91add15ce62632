"""French."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="fr",
    author_paths=(
        "auteur",
        "auteurs",
        "journaliste",
        "journalistes",
    ),
    months=(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    ),
    update_labels=("mis à jour", "mise à jour", "modifié", "actualisé", "dernier message"),
    member_labels=("inscrit le", "inscrit depuis", "membre depuis", "inscription"),
    byline_leads=("par", "publié par", "écrit par", "texte"),
    author_labels=("auteur", "auteurs", "à propos de l'auteur"),
    photo_credits=("photo", "crédit photo", "crédits photo", "illustration"),
    and_words=("et",),
    site_credits=("propulsé par", "réalisé par", "conçu par", "site réalisé par"),
    byline_ends=("publié", "mis à jour", "commentaire", "commentaires"),
    date_leads=("le", "à", "du", "de"),
    roles=("rédacteur", "rédactrice", "journaliste"),
    desks=("invité", "anonyme", "rédaction", "redaction", "afp", "belga", "ats"),
    organisation_words=(
        "journal",
        "presse",
        "actualités",
        "infos",
        "rédaction",
        "magazine",
        "quotidien",
    ),
    name_particles=("de", "du", "des", "le", "la"),
    credits=(
        r"la source originale de cet (?:article|texte) est\s+(?P<name>.+)",
        r"cet (?:article|texte) a (?:d'abord |initialement |originellement )?(?:été )?"
        r"(?:publié|paru|mis en ligne) (?:initialement |originellement |à l'origine |d'abord |"
        r"en premier )?(?:par|sur|dans|chez|en)\s+(?P<name>.+)",
        r"(?:article )?(?:publié|paru) (?:initialement|originellement|à l'origine|d'abord|"
        r"en premier lieu|en anglais) (?:par|sur|dans|chez)\s+(?P<name>.+)",
        r"source originale\s*:\s*(?P<name>.+)",
    ),
    credit_triggers=("aru ", "nitialement", "'abord"),
    counters=(
        r"\bil y a\s+\d+\s*(?:secondes?|minutes?|min|heures?|h|jours?|semaines?)\b",
        r"\b\d[\d\s.,]*\s*(?:vues|lectures|commentaires|partages)\b",
        r"\bà l'instant\b",
    ),
    weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    credit_name_ends=("le", "avec", "et"),
    link_hints=("ici", "lire"),
)
