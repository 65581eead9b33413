"""The monthly report for management and partner agencies: a Thai (or English) PDF with Buddhist-era dates.

Every figure comes from services/figures.py, the queries behind the dashboard. Charts are drawn server-side by
matplotlib (3.11 shapes text with HarfBuzz/raqm, so Thai labels are right) as PNG at 180 dpi. SVG with text kept
as text was tried: WeasyPrint's SVG renderer places those glyphs unshaped.
Generating a report for someone records it (`report_runs`: the PDF's SHA-256 and the figures) and audits it.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime

from sqlalchemy import Engine

from tisguard.services import audit
from tisguard.services import figures as fig
from tisguard.services.notices import DEADLINE_BUSINESS_DAYS
from tisguard.services.pdf import data_uri, render_pdf, thai_fonts
from tisguard.services.thai import MONTHS_TH
from tisguard.store.tables import listings, report_runs

MONTHS_TH_FULL = [
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
]  # fmt: skip
MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
OUTCOME_LABELS = {
    "open": ("ยังไม่มีผล", "open"),
    "referred": ("ส่งตรวจสอบ/ดำเนินการ", "referred for action"),
    "violation_confirmed": ("พบการฝ่าฝืน", "violation confirmed"),
    "no_violation": ("ไม่พบการฝ่าฝืน", "no violation"),
    "not_regulated": ("ไม่ใช่สินค้าควบคุม", "not a regulated product"),
    "duplicate": ("ซ้ำกับเรื่องเดิม", "duplicate"),
}


def month_title(period: fig.Period, lang: str) -> str:
    y, m = (int(x) for x in period.label.split("-"))
    return f"{MONTHS_TH_FULL[m - 1]} {y + 543}" if lang == "th" else f"{MONTHS_EN[m - 1]} {y}"


def monthly_figures(db: Engine, month: str) -> dict:
    """Everything the monthly report prints, as plain data (also the JSON of the report page)."""
    p = fig.Period.month(month)
    with db.connect() as conn:
        scanned, flagged = fig.scanned_flagged(conn, p)
        per = fig.scanned_flagged_by(conn, p, listings.c.platform, limit=None)
        conf = fig.decided_by_platform(conn, p, "confirm")
        sent = fig.notices_sent_by_platform(conn, p)
        rem = fig.actions_by_platform(conn, p, "removed")
        ref = fig.actions_by_platform(conn, p, "refused")
        times = fig.removal_times(conn, p)
        out = {
            "month": p.label,
            "first_day": p.first_day.isoformat(),
            "last_day": p.last_day.isoformat(),
            "totals": {
                "scanned": scanned,
                "flagged": flagged,
                "confirmed": fig.decided(conn, p, "confirm"),
                "dismissed": fig.decided(conn, p, "dismiss"),
                "notices_created": fig.notices_created(conn, p),
                "notices_sent": sum(sent.values()),
                "removed": sum(rem.values()),
                "refused": sum(ref.values()),
            },
            "platforms": [
                {
                    "platform": pf,
                    "scanned": per.get(pf, {}).get("scanned", 0),
                    "flagged": per.get(pf, {}).get("flagged", 0),
                    "confirmed": conf.get(pf, 0),
                    "notices_sent": sent.get(pf, 0),
                    "removed": rem.get(pf, 0),
                    "refused": ref.get(pf, 0),
                }
                for pf in sorted(set(per) | set(conf) | set(sent) | set(rem) | set(ref))
            ],
            "removal": fig.removal_summary(times),
            "removal_by_platform": {
                pf: fig.removal_summary([t for t in times if t["platform"] == pf])
                for pf in sorted({t["platform"] for t in times})
            },
            "deadline_business_days": DEADLINE_BUSINESS_DAYS,
            "top_standards": fig.flagged_by_standard(conn, p, limit=10),
            "top_product_types": fig.top_product_types(conn, p, limit=10),
            "top_sellers": fig.top_sellers(conn, p, limit=10),
            "networks": fig.networks(conn, p, limit=10),
            "recalls": fig.recall_matches(conn, p, limit=10),
            "complaints": fig.complaint_figures(conn, p),
            "trend": fig.trend(conn, p, limit=31),
            "engine_versions": fig.engine_versions(conn, p),
        }
    return out


def _thai_family() -> str:
    """The family name of the Thai font the PDFs embed, registered with matplotlib."""
    from matplotlib import font_manager

    path = str(thai_fonts()[0])
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _png(draw) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"font.family": [_thai_family(), "DejaVu Sans"], "font.size": 9}):
        f, ax = plt.subplots(figsize=(7.2, 2.6))
        try:
            draw(ax)
            ax.spines[["top", "right"]].set_visible(False)
            f.tight_layout()
            buf = io.BytesIO()
            f.savefig(buf, format="png", dpi=180, metadata={"Software": None})
        finally:
            plt.close(f)
    return data_uri(buf.getvalue(), "image/png")


def charts(f: dict, lang: str) -> dict[str, str]:
    """Bar charts as PNG data: URIs (drawn only when there is something to show)."""
    th = lang == "th"
    out: dict[str, str] = {}
    pf = f["platforms"]
    if pf:

        def platforms(ax):
            import numpy as np

            x = np.arange(len(pf))
            series = [
                ("flagged", "ถูกตั้งข้อสังเกต" if th else "flagged", "#f0ad4e"),
                ("notices_sent", "ส่งหนังสือแจ้ง" if th else "notices sent", "#5bc0de"),
                ("removed", "ถูกลบ" if th else "removed", "#5cb85c"),
                ("refused", "ปฏิเสธ" if th else "refused", "#d9534f"),
            ]
            w = 0.2
            for i, (k, label, colour) in enumerate(series):
                ax.bar(x + (i - 1.5) * w, [p[k] for p in pf], w, label=label, color=colour)
            ax.set_xticks(x, [p["platform"] for p in pf])
            ax.legend(fontsize=8, frameon=False)

        out["platforms"] = _png(platforms)
    if f["trend"]:

        def trend(ax):
            days = [t["day"][8:10] for t in f["trend"]]
            ax.bar(days, [t["scanned"] for t in f["trend"]], color="#9ab", label="สแกน" if th else "scanned")
            ax.bar(days, [t["flagged"] for t in f["trend"]], color="#f0ad4e", label="ถูกตั้งข้อสังเกต" if th else "flagged")
            ax.set_xlabel("วันที่" if th else "day of month")
            ax.tick_params(axis="x", labelsize=7)
            ax.legend(fontsize=8, frameon=False)

        out["trend"] = _png(trend)
    if f["removal"]["removed"]:

        def removal(ax):
            d = f["removal"]["distribution"]
            ax.bar(list(d), list(d.values()), color="#5cb85c")
            ax.set_ylabel("รายการ" if th else "listings")

        out["removal"] = _png(removal)
    return out


def monthly_pdf(db: Engine, month: str, lang: str = "th", actor: str | None = None) -> tuple[bytes, dict]:
    """The PDF and its figures; with `actor`, the run is recorded (report_runs) and audited."""
    if lang not in ("th", "en"):
        raise ValueError("lang must be th or en")
    f = monthly_figures(db, month)
    p = fig.Period.month(month)
    now = datetime.now(UTC)
    pdf = render_pdf(
        "pdf_report.html",
        lang=lang,
        f=f,
        title=month_title(p, lang),
        first_day=p.first_day,
        last_day=p.last_day,
        generated_at=now,
        charts=charts(f, lang),
        outcomes=OUTCOME_LABELS,
        months_th=MONTHS_TH,
    )
    if actor:
        sha = hashlib.sha256(pdf).hexdigest()
        with db.begin() as conn:
            rid = conn.execute(
                report_runs.insert().values(
                    kind="monthly",
                    period=f["month"],
                    lang=lang,
                    sha256=sha,
                    figures=f,
                    created_by=actor[:80],
                    created_at=now,
                )
            ).inserted_primary_key[0]
            audit.record(
                conn, actor, "report.monthly", f"report/{rid}", {"month": f["month"], "lang": lang, "sha256": sha}
            )
    return pdf, f
