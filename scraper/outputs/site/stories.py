"""Stories as the dedupe engine recorded them, told in words: why the original is the original,
and how each other copy relates to it (credits it, copies it whole, quotes an excerpt, ...).

The engine keeps, per story, its choice of original (the rule that decided it, and any tie) and
the links it found between members; this module only reads and words them. A story with no
recorded choice (an index older than the engine, a story edited by hand) falls back to the
credit lines the members carry (`stories_from_index`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from scraper.dedupe import Link, OriginalChoice
from scraper.outputs.site.catalog import Entry, Story, stories_from_index
from scraper.outputs.site.dates import published_label
from scraper.store.base import Store

# How a member relates to another, by the kind of link between them; `{other}` names the other
# ("the original", or "the copy at SOURCE"). Directed kinds read from their source's side.
LINK_WORDS: Mapping[str, str] = {
    "credit": "credits {other} as its source",
    "canonical": "names {other} as its canonical page",
    "exact": "the same text as {other}",
    "full": "the whole text of {other}, with its own header or footer",
    "edited": "an edited copy of {other}",
    "excerpt": "an excerpt of {other}",
}
REVERSED_WORDS: Mapping[str, str] = {  # a directed link read from its target's side
    "credit": "credited by {other} as its source",
    "canonical": "named by {other} as its canonical page",
    "excerpt": "contains {other}, an excerpt of it",
}
ATTRIBUTION = ("credit", "canonical")
TEXT_ORDER = ("exact", "full", "edited", "excerpt")  # the closest relation first


def load_stories(store: Store, entries: Sequence[Entry]) -> dict[str, Story]:
    """Every story of more than one archived article, with its original and its relations."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.story_id, []).append(entry)
    fallback = stories_from_index(entries)
    stories = {}
    for story_id, members in groups.items():
        if len(members) < 2:
            continue
        view = store.story(story_id)
        choice = view.original if view else None
        ids = {m.id for m in members}
        if view is None or choice is None or choice.reason == "alone" or choice.id not in ids:
            stories[story_id] = fallback[story_id]  # the engine's record is not of this story
            continue
        stories[story_id] = describe(story_id, members, choice, view.links)
    return stories


def describe(
    story_id: str, members: Sequence[Entry], choice: OriginalChoice, links: Sequence[Link]
) -> Story:
    """A story told from the engine's records: the reason for its original, each member's
    relation (to the original when a link joins them, else to the member it is linked to)."""
    by_id = {m.id: m for m in members}
    inside = [k for k in links if k.source in by_id and k.target in by_id]
    ordered = sorted(members, key=lambda m: (m.id != choice.id, m.first_seen, m.id))
    relations = tuple(
        (m.id, _relation(m.id, choice.id, inside, by_id)) for m in ordered if m.id != choice.id
    )
    return Story(
        story_id,
        tuple(m.id for m in ordered),
        choice.id,
        reason(choice, inside, by_id),
        relations,
    )


def reason(choice: OriginalChoice, links: Sequence[Link], members: Mapping[str, Entry]) -> str:
    """Why `choice.id` is the original, naming the members and dates that decided it."""
    original = choice.id
    pointing = sorted({k.source for k in links if k.target == original and k.directed})

    def named(kinds: Sequence[str]) -> list[Entry]:
        ids = {k.source for k in links if k.target == original and k.kind in kinds}
        return [members[i] for i in sorted(ids)]

    if choice.reason == "credited":
        crediting = named(("credit",)) or [members[i] for i in pointing]
        text = _agree(crediting, "credits it as its source", "credit it as their source")
    elif choice.reason == "canonical":
        naming = named(("canonical",))
        text = _agree(naming, "names it as its canonical page", "name it as their canonical page")
    elif choice.reason == "contains":
        excerpts = named(("excerpt",))
        text = "its text contains the others'"
        if excerpts:
            text += f" ({_agree(excerpts, 'is an excerpt of it', 'are excerpts of it')})"
    elif choice.reason == "earliest date":
        date = members[original].published
        text = (
            f"it was published first ({published_label(date)})"
            if date is not None
            else f"it was archived first ({published_label(members[original].first_seen)})"
        )
    elif choice.reason == "undated":
        text = "no copy gives a date or credits another, so none is known to be first"
    else:
        text = choice.reason
    if choice.tie:
        others = [members[i] for i in choice.tied if i != original and i in members]
        if others:
            text += f"; tied with {_copies(others)}, it was taken as the first by its id"
    return text


def _relation(
    member: str, original: str, links: Sequence[Link], members: Mapping[str, Entry]
) -> str:
    """The member's links to the original in words; else its links to another member."""
    own = [k for k in links if member in (k.source, k.target)]
    to_original = [k for k in own if k.other(member) == original]
    chosen = to_original or own
    if not chosen:
        return "in the story through the other copies"
    phrases = []
    for group in (ATTRIBUTION, TEXT_ORDER):
        link = next((k for kind in group for k in chosen if k.kind == kind), None)
        if link is not None:
            phrases.append(_words(member, link, original, members))
    via = next((k for k in chosen if k.via and k.kind not in ATTRIBUTION), None)
    if not phrases and via is not None:
        phrases.append(f"credits the same page as {_name(via.other(member), original, members)}")
    return "; ".join(phrases) or _words(member, chosen[0], original, members)


def _words(member: str, link: Link, original: str, members: Mapping[str, Entry]) -> str:
    other = _name(link.other(member), original, members)
    if link.directed and link.target == member:
        template = REVERSED_WORDS.get(link.kind, LINK_WORDS[link.kind])
    else:
        template = LINK_WORDS[link.kind]
    return template.format(other=other)


def _name(member: str, original: str, members: Mapping[str, Entry]) -> str:
    return "the original" if member == original else f"the copy at {members[member].source}"


def _copies(entries: Sequence[Entry]) -> str:
    names = [e.source for e in entries]
    if not names:
        return "the other copies"
    if len(names) == 1:
        return f"the copy at {names[0]}"
    return f"the copies at {', '.join(names[:-1])} and {names[-1]}"


def _agree(entries: Sequence[Entry], one: str, many: str) -> str:
    """The copies named, with the verb phrase that agrees with how many they are."""
    return f"{_copies(entries)} {one if len(entries) == 1 else many}"
