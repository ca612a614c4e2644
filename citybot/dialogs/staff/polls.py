"""City polls in the staff group (filled in below)."""

from __future__ import annotations

from aiogram import Router


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    return Router(name="staff_polls")
