"""The GeoReport formats as the API writes them, and what keeping them costs."""

import tracemalloc

import orjson

from citybot.web.open311.render import dump_json, to_xml

REQUEST = {"service_request_id": "12", "status": "open", "status_notes": None,
           "description": "A pothole by the school", "lat": 55.75, "long": 37.61,
           "address": "Lenina 1", "media_url": None}


def test_a_kept_request_costs_its_own_size() -> None:
    """The API keeps thousands of rendered requests: each must cost about its length, not
    orjson's whole working buffer (8 KB for a 500-byte request: 400 MB for 50,000)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [dump_json(dict(REQUEST, service_request_id=str(n)), kept=True)
                for n in range(1000)]
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    length = sum(len(item) for item in kept)
    assert grown < 2 * length + 100_000, (grown, length)
    assert orjson.loads(kept[7]) == dict(REQUEST, service_request_id="7")


def test_text_that_is_not_utf8_still_makes_a_document() -> None:
    odd = dict(REQUEST, description="broken \ud800 text")
    assert orjson.loads(dump_json(odd))["description"].startswith("broken")
    assert "\ud800" not in to_xml("request", odd)
