"""Faults through the emulator, in webhook mode: the database and Redis stopped and started under
load, and the Bot API failing (5xx, hangs, a 429 storm). Nothing a resident or an official
sent is lost, nothing is done twice, and every reply, card and notification arrives once.

PostgreSQL and Redis are private servers the tests start and stop (never the shared ones): a
PostgreSQL cluster initialised in a temporary directory, and redis-server on a free port."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import select

from citybot.bot.outages import is_outage
from citybot.bot.pipeline import current_update
from citybot.i18n import Translator
from citybot.storage.database import upgrade
from citybot.storage.models import OutboxMessage, ProcessedUpdate, Report, ReportPhoto
from citybot.testing import count_rows

from .conftest import free_port, webhook_settings

SADOVAYA_12 = (56.8961, 39.5840)
POINTS = [(56.8961, 39.5840), (56.8975, 39.5860), (56.8950, 39.5820), (56.8985, 39.5875),
          (56.8940, 39.5850), (56.8968, 39.5805)]
CREATED = ("registered as #", "под номером #")
TEXTS = Translator(default="ru")


# ---- servers the tests own ------------------------------------------------------------------

def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    return found[-1].parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own, on a free port: really stopped and started."""

    def __init__(self, bin_dir: Path, root: Path, port: int) -> None:
        self.bin_dir, self.root, self.port = bin_dir, root, port
        self.data = root / "data"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--no-instructions")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options,
                  "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        """fast: every session is terminated, transactions in flight are rolled back."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL is not set")
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql")
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run a cluster")
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser")
    root = Path(tempfile.mkdtemp(prefix="citybot-pg-"))
    if os.geteuid() == 0:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    cluster = PrivatePostgres(bin_dir, root, free_port())
    try:
        try:
            cluster.init()
            cluster.start()
        except (OSError, subprocess.SubprocessError) as error:
            pytest.skip(f"could not start a private PostgreSQL cluster: {error}")
        admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE citybot"))
        admin.dispose()
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


class PrivateRedis:
    """redis-server on a free port, with or without persistence (appendonly)."""

    def __init__(self, directory: Path, port: int, *, persistent: bool) -> None:
        self.directory, self.port, self.persistent = directory, port, persistent
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        persistence = (["--appendonly", "yes", "--appendfsync", "everysec"] if self.persistent
                       else ["--appendonly", "no"])
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--dir", str(self.directory), *persistence],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from redis.asyncio import Redis

        client = Redis.from_url(self.url)
        try:
            for _ in range(100):
                with contextlib.suppress(Exception):
                    if await client.ping():
                        return
                await asyncio.sleep(0.05)
        finally:
            await client.aclose()
        raise RuntimeError("redis-server did not start")

    async def stop(self) -> None:
        """SIGTERM: Redis's own clean shutdown (the AOF is flushed when there is one)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(self.process.wait, 10)
        self.process = None


@pytest.fixture
def private_redis() -> Iterator[Callable[..., PrivateRedis]]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    pytest.importorskip("redis")
    made: list[PrivateRedis] = []
    directory = Path(tempfile.mkdtemp(prefix="citybot-redis-"))

    def make(*, persistent: bool) -> PrivateRedis:
        server = PrivateRedis(directory, free_port(), persistent=persistent)
        made.append(server)
        return server

    yield make
    for server in made:
        if server.process is not None and server.process.poll() is None:
            server.process.kill()
            server.process.wait()
    shutil.rmtree(directory, ignore_errors=True)


# ---- a worker, and people using it ----------------------------------------------------------

@contextlib.asynccontextmanager
async def worker(emulator, city_config, database_url: str, redis_url: str | None = None, *,
                 courier_idle: float = 0.5):
    """One webhook worker in this process; its courier paced for an emulator whose flood limits
    are off (cards are posted without Telegram's 20-a-minute pause for groups)."""
    from citybot.bot import leadership
    from citybot.bot.webhook import running_webhook
    from citybot.services.pacing import Pacer

    original = leadership.build_courier

    def fast_courier(*args, **kwargs):
        courier = original(*args, **kwargs)
        courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
        return courier

    await asyncio.to_thread(upgrade, database_url)
    port = free_port()
    settings = webhook_settings(emulator, database_url, port, redis_url)
    leadership.build_courier = fast_courier
    try:
        async with running_webhook(settings, city_config, lease_ttl=2, lease_renew=0.3,
                                   courier_idle=courier_idle) as running:
            running.url = f"http://127.0.0.1:{port}"
            yield running
    finally:
        leadership.build_courier = original


def answered_500(running) -> float:
    return running.metrics.updates.labels(outcome="error")._value.get()


async def until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not in {timeout}s: {what}")
        await asyncio.sleep(0.05)


def first_button(message: dict) -> str:
    return message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]


