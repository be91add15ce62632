"""What block and stub pages say in Spanish."""

from __future__ import annotations

from scraper.extract.block_phrases.phrases import Phrases

PHRASES = Phrases(
    javascript=(
        "habilita javascript",
        "habilite javascript",
        "activa javascript",
        "active javascript",
        "javascript está deshabilitado",
        "requiere javascript",
        "habilitar javascript",
    ),
    challenge=(
        "verificando que usted es un ser humano",
        "verifica que eres un ser humano",
        "comprobando tu navegador",
        "eres un ser humano",
        "usted es un ser humano",
        "no soy un robot",
        "verificación de seguridad",
    ),
    waiting=("un momento", "espere por favor", "por favor, espere"),
    denied=(
        "acceso denegado",
        "ha sido bloqueado",
        "has sido bloqueado",
        "acceso prohibido",
        "solicitud bloqueada",
    ),
    rate_limit=("demasiadas solicitudes", "demasiadas peticiones"),
    consent=("aceptar y continuar", "antes de continuar", "acepta las cookies para continuar"),
    paywall=(
        "exclusivo para suscriptores",
        "suscríbete para seguir leyendo",
        "suscríbete para continuar leyendo",
        "solo para suscriptores",
        "contenido exclusivo para",
    ),
)
