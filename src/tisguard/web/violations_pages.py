"""The public list of non-standard products as a page and as open data, from ONE handler: `/public/violations`
(HTML; JSON when asked for with Accept), `.json`, `.csv` (every matching entry) and `.atom` (the newest
changes). The filters are declared once (`public_filter`), so every format accepts and refuses the same
values. One entry: `/public/violations/{n}` (+ `.json`), its photo, and the change feed
`/public/violations/changes.json?after=<seq>` that platforms and researchers poll."""

from __future__ import annotations

import re
from typing import Annotated
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response, StreamingResponse

from tisguard.services import public_list as svc
from tisguard.services.csv_export import csv_lines
from tisguard.web.jsonresponse import OrjsonResponse
from tisguard.web.public_site import base_url, over_limit, reference
from tisguard.web.render import render
from tisguard.web.resources import wants_json
from tisguard.web.security import MAX_ID

router = APIRouter(include_in_schema=False)
FORMATS = ("json", "csv", "atom")
CSV_COLUMNS = (
    "id",
    "product",
    "brand",
    "tis",
    "standard_th",
    "standard_en",
    "reason_th",
    "reason_en",
    "legal_basis",
    "platform",
    "confirmed_on",
    "outcome",
    "outcome_on",
    "published_on",
    "takedown_on",
    "photo_url",
    "entry_url",
)
ATOM_NS = "http://www.w3.org/2005/Atom"
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CACHE = "public, max-age=300"


def public_filter(
    tis: Annotated[str | None, Query(max_length=60)] = None,
    platform: Annotated[str | None, Query(max_length=40)] = None,
    month: Annotated[str | None, Query(max_length=7)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=svc.MAX_PER_PAGE)] = svc.PER_PAGE,
) -> svc.PublicFilter:
    """The list's filters; an empty form field means 'any'."""
    return svc.PublicFilter(tis or None, platform or None, month or None, page, per_page)


def _absolute(request: Request, entry: dict | None) -> dict | None:
    if entry is None:
        return None
    base = base_url(request)
    out = {**entry, "url": base + entry["path"]}
    if entry.get("photo"):
        out["photo"] = base + entry["photo"]
    return out


@router.get("/public/violations")
@router.get("/public/violations.{fmt}")
def violations_resource(request: Request, f: svc.PublicFilter = Depends(public_filter)):
    fmt = request.path_params.get("fmt") or ("json" if wants_json(request) else "html")
    if fmt not in (*FORMATS, "html"):
        raise HTTPException(404, detail={"field": "format", "message": f"formats: {', '.join(FORMATS)}"})
    if limited := over_limit(request, "data", None if fmt != "html" else "violations.html", d=None, f=f, facets={}):
        return limited
    db = request.app.state.db
    _, catalogue, stats = reference(request)
    if fmt == "csv":
        return _csv(request, f, catalogue, stats)
    if fmt == "atom":
        return _atom(request, f, catalogue, stats)
    d = svc.page(db, catalogue, f, stats=stats)
    if fmt == "json":
        d["items"] = [_absolute(request, e) for e in d["items"]]
        d["next"] = _page_link(request, f, f.page + 1) if f.page * f.per_page < d["total"] else None
        d["changes"] = base_url(request) + "/public/violations/changes.json"
        resp = OrjsonResponse(d)
    else:
        resp = render(request, "violations.html", d=d, f=f, facets=svc.facets(db), month_label=svc.month_label)
    resp.headers["Cache-Control"] = CACHE
    return resp


def _page_link(request: Request, f: svc.PublicFilter, page: int) -> str:
    from urllib.parse import urlencode

    q = {**f.query(), "page": page, "per_page": f.per_page}
    return f"{base_url(request)}/public/violations.json?{urlencode(q)}"


