"""Every kind of message the code queues has its delivery in the one registry: a kind left out
would be sent as a ready Bot API call, which a row of data is not."""

import ast
from pathlib import Path

import citybot
from citybot.outbox.courier import as_queued
from citybot.outbox.kinds import KINDS

QUEUERS = {"enqueue", "tell_resident", "Recipient"}  # calls whose `kind=` is an outbox kind


def kinds_queued() -> dict[str, str]:
    """kind → where it is queued, from every `kind=` string given to a queueing call."""
    found = {}
    for path in Path(citybot.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name not in QUEUERS:
                continue
            for keyword in node.keywords:
                if keyword.arg == "kind":
                    for value in ast.walk(keyword.value):
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            found[value.value] = f"{path.name}:{node.lineno}"
    return found


def test_every_kind_queued_is_registered() -> None:
    queued = kinds_queued()
    assert {"card", "thread", "helpdesk", "digest", "draft_reminder"} <= queued.keys()
    missing = {kind: where for kind, where in queued.items() if kind not in KINDS}
    assert not missing, f"queued but not in citybot.outbox.kinds.KINDS: {missing}"


def test_kinds_drawn_from_data_are_not_sent_as_queued() -> None:
    drawn = {"card", "card_edit", "thread", "helpdesk", "staff_digest", "broadcast_summary",
             "draft_reminder", "reporter_question"}
    assert all(KINDS[kind] is not as_queued for kind in drawn)
