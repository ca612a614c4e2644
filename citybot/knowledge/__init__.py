"""What the bot knows: waste sorting and public transport, in English and Russian.

    desk = FaqDesk.load("knowledge/waste.yml", "knowledge/transport.yml")
    answer = desk.answer(parse, text, lang)      # Answer(text=HTML, buttons=[Button(label, key)])
    answer = desk.answer_key(button.key, lang)   # when a button is pressed

`WasteGuide` and `TransportGuide` are the plain data layer; `FaqDesk` formats. No Telegram.
"""

from citybot.knowledge.answers import Answer, Button, FaqDesk, faq_localization
from citybot.knowledge.transport import (
    Fare,
    Fares,
    LostProperty,
    Route,
    Stop,
    TransportGuide,
    TripOption,
)
from citybot.knowledge.waste import Stream, WasteAnswer, WasteGuide, WasteItem

__all__ = [
    "Answer",
    "Button",
    "FaqDesk",
    "Fare",
    "Fares",
    "LostProperty",
    "Route",
    "Stop",
    "Stream",
    "TransportGuide",
    "TripOption",
    "WasteAnswer",
    "WasteGuide",
    "WasteItem",
    "faq_localization",
]
