"""The takedown notice as a PDF in Thai and English, typeset with HarfBuzz shaping (services/pdf.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from tisguard.services.decisions import LEGAL_BASES
from tisguard.services.pdf import NoThaiFont, render_pdf, thai_fonts  # noqa: F401  (NoThaiFont re-exported)


def notice_pdf(notice: dict, db: Engine | None = None) -> bytes:
    """The notice's PDF. A draft has no deadline yet: with `db` it shows the one it would get if sent now."""
    from tisguard.services import calendar
    from tisguard.services.notices import DEADLINE_BUSINESS_DAYS

    draft_deadline = None
    if not notice.get("deadline") and db is not None:
        draft_deadline = calendar.deadline_db(db, datetime.now(UTC), DEADLINE_BUSINESS_DAYS)
    return render_pdf(
        "pdf_notice.html",
        n=notice,
        basis=LEGAL_BASES.get(notice.get("legal_basis") or ""),
        days=DEADLINE_BUSINESS_DAYS,
        draft_deadline=draft_deadline,
    )


def thai_font_path():
    """The regular Thai font the PDFs embed."""
    return thai_fonts()[0]
