"""What block and stub pages say in Russian."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "включите javascript",
        "javascript отключен",
        "javascript отключён",
        "необходим javascript",
        "требуется javascript",
        "включить javascript",
    ),
    challenge=(
        "проверка, что вы человек",
        "подтвердите, что вы человек",
        "проверка браузера",
        "вы не робот",
        "я не робот",
        "что вы не робот",
    ),
    waiting=("один момент", "пожалуйста, подождите", "подождите"),
    denied=(
        "доступ запрещён",
        "доступ запрещен",
        "доступ закрыт",
        "вы заблокированы",
    ),
    rate_limit=("слишком много запросов",),
    consent=("принять и продолжить", "прежде чем продолжить", "примите файлы cookie"),
    paywall=(
        "только для подписчиков",
        "оформите подписку, чтобы продолжить",
        "доступно только подписчикам",
        "чтобы продолжить чтение",
    ),
)
