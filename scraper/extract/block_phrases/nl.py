"""What block and stub pages say in Dutch."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "schakel javascript in",
        "javascript inschakelen",
        "javascript is uitgeschakeld",
        "javascript is vereist",
        "vereist javascript",
    ),
    challenge=(
        "verifiëren dat u een mens bent",
        "controleren of u een mens bent",
        "bevestig dat je een mens bent",
        "geen robot",
        "uw browser wordt gecontroleerd",
    ),
    waiting=("even geduld", "een moment geduld", "een ogenblik"),
    denied=(
        "toegang geweigerd",
        "je bent geblokkeerd",
        "u bent geblokkeerd",
        "verzoek geblokkeerd",
    ),
    rate_limit=("te veel verzoeken", "te veel aanvragen"),
    consent=(
        "akkoord en doorgaan",
        "voordat je verdergaat",
        "accepteer cookies om verder",
        "voordat u verdergaat",
        "ga akkoord om verder",
    ),
    paywall=(
        "alleen voor abonnees",
        "word abonnee om verder te lezen",
        "exclusief voor abonnees",
    ),
)
