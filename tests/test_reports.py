"""Issue 16: Thai typesetting of every PDF (HarfBuzz shaping, checked on a rendered page), the monthly report's
figures against the store, exports filtered like their pages, complaint outcomes and their deadlines."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select, update

from webfixtures import csrf_of, first_flagged, sign_in

PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")
WORD = "ผลิตภัณฑ์ให้ปั้นที่"  # thanthakhat, tone marks over upper vowels, mark on a tall consonant
SIZE = 96  # px; pages are rendered at 96 dpi, so 1 CSS px = 1 image px


def _need_poppler():
    if not (PDFTOPPM and PDFTOTEXT):
        pytest.fail("poppler-utils (pdftoppm, pdftotext) is missing: scripts/system-packages.sh installs it")


def _ink(img) -> np.ndarray:
    a = 255 - np.asarray(img.convert("L"), dtype=np.float32)
    ys, xs = np.nonzero(a > 100)
    return a[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] > 100


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two ink masks, aligned at their top-left corners."""
    h, w = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])
    A, B = np.zeros((h, w), bool), np.zeros((h, w), bool)
    A[: a.shape[0], : a.shape[1]] = a
    B[: b.shape[0], : b.shape[1]] = b
    return float((A & B).sum() / (A | B).sum())


def _page_ink(pdf: bytes, tmp_path: Path) -> np.ndarray:
    from PIL import Image

    (tmp_path / "w.pdf").write_bytes(pdf)
    subprocess.run([PDFTOPPM, "-r", "96", "-gray", "-png", "-singlefile", "w.pdf", "w"], cwd=tmp_path, check=True)
    return _ink(Image.open(tmp_path / "w.png"))


def _reference(layout) -> np.ndarray:
    """The word drawn by FreeType through Pillow: RAQM = shaped by HarfBuzz (the reference), BASIC = unshaped."""
    from PIL import Image, ImageDraw, ImageFont

    from tisguard.services.pdf import thai_fonts

    font = ImageFont.truetype(str(thai_fonts()[0]), SIZE, layout_engine=layout)
    im = Image.new("L", (2400, 400), 255)
    ImageDraw.Draw(im).text((50, 100), WORD, font=font, fill=0)
    return _ink(im)


def test_pdf_thai_word_matches_a_shaped_reference_rendering(tmp_path):
    """A page typeset by the PDF pipeline, rendered by pdftoppm, matches HarfBuzz's shaping of the word, and the
    unshaped drawing (ReportLab's canvas, which notices used before) does not."""
    from PIL import ImageFont, features

    from tisguard.services.pdf import font_css, html_to_pdf, thai_fonts

    _need_poppler()
    assert features.check("raqm"), "Pillow without libraqm cannot draw the shaped reference"
    html = (
        f'<html><head><meta charset="utf-8"><style>{font_css()} @page {{ size: 2000px 400px; margin: 0 }}'
        f' p {{ font-family: "TGThai"; font-size: {SIZE}px; margin: 100px 50px; white-space: nowrap }}</style></head>'
        f"<body><p>{WORD}</p></body></html>"
    )
    ours = _page_ink(html_to_pdf(html), tmp_path)
    shaped, unshaped = _reference(ImageFont.Layout.RAQM), _reference(ImageFont.Layout.BASIC)
    assert _overlap(shaped, unshaped) < 0.9  # the word tells shaped from unshaped apart
    assert _overlap(ours, shaped) > 0.88
    assert _overlap(ours, shaped) > _overlap(ours, unshaped) + 0.04

    # the check catches the old way: ReportLab's canvas draws the same font unshaped
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "ProbeThai" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("ProbeThai", str(thai_fonts()[0])))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(1500, 300))
    c.setFont("ProbeThai", SIZE * 0.75)  # 96 px at 96 dpi = 72 pt
    c.drawString(40, 150, WORD)
    c.save()
    old = _page_ink(buf.getvalue(), tmp_path)
    assert _overlap(old, unshaped) > _overlap(old, shaped)


def test_notice_pdf_embeds_the_thai_font_and_shows_the_deadline(tmp_path):
    from tisguard.services.notice_pdf import notice_pdf

    _need_poppler()
    sent = datetime(2026, 4, 10, 3, 0, tzinfo=UTC)
    n = {
        "id": 42,
        "platform": "shopee",
        "created_at": sent,
        "sent_at": sent,
        "deadline": datetime(2026, 4, 17, 3, 0, tzinfo=UTC),
        "legal_basis": "sec20bis",
        "items": [
            {
                "listing_id": "L-1",
                "url": "https://example.invalid/p/1",
                "tis": "2432",
                "title": "ปลั๊กพ่วง <b>ผลิตภัณฑ์</b> =HYPERLINK()",
                "evidence_sha256": "ab" * 32,
            }
        ],
    }
    pdf = notice_pdf(n)
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf
    (tmp_path / "n.pdf").write_bytes(pdf)
    text = subprocess.run([PDFTOTEXT, "-layout", "n.pdf", "-"], cwd=tmp_path, capture_output=True, text=True).stdout
    assert "TG-000042" in text and "17 เม.ย. 2569" in text  # the Buddhist-era deadline
    assert "<b>" in text  # a listing title is text, never markup


