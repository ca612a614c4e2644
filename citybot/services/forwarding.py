"""Reports of a department that has its own Open311 system (config: `departments[].open311`):
what is sent there, what is kept of its answer, and how its status changes come back as the
report's events — so residents and followers are told exactly as when an official presses a
button. No HTTP here: the delivery (citybot.outbox.forwarding) and the job (citybot.jobs) call the
client and hand its answers to these functions.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import Open311Endpoint
from citybot.runtime import Runtime
from citybot.services import notify, workflow
from citybot.storage.models import OPEN_STATUSES, Report, ReportStatus


def endpoint_of(runtime: Runtime, report: Report) -> Open311Endpoint | None:
    departments = {department.id: department for department in runtime.config.departments}
    department = departments.get(report.department)
    return department.open311 if department is not None else None


def request_params(report: Report, endpoint: Open311Endpoint) -> dict[str, str]:
    """The GeoReport v2 POST of a report: never the resident's name or contact."""
    params = {"api_key": endpoint.api_key, "service_code": endpoint.service_code(report.category),
              "description": f"#{report.id}: {report.description}"}
    if endpoint.jurisdiction_id:
        params["jurisdiction_id"] = endpoint.jurisdiction_id
    if report.latitude is not None and report.longitude is not None:
        params["lat"], params["long"] = repr(report.latitude), repr(report.longitude)
    if report.address:
        params["address_string"] = report.address
    if report.media_url:
        params["media_url"] = report.media_url
    return params


def already_forwarded(report: Report) -> bool:
    return report.external_id is not None or report.external_token is not None


async def forwarded(*, session: AsyncSession, runtime: Runtime, report: Report,
                    external_id: str | None, token: str | None) -> None:
    """Keep what the system answered; the card is re-drawn to show it."""
    report.external_id = external_id[:128] if external_id else None
    report.external_token = token[:128] if token else None
    report.external_status = "open"
    session.add(report)
    await notify.refresh_card(session=session, runtime=runtime, report=report)


async def not_forwarded(*, session: AsyncSession, runtime: Runtime, report: Report,
                        reason: str, final: bool) -> None:
    """One readable line in the card's thread: at the first failure, and when it is given up."""
    endpoint = endpoint_of(runtime, report)
    system = endpoint.name if endpoint else "Open311"
    texts = notify.staff_texts(runtime)
    key = "open311-thread-failed" if final else "open311-thread-error"
    await notify.post_to_thread(session=session, runtime=runtime, report=report,
                                text=texts(key, number=str(report.id), system=system,
                                           error=reason),
                                dedupe_key=f"open311-error:{report.id}:{key}")


async def open_forwarded(*, session: AsyncSession, department: str) -> list[Report]:
    """The department's open reports that its system knows (by id or, until then, token)."""
    query = select(Report).where(
        Report.department == department,
        col(Report.status).in_([status.value for status in OPEN_STATUSES]),
        or_(col(Report.external_id).is_not(None), col(Report.external_token).is_not(None)),
    ).order_by(col(Report.id))
    return list((await session.exec(query)).all())


async def apply_external(*, session: AsyncSession, runtime: Runtime, report: Report,
                         request: dict[str, Any]) -> bool:
    """The system's view of the request, as the report's event: `closed` resolves it (with the
    system's status_notes as the note residents read); `open` with notes takes a new report
    into work. True when something changed."""
    endpoint = endpoint_of(runtime, report)
    system = endpoint.name if endpoint else "Open311"
    status = str(request.get("status") or "").lower()
    notes = " ".join(str(request.get("status_notes") or "").split())[:workflow.MAX_NOTE - 40]
    if status not in ("open", "closed") or (status == report.external_status and not notes):
        return False
    report.external_status = status
    session.add(report)
    actor = workflow.Actor(kind="system", name=system)
    texts = notify.staff_texts(runtime)
    if status == "closed":
        note = texts("open311-external-note", system=system, note=notes) if notes else \
            texts("open311-external-closed", system=system)
        change = await workflow.move(session=session, report=report, action="resolve",
                                     actor=actor, note=note)
    elif notes and report.status in (ReportStatus.new, ReportStatus.acknowledged):
        change = await workflow.move(session=session, report=report, action="progress",
                                     actor=actor,
                                     note=texts("open311-external-note", system=system,
                                                note=notes))
    else:
        await session.flush()
        return False
    await notify.status_changed(session=session, runtime=runtime, change=change,
                                ask_reporter=True)  # as the card's buttons do
    return True
