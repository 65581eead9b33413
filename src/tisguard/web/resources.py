"""Resources that are both a page and JSON, served by ONE handler each (the Datasette idea): the queue
(`/queue` and `/api/v1/queue`) and a listing under review (`/listings/{pk}` and `/api/v1/review/{pk}`).
Parameters are declared and validated once, so the page and the API cannot disagree about what is valid
(a bad `verdict` is a 422 on both). The answer is JSON on the /api/ path or when asked for with
`Accept: application/json`, else the page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from tisguard.catalogue.licence_stats import licence_stats
from tisguard.services import decisions as dec_svc
from tisguard.services.review import QueueFilter, highlight_spans, listing_detail, queue
from tisguard.web.jsonresponse import OrjsonResponse
from tisguard.web.render import render
from tisguard.web.security import MAX_ID, current_user

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["officer"])


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


def queue_filter(
    platform: Annotated[str | None, Query(max_length=100)] = None,
    tis: Annotated[str | None, Query(max_length=100)] = None,
    verdict: Annotated[str | None, Query(pattern="^(unverified|non_compliant)?$")] = None,
    country: Annotated[str | None, Query(pattern=r"^([A-Z]{2})?$")] = None,
    since: Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 25,
    after: Annotated[str | None, Query(max_length=60, description="the previous page's `next_after`")] = None,
) -> QueueFilter:
    """The queue's filters; an empty form field means 'any'."""
    return QueueFilter(
        platform or None, tis or None, verdict or None, country or None, since or None, page, per_page, after or None
    )


@pages.get("/queue")
@api.get("/queue", summary="The review queue (signed-in officers)")
def queue_resource(request: Request, user: dict = Depends(current_user), f: QueueFilter = Depends(queue_filter)):
    q = queue(request.app.state.db, f)
    if wants_json(request):
        return OrjsonResponse(q)
    return render(request, "queue.html", q=q, f=f)


@pages.get("/listings/{pk}")
@api.get("/review/{pk}", summary="A listing with its evidence, assessment, registry record and history")
def listing_resource(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request, user: dict = Depends(current_user)):
    db = request.app.state.db
    d = listing_detail(db, pk)
    if d is None:
        raise HTTPException(404, detail={"field": "pk", "message": "no such listing"})
    if wants_json(request):
        return OrjsonResponse(d)
    ev = d["assessment"]["evidence"] if d["assessment"] else []
    return render(
        request,
        "listing.html",
        d=d,
        title_runs=highlight_spans(d["title"], ev, "title"),
        desc_runs=highlight_spans(d["description"], ev, "description"),
        legal_bases=dec_svc.LEGAL_BASES,
        dismiss_reasons=dec_svc.DISMISS_REASONS,
        evidence_pkg=dec_svc.latest_evidence(db, pk),
        licence_counts=licence_stats(request.app.state.settings.data_dir),
    )