def _sql_month(db, month_start: datetime, month_end: datetime) -> dict:
    """The month's figures counted straight from the tables (independently of services/figures.py)."""
    from tisguard.store.tables import assessments, complaints, decisions, listings, notice_items, notices

    with db.connect() as conn:

        def count(q):
            return conn.execute(q).scalar_one()

        seen = func.coalesce(listings.c.captured_at, listings.c.first_seen)
        in_month = (seen >= month_start) & (seen < month_end)
        return {
            "scanned": count(select(func.count()).select_from(listings).where(in_month)),
            "flagged": count(
                select(func.count())
                .select_from(listings.join(assessments, assessments.c.listing_pk == listings.c.id))
                .where(
                    in_month,
                    assessments.c.is_latest.is_(True),
                    assessments.c.verdict.in_(["unverified", "non_compliant"]),
                )
            ),
            "confirmed": count(
                select(func.count(func.distinct(decisions.c.listing_pk))).where(
                    decisions.c.decision == "confirm", decisions.c.at >= month_start, decisions.c.at < month_end
                )
            ),
            "notices_sent": count(
                select(func.count())
                .select_from(notices)
                .where(notices.c.sent_at >= month_start, notices.c.sent_at < month_end)
            ),
            "removed": count(
                select(func.count())
                .select_from(notice_items)
                .where(notice_items.c.action == "removed", notice_items.c.action_at >= month_start)
            ),
            "complaints": count(
                select(func.count())
                .select_from(complaints)
                .where(complaints.c.spam.is_(False), complaints.c.created_at >= month_start)
            ),
        }


def test_monthly_report_pdf_figures_match_the_store(web, tmp_path):
    """Decide, notify, remove and receive complaints this month; the PDF (English and Thai) prints the counts
    the tables hold, and the run is recorded and audited."""
    from tisguard.services import complaints as complaint_svc
    from tisguard.services import notices as notice_svc
    from tisguard.services.figures import Period
    from tisguard.services.report import monthly_pdf
    from tisguard.services.thai import BANGKOK
    from tisguard.store.tables import audit_log, listings, report_runs

    _need_poppler()
    client, _, _, db = web
    now = datetime.now(UTC)
    month = now.astimezone(BANGKOK).strftime("%Y-%m")
    p = Period.month(month)
    with db.begin() as conn:  # a few listings captured this month, so every row of the report has data
        ids = conn.execute(select(listings.c.id).order_by(listings.c.id).limit(9)).scalars().all()
        conn.execute(update(listings).where(listings.c.id.in_(ids)).values(captured_at=now - timedelta(minutes=5)))
    sign_in(client, "supervisor", "supervisor-pass-123")
    csrf = csrf_of(client)
    items = client.get("/api/v1/queue", params={"per_page": 3}).json()["items"]
    for it in items:
        client.post(
            f"/api/v1/review/{it['id']}/decision",
            json={"decision": "confirm", "legal_basis": "sec20bis"},
            headers={"X-CSRF-Token": csrf},
        )
    pk = notice_svc.create_notice(db, items[0]["platform"], [items[0]["id"]], "supervisor")
    notice_svc.send_notice(db, pk, "supervisor")
    n = notice_svc.get_notice(db, pk)
    notice_svc.record_actions(
        db, pk, n["platform"], [{"listing_id": n["items"][0]["listing_id"], "action": "removed"}], "p"
    )
    for i in range(2):
        complaint_svc.submit(db, f"https://example.invalid/p/{i}", f"ไม่มี มอก. {i}", None, None)

    want = _sql_month(db, p.start, p.end)
    assert want["scanned"] >= 9 and want["confirmed"] == 3 and want["notices_sent"] == 1 and want["removed"] == 1

    pdf, f = monthly_pdf(db, month, "en", actor="supervisor")
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run([PDFTOTEXT, "-layout", "r.pdf", "-"], cwd=tmp_path, capture_output=True, text=True).stdout
    text = " ".join(text.split())

    def figure(label: str) -> int:
        m = re.search(re.escape(label) + r" (\d[\d,]*)", text)
        assert m, f"{label!r} not in the report text"
        return int(m.group(1).replace(",", ""))

    assert figure("Listings scanned") == want["scanned"]
    assert figure("Flagged") == want["flagged"]
    assert figure("Confirmed violations") == want["confirmed"]
    assert figure("Notices sent") == want["notices_sent"]
    assert figure("Complaints received") == want["complaints"]
    removed, refused = re.search(r"Listings removed / refused (\d+)\s*/\s*(\d+)", text).groups()
    assert (int(removed), int(refused)) == (want["removed"], 0)
    assert "engine@" in text  # the methods note names the engine version

    th, _ = monthly_pdf(db, month, "th")
    (tmp_path / "t.pdf").write_bytes(th)
    ttext = subprocess.run([PDFTOTEXT, "-layout", "t.pdf", "-"], cwd=tmp_path, capture_output=True, text=True).stdout
    ttext = " ".join(ttext.split())
    assert re.search(r"รายการสินค้าที่สแกน (\d+)", ttext).group(1) == str(want["scanned"])
    assert str(now.astimezone(BANGKOK).year + 543) in ttext  # Buddhist era

    with db.connect() as conn:
        runs = conn.execute(select(report_runs.c.period, report_runs.c.sha256, report_runs.c.figures)).all()
        audited = conn.execute(
            select(func.count()).select_from(audit_log).where(audit_log.c.action == "report.monthly")
        ).scalar_one()
    assert len(runs) == 1 and runs[0].period == month and audited == 1  # the Thai one was not handed to anyone
    assert runs[0].figures["totals"]["confirmed"] == want["confirmed"]

    # the dashboard shows the same numbers for the same month (one set of queries)
    j = client.get("/api/v1/reports/monthly", params={"month": month}).json()
    assert j["totals"] == f["totals"]
    from tisguard.services.dashboard import stats

    s = stats(db, p)
    assert (s["scanned"], s["flagged"], s["confirmed"]) == (want["scanned"], want["flagged"], want["confirmed"])


