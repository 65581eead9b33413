"""Investigation pages (issue 13): seller networks (and a notice for a whole network), licences shown by
unrelated sellers (admin), a listing's near-duplicate group (one decision for the group), and what the
listing page shows beside the evidence (the relisting pair side by side, the network link, recalls).
`/api/v1/networks` answers what `tisguard networks --json` prints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import RedirectResponse

from tisguard.services import investigation as inv
from tisguard.services.errors import FieldError
from tisguard.web.jsonresponse import OrjsonResponse
from tisguard.web.render import render, templates
from tisguard.web.security import MAX_ID, check_csrf, current_user, require

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["officer"])
NetworkId = Annotated[str, Path(pattern=r"^net-[0-9a-f]{10}$")]


def listing_investigation(request: Request, d: dict) -> dict:
    """For listing.html: relisting pair, network id, duplicate group, recall matches."""
    state = request.app.state
    return inv.listing_investigation(state.db, inv.live_index(state), d)


templates.env.globals["listing_investigation"] = listing_investigation


@router.get("/investigation/networks")
def networks_page(request: Request, user: dict = Depends(current_user)):
    state = request.app.state
    return render(request, "investigation_networks.html", r=inv.networks_report(state.db, inv.live_index(state)))


@api.get("/networks", summary="Seller networks (as `tisguard networks --json`)")
def networks_api(request: Request, user: dict = Depends(current_user)):
    state = request.app.state
    return OrjsonResponse(inv.networks_report(state.db, inv.live_index(state)))


@router.get("/investigation/networks/{nid}")
def network_page(nid: NetworkId, request: Request, user: dict = Depends(current_user)):
    from tisguard.services.decisions import LEGAL_BASES

    state = request.app.state
    n = inv.network_page(state.db, inv.live_index(state), nid)
    if n is None:
        raise HTTPException(404, detail={"field": "nid", "message": "no such network"})
    return render(request, "investigation_network.html", n=n, legal_bases=LEGAL_BASES)


@router.post("/investigation/networks/{nid}/notices")
async def network_notices(nid: NetworkId, request: Request, user: dict = Depends(current_user)):
    """Draft a notice per platform with every confirmed listing of the network not in a notice yet."""
    await check_csrf(request, user)
    form = await request.form()
    state = request.app.state
    try:
        made = inv.draft_network_notices(
            state.db, inv.live_index(state), nid, user["username"], str(form.get("legal_basis") or "") or None
        )
    except LookupError:
        raise HTTPException(404, detail={"field": "nid", "message": "no such network"})
    except FieldError as e:
        raise HTTPException(409, detail={"field": e.field, "message": str(e)})
    return RedirectResponse(f"/notices/{next(iter(made.values()))}" if len(made) == 1 else "/notices", 303)


@router.get("/investigation/licences")
def licences_page(request: Request, user: dict = Depends(require("admin"))):
    state = request.app.state
    rows = inv.licences_report(inv.live_index(state), state.engine.ref.registry)
    return render(request, "investigation_licences.html", rows=rows)


@router.get("/investigation/listings/{pk}/group")
def group_page(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)):
    from tisguard.services.decisions import DISMISS_REASONS, LEGAL_BASES

    state = request.app.state
    g = inv.group_page(state.db, inv.live_index(state), pk)
    if g is None:
        raise HTTPException(404, detail={"field": "pk", "message": "no such listing"})
    return render(request, "investigation_group.html", g=g, legal_bases=LEGAL_BASES, dismiss_reasons=DISMISS_REASONS)


@router.post("/investigation/listings/{pk}/group/decision")
async def group_decision(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)
):
    """One decision for every member of the listing's near-duplicate group."""
    await check_csrf(request, user)
    form = await request.form()
    state = request.app.state
    try:
        inv.decide_group(
            state.db,
            state.settings,
            inv.live_index(state),
            pk,
            str(form.get("decision") or ""),
            user["username"],
            form.get("legal_basis") or None,
            form.get("reason") or None,
        )
    except LookupError:
        raise HTTPException(404, detail={"field": "pk", "message": "no such listing"})
    return RedirectResponse(f"/investigation/listings/{pk}/group", 303)


routers = (router, api)
