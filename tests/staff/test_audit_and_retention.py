"""The audit trail of officials' access to reports (`citybot audit`), and the retention job."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from citybot import jobs
from citybot.dialogs.callbacks import StaffAction
from citybot.storage.models import (
    AuditRecord,
    OutboxMessage,
    ProcessedUpdate,
    Report,
    ReportEvent,
    Resident,
    utcnow,
)
from citybot.testing import count_rows

from .conftest import card_of, card_recorded, file_report, press


async def audit(capsys, *args: str) -> list[str]:
    """`citybot audit ARGS` (in a thread: it runs its own event loop); its printed lines."""
    from citybot.cli import main

    capsys.readouterr()
    assert await asyncio.to_thread(main, ["audit", *args]) == 0
    return capsys.readouterr().out.splitlines()


async def test_every_staff_access_to_a_report_is_recorded(
        emulator, citybot, staff_group, official, ivan_official, sqlite_url, capsys,
        monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    anna = emulator.add_user("Zoltana", language_code="en", username="zz_private_handle")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    await card_recorded(citybot.runtime, number)
    await press(emulator, official, card, "🙋 Взять")
    emulator.send_text(ivan_official, f"/report {number}", chat=staff_group)
    await emulator.wait_for_message(staff_group, contains="История")
    emulator.send_text(official, "On our way", chat=staff_group, reply_to=card)
    await emulator.wait_for_message(anna, contains="On our way")
    emulator.click(ivan_official, card, StaffAction(action="resolve", report=number).pack())
    await emulator.wait_for_message(staff_group, predicate=lambda m: "force_reply" in
                                    (m.get("reply_markup") or {}))
    emulator.send_text(official, f"/hide {number}", chat=staff_group)
    for _ in range(200):
        if await count_rows(citybot.runtime, AuditRecord, AuditRecord.action == "hidden"):
            break
        await asyncio.sleep(0.025)
    async with citybot.runtime.sessions() as session:
        entries = (await session.exec(select(AuditRecord).order_by(AuditRecord.id))).all()
    assert [(e.official_id, e.action) for e in entries] == [
        (official.id, "status"), (ivan_official.id, "report_viewed"), (official.id, "reply"),
        (ivan_official.id, "button:resolve"), (official.id, "hidden")]

    lines = await audit(capsys, "--report", str(number))
    assert len(lines) == 5 and all(f"report=#{number}" in line for line in lines)
    assert f"official={official.id} action=status report=#{number} detail=new→acknowledged" \
        in lines[0]
    mine = await audit(capsys, "--official", str(ivan_official.id))
    assert [line.split(" action=")[1].split()[0] for line in mine] == [
        "report_viewed", "button:resolve"]
    printed = "\n".join(lines + mine)
    for resident_data in (str(anna.id), "Zoltana", "zz_private_handle", "Huge pothole",
                          "On our way"):
        assert resident_data not in printed


async def test_the_retention_job_removes_what_is_past_its_period(
        emulator, citybot, staff_group, official) -> None:
    """Relayed messages of a report closed 180 days ago, processed updates older than 2 days,
    a resident silent for 3 years (told a month before, then erased)."""
    runtime = citybot.runtime
    anna = emulator.add_user("Zoltana", language_code="ru")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    await card_recorded(citybot.runtime, number)
    emulator.send_text(official, "On our way", chat=staff_group, reply_to=card)
    await emulator.wait_for_message(anna, contains="On our way")
    now = utcnow()
    async with runtime.sessions() as session:
        report = await session.get(Report, number)
        report.status, report.closed_at = "resolved", now - timedelta(days=181)
        session.add(report)
        session.add(ProcessedUpdate(update_id=10**9, bot_id=1,
                                    processed_at=now - timedelta(days=3)))
        await session.commit()

    done = await jobs.apply_retention(runtime, now=now)
    assert done.relayed_messages == 1 and done.processed_updates >= 1
    assert done.residents_warned == 0 and done.residents_erased == 0
    assert await count_rows(runtime, ReportEvent, ReportEvent.kind == "staff_reply") == 0
    assert await count_rows(runtime, ReportEvent, ReportEvent.report_id == number) >= 1

    # three years of silence less a month: told once; a month later: erased
    async with runtime.sessions() as session:
        resident = (await session.exec(select(Resident))).one()
        resident.last_seen_at = now - timedelta(days=1095 - 30)
        session.add(resident)
        await session.commit()
    assert (await jobs.apply_retention(runtime, now=now + timedelta(minutes=1))) \
        .residents_warned == 1
    assert (await jobs.apply_retention(runtime, now=now + timedelta(minutes=2))) \
        .residents_warned == 0  # once
    notice = await emulator.wait_for_message(anna, contains="давно")
    assert "30" in notice["text"]
    later = now + timedelta(days=31)
    done = await jobs.apply_retention(runtime, now=later)
    assert done.residents_erased == 1
    assert await count_rows(runtime, Resident) == 0
    assert await count_rows(runtime, OutboxMessage, OutboxMessage.chat_id == anna.id) == 0
    async with runtime.sessions() as session:
        assert (await session.get(Report, number)).reporter_id is None


async def test_photo_files_leave_the_disk_once_their_rows_are_erased(citybot, tmp_path) -> None:
    """An erasure removes the photo rows of a report that is not public; its files follow once
    the erasure is committed — never before (a rolled-back erasure keeps them)."""
    from citybot.services import privacy
    from citybot.storage.models import ReportPhoto

    runtime = citybot.runtime
    runtime.config = runtime.config.model_copy(update={
        "web": runtime.config.web.model_copy(update={"photos_dir": tmp_path})})
    async with runtime.sessions() as session:
        resident = Resident(telegram_id=5, first_name="Ann", language="en")
        session.add(resident)
        await session.flush()
        reports = [Report(reporter_id=resident.id, category="roads", department="roads",
                          description="A pothole here") for _ in range(2)]
        session.add_all(reports)
        await session.flush()
        session.add(ReportPhoto(report_id=reports[0].id, position=0, file_id="kept"))
        await session.commit()
        numbers = [report.id for report in reports]
    for number in numbers:
        (tmp_path / str(number)).mkdir()
        (tmp_path / str(number) / "0.jpg").write_bytes(b"jpeg")
    (tmp_path / "notes").mkdir()  # not a report's folder: left alone

    assert await privacy.sweep_photos(runtime, [numbers[0]]) == 0  # its row stands
    done = await jobs.apply_retention(runtime)
    assert done.photo_folders == 1
    assert (tmp_path / str(numbers[0]) / "0.jpg").exists()
    assert not (tmp_path / str(numbers[1])).exists() and (tmp_path / "notes").exists()


async def test_a_copy_holds_proposals_supports_and_poll_answers(citybot) -> None:
    from citybot.services import privacy
    from citybot.storage.models import Poll, PollAnswer, Proposal, ProposalSupport

    runtime = citybot.runtime
    async with runtime.sessions() as session:
        ivan = Resident(telegram_id=77, first_name="Иван", language="ru")
        other = Resident(telegram_id=78, first_name="Olga", language="en")
        session.add_all([ivan, other])
        await session.flush()
        mine = Proposal(key="k1", author_id=ivan.id, title="Велодорожка",
                        description="Вдоль реки от моста до парка", district="central")
        theirs = Proposal(key="k2", author_id=other.id, title="Benches",
                          description="Benches along Sadovaya", district="central")
        poll = Poll(key="p1", question={"en": "Parks or roads?", "ru": "Парки или дороги?"},
                    options=[{"en": "Parks", "ru": "Парки"}, {"en": "Roads", "ru": "Дороги"}],
                    closes_at=utcnow() + timedelta(days=1))
        session.add_all([mine, theirs, poll])
        await session.flush()
        session.add(ProposalSupport(proposal_id=theirs.id, resident_id=ivan.id))
        session.add(PollAnswer(poll_id=poll.id, user_id=77, option_ids=[1], update_id=1))
        await session.commit()
        copy = await privacy.copy_of(session=session, runtime=runtime, resident=ivan)
    assert [p["title"] for p in copy["proposals"]] == ["Велодорожка"]
    assert [s["proposal"] for s in copy["supports"]] == [f"idea_{theirs.id}"]
    assert copy["poll_answers"] == [{"poll": poll.id, "question": "Парки или дороги?",
                                     "answers": ["Дороги"]}]
    text = privacy.as_text(copy, runtime.translator("ru")).decode()
    assert "Велодорожка" in text and "Парки или дороги? — Дороги" in text
    assert "Benches" not in text  # another resident's proposal is theirs, not in this copy
