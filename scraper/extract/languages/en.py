"""English."""

from scraper.extract.languages import Language

_ART = r"(?:article|story|post|piece|essay|report|column|interview|text)"

LANGUAGE = Language(
    code="en",
    months=(
        "january february march april may june july august september october november december",
    ),
    byline_leads=(
        "by", "posted by", "written by", "reported by", "published by", "reporting by", "words by",
        "story by", "text by", "article by", "authored by", "recipe by", "guest post by",
        "view all posts by", "all posts by", "more posts by", "posts by", "articles by",
        "this post was written by", "this article was written by",
    ),
    author_labels=("author", "authors", "text", "posted", "written"),
    photo_credits=(
        "photo", "photos", "photograph", "photography", "image", "images", "picture",
        "illustration", "credit", "credits", "photo credit",
    ),
    and_words=("and",),
    site_credits=(
        "powered by", "designed by", "developed by", "website by", "websites by", "site by",
        "theme by", "hosted by", "built by", "web design by",
    ),
    byline_ends=(
        "updated", "published", "min read", "minute read", "read more", "follow", "biography",
        "view author archive", "more articles", "email the author", "reviewed by",
        "medically reviewed by", "fact checked by", "fact-checked by", "last update",
        "last updated",
        "sponsored",
    ),
    date_leads=("at", "on", "in", "the"),
    roles=(
        "writer", "writers", "correspondent", "reporter", "reporters", "contributor",
        "contributors", "columnist", "journalist", "photographer", "editor", "editors", "staff",
        "intern", "producer", "contributing", "senior", "director", "manager", "ceo", "founder",
        "co-founder",
        "president", "officer", "chief", "vp", "head",
    ),
    desks=(
        "admin", "administrator", "webmaster", "guest", "anonymous", "unknown", "editorial",
        "newsdesk", "desk", "wire", "wires", "team", "multiple", "sources", "null", "none", "user",
        "multiple sources", "news desk", "web desk", "post wires", "with post wires", "the author",
    ),
    organisation_words=(
        "news", "research", "security", "science", "times", "post", "media", "daily", "journal",
        "magazine", "group", "network", "press", "blog", "online", "world", "today", "review",
        "report", "tribune", "herald", "gazette", "weekly", "digest", "hub", "lab", "labs",
        "studio", "studios", "insider", "wire", "channel", "radio", "tv", "photography", "team",
        "staff", "editors", "desk", "inc", "llc", "ltd", "company", "agency", "institute",
        "university", "college", "foundation", "center", "centre", "association", "society",
        "council", "club", "store", "shop", "services", "solutions", "health", "home", "insurance",
        "international", "global", "national", "data", "software", "tech", "digital", "marketing",
        "systems", "cloud",
    ),
    credits=(
        r"the original source of this " + _ART + r" is\s+(?P<name>.+)",
        r"this " + _ART + r" (?:was|is|has been) (?:originally|first) (?:published|posted|"
        r"appeared|printed|featured) (?:on|at|in|by|with)\s+(?P<name>.+)",
        r"this " + _ART + r" (?:originally|first) (?:appeared|ran|ran) (?:on|at|in)\s+(?P<name>.+)",
        r"(?:originally|first) (?:published|posted|appeared|ran) (?:on|at|in|by)\s+(?P<name>.+)",
        r"(?:this " + _ART + r" (?:is|was) )?(?:re-?published|reposted|reprinted|republished "
        r"with permission) (?:with permission )?(?:from|by|courtesy of)\s+(?P<name>.+)",
        r"this " + _ART + r" (?:has been|was) (?:adapted|republished) from its original source",
        r"provided by\s+(?P<name>.+)",
    ),
    credit_triggers=(
        "riginal", "irst published", "irst appeared", "epublished", "eprinted", "eposted",
        "rovided by", "ORIGINAL",
    ),
    counters=(
        r"\b\d[\d,.\s]*\s*(?:views?|reads?|comments?|shares?|likes?|replies|reactions?)\b",
        r"\b(?:views?|comments?|shares?|likes?)\s*:?\s*\d[\d,.\s]*",
        r"\b\d+\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b",
        r"\b(?:updated|posted|published)\s+(?:\d+\s+\w+\s+ago|just now|moments? ago)",
        r"\bjust now\b",
    ),
    weekdays=(
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
        "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    ),
    credit_name_ends=("on", "under", "with", "and"),
    link_hints=("original", "source", "article", "read", "here"),
)  # fmt: skip
