"""The Rasa backend against a local stand-in that answers in Rasa's `/model/parse` shape."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp import test_utils, web

from citybot.nlu import Parse, build_nlu
from citybot.nlu.service import BuiltinNLU, RasaNLU, map_rasa_response


def rasa_answer(text: str, intent: str, confidence: float, **extra) -> dict:
    """What Rasa 3 returns from POST /model/parse."""
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": extra.pop("entities", []),
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        **extra,
    }


class StandIn:
    """A fake Rasa server: `answer(text)` decides the reply; records what it was sent."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.delay = 0.0
        self.status = 200
        self.answer = lambda text: rasa_answer(text, "greet", 0.97)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.json_response({"error": "boom"}, status=self.status)
        return web.json_response(self.answer(body["text"]))


@pytest.fixture
async def rasa():
    stand_in = StandIn()
    app = web.Application()
    app.router.add_post("/model/parse", stand_in.handle)
    server = test_utils.TestServer(app, host="127.0.0.1")
    await server.start_server()
    stand_in.url = str(server.make_url("")).rstrip("/")
    yield stand_in
    await server.close()


class FakeEngine:
    """Stands in for the built-in engine, to see when the service falls back to it."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def parse(self, text: str, lang: str | None = None) -> Parse:
        self.calls.append(text)
        return Parse("help", 0.9)


@pytest.fixture
def fallback() -> FakeEngine:
    return FakeEngine()


async def test_posts_text_and_maps_the_answer(rasa, fallback) -> None:
    text = "where is my #123"
    rasa.answer = lambda t: rasa_answer(
        t,
        "check_status",
        0.91,
        entities=[
            {"entity": "report_number", "start": 13, "end": 16, "value": "123",
             "extractor": "DIETClassifier", "confidence_entity": 0.99},
            {"entity": "mood", "start": 0, "end": 5, "value": "x"},
        ],
    )  # fmt: skip
    nlu = build_nlu(backend="rasa", rasa_url=rasa.url + "/", engine=fallback)
    try:
        parse = await nlu.parse(text)
    finally:
        await nlu.close()
    assert rasa.received == [{"text": text}]
    assert parse.to_dict() == {
        "intent": "check_status",
        "confidence": 0.91,
        "category": None,
        "entities": [{"entity": "report_number", "value": "123", "start": 13, "end": 16}],
    }
    assert fallback.calls == []


@pytest.mark.parametrize(
    ("answer", "category"),
    [
        # the retrieval intent of our data files: ResponseSelector names the category
        (rasa_answer("x", "report_problem", 0.8, response_selector={
            "all_retrieval_intents": ["report_problem"],
            "report_problem": {"response": {"intent_response_key": "report_problem/water",
                                            "confidence": 0.7}, "ranking": []}}), "water"),
        (rasa_answer("x", "report_problem/roads", 0.8), "roads"),
        (rasa_answer("x", "report_problem+snow", 0.8), "snow"),
        (rasa_answer("x", "report_problem", 0.8, entities=[
            {"entity": "category", "value": "noise", "start": 0, "end": 1}]), "noise"),
        (rasa_answer("x", "report_problem", 0.8), "other"),
    ],
)  # fmt: skip
def test_report_category_from_rasa(answer, category) -> None:
    parse = map_rasa_response(answer, "x")
    assert (parse.intent, parse.category) == ("report_problem", category)


def test_unknown_intents_are_out_of_scope() -> None:
    fallback = map_rasa_response(rasa_answer("x", "nlu_fallback", 0.4), "x")
    assert (fallback.intent, fallback.confidence) == ("out_of_scope", 0.4)
    foreign = map_rasa_response(rasa_answer("x", "chitchat", 0.99), "x")
    assert (foreign.intent, foreign.confidence) == ("out_of_scope", 0.0)
    empty = map_rasa_response({"text": "", "intent": {"name": None, "confidence": 0.0}}, "")
    assert empty.intent == "out_of_scope"


def test_route_values_are_normalised_and_bad_spans_dropped() -> None:
    answer = rasa_answer("bus 12а", "faq_transport", 0.9, entities=[
        {"entity": "route", "start": 4, "end": 7, "value": "12а"},
        {"entity": "stop", "start": 5, "end": 99, "value": "??"}])  # fmt: skip
    parse = map_rasa_response(answer, "bus 12а")
    assert [e.to_dict() for e in parse.entities] == [
        {"entity": "route", "value": "12A", "start": 4, "end": 7}
    ]


@pytest.mark.parametrize("fault", ["timeout", "http_500", "bad_json", "refused"])
async def test_falls_back_to_builtin_and_logs(rasa, fallback, caplog, fault) -> None:
    url = rasa.url
    if fault == "timeout":
        rasa.delay = 1.0
    elif fault == "http_500":
        rasa.status = 500
    elif fault == "bad_json":
        rasa.answer = lambda text: ["not", "an", "object"]
    else:
        url = "http://127.0.0.1:9"  # nothing listens on the discard port
    nlu = build_nlu(backend="rasa", rasa_url=url, timeout_s=0.2, engine=fallback)
    with caplog.at_level(logging.WARNING, logger="citybot.nlu.service"):
        try:
            parse = await nlu.parse("hello?")
        finally:
            await nlu.close()
    assert parse.intent == "help" and fallback.calls == ["hello?"]
    assert any("built-in engine" in r.getMessage() for r in caplog.records)


async def test_builtin_backend_uses_the_engine(fallback) -> None:
    nlu = build_nlu(engine=fallback)
    assert isinstance(nlu, BuiltinNLU)
    assert (await nlu.parse("?")).intent == "help"
    await nlu.close()


def test_build_nlu_refuses_bad_settings() -> None:
    with pytest.raises(ValueError, match="rasa_url"):
        build_nlu(backend="rasa")
    with pytest.raises(ValueError, match="unknown"):
        build_nlu(backend="dialogflow")
    assert isinstance(build_nlu(backend="rasa", rasa_url="http://x"), RasaNLU)
