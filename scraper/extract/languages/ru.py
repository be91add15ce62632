"""Russian."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="ru",
    author_paths=(
        "avtor",
        "avtory",
        "authors",
    ),
    months=(
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    ),
    update_labels=("обновлено", "обновлен", "изменено"),
    byline_leads=("от", "текст"),
    author_labels=("автор",),
    and_words=("и",),
    roles=("колумнист", "корреспондент"),
    desks=("гость", "тасс", "риа новости", "интерфакс", "редакция"),
)
