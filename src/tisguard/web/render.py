"""Template rendering with the language, translator, Thai dates and the signed-in user."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from tisguard.services.thai import thai_digits
from tisguard.web.i18n import date_filter, lang_of, translator

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def render(request: Request, name: str, status_code: int = 200, **ctx):
    lang = lang_of(request)
    user = getattr(request.state, "user", None)
    resp = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": translator(lang),
            "fmt_date": date_filter(lang),
            "thai_digits": thai_digits,
            "user": user,
            "csrf": user["csrf"] if user else "",
            **ctx,
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in ("th", "en"):
        resp.set_cookie("lang", request.query_params["lang"], samesite="lax", max_age=365 * 86400)
    return resp
