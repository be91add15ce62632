"""Turkish (dates only)."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="tr",
    months=("ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",),
    update_labels=("güncellendi", "güncelleme"),
)
