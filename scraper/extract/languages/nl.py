"""Dutch."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="nl",
    desks=(
        "anp",
        "redactie",
    ),
    author_paths=(
        "auteur",
        "auteurs",
        "redacteur",
        "redacteuren",
    ),
    months=(
        "januari februari maart april mei juni juli augustus september oktober november december",
    ),
    update_labels=("bijgewerkt", "gewijzigd", "aangepast"),
    byline_leads=("door",),
    author_labels=("redactie",),
    and_words=("en",),
    organisation_words=("nieuws", "krant", "redactie"),
    name_particles=(
        "van",
        "de",
        "der",
        "den",
        "ten",
        "ter",
    ),
    date_leads=("om",),
)