async def up_to_the_place(emulator, user, description: str, *, category: int = 0,
                          timeout: float = 15.0) -> None:
    """A resident starts a report: category, description; the bot asks where it is."""
    emulator.send_text(user, "/report")
    picker = await emulator.wait_for_message(user, timeout=timeout)
    row = picker["reply_markup"]["inline_keyboard"][category // 2]
    emulator.click(user, picker, row[category % 2]["callback_data"])
    await emulator.wait_for_message(user, timeout=timeout)  # describe it
    emulator.send_text(user, description)
    await emulator.wait_for_message(user, timeout=timeout, contains="📍")  # where is it?


async def from_the_place_on(emulator, user, *, photo: bool, timeout: float = 30.0) -> int:
    """After the resident sent the place (and perhaps a photo at once): the bot confirms the
    address, asks for photos; Done or Skip; the summary; Send. Returns the report's number."""
    await emulator.wait_for_message(user, timeout=timeout, predicate=address_found)
    ask = await emulator.wait_for_message(user, timeout=timeout)  # photos?
    if photo:
        ask = await emulator.wait_for_message(user, timeout=timeout, contains="📷")  # 1 of 3
    emulator.click(user, ask, first_button(ask))  # Done / Skip
    summary = await emulator.wait_for_message(user, timeout=timeout)
    emulator.click(user, summary, first_button(summary))  # Send
    created = await emulator.wait_for_message(
        user, timeout=timeout, predicate=lambda m: any(c in m.get("text", "") for c in CREATED))
    return int(created["text"].split("#", 1)[1].split()[0].rstrip(".,"))


async def file_report(emulator, user, description: str, point=SADOVAYA_12, *,
                      category: int = 0, photo: bool = False, timeout: float = 15.0) -> int:
    await up_to_the_place(emulator, user, description, category=category, timeout=timeout)
    emulator.send_location(user, *point)
    if photo:
        emulator.send_photo(user)
    return await from_the_place_on(emulator, user, photo=photo, timeout=timeout)


def address_found(message: dict) -> bool:
    return (message.get("text") or "").startswith("📍")  # "📍 Got it: …"


def is_card(number: int) -> Callable[[dict], bool]:
    def check(message: dict) -> bool:
        return (message.get("text") or "").split("\n")[0].split(" · ")[0].endswith(f"#{number}")
    return check


def said(emulator, chat, fragment: str) -> list[dict]:
    return [m for m in emulator.messages(chat)
            if fragment in (m.get("text") or m.get("caption") or "")]


def apologies(emulator, *people) -> list[str]:
    texts = {TEXTS(lang)("error-generic") for lang in ("en", "ru")}
    return [m.get("text", "") for person in people for m in emulator.messages(person)
            if m.get("text") in texts]


async def every_report_once(emulator, running, staff_group, reporters: dict[int, tuple]) -> None:
    """Each report exists once, as its resident wrote it; its card is posted once, in its
    department's topic, with its photos once; a topic per department, created once."""
    runtime = running.runtime
    async with runtime.sessions() as session:
        filed = {r.id: r for r in (await session.exec(select(Report))).all()}
        photos = (await session.exec(select(ReportPhoto))).all()
    assert sorted(filed) == sorted(reporters), (sorted(filed), sorted(reporters))
    for number, (description, has_photo) in reporters.items():
        assert filed[number].description == description
        assert sum(p.report_id == number for p in photos) == int(has_photo)

    def cards_of(number: int) -> list[dict]:
        return [m for m in emulator.messages(staff_group) if is_card(number)(m)]

    await until(lambda: all(cards_of(n) for n in reporters), what="a card for every report")
    topics = emulator.topics(staff_group)
    names = [t["name"] for t in topics.values()]
    assert len(names) == len(set(names)), names  # each department's topic created once
    for number, (_, has_photo) in reporters.items():
        cards = cards_of(number)
        assert len(cards) == 1, (number, cards)
        assert cards[0].get("message_thread_id") in topics
        if has_photo:
            caption = TEXTS("ru")("card-photos-caption", number=str(number))
            await until(lambda c=caption: said(emulator, staff_group, c), what=caption)
            assert len(said(emulator, staff_group, caption)) == 1


async def every_update_handled(running, emulator) -> None:
    """Every update the emulator made was delivered, handled and recorded once."""
    await until(lambda: emulator.webhook is not None and not emulator._inflight
                and not any(q.qsize() for q in emulator._queues), what="updates delivered")
    assert await count_rows(running.runtime, ProcessedUpdate) == emulator.stats.updates


async def nothing_left_to_send(running) -> None:
    async def backlog() -> int:
        return await count_rows(running.runtime, OutboxMessage,
                                OutboxMessage.state.in_(["pending", "sending"]))

    for _ in range(300):
        if await backlog() == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the outbox was not emptied")


# ---- what an outage is ----------------------------------------------------------------------

def _raise_from(cause: BaseException, wrapper: type[Exception]) -> Exception:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise wrapper("while saving") from inner
    except Exception as outer:
        return outer


def test_only_an_unreachable_database_or_redis_is_an_outage() -> None:
    import sqlite3

    from redis import exceptions as redis_errors

    refused = OperationalError("INSERT ...", {}, ConnectionRefusedError("connection refused"))
    assert is_outage(refused)
    assert is_outage(redis_errors.ConnectionError("Error 111 connecting"))
    assert is_outage(redis_errors.TimeoutError("Timeout reading from socket"))
    assert is_outage(_raise_from(refused, RuntimeError))  # whatever wraps it
    locked = OperationalError("UPDATE ...", {}, sqlite3.OperationalError("database is locked"))
    assert is_outage(locked)
    # a bug or bad data must not make Telegram send an update for ever
    assert not is_outage(OperationalError("SELECT ...", {},
                                          sqlite3.OperationalError("no such table: reports")))
    assert not is_outage(IntegrityError("INSERT ...", {}, ValueError("duplicate key")))
    assert not is_outage(ValueError("bad value"))
    assert not is_outage(ConnectionRefusedError("the geocoder's server"))  # not a driver's
    assert not is_outage(KeyError("x"))


# ---- the database away: 500 over a webhook, an apology when polling -------------------------

def fail_claims(monkeypatch, times: int) -> list[int]:
    """The next `times` updates meet a database that refuses connections (at their claim)."""
    from citybot.bot.pipeline import update as middlewares

    real = middlewares.claim_update
    failed: list[int] = []

    async def claim(**kwargs):
        if len(failed) < times:
            failed.append(kwargs["update_id"])
            raise OperationalError("INSERT INTO processed_updates", {},
                                   ConnectionRefusedError("connection refused"))
        return await real(**kwargs)

    monkeypatch.setattr(middlewares, "claim_update", claim)
    return failed


async def test_over_a_webhook_an_update_that_met_an_outage_is_sent_again_and_handled_once(
    emulator, city_config, staff_group, sqlite_url, monkeypatch
) -> None:
    async with worker(emulator, city_config, sqlite_url) as running:
        failed = fail_claims(monkeypatch, 3)
        anna = emulator.add_user("Anna", language_code="en")
        emulator.send_text(anna, "/start")
        greeting = await emulator.wait_for_message(anna, timeout=15)
        assert "Anna" in greeting["text"]
        assert len(failed) == 3 and set(failed) == {failed[0]}  # one update, three tries
        assert answered_500(running) == 3
        await emulator.assert_no_message(anna, within=0.5)  # once, and no apology
        await every_update_handled(running, emulator)


async def test_polling_apologises_for_an_outage_in_the_residents_language(
    emulator, citybot, monkeypatch
) -> None:
    fail_claims(monkeypatch, 1)
    ivan = emulator.add_user("Иван", language_code="ru")
    emulator.send_text(ivan, "/start")
    apology = await emulator.wait_for_message(ivan, timeout=10)
    assert apology["text"] == TEXTS("ru")("error-generic")
    await emulator.assert_no_message(ivan, within=0.5)  # polling has no second delivery
    emulator.send_text(ivan, "/start")  # the resident tries again, as asked
    assert "Иван" in (await emulator.wait_for_message(ivan, timeout=10))["text"]


def _callers() -> list[str]:
    """The bot's functions that led to this database statement (SQLAlchemy runs it in a
    greenlet of its own: the asyncio side is the parent's stack)."""
    import greenlet

    names, frame = [], greenlet.getcurrent().parent.gr_frame
    while frame is not None:
        if "/citybot/" in frame.f_code.co_filename:
            names.append(frame.f_code.co_name)
        frame = frame.f_back
    return names


def watch_late_transactions(running) -> list[str]:
    """Who began a transaction in an update after one of that update's transactions (its claim
    with it) was committed: a re-sent copy of such an update would be skipped half-done."""
    late: list[str] = []

    def on_commit(connection) -> None:
        scope = current_update.get()
        if scope is not None and not scope.closed:
            scope.seen_committing = True  # on the scope: a finished scope's id is reused

    def on_begin(connection) -> None:
        scope = current_update.get()
        if scope is not None and not scope.closed and (
                scope.committed or getattr(scope, "seen_committing", False)):
            late.append(" > ".join(_callers()))

    event.listen(running.runtime.engine.sync_engine, "commit", on_commit)
    event.listen(running.runtime.engine.sync_engine, "begin", on_begin)
    return late


async def test_report_updates_do_all_their_database_work_before_they_speak(
    emulator, city_config, staff_group, sqlite_url
) -> None:
    """Why a database outage leaves no resident's update half-done: once an update's work is
    committed (its claim with it) it touches the database no more — callback answers and
    conversation state wait for the commit, so each update commits once. Checked on every
    transaction of a whole report."""
    async with worker(emulator, city_config, sqlite_url) as running:
        late = watch_late_transactions(running)
        anna = emulator.add_user("Anna", language_code="en")
        number = await file_report(emulator, anna, "Broken bench in the park", photo=True)
        emulator.send_text(anna, "/report")  # a second one, left and taken up again
        picker = await emulator.wait_for_message(anna, timeout=10)
        emulator.click(anna, picker, first_button(picker))
        await emulator.wait_for_message(anna, timeout=10)
        emulator.send_text(anna, "/report")
        offer = await emulator.wait_for_message(anna, timeout=10)  # continue or start over?
        emulator.click(anna, offer, first_button(offer))  # continue
        await emulator.wait_for_message(anna, timeout=10)  # describe it, again
        emulator.send_text(anna, "Somewhere else")
        await emulator.wait_for_message(anna, timeout=10)  # where?
        emulator.send_text(anna, "Nowhere street 12345")  # an address the city does not know
        unknown = await emulator.wait_for_message(anna, timeout=10)
        emulator.click(anna, unknown, unknown["reply_markup"]["inline_keyboard"][-1][0][
            "callback_data"])  # keep it as typed
        await emulator.wait_for_message(anna, predicate=address_found, timeout=10)
        await emulator.wait_for_message(anna, timeout=10)  # photos?
        await emulator.wait_for_message(staff_group, predicate=is_card(number), timeout=15)
        await every_update_handled(running, emulator)
        assert late == []


async def test_other_resident_updates_do_their_database_work_in_one_commit(
    emulator, city_config, staff_group, sqlite_url
) -> None:
    """The same for the rest of a resident's conversation: a greeting, the digest panel and
    its buttons, settings, a question for the knowledge base, their reports."""
    async with worker(emulator, city_config, sqlite_url) as running:
        late = watch_late_transactions(running)
        anna = emulator.add_user("Anna", language_code="en")
        emulator.send_text(anna, "/start")
        await emulator.wait_for_message(anna, timeout=10)
        emulator.send_text(anna, "/subscribe")
        panel = await emulator.wait_for_message(anna, timeout=10)
        for label in ("🗓 How often", "▫️ every day"):
            emulator.click_button(anna, emulator.message(panel)[1], label)
            edited = await emulator.wait_for_edit(emulator.message(panel)[1], timeout=10)
        assert "Digest: every day" in edited["text"]
        emulator.send_text(anna, "⚙️ Settings")
        settings = await emulator.wait_for_message(anna, timeout=10)
        emulator.click_button(anna, settings, "Русский")
        saved = await emulator.wait_for_message(anna, timeout=10)
        assert saved["text"] == TEXTS("ru")("settings-language-saved")
        emulator.send_text(anna, "куда выбросить батарейки?")
        await emulator.wait_for_message(anna, timeout=10)
        emulator.send_text(anna, "/my")
        await emulator.wait_for_message(anna, timeout=10)
        await every_update_handled(running, emulator)
        assert late == []


async def test_a_staff_button_does_its_database_work_in_one_commit(
    emulator, city_config, staff_group, official, sqlite_url
) -> None:
    """The official's membership is asked of Telegram (once a minute) before the update's
    transaction begins, so pressing a card's button with the answer not yet known commits once."""
    from citybot.dialogs.staff.access import forget

    async with worker(emulator, city_config, sqlite_url) as running:
        late = watch_late_transactions(running)
        anna = emulator.add_user("Anna", language_code="en")
        number = await file_report(emulator, anna, "Broken bench in the park")
        card = await emulator.wait_for_message(staff_group, predicate=is_card(number), timeout=15)
        forget(running.runtime, official.id)
        asked = emulator.stats.calls["getChatMember"]
        emulator.click_button(official, card, "🛠")
        await emulator.wait_for_message(anna, timeout=15)  # told that work started
        await every_update_handled(running, emulator)
        assert emulator.stats.calls["getChatMember"] > asked  # it was asked, not remembered
        assert late == []



async def test_an_officials_day_does_its_database_work_in_one_commit(
    emulator, city_config, staff_group, official, sqlite_url
) -> None:
    """And for the rest of the staff side: the queue, a report's history and the figures; a
    reply relayed both ways; a rejection with its reason (a step of the official's own); a
    resolution the resident says is not fixed; a conversation with a person in the helpdesk;
    an announcement previewed and sent."""
    async with worker(emulator, city_config, sqlite_url) as running:
        late = watch_late_transactions(running)
        anna = emulator.add_user("Anna", language_code="en")
        emulator.send_text(anna, "/start")
        await emulator.wait_for_message(anna, timeout=10)
        pothole = await file_report(emulator, anna, "Pothole outside the school")
        bench = await file_report(emulator, anna, "Broken bench", point=POINTS[3])
        card = await emulator.wait_for_message(staff_group, predicate=is_card(pothole),
                                               timeout=15)
        other = await emulator.wait_for_message(staff_group, predicate=is_card(bench),
                                                timeout=15)
        for command in ("/queue", f"/report {pothole}", "/stats"):
            emulator.send_text(official, command, chat=staff_group)
            await emulator.wait_for_message(staff_group, timeout=10)

        emulator.send_text(official, "Which side of the road?", chat=staff_group,
                           reply_to=card)
        relayed = await emulator.wait_for_message(anna, contains="Which side", timeout=10)
        emulator.send_text(anna, "The north side", reply_to=relayed)
        await emulator.wait_for_message(anna, contains="Passed to the staff", timeout=10)
        await emulator.wait_for_message(staff_group, contains="north side", timeout=10)

        emulator.click_button(official, other, "⛔")
        prompt = await emulator.wait_for_message(staff_group, contains="почему", timeout=10)
        emulator.send_text(official, "Private land", chat=staff_group, reply_to=prompt)
        await emulator.wait_for_message(anna, contains="Private land", timeout=10)

        emulator.click_button(official, emulator.message(card)[1], "✅")
        prompt = await emulator.wait_for_message(staff_group, contains="как решено", timeout=10)
        emulator.send_text(official, "Patched", chat=staff_group, reply_to=prompt)
        resolved = await emulator.wait_for_message(anna, contains="Is it fixed?", timeout=10)
        emulator.click_button(anna, resolved, "👎")
        await emulator.wait_for_message(anna, contains="What is still wrong", timeout=10)
        emulator.send_text(anna, "Still a hole")
        await emulator.wait_for_message(anna, contains="open again", timeout=10)

        emulator.send_text(anna, "/human")
        await emulator.wait_for_message(anna, contains="called a person", timeout=10)
        header = await emulator.wait_for_message(staff_group, contains="Разговор с жителем",
                                                 timeout=10)
        emulator.send_text(anna, "Who collects old furniture?")
        asked = await emulator.wait_for_message(staff_group, contains="furniture", timeout=10)
        emulator.send_text(official, "Call on Mondays", chat=staff_group, reply_to=asked)
        await emulator.wait_for_message(anna, contains="Mondays", timeout=10)
        emulator.click_button(official, header, "✖️")
        await emulator.wait_for_message(anna, contains="closed the conversation", timeout=10)

        emulator.send_text(anna, "/subscribe")
        await emulator.wait_for_message(anna, timeout=10)
        emulator.send_text(official, "/announce Water off on Friday", chat=staff_group)
        preview = await emulator.wait_for_message(staff_group, contains="Предпросмотр", timeout=10)
        emulator.click_button(official, preview, "📣")
        await emulator.wait_for_message(anna, contains="Water off on Friday", timeout=15)
        await emulator.wait_for_message(staff_group, contains="Доставлено", timeout=15)
        await every_update_handled(running, emulator)
        assert late == [], '\n'.join(late)


# ---- PostgreSQL stopped and started under load ----------------------------------------------

@pytest.mark.timeout(150)
async def test_postgres_stopped_and_started_under_load_loses_nothing(
    emulator, city_config, staff_group, official, private_postgres, private_redis
) -> None:
    """Residents in the middle of their reports keep writing while PostgreSQL is down (a fast
    shutdown: every session terminated, whatever was in flight rolled back), an official
    presses a card's button, newcomers say hello. Once it is back: every update handled once,
    every report filed once as written, every card posted once in its topic, every resident
    told their #number, the reporter of the card told once that work started."""
    redis = private_redis(persistent=False)
    await redis.start()
    database = private_postgres.url("citybot")
    async with worker(emulator, city_config, database, redis.url) as running:
        vera = emulator.add_user("Vera", language_code="en")
        first = await file_report(emulator, vera, "Streetlight out at the crossing", category=1)
        card = await emulator.wait_for_message(staff_group, predicate=is_card(first), timeout=15)

        people = [emulator.add_user(f"Resident{i}", language_code=("en", "ru")[i % 2])
                  for i in range(len(POINTS))]
        wrote = {person.id: f"Pothole number {i} on the road, deep and wide"
                 for i, person in enumerate(people)}
        await asyncio.gather(*(up_to_the_place(emulator, person, wrote[person.id])
                               for person in people))

        # the places go out, and PostgreSQL stops while they are being handled
        for person, point in zip(people, POINTS, strict=True):
            emulator.send_location(person, *point)
        await asyncio.to_thread(private_postgres.stop, "fast")
        errors_before = answered_500(running)
        for person in people:  # a photo at once, as people do
            emulator.send_photo(person)
        query = emulator.click_button(official, card, "🛠")
        newcomers = [emulator.add_user(f"Newcomer{i}", language_code="en") for i in range(2)]
        for person in newcomers:
            emulator.send_text(person, "/start")
        await until(lambda: answered_500(running) >= errors_before + 4, timeout=20,
                    what="updates refused while PostgreSQL is down")
        await asyncio.to_thread(private_postgres.start)

        numbers = await asyncio.gather(*(from_the_place_on(emulator, person, photo=True,
                                                           timeout=40) for person in people))
        for person in newcomers:
            assert person.first_name in (await emulator.wait_for_message(
                person, timeout=30))["text"]
        await emulator.wait_for_callback_answer(query, timeout=30)
        notice = await emulator.wait_for_message(vera, contains=f"#{first}", timeout=30)
        assert "🛠" in notice["text"]

        reporters = {first: ("Streetlight out at the crossing", False)}
        reporters.update({number: (wrote[person.id], True)
                          for number, person in zip(numbers, people, strict=True)})
        assert len(set(numbers)) == len(people)
        await nothing_left_to_send(running)
        await every_report_once(emulator, running, staff_group, reporters)
        await every_update_handled(running, emulator)
        for person in [*people, vera]:  # every reply once: no step done twice
            created = [m for m in emulator.messages(person)
                       if any(c in m.get("text", "") for c in CREATED)]
            assert len(created) == 1, [m.get("text") for m in emulator.messages(person)]
            assert len([m for m in emulator.messages(person) if address_found(m)]) == 1
        assert len(said(emulator, vera, "🛠")) == 1
        assert apologies(emulator, *people, vera, *newcomers) == []
        assert emulator.callback_answer(query) is not None
    await redis.stop()


# ---- Redis restarted ------------------------------------------------------------------------

@pytest.mark.parametrize("persistent", [True, False], ids=["appendonly", "no-persistence"])
async def test_redis_restarted_mid_conversation_loses_nothing(
    emulator, city_config, staff_group, sqlite_url, private_redis, persistent, caplog
) -> None:
    """Redis stops (a clean shutdown) while residents are in the middle of their reports; what
    they send meanwhile is refused with 500 and sent again. With appendonly (the production
    setting) Redis comes back with every conversation; without persistence it comes back
    empty, and each conversation is put back at its draft's step. Either way the residents go
    on where they were: nothing asked twice, nothing lost."""
    redis = private_redis(persistent=persistent)
    await redis.start()
    async with worker(emulator, city_config, sqlite_url, redis.url) as running:
        anna = emulator.add_user("Anna", language_code="en")  # asked where it is
        boris = emulator.add_user("Борис", language_code="ru")  # asked for the category
        clara = emulator.add_user("Clara", language_code="en")  # in no conversation
        await up_to_the_place(emulator, anna, "Graffiti all over the bus stop shelter")
        emulator.send_text(boris, "/report")
        picker = await emulator.wait_for_message(boris, timeout=10)

        await redis.stop()
        emulator.send_location(anna, *SADOVAYA_12)
        emulator.send_photo(anna)
        emulator.click(boris, picker, picker["reply_markup"]["inline_keyboard"][0][1][
            "callback_data"])  # lighting
        emulator.send_text(clara, "/start")
        await until(lambda: answered_500(running) >= 3, timeout=20,
                    what="updates refused while Redis is down")
        await redis.start()

        anna_number = await from_the_place_on(emulator, anna, photo=True, timeout=30)
        await emulator.wait_for_message(boris, timeout=30)  # describe it
        emulator.send_text(boris, "Не горит фонарь у подъезда")
        await emulator.wait_for_message(boris, timeout=10, contains="📍")
        emulator.send_location(boris, *POINTS[1])
        boris_number = await from_the_place_on(emulator, boris, photo=False)
        assert "Clara" in (await emulator.wait_for_message(clara, timeout=10))["text"]

        await nothing_left_to_send(running)
        await every_report_once(emulator, running, staff_group, {
            anna_number: ("Graffiti all over the bus stop shelter", True),
            boris_number: ("Не горит фонарь у подъезда", False)})
        await every_update_handled(running, emulator)
        for person in (anna, boris):  # not asked again, not sent back to the menu
            pickers = [m for m in emulator.messages(person)
                       if len(m.get("reply_markup", {}).get("inline_keyboard", [])) >= 5]
            assert len(pickers) == 1, [m.get("text") for m in emulator.messages(person)]
            assert len([m for m in emulator.messages(person) if address_found(m)]) == 1
        assert apologies(emulator, anna, boris, clara) == []
        await emulator.assert_no_message(clara, within=0.3)
    await redis.stop()
    restored = [r for r in caplog.records if "restored from the draft" in r.getMessage()]
    assert len(restored) == (0 if persistent else 2), restored  # Anna's and Boris's, once


# ---- the Bot API failing --------------------------------------------------------------------

def no_repeats(emulator, chat) -> None:
    """Nothing the bot said in the chat was said twice."""
    said_texts = [m.get("text") or m.get("caption") for m in emulator.messages(chat)]
    said_texts = [t for t in said_texts if t]
    repeated = {t for t in said_texts if said_texts.count(t) > 1}
    assert not repeated, repeated


@pytest.mark.timeout(120)
async def test_bot_api_5xx_bursts_hangs_and_a_429_storm_lose_and_double_nothing(
    emulator, city_config, staff_group, official, sqlite_url
) -> None:
    """While residents report and an official moves their cards, the Bot API answers bursts of
    500 and 502, hangs, and 429s: Telegram's one-message-a-second limit per chat is on (every
    second reply of a handler meets it) and more 429s are injected. Every reply, callback
    answer, card, card photo, topic, card edit and notification arrives, and arrives once."""
    emulator.set_limits(enabled=True, per_chat_per_second=1, per_group_per_minute=10_000,
                        global_per_second=1000)
    faults = [
        emulator.inject_fault("sendMessage", "500", times=2),
        emulator.inject_fault("sendMessage", "502", times=2),
        emulator.inject_fault("sendMessage", "hang", hang_seconds=1.0, times=2),
        emulator.inject_fault("sendMessage", "429", retry_after=1, times=2),
        emulator.inject_fault("answerCallbackQuery", "500", times=2),
        emulator.inject_fault("answerCallbackQuery", "429", retry_after=1, times=1),
        emulator.inject_fault("answerCallbackQuery", "hang", hang_seconds=1.0, times=1),
        emulator.inject_fault("editMessageText", "500", times=2),
        emulator.inject_fault("editMessageText", "hang", hang_seconds=1.0, times=1),
        emulator.inject_fault("editMessageText", "429", retry_after=1, times=1),
        emulator.inject_fault("sendPhoto", "502", times=2),
        emulator.inject_fault("sendPhoto", "429", retry_after=1, times=1),
        emulator.inject_fault("createForumTopic", "500", times=2),
    ]
    async with worker(emulator, city_config, sqlite_url) as running:
        people = [emulator.add_user("Anna", language_code="en"),
                  emulator.add_user("Борис", language_code="ru"),
                  emulator.add_user("Clara", language_code="en")]
        wrote = ["Broken swing on the playground", "Яма на дороге у остановки",
                 "Overflowing bins behind the school"]
        numbers = await asyncio.gather(*(
            file_report(emulator, person, text, POINTS[i], category=(0, 0, 2)[i],
                        photo=i < 2, timeout=30)
            for i, (person, text) in enumerate(zip(people, wrote, strict=True))))
        reporters = {number: (text, i < 2)
                     for i, (number, text) in enumerate(zip(numbers, wrote, strict=True))}
        await every_report_once(emulator, running, staff_group, reporters)

        queries = []
        for number in numbers:  # the official starts work on each card
            card = await emulator.wait_for_message(staff_group, predicate=is_card(number))
            queries.append(emulator.click_button(official, card, "🛠"))
        for query in queries:
            await emulator.wait_for_callback_answer(query, timeout=30)
        for person, number in zip(people, numbers, strict=True):
            notice = await emulator.wait_for_message(person, contains=f"#{number}", timeout=30)
            assert notice["text"].startswith("🛠")
        for number in numbers:  # each card re-drawn with its new status
            card = next(m for m in emulator.messages(staff_group) if is_card(number)(m))
            await until(lambda c=card: emulator.message(c)[1].get("edit_date"), timeout=30,
                        what=f"card #{number} re-drawn")

        await nothing_left_to_send(running)
        await every_update_handled(running, emulator)
        assert all(fault.served == fault.times for fault in faults), \
            [(f.method, f.kind, f.served) for f in faults]
        assert emulator.stats.retry_after_served > len(faults)  # the storm, not just ours
        for chat in (*people, staff_group):
            no_repeats(emulator, chat)
        for person in people:
            assert len([m for m in emulator.messages(person)
                        if any(c in m.get("text", "") for c in CREATED)]) == 1
            assert len(said(emulator, person, "🛠")) == 1
        assert apologies(emulator, *people) == []
        double_answers = [c for c in emulator.requests
                          if c.method == "answerCallbackQuery" and c.status == 400]
        assert double_answers == []
        async with running.runtime.sessions() as session:
            states = (await session.exec(select(OutboxMessage.state))).all()
        assert set(states) == {"sent"}


# ---- the courier, when the database goes away between sending and recording -----------------

async def test_what_telegram_accepted_while_the_database_was_away_is_not_sent_again(
    emulator, city_config, sqlite_url, monkeypatch
) -> None:
    """The courier sent a message, and the database went away before the send was recorded.
    The message is remembered as sent, and recorded before this process claims or releases
    anything again (its claim would otherwise be released and the message sent twice)."""
    import socket

    from citybot.bot.app import build_bot
    from citybot.outbox import courier as courier_module
    from citybot.runtime import build_runtime
    from citybot.services.pacing import Pacer
    from citybot.settings import Settings
    from citybot.storage import outbox

    await asyncio.to_thread(upgrade, sqlite_url)
    runtime = build_runtime(Settings(BOT_TOKEN=emulator.token, DATABASE_URL=sqlite_url),
                              city_config)
    bot = build_bot(emulator.token, emulator.url)
    anna = emulator.add_user("Anna", language_code="en")
    async with runtime.sessions() as session:
        await outbox.enqueue(session=session, kind="notification", chat_id=anna.id,
                             payload={"text": "Your report #7 is in progress"})
        await session.commit()
    worker_name = f"{socket.gethostname()}-{os.getpid()}:test"
    real_write = courier_module._write_sent

    async def database_away(*args, **kwargs):
        raise OperationalError("UPDATE outbox", {}, ConnectionRefusedError("refused"))

    try:
        monkeypatch.setattr(courier_module, "_write_sent", database_away)
        monkeypatch.setattr(courier_module, "RECORD_RETRIES", 1)
        first = courier_module.Courier(bot, runtime, worker=worker_name,
                                       pacer=Pacer(per_chat_interval=0.05))
        assert await first.deliver_due(wait=True) == 1
        await emulator.wait_for_message(anna, contains="#7 is in progress")
        assert list(runtime.unrecorded) and await count_rows(
            runtime, OutboxMessage, OutboxMessage.state == "sending") == 1

        # the database is back; the courier starts again in this process (the lease regained)
        monkeypatch.setattr(courier_module, "_write_sent", real_write)
        second = courier_module.Courier(bot, runtime, worker=worker_name,
                                        pacer=Pacer(per_chat_interval=0.05))
        running = asyncio.create_task(second.run(runtime.courier_wakeup, idle_seconds=0.05))
        try:
            await until(lambda: not runtime.unrecorded, timeout=10, what="recorded")
            await emulator.assert_no_message(anna, within=0.5)
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
        assert len(said(emulator, anna, "#7 is in progress")) == 1
        assert await count_rows(runtime, OutboxMessage, OutboxMessage.state == "sent") == 1
    finally:
        await runtime.close()
        await bot.session.close()


# ---- conversation state in the database, when the update's transaction fails ----------------

async def test_a_state_written_by_an_update_that_failed_is_not_remembered(
    city_config, sqlite_url
) -> None:
    """SQLStorage keeps a copy of each conversation in memory: a write made by an update whose
    transaction never committed (its session closed on the error, a savepoint released on the
    way) must not stay in the copy, or the re-sent update would find the conversation ahead."""
    from aiogram.fsm.storage.base import StorageKey

    from citybot.bot.pipeline import current_session
    from citybot.runtime import build_runtime
    from citybot.settings import Settings
    from citybot.storage.fsm import SQLStorage

    await asyncio.to_thread(upgrade, sqlite_url)
    runtime = build_runtime(Settings(DATABASE_URL=sqlite_url), city_config)
    storage = SQLStorage(runtime.engine, shared_session=current_session.get)
    key = StorageKey(bot_id=1, chat_id=5, user_id=5)
    try:
        await storage.set_state(key, "ReportFlow:location")  # committed on its own
        with contextlib.suppress(RuntimeError):
            async with runtime.sessions() as session:  # the update's session
                token = current_session.set(session)
                try:
                    await storage.set_state(key, "ReportFlow:photos")
                    async with session.begin_nested():  # e.g. an outbox message with a key
                        pass
                    assert await storage.get_state(key) == "ReportFlow:photos"
                    raise RuntimeError("the database went away")
                finally:
                    current_session.reset(token)
        assert await storage.get_state(key) == "ReportFlow:location"
        assert await SQLStorage(runtime.engine).get_state(key) == "ReportFlow:location"
    finally:
        await runtime.close()
