"""Dutch."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="nl",
    months=(
        "januari februari maart april mei juni juli augustus september oktober november december",
    ),
    byline_leads=("door",),
    author_labels=("redactie",),
    and_words=("en",),
    date_leads=("om",),
)
