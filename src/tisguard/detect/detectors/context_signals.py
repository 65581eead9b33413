"""Signals that raise or lower risk but never decide a verdict alone."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.evidence import Evidence


class CrossBorderDetector(Detector):
    name, version = "cross_border", "1.0"
    emits = {"cross_border": Signal(Group.CONTEXT, weight=0.8)}

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        c = ctx.listing.seller.country
        if c and c != "TH":
            return [
                self.evidence(
                    "cross_border",
                    "seller",
                    f"ผู้ขายส่งสินค้าจากต่างประเทศ ({c})",
                    f"ships from abroad ({c})",
                    value={"country": c},
                )
            ]
        return []


class LowPriceDetector(Detector):
    """Price far below the category's typical price (median of the model's training data)."""

    name, version = "low_price", "1.1"
    emits = {"price_low": Signal(Group.CONTEXT, weight=0.6)}
    requires = ("product",)

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        ratio: float = Field(0.45, gt=0, le=1, description="flag prices below this share of the typical price")

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        price, product = ctx.listing.price, ctx.product
        if not price or product is None or not product.regulated:
            return []
        typical = ctx.ref.model.typical_price(product.tis)
        ratio = self.params.ratio
        if typical and price < ratio * typical:
            return [
                self.evidence(
                    "price_low",
                    "price",
                    f"ราคา {price:,.0f} บาท ต่ำกว่าราคาทั่วไปของสินค้าประเภทนี้ (~{typical:,.0f} บาท) มาก",
                    f"price {price:,.0f} THB is far below the typical {typical:,.0f} THB",
                    value={"price": price, "typical": typical},
                )
            ]
        return []


class UnregisteredSellerDetector(Detector):
    name, version = "seller_dbd", "1.0"
    emits = {"seller_not_dbd": Signal(Group.CONTEXT, weight=0.4)}

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        s = ctx.listing.seller
        if s.dbd_registered is False and (s.country in (None, "TH")):
            return [
                self.evidence(
                    "seller_not_dbd",
                    "seller",
                    "ผู้ขายไม่ได้จดทะเบียนพาณิชย์อิเล็กทรอนิกส์กับ DBD",
                    "seller is not registered with the DBD",
                    value={"seller_id": s.id},
                )
            ]
        return []


class SellerHistoryDetector(Detector):
    name, version = "seller_history", "1.0"
    emits = {"seller_past_violations": Signal(Group.CONTEXT, weight=0.6, count_cap=3)}

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        l = ctx.listing
        n = ctx.ref.seller_violations.get((l.platform, l.seller.id), 0)
        if n:
            return [
                self.evidence(
                    "seller_past_violations",
                    "seller",
                    f"ผู้ขายเคยถูกยืนยันว่าฝ่าฝืนมาแล้ว {n} ครั้ง",
                    f"seller has {n} confirmed past violation(s)",
                    value={"count": n},
                )
            ]
        return []
