"""Gates: every router of ours is a `GatedRouter`, which asks one cheap synchronous check —
its gate — before aiogram's road into it, and is passed over at once when the gate says no
handler under it could take the update.

aiogram visits the routers of the tree one by one, and a visit is not free even when nothing
in the router takes the update: the router's middlewares wrapped anew, its root filters
called through aiogram's filter machinery, each handler's filters tried in turn — each
CallbackData filter splits the button's data, each command filter parses the text. A
resident's button press or step went past some twenty routers and fifty such checks before
reaching its own handler (bench/bench_report_flow.py: about a tenth of an update's CPU, half
of it the visits themselves). A gate knows what each handler needs at the least — a button
prefix, a conversation state, a command, a menu button — and asks it in one check; a router
under which nothing takes an event of a kind (a staff router and a resident's photo, the
errors router and any message) is shut to that kind. A router that groups others gets the
union of its routers' gates: an update goes past the whole group in one check (`in_groups`).

A gate never turns away an update that one of its router's handlers would take: it is set
only where every handler has a filter whose need it knows (a group: where every router in it
is gated), otherwise the router stays ungated. It is asked before the router's outer
middlewares, so a router with outer middlewares for an event is never gated for it: they
run for every update that reaches the router, as aiogram runs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from aiogram import Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.filters.logic import _OrFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject
from magic_filter import MagicFilter

from citybot.dialogs.filters import MenuButton, menu_key_of

ANY = object()  # a state filter that admits every state: no need known


class Gate(Protocol):
    def admits(self, event: Any, data: dict[str, Any]) -> bool:
        """Whether a handler under the router might take `event` (`data`: aiogram's)."""


class GatedRouter(Router):
    """A router whose `gates` (by event type: "message", "callback_query", …; set by
    `gate_routers`) are asked before aiogram's road into it."""

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self.gates: dict[str, Gate] = {}

    async def propagate_event(self, update_type: str, event: TelegramObject,
                              **kwargs: Any) -> Any:
        gate = self.gates.get(update_type)
        if gate is not None and not gate.admits(event, kwargs):
            return UNHANDLED
        return await super().propagate_event(update_type, event, **kwargs)


class Shut:
    """Nothing under the router takes this kind of event."""

    def admits(self, event: Any, data: dict[str, Any]) -> bool:
        return False


SHUT = Shut()


@dataclass
class MessageGate:
    """A message that one of the router's handlers could take: it is in one of their states,
    starts like one of their commands, or is one of their menu buttons."""

    states: set[str | None] = field(default_factory=set)
    commands: set[tuple[str, str]] = field(default_factory=set)  # (prefix, casefolded name)
    any_command: str = ""  # prefixes of commands given as patterns: any name may match
    menu_keys: set[str] = field(default_factory=set)

    def admits(self, message: Message, data: dict[str, Any]) -> bool:
        if data.get("raw_state") in self.states:
            return True
        text = message.text or message.caption
        words = text.split(maxsplit=1) if text and (self.commands or self.any_command) else ()
        if words:  # as aiogram's Command reads it: "/name@bot args"
            prefix, name = words[0][0], words[0][1:].partition("@")[0].casefold()
            if prefix in self.any_command or (prefix, name) in self.commands:
                return True
        return bool(self.menu_keys) and menu_key_of(message.text, data["runtime"]) \
            in self.menu_keys

    def add(self, other: MessageGate) -> None:
        self.states |= other.states
        self.commands |= other.commands
        self.any_command += other.any_command
        self.menu_keys |= other.menu_keys

    def add_needs_of(self, handler: HandlerObject) -> bool:
        """Adds what `handler` needs at the least; False when none of its filters says."""
        return any(self._add_need(f.callback) for f in handler.filters or ())

    def _add_need(self, check: Any) -> bool:
        if isinstance(check, Command):  # CommandStart too
            for command in check.commands:
                if isinstance(command, str):
                    self.commands.update((prefix, command.casefold()) for prefix in check.prefix)
                else:
                    self.any_command += check.prefix
            return True
        if isinstance(check, MenuButton):
            self.menu_keys.add(check.key)
            return True
        states = _states_of(check)
        if states is None or ANY in states:
            return False
        self.states.update(states)
        return True


@dataclass
class CallbackGate:
    """A button press whose data has the prefix of one of the router's CallbackData."""

    prefixes: dict[str, set[str]] = field(default_factory=dict)  # separator -> prefixes

    def admits(self, query: CallbackQuery, data: dict[str, Any]) -> bool:
        button = query.data
        return bool(button) and any(button.split(separator, 1)[0] in prefixes
                                    for separator, prefixes in self.prefixes.items())

    def add(self, other: CallbackGate) -> None:
        for separator, prefixes in other.prefixes.items():
            self.prefixes.setdefault(separator, set()).update(prefixes)

    def add_needs_of(self, handler: HandlerObject) -> bool:
        return any(self._add_need(f.callback) for f in handler.filters or ())

    def _add_need(self, check: Any) -> bool:
        if isinstance(check, CallbackQueryFilter):
            data = check.callback_data
            self.prefixes.setdefault(data.__separator__, set()).add(data.__prefix__)
            return True
        if isinstance(check, _OrFilter):  # or_f(A.filter(), B.filter()): either prefix
            return all([self._add_need(target.callback) for target in check.targets])
        return False


@dataclass
class Where:
    """The router's own root filters that are magic filters (`F.chat.id == ...`: pure checks
    of the event, asked here as aiogram would ask them next), then its handlers' needs."""

    checks: tuple[MagicFilter, ...]
    then: Gate | None = None

    def admits(self, event: Any, data: dict[str, Any]) -> bool:
        return all(check.resolve(event) for check in self.checks) and (
            self.then is None or self.then.admits(event, data))


KINDS: dict[str, type[MessageGate] | type[CallbackGate]] = {
    "message": MessageGate, "callback_query": CallbackGate}


def gate_routers(router: Router) -> None:
    """Set the gates on `router`'s tree (before its synchronous filters are wrapped)."""
    for child in router.sub_routers:
        gate_routers(child)
    if isinstance(router, GatedRouter):
        for event in router.observers:
            gate = _gate(router, event)
            if gate is not None:
                router.gates[event] = gate


def in_groups(*routers: Router, size: int = 4) -> list[Router]:
    """The routers, in order, in groups of `size` under a router each: gated, a group that
    cannot take an update is passed in one check instead of one per router."""
    groups = []
    for start in range(0, len(routers), size):
        members = routers[start:start + size]
        group = GatedRouter(name="+".join(member.name or "" for member in members))
        group.include_routers(*members)
        groups.append(group)
    return groups


def _gate(router: Router, event: str) -> Gate | None:
    """What lets `event` into `router`: SHUT when nothing under it takes such an event; else
    its own magic root filters (`Where`), then the union of what its handlers need and its
    routers' gates let in, where all are known. None (no gate) where nothing is known, and
    where the router has outer middlewares for `event`."""
    observer = router.observers[event]
    if observer.outer_middleware:
        return None
    children = [child for child in router.sub_routers if _gate_of(child, event) is not SHUT]
    if not observer.handlers and not children:
        return SHUT
    needs = _union(observer.handlers, [_needs_of(child, event) for child in children],
                   KINDS.get(event))
    where = tuple(f.magic for f in observer._handler.filters or () if f.magic is not None)
    return Where(where, needs) if where else needs


def _union(handlers: list[HandlerObject], gates: list[Gate | None],
           kind: type[MessageGate] | type[CallbackGate] | None) -> Gate | None:
    if kind is None:
        return None
    union = kind()
    if not all(union.add_needs_of(handler) for handler in handlers):
        return None  # a handler's needs are unknown: it might take any such update
    for gate in gates:
        if not isinstance(gate, kind):
            return None
        union.add(gate)
    return union


def _gate_of(router: Router, event: str) -> Gate | None:
    return router.gates.get(event) if isinstance(router, GatedRouter) else None


def _needs_of(router: Router, event: str) -> Gate | None:
    """What a router's handlers need, for its group's union: its own root filters are its
    own business (the union may admit more than the router would, never less)."""
    gate = _gate_of(router, event)
    return gate.then if isinstance(gate, Where) else gate


def _states_of(check: Any) -> set[Any] | None:
    """The raw states a state filter admits (ANY among them: it admits all)."""
    if isinstance(check, StateFilter):
        found: set[Any] = set()
        for state in check.states:
            found.update(_states_of(state) or {ANY})
        return found
    if isinstance(check, State):
        return {ANY if check.state == "*" else check.state}
    if isinstance(check, type) and issubclass(check, StatesGroup):
        return set(check.__all_states_names__)
    if check is None or isinstance(check, str):
        return {ANY if check == "*" else check}
    return None
