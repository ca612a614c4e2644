"""config.yml: the committed demo city loads; a wrong file is refused with the key path, one line
per problem."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from citybot.config import CATEGORY_IDS, CityConfig, ConfigError, LocalizedText, load_config

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "config.yml"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
DEMO: dict[str, Any] = yaml.load(CONFIG_PATH.read_text(encoding="utf-8"), Loader=LOADER)


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "config.yml"
    text = yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, change) -> tuple[Path, list[str]]:
    """Apply `change` to a copy of the demo config, load it, return the error lines."""
    data = copy.deepcopy(DEMO)
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    lines = str(caught.value).splitlines()
    assert lines == caught.value.problems
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert "Traceback" not in str(caught.value)
    return path, lines


def only_line(tmp_path: Path, change, key_path: str) -> str:
    """The one error line, checked to name `key_path`; returns the reason after it."""
    path, lines = refused(tmp_path, change)
    assert len(lines) == 1, lines
    prefix = f"{path}: {key_path}: "
    assert lines[0].startswith(prefix), lines[0]
    return lines[0].removeprefix(prefix)


def category_index(data: dict, category_id: str) -> int:
    return next(i for i, c in enumerate(data["categories"]) if c["id"] == category_id)


# ---------------------------------------------------------------- the demo city


def test_committed_config_loads() -> None:
    config = load_config(CONFIG_PATH)
    assert isinstance(config, CityConfig)
    city = config.city
    assert city.name.get("en") and city.name.get("ru")
    assert city.default_language in ("en", "ru")
    assert str(city.tz) == city.timezone
    assert len(city.districts) >= 4
    assert len(city.streets) >= 40
    assert len(config.departments) >= 6
    assert [c.id for c in config.categories] == list(CATEGORY_IDS)
    assert any(c.district_overrides for c in config.categories)
    assert config.staff.chat_id < 0 and config.staff.show_official_names is False
    assert config.staff.helpdesk_topic_id is None and config.staff.digest_topic_id is None
    assert config.staff.language is None  # the city's language
    assert all(d.topic_id is None and d.hashtag.startswith("#") for d in config.departments)
    assert config.reports.model_dump() == {
        "duplicate_radius_m": 50, "reopen_days": 14, "max_photos": 5, "draft_ttl_hours": 24,
        "draft_reminder_hours": 20, "min_description_chars": 10, "max_description_chars": 2000,
        "max_reports_per_hour": 5, "max_messages_per_minute": 60,
        "conversation_quiet_minutes": 30,
    }  # fmt: skip
    assert config.geocoder.provider == "offline"
    assert config.nlu.backend == "builtin" and config.nlu.rasa_url is None
    assert config.nlu.confidence_threshold == 0.55
    assert [(d.name, d.audience, d.frequency) for d in config.digests] == [
        ("weekly", "residents", "weekly"), ("daily", "residents", "daily"),
        ("staff_daily", "staff", None)]
    assert config.broadcast.per_second == 30 and not config.broadcast.paid
    assert config.broadcast.rate == 30 and config.broadcast.paid_per_second == 1000


def test_every_name_is_bilingual() -> None:
    config = load_config(CONFIG_PATH)
    names = [config.city.name]
    names += [d.name for d in config.city.districts] + [s.name for s in config.city.streets]
    names += [d.name for d in config.departments] + [c.name for c in config.categories]
    for name in names:
        assert name.en != name.ru, name
        assert any("а" <= ch <= "я" for ch in name.ru.lower()), name


def test_knowledge_paths_are_absolute_and_relative_to_the_file(tmp_path: Path) -> None:
    config = load_config(CONFIG_PATH)
    assert config.knowledge.waste == ROOT / "knowledge" / "waste.yml"
    assert config.knowledge.transport == ROOT / "knowledge" / "transport.yml"

    data = copy.deepcopy(DEMO)
    del data["knowledge"]  # missing section: defaults, still next to the config file
    (tmp_path / "city").mkdir()
    path = tmp_path / "city" / "config.yml"
    path.write_text(yaml.dump(data, Dumper=DUMPER, allow_unicode=True), encoding="utf-8")
    config = load_config(str(path))
    assert config.knowledge.waste == tmp_path / "city" / "knowledge" / "waste.yml"
    assert not config.knowledge.waste.exists()


def test_lookups_by_id_and_department_for_with_an_override() -> None:
    config = load_config(CONFIG_PATH)
    assert config.department("roads").id == "roads"
    assert config.category("snow").department == "roads"
    assert config.department_for("snow").id == "roads"
    assert config.department_for("snow", "central").id == "roads"
    assert config.department_for("snow", "zarechny").id == "zarechny_office"
    assert config.department_for("greenery", "zarechny").id == "zarechny_office"
    assert config.department_for("water", "zarechny").id == "water"
    assert config.department_for("snow", "no_such_district").id == "roads"
    assert config.city.district("zarechny").name.get("ru") == "Заречный район"
    with pytest.raises(KeyError):
        config.department("nope")
    with pytest.raises(KeyError):
        config.category("potholes")


def test_localized_text_falls_back_to_english() -> None:
    text = LocalizedText(en="Street", ru="Улица")
    assert text.get("ru") == "Улица"
    assert text.get("ru-RU") == "Улица"
    assert text.get("en") == "Street"
    assert text.get("de") == "Street"
    assert text.get(None) == "Street"


def test_digests_accept_name_audience_cron_and_content(tmp_path: Path) -> None:
    data = copy.deepcopy(DEMO)
    data["digests"] = [
        {"name": "weekly", "audience": "staff", "schedule": "0 8 * * 1", "content": ["overdue"]},
        {"name": "daily", "audience": "roads", "schedule": "30 7 * * *", "content": "new"},
    ]
    config = load_config(write(tmp_path, data))
    assert [d.name for d in config.digests] == ["weekly", "daily"]
    assert config.digests[1].content == ["new"]


# ---------------------------------------------------------------- refusals, one line each


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "config.yml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: no such file")
    assert "CITYBOT_CONFIG" in message and "\n" not in message


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yml"
    path.write_text("city:\n  name: {en: Lipovsk, ru: Липовск\nstaff:\n  chat_id: -100\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line 3, column ") and "YAML syntax error" in message
    assert "\n" not in message


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.yml"
    path.write_text("staff:\n  chat_id: -1001\n  chat_id: -1002\n")
    with pytest.raises(ConfigError, match=r"line 3, .*'chat_id' appears twice"):
        load_config(path)


@pytest.mark.parametrize("text", ["", "just a string\n", "- a\n- list\n"])
def test_not_a_mapping(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.yml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="expected sections"):
        load_config(path)


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    def typo(data: dict) -> None:
        street = data["city"]["streets"][2]
        street["nmae"] = street.pop("name")

    path, lines = refused(tmp_path, typo)
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: city.streets[2].name: missing")
    assert lines[1].startswith(f"{path}: city.streets[2].nmae: unknown key; did you mean 'name'?")
    assert "(line " in lines[1]


def test_unknown_section(tmp_path: Path) -> None:
    reason = only_line(tmp_path, lambda d: d.update(geocodr={}), "geocodr")
    assert "did you mean 'geocoder'?" in reason


def test_missing_category(tmp_path: Path) -> None:
    def drop_snow(data: dict) -> None:
        del data["categories"][category_index(data, "snow")]

    reason = only_line(tmp_path, drop_snow, "categories")
    assert reason.startswith("missing snow:")


def test_unknown_category(tmp_path: Path) -> None:
    def rename(data: dict) -> None:
        data["categories"][3]["id"] = "potholes"

    path, lines = refused(tmp_path, rename)
    assert lines[0].startswith(f"{path}: categories[3].id: unknown category 'potholes'")
    assert lines[1].startswith(f"{path}: categories: missing dumping")


def test_bad_department_reference(tmp_path: Path) -> None:
    def misspell(data: dict) -> None:
        data["categories"][3]["department"] = "sanitaton"

    reason = only_line(tmp_path, misspell, "categories[3].department")
    assert reason.startswith("no department 'sanitaton' (departments: ")


def test_bad_district_override(tmp_path: Path) -> None:
    def override(data: dict) -> None:
        data["categories"][0]["district_overrides"] = {"downtown": "roads", "central": "roadz"}

    _, lines = refused(tmp_path, override)
    assert [line.split(": ")[1] for line in lines] == [
        "categories[0].district_overrides.downtown",
        "categories[0].district_overrides.central",
    ]
    assert "no district 'downtown'" in lines[0] and "no department 'roadz'" in lines[1]


def test_bad_timezone(tmp_path: Path) -> None:
    def moskow(data: dict) -> None:
        data["city"]["timezone"] = "Europe/Moskow"

    reason = only_line(tmp_path, moskow, "city.timezone")
    assert reason.startswith("unknown time zone 'Europe/Moskow'")


def test_bad_default_language(tmp_path: Path) -> None:
    def german(data: dict) -> None:
        data["city"]["default_language"] = "de"

    assert "'de'" in only_line(tmp_path, german, "city.default_language")


def test_bad_staff_language_and_quiet_period(tmp_path: Path) -> None:
    def german(data: dict) -> None:
        data["staff"]["language"] = "de"

    assert "'de'" in only_line(tmp_path, german, "staff.language")

    def never(data: dict) -> None:
        data["reports"]["conversation_quiet_minutes"] = 0

    assert only_line(tmp_path, never, "reports.conversation_quiet_minutes")


def test_street_point_outside_the_boundary(tmp_path: Path) -> None:
    def far(data: dict) -> None:
        data["city"]["streets"][5]["points"][1] = [56.80, 39.60]

    reason = only_line(tmp_path, far, "city.streets[5].points[1]")
    assert reason.startswith("[56.8, 39.6] is outside the city boundary")


def test_swapped_lat_lon_gets_a_hint(tmp_path: Path) -> None:
    def swap(data: dict) -> None:
        data["city"]["center"] = {"lat": 39.60, "lon": 56.90}

    assert "swapped" in only_line(tmp_path, swap, "city.center")


def test_district_outside_the_boundary(tmp_path: Path) -> None:
    def grow(data: dict) -> None:
        data["city"]["districts"][0]["polygon"][0] = [56.80, 39.58]

    reason = only_line(tmp_path, grow, "city.districts[0].polygon[0]")
    assert "outside the city boundary" in reason


def test_latitude_out_of_range(tmp_path: Path) -> None:
    def polar(data: dict) -> None:
        data["city"]["boundary"][2] = [95.0, 39.6]

    assert "latitude 95.0 is out of range" in only_line(tmp_path, polar, "city.boundary[2]")


def test_polygon_needs_three_points(tmp_path: Path) -> None:
    def flat(data: dict) -> None:
        data["city"]["districts"][1]["polygon"] = [[56.89, 39.54], [56.91, 39.54], [56.89, 39.54]]

    reason = only_line(tmp_path, flat, "city.districts[1].polygon")
    assert "at least 3 distinct points" in reason


def test_duplicate_ids(tmp_path: Path) -> None:
    def twice(data: dict) -> None:
        data["departments"][1]["id"] = "roads"

    path, lines = refused(tmp_path, twice)
    assert lines[0].startswith(f"{path}: departments[1].id: duplicate id 'roads'")


def test_rasa_backend_needs_a_url(tmp_path: Path) -> None:
    def rasa(data: dict) -> None:
        data["nlu"]["backend"] = "rasa"

    assert only_line(tmp_path, rasa, "nlu.rasa_url").startswith("required when backend is rasa")


def test_bad_cron_schedule(tmp_path: Path) -> None:
    def digest(data: dict) -> None:
        data["digests"] = [{"name": "x", "audience": "staff", "schedule": "every monday"}]

    assert "cron" in only_line(tmp_path, digest, "digests[0].schedule")


def test_digests_are_checked_against_their_audience(tmp_path: Path) -> None:
    def digest(**fields: Any):
        def change(data: dict) -> None:
            data["digests"] = [{"name": "x", "schedule": "0 8 * * 1", **fields}]
        return change

    assert "unknown audience 'mayor'" in only_line(
        tmp_path, digest(audience="mayor"), "digests[0].audience")
    assert "required when audience is residents" in only_line(
        tmp_path, digest(audience="residents"), "digests[0].frequency")
    assert "only digests for residents" in only_line(
        tmp_path, digest(audience="staff", frequency="daily"), "digests[0].frequency")
    reason = only_line(tmp_path, digest(audience="residents", frequency="weekly",
                                        content=["resolved", "overdue"]), "digests[0].content[1]")
    assert reason.startswith("unknown content 'overdue' for this audience")
    assert "lowercase" in only_line(tmp_path, digest(name="Weekly Digest", audience="staff"),
                                    "digests[0].name")


def test_broadcast_rates_stay_within_telegrams_limits(tmp_path: Path) -> None:
    def fast(data: dict) -> None:
        data["broadcast"]["per_second"] = 100

    assert "less than or equal to 30" in only_line(tmp_path, fast, "broadcast.per_second")

    def paid(data: dict) -> None:
        data["broadcast"]["paid_per_second"] = 5000

    assert "1000" in only_line(tmp_path, paid, "broadcast.paid_per_second")


def test_cron_weekdays_count_from_sunday_as_in_crontab() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from citybot.config import cron_trigger

    thursday = datetime(2026, 11, 26, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    for line, weekday in (("0 8 * * 1", "Monday"), ("0 8 * * 0", "Sunday"),
                          ("0 8 * * 7", "Sunday"), ("0 10 * * 6", "Saturday"),
                          ("0 8 * * 1-5", "Friday"), ("0 8 * * mon", "Monday")):
        fire = cron_trigger(line, "Europe/Moscow").get_next_fire_time(None, thursday)
        assert fire.strftime("%A") == weekday, line


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    def many(data: dict) -> None:
        data["city"]["timezone"] = "Mars/Olympus"
        data["reports"]["max_photos"] = 50
        data["staff"]["chat_id"] = 12345

    _, lines = refused(tmp_path, many)
    assert [line.split(": ")[1] for line in lines] == [
        "city.timezone", "staff.chat_id", "reports.max_photos",
    ]  # fmt: skip


def test_the_cli_prints_the_problem_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from citybot.cli import main

    data = copy.deepcopy(DEMO)
    data["categories"][3]["department"] = "sanitaton"
    monkeypatch.setenv("CITYBOT_CONFIG", str(write(tmp_path, data)))
    assert main(["config", "check"]) != 0
    err = capsys.readouterr().err
    assert "categories[3].department: no department 'sanitaton'" in err
    assert "Traceback" not in err