def test_report_page_needs_a_supervisor_and_a_valid_month(web):
    client = web[0]
    sign_in(client, "officer", "officer-pass-123")
    assert client.get("/reports/monthly").status_code == 403
    assert client.get("/api/v1/reports/monthly").status_code == 403
    sign_in(client, "supervisor", "supervisor-pass-123")
    r = client.get("/api/v1/reports/monthly", params={"month": "2026-13"})
    assert r.status_code == 422 and r.json()["detail"]["field"] == "month"
    r = client.get("/api/v1/reports/monthly", params={"month": "2026-1"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "month"
    page = client.get("/reports/monthly", params={"month": "2026-11"})
    assert page.status_code == 200 and 'id="report-pdf"' in page.text and "<script>" not in page.text
    csrf = csrf_of(client)
    r = client.post("/reports/monthly", data={"csrf": csrf, "month": "2026-11", "lang": "en"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert client.post("/reports/monthly", data={"month": "2026-11"}).status_code == 403  # no CSRF token


def _csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_exports_follow_the_page_filters_and_stream(web):
    from openpyxl import load_workbook

    from tisguard.services.review import QueueFilter, queue

    client, _, _, db = web
    sign_in(client, "officer", "officer-pass-123")
    platform = first_flagged(client)["platform"]
    q = queue(db, QueueFilter(platform=platform, per_page=1000))
    r = client.get("/exports/queue.csv", params={"platform": platform})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = _csv_rows(r.content)
    assert len(rows) == q["total"] > 0 and {x["platform"] for x in rows} == {platform}
    assert [int(x["id"]) for x in rows] == [it["id"] for it in q["items"]]  # the page's order
    r = client.get("/exports/queue.xlsx", params={"platform": platform})
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    sheet = list(wb.active.iter_rows(values_only=True))
    assert sheet[0][:3] == ("id", "platform", "listing_id") and len(sheet) == q["total"] + 1
    page = client.get("/queue", params={"platform": platform}).text  # the page's own export link keeps its filter
    href = re.search(r'id="export-queue-csv" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert _csv_rows(client.get(href).content) == rows
    assert client.get("/exports/queue.csv", params={"verdict": "bogus"}).status_code == 422
    assert client.get("/exports/queue.pdf").status_code in (404, 422)

    # decisions and notices
    csrf = csrf_of(client)
    it = first_flagged(client, platform)
    client.post(
        f"/api/v1/review/{it['id']}/decision",
        json={"decision": "confirm", "legal_basis": "sec20bis", "reason": "=cmd|' /C calc'!A0"},
        headers={"X-CSRF-Token": csrf},
    )
    rows = _csv_rows(client.get("/exports/decisions.csv", params={"decision": "confirm"}).content)
    assert len(rows) == 1 and rows[0]["listing_id"] == it["listing_id"]
    assert rows[0]["reason"].startswith("'=")  # never a formula in a spreadsheet
    assert _csv_rows(client.get("/exports/decisions.csv", params={"decision": "dismiss"}).content) == []
    assert client.get("/exports/decisions.csv", params={"since": "2026-02-30"}).status_code == 422
    from tisguard.services import notices as notice_svc

    pk = notice_svc.create_notice(db, platform, [it["id"]], "officer")
    notice_svc.send_notice(db, pk, "officer")
    rows = _csv_rows(client.get("/exports/notices.csv", params={"platform": platform}).content)
    assert [(r["notice"], r["state"], r["listing_id"]) for r in rows] == [(str(pk), "sent", it["listing_id"])]
    assert rows[0]["deadline"]
    assert _csv_rows(client.get("/exports/notices.csv", params={"platform": "nowhere"}).content) == []
    assert client.get("/exports/notices.csv", params={"state": "lost"}).status_code == 422

    # dashboard series: the per-platform row equals the dashboard's figures
    dash = client.get("/api/v1/dashboard").json()
    rows = _csv_rows(client.get("/exports/dashboard.csv").content)
    per = {r["key"]: r for r in rows if r["series"] == "platform"}
    for pf, v in dash["by_platform"].items():
        assert int(per[pf]["scanned"]) == v["scanned"] and int(per[pf]["flagged"]) == v["flagged"]


def test_complaint_outcome_is_audited_and_due_in_business_days(web):
    from tisguard.services import calendar
    from tisguard.services import complaints as complaint_svc
    from tisguard.services.complaint_outcomes import COMPLAINT_OUTCOME_BUSINESS_DAYS
    from tisguard.services.thai import add_business_days
    from tisguard.store.tables import audit_log

    client, _, _, db = web
    created = datetime(2026, 4, 9, 2, 0, tzinfo=UTC)  # Thursday; Songkran 13-15 April is seeded
    c = complaint_svc.submit(db, "https://example.invalid/p/9", "ปลั๊กไม่มี มอก.", None, None, now=created)
    sign_in(client, "officer", "officer-pass-123")
    page = client.get("/complaints")
    due = calendar.deadline_db(db, created, COMPLAINT_OUTCOME_BUSINESS_DAYS)
    weekends_only = add_business_days(created, COMPLAINT_OUTCOME_BUSINESS_DAYS)
    with db.connect() as conn:
        hols = calendar.holidays_from(conn, created.date(), 30)
    assert due == add_business_days(created, COMPLAINT_OUTCOME_BUSINESS_DAYS, hols)
    assert due > weekends_only  # Songkran (13-15 April) is skipped
    lst = complaint_svc.list_complaints(db)
    assert lst["items"][0]["due"] == due and lst["items"][0]["outcome"] is None
    csrf = csrf_of(client)
    r = client.post(f"/complaints/{c['id']}/decide", data={"csrf": csrf, "outcome": "referred"}, follow_redirects=False)
    assert r.status_code == 303
    assert client.post(f"/complaints/{c['id']}/decide", data={"csrf": csrf, "outcome": "lost"}).status_code == 422
    assert complaint_svc.list_complaints(db)["items"][0]["outcome"] == "referred"
    with db.connect() as conn:
        assert conn.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "complaint.outcome")
        ).scalar_one() == {
            "outcome": "referred",
            "note": None,
        }
    assert page.status_code == 200 and "outcome" in page.text


def test_evidence_summary_pdf_comes_from_the_frozen_package(web, tmp_path):
    client, _, _, db = web
    _need_poppler()
    sign_in(client, "officer", "officer-pass-123")
    csrf = csrf_of(client)
    it = first_flagged(client)
    assert client.get(f"/listings/{it['id']}/evidence.pdf").status_code == 404  # nothing frozen yet
    client.post(
        f"/api/v1/review/{it['id']}/decision",
        json={"decision": "confirm", "legal_basis": "sec20bis"},
        headers={"X-CSRF-Token": csrf},
    )
    r = client.get(f"/listings/{it['id']}/evidence.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    sha = r.headers["x-evidence-sha256"]
    (tmp_path / "e.pdf").write_bytes(r.content)
    text = subprocess.run([PDFTOTEXT, "e.pdf", "-"], cwd=tmp_path, capture_output=True, text=True).stdout
    assert sha in text.replace("\n", "") and it["listing_id"] in text
