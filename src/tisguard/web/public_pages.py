"""Pages anyone can use: the seller's self-check and the consumer's complaint; and the officers' complaint list.

The public forms are limited per client address (web/hardening.py) and every field is bounded; the routes only
parse, call the service and render.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse

from tisguard.pipeline import runners
from tisguard.services import complaints as complaint_svc
from tisguard.services.errors import FieldError
from tisguard.web.hardening import client_key
from tisguard.web.render import render
from tisguard.web.security import MAX_ID, check_csrf, current_user

router = APIRouter(include_in_schema=False)
CHECK_LIMITS = {"title": 2_000, "description": 20_000, "brand": 200, "licence": 200}


def _client(request: Request) -> str:
    return client_key(request.client.host if request.client else None)


def _over_limit(request: Request, limit: str, page: str, **ctx):
    """None when this client may submit the form now, else the page answered 429 with Retry-After."""
    wait = request.app.state.public_limits[limit].hit(_client(request))
    if wait <= 0:
        return None
    seconds = max(1, math.ceil(wait))
    resp = render(request, page, status_code=429, rate_limited=seconds, **ctx)
    resp.headers["Retry-After"] = str(seconds)
    return resp


@router.get("/check")
def check_form(request: Request):
    return render(request, "check.html")


@router.post("/check")
def check_submit(
    request: Request,
    title: str = Form(..., min_length=1, max_length=CHECK_LIMITS["title"]),
    description: str = Form("", max_length=CHECK_LIMITS["description"]),
    brand: str = Form("", max_length=CHECK_LIMITS["brand"]),
    licence: str = Form("", max_length=CHECK_LIMITS["licence"]),
):
    form = {"title": title, "description": description, "brand": brand, "licence": licence}
    if limited := _over_limit(request, "check", "check.html", form=form):
        return limited
    raw = {
        "platform": "other",
        "listing_id": "self-check",
        "title": title,
        "description": f"{description}\n{licence}".strip(),
        "brand": brand or None,
        "seller": {"id": "self-check"},
    }
    try:
        state = request.app.state
        result = runners.check_answer(state.db, state.engine, raw, None, False)
    except runners.CheckRefused as e:
        errors = [{"field": x.field, "message": x.reason} for x in e.errors]
        return render(request, "check.html", status_code=422, errors=errors, form=form)
    return render(request, "check.html", result=result, form=form)


@router.get("/complaint")
def complaint_form(request: Request):
    return render(request, "complaint.html")


@router.post("/complaint")
def complaint_submit(
    request: Request,
    listing_url: str = Form(..., max_length=complaint_svc.LIMITS["listing_url"]),
    text: str = Form(..., max_length=complaint_svc.LIMITS["text"]),
    contact: str = Form("", max_length=complaint_svc.LIMITS["contact"]),
):
    form = {"listing_url": listing_url, "text": text, "contact": contact}
    if limited := _over_limit(request, "complaint", "complaint.html", form=form):
        return limited
    sender = request.app.state.sessions.sign("complaint-sender", _client(request))
    try:
        done = complaint_svc.submit(request.app.state.db, listing_url, text, contact, sender)
    except FieldError as e:
        errors = [{"field": e.field, "message": str(e)}]
        return render(request, "complaint.html", status_code=422, errors=errors, form=form)
    return render(request, "complaint.html", submitted=done["id"])


@router.get("/complaints")
def complaints_page(
    request: Request,
    user: dict = Depends(current_user),
    q: str = Query("", max_length=complaint_svc.MAX_QUERY),
    page: int = Query(1, ge=1, le=100_000),
    spam: bool = False,
):
    data = complaint_svc.list_complaints(request.app.state.db, q, page, spam)
    return render(request, "complaints.html", c=data)


@router.post("/complaints/{pk}/spam")
async def complaint_spam(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)
):
    await check_csrf(request, user)
    form = await request.form()
    flag = str(form.get("spam", "1")) == "1"
    try:
        complaint_svc.set_spam(request.app.state.db, pk, flag, user["username"])
    except LookupError:
        raise HTTPException(404, detail={"field": "pk", "message": "no such complaint"}) from None
    return RedirectResponse("/complaints" + ("?spam=true" if not flag else ""), 303)
