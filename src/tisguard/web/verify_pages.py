"""Verify a licence or a mark: the page `/verify` and `GET /api/v1/public/licences` are one handler (the
parameters are declared and validated once; JSON on the API path or when asked for). A photo of a QR code is
posted to `/verify` (multipart), read through the safe image loader, and answered the same way."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile

from tisguard.services import verify as svc
from tisguard.services.errors import FieldError
from tisguard.web.jsonresponse import OrjsonResponse
from tisguard.web.public_site import field_errors, over_limit, reference
from tisguard.web.render import render
from tisguard.web.resources import wants_json

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/public", tags=["public"])


@pages.get("/verify")
@api.get(
    "/licences",
    summary="Verify a TIS licence by number (any spelling), QR text or brand; public, rate-limited, no key",
)
def verify_resource(
    request: Request,
    number: Annotated[str | None, Query(max_length=svc.MAX_NUMBER, description="e.g. ท1234-5/2432")] = None,
    qr: Annotated[str | None, Query(max_length=svc.MAX_QR, description="the text or URL a QR code holds")] = None,
    brand: Annotated[str | None, Query(max_length=svc.MAX_BRAND)] = None,
):
    asked = {k: v for k, v in (("number", number), ("qr", qr), ("brand", brand)) if v and v.strip()}
    form = {"number": number or "", "qr": qr or "", "brand": brand or ""}
    if not asked:
        if wants_json(request):
            raise FieldError("number", "give one of number, qr or brand")
        return render(request, "verify.html", form=form)
    if len(asked) > 1:
        raise FieldError(sorted(asked)[1], "give only one of number, qr or brand")
    if limited := over_limit(request, "verify", "verify.html", form=form):
        return limited
    registry, catalogue, stats = reference(request)
    ((kind, value),) = asked.items()
    lookup = {"number": svc.by_number, "qr": svc.by_qr, "brand": svc.by_brand}[kind]
    try:
        answer = lookup(registry, catalogue, value, stats)
    except FieldError as e:
        if wants_json(request):
            raise
        return render(request, "verify.html", status_code=422, errors=field_errors(e), form=form)
    if wants_json(request):
        return OrjsonResponse(answer)
    return render(request, "verify.html", answer=answer, form=form)


@pages.post("/verify")
def verify_photo(request: Request, photo: UploadFile = File(...)):
    """A photo of the label's QR code: decoded, its host checked, its licence looked up."""
    form = {"number": "", "qr": "", "brand": ""}
    if limited := over_limit(request, "verify", "verify.html", form=form):
        return limited
    data = photo.file.read(svc.PHOTO_MAX_BYTES + 1)
    registry, catalogue, stats = reference(request)
    try:
        answer = svc.by_photo(registry, catalogue, data, stats)
    except FieldError as e:
        if wants_json(request):
            raise
        return render(request, "verify.html", status_code=422, errors=field_errors(e), form=form)
    if wants_json(request):
        return OrjsonResponse(answer)
    return render(request, "verify.html", answer=answer, form={**form, "qr": answer["query"]})
