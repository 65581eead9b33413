"""Publishing confirmed non-standard products: what a supervisor approves, withdraws, and what leaves the list.

An entry is published only when a supervisor approves it, for a listing whose governing decision is a
confirmation. Approval snapshots what the public sees: the product name (the listing title scrubbed of
personal data, or the supervisor's wording, scrubbed too), the brand, the standard, what was wrong, the
platform, and a photo re-encoded without metadata when the supervisor chooses one. Seller fields are never
copied, and the seller's own name, id, tax id and shop handle are scrubbed out of the text. Each entry has a
takedown date, after which it leaves the list.

The change feed (`publication_events`) is numbered in commit order: every event is audited first, and the
audit appender takes the audit head's lock (services/audit.py), so no two writers number events at once and
a reader polling `after=<seq>` never skips one. `refresh` expires entries past their takedown date and
withdraws those whose listing was dismissed since; readers call it, and it writes only when something is due.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, and_, func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from tisguard.services import audit
from tisguard.services.errors import FieldError
from tisguard.services.privacy import scrub, scrub_or_none
from tisguard.services.review import latest_final_decisions
from tisguard.services.thai import BANGKOK
from tisguard.store.tables import (
    assessments,
    decisions,
    listing_images,
    listings,
    publication_events,
    publications,
    sellers,
    users,
)

STATES = ("published", "withdrawn", "expired")
DEFAULT_DAYS = 365
MAX_DAYS = 3 * 365
MAX_PRODUCT = 300
MAX_NOTE = 1_000
PHOTO_SIDE = 480
APPROVE_ROLES = ("supervisor", "admin")
# what was wrong, as the public reads it: the signals that decide a verdict, never context about the seller
PUBLIC_REASON_GROUPS = ("licence_bad", "admission", "claim")
# context about the product itself (not its seller): a label QR leading off TISI's site, a recall abroad
PUBLIC_CONTEXT_CODES = ("qr_suspicious", "recall_match")
NO_TIS = "no_tis_evidence"


class PublicationError(FieldError):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def month_of(d: datetime) -> str:
    return _utc(d).astimezone(BANGKOK).strftime("%Y-%m")


def public_reasons(reasons: list[dict] | None, groups: dict[str, str], known=()) -> list[dict]:
    """The reasons a member of the public may read: those that decided the verdict (no seller context, no
    intermediate findings), scrubbed of personal data. `groups` maps a signal to its scorer group."""
    out = []
    for r in reasons or []:
        code = r.get("code", "")
        if code in (NO_TIS, *PUBLIC_CONTEXT_CODES) or groups.get(code) in PUBLIC_REASON_GROUPS:
            out.append({"code": code, "th": scrub(r.get("th"), known), "en": scrub(r.get("en"), known)})
    return out


def seller_strings(row) -> list[str]:
    """The strings that identify the seller: kept out of public text whoever the seller is (a shop's name is
    often its owner's own; whether a seller is a juristic person is not always known)."""
    handle = (row.shop_url or "").rstrip("/").rsplit("/", 1)[-1]
    return [s for s in (row.seller_name, row.seller_id, handle, row.juristic_id) if s]


def _candidate_query():
    lf = latest_final_decisions()
    live = select(publications.c.id).where(
        publications.c.listing_pk == listings.c.id, publications.c.state == "published"
    )
    return (
        select(
            listings.c.id.label("listing_pk"),
            listings.c.platform,
            listings.c.title,
            listings.c.brand,
            sellers.c.name.label("seller_name"),
            sellers.c.seller_id,
            sellers.c.shop_url,
            sellers.c.juristic_id,
            sellers.c.dbd_registered,
            decisions.c.id.label("decision_pk"),
            decisions.c.at.label("confirmed_at"),
            decisions.c.legal_basis,
            decisions.c.tis_number,
            assessments.c.reasons,
        )
        .join(sellers, sellers.c.id == listings.c.seller_pk)
        .join(lf, lf.c.listing_pk == listings.c.id)
        .join(decisions, decisions.c.id == lf.c.decision_id)
        .outerjoin(assessments, assessments.c.id == decisions.c.assessment_pk)
        .where(decisions.c.decision == "confirm", ~live.exists())
    )


def candidates(db: Engine, groups: dict[str, str], limit: int = 100) -> list[dict]:
    """Confirmed listings not on the public list, newest confirmation first, with what approval would publish."""
    with db.connect() as conn:
        rows = conn.execute(_candidate_query().order_by(decisions.c.at.desc()).limit(limit)).all()
        photos = _photo_shas(conn, [r.listing_pk for r in rows])
    out = []
    for r in rows:
        known = seller_strings(r)
        out.append(
            {
                "listing_pk": r.listing_pk,
                "platform": r.platform,
                "product": scrub(r.title, known)[:MAX_PRODUCT],
                "brand": scrub_or_none(r.brand, known),
                "tis": r.tis_number,
                "legal_basis": r.legal_basis,
                "confirmed_at": r.confirmed_at,
                "reasons": public_reasons(r.reasons, groups, known),
                "has_photo": r.listing_pk in photos,
            }
        )
    return out


def _photo_shas(conn, listing_pks: list[int]) -> dict[int, list[str]]:
    if not listing_pks:
        return {}
    out: dict[int, list[str]] = {}
    for pk, sha in conn.execute(
        select(listing_images.c.listing_pk, listing_images.c.sha256)
        .where(listing_images.c.listing_pk.in_(listing_pks), listing_images.c.sha256.is_not(None))
        .order_by(listing_images.c.listing_pk, listing_images.c.position)
    ):
        out.setdefault(pk, []).append(sha)
    return out


def candidate_photo(db: Engine, photo_dir, listing_pk: int) -> bytes | None:
    """The first kept photo of a listing as a metadata-free JPEG thumbnail (None when none is kept)."""
    from tisguard.images.fetch import ImageRejected, load_local

    with db.connect() as conn:
        shas = _photo_shas(conn, [listing_pk]).get(listing_pk, [])
    for sha in shas:
        path = photo_dir / "photos" / sha
        if len(sha) == 64 and sha.isalnum() and path.is_file():
            try:
                img = load_local(path).image
            except ImageRejected:
                continue
            img.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=80)  # a fresh file: no EXIF, no GPS, no comments
            return buf.getvalue()
    return None


