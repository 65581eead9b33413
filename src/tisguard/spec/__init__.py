"""The listing interchange format, version 1 (shared/spec/listing-v1.md)."""

from tisguard.spec.listing import Image, Label, Listing, RecordError, Seller, listing_from_record, validate_listing

__all__ = ["Image", "Label", "Listing", "Seller", "RecordError", "listing_from_record", "validate_listing"]
