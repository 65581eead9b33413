"""The public side in a real browser (headless Chromium via Playwright, a live server over the demo data): each
public page on a phone-sized and a desktop viewport, in Thai and in English. On every page: the language is the
one asked for, nothing is wider than the screen, and the Content-Security-Policy blocks nothing (no inline
script or style is needed). A supervisor approves a publication and an officer records a complaint's outcome
in the browser too. Screenshots go to artifacts/screenshots/public-*.png."""

from __future__ import annotations

import csv
import re

import httpx
import pytest

from test_browser import CHROMIUM, SHOTS, browser  # noqa: F401  (the Chromium fixture)

pytestmark = pytest.mark.browser
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
WORDS = {"th": ("ตรวจสอบใบอนุญาต", "สินค้าไม่ได้มาตรฐาน"), "en": ("Verify a licence", "Non-standard products")}


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("console", lambda m: problems.append(m.text) if "Content-Security-Policy" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('Content-Security-Policy violation: ' + e.violatedDirective));"
    )
    return problems


def _fits(page, where: str, lang: str) -> None:
    """The page is in `lang` and nothing is wider than the viewport (no sideways scrolling on a phone)."""
    assert page.evaluate("document.documentElement.lang") == lang, where
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1, f"{where}: {wide}px wider than the screen"
    assert any(w in page.content() for w in WORDS[lang]), where


def _session(base: str, user: str, password: str) -> tuple[httpx.Client, str]:
    s = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    assert s.post("/login", data={"username": user, "password": password}).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', s.get("/cases").text).group(1)
    return s, csrf


@pytest.fixture(scope="module")
def published(live):
    """A demo listing confirmed, noticed and removed by its platform (over HTTP), ready to publish."""
    s, csrf = _session(live["base"], "supervisor", live["passwords"]["supervisor"])
    item = s.get("/api/v1/queue", params={"platform": "shopee"}).json()["items"][0]
    h = {"X-CSRF-Token": csrf}
    assert (
        s.post(
            f"/api/v1/review/{item['id']}/decision", json={"decision": "confirm", "legal_basis": "sec20bis"}, headers=h
        ).status_code
        == 200
    )
    n = s.post("/api/v1/officer/notices", json={"platform": "shopee", "listing_ids": [item["id"]]}, headers=h).json()
    assert s.post(f"/api/v1/officer/notices/{n['id']}/send", headers=h).status_code == 200
    done = httpx.post(
        f"{live['base']}/api/v1/notices/{n['id']}/actions",
        json={"actions": [{"listing_id": item["listing_id"], "action": "removed"}]},
        headers={"Authorization": f"Bearer {live['keys']['shopee']}"},
    )
    assert done.status_code == 200
    return item


@pytest.fixture(scope="module")
def listed(live, published):
    """The published listing is on the public list (approved over HTTP when the browser test did not run)."""
    if httpx.get(live["base"] + "/public/violations.json").json()["total"] == 0:
        s, csrf = _session(live["base"], "supervisor", live["passwords"]["supervisor"])
        r = s.post("/publication/approve", data={"csrf": csrf, "listing_pk": str(published["id"])})
        assert r.status_code == 303, r.text
    return published


def _sign_in(page, base, user, password):
    page.goto(base + "/")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#signin")
    page.wait_for_url("**/queue")


def test_a_supervisor_publishes_in_the_browser(browser, live, published):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(**VIEWPORTS["desktop"])
    page = ctx.new_page()
    problems = _watch(page)
    _sign_in(page, live["base"], "supervisor", live["passwords"]["supervisor"])
    page.click("#nav-publication")
    form = page.locator(f'form.candidate[data-listing="{published["id"]}"]')
    assert form.count() == 1
    page.screenshot(path=str(SHOTS / "public-publication.png"), full_page=True)
    form.locator(".approve-btn").click()
    page.wait_for_selector("#entry")
    assert page.inner_text(".outcome") and "/public/violations/" in page.url
    assert problems == []
    ctx.close()