def _clean(field: str, value: str | None, max_chars: int, known) -> str | None:
    v = (value or "").strip()
    if len(v) > max_chars:
        raise PublicationError(field, f"must be at most {max_chars} characters")
    if "\x00" in v:
        raise PublicationError(field, "contains characters that are not valid text")
    return scrub(v, known) or None


def _takedown(takedown_on: date | None, now: datetime) -> datetime:
    today = now.astimezone(BANGKOK).date()
    day = takedown_on or today + timedelta(days=DEFAULT_DAYS)
    if day <= today:
        raise PublicationError("takedown_on", "the takedown date must be after today")
    if day > today + timedelta(days=MAX_DAYS):
        raise PublicationError("takedown_on", f"the takedown date must be within {MAX_DAYS} days")
    return datetime.combine(day, time(), tzinfo=BANGKOK).astimezone(UTC)


def _check_role(conn, actor: str) -> None:
    who = conn.execute(select(users.c.role, users.c.active).where(users.c.username == actor)).first()
    if who is None or not who.active or who.role not in APPROVE_ROLES:
        raise PublicationError("role", "only a supervisor can approve or withdraw a publication")


def _event(conn, pub_pk: int, event: str, at: datetime, actor: str, detail: dict | None = None) -> int:
    """Audit the change (this takes the audit head's lock), then number the feed event after the last one."""
    audit.record(conn, actor, f"publication.{event}", f"publication/{pub_pk}", detail)
    seq = (conn.execute(select(func.max(publication_events.c.seq))).scalar() or 0) + 1
    conn.execute(publication_events.insert().values(seq=seq, publication_pk=pub_pk, event=event, at=at))
    return seq


def approve(
    db: Engine,
    photo_dir,
    groups: dict[str, str],
    listing_pk: int,
    actor: str,
    product: str | None = None,
    note: str | None = None,
    takedown_on: date | None = None,
    include_photo: bool = True,
    now: datetime | None = None,
) -> int:
    """Publish a confirmed listing; returns the entry's number. Audited; a feed event is written."""
    now = now or _now()
    takedown_at = _takedown(takedown_on, now)
    with db.connect() as conn:
        row = conn.execute(_candidate_query().where(listings.c.id == listing_pk)).first()
        if row is None:
            exists = conn.execute(select(listings.c.id).where(listings.c.id == listing_pk)).first()
            if exists is None:
                raise LookupError(listing_pk)
            raise PublicationError(
                "listing_pk", f"listing {listing_pk} is not a confirmed violation, or it is already published"
            )
    known = seller_strings(row)
    product_v = _clean("product", product, MAX_PRODUCT, known) or scrub(row.title, known)[:MAX_PRODUCT]
    if not product_v.strip():
        raise PublicationError("product", "the product name is empty once personal data is removed: write one")
    photo = candidate_photo(db, photo_dir, listing_pk) if include_photo else None
    values = {
        "listing_pk": listing_pk,
        "decision_pk": row.decision_pk,
        "state": "published",
        "product": product_v,
        "brand": scrub_or_none(row.brand, known),
        "tis_number": row.tis_number,
        "platform": row.platform,
        "legal_basis": row.legal_basis,
        "reasons": public_reasons(row.reasons, groups, known),
        "note": _clean("note", note, MAX_NOTE, known),
        "confirmed_at": _utc(row.confirmed_at),
        "month": month_of(row.confirmed_at),
        "photo": photo,
        "approved_by": actor[:80],
        "approved_at": now,
        "takedown_at": takedown_at,
    }
    try:
        with db.begin() as conn:
            _check_role(conn, actor)
            pk = conn.execute(publications.insert().values(**values)).inserted_primary_key[0]
            _event(
                conn,
                pk,
                "published",
                now,
                actor,
                {"listing_pk": listing_pk, "takedown_at": takedown_at.isoformat(), "photo": photo is not None},
            )
    except IntegrityError:  # another supervisor published this listing at the same moment
        raise PublicationError("listing_pk", f"listing {listing_pk} is already published") from None
    return pk


