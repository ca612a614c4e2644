"""CityBot: a Telegram front door to a city's services."""

from citybot import lazy_types

lazy_types.install()  # before anything imports aiogram's types: see lazy_types.py
