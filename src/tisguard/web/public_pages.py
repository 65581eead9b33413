"""Pages anyone can use: the buyer's check (`/check`) and the consumer's complaint (`/complaint`); and the
officers' complaint list.

The public forms are limited per client address (web/hardening.py) and every field is bounded; the routes only
parse, call the services and render. Photos a buyer uploads are written under the data folder with random
names, read by the engine through the safe loader (images/fetch.py: size, format and decompression-bomb
checks), and deleted when the answer is ready.
"""

from __future__ import annotations

import math
import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse

from tisguard.pipeline import runners
from tisguard.services import buyer_check
from tisguard.services import complaints as complaint_svc
from tisguard.services.errors import FieldError
from tisguard.services.verify import PHOTO_MAX_BYTES
from tisguard.spec.listing import http_url
from tisguard.web.hardening import client_key
from tisguard.web.public_site import base_url, reference
from tisguard.web.render import render
from tisguard.web.security import MAX_ID, check_csrf, current_user

router = APIRouter(include_in_schema=False)
CHECK_LIMITS = {"title": 2_000, "description": 20_000, "brand": 200, "licence": 200, "listing_url": 2_000}
MAX_PHOTOS = 3
UPLOAD_DIR = "public-uploads"


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


def _report_link(url: str, title: str, answer: dict | None) -> str:
    """The complaint form, filled in from this check: one click to report the listing."""
    std = (answer or {}).get("standard") or {}
    text = f"{title[:200]} — {std.get('label') or 'มอก.'}: ไม่พบใบอนุญาต มอก. ที่ถูกต้องในประกาศขาย".strip(" —")
    return "/complaint?" + urlencode({"listing_url": url, "text": text})


def _photos(photos: list[UploadFile] | None) -> list[bytes]:
    """The non-empty uploads, each at most PHOTO_MAX_BYTES, at most MAX_PHOTOS of them."""
    got = [p for p in photos or [] if p.filename]
    out = []
    for p in got:
        data = p.file.read(PHOTO_MAX_BYTES + 1)
        if len(data) > PHOTO_MAX_BYTES:
            raise FieldError("photos", f"each photo must be at most {PHOTO_MAX_BYTES // 2**20} MiB")
        if data:
            out.append(data)
    if len(out) > MAX_PHOTOS:
        raise FieldError("photos", f"at most {MAX_PHOTOS} photos")
    return out


def _image_source(request: Request):
    from tisguard.pipeline.build import ImageSource

    s = request.app.state.settings
    root = s.data_dir / UPLOAD_DIR
    root.mkdir(parents=True, exist_ok=True)
    return ImageSource(root, None, s.tessdata, s.ocr_threads)


def _check_text(request: Request, raw: dict, photos: list[bytes]) -> dict:
    """The engine's answer for pasted text (and photos, read under the check's time budget)."""
    from tisguard.pipeline import image_jobs

    state = request.app.state
    if not photos:
        return runners.check_answer(state.db, state.engine, raw, None, False)
    source = _image_source(request)
    names = []
    try:
        for data in photos:
            name = secrets.token_hex(16) + ".img"
            (source.root / name).write_bytes(data)
            names.append(name)
        raw = {**raw, "images": [{"path": n} for n in names]}
        text_engine = image_jobs.text_engine(state.engine)  # photos from the upload folder, whatever serve reads
        return runners.check_answer(state.db, text_engine, raw, None, False, images=True, image_source=source)
    finally:
        for n in names:
            (source.root / n).unlink(missing_ok=True)


@router.get("/check")
def check_form(request: Request, listing_url: Annotated[str, Query(max_length=CHECK_LIMITS["listing_url"])] = ""):
    return render(request, "check.html", form={"listing_url": listing_url})


@router.post("/check")
def check_submit(
    request: Request,
    listing_url: str = Form("", max_length=CHECK_LIMITS["listing_url"]),
    title: str = Form("", max_length=CHECK_LIMITS["title"]),
    description: str = Form("", max_length=CHECK_LIMITS["description"]),
    brand: str = Form("", max_length=CHECK_LIMITS["brand"]),
    licence: str = Form("", max_length=CHECK_LIMITS["licence"]),
    photos: list[UploadFile] | None = File(None),
):
    """The buyer's check: a stored listing by its address (the officers' assessment), else the pasted text
    and photos through the same engine; phrased for a buyer, with the report form one click away."""
    form = {"listing_url": listing_url, "title": title, "description": description, "brand": brand, "licence": licence}
    if limited := _over_limit(request, "check", "check.html", form=form):
        return limited
    url, title = listing_url.strip(), title.strip()
    try:
        if not url and not title:
            raise FieldError("title", "paste the listing's address, or copy its title")
        if url:
            try:
                http_url(url)
            except ValueError as e:
                raise FieldError("listing_url", str(e)) from None
        images = _photos(photos)
        _, catalogue, stats = reference(request)
        groups = buyer_check.signal_groups(request.app.state.engine)
        answer = buyer_check.answer_for_url(request.app.state.db, url, groups, catalogue, stats) if url else None
        if answer is None and title:
            raw = {
                "platform": "other",
                "listing_id": "self-check",
                "title": title,
                "description": f"{description}\n{licence}".strip(),
                "brand": brand or None,
                "seller": {"id": "self-check"},
            }
            try:
                result = _check_text(request, raw, images)
            except runners.CheckRefused as e:
                err = e.errors[0]
                raise FieldError(err.field, err.reason) from None
            answer = buyer_check.answer_for_check(result, groups, catalogue, stats)
    except FieldError as e:
        return render(request, "check.html", status_code=422, errors=[{"field": e.field, "message": str(e)}], form=form)
    report = _report_link(url, title or (answer or {}).get("title") or "", answer)
    return render(request, "check.html", answer=answer, unknown_url=answer is None, report=report, form=form)


@router.get("/complaint")
def complaint_form(
    request: Request,
    listing_url: Annotated[str, Query(max_length=complaint_svc.LIMITS["listing_url"])] = "",
    text: Annotated[str, Query(max_length=complaint_svc.LIMITS["text"])] = "",
):
    return render(request, "complaint.html", form={"listing_url": listing_url, "text": text, "contact": ""})


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
    status_url = f"{base_url(request)}/complaint/status/{done['token']}"
    resp = render(request, "complaint.html", submitted=done, status_url=status_url)
    resp.headers["Cache-Control"] = "private, no-store"  # the page holds the private status link
    return resp


@router.get("/complaints")
def complaints_page(
    request: Request,
    user: dict = Depends(current_user),
    q: str = Query("", max_length=complaint_svc.MAX_QUERY),
    page: int = Query(1, ge=1, le=100_000),
    spam: bool = False,
    overdue: bool = False,
):
    data = complaint_svc.list_complaints(request.app.state.db, q, page, spam, overdue=overdue)
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
