"""Residents' proposals on the public site: the list (`/ideas`: newest or most supported, by
district, open / awaiting the city / answered / closed, a page at a time) and a proposal's page
(`/ideas/{n}`) with its Support button, the deep link `t.me/<bot>?start=idea_<n>`. What is
public of a proposal is decided in citybot.services.public; rendering is web.public's."""

from __future__ import annotations

import math

from aiohttp import web
from yarl import URL

from citybot.services import public
from citybot.web.app import RUNTIME, SITE
from citybot.web.public import render

MAX_DIGITS = 9  # proposals.id is a 32-bit integer: longer is no proposal


async def ideas_page(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    filters = public.parse_idea_filters(dict(request.query), runtime.config)
    async with runtime.sessions() as session:
        listed, total = await public.public_proposals(session=session, filters=filters,
                                                      per_page=public.IDEAS_PER_PAGE)
    pages = max(1, math.ceil(total / public.IDEAS_PER_PAGE))

    def page_link(number: int) -> str:
        query = {k: v for k, v in request.query.items() if k not in ("lang", "page")}
        if number > 1:
            query["page"] = str(number)
        return str(URL("/ideas").with_query(query))

    return render(request, "ideas.html", listed=listed, total=total, filters=filters,
                  current=filters.page + 1, pages=pages, page_link=page_link,
                  threshold=runtime.config.proposals.threshold,
                  days=runtime.config.proposals.window_days)


async def idea_page(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    number = request.match_info["number"]
    idea = None
    if number.isascii() and number.isdigit() and len(number) <= MAX_DIGITS:
        async with runtime.sessions() as session:
            idea = await public.public_proposal(session=session, number=int(number))
    if idea is None:
        return render(request, "not_found.html", status=404, number=number[:12],
                      missing="site-idea-not-found", back=("/ideas", "site-back-to-ideas"))
    return render(request, "idea.html", idea=idea,
                  threshold=runtime.config.proposals.threshold,
                  deep_link=request.app[SITE].deep_link(f"idea_{idea.id}"))


def setup(app: web.Application) -> None:
    app.router.add_get("/ideas", ideas_page)
    app.router.add_get("/ideas/{number}", idea_page)
