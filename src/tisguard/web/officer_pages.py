"""Officer pages (server-rendered HTML): sign-in, queue, listing, decisions, notices, cases, dashboard."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response

from tisguard.detect.evidence import dumps
from tisguard.services import calendar
from tisguard.services import cases as case_svc
from tisguard.services import decisions as dec_svc
from tisguard.services import notices as notice_svc
from tisguard.services.dashboard import stats
from tisguard.services.evidence_package import TamperedEvidence, read_verified
from tisguard.services.notice_pdf import notice_pdf
from tisguard.web import signin
from tisguard.web.render import render
from tisguard.web.security import MAX_ID, NotSignedIn, check_csrf, current_user, require

router = APIRouter(include_in_schema=False)


def form_id(value) -> int | None:
    """A positive id from a form field, or None (never an integer the database cannot hold)."""
    v = str(value or "")
    return int(v) if v.isdigit() and 0 < int(v) <= MAX_ID else None


def found(obj, what: str):
    """The object, or a 404 that names what was not found."""
    if obj is None:
        raise HTTPException(404, detail={"field": "pk", "message": f"no such {what}"})
    return obj


@router.get("/")
def home(request: Request):
    try:
        current_user(request)
    except NotSignedIn:
        return render(request, "login.html")
    return RedirectResponse("/queue", 303)


@router.post("/login")
def login(request: Request, username: str = Form(..., max_length=200), password: str = Form(..., max_length=1024)):
    return signin.sign_in(request, username, password)  # throttled, audited, server-side session


@router.post("/logout")
def logout(request: Request):
    return signin.sign_out(request)


@router.post("/listings/{pk}/decision")
async def decide_page(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)):
    await check_csrf(request, user)
    form = await request.form()
    try:
        dec_svc.decide(
            request.app.state.db,
            request.app.state.settings,
            pk,
            str(form.get("decision")),
            user["username"],
            form.get("legal_basis") or None,
            form.get("reason") or None,
        )
    except LookupError:
        raise HTTPException(404, detail={"field": "pk", "message": "no such listing"})
    return RedirectResponse(f"/listings/{pk}", 303)


@router.get("/listings/{pk}/evidence.zip")
def evidence_zip(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)):
    pkg = dec_svc.latest_evidence(request.app.state.db, pk)
    if pkg is None:
        raise HTTPException(404, detail={"field": "pk", "message": "no evidence package for this listing"})
    try:
        data = read_verified(FilePath(pkg.path), pkg.sha256)
    except TamperedEvidence as e:
        raise HTTPException(409, detail={"field": "evidence", "message": str(e)})
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="evidence-{pk}-{pkg.sha256[:12]}.zip"',
            "X-Evidence-SHA256": pkg.sha256,
        },
    )


@router.get("/notices")
def notices_page(request: Request, user: dict = Depends(current_user)):
    db = request.app.state.db  # a GET changes nothing: overdue marking is the `tisguard notices mark-overdue` job
    pending = notice_svc.confirmed_without_notice(db)
    by_platform: dict[str, list] = {}
    for p in pending:
        by_platform.setdefault(p["platform"], []).append(p)
    return render(
        request,
        "notices.html",
        notices=notice_svc.list_notices(db),
        pending=by_platform,
        legal_bases=dec_svc.LEGAL_BASES,
    )


@router.post("/notices")
async def create_notice_page(request: Request, user: dict = Depends(current_user)):
    await check_csrf(request, user)
    form = await request.form()
    platform = str(form.get("platform") or "")
    ids = [i for i in map(form_id, form.getlist("listing")) if i]
    if not ids:
        ids = [p["id"] for p in notice_svc.confirmed_without_notice(request.app.state.db, platform)]
    pk = notice_svc.create_notice(
        request.app.state.db, platform, ids, user["username"], form.get("legal_basis") or None
    )
    return RedirectResponse(f"/notices/{pk}", 303)


@router.get("/notices/{pk}")
def notice_page(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)):
    n = found(notice_svc.get_notice(request.app.state.db, pk), "notice")
    due = n["deadline"] or calendar.deadline_db(
        request.app.state.db, datetime.now(UTC), notice_svc.DEADLINE_BUSINESS_DAYS
    )
    return render(request, "notice.html", n=n, legal_bases=dec_svc.LEGAL_BASES, due=due)


@router.post("/notices/{pk}/send")
async def send_notice_page(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(require("supervisor"))
):
    await check_csrf(request, user)
    try:
        notice_svc.send_notice(request.app.state.db, pk, user["username"])  # queues the platform's webhook
    except notice_svc.NoticeError as e:
        raise HTTPException(409, detail={"field": e.field, "message": str(e)})
    request.app.state.outbox.nudge()
    return RedirectResponse(f"/notices/{pk}", 303)


@router.post("/notices/{pk}/reopen")
async def reopen_notice_page(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(require("supervisor"))
):
    await check_csrf(request, user)
    form = await request.form()
    try:
        notice_svc.reopen_notice(request.app.state.db, pk, user["username"], str(form.get("reason") or "")[:500])
    except LookupError:
        raise HTTPException(404, detail={"field": "pk", "message": "no such notice"})
    except notice_svc.NoticeError as e:
        raise HTTPException(409, detail={"field": e.field, "message": str(e)})
    request.app.state.outbox.nudge()
    return RedirectResponse(f"/notices/{pk}", 303)


@router.get("/notices/{pk}/notice.pdf")
def notice_pdf_page(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)):
    n = found(notice_svc.get_notice(request.app.state.db, pk), "notice")
    return Response(
        notice_pdf(n, request.app.state.db),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="notice-{pk}.pdf"'},
    )


@router.get("/cases")
def cases_page(request: Request, user: dict = Depends(current_user)):
    return render(request, "cases.html", cases=case_svc.list_cases(request.app.state.db))


@router.post("/cases")
async def create_case_page(request: Request, user: dict = Depends(current_user)):
    await check_csrf(request, user)
    form = await request.form()
    pk = case_svc.create_case(request.app.state.db, str(form.get("title") or ""), user["username"])
    if form_id(form.get("listing")):
        case_svc.add_to_case(request.app.state.db, pk, user["username"], listing_pk=form_id(form.get("listing")))
    return RedirectResponse(f"/cases/{pk}", 303)


@router.get("/cases/{pk}")
def case_page(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)):
    c = found(case_svc.get_case(request.app.state.db, pk), "case")
    return render(request, "case.html", c=c, statuses=case_svc.STATUSES)


@router.post("/cases/{pk}")
async def update_case_page(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)
):
    await check_csrf(request, user)
    form = await request.form()
    try:
        if form_id(form.get("listing")):
            case_svc.add_to_case(request.app.state.db, pk, user["username"], listing_pk=form_id(form.get("listing")))
        case_svc.update_case(
            request.app.state.db,
            pk,
            user["username"],
            form.get("status") or None,
            form.get("assignee") or None,
            form.get("note") or None,
        )
    except LookupError:
        raise HTTPException(404, detail={"field": "pk", "message": "no such case"})
    return RedirectResponse(f"/cases/{pk}", 303)


@router.get("/dashboard")
def dashboard_page(request: Request, user: dict = Depends(current_user)):
    s = stats(request.app.state.db)
    return render(request, "dashboard.html", s=s, s_json=json.loads(dumps(s)))
