"""The rules of a resident's conversation about a report, without Telegram."""

from __future__ import annotations

import pytest

from citybot.nlu import Parse
from citybot.services.conversations import reads_as_new
from citybot.storage.models import Report

POTHOLE = Report(id=2, category="roads", department="roads", description="Pothole")


@pytest.mark.parametrize(("parse", "asked"), [
    (Parse("report_problem", 0.99, "lighting"), True),  # another kind of problem
    (Parse("report_problem", 0.99, "roads"), False),  # "it is on the pavement": an answer
    (Parse("report_problem", 0.99, "other"), False),
    (Parse("report_problem", 0.30, "lighting"), False),  # not sure: it goes to staff
    (Parse("faq_waste", 0.9), True),
    (Parse("faq_transport", 0.9), True),
    (Parse("check_status", 0.9), True),
    (Parse("subscribe", 0.9), True),
    (Parse("greet", 0.99), False),
    (Parse("human_handoff", 0.99), False),  # they are talking to people already
    (Parse("out_of_scope", 0.99), False),
])
def test_what_is_worth_a_question(parse: Parse, asked: bool) -> None:
    assert reads_as_new(parse, POTHOLE, threshold=0.55) is asked

