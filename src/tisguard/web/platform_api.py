"""The platform data exchange: push listings, pre-listing check, listing lookup, takedown feed.

Every route needs `Authorization: Bearer KEY`; a key sees and changes only its own platform's data.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from tisguard.detect.evidence import dumps
from tisguard.ingest.writer import content_hash, write_batch
from tisguard.services import notices as notice_svc
from tisguard.services.review import listing_detail
from tisguard.spec.listing import Listing, RecordError, validate_listing
from tisguard.store.assessments import save_assessments
from tisguard.store.dml import insert_ignore
from tisguard.store.tables import idempotency, listings
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


class NoticeAction(BaseModel):
    listing_id: str
    action: str = Field(description="removed | refused | seller_notified")
    reason: str | None = None


class NoticeActions(BaseModel):
    actions: list[NoticeAction] = Field(min_length=1)


class NoticePage(BaseModel):
    notices: list[dict[str, Any]]
    next_cursor: int | None


def _assessment_out(a) -> dict:
    d = a.as_dict()
    return {k: d[k] for k in ("verdict", "tis", "risk", "reasons", "fixes", "standard", "evidence", "engine_version")}


def _store_and_assess(request: Request, batch: list[Listing]) -> dict:
    app = request.app.state
    result = write_batch(app.db, batch)
    assessed = app.engine.assess_many(batch)
    save_assessments(app.db, [(result["pks"][l.key], l, content_hash(l), a) for l, a in zip(batch, assessed)])
    return {l.key: a for l, a in zip(batch, assessed)}


@router.post(
    "/listings", response_model=PushResponse, summary="Push a batch of listings; each is validated, stored and assessed"
)
def push_listings(
    body: PushRequest,
    request: Request,
    platform: str = Depends(platform_caller),
    idempotency_key: str | None = Header(default=None, max_length=200),
) -> dict:
    app = request.app.state
    if len(body.listings) > app.max_batch:
        raise HTTPException(
            413, detail={"field": "listings", "message": f"at most {app.max_batch} listings per request"}
        )
    req_hash = hashlib.sha256(
        json.dumps(body.listings, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()
    if idempotency_key:
        with app.db.connect() as conn:
            prior = conn.execute(
                select(idempotency).where(idempotency.c.platform == platform, idempotency.c.key == idempotency_key)
            ).first()
        if prior is not None:
            if prior.request_hash != req_hash:
                raise HTTPException(
                    409, detail={"field": "Idempotency-Key", "message": "key was used with a different request body"}
                )
            return prior.response
    results: list[dict] = []
    good: list[Listing] = []
    for i, raw in enumerate(body.listings):
        listing, errors = validate_listing(raw, i)
        lid = raw.get("listing_id") if isinstance(raw, dict) and isinstance(raw.get("listing_id"), str) else None
        if listing is not None and listing.platform != platform:
            errors = [RecordError(i, "platform", f"records must be of your platform ({platform})", listing.listing_id)]
            listing = None
        if errors:
            results.append(
                {
                    "listing_id": lid,
                    "status": "rejected",
                    "assessment": None,
                    "errors": [{"field": e.field, "message": e.reason} for e in errors],
                }
            )
        else:
            results.append({"listing_id": listing.listing_id, "status": "accepted", "assessment": None, "errors": []})
            good.append(listing)
    if good:
        by_key = _store_and_assess(request, good)
        for r in results:
            if r["status"] == "accepted":
                r["assessment"] = _assessment_out(by_key[(platform, r["listing_id"])])
    response = json.loads(dumps({"results": results}))
    if idempotency_key:
        with app.db.begin() as conn:
            insert_ignore(
                conn,
                idempotency,
                [
                    {
                        "platform": platform,
                        "key": idempotency_key,
                        "request_hash": req_hash,
                        "response": response,
                        "created_at": datetime.now(UTC),
                    }
                ],
                ["platform", "key"],
            )
    return response


@router.get("/listings/{listing_id}", summary="One of the caller's listings with its latest assessment")
def get_listing(listing_id: str, request: Request, platform: str = Depends(platform_caller)) -> dict:
    db = request.app.state.db
    with db.connect() as conn:
        pk = conn.execute(
            select(listings.c.id).where(listings.c.platform == platform, listings.c.listing_id == listing_id)
        ).scalar()
    if pk is None:
        raise HTTPException(404, detail={"field": "listing_id", "message": "no such listing of your platform"})
    d = listing_detail(db, pk)
    a = d["assessment"]
    return json.loads(
        dumps(
            {
                "platform": d["platform"],
                "listing_id": d["listing_id"],
                "title": d["title"],
                "url": d["url"],
                "price": d["price"],
                "captured_at": d["captured_at"],
                "assessment": None
                if a is None
                else {
                    k: a[k] for k in ("verdict", "tis", "risk", "reasons", "evidence", "engine_version", "created_at")
                },
            }
        )
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
) -> dict:
    return run_check(request, raw, platform, store)


def run_check(request: Request, raw: dict, platform: str | None, store: bool) -> dict:
    """Shared by the platform route and the public self-check page."""
    listing, errors = validate_listing(raw, 0)
    if errors:
        raise HTTPException(422, detail=[{"field": e.field, "message": e.reason} for e in errors])
    if store and platform and listing.platform != platform:
        raise HTTPException(
            422, detail=[{"field": "platform", "message": f"records must be of your platform ({platform})"}]
        )
    engine = request.app.state.engine
    a = _store_and_assess(request, [listing])[listing.key] if store else engine.assess(listing)
    lic = next((e.value.get("licence") for e in a.evidence if e.value.get("licence")), None)
    return {
        "verdict": a.verdict,
        "tis": a.tis,
        "risk": round(a.risk, 4),
        "reasons": a.reasons,
        "fixes": a.fixes,
        "standard": a.standard,
        "licence": lic,
        "stored": store,
    }


@router.get("/notices", response_model=NoticePage, summary="Takedown notices addressed to the caller, after a cursor")
def feed(
    request: Request,
    platform: str = Depends(platform_caller),
    cursor: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(50, ge=1, le=200),
) -> dict:
    items = notice_svc.list_notices(request.app.state.db, platform, after_id=cursor, limit=limit, include_drafts=False)
    return json.loads(dumps({"notices": items, "next_cursor": items[-1]["id"] if len(items) == limit else None}))


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
    return json.loads(dumps(n))
