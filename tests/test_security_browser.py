"""The Content-Security-Policy in a real browser (Chromium via Playwright): the pages' scripts are files, so the
strict policy blocks nothing the app needs — charts draw, the queue's keyboard works — and an injected inline
script would not run."""

from __future__ import annotations

import pytest

from test_browser import browser  # noqa: F401  (the Chromium fixture)

pytestmark = pytest.mark.browser


def _watch(page) -> list[str]:
    """Collect CSP violations and script errors seen by the page."""
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("console", lambda m: problems.append(m.text) if m.text.startswith("Content-Security-Policy") else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('Content-Security-Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return problems


def test_pages_work_under_the_csp(browser, live):  # noqa: F811
    base = live["base"]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    problems = _watch(page)
    page.goto(base + "/")
    assert "script-src 'self'" in page.evaluate("() => fetch('/').then(r => r.headers.get('content-security-policy'))")
    page.fill("#username", "officer")
    page.fill("#password", live["passwords"]["officer"])
    page.click("#signin")
    page.wait_for_url("**/queue")

    # keyboard navigation (static/queue.js): j, j selects the 2nd row, k goes back, Enter opens the selection
    page.keyboard.press("j")
    page.keyboard.press("j")
    rows = page.locator("#queue tbody tr")
    assert "kbd-selected" in (rows.nth(1).get_attribute("class") or "")
    page.keyboard.press("k")
    assert "kbd-selected" in (rows.nth(0).get_attribute("class") or "")
    first = rows.nth(0).locator("a.listing-link").get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + first)
    page.wait_for_selector("#verdict")

    # charts (static/chart.umd.js + static/dashboard.js, data from a JSON block)
    page.goto(base + "/dashboard")
    page.wait_for_function("document.querySelector('#c-platform').getAttribute('width') !== null")
    assert page.evaluate("() => Object.keys(Chart.instances).length") == 5

    # an inline script injected into the page is refused by the policy
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.__pwned === undefined")
    violations = [p for p in problems if "violation" in p]
    assert violations and all("script-src" in v for v in violations), problems  # only the injected one
    assert not [p for p in problems if "violation" not in p], problems
    ctx.close()
