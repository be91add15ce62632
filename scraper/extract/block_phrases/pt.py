"""What block and stub pages say in Portuguese."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "ative o javascript",
        "habilite o javascript",
        "ativar o javascript",
        "javascript está desativado",
        "requer javascript",
        "ativar javascript",
    ),
    challenge=(
        "verificando se você é humano",
        "confirme que você é humano",
        "verificar se é humano",
        "não sou um robô",
        "verificação de segurança",
    ),
    waiting=("um momento", "aguarde", "por favor, aguarde"),
    denied=("acesso negado", "você foi bloqueado", "acesso proibido", "pedido bloqueado"),
    rate_limit=("muitas solicitações", "demasiados pedidos", "muitas requisições"),
    consent=("aceitar e continuar", "antes de continuar", "aceite os cookies para continuar"),
    paywall=(
        "exclusivo para assinantes",
        "assine para continuar lendo",
        "conteúdo exclusivo para",
        "exclusivo para assinantes",
    ),
)
