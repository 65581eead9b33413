"""Browser tests: real headless Chromium (Debian's) driven by Playwright through an officer's day.

Screenshots of the queue, a listing page and the dashboard are saved under artifacts/screenshots.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT

pytestmark = pytest.mark.browser
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (.ci/run installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield b
        b.close()


def _sign_in(page, base, user, password):
    page.goto(base + "/")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#signin")
    page.wait_for_url("**/queue")


def _kpi(page, name) -> int:
    return int(page.inner_text(f"#kpi-{name}"))


def test_officer_day(browser, live):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base, pw = live["base"], live["passwords"]
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    _sign_in(page, base, "supervisor", pw["supervisor"])
    page.goto(base + "/dashboard")
    before = {k: _kpi(page, k) for k in ("confirmed", "dismissed", "notices")}

    page.goto(base + "/queue")
    assert page.locator("#queue tbody tr").count() >= 5
    page.screenshot(path=str(SHOTS / "queue.png"), full_page=True)

    page.locator("a.listing-link").first.click()
    page.wait_for_selector("#verdict")
    assert page.locator("#evidence").is_visible() and page.locator("#waterfall").is_visible()
    page.screenshot(path=str(SHOTS / "listing.png"), full_page=True)
    listing_url = page.url
    page.select_option("#legal_basis", "sec20bis")
    page.click("#confirm-btn")
    page.wait_for_selector("#evidence-zip")
    with page.expect_download() as dl:
        page.click("#evidence-zip")
    data = Path(dl.value.path()).read_bytes()
    from tisguard.services.evidence_package import verify_manifest

    manifest = verify_manifest(data)
    assert "listing.json" in manifest["files"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert json.loads(z.read("listing.json"))["listing_id"]

    page.goto(base + "/notices")
    page.locator("button.new-notice-btn").first.click()
    page.wait_for_selector("#notice-title")
    assert page.inner_text("#notice-state") == "draft"
    page.click("#send-notice")
    page.wait_for_function("document.querySelector('#notice-state').innerText === 'sent'")
    assert page.locator("#notice-pdf").count() == 1

    page.goto(base + "/queue")
    other = [h for h in page.locator("a.listing-link").evaluate_all("els => els.map(e => e.href)") if h != listing_url][
        0
    ]
    page.goto(other)
    page.select_option("#dismiss_reason", "false_positive")
    page.click("#dismiss-btn")
    page.wait_for_selector("text=dismiss")

    page.goto(base + "/dashboard")
    page.wait_for_function("document.querySelector('#c-platform').getAttribute('width') !== null")
    after = {k: _kpi(page, k) for k in ("confirmed", "dismissed", "notices")}
    assert after == {
        "confirmed": before["confirmed"] + 1,
        "dismissed": before["dismissed"] + 1,
        "notices": before["notices"] + 1,
    }
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    page.click("#lang-switch")
    assert "Dashboard" in page.content()
    ctx.close()


def test_officer_cannot_reach_admin_and_signed_out_reaches_nothing(browser, live):
    base = live["base"]
    ctx = browser.new_context()
    page = ctx.new_page()
    for path in ("/queue", "/dashboard", "/admin", "/notices"):
        page.goto(base + path)
        assert page.url.rstrip("/") == base and page.locator("#signin").count() == 1, path
    _sign_in(page, base, "officer", live["passwords"]["officer"])
    resp = page.goto(base + "/admin")
    assert resp.status == 403
    assert page.locator("a[href='/admin']").count() == 0
    ctx.close()
