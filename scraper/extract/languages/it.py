"""Italian."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="it",
    author_paths=(
        "autore",
        "autori",
        "autrice",
        "giornalista",
    ),
    months=(
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
        "dicembre",
    ),
    update_labels=("aggiornato", "aggiornamento", "modificato"),
    byline_leads=("di", "pubblicato da", "scritto da"),
    author_labels=("da", "testo", "autore"),
    photo_credits=("foto", "immagine"),
    and_words=("e",),
    byline_ends=("pubblicato",),
    date_leads=("il", "alle"),
    roles=("giornalista",),
    desks=("redazione", "ansa", "adnkronos"),
    organisation_words=("notizie", "giornale", "quotidiano", "redazione"),
    name_particles=("di", "da", "de", "del", "della"),
    credits=(
        r"(?:questo articolo è stato )?pubblicato (?:originariamente|originalmente|inizialmente|"
        r"per la prima volta) (?:su|da|in)\s+(?P<name>.+)",
    ),
    credit_triggers=("ubblicato",),
    weekdays=("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    credit_name_ends=("il",),
    link_hints=("qui",),
)
