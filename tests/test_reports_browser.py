"""Browser test of the monthly report (issue 16): a supervisor sends a notice, opens the report page, downloads
the Thai PDF, and the figures (page and PDF) are the store's. Saves docs/report-page.png (README)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpers import ROOT
from test_browser import _sign_in, browser  # noqa: F401  (the module-scoped Chromium fixture)

pytestmark = pytest.mark.browser
SHOT = ROOT / "docs" / "report-page.png"


def _store(live):
    from tisguard.config import resolve_settings
    from tisguard.store.db import open_store

    return open_store(resolve_settings(live["data"]), write=False)


def test_supervisor_downloads_the_monthly_report(browser, live, tmp_path):  # noqa: F811
    from tisguard.services.figures import Period
    from tisguard.services.thai import BANGKOK
    from tisguard.store.tables import decisions, listings, notices

    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is missing (scripts/system-packages.sh installs it)"
    base = live["base"]
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    _sign_in(page, base, "supervisor", live["passwords"]["supervisor"])

    # a confirmed listing and a sent notice this month
    page.locator("a.listing-link").first.click()
    page.wait_for_selector("#verdict")
    page.select_option("#legal_basis", "sec20bis")
    page.click("#confirm-btn")
    page.wait_for_selector("#evidence-zip")
    page.goto(base + "/notices")
    page.locator("button.new-notice-btn").first.click()
    page.wait_for_selector("#notice-title")
    assert re.search(r"\d{4}", page.inner_text("#notice-deadline"))  # the deadline a draft would get
    page.click("#send-notice")
    page.wait_for_function("document.querySelector('#notice-state').innerText === 'sent'")

    page.click("#nav-report")
    page.wait_for_selector("#report-kpis")
    month = page.input_value("#month")
    p = Period.month(month)
    from datetime import datetime

    assert month == datetime.now(BANGKOK).strftime("%Y-%m")
    db = _store(live)
    with db.connect() as conn:
        sent = conn.execute(
            select(func.count()).select_from(notices).where(notices.c.sent_at >= p.start, notices.c.sent_at < p.end)
        ).scalar_one()
        confirmed = conn.execute(
            select(func.count(func.distinct(decisions.c.listing_pk))).where(
                decisions.c.decision == "confirm", decisions.c.at >= p.start, decisions.c.at < p.end
            )
        ).scalar_one()
        seen = func.coalesce(listings.c.captured_at, listings.c.first_seen)
        scanned = conn.execute(
            select(func.count()).select_from(listings).where(seen >= p.start, seen < p.end)
        ).scalar_one()
    assert sent >= 1 and confirmed >= 1
    assert int(page.inner_text("#r-notices-sent")) == sent
    assert int(page.inner_text("#r-confirmed")) == confirmed
    assert int(page.inner_text("#r-scanned")) == scanned
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOT), full_page=True)

    page.select_option("#report-lang", "th")
    with page.expect_download() as dl:
        page.click("#report-pdf")
    pdf = Path(dl.value.path())
    assert dl.value.suggested_filename == f"tisguard-report-{month}-th.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    assert int(re.search(r"รายการสินค้าที่สแกน (\d+)", text).group(1)) == scanned
    assert str(int(month[:4]) + 543) in text  # Buddhist era in the title
    ctx.close()
