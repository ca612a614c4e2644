import pytest

from citybot.settings import MALFORMED_TOKEN, MISSING_TOKEN, SettingsError, load_settings


def test_defaults_follow_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "CITYBOT_CONFIG",
                 "STAFF_CHAT_ID", "REDIS_URL", "WEBHOOK_LISTEN"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.database_url == "sqlite:///citybot.db"
    assert settings.config_path == "./config.yml"
    assert settings.webhook_listen == "127.0.0.1:8080"
    assert settings.staff_chat_id is None and settings.redis_url is None


def test_missing_token_is_one_sentence_that_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    with pytest.raises(SettingsError) as error:
        load_settings().require_token()
    assert str(error.value) == MISSING_TOKEN
    assert "@BotFather" in MISSING_TOKEN and "citybot sandbox" in MISSING_TOKEN


@pytest.mark.parametrize("token", ["", "   ", "abc", "123456", ":abc", "12:ab cd"])
def test_blank_or_malformed_token(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    monkeypatch.setenv("BOT_TOKEN", token)
    with pytest.raises(SettingsError) as error:
        load_settings().require_token()
    assert str(error.value) in {MISSING_TOKEN, MALFORMED_TOKEN}


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("STAFF_CHAT_ID", "-1001")
    monkeypatch.setenv("REDIS_URL", "")
    settings = load_settings()
    assert settings.require_token() == "123456:TEST"
    assert settings.staff_chat_id == -1001
    assert settings.redis_url is None
    assert "123456:TEST" not in repr(settings)  # secrets never printed


def test_malformed_number_is_refused_readably(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_CHAT_ID", "staff")
    with pytest.raises(SettingsError, match="STAFF_CHAT_ID is not valid"):
        load_settings()
