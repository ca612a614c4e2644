"""One aiohttp application for everything CityBot serves over HTTP.

Each part of the site is a module with a `setup(app)` that adds its routes; `default_parts()`
lists the parts every deployment serves; the sandbox adds its own (`citybot sandbox`). A
handler finds the runtime and the site's addresses on the app: `request.app[RUNTIME]`,
`request.app[SITE]`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiohttp import web

from citybot.runtime import Runtime

MAX_BODY = 1024 * 1024  # an Open311 request or an update is a few KB; bigger is refused (413)


@dataclass
class Site:
    """How people and systems reach the app: `public_url` for links and `media_url`, the bot's
    username for `t.me/<bot>?start=…` deep links (known once the bot has said getMe)."""

    public_url: str
    bot_username: str | None = None

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + "/" + path.lstrip("/")

    def deep_link(self, start: str) -> str | None:
        return f"https://t.me/{self.bot_username}?start={start}" if self.bot_username else None


RUNTIME = web.AppKey("runtime", Runtime)
SITE = web.AppKey("site", Site)

Part = Callable[[web.Application], None]


def default_parts() -> list[Part]:
    """The parts every deployment serves (imported here, late: each imports this module)."""
    from citybot.web import ideas, open311, plan, public

    return [plan.setup, open311.setup, public.setup, ideas.setup]


def build_web_app(runtime: Runtime, site: Site, *, parts: Sequence[Part] | None = None,
                  app: web.Application | None = None) -> web.Application:
    """The app with `parts` (default: `default_parts()`); into `app` when given (the webhook's
    own application, when WEB_LISTEN and WEBHOOK_LISTEN are one address)."""
    if app is None:
        app = web.Application(client_max_size=MAX_BODY)
    app[RUNTIME] = runtime
    app[SITE] = site
    for part in default_parts() if parts is None else parts:
        part(app)
    return app
