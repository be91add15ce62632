"""Czech (dates only)."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="cs",
    months=(
        "ledna února března dubna května června července srpna září října listopadu prosince",
        "leden únor březen duben květen červen červenec srpen září říjen listopad prosinec",
    ),
    update_labels=("aktualizováno", "upraveno"),
)