def withdraw(db: Engine, pub_pk: int, actor: str, reason: str, now: datetime | None = None) -> None:
    """Take an entry off the list before its takedown date (an error, an appeal upheld). Audited."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_NOTE:
        raise PublicationError("reason", f"withdrawing needs a reason (at most {MAX_NOTE} characters)")
    now = now or _now()
    with db.begin() as conn:
        _check_role(conn, actor)
        done = conn.execute(
            update(publications)
            .where(publications.c.id == pub_pk, publications.c.state == "published")
            .values(state="withdrawn", ended_at=now, ended_by=actor[:80], end_reason=reason)
        ).rowcount
        if done == 0:
            if conn.execute(select(publications.c.id).where(publications.c.id == pub_pk)).first() is None:
                raise LookupError(pub_pk)
            raise PublicationError("state", f"entry {pub_pk} is not on the public list")
        _event(conn, pub_pk, "withdrawn", now, actor, {"reason": reason})


def _due(conn, now: datetime) -> list[tuple[int, str, datetime, str]]:
    """(entry, event, at, reason) for live entries past their takedown date or no longer confirmed."""
    expired = conn.execute(
        select(publications.c.id, publications.c.takedown_at).where(
            publications.c.state == "published", publications.c.takedown_at <= now
        )
    ).all()
    lf = latest_final_decisions()
    gone = conn.execute(
        select(publications.c.id, decisions.c.at)
        .select_from(
            publications.outerjoin(lf, lf.c.listing_pk == publications.c.listing_pk).outerjoin(
                decisions, decisions.c.id == lf.c.decision_id
            )
        )
        .where(publications.c.state == "published", publications.c.takedown_at > now)
        .where((decisions.c.decision.is_(None)) | (decisions.c.decision != "confirm"))
    ).all()
    return [(r.id, "expired", _utc(r.takedown_at), "takedown date reached") for r in expired] + [
        (r.id, "withdrawn", min(_utc(r.at) or now, now), "the listing's confirmation was replaced by a dismissal")
        for r in gone
    ]


def refresh(db: Engine, now: datetime | None = None) -> int:
    """Expire and withdraw what is due; returns how many entries changed. Best effort: a concurrent refresh
    doing the same work is not an error (the list itself never shows due entries either way)."""
    now = now or _now()
    with db.connect() as conn:
        if not _due(conn, now):
            return 0
    changed = 0
    try:
        with db.begin() as conn:
            for pk, event, at, why in _due(conn, now):
                state = "expired" if event == "expired" else "withdrawn"
                if conn.execute(
                    update(publications)
                    .where(publications.c.id == pk, publications.c.state == "published")
                    .values(state=state, ended_at=at, ended_by="system", end_reason=why)
                ).rowcount:
                    _event(conn, pk, event, at, "system", {"reason": why})
                    changed += 1
    except (IntegrityError, DBAPIError):
        return 0
    return changed


def list_for_supervisor(db: Engine, state: str = "published", limit: int = 200) -> list[dict]:
    if state not in STATES:
        raise PublicationError("state", f"must be one of {', '.join(STATES)}")
    cols = [c for c in publications.c if c.name != "photo"]
    with db.connect() as conn:
        rows = conn.execute(
            select(*cols, publications.c.photo.is_not(None).label("has_photo"))
            .where(publications.c.state == state)
            .order_by(publications.c.id.desc())
            .limit(limit)
        ).all()
    return [dict(r._mapping) for r in rows]


def live_condition(now: datetime):
    """SQL: the entry is on the public list now (published, before its takedown, still confirmed)."""
    lf = latest_final_decisions()
    still = (
        select(decisions.c.id)
        .select_from(lf.join(decisions, decisions.c.id == lf.c.decision_id))
        .where(lf.c.listing_pk == publications.c.listing_pk, decisions.c.decision == "confirm")
    )
    return and_(publications.c.state == "published", publications.c.takedown_at > now, still.exists())
