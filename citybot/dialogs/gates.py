"""Gates: a root filter on each router of handlers that lets an update in only when one of its
handlers could take it.

aiogram tries a router's handlers one by one, and its filters are not free: each CallbackData
filter splits the button's data and raises on a foreign prefix, each command filter parses the
text. A resident's button press or step went through some fifty such checks, in a dozen
routers, before reaching its own handler (bench/bench_report_flow.py: a tenth of an update's
CPU). A gate knows what each handler needs at the least — a button prefix, a conversation
state, a command, a menu button — and asks it in one cheap check. A router that only groups
others (`in_groups`) gets the union of its routers' gates: an update goes past the whole
group in one check.

A gate never turns away an update one of its router's handlers would take: it is set only
where every handler has a filter whose need it knows (a group: where every router in it is
gated), otherwise the router stays ungated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters import Command, Filter, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from citybot.dialogs.filters import MenuButton, menu_key_of
from citybot.runtime import Runtime

ANY = object()  # a state filter that admits every state: no need known


@dataclass
class MessageGate(Filter):
    """A message that one of the router's handlers could take: it is in one of their states,
    starts like one of their commands, or is one of their menu buttons."""

    states: set[str | None] = field(default_factory=set)
    commands: set[tuple[str, str]] = field(default_factory=set)  # (prefix, casefolded name)
    any_command: str = ""  # prefixes of commands given as patterns: any name may match
    menu_keys: set[str] = field(default_factory=set)

    async def __call__(self, message: Message, runtime: Runtime,
                       raw_state: str | None = None) -> bool:
        if raw_state in self.states:
            return True
        text = message.text or message.caption
        words = text.split(maxsplit=1) if text and (self.commands or self.any_command) else ()
        if words:  # as aiogram's Command reads it: "/name@bot args"
            prefix, name = words[0][0], words[0][1:].partition("@")[0].casefold()
            if prefix in self.any_command or (prefix, name) in self.commands:
                return True
        return bool(self.menu_keys) and menu_key_of(message.text, runtime) in self.menu_keys

    def add(self, other: MessageGate) -> None:
        self.states |= other.states
        self.commands |= other.commands
        self.any_command += other.any_command
        self.menu_keys |= other.menu_keys


@dataclass
class CallbackGate(Filter):
    """A button press whose data has the prefix of one of the router's CallbackData."""

    prefixes: dict[str, set[str]] = field(default_factory=dict)  # separator -> prefixes

    async def __call__(self, query: CallbackQuery) -> bool:
        data = query.data
        return bool(data) and any(data.split(separator, 1)[0] in prefixes
                                  for separator, prefixes in self.prefixes.items())

    def add(self, other: CallbackGate) -> None:
        for separator, prefixes in other.prefixes.items():
            self.prefixes.setdefault(separator, set()).update(prefixes)


def gate_routers(router: Router) -> None:
    """Set the gates on `router`'s tree (before its synchronous filters are wrapped)."""
    for child in router.sub_routers:
        gate_routers(child)
    for observer, kind, own_gate in ((router.message, MessageGate, _message_gate),
                                     (router.callback_query, CallbackGate, _callback_gate)):
        gate = own_gate(observer.handlers) if not router.sub_routers else \
            _group_gate(router, observer.event_name, kind)
        if gate is not None:
            observer.filter(gate)


def in_groups(*routers: Router, size: int = 4) -> list[Router]:
    """The routers, in order, in groups of `size` under a router each: gated, a group that
    cannot take an update is passed in one check instead of one per router."""
    groups = []
    for start in range(0, len(routers), size):
        members = routers[start:start + size]
        group = Router(name="+".join(member.name for member in members))
        group.include_routers(*members)
        groups.append(group)
    return groups


def _group_gate(router: Router, event: str, kind: type) -> Any:
    """The union of the gates of the routers under `router`, which has no handlers of its own
    for `event`; None when one of them could take an update its gate does not know."""
    if router.observers[event].handlers:
        return None
    union = kind()
    for child in router.sub_routers:
        observer = child.observers[event]
        if not observer.handlers and not child.sub_routers:
            continue  # takes no such update at all
        gates = [f.callback for f in observer._handler.filters or ()
                 if isinstance(f.callback, kind)]
        if not gates:
            return None
        union.add(gates[0])
    return union


def _message_gate(handlers: list[HandlerObject]) -> MessageGate | None:
    if not handlers:
        return None
    gate = MessageGate()
    for handler in handlers:
        if not any(_add_message_need(gate, f.callback) for f in handler.filters or ()):
            return None  # this handler's needs are unknown: it might take any message
    return gate


def _add_message_need(gate: MessageGate, check: Any) -> bool:
    if isinstance(check, Command):  # CommandStart too
        for command in check.commands:
            if isinstance(command, str):
                gate.commands.update((prefix, command.casefold()) for prefix in check.prefix)
            else:
                gate.any_command += check.prefix
        return True
    if isinstance(check, MenuButton):
        gate.menu_keys.add(check.key)
        return True
    states = _states_of(check)
    if states is None or ANY in states:
        return False
    gate.states.update(states)
    return True


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


def _callback_gate(handlers: list[HandlerObject]) -> CallbackGate | None:
    if not handlers:
        return None
    gate = CallbackGate()
    for handler in handlers:
        data_filters = [f.callback for f in handler.filters or ()
                        if isinstance(f.callback, CallbackQueryFilter)]
        if not data_filters:
            return None
        data = data_filters[0].callback_data
        gate.prefixes.setdefault(data.__separator__, set()).add(data.__prefix__)
    return gate
