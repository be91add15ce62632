"""Datasette's front page is a list of databases, one here: open on the articles instead."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response

FRONT_PAGE = "/index/articles"  # the index is served as database "index" (index.sqlite)


@hookimpl
def register_routes() -> list[tuple[str, object]]:
    """`/` answers with a redirect to the articles, faceted by source, date and tag."""

    async def front_page() -> Response:
        return Response.redirect(FRONT_PAGE)

    return [(r"^/$", front_page)]
