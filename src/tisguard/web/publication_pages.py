"""Supervisors approve what the public list shows (`/publication`): confirmed listings waiting, what is on the
list now, and what left it. Approving and withdrawing need the supervisor role and a CSRF token; both are
audited and written to the change feed (services/publication.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response

from tisguard.services import publication as svc
from tisguard.services.buyer_check import signal_groups
from tisguard.services.errors import FieldError
from tisguard.web.public_site import csrf_ok
from tisguard.web.render import render
from tisguard.web.security import MAX_ID, require

router = APIRouter(include_in_schema=False)


def _form_id(value) -> int:
    v = str(value or "")
    if not v.isdigit() or not 0 < int(v) <= MAX_ID:
        raise FieldError("listing_pk", "must be a listing number")
    return int(v)


def _form_date(value) -> date | None:
    v = str(value or "").strip()
    if not v:
        return None
    try:
        return date.fromisoformat(v[:10])
    except ValueError:
        raise FieldError("takedown_on", "must be a date, YYYY-MM-DD") from None


@router.get("/publication")
def publication_page(request: Request, user: dict = Depends(require("supervisor"))):
    db = request.app.state.db  # a GET changes nothing: `tisguard public refresh` expires due entries
    return render(
        request,
        "publication.html",
        candidates=svc.candidates(db, signal_groups(request.app.state.engine)),
        live=svc.list_for_supervisor(db, "published"),
        ended=svc.list_for_supervisor(db, "withdrawn", 50) + svc.list_for_supervisor(db, "expired", 50),
    )


@router.post("/publication/approve")
def approve(
    request: Request,
    user: dict = Depends(require("supervisor")),
    csrf: str = Form("", max_length=200),
    listing_pk: str = Form(..., max_length=20),
    product: str = Form("", max_length=svc.MAX_PRODUCT),
    note: str = Form("", max_length=svc.MAX_NOTE),
    takedown_on: str = Form("", max_length=10),
    include_photo: str = Form("", max_length=1),
):
    """Publish a confirmed listing (plain def: the photo is decoded and re-encoded here)."""
    csrf_ok(request, user, csrf)
    try:
        pk = svc.approve(
            request.app.state.db,
            request.app.state.settings.image_cache_dir,
            signal_groups(request.app.state.engine),
            _form_id(listing_pk),
            user["username"],
            product=product,
            note=note,
            takedown_on=_form_date(takedown_on),
            include_photo=include_photo == "1",
        )
    except LookupError:
        raise HTTPException(404, detail={"field": "listing_pk", "message": "no such listing"}) from None
    return RedirectResponse(f"/public/violations/{pk}", 303)


@router.post("/publication/{pk}/withdraw")
def withdraw(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)],
    request: Request,
    user: dict = Depends(require("supervisor")),
    csrf: str = Form("", max_length=200),
    reason: str = Form("", max_length=svc.MAX_NOTE),
):
    csrf_ok(request, user, csrf)
    try:
        svc.withdraw(request.app.state.db, pk, user["username"], reason)
    except LookupError:
        raise HTTPException(404, detail={"field": "pk", "message": "no such entry"}) from None
    return RedirectResponse("/publication", 303)


@router.get("/publication/candidates/{listing_pk}/photo.jpg")
def candidate_photo(
    listing_pk: Annotated[int, Path(ge=1, le=MAX_ID)],
    request: Request,
    user: dict = Depends(require("supervisor")),
):
    """The photo approval would publish, for the supervisor to look at first."""
    data = svc.candidate_photo(request.app.state.db, request.app.state.settings.image_cache_dir, listing_pk)
    if data is None:
        raise HTTPException(404, detail={"field": "listing_pk", "message": "no kept photo for this listing"})
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})
