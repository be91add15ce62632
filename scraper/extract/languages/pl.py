"""Polish."""

from scraper.extract.languages import Language

LANGUAGE = Language(
    code="pl",
    author_paths=(
        "autor",
        "autorzy",
        "autorka",
        "dziennikarz",
    ),
    months=(
        "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
        "listopada grudnia",
        "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad "
        "grudzień",
    ),
    update_labels=("aktualizacja", "zaktualizowano", "zmodyfikowano"),
    byline_leads=("autor", "autorka", "tekst", "opracowanie"),
    author_labels=("od", "autorzy"),
    photo_credits=("fot.", "fot", "foto", "zdjęcie"),
    and_words=("i", "oraz"),
    site_credits=("projekt i wykonanie", "wykonanie strony"),
    byline_ends=("aktualizacja", "zaktualizowano", "opublikowano"),
    date_leads=("dnia",),
    roles=("dziennikarz", "dziennikarka", "redaktor", "korespondent", "reporter", "reporterka"),
    desks=("redakcja", "gość", "anonim", "pap"),
    organisation_words=("wiadomości", "gazeta", "dziennik", "redakcja", "tygodnik"),
    credits=(
        r"(?:ten )?(?:artykuł|tekst) (?:został |ukazał się )?(?:pierwotnie |oryginalnie )"
        r"(?:opublikowany |opublikowano )?(?:na|w|we|przez)\s+(?P<name>.+)",
        r"źródło oryginalne\s*:\s*(?P<name>.+)",
    ),
    credit_triggers=("ierwotnie", "ryginalnie", "ródło oryginalne"),
    counters=(
        r"\b\d+\s*(?:sekund|minut|godzin|dni|tygodni)\w*\s+temu\b",
        r"\b\d[\d\s.,]*\s*(?:wyświetle\w+|komentarz\w*|odsłon\w*)\b",
    ),
    weekdays=("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
    credit_name_ends=("dnia", "pod"),
    link_hints=("tutaj", "czytaj", "oryginał"),
)
