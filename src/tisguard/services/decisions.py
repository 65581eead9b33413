"""Officer decisions: confirm (freezes evidence), dismiss, ask for more information; all audited.

The latest confirm/dismiss governs a listing (review.latest_final_decisions): notices take only listings
whose governing decision is a confirmation, and a dismissed listing whose content changes comes back to
the queue with the dismissal shown. A listing in a notice already sent cannot be dismissed: the platform
has been told to act, so the notice is closed (or reopened) first."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select

from tisguard.config import Settings
from tisguard.detect.verdict import FLAGGED_VALUES, Verdict
from tisguard.services import audit
from tisguard.services.errors import FieldError
from tisguard.services.evidence_package import build_package
from tisguard.services.notices import open_notice_of
from tisguard.services.review import listing_detail
from tisguard.store.queue_state import refresh_settled
from tisguard.store.tables import assessments, decisions, evidence_packages

LEGAL_BASES = {
    "sec20": {
        "th": "พ.ร.บ.มาตรฐานผลิตภัณฑ์อุตสาหกรรม พ.ศ. 2511 มาตรา 20 (ผลิตโดยไม่ได้รับใบอนุญาต)",
        "en": "Industrial Product Standards Act B.E. 2511, s. 20 (manufacture without a licence)",
    },
    "sec20bis": {
        "th": "พ.ร.บ.มาตรฐานผลิตภัณฑ์อุตสาหกรรม พ.ศ. 2511 มาตรา 20 ทวิ (นำเข้าโดยไม่ได้รับใบอนุญาต)",
        "en": "Industrial Product Standards Act B.E. 2511, s. 20 bis (import without a licence)",
    },
    "sec36": {
        "th": "พ.ร.บ.มาตรฐานผลิตภัณฑ์อุตสาหกรรม พ.ศ. 2511 มาตรา 36 (จำหน่ายผลิตภัณฑ์ที่ไม่เป็นไปตามมาตรฐาน)",
        "en": "Industrial Product Standards Act B.E. 2511, s. 36 (selling non-conforming products)",
    },
}
DISMISS_REASONS = {
    "false_positive": "ไม่ใช่สินค้าควบคุม / not a regulated product",
    "licence_valid": "มีใบอนุญาตถูกต้อง / licence is valid",
    "duplicate": "ซ้ำกับรายการอื่น / duplicate",
    "other": "อื่นๆ / other",
}
KINDS = ("confirm", "dismiss", "more_info")


class DecisionError(FieldError):
    pass


def decide(
    db: Engine,
    settings: Settings,
    listing_pk: int,
    kind: str,
    actor: str,
    legal_basis: str | None = None,
    reason: str | None = None,
) -> dict:
    if kind not in KINDS:
        raise DecisionError("decision", f"must be one of {', '.join(KINDS)}")
    if kind == "confirm" and legal_basis not in LEGAL_BASES:
        raise DecisionError("legal_basis", f"choose one of {', '.join(LEGAL_BASES)}")
    if kind == "dismiss" and reason not in DISMISS_REASONS:
        raise DecisionError("reason", f"choose one of {', '.join(DISMISS_REASONS)}")
    detail = listing_detail(db, listing_pk)
    if detail is None:
        raise LookupError(listing_pk)
    if kind == "dismiss":
        with db.connect() as conn:
            sent = open_notice_of(conn, listing_pk)
        if sent is not None and sent.state != "draft":
            raise DecisionError(
                "decision", f"listing is in notice {sent.id} ({sent.state}); it cannot be dismissed while that is open"
            )
    now = datetime.now(UTC)
    package = None
    if kind == "confirm":
        path, digest, manifest = build_package(detail, settings.evidence_dir, photo_dir=settings.image_cache_dir)
        package = {"path": str(path), "sha256": digest, "manifest": manifest}
    a = detail["assessment"]
    with db.begin() as conn:
        dec_pk = conn.execute(
            decisions.insert().values(
                listing_pk=listing_pk,
                assessment_pk=a["id"] if a else None,
                decision=kind,
                legal_basis=legal_basis,
                reason=reason,
                tis_number=a["tis"] if a else None,
                by_user=actor,
                at=now,
            )
        ).inserted_primary_key[0]
        refresh_settled(conn, [listing_pk])  # in or out of the queue's index with this decision
        ev_pk = None
        if package:
            ev_pk = conn.execute(
                evidence_packages.insert().values(
                    listing_pk=listing_pk,
                    decision_pk=dec_pk,
                    path=package["path"],
                    sha256=package["sha256"],
                    manifest=package["manifest"],
                    captured_at=now,
                )
            ).inserted_primary_key[0]
        audit.record(
            conn,
            actor,
            f"decision.{kind}",
            f"{detail['platform']}/{detail['listing_id']}",
            {"legal_basis": legal_basis, "reason": reason, "evidence_sha256": package["sha256"] if package else None},
        )
    if kind == "dismiss":  # a dismissed listing leaves the public list of non-standard products now, with a feed event
        from tisguard.services.publication import refresh

        refresh(db, now)
    return {
        "decision_id": dec_pk,
        "decision": kind,
        "evidence_id": ev_pk,
        "evidence_sha256": package["sha256"] if package else None,
    }


def latest_evidence(db: Engine, listing_pk: int):
    with db.connect() as conn:
        return conn.execute(
            select(evidence_packages)
            .where(evidence_packages.c.listing_pk == listing_pk)
            .order_by(evidence_packages.c.id.desc())
        ).first()


def export_labels(db: Engine):
    """Confirmed and dismissed listings as labelled records in the spec's format (for retraining)."""
    from tisguard.store.listings import listing_query, stored_listing
    from tisguard.store.tables import listings

    with db.connect() as conn:
        rows = conn.execute(
            select(
                decisions.c.listing_pk,
                decisions.c.decision,
                decisions.c.tis_number,
                decisions.c.reason,
                decisions.c.legal_basis,
                assessments.c.verdict,
            )
            .outerjoin(assessments, assessments.c.id == decisions.c.assessment_pk)
            .where(decisions.c.decision.in_(("confirm", "dismiss")))
            .order_by(decisions.c.id)
        ).all()
        latest = {r.listing_pk: r for r in rows}
        for pk, d in latest.items():
            lrow = conn.execute(listing_query().where(listings.c.id == pk)).first()
            rec = stored_listing(lrow).model_dump(mode="json", exclude_none=True)
            if d.decision == "confirm":
                verdict = d.verdict if d.verdict in FLAGGED_VALUES else Verdict.NON_COMPLIANT.value
                label = {"verdict": verdict, "tis": d.tis_number, "reason": f"officer confirmed ({d.legal_basis})"}
            elif d.reason == "false_positive":
                label = {"verdict": "not_regulated", "tis": None, "reason": "officer dismissed: not regulated"}
            else:
                label = {"verdict": "compliant", "tis": d.tis_number, "reason": f"officer dismissed: {d.reason}"}
            rec["label"] = label
            yield rec
