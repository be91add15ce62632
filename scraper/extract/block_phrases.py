"""What block and stub pages say, one table per language (lower case; matched case-folded).

A page that stands in for an article (a bot challenge, "Access denied", a JavaScript shell, a
rate-limit page, a consent wall, a paywall teaser) says so in its visitor's language. Each kind
lists phrases a real article would not carry in its few words of text; `blocked.py` decides
with them, so adding a language or a phrase is one line here and one fixture in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    """One language's words for the pages that are not the article."""

    javascript: tuple[str, ...] = ()  # nothing shows without JavaScript
    challenge: tuple[str, ...] = ()  # a bot check: prove you are human, a captcha
    waiting: tuple[str, ...] = ()  # a challenge's title ("Just a moment..."): only as the title
    denied: tuple[str, ...] = ()  # "Access denied", "you have been blocked"
    rate_limit: tuple[str, ...] = ()  # too many requests
    consent: tuple[str, ...] = ()  # agree (to cookies, to tracking) before you may read
    paywall: tuple[str, ...] = ()  # the rest is for subscribers


EN = Phrases(
    javascript=(
        "enable javascript",
        "javascript is disabled",
        "javascript is required",
        "requires javascript",
        "turn on javascript",
        "javascript must be enabled",
        "without javascript enabled",
        "enable js and",
        "javascript to run this app",
        "javascript enabled to",
        "switch on javascript",
    ),
    challenge=(
        "verify you are human",
        "verifying you are human",
        "checking your browser",
        "checking if the site connection is secure",
        "are you a robot",
        "i'm not a robot",
        "i am not a robot",
        "prove you are human",
        "press & hold",
        "press and hold",
        "complete the security check",
        "security of your connection before proceeding",
        "ddos protection by",
        "confirm you are a human",
        "unusual traffic from your",
        "human verification",
        "bot protection",
    ),
    waiting=(
        "just a moment",
        "please wait",
        "one moment",
        "checking your browser",
        "security check",
        "ddos-guard",
        "human verification",
    ),
    denied=(
        "access denied",
        "attention required! | cloudflare",
        "access to this page has been denied",
        "you have been blocked",
        "sorry, you have been blocked",
        "403 forbidden",
        "you don't have permission to access",
        "you do not have permission to access",
        "request blocked",
        "request unsuccessful",
        "this request was blocked",
        "access forbidden",
        "not authorized to access",
        "website firewall",
    ),
    rate_limit=(
        "too many requests",
        "rate limit exceeded",
        "you are being rate limited",
        "temporarily rate limited",
        "you have been rate limited",
        "rate-limited",
        "request limit exceeded",
    ),
    consent=(
        "before you continue to",
        "accept all cookies to continue",
        "agree and continue",
        "accept and continue",
        "you must accept cookies",
        "to continue, please accept",
        "consent to continue",
        "accept cookies to continue",
        "is part of the yahoo family",
        "reject all or accept all",
        "manage your privacy choices to continue",
    ),
    paywall=(
        "subscribe to continue reading",
        "subscribe to read",
        "subscribe now to continue",
        "to continue reading, subscribe",
        "exclusive to subscribers",
        "subscriber-only",
        "this article is for paid subscribers",
        "is for subscribers only",
        "available to subscribers only",
        "to read the full story",
        "sign in to continue reading",
        "register to continue reading",
        "unlock this article",
    ),
)

DE = Phrases(
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

FR = Phrases(
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

ES = Phrases(
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

IT = Phrases(
    javascript=(
        "abilita javascript",
        "abilitare javascript",
        "attiva javascript",
        "javascript è disabilitato",
        "richiede javascript",
    ),
    challenge=(
        "verifica di essere un essere umano",
        "verifica che tu sia un essere umano",
        "controllo del browser",
        "sei un essere umano",
        "non sono un robot",
        "controllo di sicurezza",
    ),
    waiting=("un momento", "attendere prego", "attendere"),
    denied=("accesso negato", "sei stato bloccato", "accesso vietato", "richiesta bloccata"),
    rate_limit=("troppe richieste",),
    consent=("accetta e continua", "prima di continuare", "accetta i cookie per continuare"),
    paywall=(
        "riservato agli abbonati",
        "abbonati per continuare a leggere",
        "solo per gli abbonati",
        "contenuto riservato",
    ),
)

PT = Phrases(
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

NL = Phrases(
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

PL = Phrases(
    javascript=(
        "włącz javascript",
        "włączyć javascript",
        "javascript jest wyłączony",
        "wymaga javascript",
        "włączonej obsługi javascript",
    ),
    challenge=(
        "weryfikacja, czy jesteś człowiekiem",
        "potwierdź, że jesteś człowiekiem",
        "jesteś człowiekiem",
        "nie jestem robotem",
        "sprawdzanie przeglądarki",
    ),
    waiting=("chwileczkę", "proszę czekać", "jedną chwilę"),
    denied=("odmowa dostępu", "dostęp zabroniony", "dostęp zablokowany", "zostałeś zablokowany"),
    rate_limit=("zbyt wiele żądań", "zbyt wiele zapytań", "za dużo zapytań"),
    consent=(
        "zaakceptuj i przejdź",
        "zanim przejdziesz dalej",
        "akceptuję i przechodzę",
        "zaakceptuj i kontynuuj",
    ),
    paywall=(
        "tylko dla prenumeratorów",
        "dostępny tylko dla subskrybentów",
        "wykup subskrypcję",
        "tylko dla subskrybentów",
    ),
)

RU = Phrases(
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

ZH = Phrases(
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

JA = Phrases(
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

AR = Phrases(
    javascript=(
        "تمكين javascript",
        "تفعيل javascript",
        "تمكين جافا سكريبت",
        "تفعيل جافا سكريبت",
        "javascript معطل",
    ),
    challenge=("التحقق من أنك إنسان", "تأكد من أنك إنسان", "لست روبوت", "التحقق من المتصفح"),
    waiting=("لحظة", "يرجى الانتظار", "الرجاء الانتظار"),
    denied=("تم رفض الوصول", "الوصول مرفوض", "تم حظرك", "ممنوع الوصول"),
    rate_limit=("طلبات كثيرة جدًا", "طلبات كثيرة جدا", "عدد كبير جدًا من الطلبات"),
    consent=("قبول ومتابعة", "قبل المتابعة", "موافق ومتابعة"),
    paywall=("للمشتركين فقط", "اشترك لمواصلة القراءة", "حصري للمشتركين"),
)

TR = Phrases(
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

LANGUAGES: dict[str, Phrases] = {
    "en": EN,
    "de": DE,
    "fr": FR,
    "es": ES,
    "it": IT,
    "pt": PT,
    "nl": NL,
    "pl": PL,
    "ru": RU,
    "zh": ZH,
    "ja": JA,
    "ar": AR,
    "tr": TR,
}

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
