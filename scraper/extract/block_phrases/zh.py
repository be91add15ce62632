"""What block and stub pages say in Chinese."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "请启用javascript",
        "请启用 javascript",
        "启用javascript",
        "启用 javascript",
        "請啟用 javascript",
        "請啟用javascript",
        "开启javascript",
        "开启 javascript",
        "javascript 已禁用",
        "需要 javascript",
    ),
    challenge=(
        "验证您是否是真人",
        "确认您是真人",
        "人机验证",
        "安全验证",
        "我不是机器人",
        "驗證您是真人",
        "正在检查您的浏览器",
    ),
    waiting=("请稍候", "請稍候", "请稍等"),
    denied=("拒绝访问", "访问被拒绝", "拒絕存取", "禁止访问", "您已被阻止"),
    rate_limit=("请求过于频繁", "请求过多", "請求過多", "访问过于频繁"),
    consent=("接受并继续", "在继续之前", "同意并继续"),
    paywall=(
        "订阅后继续阅读",
        "仅限订阅用户",
        "订阅以继续阅读",
        "訂閱以繼續閱讀",
        "付费内容",
        "订阅用户专享",
    ),
)