def _csv(request: Request, f: svc.PublicFilter, catalogue, stats):
    db = request.app.state.db

    def rows():
        for e in svc.export_rows(db, catalogue, f, stats=stats):
            e = _absolute(request, e)
            std = e["standard"] or {}
            yield [
                e["id"],
                e["product"],
                e["brand"],
                std.get("tis"),
                std.get("name_th"),
                std.get("name_en"),
                "; ".join(r["th"] for r in e["reasons"]),
                "; ".join(r["en"] for r in e["reasons"]),
                (e["legal_basis"] or {}).get("code"),
                e["platform"],
                e["confirmed_on"],
                e["outcome"]["code"],
                e["outcome"]["on"],
                e["published_on"],
                e["takedown_on"],
                e["photo"],
                e["url"],
            ]

    return StreamingResponse(
        csv_lines(list(CSV_COLUMNS), rows()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="tisguard-violations.csv"', "Cache-Control": CACHE},
    )


def _x(text) -> str:
    """Text XML 1.0 can carry (control characters dropped)."""
    return _XML_BAD.sub("", str(text or ""))


def _atom(request: Request, f: svc.PublicFilter, catalogue, stats) -> Response:
    base = base_url(request)
    host = request.url.hostname or "localhost"
    events = svc.latest_changes(request.app.state.db, catalogue, 50, stats=stats, f=f)
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "th"})

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = _x(text)
        return el

    sub(feed, "title", "สินค้าไม่ได้มาตรฐาน มอก. ที่ขายออนไลน์ / Non-standard products sold online (TIS)")
    sub(feed, "id", f"tag:{host},2026:tisguard:violations")
    sub(feed, "updated", events[0]["at"] if events else "2026-01-01T00:00:00+00:00")
    sub(feed, "link", rel="self", href=f"{base}/public/violations.atom")
    sub(feed, "link", rel="alternate", href=f"{base}/public/violations")
    author = sub(feed, "author")
    sub(author, "name", "สมอ. / TISI (tisguard)")
    for ev in events:
        entry = sub(feed, "entry")
        sub(entry, "id", f"tag:{host},2026:tisguard:violations:event:{ev['seq']}")
        content = ev["entry"]
        what = content["product"] if content else f"#{ev['entry_id']}"
        sub(entry, "title", f"{ev['event_th']} / {ev['event_en']}: {what}")
        sub(entry, "updated", ev["at"])
        sub(entry, "link", href=base + ev["entry_path"])
        sub(entry, "category", term=ev["event"])
        if content:
            std = content["standard"] or {}
            summary = " · ".join(
                x
                for x in (
                    std.get("label"),
                    content["brand"],
                    content["platform"],
                    content["outcome"]["th"] + " / " + content["outcome"]["en"],
                    "; ".join(r["th"] for r in content["reasons"]),
                )
                if x
            )
            sub(entry, "summary", summary)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8", headers={"Cache-Control": CACHE})


@router.get("/public/violations/changes.json")
def changes_feed(
    request: Request,
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=svc.MAX_FEED)] = 100,
    f: svc.PublicFilter = Depends(public_filter),
):
    """Events after `after`, oldest first; poll again with `after` = the last `seq` you read."""
    if limited := over_limit(request, "data"):
        return limited
    db = request.app.state.db
    _, catalogue, stats = reference(request)
    d = svc.changes(db, catalogue, after, limit, stats=stats, f=f)
    for ev in d["events"]:
        ev["entry"] = _absolute(request, ev["entry"])
        ev["entry_url"] = base_url(request) + ev.pop("entry_path")
    last = d["events"][-1]["seq"] if d["events"] else after
    d["next"] = f"{base_url(request)}/public/violations/changes.json?after={last}&limit={limit}"
    return OrjsonResponse(d)


@router.get("/public/violations/{pk:int}")
@router.get("/public/violations/{pk:int}.json")
def violation_resource(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request):
    as_json = wants_json(request) or request.url.path.endswith(".json")
    if limited := over_limit(request, "data", None if as_json else "violation.html", e=None):
        return limited
    _, catalogue, stats = reference(request)
    e = svc.entry(request.app.state.db, catalogue, pk, stats=stats)
    if e is None:
        raise HTTPException(404, detail={"field": "pk", "message": "no such entry"})
    if as_json:
        return OrjsonResponse(_absolute(request, e))
    return render(request, "violation.html", e=e)


@router.get("/public/violations/{pk:int}/photo.jpg")
def violation_photo(pk: Annotated[int, Path(ge=1, le=MAX_ID)], request: Request):
    if limited := over_limit(request, "photo"):
        return limited
    data = svc.photo(request.app.state.db, pk)
    if data is None:
        raise HTTPException(404, detail={"field": "pk", "message": "no photo for this entry"})
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": CACHE})
