"""The NLU contract: stable intent and category ids and the `Parse` result (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INTENTS: tuple[str, ...] = (
    "report_problem",
    "faq_waste",
    "faq_transport",
    "check_status",
    "greet",
    "help",
    "human_handoff",
    "subscribe",
    "propose_idea",
    "out_of_scope",
)
CATEGORIES: tuple[str, ...] = (
    "roads",
    "lighting",
    "waste",
    "dumping",
    "graffiti",
    "water",
    "greenery",
    "noise",
    "vehicles",
    "snow",
    "other",
)
ENTITY_TYPES: tuple[str, ...] = ("waste_item", "route", "address", "stop", "report_number")
LANGUAGES: tuple[str, ...] = ("en", "ru")

REPORT = "report_problem"
OUT_OF_SCOPE = "out_of_scope"
DEFAULT_THRESHOLD = 0.55


@dataclass(frozen=True, slots=True)
class Entity:
    """A span of the resident's text: `text[start:end]`; `value` may be normalised ("12A")."""

    entity: str
    value: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Parse:
    """What the resident wants: an intent with its confidence, a category for reports, entities.

    `confidence` is the calibrated chance that the whole parse is right: for a report, that the
    intent and the category both are (`intent_confidence * category_confidence`). The bot asks
    for the menu when the *intent* is unsure, and for the category when the category is."""

    intent: str
    confidence: float
    category: str | None = None
    entities: list[Entity] = field(default_factory=list)
    intent_confidence: float | None = None  # None: the same as `confidence`
    category_confidence: float | None = None  # reports only; None: the same as `confidence`

    def __post_init__(self) -> None:
        if self.intent not in INTENTS:
            raise ValueError(f"unknown intent {self.intent!r}")
        if (self.intent == REPORT) != (self.category is not None):
            raise ValueError("category is set exactly when the intent is report_problem")
        if self.category is not None and self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if not isinstance(self.entities, list):
            object.__setattr__(self, "entities", list(self.entities))

    @property
    def sure_of_intent(self) -> float:
        return self.confidence if self.intent_confidence is None else self.intent_confidence

    @property
    def sure_of_category(self) -> float | None:
        """How sure the category of a report is (None when there is no category)."""
        if self.category is None:
            return None
        return self.confidence if self.category_confidence is None else self.category_confidence

    def is_confident(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        """True when the bot may act on this parse (the config's `nlu.confidence_threshold`)."""
        return self.sure_of_intent >= threshold

    def category_is_confident(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        """False when the bot should let the resident choose the category rather than confirm."""
        sure = self.sure_of_category
        return sure is not None and sure >= threshold

    def needs_fallback(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        """True when the bot should offer the menu and a person instead of answering."""
        return self.intent == OUT_OF_SCOPE or not self.is_confident(threshold)

    def entity_values(self, entity: str) -> list[str]:
        return [e.value for e in self.entities if e.entity == entity]

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON of `citybot nlu parse`."""
        return {
            "intent": self.intent,
            "confidence": round(float(self.confidence), 4),
            "category": self.category,
            "entities": [e.to_dict() for e in self.entities],
        }

    @classmethod
    def out_of_scope(cls, confidence: float = 1.0) -> Parse:
        return cls(OUT_OF_SCOPE, confidence)
