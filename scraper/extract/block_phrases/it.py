"""What block and stub pages say in Italian."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "abilita javascript",
        "abilitare javascript",
        "attiva javascript",
        "javascript è disabilitato",
        "richiede javascript",
    ),
    challenge=(
        "verifica di essere un essere umano",
        "verifica che tu sia un essere umano",
        "controllo del browser",
        "sei un essere umano",
        "non sono un robot",
        "controllo di sicurezza",
    ),
    waiting=("un momento", "attendere prego", "attendere"),
    denied=("accesso negato", "sei stato bloccato", "accesso vietato", "richiesta bloccata"),
    rate_limit=("troppe richieste",),
    consent=("accetta e continua", "prima di continuare", "accetta i cookie per continuare"),
    paywall=(
        "riservato agli abbonati",
        "abbonati per continuare a leggere",
        "solo per gli abbonati",
        "contenuto riservato",
    ),
)
