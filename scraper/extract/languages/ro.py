"""Romanian (dates only)."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="ro",
    months=(
        "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie noiembrie "
        "decembrie",
    ),
    update_labels=("actualizat", "modificat"),
)
