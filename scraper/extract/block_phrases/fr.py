"""What block and stub pages say in French."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "activer javascript",
        "activez javascript",
        "javascript est désactivé",
        "javascript est requis",
        "nécessite javascript",
        "activer le javascript",
    ),
    challenge=(
        "vérification que vous êtes un humain",
        "vérifiez que vous êtes humain",
        "vérification de votre navigateur",
        "vous êtes un humain",
        "pas un robot",
        "vérification de sécurité",
    ),
    waiting=("un instant", "veuillez patienter", "un moment"),
    denied=(
        "accès refusé",
        "accès interdit",
        "vous avez été bloqué",
        "accès non autorisé",
        "requête bloquée",
    ),
    rate_limit=("trop de requêtes", "trop de demandes"),
    consent=(
        "accepter et continuer",
        "avant de continuer",
        "acceptez les cookies pour continuer",
        "continuer sans accepter",
        "accepter et fermer",
    ),
    paywall=(
        "réservé aux abonnés",
        "article est réservé",
        "abonnez-vous pour lire la suite",
        "pour lire la suite",
        "la suite est réservée",
    ),
)
