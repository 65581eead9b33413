"""Pydantic models of listing-v1 and the one function that validates a raw record.

Validation happens at the edges (files, push API); the detectors receive `Listing` objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MAX_TEXT_CHARS = {"title": 2_000, "description": 100_000}
PLATFORM_SLUG = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
VERDICTS = ("not_regulated", "compliant", "unverified", "non_compliant")


class Seller(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=500)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    juristic_id: str | None = Field(default=None, pattern=r"^\d{13}$")
    dbd_registered: bool | None = None
    shop_url: str | None = None


class Image(BaseModel):
    model_config = ConfigDict(extra="allow")
    url: str | None = None
    path: str | None = None


class Label(BaseModel):
    verdict: Literal["not_regulated", "compliant", "unverified", "non_compliant"]
    tis: str | None = None
    reason: str | None = None


class Listing(BaseModel):
    model_config = ConfigDict(extra="allow")
    platform: str
    listing_id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=MAX_TEXT_CHARS["title"])
    description: str | None = Field(default=None, max_length=MAX_TEXT_CHARS["description"])
    url: str | None = None
    price: float | None = Field(default=None, ge=0)
    currency: str = Field(default="THB", pattern=r"^[A-Z]{3}$")
    brand: str | None = None
    model: str | None = None
    platform_category: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    seller: Seller
    images: list[Image] = Field(default_factory=list)
    sold_count: int | None = Field(default=None, ge=0)
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


def validate_listing(raw: Any, record_no: int = 0) -> tuple[Listing | None, list[RecordError]]:
    """Validate one raw record; return the listing or the list of field errors."""
    if not isinstance(raw, dict):
        return None, [RecordError(record_no, "(record)", f"expected a JSON object, got {type(raw).__name__}")]
    listing_id = raw.get("listing_id") if isinstance(raw.get("listing_id"), str) else None
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
