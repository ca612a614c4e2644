"""The outbox's "store_photos" kind: a new report's photos are downloaded from Telegram
(getFile, then the file), re-encoded without metadata (citybot.services.photos) and kept for the
public site. Queued in the report's own transaction, so it runs once the report is saved and
never holds up the resident; a failure is retried by the outbox like any other call."""

from __future__ import annotations

import asyncio
import io
import logging

from aiogram import Bot
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.runtime import Runtime
from citybot.services import photos
from citybot.storage.models import OutboxMessage, ReportPhoto, utcnow

log = logging.getLogger("citybot.photos")


async def deliver_photos(bot: Bot, runtime: Runtime, session: AsyncSession,
                         message: OutboxMessage) -> int | None:
    report_id = message.payload["report_id"]
    query = select(ReportPhoto).where(ReportPhoto.report_id == report_id,
                                      col(ReportPhoto.stored_at).is_(None))
    waiting = list((await session.exec(query)).all())
    await session.commit()  # the database is not held while Telegram answers
    folder = runtime.config.web.photos_dir
    for photo in waiting:
        file = await bot.get_file(photo.file_id)
        buffer = io.BytesIO()
        await bot.download_file(file.file_path, destination=buffer)
        try:
            await asyncio.to_thread(photos.save, folder, report_id, photo.position,
                                    buffer.getvalue())
        except photos.NotAnImage as error:  # kept off the site; nothing to retry
            log.warning("photo not stored report_id=%s position=%s error=%s", report_id,
                        photo.position, error)
            continue
        photo.stored_at = utcnow()
        session.add(photo)
        await session.commit()
    return None
