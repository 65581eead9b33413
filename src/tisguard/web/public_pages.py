"""Pages anyone can use: the seller's self-check and the consumer's complaint."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from sqlalchemy import select

from tisguard.store.tables import complaints
from tisguard.web.platform_api import run_check
from tisguard.web.render import render
from tisguard.web.security import current_user

router = APIRouter(include_in_schema=False)


@router.get("/check")
def check_form(request: Request):
    return render(request, "check.html")


@router.post("/check")
def check_submit(
    request: Request,
    title: str = Form(..., min_length=1, max_length=2000),
    description: str = Form(""),
    brand: str = Form(""),
    licence: str = Form(""),
):
    raw = {
        "platform": "other",
        "listing_id": "self-check",
        "title": title,
        "description": f"{description}\n{licence}".strip(),
        "brand": brand or None,
        "seller": {"id": "self-check"},
    }
    try:
        result = run_check(request, raw, None, False)
    except HTTPException as e:
        return render(request, "check.html", status_code=422, errors=e.detail)
    return render(
        request,
        "check.html",
        result=result,
        form={"title": title, "description": description, "brand": brand, "licence": licence},
    )


@router.get("/complaint")
def complaint_form(request: Request):
    return render(request, "complaint.html")


@router.post("/complaint")
def complaint_submit(
    request: Request,
    listing_url: str = Form(..., min_length=8, max_length=2000),
    text: str = Form(..., min_length=3, max_length=5000),
    contact: str = Form("", max_length=300),
):
    if not listing_url.startswith(("http://", "https://")):
        return render(
            request,
            "complaint.html",
            status_code=422,
            errors=[{"field": "listing_url", "message": "must start with http(s)://"}],
        )
    with request.app.state.db.begin() as conn:
        pk = conn.execute(
            complaints.insert().values(
                listing_url=listing_url, text=text, contact=contact or None, status="new", created_at=datetime.now(UTC)
            )
        ).inserted_primary_key[0]
    return render(request, "complaint.html", submitted=pk)


@router.get("/complaints")
def complaints_page(request: Request, user: dict = Depends(current_user)):
    with request.app.state.db.connect() as conn:
        rows = conn.execute(select(complaints).order_by(complaints.c.id.desc()).limit(200)).all()
    return render(request, "complaints.html", rows=rows)
