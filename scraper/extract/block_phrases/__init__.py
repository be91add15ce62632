"""What block and stub pages say, one module per language (lower case; matched case-folded).

A page that stands in for an article (a bot challenge, "Access denied", a JavaScript shell, a
rate-limit page, a consent wall, a paywall teaser) says so in its visitor's language. Each kind
lists phrases a real article would not carry in its few words of text; `blocked.py` decides
with them. Adding a phrase is one line in its language's module (`en.py`, `de.py` ...), and
adding a language is one module, each with a fixture in the tests.
"""

from __future__ import annotations

import importlib
import pkgutil

from scraper.extract.block_phrases.phrases import Phrases

__all__ = [
    "APP_ROOTS",
    "CAPTCHA_WIDGETS",
    "CHALLENGE_MARKERS",
    "CONSENT_TOPICS",
    "LANGUAGES",
    "Phrases",
]


def _collect() -> dict[str, Phrases]:
    """Every language module of this package, by its code (the module's name)."""
    found: dict[str, Phrases] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name != "phrases":
            found[module.name] = importlib.import_module(f"{__name__}.{module.name}").PHRASES
    return found


LANGUAGES: dict[str, Phrases] = _collect()

# Traces the anti-bot services leave in their challenge pages, whatever the language (as they
# are written: code, matched case for case). Not Cloudflare's "/cdn-cgi/challenge-platform/
# scripts/jsd/" snippet: it rides on ordinary pages too.
CHALLENGE_MARKERS = (
    "/cdn-cgi/challenge-platform/h/",
    "_cf_chl_opt",
    "jschl-answer",
    "cf-browser-verification",
    "captcha-delivery.com",
    "_Incapsula_Resource",
    "px-captcha",
    "/_sec/cp_challenge",
    "gokuProps",
    "AwsWafIntegration",
    "ddos-guard",
    "sucuri_cloudproxy",
)
# Captcha widgets: a challenge page's, but also a login or newsletter form's on ordinary pages,
# so they count only on a page with hardly any text.
CAPTCHA_WIDGETS = (
    "g-recaptcha",
    "h-captcha",
    "hcaptcha.com",
    "cf-turnstile",
    "challenges.cloudflare.com",
)
# What a consent wall is about, whatever its language: its phrases ("before you continue")
# are common words, and only count beside one of these.
CONSENT_TOPICS = (
    "cookie",
    "consent",
    "privacy",
    "personal data",
    "zustimmung",
    "datenschutz",
    "werbung",
    "consentement",
    "données personnelles",
    "publicité",
    "consentimiento",
    "privacidad",
    "publicidad",
    "consenso",
    "pubblicità",
    "consentimento",
    "privacidade",
    "toestemming",
    "prywatnoś",
    "zgod",
    "согласи",
    "персональных данных",
    "隐私",
    "個人情報",
    "プライバシー",
    "الخصوصية",
    "ملفات تعريف الارتباط",
    "çerez",
    "gizlilik",
    "kişisel veri",
)
# `id`s of the element a single-page app fills in with JavaScript.
APP_ROOTS = (
    "root",
    "app",
    "__next",
    "__nuxt",
    "___gatsby",
    "react-root",
    "ember-app",
    "svelte",
    "application",
    "main-app",
    "q-app",
)
