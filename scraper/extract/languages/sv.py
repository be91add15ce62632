"""Swedish."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="sv",
    desks=(
        "tt",
        "redaktionen",
    ),
    author_paths=(
        "skribent",
        "skribenter",
        "forfattare",
        "reporter",
    ),
    months=(
        "januari februari mars april maj juni juli augusti september oktober november december",
    ),
    update_labels=("uppdaterad", "uppdaterat", "ändrad"),
    byline_leads=("av",),
    and_words=("och",),
    date_leads=("kl", "kl."),
)
