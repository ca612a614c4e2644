"""Process settings from the environment (12-factor); the city itself lives in config.yml."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from citybot import redaction

TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")

MISSING_TOKEN = (
    "BOT_TOKEN is not set: create a bot with @BotFather in Telegram and start CityBot with "
    "`BOT_TOKEN=<token> make run`; to try it without Telegram, in a browser, run `make run` "
    "without BOT_TOKEN (or `.venv/bin/citybot sandbox`)."
)
MALFORMED_TOKEN = (
    "BOT_TOKEN does not look like a bot token (expected digits, a colon and a secret, "
    "as @BotFather gives it, e.g. 123456:ABC-DEF): check the value you exported."
)


class SettingsError(Exception):
    """A setting is missing or malformed; str() is one sentence for the person starting the bot."""


class Settings(BaseSettings):
    """Environment variables of the DESIGN.md contract. Every one is optional here;
    `require_token()` enforces BOT_TOKEN where the bot actually talks to Telegram."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=True, extra="ignore")

    bot_token: SecretStr | None = Field(default=None, alias="BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_URL")
    database_url: str = Field(default="sqlite:///citybot.db", alias="DATABASE_URL")
    config_path: str = Field(default="./config.yml", alias="CITYBOT_CONFIG")
    staff_chat_id: int | None = Field(default=None, alias="STAFF_CHAT_ID")
    redis_url: str | None = Field(default=None, alias="REDIS_URL")
    webhook_url: str | None = Field(default=None, alias="WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SECRET")
    webhook_listen: str = Field(default="127.0.0.1:8080", alias="WEBHOOK_LISTEN")
    web_listen: str = Field(default="127.0.0.1:8080", alias="WEB_LISTEN")
    public_url_setting: str | None = Field(default=None, alias="PUBLIC_URL")

    @field_validator("bot_token", "redis_url", "webhook_url", "webhook_secret",
                     "public_url_setting", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("staff_chat_id", mode="before")
    @classmethod
    def _blank_chat_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def model_post_init(self, context: Any) -> None:
        """What is secret stays out of every log from the moment it is read."""
        redaction.protect(*self.secret_values())

    def secret_values(self) -> list[str]:
        """The token (and its secret half), the webhook secret, the passwords of the database
        and Redis URLs."""
        values = [secret.get_secret_value() for secret in (self.bot_token, self.webhook_secret)
                  if secret is not None]
        if self.bot_token is not None:
            values.append(self.bot_token.get_secret_value().partition(":")[2])
        for url in (self.database_url, self.redis_url):
            try:
                values.append(urlsplit(url or "").password or "")
            except ValueError:
                values.append(url or "")  # unreadable: the whole URL is kept out of the logs
        return [value for value in values if value]

    @field_validator("web_listen")
    @classmethod
    def _listen_is_host_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) < 65536:
            raise ValueError("must be host:port, e.g. 127.0.0.1:8080")
        return value

    @property
    def public_url(self) -> str:
        """PUBLIC_URL, else the address the HTTP app listens on."""
        return (self.public_url_setting or f"http://{self.web_listen}").rstrip("/")

    @property
    def safe_database_url(self) -> str:
        """DATABASE_URL with any password masked, for logs."""
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).render_as_string(hide_password=True)

    def require_token(self) -> str:
        if self.bot_token is None:
            raise SettingsError(MISSING_TOKEN)
        token = self.bot_token.get_secret_value().strip()
        if not TOKEN_PATTERN.match(token):
            raise SettingsError(MALFORMED_TOKEN)
        return token


def load_settings(**overrides: object) -> Settings:
    """Read the environment; a malformed value becomes one readable SettingsError."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        name = first["loc"][0] if first["loc"] else "setting"
        raise SettingsError(f"{name} is not valid: {first['msg']}.") from None
