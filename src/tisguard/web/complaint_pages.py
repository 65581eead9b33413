"""Complaints that are tracked: the sender's private status page (`/complaint/status/{token}`, JSON when asked),
the officers' triage page of one complaint (link it to a listing, merge a duplicate, record the outcome) and the
export 1212 OCC referrals take. The routes parse, call services/complaint_tracking.py and render."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, StreamingResponse

from tisguard.services import complaint_tracking as svc
from tisguard.services.complaint_outcomes import OUTCOMES
from tisguard.services.csv_export import csv_lines
from tisguard.services.errors import FieldError
from tisguard.services.thai import BANGKOK
from tisguard.web.jsonresponse import OrjsonResponse
from tisguard.web.public_site import csrf_ok, over_limit
from tisguard.web.render import render
from tisguard.web.resources import wants_json
from tisguard.web.security import MAX_ID, current_user

router = APIRouter(include_in_schema=False)
_DATE = r"^\d{4}-\d{2}-\d{2}$"


@router.get("/complaint/status/{token}")
def complaint_status(token: Annotated[str, Path(max_length=100)], request: Request):
    """What happened to a complaint, for whoever holds its private link (never indexed: noindex, no-referrer)."""
    if limited := over_limit(request, "status", "complaint_status.html", s=None):
        return limited
    s = svc.status_by_token(request.app.state.db, token)
    if s is None:
        if wants_json(request):
            raise HTTPException(404, detail={"field": "token", "message": "no complaint has this link"})
        resp = render(request, "complaint_status.html", status_code=404, s=None)
    elif wants_json(request):
        resp = OrjsonResponse(s)
    else:
        resp = render(request, "complaint_status.html", s=s)
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@router.get("/complaints/export/occ.csv")
def export_occ(
    request: Request,
    user: dict = Depends(current_user),
    since: Annotated[str | None, Query(pattern=_DATE)] = None,
    until: Annotated[str | None, Query(pattern=_DATE)] = None,
    spam: bool = False,
):
    """Complaints received in a period (default: the last 30 days, Bangkok calendar) as 1212 OCC referral rows."""
    today = datetime.now(UTC).astimezone(BANGKOK).date()
    try:
        d_until = date.fromisoformat(until) if until else today
        d_since = date.fromisoformat(since) if since else d_until - timedelta(days=30)
    except ValueError:
        raise FieldError("since", "must be a calendar date, YYYY-MM-DD") from None
    header, rows = svc.export_occ(request.app.state.db, d_since, d_until, spam)
    name = f"tisguard-complaints-1212occ-{d_since.isoformat()}-{d_until.isoformat()}.csv"
    return StreamingResponse(
        csv_lines(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"},
    )


@router.get("/complaints/{pk}")
def complaint_detail(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)):
    d = svc.detail(request.app.state.db, pk)
    if d is None:
        raise HTTPException(404, detail={"field": "pk", "message": "no such complaint"})
    if wants_json(request):
        return OrjsonResponse(d)
    outcomes = [(o, svc.OUTCOME_TEXT.get(o, {})) for o in OUTCOMES if o != "duplicate"]
    return render(request, "complaint_detail.html", c=d, outcomes=outcomes)


def _act(request: Request, pk: int, fn) -> RedirectResponse:
    try:
        fn()
    except LookupError:
        raise HTTPException(404, detail={"field": "pk", "message": "no such complaint"}) from None
    return RedirectResponse(f"/complaints/{pk}", 303)


@router.post("/complaints/{pk}/link")
def complaint_link(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)],
    request: Request,
    user: dict = Depends(current_user),
    csrf: str = Form("", max_length=200),
    listing: str = Form(..., max_length=2_000),
):
    csrf_ok(request, user, csrf)
    return _act(request, pk, lambda: svc.link_listing(request.app.state.db, pk, listing, user["username"]))


@router.post("/complaints/{pk}/merge")
def complaint_merge(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)],
    request: Request,
    user: dict = Depends(current_user),
    csrf: str = Form("", max_length=200),
    into: str = Form(..., max_length=40),
):
    csrf_ok(request, user, csrf)
    return _act(request, pk, lambda: svc.merge(request.app.state.db, pk, into, user["username"]))


@router.post("/complaints/{pk}/decide")
def complaint_decide(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)],
    request: Request,
    user: dict = Depends(current_user),
    csrf: str = Form("", max_length=200),
    outcome: str = Form(..., max_length=40),
    note: str = Form("", max_length=svc.MAX_NOTE),
):
    csrf_ok(request, user, csrf)
    return _act(request, pk, lambda: svc.decide(request.app.state.db, pk, outcome, note, user["username"]))
