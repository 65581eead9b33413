"""Pydantic models of listing-v1 and the one function that validates a raw record.

Validation happens at the edges (files, push API); the detectors receive `Listing` objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from tisguard.detect.verdict import Verdict

MAX_TEXT_CHARS = {"title": 2_000, "description": 100_000}
PLATFORM_SLUG = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
VERDICTS = tuple(v.value for v in Verdict)
MAX_URL_CHARS = 2_048
MAX_SOLD_COUNT = 10**12  # far above any real shop; keeps the value inside every database integer
MAX_DEPTH = 32  # objects/arrays inside a record (extra fields); JSON columns and encoders have hard limits
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # one character class: linear, cannot backtrack
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f]")  # controls and spaces: never in a link an officer clicks
# the common case, accepted without `urlsplit` (a few µs per URL at ingest): http(s), a plain host name, an optional
# port, then printable ASCII only. Each part ends where the next begins (no overlap): linear, cannot backtrack.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?")


def http_url(v: str | None) -> str | None:
    """An absolute http(s) URL or None. Pages render these as links, so `javascript:`, `data:` and the like are
    refused here, at the edge, rather than trusted later (stored XSS)."""
    if v is None:
        return v
    if len(v) > MAX_URL_CHARS:
        raise ValueError(f"must be at most {MAX_URL_CHARS} characters")
    if _PLAIN_URL.fullmatch(v):
        return v  # what urlsplit would accept: http(s) scheme, a non-empty host, no space or control
    if _URL_FORBIDDEN.search(v):
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(v)
    except ValueError as e:  # e.g. an unbalanced [IPv6] host
        raise ValueError(f"is not a valid URL ({e})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// URL")
    return v


HttpUrl = Annotated[str | None, AfterValidator(http_url)]


class Seller(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=500)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    juristic_id: str | None = Field(default=None, pattern=r"^\d{13}$")
    dbd_registered: bool | None = None
    shop_url: HttpUrl = None


class Image(BaseModel):
    model_config = ConfigDict(extra="allow")
    url: HttpUrl = None
    path: str | None = None


class Label(BaseModel):
    verdict: Verdict
    tis: str | None = None
    reason: str | None = None


class Listing(BaseModel):
    model_config = ConfigDict(extra="allow")
    platform: str
    listing_id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=MAX_TEXT_CHARS["title"])
    description: str | None = Field(default=None, max_length=MAX_TEXT_CHARS["description"])
    url: HttpUrl = None
    price: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    currency: str = Field(default="THB", pattern=r"^[A-Z]{3}$")
    brand: str | None = None
    model: str | None = None
    platform_category: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    seller: Seller
    images: list[Image] = Field(default_factory=list)
    sold_count: int | None = Field(default=None, ge=0, le=MAX_SOLD_COUNT)
    captured_at: datetime | None = None
    label: Label | None = None

    @field_validator("platform")
    @classmethod
    def _platform_slug(cls, v: str) -> str:
        if not PLATFORM_SLUG.match(v):
            raise ValueError("must be a lowercase slug such as 'shopee' or 'lazada'")
        return v

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.listing_id)

    def extras(self) -> dict[str, Any]:
        return dict(self.__pydantic_extra__ or {})


@dataclass(frozen=True)
class RecordError:
    """One problem with one input record: which record, which field, why."""

    record_no: int
    field: str
    reason: str
    listing_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"record_no": self.record_no, "field": self.field, "reason": self.reason, "listing_id": self.listing_id}


def _loc(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "(record)"


def _text_problem(s: str) -> str | None:
    if "\x00" in s:
        return "must not contain the NUL character (U+0000)"
    if not s.isascii() and _SURROGATE.search(s):
        return "contains a lone surrogate (not valid Unicode text)"
    return None


def structure_errors(raw: dict, record_no: int = 0, listing_id: str | None = None) -> list[RecordError]:
    """Problems no database or JSON encoder accepts, found before model validation: NUL characters and lone
    surrogates in any string (keys included), and nesting deeper than MAX_DEPTH. Iterative, so a record nested
    thousands deep cannot exhaust the stack; each problem names its field.

    Cheap for a plain record: orjson refuses lone surrogates and escapes NUL, so one pass in C clears the text of
    almost every record, and the walk then only counts the depth of containers."""
    try:
        dumped = orjson.dumps(raw)
    except (orjson.JSONEncodeError, TypeError):
        check_text = True  # a surrogate, or something else odd: look at every string to name the field
    else:
        check_text = b"\\u0000" in dumped
        if not check_text and dumped.count(b"{") + dumped.count(b"[") < MAX_DEPTH:
            return []  # clean text, and fewer containers in all than levels allowed: nothing to find
    errors: list[RecordError] = []
    stack: list[tuple[dict | list, tuple, int]] = [(raw, (), 0)]
    while stack and len(errors) < 20:
        value, path, depth = stack.pop()
        if depth >= MAX_DEPTH:
            errors.append(
                RecordError(record_no, _loc(path[:1]), f"nested more than {MAX_DEPTH} levels deep", listing_id)
            )
            continue
        for k, v in value.items() if isinstance(value, dict) else enumerate(value):
            if check_text and type(k) is str and (problem := _text_problem(k)):
                errors.append(RecordError(record_no, _loc((*path, repr(k))), "field name " + problem, listing_id))
            elif isinstance(v, (dict, list)):
                stack.append((v, (*path, k), depth + 1))
            elif check_text and type(v) is str and (problem := _text_problem(v)):
                errors.append(RecordError(record_no, _loc((*path, k)), problem, listing_id))
    return sorted(errors, key=lambda e: e.field)


def validate_listing(raw: Any, record_no: int = 0) -> tuple[Listing | None, list[RecordError]]:
    """Validate one raw record; return the listing or the list of field errors."""
    if not isinstance(raw, dict):
        return None, [RecordError(record_no, "(record)", f"expected a JSON object, got {type(raw).__name__}")]
    listing_id = raw.get("listing_id") if isinstance(raw.get("listing_id"), str) else None
    if listing_id is not None and _text_problem(listing_id):
        listing_id = None  # never echo an unencodable id back in the error
    if errors := structure_errors(raw, record_no, listing_id):
        return None, errors
    try:
        return Listing.model_validate(raw), []
    except ValidationError as exc:
        errors = [RecordError(record_no, _loc(e["loc"]), e["msg"], listing_id) for e in exc.errors()]
        return None, errors


def listing_from_record(rec_no: int, raw: Any) -> tuple[Listing | None, list[RecordError]]:
    """A reader's output (a raw record, or the reader's own RecordError) → the listing or its errors."""
    if isinstance(raw, RecordError):
        return None, [raw]
    return validate_listing(raw, rec_no)
