"""Norwegian (and Danish, whose bylines use the same words)."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="no",
    months=(
        "januar februar mars april mai juni juli august september oktober november desember",
        "januar februar marts april maj juni juli august september oktober november december",
    ),
    update_labels=("oppdatert", "endret", "opdateret", "ændret"),
    desks=(
        "ntb",
        "redaksjonen",
    ),
    author_paths=(
        "forfatter",
        "journalist",
        "skribent",
    ),
    byline_leads=("av",),
    and_words=("og",),
    date_leads=("kl", "kl."),
)
