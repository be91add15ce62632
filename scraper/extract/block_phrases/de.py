"""What block and stub pages say in German."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "javascript aktivieren",
        "aktivieren sie javascript",
        "javascript ist deaktiviert",
        "javascript wird benötigt",
        "erfordert javascript",
        "javascript einschalten",
        "javascript muss aktiviert",
    ),
    challenge=(
        "überprüfung, ob sie ein mensch sind",
        "bestätigen sie, dass sie ein mensch sind",
        "ihr browser wird überprüft",
        "sie ein mensch sind",
        "kein roboter",
        "sicherheitsüberprüfung",
    ),
    waiting=("einen moment", "bitte warten", "nur einen moment"),
    denied=(
        "zugriff verweigert",
        "zugang verweigert",
        "sie wurden blockiert",
        "zugriff nicht gestattet",
        "anfrage blockiert",
    ),
    rate_limit=("zu viele anfragen", "zu viele anforderungen"),
    consent=(
        "zustimmen und weiter",
        "akzeptieren und weiter",
        "mit werbung weiterlesen",
        "bevor sie fortfahren",
        "werbefrei lesen",
        "zustimmen und weiterlesen",
        "ihre zustimmung",
        "pur-abo",
    ),
    paywall=(
        "nur für abonnenten",
        "exklusiv für abonnenten",
        "jetzt abonnieren und weiterlesen",
        "artikel ist nur für",
        "abonnieren sie, um weiterzulesen",
    ),
)
