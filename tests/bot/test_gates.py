"""The routers' gates (citybot/dialogs/gates.py) never turn away an update that one of their
handlers would take: the filters whose needs a gate knows are run for real, as aiogram runs
them, on every sample update in every conversation state, and wherever a handler's all pass,
its router's gate passes too."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.filters.logic import _OrFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import CallbackQuery, Chat, Message, User

from citybot.bot.app import build_dispatcher
from citybot.dialogs.filters import MENU_KEYS, MenuButton
from citybot.dialogs.gates import SHUT, CallbackGate, GatedRouter, MessageGate
from citybot.i18n import Translator

USER = User(id=7, is_bot=False, first_name="Anna")
CHAT = Chat(id=7, type="private")


class FakeBot:
    """What a command filter asks of the bot: who it is (for /command@name)."""

    async def me(self) -> User:
        return User(id=1, is_bot=True, first_name="CityBot", username="citybot")


def message(text: str | None = None, caption: str | None = None) -> Message:
    return Message(message_id=1, date=datetime.now(UTC), chat=CHAT, from_user=USER, text=text,
                   caption=caption)


def query(data: str) -> CallbackQuery:
    return CallbackQuery(id="1", from_user=USER, chat_instance="c", data=data,
                         message=message("card"))


@pytest.fixture(scope="module")
def dispatcher(city_config):
    runtime = SimpleNamespace(config=city_config, staff_chat_id=city_config.staff.chat_id,
                              translator=Translator(default="en"))
    return build_dispatcher(runtime, MemoryStorage()), runtime


def leaves(router):
    if not router.sub_routers:
        yield router
    for child in router.sub_routers:
        yield from leaves(child)


def every_router(router):
    yield router
    for child in router.sub_routers:
        yield from every_router(child)


def handlers_under(router, event):
    """The handlers a router's gate speaks for: its own, or (a group) those of its routers."""
    return [handler for leaf in leaves(router) for handler in leaf.observers[event].handlers]


def gate_of(router, event, kind):
    gate = getattr(router, "gates", {}).get(event)  # the dispatcher has none
    gate = getattr(gate, "then", gate)  # past the router's own root filters (Where)
    return gate if isinstance(gate, kind) else None


def unwrapped(handler_filter):
    """The filter itself (run_sync_filters_on_loop wraps the synchronous ones)."""
    return getattr(handler_filter.callback, "wrapped_filter", handler_filter.callback)


def known_needs(handler) -> list:
    """The handler's filters whose needs a gate knows (the rest it does not rely on)."""
    return [f for f in handler.filters or () if isinstance(
        unwrapped(f), Command | MenuButton | State | StateFilter | CallbackQueryFilter)
        or (isinstance(f.callback, _OrFilter) and all(
            isinstance(t.callback, CallbackQueryFilter) for t in f.callback.targets))]


def states_in_use(dispatcher) -> list[str | None]:
    found: set[str | None] = {None, "SomeoneElsesFlow:step"}
    for router in leaves(dispatcher):
        for observer in (router.message, router.callback_query):
            for handler in observer.handlers:
                for f in handler.filters or ():
                    check = unwrapped(f)
                    if isinstance(check, State):
                        found.add(check.state)
                    if isinstance(check, StateFilter):
                        for state in check.states:
                            if isinstance(state, State):
                                found.add(state.state)
                            elif isinstance(state, type) and issubclass(state, StatesGroup):
                                found.update(state.__all_states_names__)
    return sorted(found, key=str)


def sample_texts(dispatcher, runtime) -> list[Message]:
    texts = ["hello", "a pothole on Lenina 5", "  ", "/", "/nosuchcommand", "/REPORT",
             "/report@citybot", "/report@otherbot", "/start payload", "Settings!", "⚙️"]
    for router in leaves(dispatcher):
        for handler in router.message.handlers:
            for f in handler.filters or ():
                if isinstance(f.callback, Command):
                    texts += [f"/{c}" for c in f.callback.commands if isinstance(c, str)]
    for key in MENU_KEYS:
        texts += list(runtime.translator.all(key))
    return [message(text) for text in texts] + [message(caption="/report"), message()]