def _licence_no(live) -> str:
    with (live["data"] / "demo" / "registry.csv").open(encoding="utf-8") as fh:
        return next(r["licence_no"] for r in csv.DictReader(fh) if r["status"] == "active")


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_public_pages(browser, live, listed, device, lang):  # noqa: F811
    base = live["base"]
    ctx = browser.new_context(**VIEWPORTS[device])
    page = ctx.new_page()
    problems = _watch(page)
    shot = lambda name: page.screenshot(path=str(SHOTS / f"public-{name}-{device}-{lang}.png"), full_page=True)  # noqa: E731

    # verify a licence: by number, then a QR address that is not TISI's
    page.goto(f"{base}/verify?lang={lang}")
    _fits(page, "verify", lang)
    page.fill("#number", _licence_no(live))
    page.click("#verify-number button")
    page.wait_for_selector("#verify-result .licence")
    _fits(page, "verify result", lang)
    shot("verify")
    page.fill("#qr", "https://tisi-verify.example.invalid/check?no=1")
    page.click("#verify-qr button")
    page.wait_for_selector('#verify-result .warning[data-code="qr_not_tisi"]')

    # check a listing as a buyer, report it in one click, follow the complaint's status
    page.goto(f"{base}/check")
    _fits(page, "check", lang)
    page.fill("#title", "ปลั๊กพ่วง 4 ช่อง 3 เมตร")
    page.click("#check-btn")
    page.wait_for_selector("#check-result")
    _fits(page, "check result", lang)
    shot("check")
    page.click("#check-result #report-link")
    page.wait_for_selector("#complaint-form")
    assert "ปลั๊กพ่วง" in page.input_value("#text")
    page.fill("#listing_url", f"https://shopee.co.th/browser-{device}-{lang}")
    page.click("#complaint-btn")
    page.wait_for_selector("#ticket")
    _fits(page, "complaint answer", lang)
    ticket = page.inner_text("#ticket")
    assert re.fullmatch(r"C-\d+", ticket)
    shot("complaint")
    page.click("#status-link")
    page.wait_for_selector("#complaint-status")
    assert page.inner_text("#ticket") == ticket
    _fits(page, "complaint status", lang)

    # the public list, its filters and one entry
    page.goto(f"{base}/public/violations")
    page.wait_for_selector("#entries .entry")
    _fits(page, "violations", lang)
    shot("violations")
    page.select_option("#f-platform", "shopee")
    page.click("#filters button")
    page.wait_for_selector("#entries .entry")
    assert "platform=shopee" in page.url
    page.locator("#entries .entry h3 a").first.click()
    page.wait_for_selector("#entry")
    _fits(page, "violation", lang)

    # the SME self-check
    page.goto(f"{base}/sme")
    page.fill("#product", "ปลั๊กพ่วง 4 ช่อง 3 เมตร")
    page.select_option("#origin", "make")
    page.click("#sme-btn")
    page.wait_for_selector("#sme-result")
    assert page.get_attribute("#sme-licence", "data-type") == "ท"
    _fits(page, "sme result", lang)
    shot("sme")
    assert problems == [], problems
    ctx.close()


def test_an_officer_records_the_outcome_the_sender_sees(browser, live):  # noqa: F811
    base = live["base"]
    anon = browser.new_context(**VIEWPORTS["phone"])
    visitor = anon.new_page()
    visitor.goto(f"{base}/complaint?lang=th")
    visitor.fill("#listing_url", "https://lazada.co.th/products/outcome-1.html")
    visitor.fill("#text", "พัดลมไม่มีเครื่องหมาย มอก.")
    visitor.click("#complaint-btn")
    ticket = visitor.inner_text("#ticket")
    status_url = visitor.get_attribute("#status-link", "href")

    ctx = browser.new_context(**VIEWPORTS["desktop"])
    page = ctx.new_page()
    problems = _watch(page)
    _sign_in(page, base, "officer", live["passwords"]["officer"])
    page.goto(f"{base}/complaints/{ticket[2:]}")
    page.select_option("#outcome", "referred")
    page.fill("#note", "ส่งต่อ สคบ. แล้ว")
    page.click("#outcome-btn")
    page.wait_for_selector("#outcomes li >> text=referred")
    assert problems == []
    ctx.close()

    visitor.goto(status_url)
    visitor.wait_for_selector("#outcome")
    assert visitor.get_attribute("#outcome", "data-outcome") == "referred" and "ส่งต่อ สคบ." in visitor.inner_text(
        "#outcome"
    )
    _fits(visitor, "complaint status with outcome", "th")
    anon.close()


def test_schemathesis_finds_no_server_errors_in_the_public_api(live):
    """The public JSON API, driven from its own OpenAPI document (429s under the per-client limit are fine)."""
    import subprocess
    import sys
    from pathlib import Path

    r = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            live["base"] + "/openapi.json",
            "--checks",
            "not_a_server_error",
            "--include-tag",
            "public",
            "--max-examples",
            "30",
            "--phases",
            "examples,coverage,fuzzing",
            "--generation-deterministic",
            "--request-timeout",
            "10",
            "--max-time",
            "60",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
