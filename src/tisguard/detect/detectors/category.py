"""Which mandatory standard a product falls under: the lexicon and the learned model together.

The model sees lexicon hits, product cues (part, for, material, pet, publication, …), category,
description head, attributes, brand and price as features, so exclusions (a helmet *bag*) are learned
rather than hard-coded. A standard number or licence stated in the listing is evidence about
compliance, not about what the product is: it re-ranks the standards *within* the regulated mass by a
fixed likelihood ratio (so a stated 2432 settles plug vs power strip), but never moves the odds of
regulated against not regulated — a book about TIS standards with '2432' in its title stays a book.
`product_confidence` is the probability of what was chosen (the standard, or 'none'), so an officer
and the queue can tell a sure call from a guess.

A price far below what the chosen product sells for (≤ 1/12 of its typical price in the training data) is
evidence that the listing sells something smaller under that product's name — a knob, a gasket, a sticker
for it: it divides the odds of "regulated" by `FAR_BELOW_TYPICAL_LR`, so only a call the model is sure of
(p ≥ 0.91) stays regulated, and the reason says so. Measured on the held-out folds of the training data
(session 21): hand-written false positives 92 → 78 of 10,328 for 2 of 4,442 regulated listings lost;
the real dev set unchanged.

A title that *starts* with a Thai publication or service noun ('หนังสือ', 'คู่มือ', 'ตำรา', 'คอร์ส', 'รับยื่น' — the
`pub` cues of product_terms.json) sells that book, manual or service, whatever product it names after it: Thai puts
the head noun first. In the training data 393 titles start so and 2 are regulated (cloth books for babies, which
name a child), so such a title divides the odds of "regulated" by 1 / `PUBLICATION_HEAD_LR` unless it also names a
child ('เด็ก', 'baby': the `kid` cues). English and Chinese put the head noun last ('book light' is a lamp), so only
Thai cues count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tisguard.detect.context import ListingContext, ProductType
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.evidence import Evidence
from tisguard.detect.features import feature_keys, first_product_term
from tisguard.detect.lexicon import LexHit

STATED_LR = 20.0  # a standard number or licence suffix written in the listing (within regulated classes)
# cue classes that name something other than a regulated head product, shown in the not-regulated reason
OTHER_CUES = ("part", "pub", "pet", "decor", "sport", "nonelec")
REGISTERED_LR = 100.0  # a licence number the registry holds: its standard is known for certain
FAR_BELOW_TYPICAL = 1 / 12  # a price at most this share of the chosen product's typical price …
FAR_BELOW_TYPICAL_LR = 0.1  # … divides the odds of "regulated" by 10
PUBLICATION_HEAD_LR = 0.01  # a title that starts with a Thai publication/service noun (see the module docstring)


@dataclass(frozen=True)
class OddsLowered:
    """Why the odds of "regulated" were divided after the model, for the reason an officer reads: the title opens
    with a publication/service noun (`publication`), and/or the price is far below the typical price of the
    product the model leaned to (`price`: price ÷ typical, that standard, p(regulated) before the price)."""

    publication: LexHit | None = None
    price: tuple[float, str, float] | None = None


class CategoryDetector(Detector):
    name, version = "category", "2.2"
    emits = {"regulated_product": Signal(Group.PRODUCT), "not_regulated_product": Signal(Group.PRODUCT)}
    provides = ("product",)
    after = ("stated_numbers",)  # numbers stated in the listing's text update the product odds

    def features(self, ctx: ListingContext) -> tuple[list[str], list]:
        listing = ctx.listing
        return feature_keys(
            ctx.norm("title").text,
            listing.platform_category,
            listing.description,
            ctx.ref.lexicon,
            listing.brand,
            listing.attributes,
            listing.price,
            ctx.ref.model.typical_prices,
        )

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        keys, head_hits = self.features(ctx)
        return self.finish(ctx, ctx.ref.model.predict_proba_keys(keys), head_hits)

    def detect_batch(self, ctxs: list[ListingContext]) -> list[list[Evidence]]:
        """The same as `detect` on each, with one sparse matrix product for the whole batch."""
        if not ctxs:
            return []
        feats = [self.features(c) for c in ctxs]
        probs = ctxs[0].ref.model.predict_proba_many([k for k, _ in feats])
        return [self.finish(c, p, h) for c, p, (_, h) in zip(ctxs, probs, feats)]

    def finish(self, ctx: ListingContext, probs, head_hits) -> list[Evidence]:
        ref = ctx.ref
        classes = ref.model.classes
        stated: dict[str, float] = {}
        for e in ctx.evidence:
            if e.signal in ("standard_number", "licence_number"):
                lic = ref.registry.by_number(e.value["licence_no"]) if e.signal == "licence_number" else None
                tis, lr = (lic.tis_number, REGISTERED_LR) if lic else (e.value.get("tis"), STATED_LR)
                tis = ref.lexicon.reported(tis) if tis else tis
                if tis in classes:
                    stated[tis] = max(stated.get(tis, 1.0), lr)
        none_i = ref.model.none_index
        if stated:
            probs = restate(probs, none_i, [(classes.index(t), lr) for t, lr in stated.items()])
        pub = publication_head(head_hits)
        if pub is not None:
            probs = discount_regulated(probs, none_i, PUBLICATION_HEAD_LR)
        cheap = None  # (price ÷ typical price, standard, p before) when the price lowered the odds
        if probs[none_i] < 0.5:
            masked = probs.copy()
            masked[none_i] = -1.0
            best_reg = int(masked.argmax())
            cheap_tis = ref.lexicon.reported(classes[best_reg])
            share = price_to_typical(ctx, cheap_tis)
            if share is not None and share <= FAR_BELOW_TYPICAL:
                cheap = (share, cheap_tis, 1.0 - float(probs[none_i]))
                probs = discount_regulated(probs, none_i, FAR_BELOW_TYPICAL_LR)
        order = np.argsort(-probs)[:4].tolist()
        pl = probs[order].tolist()  # Python floats: cheaper to round and compare than numpy scalars
        p_reg = 1.0 - float(probs[none_i])
        best_k = 1 if order[0] == none_i else 0
        best = order[best_k]
        tis = ref.lexicon.reported(classes[best])
        top = [(classes[i], p) for i, p in zip(order[:3], pl)]
        ctx.product = ProductType(tis, p_reg, pl[best_k], tuple(top), tuple(sorted(stated)))
        confidence = round(pl[best_k] if p_reg >= 0.5 else 1.0 - p_reg, 4)
        out = []
        std = ref.catalogue.current(tis)
        name = std.name_th if std else tis
        terms = [h for h in head_hits if h.kind == "term" and h.tis == tis]
        if p_reg >= 0.5:
            text_of, span_of = _title_span(ctx, terms[0]) if terms else (None, None)
            th_price, en_price = _price_clause(ctx, cheap)
            out.append(
                self.evidence(
                    "regulated_product",
                    "title",
                    f"สินค้าเข้าข่ายมาตรฐานบังคับ มอก. {tis} ({name}) ความน่าจะเป็น {p_reg:.0%}{th_price}",
                    f"product falls under mandatory TIS {tis} ({std.name_en or name if std else tis}), p={p_reg:.2f}"
                    f"{en_price}",
                    text=text_of,
                    span=span_of,
                    value={
                        "tis": tis,
                        "p_regulated": round(p_reg, 4),
                        "top": [[t, round(p, 4)] for t, p in top],
                        "model_version": ref.model.version,
                        "stated": sorted(stated),
                        "product_confidence": confidence,
                        **({"price_to_typical": round(cheap[0], 4)} if cheap else {}),
                        **({"publication_head": pub.term} if pub else {}),
                    },
                    score=p_reg,
                )
            )
        else:
            out.append(self._not_regulated(ctx, head_hits, confidence, OddsLowered(pub, cheap)))
        return out

    def _not_regulated(self, ctx: ListingContext, head_hits, confidence: float, lowered: OddsLowered) -> Evidence:
        """The "not regulated" finding (the model's call is `ctx.product`), naming what in the title points
        elsewhere: a publication head or a price that lowered the odds, an accessory, part or other-product word,
        else a product word at a fraction of that product's typical price."""
        ref = ctx.ref
        p_reg, top = ctx.product.p_regulated, ctx.product.top
        pub, price_call = lowered.publication, lowered.price
        excl = [h for h in head_hits if h.kind in ("exclude", "accessory") or (h.kind == "cue" and h.tis in OTHER_CUES)]
        th, en = "สินค้าไม่เข้าข่ายมาตรฐานบังคับ", "product is not under a mandatory standard"
        value = {
            "p_regulated": round(p_reg, 4),
            "top": [[t, round(p, 4)] for t, p in top],
            "model_version": ref.model.version,
            "product_confidence": confidence,
        }
        cheap = None if excl or price_call or pub else cheap_for_product(ctx, head_hits)
        if pub is not None:
            th += f" (ชื่อสินค้าขึ้นต้นด้วย '{pub.term}': ขายสิ่งพิมพ์หรือบริการ ไม่ใช่ตัวสินค้าที่กล่าวถึง)"
            en += f" (the title starts with '{pub.term}': it sells a publication or service, not the product it names)"
            value["publication_head"] = pub.term
        elif price_call:  # the price turned the call (see the module docstring)
            th_price, en_price = _price_clause(ctx, price_call)
            named = any(h.kind == "term" and ref.lexicon.reported(h.tis) == price_call[1] for h in head_hits)
            if named:
                th += f" (น่าจะเป็นชิ้นส่วน/อุปกรณ์ที่ใช้ชื่อสินค้านั้น{th_price})"
                en += f" (likely a part or accessory sold under that product's name{en_price})"
            else:
                p0 = price_call[2]
                th += f" (แบบจำลองเอนไปทาง มอก. {price_call[1]} ความน่าจะเป็น {p0:.0%}{th_price})"
                en += f" (the model leaned to TIS {price_call[1]}, p={p0:.2f}{en_price})"
            value["price_to_typical"] = round(price_call[0], 4)
            value["p_regulated_before_price"] = round(price_call[2], 4)
        elif excl:
            th += f" (พบคำว่า '{excl[0].term}' ซึ่งเป็นอุปกรณ์เสริม/สินค้าอื่น)"
            en += f" ('{excl[0].term}' marks an accessory or other product)"
        elif cheap:
            term, price, typical = cheap
            th += (
                f" (ชื่อสินค้ามีคำว่า '{term.term}' แต่ราคา {_baht(price)} บาท"
                f" ต่ำกว่าราคาทั่วไปของสินค้านั้น (~{_baht(typical)} บาท) มาก)"
            )
            en += (
                f" ('{term.term}' is in the title, but the price, {_baht(price)} THB,"
                f" is far below that product's typical ~{_baht(typical)} THB)"
            )
            value["price_to_typical"] = round(price / typical, 4)
        return self.evidence("not_regulated_product", "title", th, en, value=value, score=1 - p_reg)


def publication_head(head_hits: list[LexHit]) -> LexHit | None:
    """The Thai publication/service cue that starts the title, when the title names no child (a cloth book for
    babies is a toy)."""
    first = None
    for h in head_hits:
        if h.kind == "cue" and h.tis == "pub" and h.start <= 1 and "\u0e00" <= h.term[0] <= "\u0e7f":
            first = h
        elif h.kind == "cue" and h.tis == "kid":
            return None
    return first


CHEAP_SHARE = 1 / 8  # a price at most this share of the product's typical price is named in the reason


def price_to_typical(ctx: ListingContext, tis: str) -> float | None:
    """The listing's price as a share of the typical price of standard `tis` (None when either is unknown)."""
    price = ctx.listing.price
    typical = ctx.ref.model.typical_prices.get(tis)
    return float(price) / typical if price and price > 0 and typical else None


def discount_regulated(probs: np.ndarray, none_i: int, lr: float) -> np.ndarray:
    """Multiply the odds of "regulated" by `lr`, the regulated classes keeping their proportions."""
    p_reg = 1.0 - float(probs[none_i])
    if p_reg <= 0.0:
        return probs
    odds = p_reg / max(1.0 - p_reg, 1e-12) * lr
    new_reg = odds / (1.0 + odds)
    out = probs * (new_reg / p_reg)
    out[none_i] = 1.0 - new_reg
    return out


def _price_clause(ctx: ListingContext, cheap: tuple[float, str, float] | None) -> tuple[str, str]:
    if cheap is None:
        return "", ""
    share, tis, _ = cheap
    price = float(ctx.listing.price)
    typical = price / share
    return (
        f"; ราคา {_baht(price)} บาท ต่ำกว่าราคาทั่วไปของ มอก. {tis} (~{_baht(typical)} บาท) มาก",
        f"; the price, {_baht(price)} THB, is far below the typical ~{_baht(typical)} THB of TIS {tis} products",
    )


def cheap_for_product(ctx: ListingContext, head_hits: list[LexHit]) -> tuple[LexHit, float, float] | None:
    """(the title's first product term, price, typical price) when the price is at most `CHEAP_SHARE` of the
    typical price of that term's standard. The model reads the same ratio (`features.price_keys`), among
    everything else, so the reason states it as an observation beside the call, not as its cause."""
    first = first_product_term(head_hits)
    share = price_to_typical(ctx, first.tis) if first is not None else None
    if share is None or share > CHEAP_SHARE:
        return None
    price = float(ctx.listing.price)
    return first, price, price / share


def _baht(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 else f"{x:,.2f}"


def restate(probs: np.ndarray, none_i: int, ratios: list[tuple[int, float]]) -> np.ndarray:
    """Multiply the stated standards' probabilities by their likelihood ratios, renormalised within the
    regulated classes only: p(none) is left as it was."""
    adj = probs.copy()
    reg_mass = 1.0 - float(probs[none_i])
    for i, lr in ratios:
        adj[i] *= lr
    adj[none_i] = 0.0
    total = float(adj.sum())
    if total <= 0.0:
        return probs
    adj *= reg_mass / total
    adj[none_i] = probs[none_i]
    return adj


def _title_span(ctx: ListingContext, hit) -> tuple[str | None, tuple[int, int] | None]:
    """Map a lexicon hit in the model text (' ' + title + ' | ' + category) back to the title."""
    n = ctx.norm("title")
    start, end = hit.start - 1, hit.end - 1
    if start < 0 or end > len(n.text):
        return hit.term, None
    return n.original_slice(start, end), n.span_in_original(start, end)
