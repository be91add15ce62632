"""Norwegian (and Danish, whose bylines use the same words)."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="no",
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
