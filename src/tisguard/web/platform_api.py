"""The platform data exchange: push listings, pre-listing check, listing lookup, takedown feed.

Every route needs `Authorization: Bearer KEY`; a key sees and changes only its own platform's data.
"""

from __future__ import annotations

import asyncio
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Annotated, Any

import anyio
import orjson
from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from tisguard.pipeline import follow_up_queue, runners
from tisguard.services import idempotency as idem
from tisguard.services import notices as notice_svc
from tisguard.services.review import listing_detail
from tisguard.store.tables import listings
from tisguard.web.jsonresponse import OPTIONS, OrjsonResponse
from tisguard.web.security import MAX_ID, platform_caller

router = APIRouter(prefix="/api/v1", tags=["platform"])


class FieldError(BaseModel):
    field: str
    message: str


class AssessmentOut(BaseModel):
    verdict: str
    tis: str | None
    risk: float
    reasons: list[dict[str, str]]
    fixes: list[dict[str, str]] = []
    standard: dict[str, Any] | None = None
    evidence: list[dict[str, Any]] = []
    engine_version: str | None = None


class PushResult(BaseModel):
    listing_id: str | None
    status: str = Field(description="accepted | rejected")
    assessment: AssessmentOut | None
    errors: list[FieldError]


class PushRequest(BaseModel):
    listings: list[Any] = Field(description="listing-v1 records of the caller's platform (each validated on its own)")


class PushResponse(BaseModel):
    results: list[PushResult]


class CheckResponse(BaseModel):
    verdict: str
    tis: str | None
    risk: float
    reasons: list[dict[str, str]]
    fixes: list[dict[str, str]]
    standard: dict[str, Any] | None = None
    licence: dict[str, Any] | None = None
    stored: bool = False
    images: dict[str, Any] | None = Field(
        None, description="with images=true: photos read, the budget, seconds, and whether the budget ran out"
    )


class NoticeAction(BaseModel):
    listing_id: str
    action: str = Field(description="removed | refused | seller_notified")
    reason: str | None = None


class NoticeActions(BaseModel):
    actions: list[NoticeAction] = Field(min_length=1)


class NoticePage(BaseModel):
    notices: list[dict[str, Any]]
    next_cursor: int | None


@router.post(
    "/listings", response_model=PushResponse, summary="Push a batch of listings; each is validated, stored and assessed"
)
async def push_listings(
    body: PushRequest,
    request: Request,
    platform: str = Depends(platform_caller),
    idempotency_key: str | None = Header(default=None, max_length=200),
):
    """Async, so a waiting push holds no thread: the batch is assessed in a push worker process when the app
    has them (`serve --push-workers`), else in the thread pool, one push at a time; its investigation
    follow-ups run after the answer (pipeline.follow_up_queue)."""
    app = request.app.state
    if len(body.listings) > app.max_batch:
        raise HTTPException(
            413, detail={"field": "listings", "message": f"at most {app.max_batch} listings per request"}
        )
    if idempotency_key:
        state = await run_in_threadpool(
            idem.reserve, app.db, platform, idempotency_key, idem.request_hash(body.listings)
        )
        if state.conflict == "other_body":
            raise HTTPException(
                409, detail={"field": "Idempotency-Key", "message": "key was used with a different request body"}
            )
        if state.conflict == "in_progress":
            raise HTTPException(
                409,
                detail={"field": "Idempotency-Key", "message": "a request with this key is still running; retry"},
                headers={"Retry-After": "1"},
            )
        if state.replay is not None:
            return OrjsonResponse(state.replay)
    background = None
    try:
        if app.push_workers is not None:
            try:
                results = await asyncio.wrap_future(app.push_workers.push(platform, body.listings, idempotency_key))
            except BrokenProcessPool:
                raise HTTPException(
                    503, detail={"field": "listings", "message": "the push worker stopped; retry"}, headers=RETRY
                )
        else:
            results = await run_in_threadpool(_push_here, app, platform, body.listings, idempotency_key)
            background = BackgroundTask(_follow_up_here, app)
        response = {"results": results}
        if idempotency_key:
            response = orjson.loads(orjson.dumps(response, option=OPTIONS, default=str))
            await run_in_threadpool(idem.complete, app.db, platform, idempotency_key, response)
    except BaseException:
        if idempotency_key:
            await run_in_threadpool(idem.release, app.db, platform, idempotency_key)
        raise
    return OrjsonResponse(response, background=background)


