"""What block and stub pages say in Polish."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "włącz javascript",
        "włączyć javascript",
        "javascript jest wyłączony",
        "wymaga javascript",
        "włączonej obsługi javascript",
    ),
    challenge=(
        "weryfikacja, czy jesteś człowiekiem",
        "potwierdź, że jesteś człowiekiem",
        "jesteś człowiekiem",
        "nie jestem robotem",
        "sprawdzanie przeglądarki",
    ),
    waiting=("chwileczkę", "proszę czekać", "jedną chwilę"),
    denied=("odmowa dostępu", "dostęp zabroniony", "dostęp zablokowany", "zostałeś zablokowany"),
    rate_limit=("zbyt wiele żądań", "zbyt wiele zapytań", "za dużo zapytań"),
    consent=(
        "zaakceptuj i przejdź",
        "zanim przejdziesz dalej",
        "akceptuję i przechodzę",
        "zaakceptuj i kontynuuj",
    ),
    paywall=(
        "tylko dla prenumeratorów",
        "dostępny tylko dla subskrybentów",
        "wykup subskrypcję",
        "tylko dla subskrybentów",
    ),
)
