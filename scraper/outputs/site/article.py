"""Pages of one article (metadata, body, other copies), of its versions, of a story, and of a
copy compared with its story's original.

Pure functions: records in, an HTML string out. Bodies come from the extractor's Markdown through
the escaping converter; archived HTML is never used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from scraper.models import StoredArticle, StoredVersion
from scraper.outputs.site import paths
from scraper.outputs.site.catalog import Entry, Story
from scraper.outputs.site.dates import published_label
from scraper.outputs.site.html import esc, ext_link, link, page, rel, when
from scraper.outputs.site.markdown import to_html
from scraper.store.tree import SCREENSHOT_FILE
from scraper.store.versions import Change, Snapshot, describe_snapshot, word_diff

CONTEXT = 30  # words kept around each change in a diff


def _crumbs(path: str, source: str, day: str) -> str:
    return (
        f"{link(path, paths.HOME, 'Home')} › {link(path, paths.source_index(source), source)}"
        f" › {link(path, paths.day(day) + 'index.html', day)}"
    )


def _body(markdown: str, text: str) -> str:
    if markdown.strip():
        return to_html(markdown)
    if text.strip():
        return "".join(f"<p>{esc(p.strip())}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())
    return '<p class="muted">(no body could be extracted)</p>'


def _lang(language: str | None) -> str:
    """The article's language, for hyphenation and screen readers (the site's own is English)."""
    return (
        f' lang="{esc(language)}"'
        if language and re.fullmatch(r"[a-zA-Z-]{2,12}", language)
        else ""
    )


def _meta(rows: Sequence[tuple[str, str]]) -> str:
    return (
        '<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows if v) + "</dl>"
    )


def article_page(
    article: StoredArticle,
    entry: Entry,
    story: Story | None,
    members: Mapping[str, Entry],
    files: str | None,
    *,
    screenshot: bool = False,
) -> str:
    """An article: metadata, other copies of its story, then its body.

    `files` is the article's folder in the archive tree when its files are there to link to;
    `screenshot`: it holds the rendered page's screenshot (an image, never the page's HTML).
    """
    path = paths.article(article.id)
    links, shot = _files(path, files, screenshot)
    error = article.extra.get("extraction_error")
    notice = f'<p class="notice">No body could be extracted: {esc(error)}</p>' if error else ""
    lead = f'<p class="muted">{esc(article.description)}</p>' if article.description else ""
    content = (
        f"<article{_lang(article.language)}><h1>{esc(article.title or article.url)}</h1>"
        f"{_article_meta(path, article, links)}{notice}"
        f"{_copies(path, article.id, story, members)}{lead}"
        f'<h2>Text</h2><div class="body">{_body(article.markdown, article.text)}</div>'
        f"{shot}</article>"
    )
    return page(
        path, article.title or article.url, content, crumbs=_crumbs(path, article.source, entry.day)
    )


def _files(path: str, files: str | None, screenshot: bool) -> tuple[str, str]:
    """Links to the article's files in the archive tree, and its screenshot shown (if any)."""
    links = ""
    if files is not None:
        links = (
            f"{link(path, files + '/article.md', 'article.md')} · "
            f"{link(path, files + '/metadata.json', 'metadata.json')}"
        )
    shot = ""
    if files is not None and screenshot:
        image = rel(path, f"{files}/{SCREENSHOT_FILE}")
        links += f" · {link(path, f'{files}/{SCREENSHOT_FILE}', 'screenshot.png')}"
        shot = (
            f'<h2>Screenshot</h2><figure><a href="{image}"><img src="{image}" width="640" '
            'alt="The page as the browser rendered it"></a></figure>'
        )
    return links, shot


def _article_meta(path: str, article: StoredArticle, links: str) -> str:
    """The article's metadata as a list, on its page at `path`; `links`: to its files."""
    versions = (
        link(path, paths.history(article.id), f"{article.versions} — see what changed")
        if article.versions > 1
        else "1"
    )
    canonical = article.canonical_url if article.canonical_url not in (None, article.url) else None
    credited = article.original_url
    if credited and article.extra.get("original_source"):
        credited += f" ({article.extra['original_source']})"
    return _meta(
        [
            ("Source", link(path, paths.source_index(article.source), article.source)),
            ("URL", ext_link(article.url)),
            ("Canonical URL", ext_link(canonical) if canonical else ""),
            ("Credits as original", ext_link(article.original_url, credited) if credited else ""),
            ("Published", published_label(article.published)),
            ("Updated", when(article.updated) if article.updated else ""),
            ("Authors", esc(", ".join(article.authors))),
            ("Language", esc(article.language or "")),
            ("Tags", esc(", ".join(article.tags))),
            ("First archived", when(article.first_seen)),
            ("Last checked", when(article.last_seen)),
            ("Versions", versions),
            ("Files", links),
            ("Id", f"<code>{esc(article.id)}</code>"),
        ]
    )