RETRY = {"Retry-After": "1"}


def _push_here(app, platform: str, records: list, batch_id: str | None) -> list[dict]:
    with app.push_slots:  # pushes take turns, so pre-listing checks keep their share of the CPU
        return [o.as_dict() for o in runners.push_listings(app.db, app.engine, platform, records, batch_id)]


def _follow_up_here(app) -> None:
    with app.push_slots:
        follow_up_queue.drain(app.db, app.engine)


@router.get("/listings/{listing_id}", summary="One of the caller's listings with its latest assessment")
def get_listing(listing_id: str, request: Request, platform: str = Depends(platform_caller)):
    db = request.app.state.db
    with db.connect() as conn:
        pk = conn.execute(
            select(listings.c.id).where(listings.c.platform == platform, listings.c.listing_id == listing_id)
        ).scalar()
    if pk is None:
        raise HTTPException(404, detail={"field": "listing_id", "message": "no such listing of your platform"})
    d = listing_detail(db, pk)
    a = d["assessment"]
    return OrjsonResponse(
        {
            "platform": d["platform"],
            "listing_id": d["listing_id"],
            "title": d["title"],
            "url": d["url"],
            "price": d["price"],
            "captured_at": d["captured_at"],
            "assessment": None
            if a is None
            else {k: a[k] for k in ("verdict", "tis", "risk", "reasons", "evidence", "engine_version", "created_at")},
        }
    )


@router.post(
    "/check",
    response_model=CheckResponse,
    summary="Pre-listing check of one unpublished listing (stores nothing unless store=true)",
)
async def check(
    raw: dict[str, Any],
    request: Request,
    platform: str = Depends(platform_caller),
    store: bool = Query(False, description="also store the listing and its assessment"),
    images: bool = Query(False, description="also read the listing's photos (URLs), within image_budget_s"),
    image_budget_s: float = Query(5.0, gt=0, le=30, description="seconds the photos may take in all"),
):
    """The engine's CPU work runs in worker threads, never on the event loop, and on a few of them only
    (`TISGUARD_CHECK_THREADS`, default 2): dozens of checks in as many threads would take turns on one GIL,
    each waiting on the others, which is what makes the slowest checks slow."""
    app = request.app.state
    try:
        answer = await anyio.to_thread.run_sync(
            partial(_check_here, app, raw, platform, store, images, image_budget_s), limiter=app.check_threads
        )
    except runners.CheckRefused as e:
        raise HTTPException(422, detail=[{"field": x.field, "message": x.reason} for x in e.errors])
    return OrjsonResponse(answer)


def _check_here(app, raw: dict, platform: str, store: bool, images: bool, image_budget_s: float) -> dict:
    from tisguard.pipeline.build import ImageSource

    source = ImageSource.for_settings(app.settings, None) if images else None
    return runners.check_answer(
        app.db, app.engine, raw, platform, store, images=images, image_budget_s=image_budget_s, image_source=source
    )


@router.get("/notices", response_model=NoticePage, summary="Takedown notices addressed to the caller, after a cursor")
def feed(
    request: Request,
    platform: str = Depends(platform_caller),
    cursor: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(50, ge=1, le=200),
) -> dict:
    items = notice_svc.list_notices(request.app.state.db, platform, after_id=cursor, limit=limit, include_drafts=False)
    return OrjsonResponse({"notices": items, "next_cursor": items[-1]["id"] if len(items) == limit else None})


@router.post("/notices/{notice_id}/actions", summary="Report the action taken per listing of a notice")
def report_actions(
    notice_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: NoticeActions,
    request: Request,
    platform: str = Depends(platform_caller),
) -> dict:
    try:
        n = notice_svc.record_actions(
            request.app.state.db, notice_id, platform, [a.model_dump() for a in body.actions], f"platform:{platform}"
        )
    except LookupError:
        raise HTTPException(404, detail={"field": "notice_id", "message": "no such notice for your platform"})
    return OrjsonResponse(n)
