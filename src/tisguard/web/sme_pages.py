"""The SME self-check page (`/sme`): one handler for the page and JSON (Accept: application/json); the work is
services/sme.py. A plain def: the engine's assessment is CPU work."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request

from tisguard.services import sme as svc
from tisguard.services.errors import FieldError
from tisguard.web.jsonresponse import OrjsonResponse
from tisguard.web.public_site import field_errors, over_limit, reference
from tisguard.web.render import render
from tisguard.web.resources import wants_json

router = APIRouter(include_in_schema=False)


@router.get("/sme")
def sme_form(request: Request):
    return render(request, "sme.html", form={"origin": "import"}, origins=svc.ORIGINS, elicence_url=svc.ELICENCE_URL)


@router.post("/sme")
def sme_submit(
    request: Request,
    product: str = Form("", max_length=svc.LIMITS["product"]),
    listing: str = Form("", max_length=svc.LIMITS["listing"]),
    brand: str = Form("", max_length=svc.LIMITS["brand"]),
    origin: str = Form("import", max_length=20),
    licence: str = Form("", max_length=svc.LIMITS["licence"]),
):
    form = {"product": product, "listing": listing, "brand": brand, "origin": origin, "licence": licence}
    ctx = {"form": form, "origins": svc.ORIGINS, "elicence_url": svc.ELICENCE_URL}
    if limited := over_limit(request, "sme", "sme.html", **ctx):
        return limited
    _, catalogue, stats = reference(request)
    state = request.app.state
    try:
        answer = svc.self_check(state.db, state.engine, catalogue, product, listing, brand, origin, licence, stats)
    except FieldError as e:
        if wants_json(request):
            raise
        return render(request, "sme.html", status_code=422, errors=field_errors(e), **ctx)
    if wants_json(request):
        return OrjsonResponse(answer)
    return render(request, "sme.html", answer=answer, **ctx)