def _copies(path: str, own: str, story: Story | None, members: Mapping[str, Entry]) -> str:
    if story is None:
        return ""
    others = [members[m] for m in story.members if m != own and m in members]
    if not others:
        return ""
    lines = []
    for other in others:
        badge = ' <span class="badge orig">original</span>' if other.id == story.original else ""
        relation = story.relation(other.id)
        lines.append(
            f"<li>{link(path, paths.article(other.id), other.label)}{badge}"
            f' <span class="small">· {esc(other.source)} · {published_label(other.published)} · '
            f"{ext_link(other.url)}{f' · {esc(relation)}' if relation else ''}</span></li>"
        )
    if story.original == own:
        mine = ' <span class="badge orig">this copy is the original</span>'
        why = f"<p>This copy is the original: {esc(story.reason)}.</p>" if story.reason else ""
    else:
        mine, why = "", _own_relation(path, own, story)
    return (
        f"<h2>Also published at{mine}</h2>{why}<ul>{''.join(lines)}</ul>"
        f"<p>{link(path, paths.story(story.id), f'The story: {len(story.members)} copies →')}</p>"
    )


def _own_relation(path: str, own: str, story: Story) -> str:
    """What this copy is to the story, with its comparison with the original when known."""
    relation = story.relation(own)
    compare = (
        " " + link(path, paths.compare(own), "Compare it with the original →")
        if story.role(own) == "copy"
        else ""
    )
    return f"<p>This copy: {esc(relation)}.{compare}</p>" if relation or compare else ""


def story_page(story: Story, members: Mapping[str, Entry]) -> str:
    """Every copy of a story, the original first, each with where and when it appeared."""
    path = paths.story(story.id)
    found = [members[m] for m in story.members if m in members]
    lead = members.get(story.original or "") or found[0]
    items = []
    for e in found:
        if e.id == story.original:
            role = ' <span class="badge orig">original</span>'
            said = f"the original: {story.reason}" if story.reason else "the original"
        else:
            role = ""
            said = story.relation(e.id)
        compare = (
            f" · {link(path, paths.compare(e.id), 'compare with the original')}"
            if story.role(e.id) == "copy"
            else ""
        )
        source = link(path, paths.source_index(e.source), e.source)
        items.append(
            f"<li>{link(path, paths.article(e.id), e.label)}{role}<br>"
            f'<span class="relation">{esc(said.capitalize())}{compare}</span><br>'
            f'<span class="small">{source} · published {published_label(e.published)} · '
            f"archived {when(e.first_seen)} · {ext_link(e.url)}</span></li>"
        )
    if story.original:
        known = "The original is marked"
        known += f": {esc(story.reason)}." if story.reason else "."
    else:
        known = "None of the copies is known to be the original."
    body = (
        f"<h1>{esc(lead.label)}</h1><p>One story, published {len(found)} times. {known}</p>"
        f'<ol class="items">{"".join(items)}</ol>'
    )
    crumbs = (
        f"{link(path, paths.HOME, 'Home')} › {link(path, paths.STORIES + 'index.html', 'Stories')}"
    )
    return page(path, f"Story: {lead.label}", body, crumbs=crumbs)


def compare_page(story: Story, original: StoredArticle, copy: StoredArticle) -> str:
    """What a copy changed against its story's original: a word diff, original to copy."""
    path = paths.compare(copy.id)
    changes = word_diff(describe_snapshot(_stored(original)), describe_snapshot(_stored(copy)))
    relation = story.relation(copy.id)
    body = (
        f"<h1>{esc(copy.title or copy.url)}</h1>"
        f"<p>The copy at {esc(copy.source)} "
        f"({link(path, paths.article(copy.id), 'its page')}) against the original at "
        f"{esc(original.source)} ({link(path, paths.article(original.id), 'its page')}). "
        f"{esc(relation.capitalize())}{'.' if relation else ''}</p>"
        f"<p>The original: {esc(story.reason or 'no reason recorded')}.</p>"
        f"{_difference(changes)}"
    )
    crumbs = f"{link(path, paths.HOME, 'Home')} › {link(path, paths.story(story.id), 'Story')}"
    return page(path, f"Compared: {copy.title or copy.url}", body, crumbs=crumbs)


