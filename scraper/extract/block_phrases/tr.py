"""What block and stub pages say in Turkish."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "javascript'i etkinleştir",
        "javascript’i etkinleştir",
        "javascript devre dışı",
        "javascript gerekli",
        "javascript'i açın",
    ),
    challenge=(
        "insan olduğunuz doğrulanıyor",
        "robot olmadığınızı doğrulayın",
        "insan olduğunuzu doğrulayın",
        "ben robot değilim",
        "tarayıcınız kontrol ediliyor",
    ),
    waiting=("bir dakika", "lütfen bekleyin", "bir saniye"),
    denied=("erişim engellendi", "erişim reddedildi", "engellendiniz", "erişim yasak"),
    rate_limit=("çok fazla istek",),
    consent=("kabul et ve devam et", "devam etmeden önce", "kabul et ve devam"),
    paywall=(
        "sadece abonelere özel",
        "okumaya devam etmek için abone olun",
        "abonelere özel",
    ),
)
