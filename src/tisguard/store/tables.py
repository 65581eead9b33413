"""All tables of tisguard, as SQLAlchemy Core tables (bulk ingest needs Core, not ORM)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)

metadata = MetaData()
PK = lambda: Column("id", Integer, primary_key=True, autoincrement=True)  # noqa: E731

standards = Table(
    "standards",
    metadata,
    PK(),
    Column("tis_number", String(40), nullable=False),  # '685 เล่ม 1'
    Column("number", Integer, nullable=False),  # 685
    Column("part", String(20)),  # '1', '2(32)'
    Column("year_be", Integer, nullable=False),
    Column("name_th", Text, nullable=False),
    Column("name_en", Text),
    Column("source", Text, nullable=False),
    Column("effective_date", String(10)),  # ISO, derived from B.E.
    Column("effective_date_as_written", Text),
    Column("evidence_of_status", Text),
    Column("status", String(12), nullable=False, default="active"),  # active | superseded | retired
    Column("superseded_by_year", Integer),
    Column("updated_at", DateTime(timezone=True)),
    UniqueConstraint("tis_number", "year_be", name="uq_standard_edition"),
)

licences = Table(
    "licences",
    metadata,
    PK(),
    Column("licence_no", String(60), nullable=False),
    Column("licence_key", String(60), nullable=False, unique=True),  # normalised
    Column("licence_type", String(4)),
    Column("tis_number", String(40), nullable=False),
    Column("tis_year", Integer),
    Column("licensee", Text, nullable=False),
    Column("licensee_juristic_id", String(13)),
    Column("brands", Text),
    Column("status", String(12), nullable=False),
    Column("issued_on", String(10)),
    Column("imported_at", DateTime(timezone=True)),
)

sellers = Table(
    "sellers",
    metadata,
    PK(),
    Column("platform", String(40), nullable=False),
    Column("seller_id", String(200), nullable=False),
    Column("name", Text),
    Column("country", String(2)),
    Column("juristic_id", String(13)),
    Column("dbd_registered", Boolean),
    Column("shop_url", Text),
    UniqueConstraint("platform", "seller_id", name="uq_seller"),
)

listings = Table(
    "listings",
    metadata,
    PK(),
    Column("platform", String(40), nullable=False),
    Column("listing_id", String(200), nullable=False),
    Column("seller_pk", Integer, ForeignKey("sellers.id"), nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text),
    Column("url", Text),
    Column("price", Float),
    Column("currency", String(3)),
    Column("brand", Text),
    Column("model", Text),
    Column("platform_category", Text),
    Column("attributes", JSON),
    Column("images", JSON),
    Column("sold_count", BigInteger),
    Column("captured_at", DateTime(timezone=True)),
    Column("extra", JSON),
    Column("content_hash", String(64), nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("ingest_run", Integer),  # the ingest run that last wrote it (a 2nd record in one run is a duplicate)
    UniqueConstraint("platform", "listing_id", name="uq_listing"),
)
Index("ix_listings_seller", listings.c.seller_pk)

listing_snapshots = Table(
    "listing_snapshots",
    metadata,
    PK(),
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("captured_at", DateTime(timezone=True), nullable=False),
    Column("title", Text, nullable=False),
    Column("price", Float),
    Column("description", Text),
    UniqueConstraint("listing_pk", "content_hash", name="uq_snapshot"),
)

listing_images = Table(
    "listing_images",
    metadata,
    PK(),
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("url", Text),
    Column("path", Text),
    Column("sha256", String(64)),
    UniqueConstraint("listing_pk", "position", name="uq_listing_image"),
)

assessments = Table(
    "assessments",
    metadata,
    PK(),
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("tis_number", String(40)),
    Column("risk", Float, nullable=False),
    Column("priority", Float, nullable=False, default=0.0),
    Column("reasons", JSON, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("waterfall", JSON, nullable=False),
    Column("engine_version", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("is_latest", Boolean, nullable=False, default=True),
    # decided already (store/queue_state.py): kept out of the officer queue's index (migration 0012)
    Column("settled", Boolean, nullable=False, default=False, server_default=text("false")),
)
Index("ix_assessments_latest", assessments.c.listing_pk, assessments.c.is_latest)
# the queue's index is the partial ix_assessments_queue_walk (migration 0011; ix_assessments_queue dropped there)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    PK(),
    Column("source", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("summary", JSON),
)

rejects = Table(
    "rejects",
    metadata,
    PK(),
    Column("source_key", String(64), nullable=False),  # sha256 of the source's resolved path / batch id
    Column("source", Text, nullable=False),
    Column("record_no", Integer, nullable=False),
    Column("listing_id", String(200)),
    Column("field", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw_excerpt", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source_key", "record_no", "field", name="uq_reject"),
)

# --- people, decisions, audit (officer app) ---
users = Table(
    "users",
    metadata,
    PK(),
    Column("username", String(80), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    PK(),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(60), nullable=False),
    Column("subject", String(200)),
    Column("detail", JSON),
    # hash chain (migration 0003): row_hash = sha256(prev_hash + the row's content), see services/audit.py
    Column("seq", BigInteger),
    Column("prev_hash", String(64)),
    Column("row_hash", String(64)),
    Index("uq_audit_log_seq", "seq", unique=True),
)

decisions = Table(
    "decisions",
    metadata,
    PK(),
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("assessment_pk", Integer, ForeignKey("assessments.id")),
    Column("decision", String(20), nullable=False),  # confirm | dismiss | more_info
    Column("legal_basis", Text),
    Column("reason", Text),
    Column("tis_number", String(40)),
    Column("by_user", String(80), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
Index("ix_decisions_listing", decisions.c.listing_pk, decisions.c.id)

evidence_packages = Table(
    "evidence_packages",
    metadata,
    PK(),
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("decision_pk", Integer, ForeignKey("decisions.id")),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("manifest", JSON, nullable=False),
    Column("captured_at", DateTime(timezone=True), nullable=False),
)

notices = Table(
    "notices",
    metadata,
    PK(),
    Column("platform", String(40), nullable=False),
    Column("state", String(20), nullable=False),  # draft sent acknowledged removed refused overdue
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("deadline", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("legal_basis", Text),
    Column("history", JSON),
)

notice_items = Table(
    "notice_items",
    metadata,
    PK(),
    Column("notice_pk", Integer, ForeignKey("notices.id"), nullable=False),
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("evidence_pk", Integer, ForeignKey("evidence_packages.id")),
    Column("action", String(20)),  # removed | refused | seller_notified
    Column("action_reason", Text),
    Column("action_at", DateTime(timezone=True)),
    Column("is_open", Boolean, nullable=False, default=False, server_default=false()),  # while its notice is open
    UniqueConstraint("notice_pk", "listing_pk", name="uq_notice_item"),
    # a listing is in at most one open notice (migration 0003)
    Index(
        "uq_open_notice_item",
        "listing_pk",
        unique=True,
        sqlite_where=text("is_open"),
        postgresql_where=text("is_open"),
    ),
)

cases = Table(
    "cases",
    metadata,
    PK(),
    Column("title", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("assignee", String(80)),
    Column("notes", JSON),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

case_items = Table(
    "case_items",
    metadata,
    PK(),
    Column("case_pk", Integer, ForeignKey("cases.id"), nullable=False),
    Column("listing_pk", Integer, ForeignKey("listings.id")),
    Column("seller_pk", Integer, ForeignKey("sellers.id")),
)

# --- platform data exchange ---
platforms = Table(
    "platforms",
    metadata,
    PK(),
    Column("name", String(40), nullable=False, unique=True),
    Column("webhook_url", Text),
    Column("webhook_secret", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    PK(),
    Column("platform_pk", Integer, ForeignKey("platforms.id"), nullable=False),
    Column("key_prefix", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

idempotency = Table(
    "idempotency_keys",
    metadata,
    PK(),
    Column("platform", String(40), nullable=False),
    Column("key", String(200), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("response", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("platform", "key", name="uq_idempotency"),
)

api_calls = Table(
    "api_calls",
    metadata,
    PK(),
    Column("platform", String(40)),
    Column("method", String(8), nullable=False),
    Column("path", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    PK(),
    Column("platform", String(40), nullable=False),
    Column("notice_pk", Integer, ForeignKey("notices.id"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)

complaints = Table(
    "complaints",
    metadata,
    PK(),
    Column("listing_url", Text),
    Column("platform", String(40)),
    Column("listing_id", String(200)),
    Column("text", Text, nullable=False),
    Column("contact", Text),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("spam", Boolean, nullable=False, default=False, server_default=false()),  # migration 0002
    Column("client_hash", String(64)),  # keyed hash of the sender's address (floods), never the address
    # tracking (migration 0008, issue 14): the private status link, triage, the outcome deadline
    Column("status_token_hash", String(64)),  # sha256 of the sender's status-link token; the token is not kept
    Column("listing_pk", Integer, ForeignKey("listings.id")),  # the listing it is about, once linked
    Column("merged_into", Integer, ForeignKey("complaints.id")),  # a duplicate: the complaint that carries it
    Column("due_at", DateTime(timezone=True)),  # the outcome is owed by then (3 business days)
    Column("updated_at", DateTime(timezone=True)),
    Index("ix_complaints_client", "client_hash", "created_at"),
    Index("uq_complaints_status_token", "status_token_hash", unique=True),
    Index("ix_complaints_listing", "listing_pk"),
)

# --- server-side sessions and sign-in throttling (migration 0002) ---
user_sessions = Table(
    "user_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # HMAC of the cookie value; the value itself is not kept
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("end_reason", String(20)),  # logout | password | disabled | idle | expired
    Column("client", String(64)),
    Index("ix_user_sessions_user", "user_id"),
)

signin_throttle = Table(
    "signin_throttle",
    metadata,
    Column("key", String(120), primary_key=True),  # 'account:<sha256>' | 'address:<ip>'
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
)

# --- tamper-evident audit chain and the durable webhook outbox (migration 0003) ---
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1: appenders lock this row, so the chain never forks
    Column("seq", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    PK(),
    Column("platform", String(40), nullable=False),
    Column("notice_pk", Integer, ForeignKey("notices.id"), nullable=False),
    Column("event", String(40), nullable=False),  # notice.sent | notice.reopened
    Column("body", Text, nullable=False),  # the exact bytes signed and sent (UTF-8 JSON)
    Column("status", String(12), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True)),  # a sender holds the row until then
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Index("ix_webhook_outbox_due", "status", "next_attempt_at"),
)

# --- investigation: fingerprints for relisting and networks, recalls from abroad (migration 0004, issue 13) ---
listing_fingerprints = Table(
    "listing_fingerprints",
    metadata,
    PK(),  # grows with every (re)computation: readers sync by id
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("scheme", String(16), nullable=False),  # fingerprint scheme: another one is recomputed
    Column("source_hash", String(64), nullable=False),  # the listing's content hash and photos it was made from
    Column("signature", LargeBinary, nullable=False),  # MinHash, little-endian uint32
    Column("images", JSON),  # pHashes, 16 hex digits each
    Column("contacts", JSON),  # [[kind, value], ...]
    Column("licences", JSON),  # licence numbers as written
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("uq_listing_fingerprints_listing", "listing_pk", unique=True),
)

recalls = Table(
    "recalls",
    metadata,
    PK(),
    Column("source", String(20), nullable=False),  # eu_safety_gate | us_cpsc
    Column("recall_id", String(100), nullable=False),  # alert number / recall number
    Column("product", Text, nullable=False),
    Column("brands", JSON),
    Column("models", JSON),
    Column("description", Text),
    Column("hazard", Text),
    Column("measures", Text),
    Column("url", Text),
    Column("category", Text),
    Column("published", String(40)),
    Column("imported_from", Text, nullable=False),  # the file, as given (the source is kept)
    Column("raw", JSON),  # the record as read
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "recall_id", name="uq_recall"),
)

# --- image job queue (migration 0005): photos of pushed / rescanned listings are read in the background ---
image_jobs = Table(
    "image_jobs",
    metadata,
    PK(),
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("status", String(12), nullable=False),  # pending | running | done | failed
    Column("reason", String(20), nullable=False),  # push | rescan | ingest
    Column("generation", Integer, nullable=False),  # +1 on every enqueue: a worker finishes only its own
    Column("attempts", Integer, nullable=False),
    Column("enqueued_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("lease_until", DateTime(timezone=True)),  # a running job past its lease is taken again
    Column("finished_at", DateTime(timezone=True)),
    Column("worker", String(80)),
    Column("verdict", String(16)),  # the verdict the photos gave
    Column("error", Text),
    UniqueConstraint("listing_pk", name="uq_image_job_listing"),
    Index("ix_image_jobs_status", "status", "id"),
)

# --- investigation follow-up queue (migration 0010): earlier listings a push changed the links of ---
follow_up_jobs = Table(
    "follow_up_jobs",
    metadata,
    PK(),
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("reason", String(20), nullable=False),  # push | check
    Column("enqueued_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("listing_pk", name="uq_follow_up_listing"),
)

# --- business-day calendar, complaint outcomes, report runs (migration 0007, issue 16) ---
holidays = Table(
    "holidays",
    metadata,
    Column("day", Date, primary_key=True),  # a day no business is counted on (Bangkok calendar)
    Column("name_th", Text, nullable=False),
    Column("name_en", Text),
    Column("kind", String(20), nullable=False),  # public | special | substitution
    Column("source", Text, nullable=False),  # the announcement the day comes from
    Column("updated_by", String(80), nullable=False),  # 'seed' for rows from data/thai_holidays.csv
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

complaint_outcomes = Table(
    "complaint_outcomes",
    metadata,
    PK(),
    Column("complaint_pk", Integer, ForeignKey("complaints.id"), nullable=False),
    Column("outcome", String(30), nullable=False),  # services/complaint_outcomes.py OUTCOMES
    Column("note", Text),
    Column("by_user", String(80), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_complaint_outcomes_complaint", "complaint_pk", "id"),
)

report_runs = Table(
    "report_runs",
    metadata,
    PK(),
    Column("kind", String(20), nullable=False),  # monthly
    Column("period", String(7), nullable=False),  # 2026-11
    Column("lang", String(2), nullable=False),
    Column("sha256", String(64), nullable=False),  # of the PDF handed out
    Column("figures", JSON, nullable=False),  # the figures it printed, as computed
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# --- public side: the published list of non-standard products and its change feed (migration 0008, issue 14) ---
publications = Table(
    "publications",
    metadata,
    PK(),  # the entry's public number: stable, never reused
    Column("listing_pk", Integer, ForeignKey("listings.id"), nullable=False),
    Column("decision_pk", Integer, ForeignKey("decisions.id"), nullable=False),  # the confirmation it rests on
    Column("state", String(12), nullable=False),  # published | withdrawn | expired
    Column("product", Text, nullable=False),  # as approved; scrubbed of personal data (services/privacy.py)
    Column("brand", Text),
    Column("tis_number", String(40)),
    Column("platform", String(40), nullable=False),
    Column("legal_basis", String(20)),
    Column("reasons", JSON, nullable=False),  # [{code, th, en}] what was wrong, as the public sees it
    Column("note", Text),  # the supervisor's public note
    Column("confirmed_at", DateTime(timezone=True), nullable=False),
    Column("month", String(7), nullable=False),  # Bangkok YYYY-MM of the confirmation (the month filter)
    Column("photo", LargeBinary),  # a re-encoded JPEG thumbnail (no metadata), when the supervisor chose one
    Column("approved_by", String(80), nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
    Column("takedown_at", DateTime(timezone=True), nullable=False),  # the entry leaves the public list then
    Column("ended_at", DateTime(timezone=True)),
    Column("ended_by", String(80)),
    Column("end_reason", Text),
    Index("ix_publications_public", "state", "confirmed_at"),
    Index("ix_publications_listing", "listing_pk"),
    # at most one live entry per listing
    Index(
        "uq_publications_live",
        "listing_pk",
        unique=True,
        sqlite_where=text("state = 'published'"),
        postgresql_where=text("state = 'published'"),
    ),
)

publication_events = Table(
    "publication_events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),  # the feed cursor: gap-free, in commit order
    Column("publication_pk", Integer, ForeignKey("publications.id"), nullable=False),
    Column("event", String(12), nullable=False),  # published | withdrawn | expired
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_publication_events_publication", "publication_pk"),
)

# a listing found by the address a buyer or complainant pastes (the prefix keeps index entries small)
Index("ix_listings_url_prefix", func.substr(listings.c.url, 1, 255))
