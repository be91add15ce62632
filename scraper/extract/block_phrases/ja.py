"""What block and stub pages say in Japanese."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "javascriptを有効に",
        "javascript を有効に",
        "javascriptが無効",
        "javascript が無効",
        "javascriptをオンに",
    ),
    challenge=(
        "人間であることを確認",
        "ロボットではありません",
        "ブラウザを確認しています",
        "セキュリティチェック",
    ),
    waiting=("しばらくお待ちください", "お待ちください"),
    denied=(
        "アクセスが拒否されました",
        "アクセス拒否",
        "アクセスが制限されています",
        "ブロックされました",
    ),
    rate_limit=("リクエストが多すぎます", "リクエスト数が多すぎます", "アクセスが集中"),
    consent=("同意して続行", "続行する前に", "同意して進む"),
    paywall=(
        "有料会員限定",
        "この記事は有料会員",
        "続きを読むには",
        "会員登録が必要",
        "有料会員になると",
    ),
)
