"""German."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="de",
    author_paths=(
        "autor",
        "autoren",
        "autorin",
        "autorinnen",
        "redakteur",
        "redakteurin",
    ),
    months=("januar februar märz april mai juni juli august september oktober november dezember",),
    update_labels=(
        "aktualisiert",
        "zuletzt aktualisiert",
        "aktualisierung",
        "letzte aktualisierung",
        "geändert",
        "zuletzt geändert",
        "letzte änderung",
        "überarbeitet",
        "bearbeitet",
        "zuletzt bearbeitet",
        "stand",  # "Stand: 12.03.2024 14:05 Uhr", the German news page's last-edit line
        "update",
        "letzter beitrag",
        "letzte antwort",
    ),
    member_labels=("mitglied seit", "dabei seit", "registriert seit"),
    byline_leads=("von", "geschrieben von"),
    author_labels=("autor", "autorin", "verfasser", "über den autor", "über die autorin"),
    photo_credits=("foto", "fotos", "bild", "bilder", "fotograf"),
    and_words=("und",),
    site_credits=("realisiert von", "umgesetzt von", "webdesign von", "gestaltet von"),
    byline_ends=("publiziert", "veröffentlicht", "aktualisiert", "kommentar", "kommentare"),
    date_leads=("am", "um"),
    roles=("redakteur", "redakteurin", "korrespondent"),
    desks=("gast", "redaktion", "dpa", "kna", "epd", "apa", "sda", "afp"),
    organisation_words=(
        "zeitung",
        "nachrichten",
        "verlag",
        "redaktion",
        "rundschau",
        "kurier",
        "anzeiger",
        "magazin",
    ),
    name_particles=("von", "vom", "zu", "der", "den"),
    credits=(
        r"dieser (?:artikel|beitrag|text) (?:erschien|ist) (?:zuerst|ursprünglich|erstmals) "
        r"(?:bei|in|auf|im|unter)\s+(?P<name>.+)",
        r"(?:zuerst|ursprünglich|erstmals) (?:erschienen|veröffentlicht|publiziert) (?:bei|in|"
        r"auf|im|unter)\s+(?P<name>.+)",
        r"(?:erstveröffentlichung|originalartikel|originalbeitrag|im original)\s*:\s*(?P<name>.+)",
    ),
    credit_triggers=("rschien", "rsprünglich", "rstmals", "rstveröffentlichung"),
    counters=(
        r"\bvor\s+\d+\s*(?:Sekunden|Minuten|Stunden|Tagen|Wochen)\b",
        r"\b\d[\d\s.,]*\s*(?:Aufrufe|Kommentare)\b",
    ),
    weekdays=("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"),
    credit_name_ends=("am", "unter"),
    link_hints=("hier", "lesen"),
)
