"""Administrator pages: the standards catalogue and the licence registry, with per-row validation errors."""
from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from tisguard.catalogue.store import load_catalogue, set_status, upsert_standards
from tisguard.catalogue.tis_number import canonical_tis
from tisguard.registry.store import import_registry, read_registry_csv
from tisguard.services import audit
from tisguard.web.render import render
from tisguard.web.security import check_csrf, require

router = APIRouter(prefix="/admin", include_in_schema=False)


def _page(request: Request, **ctx):
    cat = load_catalogue(request.app.state.db)
    eds = sorted(cat.editions, key=lambda s: (int(s.tis_number.split()[0]), s.tis_number, s.year_be))
    return render(request, "admin.html", editions=eds, **ctx)


@router.get("")
def admin_home(request: Request, user: dict = Depends(require("admin"))):
    return _page(request)


@router.post("/standards")
async def add_standard(request: Request, user: dict = Depends(require("admin"))):
    await check_csrf(request, user)
    form = await request.form()
    errors = []
    try:
        tis = canonical_tis(str(form.get("tis_number") or ""))
    except ValueError as e:
        errors.append({"row": 1, "field": "tis_number", "reason": str(e)})
    year = str(form.get("year_be") or "")
    if not (year.isdigit() and 2480 <= int(year) <= 2700):
        errors.append({"row": 1, "field": "year_be", "reason": "a Buddhist-era year such as 2555"})
    for f in ("name_th", "source"):
        if not str(form.get(f) or "").strip():
            errors.append({"row": 1, "field": f, "reason": "required"})
    if errors:
        return _page(request, errors=errors)
    row = {"tis_number": tis, "number": int(tis.split()[0]), "part": tis.split(" ", 2)[2] if " " in tis else None, "year_be": int(year),
           "name_th": str(form["name_th"]).strip(), "name_en": str(form.get("name_en") or "").strip() or None, "source": str(form["source"]).strip()}
    upsert_standards(request.app.state.db, [row])
    with request.app.state.db.begin() as conn:
        audit.record(conn, user["username"], "catalogue.add", f"{tis}-{year}")
    request.app.state.reload_reference()
    return RedirectResponse("/admin", 303)


@router.post("/standards/retire")
async def retire_standard(request: Request, user: dict = Depends(require("admin"))):
    await check_csrf(request, user)
    form = await request.form()
    ok = set_status(request.app.state.db, str(form.get("tis_number")), int(form.get("year_be") or 0), "retired")
    with request.app.state.db.begin() as conn:
        audit.record(conn, user["username"], "catalogue.retire", f"{form.get('tis_number')}-{form.get('year_be')}", {"found": ok})
    request.app.state.reload_reference()
    return RedirectResponse("/admin", 303)


@router.post("/registry")
async def upload_registry(request: Request, user: dict = Depends(require("admin"))):
    await check_csrf(request, user)
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return _page(request, errors=[{"row": 0, "field": "file", "reason": "choose a CSV file"}])
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "registry.csv"
        p.write_bytes(await upload.read())
        try:
            rows, errors = read_registry_csv(p)
        except UnicodeDecodeError:
            return _page(request, errors=[{"row": 0, "field": "file", "reason": "not UTF-8"}])
    result = import_registry(request.app.state.db, rows)
    with request.app.state.db.begin() as conn:
        audit.record(conn, user["username"], "registry.import", upload.filename, {**result, "rejected": len(errors)})
    request.app.state.reload_reference()
    return _page(request, errors=errors, imported=result)