def sample_queries(dispatcher) -> list[CallbackQuery]:
    data = ["", "nonsense", "rep1", "rep1:send:", "cat1:pothole", "faq1|3", "st1:take:5:"]
    for router in leaves(dispatcher):
        for handler in router.callback_query.handlers:
            for f in handler.filters or ():
                targets = f.callback.targets if isinstance(f.callback, _OrFilter) else [f]
                data += [t.callback.callback_data.__prefix__ + ":x:1:" for t in targets
                         if isinstance(t.callback, CallbackQueryFilter)]
    return [query(d) for d in data]


async def test_gates_are_set_where_a_resident_goes(dispatcher) -> None:
    dp, _ = dispatcher
    gated = {router.name for router in every_router(dp)
             if gate_of(router, "callback_query", CallbackGate)
             or gate_of(router, "message", MessageGate)}
    assert {"report", "proposals", "privacy", "settings", "menu", "staff_guard"} <= gated
    groups = {name for name in gated if "+" in name}  # the dialogs, four routers a group
    assert len(groups) == 3 and "followup+handoff+report+questions" in groups, groups


async def test_a_gate_lets_in_whatever_a_known_filter_of_its_handlers_takes(dispatcher) -> None:
    dp, runtime = dispatcher
    bot = FakeBot()
    states = states_in_use(dp)
    texts, queries = sample_texts(dp, runtime), sample_queries(dp)
    checked = 0
    for router in every_router(dp):
        for observer, kind, events in ((router.message, MessageGate, texts),
                                       (router.callback_query, CallbackGate, queries)):
            gate = gate_of(router, observer.event_name, kind)
            if gate is None:
                continue
            handlers = handlers_under(router, observer.event_name)
            for handler, event, state in itertools.product(handlers, events, states):
                data = {"bot": bot, "runtime": runtime, "raw_state": state}
                needs = known_needs(handler)
                assert needs, f"{router.name} is gated, but {handler.callback.__name__} has no " \
                              "filter whose need its gate knows"
                # the handler takes the update only if all its filters pass: when the known
                # ones all do (run as aiogram runs them), the gate must let the update in
                if all([await f.call(event, **data) for f in needs]):
                    checked += 1
                    admitted = gate.admits(event, {"runtime": runtime, "raw_state": state})
                    assert admitted, (router.name, handler.callback.__name__,
                                      getattr(event, "data", None) or event.text, state)
    assert checked > 200  # the samples reach the handlers' filters


async def test_a_gate_turns_away_what_none_of_its_handlers_could_take(dispatcher) -> None:
    dp, runtime = dispatcher
    report = next(router for router in leaves(dp) if router.name == "report")
    message_gate = gate_of(report, "message", MessageGate)
    callback_gate = gate_of(report, "callback_query", CallbackGate)
    idle, describing = ({"runtime": runtime, "raw_state": state}
                        for state in (None, "ReportFlow:description"))
    assert not message_gate.admits(message("hello"), idle)
    assert not message_gate.admits(message("/help"), idle)
    assert message_gate.admits(message("/report"), idle)
    assert message_gate.admits(message("hello"), describing)
    assert not callback_gate.admits(query("id1:open:3"), idle)
    assert callback_gate.admits(query("rep1:send:"), idle)


async def test_every_router_is_gated_and_shut_only_where_nothing_takes_the_event(
        dispatcher) -> None:
    dp, _ = dispatcher
    routers = list(every_router(dp))[1:]  # the dispatcher's own road is aiogram's
    assert all(isinstance(router, GatedRouter) for router in routers), \
        [router.name for router in routers if not isinstance(router, GatedRouter)]
    shut = 0
    for router, event in ((each, event) for each in routers for event in each.observers):
        takers = [handler for leaf in every_router(router)
                  for handler in leaf.observers[event].handlers]
        if router.gates.get(event) is SHUT:
            shut += 1
            assert not takers, (router.name, event)
        elif not takers:
            assert router.observers[event].outer_middleware, (router.name, event)
    assert shut > 100  # most routers take few kinds of event
    errors = next(router for router in routers if router.name == "errors")
    assert errors.gates["message"] is SHUT and "error" not in errors.gates
