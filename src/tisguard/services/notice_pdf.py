"""The takedown notice as a PDF in Thai and English (reportlab with a Thai TrueType font)."""

from __future__ import annotations

import io
from pathlib import Path

from tisguard.services.decisions import LEGAL_BASES
from tisguard.services.thai import be_date

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
    "/usr/share/fonts/truetype/tlwg/Loma.ttf",
    "/usr/share/fonts/truetype/tlwg/Kinnari.ttf",
]


class NoThaiFont(RuntimeError):
    pass


def thai_font_path() -> Path:
    for p in FONT_CANDIDATES:
        if Path(p).exists():
            return Path(p)
    raise NoThaiFont("no Thai TrueType font found; install Debian's fonts-thai-tlwg")


def notice_pdf(notice: dict) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "ThaiFont"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(font, str(thai_font_path())))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    y = height - 60

    def line(text: str, size: int = 11, gap: int = 18) -> None:
        nonlocal y
        if y < 60:
            c.showPage()
            y = height - 60
        c.setFont(font, size)
        c.drawString(50, y, text[:110])
        y -= gap

    basis = LEGAL_BASES.get(notice.get("legal_basis") or "", {})
    line("สำนักงานมาตรฐานผลิตภัณฑ์อุตสาหกรรม (สมอ.) — หนังสือแจ้งให้ระงับการจำหน่ายสินค้า", 14, 22)
    line("Thai Industrial Standards Institute (TISI) — Takedown notice", 12, 24)
    line(f"เลขที่หนังสือ / Notice no.: TG-{notice['id']:06d}    ถึง / To: {notice['platform']}")
    line(
        f"วันที่ / Date: {be_date(notice.get('sent_at') or notice['created_at'])}    "
        f"กำหนดดำเนินการ / Deadline: {be_date(notice.get('deadline'))} (2 วันทำการ / 2 business days)"
    )
    if basis:
        line(f"ฐานความผิด: {basis['th']}")
        line(f"Legal basis: {basis['en']}", 10)
    line("ขอให้ระงับการแสดงรายการสินค้าต่อไปนี้ซึ่งเป็นสินค้าควบคุมที่ไม่แสดงหลักฐานใบอนุญาต มอก. ที่ถูกต้อง", 11, 16)
    line("Please remove the following listings of controlled products that show no valid TIS licence:", 10, 20)
    for i, it in enumerate(notice["items"], 1):
        line(f"{i}. {it['listing_id']}  มอก. {it.get('tis') or '-'}  {it.get('title') or ''}", 10, 14)
        line(f"    {it.get('url') or '-'}", 9, 14)
        line(f"    หลักฐาน / evidence SHA-256: {it.get('evidence_sha256') or '-'}", 8, 18)
    line("กรุณารายงานผลการดำเนินการผ่าน API ของ tisguard (POST /api/v1/notices/{id}/actions)", 10, 14)
    c.showPage()
    c.save()
    return buf.getvalue()
