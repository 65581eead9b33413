"""Reports, exports, the holiday calendar and the deadlines that use it (issue 16).

- `/reports/monthly` (page) and `/api/v1/reports/monthly` (JSON): one handler; the figures of a month for
  supervisors; POST `/reports/monthly` hands out the PDF (recorded in report_runs and audited).
- `/exports/{what}.{csv|xlsx}`: the queue, decisions, notices, complaints and the dashboard series, with the
  same filters as their pages, streamed.
- `/admin/holidays` (page) and `/api/v1/holidays` (JSON): the business-day calendar; admins add and remove days.
- `/listings/{pk}/evidence.pdf`: the evidence summary (a complaint's outcome is recorded on the complaint's own page, web/complaint_pages.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from tisguard.services import calendar, exports
from tisguard.services import report as report_svc
from tisguard.services.review import QueueFilter
from tisguard.services.thai import BANGKOK
from tisguard.web.jsonresponse import OrjsonResponse
from tisguard.web.resources import queue_filter, wants_json
from tisguard.web.security import MAX_ID, check_csrf, current_user, require

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["reports"])
MONTH = r"^(\d{4}-\d{2})?$"


def _this_month() -> str:
    return datetime.now(UTC).astimezone(BANGKOK).strftime("%Y-%m")


def _render(request: Request, name: str, **ctx):
    from tisguard.web.render import render

    return render(request, name, **ctx)


@pages.get("/reports/monthly")
@api.get("/reports/monthly", summary="A month's report figures (supervisors)")
def monthly_resource(
    request: Request,
    user: dict = Depends(require("supervisor")),
    month: Annotated[str | None, Query(pattern=MONTH)] = None,
):
    m = month or _this_month()
    f = report_svc.monthly_figures(request.app.state.db, m)
    if wants_json(request):
        return OrjsonResponse(f)
    return _render(request, "report.html", f=f, month=m, outcomes=report_svc.OUTCOME_LABELS)


@pages.post("/reports/monthly")
async def monthly_pdf_download(request: Request, user: dict = Depends(require("supervisor"))):
    await check_csrf(request, user)
    form = await request.form()
    month = str(form.get("month") or _this_month())[:7]
    lang = "en" if form.get("lang") == "en" else "th"
    pdf, f = report_svc.monthly_pdf(request.app.state.db, month, lang, actor=user["username"])
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="tisguard-report-{f["month"]}-{lang}.pdf"'},
    )


def _download(e: exports.Export, fmt: str) -> StreamingResponse:
    stamp = datetime.now(UTC).astimezone(BANGKOK).strftime("%Y%m%d-%H%M")
    return StreamingResponse(
        exports.chunks(e, fmt),
        media_type=exports.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="tisguard-{e.name}-{stamp}.{fmt}"'},
    )


Fmt = Annotated[str, Path(pattern="^(csv|xlsx)$")]


@pages.get("/exports/queue.{fmt}")
def export_queue(
    fmt: Fmt, request: Request, user: dict = Depends(current_user), f: QueueFilter = Depends(queue_filter)
):
    return _download(exports.queue_export(request.app.state.db, f), fmt)


@pages.get("/exports/decisions.{fmt}")
def export_decisions(
    fmt: Fmt,
    request: Request,
    user: dict = Depends(current_user),
    since: Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = None,
    until: Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = None,
    decision: Annotated[str | None, Query(pattern="^(confirm|dismiss|more_info)?$")] = None,
    platform: Annotated[str | None, Query(max_length=100)] = None,
):
    e = exports.decisions_export(request.app.state.db, since or None, until or None, decision or None, platform or None)
    return _download(e, fmt)


@pages.get("/exports/notices.{fmt}")
def export_notices(
    fmt: Fmt,
    request: Request,
    user: dict = Depends(current_user),
    platform: Annotated[str | None, Query(max_length=100)] = None,
    state: Annotated[str | None, Query(max_length=20)] = None,
):
    return _download(exports.notices_export(request.app.state.db, platform or None, state or None), fmt)


@pages.get("/exports/complaints.{fmt}")
def export_complaints(
    fmt: Fmt,
    request: Request,
    user: dict = Depends(current_user),
    q: Annotated[str | None, Query(max_length=200)] = None,
    spam: bool = False,
):
    return _download(exports.complaints_export(request.app.state.db, q, spam), fmt)


@pages.get("/exports/dashboard.{fmt}")
def export_dashboard(
    fmt: Fmt,
    request: Request,
    user: dict = Depends(current_user),
    month: Annotated[str | None, Query(pattern=MONTH)] = None,
):
    return _download(exports.dashboard_export(request.app.state.db, month or None), fmt)


@pages.get("/admin/holidays")
@api.get("/holidays", summary="The business-day calendar: public holidays with their sources")
def holidays_resource(
    request: Request,
    user: dict = Depends(current_user),
    year: Annotated[int | None, Query(ge=2000, le=2200)] = None,
):
    rows = calendar.list_holidays(request.app.state.db, year)
    if wants_json(request):
        return OrjsonResponse({"year": year, "holidays": rows})
    if user["role"] != "admin":
        raise HTTPException(403, detail={"field": "role", "message": "needs the admin role"})
    return _render(request, "holidays.html", holidays=rows, year=year, kinds=calendar.KINDS)


@pages.post("/admin/holidays")
async def holiday_put(request: Request, user: dict = Depends(require("admin"))):
    await check_csrf(request, user)
    form = await request.form()
    h = calendar.holiday_row(
        form.get("day"), form.get("name_th"), form.get("name_en"), form.get("kind"), form.get("source"), "form"
    )
    calendar.put_holiday(request.app.state.db, h, user["username"])
    return RedirectResponse(f"/admin/holidays?year={h.day.year}", 303)


@pages.post("/admin/holidays/{day}/delete")
async def holiday_remove(
    day: Annotated[str, Path(pattern=r"^\d{4}-\d{2}-\d{2}$")], request: Request, user: dict = Depends(require("admin"))
):
    await check_csrf(request, user)
    try:
        d = date.fromisoformat(day)
        calendar.remove_holiday(request.app.state.db, d, user["username"])
    except (ValueError, LookupError):
        raise HTTPException(404, detail={"field": "day", "message": "no such holiday"})
    return RedirectResponse(f"/admin/holidays?year={d.year}", 303)


@pages.get("/listings/{pk}/evidence.pdf")
def evidence_pdf(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)):
    """The evidence summary PDF of the listing's latest frozen package (made from the package, hash checked)."""
    from tisguard.services.decisions import latest_evidence
    from tisguard.services.evidence_package import TamperedEvidence
    from tisguard.services.evidence_summary import evidence_summary_pdf

    pkg = latest_evidence(request.app.state.db, pk)
    if pkg is None:
        raise HTTPException(404, detail={"field": "pk", "message": "no evidence package for this listing"})
    try:
        pdf = evidence_summary_pdf(FilePath(pkg.path), pkg.sha256, pk)
    except TamperedEvidence as e:
        raise HTTPException(409, detail={"field": "evidence", "message": str(e)})
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="evidence-{pk}-{pkg.sha256[:12]}.pdf"',
            "X-Evidence-SHA256": pkg.sha256,
        },
    )


routers = (api, pages)
