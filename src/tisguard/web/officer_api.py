"""The officer's data as JSON: the same services the pages use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BaseModel, Field

from tisguard.services import decisions as dec_svc
from tisguard.services import notices as notice_svc
from tisguard.services.dashboard import stats
from tisguard.web.jsonresponse import OrjsonResponse
from tisguard.web.security import MAX_ID, check_csrf, current_user, require

router = APIRouter(prefix="/api/v1", tags=["officer"])


def _json(obj) -> OrjsonResponse:
    return OrjsonResponse(obj)


class DecisionIn(BaseModel):
    decision: str = Field(description="confirm | dismiss | more_info")
    legal_basis: str | None = None
    reason: str | None = None


class NoticeIn(BaseModel):
    platform: str
    listing_ids: list[int] = Field(min_length=1, description="listing primary keys (as in /api/v1/queue items' id)")
    legal_basis: str | None = None


@router.post("/review/{pk}/decision", summary="Confirm, dismiss or ask for more information (X-CSRF-Token header)")
async def api_decide(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)], body: DecisionIn, request: Request, user: dict = Depends(current_user)
) -> dict:
    await check_csrf(request, user)
    try:
        return dec_svc.decide(
            request.app.state.db,
            request.app.state.settings,
            pk,
            body.decision,
            user["username"],
            body.legal_basis,
            body.reason,
        )
    except LookupError:
        raise HTTPException(404, detail={"field": "pk", "message": "no such listing"})


@router.get("/dashboard", summary="Dashboard figures")
def api_dashboard(request: Request, user: dict = Depends(current_user)) -> dict:
    return _json(stats(request.app.state.db))


@router.get("/officer/notices", summary="All notices (officers)")
def api_notices(request: Request, user: dict = Depends(current_user)) -> dict:
    return _json({"notices": notice_svc.list_notices(request.app.state.db)})


@router.post("/officer/notices", summary="Create a draft notice from confirmed listings of one platform")
async def api_create_notice(body: NoticeIn, request: Request, user: dict = Depends(require("officer"))) -> dict:
    await check_csrf(request, user)
    pk = notice_svc.create_notice(
        request.app.state.db, body.platform, body.listing_ids, user["username"], body.legal_basis
    )
    return _json(notice_svc.get_notice(request.app.state.db, pk))


@router.post("/officer/notices/{pk}/send", summary="Send a draft notice (supervisors); webhooks fire")
async def api_send_notice(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(require("supervisor"))
) -> dict:
    await check_csrf(request, user)
    try:
        n = notice_svc.send_notice(request.app.state.db, pk, user["username"])  # queues the platform's webhook
        request.app.state.outbox.nudge()
        return _json(n)
    except LookupError:
        raise HTTPException(404, detail={"field": "pk", "message": "no such notice"})
    except notice_svc.NoticeError as e:
        raise HTTPException(409, detail={"field": e.field, "message": str(e)})


class ReopenIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


@router.post("/officer/notices/{pk}/reopen", summary="Reopen a closed notice (supervisors; audited)")
async def api_reopen_notice(
    pk: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: ReopenIn,
    request: Request,
    user: dict = Depends(require("supervisor")),
):
    await check_csrf(request, user)
    try:
        n = notice_svc.reopen_notice(request.app.state.db, pk, user["username"], body.reason)
    except LookupError:
        raise HTTPException(404, detail={"field": "pk", "message": "no such notice"})
    except notice_svc.NoticeError as e:
        raise HTTPException(409, detail={"field": e.field, "message": str(e)})
    request.app.state.outbox.nudge()
    return _json(n)
