"""The Parse contract shared with the bot and the command line."""

from __future__ import annotations

import dataclasses
import json

import pytest

from citybot.nlu import CATEGORIES, INTENTS, Entity, Parse


def test_contract_ids() -> None:
    assert INTENTS == ("report_problem", "faq_waste", "faq_transport", "check_status", "greet",
                       "help", "human_handoff", "subscribe", "propose_idea",
                       "out_of_scope")  # fmt: skip
    assert CATEGORIES == ("roads", "lighting", "waste", "dumping", "graffiti", "water",
                          "greenery", "noise", "vehicles", "snow", "other")  # fmt: skip


def test_to_dict_is_the_cli_json() -> None:
    parse = Parse("report_problem", 0.87654, "roads", [Entity("address", "Oak Ave 5", 10, 19)])
    assert json.loads(json.dumps(parse.to_dict())) == {
        "intent": "report_problem",
        "confidence": 0.8765,
        "category": "roads",
        "entities": [{"entity": "address", "value": "Oak Ave 5", "start": 10, "end": 19}],
    }


def test_category_exactly_for_reports() -> None:
    with pytest.raises(ValueError):
        Parse("report_problem", 0.9)
    with pytest.raises(ValueError):
        Parse("greet", 0.9, "roads")
    with pytest.raises(ValueError):
        Parse("report_problem", 0.9, "potholes")
    with pytest.raises(ValueError):
        Parse("smalltalk", 0.9)


def test_frozen_and_confidence_helpers() -> None:
    parse = Parse("faq_waste", 0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse.intent = "greet"  # type: ignore[misc]
    assert not parse.is_confident() and parse.is_confident(0.4)
    assert parse.needs_fallback() and not parse.needs_fallback(0.5)
    assert Parse.out_of_scope().needs_fallback(0.0)
    assert Parse("faq_transport", 1.0, None, [Entity("route", "7", 4, 5)]).entity_values(
        "route"
    ) == ["7"]
