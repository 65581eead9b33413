"""A price far below the chosen product's typical price lowers the odds that the listing sells that product.

The category model here is a real (tiny) one whose output does not depend on the text: its bias fixes
p(regulated), so each row of the table isolates the rule of `detectors.category` (FAR_BELOW_TYPICAL,
FAR_BELOW_TYPICAL_LR) in a full engine."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tisguard.catalogue.store import catalogue_from_csv
from tisguard.detect.context import Reference
from tisguard.detect.detectors.category import FAR_BELOW_TYPICAL, discount_regulated
from tisguard.detect.features import FEATURES_VERSION
from tisguard.detect.lexicon import Lexicon
from tisguard.pipeline.build import make_engine
from tisguard.registry.model import Registry
from tisguard.spec.listing import listing_from_record
from tisguard.training.train import Fitted

TYPICAL = 20000.0  # the typical price of an air conditioner in the tiny model's table


@pytest.fixture(scope="module")
def parts():
    return catalogue_from_csv(None), Lexicon.load()


def engine_with(parts, p_regulated: float):
    catalogue, lexicon = parts
    bias = np.array([math.log(p_regulated), math.log(1 - p_regulated)], dtype=np.float32)
    fitted = Fitted({"\x00PAD": 0}, ["1529", "none"], np.zeros((1, 2), np.float32), bias)
    model = fitted.model(1.0, f"test-f{FEATURES_VERSION}-const", {"typical_price": {"1529": TYPICAL}})
    return make_engine(Reference(catalogue, Registry([]), lexicon, model))


def assess(engine, price, title="แอร์ 12000 BTU"):
    rec = {"platform": "shopee", "listing_id": "x1", "title": title, "seller": {"id": "s"}, "price": price}
    listing, errors = listing_from_record(1, rec)
    assert not errors
    return engine.assess(listing)


@pytest.mark.parametrize(
    "p_regulated, price, flagged, price_named",
    [
        (0.85, TYPICAL / 40, False, True),  # unsure and at 1/40 of the typical price: a part sold under its name
        (0.85, TYPICAL * FAR_BELOW_TYPICAL * 1.05, True, False),  # just above 1/12: the price changes nothing
        (0.85, TYPICAL, True, False),  # a normal price
        (0.85, None, True, False),  # no price
        (0.97, TYPICAL / 40, True, True),  # sure enough to stay regulated; the reason names the price
        (0.30, TYPICAL / 40, False, True),  # not regulated anyway: the price is stated as an observation
    ],
)
def test_price_far_below_typical(parts, p_regulated, price, flagged, price_named):
    a = assess(engine_with(parts, p_regulated), price)
    assert (a.verdict in ("unverified", "non_compliant")) is flagged
    product = next(e for e in a.evidence if e.signal in ("regulated_product", "not_regulated_product"))
    assert ("price_to_typical" in product.value) is price_named
    if price_named:
        assert "20,000" in product.reason_en and "ราคา" in product.reason_th


@pytest.mark.parametrize(
    "title, wording",
    [
        ("แอร์ 12000 BTU", "likely a part or accessory sold under that product's name"),  # the title names it
        ("กล่องพลาสติก ใส่ของ สีดำ", "the model leaned to TIS 1529, p=0.85"),  # it does not: the model's lean is stated
    ],
)
def test_the_reason_says_why_the_price_turned_the_call(parts, title, wording):
    a = assess(engine_with(parts, 0.85), TYPICAL / 40, title)
    assert a.verdict == "not_regulated"
    product = next(e for e in a.evidence if e.signal == "not_regulated_product")
    assert wording in product.reason_en and "500 THB" in product.reason_en
    assert product.value["p_regulated_before_price"] == pytest.approx(0.85, abs=1e-3)


def test_discount_keeps_the_regulated_classes_proportions():
    probs = np.array([0.6, 0.2, 0.2])  # two standards and 'none' (index 2)
    out = discount_regulated(probs, 2, 0.1)
    assert out.sum() == pytest.approx(1.0)
    assert out[0] / out[1] == pytest.approx(3.0)
    assert 1 - out[2] == pytest.approx(0.8 * 0.1 / (0.8 * 0.1 + 0.2))  # odds 4 → 0.4
    assert np.array_equal(discount_regulated(np.array([0.0, 0.0, 1.0]), 2, 0.1), [0.0, 0.0, 1.0])
