"""The FastAPI application: one app, officer pages + JSON API + platform API, OpenAPI published."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import anyio
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from tisguard.config import Settings
from tisguard.detect.config import EngineConfig
from tisguard.pipeline.build import ImageSource
from tisguard.services.errors import FieldError
from tisguard.services.webhooks import OutboxWorker
from tisguard.web import hardening, public_site
from tisguard.web.calllog import CallLog, CallLogMiddleware
from tisguard.web.security import NotSignedIn, RateLimiter, Sessions, secret_key


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def create_app(
    settings: Settings,
    rate: float | None = None,
    burst: int | None = None,
    engine_config: EngineConfig | None = None,
    images: ImageSource | None = None,
    push_workers: int | None = None,
) -> FastAPI:
    """`push_workers`: processes that run platform pushes (None: TISGUARD_PUSH_WORKERS, else 0 = in this
    process, one push at a time; `tisguard serve` starts one by default)."""
    from tisguard.catalogue.store import ensure_catalogue
    from tisguard.pipeline.build import build_engine
    from tisguard.store.db import open_store
    from tisguard.web import admin_pages, officer_api, officer_pages, platform_api, public_pages, resources
    from tisguard.web.investigation_pages import routers as investigation_routers
    from tisguard.web.report_pages import routers as report_routers

    app = FastAPI(
        title="tisguard",
        version="1.0",
        description="Market surveillance of mandatory Thai Industrial Standards (มอก.): officer API and platform data exchange.",
    )
    db = open_store(settings, write=True)
    ensure_catalogue(db)
    state = app.state
    state.settings, state.db = settings, db
    state.sessions = Sessions(db, secret_key(settings))  # server-side sessions (web/security.py)
    hardening.install(app)  # security headers, body size limits, public-form limits
    state.rate_limiter = RateLimiter(
        rate or float(os.environ.get("TISGUARD_RATE_PER_S", 100)),
        burst or int(os.environ.get("TISGUARD_RATE_BURST", 200)),
    )
    state.key_cache, state.key_cache_ttl = {}, float(os.environ.get("TISGUARD_KEY_CACHE_S", 10))
    state.max_batch = int(os.environ.get("TISGUARD_MAX_BATCH", 500))
    # Batch pushes are CPU work under one GIL: run at most this many at once (the rest wait their turn in the
    # thread pool), so the upload path's single-listing checks are not starved by a flood of batches.
    state.push_slots = threading.BoundedSemaphore(int(os.environ.get("TISGUARD_PUSH_CONCURRENCY", 1)))
    # Pre-listing checks run on their own few threads (web/platform_api.check)
    state.check_threads = anyio.CapacityLimiter(int(os.environ.get("TISGUARD_CHECK_THREADS", 2)))

    def reload_reference() -> None:
        state.engine = build_engine(settings, state.engine_config, db, None, images)
        if state.push_workers is not None:
            state.push_workers.reload()

    state.engine_config = engine_config or EngineConfig()
    state.push_workers = None
    state.reload_reference = reload_reference
    reload_reference()
    workers = push_workers if push_workers is not None else int(os.environ.get("TISGUARD_PUSH_WORKERS", 0))
    if workers > 0:
        from tisguard.pipeline.push_workers import PushWorkers

        state.push_workers = PushWorkers(settings, state.engine_config, workers)
        app.router.add_event_handler("startup", state.push_workers.warm)
        app.router.add_event_handler("shutdown", state.push_workers.close)

    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    routers = (platform_api.router, officer_api.router, resources.api, resources.pages, officer_pages.router)
    for r in (*routers, admin_pages.router, public_pages.router, *investigation_routers, *report_routers):
        app.include_router(r)
    public_site.register(app)  # verify, tracked complaints, the public list and open data, SME self-check

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn):
        if _wants_html(request) or (not request.url.path.startswith("/api/") and request.method == "GET"):
            return RedirectResponse("/", 303)
        return JSONResponse({"detail": {"field": "session", "message": "sign in first"}}, status_code=401)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [
            {
                "field": ".".join(str(p) for p in e["loc"] if p not in ("body", "query", "path", "header")) or "body",
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(FieldError)
    async def _field_error(request: Request, exc: FieldError):
        return await _http(request, HTTPException(422, detail={"field": exc.field, "message": str(exc)}))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        if _wants_html(request) and exc.status_code in (403, 404, 409, 422):
            from tisguard.web.render import render

            return render(request, "error.html", status_code=exc.status_code, status=exc.status_code, detail=exc.detail)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    state.call_log = CallLog(db)
    app.add_middleware(CallLogMiddleware, log=state.call_log)
    app.router.add_event_handler("shutdown", state.call_log.close)
    # webhooks: sending a notice queues the event in the store (same transaction); this worker delivers it
    state.outbox = OutboxWorker(db, float(os.environ.get("TISGUARD_WEBHOOK_INTERVAL_S", 10)))
    app.router.add_event_handler("startup", state.outbox.start)
    app.router.add_event_handler("shutdown", state.outbox.stop)
    # photos of pushed listings: read by a background thread when the app reads photos (serve --images);
    # TISGUARD_IMAGE_WORKER=0 leaves the queue to `tisguard images work`
    if images is not None and os.environ.get("TISGUARD_IMAGE_WORKER", "1") != "0":
        from tisguard.pipeline.image_jobs import BackgroundWorker

        state.image_worker = BackgroundWorker(db, lambda: state.engine)
        app.router.add_event_handler("startup", state.image_worker.start)
        app.router.add_event_handler("shutdown", state.image_worker.stop)

    return app