def _difference(changes: Sequence[Change]) -> str:
    """What the copy adds and leaves out, highlighted; or that no word differs."""
    added = sum(len(c.text.split()) for c in changes if c.kind == "insert")
    removed = sum(len(c.text.split()) for c in changes if c.kind == "delete")
    if not added and not removed:
        return (
            "<p>No word differs: the copy's title, authors, dates and text are the original's.</p>"
        )
    return (
        f'<p>Words the copy adds: <span class="added">{_words(added, "+")}</span>; '
        f'words it leaves out: <span class="removed">{_words(removed, "−")}</span>.</p>'
        f'<div class="diff">{diff_html(changes)}</div>'
    )


def _stored(article: StoredArticle) -> Snapshot:
    return Snapshot(
        article.title, article.text, article.authors, article.published, article.updated
    )


def history_page(article: StoredArticle, entry: Entry, versions: Sequence[StoredVersion]) -> str:
    """Every version in a table, then each major version's changes against the one before."""
    path = paths.history(article.id)
    table = "".join(
        f'<tr><td>{_version_link(v)}</td><td class="nowrap">{when(v.fetched_at)}</td>'
        f"<td>{'minor (spacing, punctuation)' if v.minor else 'major'}</td>"
        f"<td>{esc(v.title or '')}</td></tr>"
        for v in versions
    )
    sections = []
    major = [v for v in versions if not v.minor]
    for before, version in zip([None, *major], major, strict=False):
        number = version.number
        fetched = when(version.fetched_at)
        head = f'<h2 id="v{number}">Version {number} <span class="small">{fetched}</span></h2>'
        if before is not None:
            changes = word_diff(
                describe_snapshot(Snapshot.of_version(before)),
                describe_snapshot(Snapshot.of_version(version)),
            )
            added = sum(len(c.text.split()) for c in changes if c.kind == "insert")
            removed = sum(len(c.text.split()) for c in changes if c.kind == "delete")
            head += (
                f"<p>Changes since version {before.number}: "
                f'<span class="added">{_words(added, "+")}</span>, '
                f'<span class="removed">{_words(removed, "−")}</span></p>'
                f'<div class="diff">{diff_html(changes)}</div>'
            )
        full = _body(version.markdown or "", version.text or "")
        sections.append(
            f"{head}<details><summary>Full text of version {number}</summary>"
            f'<div class="body">{full}</div></details>'
        )
    body = (
        f"<h1>Versions of “{esc(article.title or article.url)}”</h1>"
        f"<p>{link(path, paths.article(article.id), '← Back to the article')}</p>"
        "<table><tr><th>Version</th><th>Fetched</th><th>Kind</th><th>Title</th></tr>"
        f"{table}</table>{''.join(reversed(sections))}"
    )
    return page(
        path,
        f"Versions: {article.title or article.url}",
        body,
        crumbs=_crumbs(path, article.source, entry.day),
    )


def _words(count: int, sign: str) -> str:
    return f"{sign}{count} word{'' if count == 1 else 's'}"


def _version_link(version: StoredVersion) -> str:
    """Major versions have a section below to jump to; minor ones are only listed."""
    number = version.number
    return str(number) if version.minor else f'<a href="#v{number}">{number}</a>'


def diff_html(changes: Sequence[Change], context: int = CONTEXT) -> str:
    """Insertions and deletions highlighted; long unchanged runs cut to `context` words a side."""
    out = []
    last = len(changes) - 1
    for index, change in enumerate(changes):
        if change.kind == "insert":
            out.append(f"<ins>{esc(change.text)}</ins>")
        elif change.kind == "delete":
            out.append(f"<del>{esc(change.text)}</del>")
        else:
            words = re.findall(r"\S+\s*", change.text)
            keep_head = context if index > 0 else 0
            keep_tail = context if index < last else 0
            if len(words) > keep_head + keep_tail + 10:
                head, tail = "".join(words[:keep_head]), "".join(words[len(words) - keep_tail :])
                out.append(f'{esc(head)}<span class="gap">[…]</span>\n{esc(tail)}')
            else:
                out.append(esc(change.text))
    return "".join(out)
