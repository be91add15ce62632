"""Indonesian. ("dan", its "and", is no separator: it is also a first name.)"""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="id",
    desks=(
        "antara",
        "redaksi",
    ),
    author_paths=("penulis",),
    months=(
        "januari februari maret april mei juni juli agustus september oktober november desember",
    ),
    update_labels=("diperbarui",),
)
