"""Ukrainian (dates only)."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="uk",
    months=(
        "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
        "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад "
        "грудень",
    ),
    update_labels=("оновлено", "змінено"),
)
