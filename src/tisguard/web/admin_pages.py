"""Administrator pages: the standards catalogue and the licence registry, with per-row validation errors, and the
category model the running engine uses (version, when and on what it was trained, its cross-validated figures)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from tisguard.catalogue.licence_stats import licence_stats
from tisguard.catalogue.store import load_catalogue, set_status, standard_row, upsert_standards
from tisguard.registry.store import import_registry, read_registry_csv
from tisguard.services import audit
from tisguard.services.thai import be_date
from tisguard.web.render import render
from tisguard.web.security import check_csrf, require

router = APIRouter(prefix="/admin", include_in_schema=False)


def model_info(model) -> dict:
    """What the admin page shows about a category model, from its JSON's `meta`: version, when it was trained
    (an aware datetime, shown as a Buddhist-era date in Thai and as ISO), the sources it was trained on (name,
    file, records used, digest, weight) and the cross-validated figures (real dev set, per-source held-out
    accuracy). Missing fields come out as None or empty, so an older model still renders."""
    meta = model.meta or {}
    trained_at = None
    raw = meta.get("trained_at")
    if raw:
        try:
            trained_at = datetime.fromisoformat(str(raw))
        except ValueError:
            trained_at = None
    cv = meta.get("cross_validation") or {}
    held_out = cv.get("held_out_class_accuracy") or {}
    sources = [
        {
            "name": s.get("name"),
            "origin": s.get("origin"),
            "used": s.get("used"),
            "skipped": s.get("skipped"),
            "regulated": s.get("regulated"),
            "not_regulated": s.get("not_regulated"),
            "weight": s.get("weight"),
            "digest": s.get("sha256_12"),
            "held_out_accuracy": (held_out.get(s.get("name")) or {}).get("class_accuracy"),
        }
        for s in meta.get("trained_on") or []
    ]
    return {
        "version": model.version,
        "trained_at": trained_at,
        "trained_at_th": be_date(trained_at, "th", with_time=True) if trained_at else None,
        "trained_at_iso": trained_at.isoformat() if trained_at else raw,
        "records": meta.get("n"),
        "train_digest": meta.get("train_sha256_12"),
        "lexicon": meta.get("lexicon"),
        "features_version": meta.get("features_version"),
        "learner": _learner_text(meta.get("learner")),
        "calibration": meta.get("calibration"),
        "temperature": model.temperature,
        "sources": sources,
        "cv_k": cv.get("k"),
        "real_dev": cv.get("real-dev"),
    }


def _learner_text(learner) -> str | None:
    """'mlp (hidden 128, 40 epochs)' / 'linear (C 8.0)' from the model's `meta.learner`; None for older models."""
    if not isinstance(learner, dict) or "kind" not in learner:
        return None
    if learner["kind"] == "mlp":
        return f"mlp (hidden {learner.get('hidden')}, {learner.get('epochs')} epochs)"
    return f"{learner['kind']} (C {learner.get('c')})"


def _page(request: Request, **ctx):
    cat = load_catalogue(request.app.state.db)
    eds = sorted(cat.editions, key=lambda s: (int(s.tis_number.split()[0]), s.tis_number, s.year_be))
    stats = licence_stats(request.app.state.settings.data_dir)
    model = model_info(request.app.state.engine.ref.model)
    return render(request, "admin.html", editions=eds, stats=stats, model=model, **ctx)


def _changed(request: Request, user: dict, action: str, subject: str | None, detail: dict | None = None) -> None:
    """Audit an administrative change and reload the engine's reference data."""
    with request.app.state.db.begin() as conn:
        audit.record(conn, user["username"], action, subject, detail)
    request.app.state.reload_reference()


@router.get("")
def admin_home(request: Request, user: dict = Depends(require("admin"))):
    return _page(request)


@router.post("/standards")
async def add_standard(request: Request, user: dict = Depends(require("admin"))):
    await check_csrf(request, user)
    form = await request.form()
    row, errs = standard_row(
        str(form.get("tis_number") or ""),
        form.get("year_be"),
        str(form.get("name_th") or ""),
        str(form.get("name_en") or ""),
        str(form.get("source") or ""),
    )
    if errs:
        return _page(request, errors=[{"row": 1, "field": f, "reason": r} for f, r in errs])
    upsert_standards(request.app.state.db, [row])
    _changed(request, user, "catalogue.add", f"{row['tis_number']}-{row['year_be']}")
    return RedirectResponse("/admin", 303)


@router.post("/standards/retire")
async def retire_standard(request: Request, user: dict = Depends(require("admin"))):
    await check_csrf(request, user)
    form = await request.form()
    year = str(form.get("year_be") or "")
    try:
        ok = year.isdigit() and set_status(request.app.state.db, str(form.get("tis_number")), int(year), "retired")
    except ValueError as e:
        return _page(request, errors=[{"row": 1, "field": "tis_number", "reason": str(e)}])
    if not ok:
        return _page(request, errors=[{"row": 1, "field": "tis_number", "reason": "no such edition in the catalogue"}])
    _changed(request, user, "catalogue.retire", f"{form.get('tis_number')}-{year}")
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
    _changed(request, user, "registry.import", upload.filename, {**result, "rejected": len(errors)})
    return _page(request, errors=errors, imported=result)
