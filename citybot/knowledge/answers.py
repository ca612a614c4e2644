"""Short formatted answers (Telegram HTML) with buttons for related questions.

`FaqDesk` turns a question (its text and NLU parse) into an `Answer`; a button's `key` comes
back when the resident presses it, and `FaqDesk.answer_key(key, lang)` answers that. Keys:

    waste:guide            waste:stream:<stream>      waste:item:<item>
    transport:routes       transport:route:<number>   transport:stop:<stop>
    transport:fares        transport:night            transport:lost
    person                 (hand over to staff: the dialog's business)
    menu:report | menu:waste | menu:transport | menu:status   (the fallback's menu)

Wording lives in citybot/locales/<lang>/faq.ftl; data is escaped with `html.escape`.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from citybot.knowledge.transport import Route, TransportGuide, TripOption
from citybot.knowledge.waste import WasteAnswer, WasteGuide

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
MAX_WASTE_ITEMS = 3
MAX_STOP_BUTTONS = 6

_FARES_RE = re.compile(
    r"fare|ticket|price|cost|how much|pass\b|passes|travel card|transport card|pay|discount|"
    r"free|top up|проезд|билет|стоимост|сколько стоит|цен[аы]|проездн|оплат|карт[ауы]|скидк|"
    r"бесплатн|льгот|пополн|дороже",
    re.IGNORECASE,
)
_LOST_RE = re.compile(
    r"\blost\b|\bforgot|\bleft my|lost and found|lost property|находок|забыл|потерял|оставил",
    re.IGNORECASE,
)
_NIGHT_RE = re.compile(r"\bnight|ночн|ночью|по ночам", re.IGNORECASE)


class Localizer(Protocol):
    def format_value(self, msg_id: str, args: dict[str, Any] | None = None) -> str: ...


@functools.cache
def faq_localization(lang: str) -> Localizer:
    """The faq.ftl messages of one language (the bot's i18n may pass its own instead)."""
    from fluent.runtime import FluentLocalization, FluentResourceLoader

    loader = FluentResourceLoader(str(LOCALES_DIR / "{locale}"))
    return FluentLocalization([lang, "en"], ["faq.ftl"], loader)


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    key: str


@dataclass(frozen=True, slots=True)
class Answer:
    text: str  # HTML
    buttons: list[Button] = field(default_factory=list)
    found: bool = True  # False: "nothing found, ask a person?"


def _e(value: Any) -> str:
    return html.escape(str(value), quote=False)


class FaqDesk:
    """Answers waste and transport questions in the resident's language."""

    def __init__(
        self,
        waste: WasteGuide,
        transport: TransportGuide,
        l10n: Callable[[str], Localizer] = faq_localization,
    ) -> None:
        self.waste = waste
        self.transport = transport
        self._l10n = l10n

    @classmethod
    def load(cls, waste_path: str | Path, transport_path: str | Path, **kwargs: Any) -> FaqDesk:
        return cls(WasteGuide.load(waste_path), TransportGuide.load(transport_path), **kwargs)

    def t(self, lang: str, msg_id: str, **args: Any) -> str:
        return self._l10n(lang).format_value(msg_id, args)

    # --- entry points ------------------------------------------------------------------------

    def answer(self, parse: Any, text: str, lang: str) -> Answer:
        """Answer a `faq_waste` or `faq_transport` parse (citybot.nlu.Parse) of `text`."""
        values = {kind: parse.entity_values(kind) for kind in ("waste_item", "route", "stop")}
        if parse.intent == "faq_transport":
            return self.answer_transport(text, lang, routes=values["route"], stops=values["stop"])
        return self.answer_waste(text, lang, items=values["waste_item"])

    def answer_key(self, key: str, lang: str) -> Answer | None:
        """The answer behind a button; None for keys that are not ours (`person`, `menu:*`)."""
        kind, _, arg = key.partition(":")
        topic, _, value = arg.partition(":")
        if kind == "waste":
            if topic == "item" and value in self.waste.items:
                return self.format_waste([self.waste.answer(value, lang)], lang)
            if topic == "stream" and value in self.waste.streams:
                return self.format_stream(value, lang)
            if topic == "guide":
                return self.format_waste_guide(lang)
        if kind == "transport":
            simple = {
                "fares": self.format_fares,
                "night": self.format_night_buses,
                "lost": self.format_lost_property,
                "routes": self.format_routes,
            }
            if topic in simple:
                return simple[topic](lang)
            if topic == "route" and self.transport.route(value):
                return self.format_route(self.transport.route(value), lang)
            if topic == "stop" and value in self.transport.stops:
                return self.format_routes_via(value, lang)
        return None

    def answer_waste(self, text: str, lang: str, items: Iterable[str] = ()) -> Answer:
        answers: list[WasteAnswer] = []
        for value in items:  # what the NLU found; look each up on its own
            found = self.waste.lookup(value, lang)
            if not found:
                return self.nothing_found(value, lang)
            answers.extend(a for a in found if a.item_id not in {b.item_id for b in answers})
        if not answers:
            answers = self.waste.lookup(text, lang)
        if answers:
            return self.format_waste(answers, lang)
        stream = self.waste.stream_for(text)
        if stream:
            return self.format_stream(stream.id, lang)
        return self.format_waste_guide(lang)

    def answer_transport(
        self, text: str, lang: str, routes: Iterable[str] = (), stops: Iterable[str] = ()
    ) -> Answer:
        guide = self.transport
        routes, stop_texts = list(routes), list(stops)
        known = [guide.find_stop(s) for s in stop_texts]
        if not stop_texts:
            known = list(guide.find_stops(text))
            stop_texts = [s.name[lang] for s in known]
        first_known = next((s for s in known if s is not None), None)
        if _LOST_RE.search(text):
            return self.format_lost_property(lang)
        if len(stop_texts) >= 2:
            for value, stop in zip(stop_texts, known, strict=True):
                if stop is None:
                    return self.nothing_found(value, lang)
            return self.format_trip(known[0].id, known[1].id, lang)
        if _FARES_RE.search(text):
            return self.format_fares(lang)
        if _NIGHT_RE.search(text) and not routes:
            return self.format_night_buses(lang, first_known.id if first_known else None)
        if routes:
            route = guide.route(routes[0])
            return self.format_route(route, lang) if route else self.nothing_found(routes[0], lang)
        if stop_texts:
            if first_known is None:
                return self.nothing_found(stop_texts[0], lang)
            return self.format_routes_via(first_known.id, lang)
        return self.format_routes(lang)

    # --- shared ----------------------------------------------------------------------------

    def nothing_found(self, query: str, lang: str) -> Answer:
        return Answer(
            self.t(lang, "faq-nothing-found", query=_e(query)),
            [Button(self.t(lang, "faq-btn-person"), "person")],
            found=False,
        )

    def fallback(self, lang: str) -> Answer:
        """For a parse that is out of scope or not confident: the menu and a person."""
        menu = [
            ("faq-btn-report", "menu:report"),
            ("faq-btn-waste", "menu:waste"),
            ("faq-btn-transport", "menu:transport"),
            ("faq-btn-status", "menu:status"),
            ("faq-btn-person", "person"),
        ]
        return Answer(
            self.t(lang, "faq-fallback"),
            [Button(self.t(lang, msg), key) for msg, key in menu],
            found=False,
        )

    # --- waste -----------------------------------------------------------------------------

    def format_waste(self, answers: list[WasteAnswer], lang: str) -> Answer:
        blocks, buttons = [], []
        for a in answers[:MAX_WASTE_ITEMS]:
            lines = [
                self.t(lang, "faq-waste-item", icon=a.icon, item=_e(a.item), bin=_e(a.bin)),
                self.t(lang, "faq-waste-where", where=_e(a.where)),
            ]
            if a.how:
                lines.append(self.t(lang, "faq-waste-how", how=_e(a.how)))
            if a.tip:
                lines.append(self.t(lang, "faq-waste-tip", tip=_e(a.tip)))
            if a.special:
                lines.append(self.t(lang, "faq-waste-special"))
            blocks.append("\n".join(lines))
            key = f"waste:stream:{a.stream_id}"
            if key not in {b.key for b in buttons}:
                label = self.t(lang, "faq-btn-waste-stream", icon=a.icon)
                buttons.append(Button(label, key))
        buttons.append(Button(self.t(lang, "faq-btn-waste-guide"), "waste:guide"))
        buttons.append(Button(self.t(lang, "faq-btn-person"), "person"))
        return Answer("\n\n".join(blocks), buttons)

    def format_stream(self, stream_id: str, lang: str) -> Answer:
        s = self.waste.streams[stream_id]
        lines = [
            f"{s.icon} <b>{_e(s.name[lang])}</b>",
            self.t(lang, "faq-waste-where", where=_e(s.where[lang])),
        ]
        if s.how[lang]:
            lines.append(self.t(lang, "faq-waste-how", how=_e(s.how[lang])))
        examples = self.waste.stream_items(stream_id, lang)
        if examples:
            lines.append(self.t(lang, "faq-waste-stream-examples", items=_e(", ".join(examples))))
        buttons = [
            Button(self.t(lang, "faq-btn-waste-guide"), "waste:guide"),
            Button(self.t(lang, "faq-btn-person"), "person"),
        ]
        return Answer("\n".join(lines), buttons)

    def format_waste_guide(self, lang: str) -> Answer:
        lines = [self.t(lang, "faq-waste-guide-title")]
        lines += [f"{s.icon} {_e(s.name[lang])}" for s in self.waste.streams.values()]
        lines += ["", self.t(lang, "faq-waste-guide-hint")]
        buttons = [
            Button(f"{s.icon} {s.name[lang].split(' — ')[0]}", f"waste:stream:{s.id}")
            for s in self.waste.streams.values()
            if s.special
        ]
        return Answer("\n".join(lines), buttons)

    # --- transport -------------------------------------------------------------------------

    def _kind(self, route: Route, lang: str) -> str:
        return self.t(lang, "faq-transport-kind", kind=route.kind)

    def _route_button(self, route: Route, lang: str) -> Button:
        label = self.t(lang, "faq-btn-route", icon=route.icon, number=route.number)
        return Button(label, f"transport:route:{route.number}")

    def _transport_buttons(self, lang: str, *skip: str) -> list[Button]:
        topics = [
            ("faq-btn-fares", "fares"),
            ("faq-btn-night", "night"),
            ("faq-btn-lost", "lost"),
            ("faq-btn-routes", "routes"),
        ]
        return [
            Button(self.t(lang, msg), f"transport:{topic}")
            for msg, topic in topics
            if topic not in skip
        ]

    def format_route(self, route: Route, lang: str) -> Answer:
        name = self.transport.stop_name
        lines = [
            self.t(
                lang,
                "faq-transport-route-title",
                icon=route.icon,
                kind=self._kind(route, lang),
                number=_e(route.number),
                start=_e(name(route.stops[0], lang)),
                end=_e(name(route.stops[-1], lang)),
            ),
        ]
        if route.night:
            lines.append(self.t(lang, "faq-transport-night-route"))
        stops = " · ".join(_e(name(s, lang)) for s in route.stops)
        lines.append(self.t(lang, "faq-transport-stops", stops=stops))
        lines.append(self.t(lang, "faq-transport-interval", **route.interval))
        lines.append(self.t(lang, "faq-transport-hours", first=route.first, last=route.last))
        return Answer("\n".join(lines), self._transport_buttons(lang))

    def format_routes_via(self, stop_id: str, lang: str) -> Answer:
        routes = self.transport.routes_at(stop_id)
        lines = [
            self.t(
                lang, "faq-transport-via-title", stop=_e(self.transport.stop_name(stop_id, lang))
            )
        ]
        lines += [self._route_line(r, lang) for r in routes]
        buttons = [self._route_button(r, lang) for r in routes[:MAX_STOP_BUTTONS]]
        return Answer("\n".join(lines), buttons + self._transport_buttons(lang, "lost"))

    def _route_line(self, route: Route, lang: str) -> str:
        name = self.transport.stop_name
        return self.t(
            lang,
            "faq-transport-via-route",
            icon=route.icon,
            kind=self._kind(route, lang),
            number=_e(route.number),
            start=_e(name(route.stops[0], lang)),
            end=_e(name(route.stops[-1], lang)),
        )

    def format_routes(self, lang: str) -> Answer:
        lines = [self.t(lang, "faq-transport-overview-title")]
        lines += [self._route_line(r, lang) for r in self.transport.routes.values()]
        lines += ["", self.t(lang, "faq-transport-overview-hint")]
        return Answer("\n".join(lines), self._transport_buttons(lang, "routes"))

    def format_trip(self, board: str, alight: str, lang: str) -> Answer:
        name = self.transport.stop_name
        title = self.t(
            lang,
            "faq-transport-trip-title",
            start=_e(name(board, lang)),
            end=_e(name(alight, lang)),
        )
        options = self.transport.trip_between(board, alight)
        if not options:
            return self._no_direct_route(board, alight, lang)
        lines = [title] + [self._trip_line(o, lang) for o in options[:4]]
        buttons = [self._route_button(o.route, lang) for o in options[:4]]
        return Answer("\n".join(lines), buttons + self._transport_buttons(lang, "lost", "routes"))

    def _trip_line(self, o: TripOption, lang: str) -> str:
        return self.t(
            lang,
            "faq-transport-trip-option",
            icon=o.route.icon,
            kind=self._kind(o.route, lang),
            number=_e(o.route.number),
            towards=_e(self.transport.stop_name(o.towards, lang)),
            stops=o.stops,
            minutes=o.minutes,
            interval=o.route.interval["offpeak"],
        )

    def _no_direct_route(self, board: str, alight: str, lang: str) -> Answer:
        name = self.transport.stop_name
        lines = [
            self.t(
                lang,
                "faq-transport-no-direct",
                start=_e(name(board, lang)),
                end=_e(name(alight, lang)),
            )
        ]
        buttons = []
        for stop in (board, alight):
            routes = self.transport.routes_at(stop)
            numbers = ", ".join(f"{r.icon} {_e(r.number)}" for r in routes)
            lines.append(
                self.t(lang, "faq-transport-via-line", stop=_e(name(stop, lang)), routes=numbers)
            )
            buttons += [self._route_button(r, lang) for r in routes[:3]]
        buttons.append(Button(self.t(lang, "faq-btn-person"), "person"))
        return Answer("\n".join(lines), buttons)

    def format_fares(self, lang: str) -> Answer:
        fares = self.transport.fares(lang)
        lines = [self.t(lang, "faq-transport-fares-title")]
        lines += [
            self.t(
                lang,
                "faq-transport-fare",
                price=f.price,
                currency=_e(fares.currency),
                name=_e(f.name),
            )
            for f in fares.tickets
        ]
        lines += [f"• {_e(note)}" for note in fares.notes]
        return Answer("\n".join(lines), self._transport_buttons(lang, "fares"))

    def format_lost_property(self, lang: str) -> Answer:
        lost = self.transport.lost_property(lang)
        lines = [
            self.t(lang, "faq-transport-lost-title"),
            self.t(lang, "faq-transport-lost-place", place=_e(lost.place)),
            self.t(lang, "faq-transport-lost-hours", hours=_e(lost.hours)),
        ]
        if lost.phone:
            lines.append(self.t(lang, "faq-transport-lost-phone", phone=_e(lost.phone)))
        lines += [f"• {_e(note)}" for note in lost.notes]
        buttons = self._transport_buttons(lang, "lost")
        return Answer(
            "\n".join(lines), [*buttons, Button(self.t(lang, "faq-btn-person"), "person")]
        )

    def format_night_buses(self, lang: str, stop_id: str | None = None) -> Answer:
        note, routes = self.transport.night_buses(lang)
        if stop_id:
            routes = [r for r in routes if stop_id in r.stops] or routes
        lines = [self.t(lang, "faq-transport-night-title")]
        if note:
            lines.append(_e(note))
        for r in routes:
            lines.append(self._route_line(r, lang))
            lines.append(self.t(lang, "faq-transport-hours", first=r.first, last=r.last))
        buttons = [self._route_button(r, lang) for r in routes]
        return Answer("\n".join(lines), buttons + self._transport_buttons(lang, "night"))
