"""The admin page shows the category model the engine runs: version, when it was trained (Buddhist-era date in
Thai and ISO), on which sources (name, records used, digest) and its cross-validated figures (issue 10)."""

from __future__ import annotations

import html
import re
from datetime import datetime
from types import SimpleNamespace

from webfixtures import sign_in


def _model_card(page: str) -> str:
    assert 'id="category-model"' in page, "the admin page has no category-model section"
    return page.split('id="category-model"', 1)[1].split("</div>", 1)[0]


def test_admin_page_shows_the_running_model(web):
    from tisguard.services.thai import be_date

    client = web[0]
    model = client.app.state.engine.ref.model
    meta = model.meta
    sign_in(client, "admin", "admin-pass-123")
    resp = client.get("/admin?lang=th")
    assert resp.status_code == 200
    card = html.unescape(_model_card(resp.text))

    assert model.version in card
    trained = datetime.fromisoformat(meta["trained_at"])
    thai = be_date(trained, "th", with_time=True)
    assert str(trained.astimezone().year + 543) in thai  # Buddhist era
    assert thai in card
    assert trained.isoformat() in card
    for src in meta["trained_on"]:
        row = re.search(rf"<tr><td>{re.escape(src['name'])}</td>.*?</tr>", card, re.S)
        assert row, f"source {src['name']} not listed"
        assert f"{src['used']:,}" in row.group(0) and src["sha256_12"] in row.group(0)
    learner = meta["learner"]  # the shipped model says what learnt it
    assert re.search(rf'id="model-learner">{re.escape(learner["kind"])} \(', card)
    rd = meta["cross_validation"]["real-dev"]
    assert f"{100 * rd['false_positive_rate']:.2f}%" in card
    assert f"{rd['regulated_recall']:.4f}" in card and f"{rd['standard_accuracy']:.4f}" in card

    # the English page carries the same facts
    card_en = html.unescape(_model_card(client.get("/admin?lang=en").text))
    assert "Category model" in card_en and model.version in card_en and trained.isoformat() in card_en


def test_officer_cannot_see_the_model_section(web):
    client = web[0]
    sign_in(client, "officer", "officer-pass-123")
    assert client.get("/admin").status_code == 403


def test_model_info_tolerates_a_model_without_metadata():
    from tisguard.web.admin_pages import model_info

    info = model_info(SimpleNamespace(version="cat-lr-f8-x-y", temperature=1.0, meta={}))
    assert info["version"] == "cat-lr-f8-x-y"
    assert info["trained_at"] is None and info["sources"] == [] and info["real_dev"] is None
